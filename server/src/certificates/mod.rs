//! Certificates: signing keys (CSCA, document signers, the trust-list signer), the signed
//! trust and revocation lists, QR rendering, and the `keys` and `certs` commands.
//!
//! The codec itself lives once, in `healthbook_domain::certificate`; this module owns the
//! keys, the database rows that say which key is active, and the HTTP side.

pub mod config;
pub mod keyring;
pub mod keys;
pub mod lists;
pub mod qr;
pub mod revocations;
pub mod signing;
pub(crate) mod store;
pub mod trust_list;

use crate::error::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use healthbook_domain::certificate::{CertificateType, EncodeError, KeyId, SignError};
use healthbook_domain::problem::ProblemCode;
use keyring::{KeyAction, KeyChange, KeySource, Keyring};
use keys::Role;
use sea_orm::{DatabaseConnection, DbErr};
use signing::{DocumentSigner, IssueError};
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use config::{CertificateConfig, CertificateFileOptions, CertificateOptions};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(trust_list::get_trust_list))
        .routes(routes!(trust_list::get_signing_key))
        .routes(routes!(revocations::get_revocations))
}

#[derive(Debug, Error)]
pub enum CertificateError {
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("signing failed: {0}")]
    Sign(#[from] SignError),
    #[error(transparent)]
    Issue(#[from] IssueError),
    #[error("no {} key is active: run `healthbook keys init`", .0.as_str())]
    NoActiveKey(Role),
    #[error(
        "the active {} key {kid} has no private key in {place}: processes that share a database \
         must share the key directory or use the same PEM files",
        role.as_str()
    )]
    MissingPrivateKey {
        role: Role,
        kid: KeyId,
        place: String,
    },
    #[error("another process changed the keys at the same moment; run the command again")]
    Conflict,
    #[error(
        "the keys are configured as PEM files: issue a new DSC with your CSCA, name it in \
         dsc_cert and dsc_key, add the old certificate to retired_dsc_certs, and restart"
    )]
    Configured,
    #[error("the stored key {0} is unreadable")]
    Corrupt(String),
}

impl From<CertificateError> for ApiError {
    fn from(error: CertificateError) -> ApiError {
        match error {
            CertificateError::Db(error) => ApiError::from(error),
            CertificateError::Issue(IssueError::OutlivesSigner { .. }) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::CertificateOutlivesSigner,
            )
            .with_source(error),
            CertificateError::Issue(IssueError::KeyUsage { .. }) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::CertificateTypeNotAllowed,
            )
            .with_source(error),
            CertificateError::Issue(IssueError::Encode(EncodeError::Schema(_))) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::CertificateSchemaViolation,
            )
            .with_source(error),
            other => ApiError::internal(other),
        }
    }
}

/// The certificate capability's share of the application state.
#[derive(Debug)]
pub struct CertificateService {
    keyring: Keyring,
    trust_list_max_age: u64,
    revocation_list_max_age: u64,
}

impl CertificateService {
    /// Opens the keys, generating (or, past a DSC's key usage period, rotating) generated
    /// keys as needed: what `serve` runs at start.
    pub async fn start(
        certificates: &CertificateConfig,
        keys_dir: &Path,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<Arc<CertificateService>, CertificateError> {
        let (service, changes) = CertificateService::open(
            certificates,
            keys_dir,
            db,
            &[CertificateType::Vaccination],
            now,
        )
        .await?;
        log_changes(&changes);
        Ok(Arc::new(service))
    }

    /// As [`CertificateService::start`], with the key usages of a DSC generated now.
    pub async fn open(
        certificates: &CertificateConfig,
        keys_dir: &Path,
        db: &DatabaseConnection,
        uses: &[CertificateType],
        now: DateTime<Utc>,
    ) -> Result<(CertificateService, Vec<KeyChange>), CertificateError> {
        let source = certificates.key_source(keys_dir);
        let (keyring, changes) =
            Keyring::open(db, source, &certificates.country, uses, now).await?;
        Ok((
            CertificateService {
                keyring,
                trust_list_max_age: certificates.trust_list_max_age,
                revocation_list_max_age: certificates.revocation_list_max_age,
            },
            changes,
        ))
    }

    pub fn key_source(&self) -> &KeySource {
        self.keyring.source()
    }

    pub fn country(&self) -> &str {
        self.keyring.country()
    }

    /// The active document signer, ready to issue (it checks its own rules before signing).
    pub async fn document_signer(
        &self,
        db: &DatabaseConnection,
    ) -> Result<Arc<DocumentSigner>, CertificateError> {
        self.keyring.document_signer(db).await
    }

    pub fn trust_list_signing_key(
        &self,
    ) -> Result<trust_list::TrustListSigningKey, CertificateError> {
        trust_list::TrustListSigningKey::from_certificate(self.keyring.trust_list_certificate())
    }
}

/// One log line per key that changed; nothing about a key's private half.
pub fn log_changes(changes: &[KeyChange]) {
    for change in changes {
        if change.action == KeyAction::Kept {
            tracing::debug!(key.role = change.role.as_str(), key.kid = %change.kid, "signing key in use");
        } else {
            tracing::info!(
                key.role = change.role.as_str(),
                key.kid = %change.kid,
                key.action = change.action.as_str(),
                "signing key changed"
            );
        }
    }
}
