//! `GET /v1/trust-list`: the document signers a phone trusts, signed by the trust-list key;
//! `GET /v1/trust-list/signing-key`: that key, for an app to pin.

use super::lists::{self, Published, SignedList};
use super::store;
use super::{CertificateError, CertificateService};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeDelta, Utc};
use healthbook_domain::certificate::{
    KeyId, TrustListDocument, TrustListEntry, VerifyingKey, sign_trust_list,
};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const KIND: &str = "trust_list";
/// Phones refetch hourly at most; `ETag` makes the refetch cheap.
const CACHE_CONTROL: &str = "public, max-age=3600";

/// What the trust list says, apart from its version and issue time.
#[derive(Serialize)]
struct Content<'a> {
    signer: String,
    max_age_seconds: u64,
    entries: &'a [TrustListEntry],
}

/// The current trust list: every DSC whose certificate has not expired, active or retired.
pub async fn current(
    service: &CertificateService,
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Published, CertificateError> {
    let entries = store::publishable_signers(db, now)
        .await?
        .iter()
        .map(|row| {
            let der = STANDARD
                .decode(&row.certificate)
                .map_err(|_| CertificateError::Corrupt(row.kid.clone()))?;
            TrustListEntry::from_certificate_der(&der, service.keyring.country())
                .map_err(|_| CertificateError::Corrupt(row.kid.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let signer = service.keyring.trust_list_signer();
    let max_age_seconds = service.trust_list_max_age;
    let hash = lists::content_hash(&Content {
        signer: signer.key_id().to_base64(),
        max_age_seconds,
        entries: &entries,
    })?;
    lists::current(
        db,
        KIND,
        &hash,
        refresh_after(max_age_seconds),
        now,
        |version, issued_at| {
            sign_trust_list(
                &TrustListDocument {
                    version,
                    issued_at,
                    max_age_seconds,
                    entries: entries.clone(),
                    unreadable_entries: Vec::new(),
                },
                signer,
            )
        },
    )
    .await
}

/// Republish at half the maximum age, so that a fresh fetch is never close to stale.
pub fn refresh_after(max_age_seconds: u64) -> TimeDelta {
    TimeDelta::try_seconds(i64::try_from(max_age_seconds / 2).unwrap_or(i64::MAX))
        .unwrap_or(TimeDelta::MAX)
}

/// The signed trust list of the document signers (DSCs).
///
/// The payload is a `TrustListDocument`: `version` (only grows: a phone refuses an older
/// version than the one it holds), `issued_at`, `max_age_seconds` (past it a phone warns and
/// refetches, but keeps verifying offline) and `entries`, one per DSC whose certificate has
/// not expired: `kid`, `certificate` (base64 DER), `not_before`, `not_after`,
/// `allowed_uses` (empty: every type) and `country`. Retired DSCs stay listed until they
/// expire, so the certificates they signed stay verifiable. Verify the envelope with the
/// pinned trust-list key (`GET /v1/trust-list/signing-key`).
#[utoipa::path(get, path = "/trust-list", tag = "certificates",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the caller holds")),
    responses(
        (status = 200, description = "The signed trust list", body = SignedList,
            headers(("ETag" = String, description = "Names the list's version"),
                    ("Cache-Control" = String, description = "public, max-age=3600"))),
        (status = 304, description = "The caller's copy is current"),
    ))]
pub async fn get_trust_list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let published = current(&state.certificates, &state.db, state.clock.now()).await?;
    Ok(lists::respond(&published, &headers, CACHE_CONTROL))
}

/// The key that signs the trust list and the revocation list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrustListSigningKey {
    /// Key id: standard base64 of the first 8 bytes of SHA-256 over the certificate's DER.
    pub kid: String,
    /// `ES256`.
    pub alg: String,
    /// The uncompressed P-256 public point (`04 ‖ x ‖ y`, 65 bytes), standard base64: what
    /// an app pins.
    pub public_key: String,
    /// The X.509 certificate, standard base64 of its DER.
    pub certificate: String,
    pub certificate_pem: String,
    /// SHA-256 of the certificate's DER, hex: for comparing out of band.
    pub certificate_sha256: String,
    pub not_after: DateTime<Utc>,
}

impl TrustListSigningKey {
    pub fn from_certificate(certificate_der: &[u8]) -> Result<Self, CertificateError> {
        let facts = super::keys::facts(certificate_der, "the trust-list certificate")?;
        let VerifyingKey::EcdsaP256(point) = VerifyingKey::from_certificate_der(certificate_der)
            .map_err(|_| CertificateError::Corrupt(facts.kid.to_base64()))?
        else {
            return Err(CertificateError::Corrupt(facts.kid.to_base64()));
        };
        Ok(TrustListSigningKey {
            kid: KeyId::from_certificate_der(certificate_der).to_base64(),
            alg: "ES256".to_owned(),
            public_key: STANDARD.encode(point),
            certificate: STANDARD.encode(certificate_der),
            certificate_pem: super::keys::certificate_pem(certificate_der),
            certificate_sha256: hex::encode(Sha256::digest(certificate_der)),
            not_after: facts.not_after,
        })
    }

    /// The key that checks a list's signature.
    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        let point = STANDARD.decode(&self.public_key).ok()?;
        VerifyingKey::ecdsa_p256(&point).ok()
    }
}

/// The public key that verifies `GET /v1/trust-list` and `GET /v1/revocations`.
///
/// Apps ship this key in their build and pin it (`healthbook keys show` prints it); fetching
/// it from the server it protects is trust on first use, for development and for operators.
#[utoipa::path(get, path = "/trust-list/signing-key", tag = "certificates",
    responses((status = 200, description = "The trust-list signing key", body = TrustListSigningKey)))]
pub async fn get_signing_key(
    State(state): State<AppState>,
) -> ApiResult<Json<TrustListSigningKey>> {
    Ok(Json(TrustListSigningKey::from_certificate(
        state.certificates.keyring.trust_list_certificate(),
    )?))
}
