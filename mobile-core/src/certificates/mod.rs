//! Vaccination certificates on the phone: the signed trust list and revocation list fetched
//! when online and kept in the store, and verification of any `HC1:` text offline, with
//! `domain`'s codec. The citizen's own certificates, scanned or pasted, are kept too.
//!
//! Certificate contents are health data: nothing here logs them, nor the `HC1:` text.

mod error;
mod pin;
mod trust;

pub use error::CertificateError;

use crate::Timestamp;
use crate::context::Core;
use crate::error::CommonError;
use crate::http::{Auth, Fetched};
use crate::store::{ListKind, SavedHc1, StoredList};
use healthbook_domain::certificate::{
    self, CertificateType, Dcc, SignedEnvelope, SkippedEntry, VerifyError, VerifyingKey,
};
use healthbook_domain::{Lang, Localized};
use std::sync::Arc;
use uuid::Uuid;

/// The verdict on a certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum VerificationOutcome {
    /// Signed by a trusted issuer, within its validity, not revoked.
    Valid,
    /// Damaged, altered, expired, not yet valid, or not what its signer may sign. `code` is
    /// stable (`certificate_bad_signature`, `certificate_expired`…); `message` is in the
    /// client's language.
    Invalid { code: String, message: String },
    /// Genuine, but withdrawn by its issuer.
    Revoked,
    /// Signed by a key the trust list does not name: another country's scheme, a forgery,
    /// or a trust list too old to know the signer.
    UnknownIssuer,
}

/// What a certificate says, for display: decoded from the text whatever the verdict, and to
/// be believed only when the verdict is `Valid`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateDetails {
    /// The holder's name as written ("Trần Bảo Châu"), else the transliterated one.
    pub holder_name: String,
    pub certificate_type: CertificateType,
    /// The target disease's name in the client's language (its SNOMED CT code when unknown).
    pub target_disease: String,
    /// The UVCI (`ci`).
    pub certificate_id: String,
    /// The issuing country (CWT `iss`).
    pub issuer_country: Option<String>,
    pub issued_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// The payload itself: name (`nam`), date of birth (`dob`, possibly partial) and the one
    /// event — for a vaccination the disease, vaccine, product, maker, dose `dn` of `sd`,
    /// date, country, issuer and UVCI.
    pub dcc: Dcc,
}

/// The lists the phone verifies with.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListsStatus {
    /// Whether a trust-list key is pinned.
    pub pinned: bool,
    /// `None` until a trust list has been fetched: every certificate is then of an unknown
    /// issuer.
    pub trust_list_version: Option<u64>,
    pub trust_list_issued_at: Option<Timestamp>,
    pub revocations_version: Option<u64>,
    pub revocations_issued_at: Option<Timestamp>,
    /// When the server last confirmed the lists (the older of the two).
    pub fetched_at: Option<Timestamp>,
    /// A list is past its maximum age: verification goes on with it, but the app should say
    /// so and refresh when it can.
    pub stale: bool,
    /// Trust-list entries the phone cannot use (a key of a kind it cannot check, a
    /// certificate that does not parse), each with a stable `code` and a reason. Their
    /// issuers' certificates are of an unknown issuer; every other entry verifies as usual.
    pub skipped_entries: Vec<SkippedEntry>,
}

/// One verification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateCheck {
    pub outcome: VerificationOutcome,
    /// `None` when the text cannot be decoded at all.
    pub details: Option<CertificateDetails>,
    pub checked_at: Timestamp,
    pub lists: ListsStatus,
}

/// A certificate kept on the phone, verified again as it is read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SavedCertificate {
    pub id: Uuid,
    /// The `HC1:` text, for its QR code (`qrCode(hc1)`).
    pub hc1: String,
    pub added_at: Timestamp,
    pub check: CertificateCheck,
}

/// What a refresh changed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefreshReport {
    pub trust_list_updated: bool,
    pub revocations_updated: bool,
    pub lists: ListsStatus,
}

#[derive(uniffi::Object)]
pub struct CertificatesClient {
    core: Arc<Core>,
}

impl CertificatesClient {
    pub(crate) fn new(core: Arc<Core>) -> CertificatesClient {
        CertificatesClient { core }
    }

    async fn pinned_key(&self) -> Result<Option<VerifyingKey>, CertificateError> {
        let text = self.core.store(|store| store.pinned_key()).await?;
        // A stored pin was parsed when it was set; one that no longer parses is as good as
        // none.
        Ok(text.and_then(|text| pin::parse_pin(&text).ok()))
    }

    /// The trust the stored lists give now.
    async fn trust(&self) -> Result<trust::Trust, CertificateError> {
        let key = self.pinned_key().await?;
        let (trust_list, revocations) = self
            .core
            .store(|store| {
                Ok((
                    store.signed_list(ListKind::TrustList)?,
                    store.signed_list(ListKind::Revocations)?,
                ))
            })
            .await?;
        Ok(trust::load(
            key.as_ref(),
            trust_list.as_ref(),
            revocations.as_ref(),
            self.core.clock.now(),
        ))
    }

    fn check_with(&self, hc1: &str, trust: &trust::Trust) -> CertificateCheck {
        let now = self.core.clock.now();
        let (outcome, details) = trust::check(hc1, trust, now, self.core.lang);
        CertificateCheck {
            outcome,
            details,
            checked_at: now,
            lists: trust.status.clone(),
        }
    }

    fn saved_with(&self, saved: SavedHc1, trust: &trust::Trust) -> SavedCertificate {
        SavedCertificate {
            check: self.check_with(&saved.hc1, trust),
            id: saved.id,
            hc1: saved.hc1,
            added_at: saved.added_at,
        }
    }

    /// Fetches one list unless the stored copy is current; checks it with the pinned key and
    /// against the stored version; keeps it. Returns whether a new version was kept.
    async fn refresh_list(
        &self,
        kind: ListKind,
        key: &VerifyingKey,
    ) -> Result<bool, CertificateError> {
        let (path, name) = match kind {
            ListKind::TrustList => ("/v1/trust-list", "trust list"),
            ListKind::Revocations => ("/v1/revocations", "revocation list"),
        };
        let now = self.core.clock.now();
        let stored = self
            .core
            .store(move |store| store.signed_list(kind))
            .await?;
        // The stored version bounds what may replace it only while it still opens with the
        // pinned key; otherwise it is not evidence of anything.
        let seen = stored.as_ref().filter(|list| match kind {
            ListKind::TrustList => trust::open_trust_list(list, key, None, now).is_ok(),
            ListKind::Revocations => trust::open_revocations(list, key, None, now).is_ok(),
        });
        let etag = seen.and_then(|list| list.etag.clone());
        let previously_seen = seen.map(|list| list.version);
        let fetched = self
            .core
            .api
            .get_if_changed(path, Auth::Public, etag.as_deref())
            .await?;
        let (body, etag) = match fetched {
            Fetched::NotModified => {
                self.core
                    .store(move |store| store.touch_signed_list(kind, now))
                    .await?;
                return Ok(false);
            }
            Fetched::Body { body, etag } => (body, etag),
        };
        let malformed = || CertificateError::ListRejected {
            list: name.to_owned(),
            code: "list_malformed".to_owned(),
        };
        let envelope_text = String::from_utf8(body).map_err(|_| malformed())?;
        let envelope: SignedEnvelope =
            serde_json::from_str(&envelope_text).map_err(|_| malformed())?;
        let (version, issued_at, max_age_seconds) = match kind {
            ListKind::TrustList => {
                let opened = certificate::verify_trust_list(&envelope, key, previously_seen, now)
                    .map_err(|e| CertificateError::rejected(name, &e))?;
                // An entry the phone cannot use costs that signer only; the report lists it.
                let skipped = opened.document.trust_store().skipped.len();
                if skipped > 0 {
                    tracing::warn!(
                        list.version = opened.document.version,
                        list.skipped = skipped,
                        "trust list entries skipped"
                    );
                }
                let document = opened.document;
                (
                    document.version,
                    document.issued_at,
                    document.max_age_seconds,
                )
            }
            ListKind::Revocations => {
                let opened =
                    certificate::verify_revocation_list(&envelope, key, previously_seen, now)
                        .map_err(|e| CertificateError::rejected(name, &e))?;
                let document = opened.document;
                (
                    document.version,
                    document.issued_at,
                    document.max_age_seconds,
                )
            }
        };
        let unchanged = previously_seen == Some(version);
        let list = StoredList {
            version,
            issued_at,
            max_age_seconds,
            etag,
            envelope: envelope_text,
            fetched_at: now,
        };
        let kept = self
            .core
            .store(move |store| store.save_signed_list(kind, &list))
            .await?;
        if kept && !unchanged {
            tracing::info!(
                list.kind = kind.as_str(),
                list.version = version,
                "signed list updated"
            );
        }
        Ok(kept && !unchanged)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl CertificatesClient {
    /// Pins the key that signs the trust list and the revocation list: the app ships it and
    /// sets it at every start. Takes the PEM certificate of the trust-list signer, a PEM
    /// public key, or the JSON of `GET /v1/trust-list/signing-key`. Pinning another key than
    /// before drops the lists signed by the old one.
    pub async fn set_trust_list_key(&self, key: String) -> Result<(), CertificateError> {
        let parsed = pin::parse_pin(&key)?;
        let before = self.pinned_key().await?;
        let replaces_lists = before.is_some_and(|before| before != parsed);
        self.core
            .store(move |store| store.pin_key(key.trim(), replaces_lists))
            .await?;
        Ok(())
    }

    /// Fetches the trust list and the revocation list when they changed (`If-None-Match`),
    /// checks their signatures with the pinned key, refuses a version older than the one
    /// held, and keeps them for offline use.
    pub async fn refresh(&self) -> Result<RefreshReport, CertificateError> {
        let key = self
            .pinned_key()
            .await?
            .ok_or(CertificateError::NoPinnedKey)?;
        let trust_list_updated = self.refresh_list(ListKind::TrustList, &key).await?;
        let revocations_updated = self.refresh_list(ListKind::Revocations, &key).await?;
        Ok(RefreshReport {
            trust_list_updated,
            revocations_updated,
            lists: self.trust().await?.status,
        })
    }

    /// The lists held now, without network.
    pub async fn status(&self) -> Result<ListsStatus, CertificateError> {
        Ok(self.trust().await?.status)
    }

    /// Verifies a scanned or pasted `HC1:` text offline, at the core's clock.
    pub async fn verify(&self, hc1: String) -> Result<CertificateCheck, CertificateError> {
        let trust = self.trust().await?;
        Ok(self.check_with(&hc1, &trust))
    }

    /// Keeps a certificate on the phone ("my certificates"), whatever its verdict today —
    /// an unknown issuer may become known with the next trust list. A text that is not a
    /// certificate at all is refused.
    pub async fn save(&self, hc1: String) -> Result<SavedCertificate, CertificateError> {
        let hc1 = hc1.trim().to_owned();
        if let Err(error) = certificate::decode_unverified(&hc1) {
            return Err(not_a_certificate(&error, self.core.lang));
        }
        let now = self.core.clock.now();
        let saved = self
            .core
            .store(move |store| store.save_certificate(&hc1, now))
            .await?;
        let trust = self.trust().await?;
        Ok(self.saved_with(saved, &trust))
    }

    /// The certificates kept on the phone, newest first, each verified now.
    pub async fn saved(&self) -> Result<Vec<SavedCertificate>, CertificateError> {
        let saved = self.core.store(|store| store.certificates()).await?;
        let trust = self.trust().await?;
        Ok(saved
            .into_iter()
            .map(|saved| self.saved_with(saved, &trust))
            .collect())
    }

    pub async fn remove(&self, id: Uuid) -> Result<(), CertificateError> {
        let removed = self
            .core
            .store(move |store| store.remove_certificate(id))
            .await?;
        if removed {
            Ok(())
        } else {
            Err(CommonError::NotFound.into())
        }
    }
}

fn not_a_certificate(error: &VerifyError, lang: Lang) -> CertificateError {
    CertificateError::NotACertificate {
        code: error.code().to_owned(),
        detail: error.message(lang),
    }
}

#[cfg(test)]
mod tests;
