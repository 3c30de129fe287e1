//! What the intake of facility files says to the facility and its systems: the systems and
//! their keys as an administrator sees them, and the receipt of an envelope.

use crate::i18n::Localized;
use crate::xmldsig::{SignedBy, Verdict};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A facility system's name: what the citizen reads as the author of what it sends.
pub const SYSTEM_NAME_MAX: usize = 120;

/// How long a replaced key keeps working, so that a system can switch without a gap.
pub const KEY_OVERLAP_DAYS: i64 = 7;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSystemRequest {
    /// The system as the citizen will see it, e.g. "HIS Bệnh viện Đa khoa tỉnh".
    #[validate(length(min = 3, max = 120, code = "system_name_length"))]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SystemKeyView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    /// Set once a newer key replaced it; it works until then.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacilitySystemView {
    pub id: Uuid,
    pub facility_id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub keys: Vec<SystemKeyView>,
}

/// A new key: the secret is shown here once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedKey {
    pub system: FacilitySystemView,
    pub key_id: Uuid,
    /// `Authorization: Bearer <key>` on `POST /v1/ingest/encounters`.
    pub key: String,
}

/// What became of one visit of an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum VisitFate {
    /// In the citizen's book.
    Imported,
    /// Kept, matched to an identification number that has no book yet: it will be in the
    /// book when its citizen registers.
    Waiting,
    /// Sent before with the same content: nothing changed.
    Unchanged,
    /// Kept but placed in no book: the number's book is of someone born on another day, so
    /// the number may be mistyped. Support sees it; the facility should correct and resend.
    Held,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptVisit {
    /// 1-based, in the envelope's order.
    pub index: usize,
    pub ma_lk: String,
    /// The visit's version at this facility: 1 the first time, higher for a changed resend
    /// (which supersedes the earlier one, kept).
    pub version: u32,
    pub fate: VisitFate,
    /// Kept although the catalogue does not know it (a field of a later layer).
    pub warnings: Vec<IntakeWarning>,
}

/// A problem or a warning of a visit, by place and code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeWarning {
    /// Where: `hoso[1].XML3[2].DU_PHONG2`.
    pub field: String,
    pub code: String,
}

/// The answer to an accepted envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeReceipt {
    pub id: Uuid,
    /// SHA-256 of the envelope as received, hex.
    pub envelope_hash: String,
    pub received_at: DateTime<Utc>,
    /// Whether `CHUKYDONVI` held anything.
    pub signed: bool,
    /// What the facility's XML signature turned out to be.
    pub signature: SignatureCheck,
    pub visits: Vec<ReceiptVisit>,
}

/// What became of each envelope of a batch (`multipart/mixed`), in the parts' order: each
/// was taken in on its own, as if sent alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeBatch {
    pub envelopes: Vec<BatchEnvelope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchEnvelope {
    /// 1-based, in the body's order.
    pub index: usize,
    /// `accepted` or `refused`.
    pub outcome: String,
    /// The kept receipt, accepted or refused (`GET /v1/ingest/receipts/{rid}`).
    pub receipt_id: Uuid,
    /// An accepted envelope's receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<IntakeReceipt>,
    /// A refused envelope's problems, as its 422 would list them.
    #[serde(default)]
    pub problems: Vec<IntakeWarning>,
}

/// A kept receipt, as its facility's systems read it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptRecord {
    pub id: Uuid,
    pub envelope_hash: String,
    pub size: u64,
    pub received_at: DateTime<Utc>,
    /// `accepted` or `refused`.
    pub outcome: String,
    pub visits: u32,
    pub signed: bool,
    /// `None` for an envelope refused before its signature was looked at.
    pub signature: Option<SignatureCheck>,
    /// A refused envelope's problems (empty when accepted).
    pub problems: Vec<IntakeWarning>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SignatureStatus {
    /// `CHUKYDONVI` is empty.
    Absent,
    Valid,
    /// The file changed after signing, or the signature is not the certificate's: such a
    /// file is refused.
    Invalid,
    /// Signed in a way this service cannot check (an algorithm, a partial reference, no
    /// certificate, not an XML signature): taken, and said so.
    Unverifiable,
}

/// The facility's signature over an envelope, as checked on receipt and kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureCheck {
    pub status: SignatureStatus,
    /// Why it is invalid or unverifiable (`xml_signature_digest_mismatch`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
}

/// The certificate a valid signature was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signer {
    /// `rsa-sha256`, `rsa-sha1`, `ecdsa-sha256`, …
    pub method: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    /// SHA-256 of the certificate, hex.
    pub fingerprint: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// Whether the certificate was within its validity when the envelope arrived.
    pub current: bool,
}

/// What `CHUKYDONVI` held: nothing, or something that is not an XML signature.
const NOT_AN_XML_SIGNATURE: &str = "xml_signature_not_xmldsig";

impl SignatureCheck {
    pub fn absent() -> SignatureCheck {
        SignatureCheck {
            status: SignatureStatus::Absent,
            code: None,
            signer: None,
        }
    }

    /// The check of an envelope whose `CHUKYDONVI` held something (`signed`) and whose
    /// first XML signature, if any, had `verdict`, on `received_at`.
    pub fn of(signed: bool, verdict: Option<&Verdict>, received_at: DateTime<Utc>) -> Self {
        let (status, code, signer) = match (signed, verdict) {
            (false, None) => return SignatureCheck::absent(),
            (true, None) => (
                SignatureStatus::Unverifiable,
                Some(NOT_AN_XML_SIGNATURE),
                None,
            ),
            (_, Some(Verdict::Valid(by))) => (
                SignatureStatus::Valid,
                None,
                Some(Signer::of(by, received_at)),
            ),
            (_, Some(Verdict::Invalid(flaw))) => {
                (SignatureStatus::Invalid, Some(flaw.code()), None)
            }
            (_, Some(Verdict::Unverifiable(why))) => {
                (SignatureStatus::Unverifiable, Some(why.code()), None)
            }
        };
        SignatureCheck {
            status,
            code: code.map(str::to_owned),
            signer,
        }
    }

    /// Whether the envelope is refused for it.
    pub fn refuses(&self) -> bool {
        self.status == SignatureStatus::Invalid
    }
}

impl Signer {
    fn of(by: &SignedBy, received_at: DateTime<Utc>) -> Signer {
        Signer {
            method: by.method.to_owned(),
            subject: by.subject.clone(),
            issuer: by.issuer.clone(),
            serial: by.serial.clone(),
            fingerprint: by.fingerprint.clone(),
            not_before: by.not_before,
            not_after: by.not_after,
            current: by.current_at(received_at),
        }
    }
}
