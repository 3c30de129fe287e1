//! `GET /v1/revocations`: revoked certificates the DCC way, by truncated hashes that name no
//! person. The list stays empty until certificates are issued and revoked (the vaccination
//! work adds the entries); its format, signature, versions and caching are already final.

use super::lists::{self, Published, SignedList};
use super::trust_list::refresh_after;
use super::{CertificateError, CertificateService};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use healthbook_domain::certificate::revocation::RevocationListEntry;
use healthbook_domain::certificate::{RevocationListDocument, sign_revocation_list};
use sea_orm::DatabaseConnection;
use serde::Serialize;

pub const KIND: &str = "revocations";
/// Revocations should reach phones within minutes.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Serialize)]
struct Content<'a> {
    signer: String,
    max_age_seconds: u64,
    entries: &'a [RevocationListEntry],
}

pub async fn current(
    service: &CertificateService,
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Published, CertificateError> {
    let entries: Vec<RevocationListEntry> = Vec::new();
    let signer = service.keyring.trust_list_signer();
    let max_age_seconds = service.revocation_list_max_age;
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
            sign_revocation_list(
                &RevocationListDocument {
                    version,
                    issued_at,
                    max_age_seconds,
                    entries: entries.clone(),
                },
                signer,
            )
        },
    )
    .await
}

/// The signed revocation list.
///
/// The payload is a `RevocationListDocument`: `version`, `issued_at`, `max_age_seconds` and
/// `entries`, each `{ "hash_type": "UCI" | "COUNTRYCODEUCI" | "SIGNATURE", "hash": "<32 hex
/// digits>" }`: the first 128 bits of SHA-256 over the UVCI, over the country code and the
/// UVCI, or over the signature (its `r` half for ES256). Signed by the trust-list key.
#[utoipa::path(get, path = "/revocations", tag = "certificates",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the caller holds")),
    responses(
        (status = 200, description = "The signed revocation list", body = SignedList,
            headers(("ETag" = String, description = "Names the list's version"),
                    ("Cache-Control" = String, description = "public, max-age=300"))),
        (status = 304, description = "The caller's copy is current"),
    ))]
pub async fn get_revocations(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let published = current(&state.certificates, &state.db, state.clock.now()).await?;
    Ok(lists::respond(&published, &headers, CACHE_CONTROL))
}
