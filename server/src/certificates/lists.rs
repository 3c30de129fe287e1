//! Publishing a signed list (the trust list, the revocation list) with a version that only
//! grows, and serving it with `ETag`, `If-None-Match` and `Cache-Control`.
//!
//! The database holds the current version, a hash of what it says and the signed envelope
//! itself. A list is republished (version + 1) when what it says changes, and when half its
//! maximum age has passed, so that a phone that refetches never holds a stale copy. The
//! conditional update on the version means that of two processes republishing at once, one
//! wins and the other serves the winner's envelope: every process serves the same bytes for
//! one version, and `ETag` names the version.

use super::CertificateError;
use super::store::{self, PublishedRow};
use crate::http::conditional;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, SubsecRound as _, TimeDelta, Utc};
use healthbook_domain::certificate::{SignError, SignedEnvelope};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A signed list as stored and served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub kind: &'static str,
    pub version: u64,
    pub issued_at: DateTime<Utc>,
    /// The envelope's JSON, exactly as served.
    pub envelope: String,
}

impl Published {
    fn from_row(kind: &'static str, row: PublishedRow) -> Published {
        Published {
            kind,
            version: u64::try_from(row.version).unwrap_or(0),
            issued_at: row.issued_at,
            envelope: row.envelope,
        }
    }

    /// A strong entity tag: one version is one sequence of bytes.
    pub fn etag(&self) -> String {
        format!("\"{}-v{}\"", self.kind.replace('_', "-"), self.version)
    }
}

/// The signed envelope, as `GET /v1/trust-list` and `GET /v1/revocations` return it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignedList {
    /// base64url (no padding) of the list document's JSON bytes: `version`, `issued_at`,
    /// `max_age_seconds` and `entries`. The signature covers exactly these bytes.
    pub payload: String,
    /// Key id of the trust-list signer (standard base64); informative, apps pin its key.
    pub kid: String,
    /// `ES256`.
    pub alg: String,
    /// base64url (no padding) of the raw `r ‖ s` ECDSA signature.
    pub signature: String,
}

/// SHA-256 (hex) of what a list says, to tell whether it must be republished.
pub fn content_hash(content: &impl Serialize) -> Result<String, CertificateError> {
    let bytes = serde_json::to_vec(content)
        .map_err(|error| CertificateError::Sign(SignError::Backend(error.to_string())))?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// The current version of the list `kind`, republishing it first when `content_hash`
/// differs from what was published or when it is older than `refresh_after`. `seal` signs
/// the document of a given version and issue time.
pub async fn current(
    db: &DatabaseConnection,
    kind: &'static str,
    content_hash: &str,
    refresh_after: TimeDelta,
    now: DateTime<Utc>,
    seal: impl Fn(u64, DateTime<Utc>) -> Result<SignedEnvelope, SignError>,
) -> Result<Published, CertificateError> {
    // Lists speak in whole seconds, like the certificates they describe.
    let now = now.trunc_subsecs(0);
    // Two rounds: a lost race is followed by serving the winner's list.
    for _ in 0..2 {
        let row = store::published(db, kind).await?;
        if let Some(row) = &row
            && row.content_hash == content_hash
            && now < row.issued_at + refresh_after
        {
            return Ok(Published::from_row(kind, row.clone()));
        }
        let previous = row.as_ref().map(|row| row.version);
        let version = previous.unwrap_or(0) + 1;
        let envelope = seal(u64::try_from(version).unwrap_or(1), now)?;
        let envelope = serde_json::to_string(&envelope)
            .map_err(|error| CertificateError::Sign(SignError::Backend(error.to_string())))?;
        let next = PublishedRow {
            kind: kind.to_owned(),
            version,
            content_hash: content_hash.to_owned(),
            issued_at: now,
            envelope,
        };
        if store::publish(db, next.clone(), previous).await? {
            tracing::info!(
                list.kind = kind,
                list.version = version,
                "published a new list version"
            );
            return Ok(Published::from_row(kind, next));
        }
    }
    // Another process published between our read and our write: serve what it published.
    store::published(db, kind)
        .await?
        .map(|row| Published::from_row(kind, row))
        .ok_or(CertificateError::Conflict)
}

/// The list, or `304 Not Modified` when the caller already has this version.
pub fn respond(
    published: &Published,
    request: &HeaderMap,
    cache_control: &'static str,
) -> Response {
    conditional::respond(
        request,
        &published.etag(),
        cache_control,
        published.envelope.clone(),
    )
}
