//! One error type per step of the HC1 chain, and the error `verify` returns.
//!
//! Each step fails with its own enum so that a test (or a support engineer) can tell which
//! layer rejected a certificate; `VerifyError` wraps them and is what apps show to people.

use chrono::{DateTime, Utc};
use thiserror::Error;

use super::key::{Algorithm, KeyId, KeyKind};
use super::payload::CertificateType;
use super::schema::SchemaViolation;
use crate::i18n::{Lang, Localized};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PrefixError {
    #[error("the text does not start with the `HC1:` context identifier")]
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Base45Error {
    #[error("the text is not valid Base45")]
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ZlibError {
    #[error("the data is not a zlib stream")]
    Corrupt,
    #[error("the zlib stream ends early")]
    Truncated,
    #[error("the zlib stream is followed by {0} extra bytes")]
    TrailingData(usize),
    #[error("the data inflates to more than {limit} bytes")]
    TooLarge { limit: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CoseError {
    #[error("the data is not a COSE_Sign1 structure")]
    Malformed,
    #[error("the COSE message carries no payload")]
    MissingPayload,
    #[error("no key id in the protected or unprotected header")]
    MissingKeyId,
    #[error("the key id is {0} bytes long; a DCC key id is 8 bytes")]
    KeyIdLength(usize),
    #[error("no algorithm in the protected or unprotected header")]
    MissingAlgorithm,
    #[error("the algorithm is given as text, not as a COSE number")]
    AlgorithmLabel,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CborError {
    #[error("the payload is not valid CBOR")]
    Malformed,
    #[error("the payload is followed by {0} extra bytes")]
    TrailingData(usize),
    #[error("the CWT claims are not a CBOR map")]
    NotAMap,
    #[error("the CWT claim {0} has the wrong type")]
    ClaimType(i64),
    #[error("the CWT has no claim {0}")]
    MissingClaim(i64),
    #[error("the DCC holds a value JSON cannot carry")]
    NotJson,
    #[error("the payload could not be encoded as CBOR")]
    Encode,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("the COSE algorithm {0} is neither ES256 (-7) nor PS256 (-37)")]
    UnsupportedAlgorithm(i64),
    #[error("the header says {algorithm} but the signer's key is {key:?}")]
    AlgorithmKeyMismatch { algorithm: Algorithm, key: KeyKind },
    #[error("the signature is {found} bytes long; {expected} expected")]
    Length { expected: usize, found: usize },
    #[error("the signature does not match the signer's key")]
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("the signing certificate is not valid DER X.509")]
    BadCertificate,
    #[error("the signing certificate holds neither a P-256 nor an RSA key")]
    UnsupportedKey,
    #[error("the public key is not a DER SubjectPublicKeyInfo")]
    BadPublicKey,
}

/// Why signing failed; a hardware module reports its own failures as `Backend`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    #[error("the private key is not a usable PKCS#8 P-256 key")]
    BadPrivateKey,
    #[error("the signing certificate does not hold the signing key's public key")]
    CertificateMismatch,
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("the signing backend failed: {0}")]
    Backend(String),
}

/// Why issuing a certificate failed. Issuance is strict: we never sign what we would
/// reject ourselves.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    #[error("the DCC does not satisfy the schema")]
    Schema(#[from] SchemaViolation),
    #[error("the issuer must be an ISO 3166 alpha-2 country code")]
    Issuer,
    #[error("the certificate would expire before it is issued")]
    Validity,
    #[error(transparent)]
    Cbor(#[from] CborError),
    #[error(transparent)]
    Sign(#[from] SignError),
    #[error("compressing the COSE message failed")]
    Compress,
}

/// Everything that can reject an `HC1:` text, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error(transparent)]
    BadPrefix(#[from] PrefixError),
    #[error(transparent)]
    BadBase45(#[from] Base45Error),
    #[error(transparent)]
    BadZlib(#[from] ZlibError),
    #[error(transparent)]
    BadCose(#[from] CoseError),
    #[error(transparent)]
    BadCbor(#[from] CborError),
    #[error("no trusted signing certificate has the key id {0}")]
    UnknownKeyId(KeyId),
    #[error(transparent)]
    BadSignature(#[from] SignatureError),
    #[error("the certificate expired at {expired_at}")]
    Expired { expired_at: DateTime<Utc> },
    #[error("the certificate is valid only from {valid_from}")]
    NotYetValid { valid_from: DateTime<Utc> },
    #[error("the signing certificate was not valid when this certificate was issued")]
    SignerNotValid,
    #[error("the signing certificate may not sign {certificate_type:?} certificates")]
    KeyUsage { certificate_type: CertificateType },
    #[error(transparent)]
    SchemaViolation(#[from] SchemaViolation),
}

impl Localized for VerifyError {
    fn code(&self) -> &'static str {
        match self {
            VerifyError::BadPrefix(_) => "certificate_bad_prefix",
            VerifyError::BadBase45(_) => "certificate_bad_base45",
            VerifyError::BadZlib(_) => "certificate_bad_zlib",
            VerifyError::BadCose(_) => "certificate_bad_cose",
            VerifyError::BadCbor(_) => "certificate_bad_cbor",
            VerifyError::UnknownKeyId(_) => "certificate_unknown_key_id",
            VerifyError::BadSignature(_) => "certificate_bad_signature",
            VerifyError::Expired { .. } => "certificate_expired",
            VerifyError::NotYetValid { .. } => "certificate_not_yet_valid",
            VerifyError::SignerNotValid => "certificate_signer_not_valid",
            VerifyError::KeyUsage { .. } => "certificate_key_usage",
            VerifyError::SchemaViolation(_) => "certificate_schema_violation",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let date = |at: &DateTime<Utc>| at.format("%d/%m/%Y").to_string();
        match (lang, self) {
            (Lang::Vi, VerifyError::BadPrefix(_)) => {
                "Mã QR không phải là chứng nhận y tế (thiếu tiền tố HC1:).".into()
            }
            (Lang::En, VerifyError::BadPrefix(_)) => {
                "This QR code is not a health certificate (no HC1: prefix).".into()
            }
            (Lang::Vi, VerifyError::BadBase45(_) | VerifyError::BadZlib(_)) => {
                "Mã QR bị hỏng hoặc đọc chưa đủ. Hãy quét lại.".into()
            }
            (Lang::En, VerifyError::BadBase45(_) | VerifyError::BadZlib(_)) => {
                "The QR code is damaged or was read incompletely. Please scan again.".into()
            }
            (Lang::Vi, VerifyError::BadCose(_) | VerifyError::BadCbor(_)) => {
                "Nội dung chứng nhận không đúng định dạng.".into()
            }
            (Lang::En, VerifyError::BadCose(_) | VerifyError::BadCbor(_)) => {
                "The certificate's content is not in the expected format.".into()
            }
            (Lang::Vi, VerifyError::UnknownKeyId(_)) => {
                "Không tìm thấy khóa của đơn vị cấp trong danh sách tin cậy. Hãy cập nhật danh sách tin cậy.".into()
            }
            (Lang::En, VerifyError::UnknownKeyId(_)) => {
                "The issuer's key is not in the trust list. Please update the trust list.".into()
            }
            (Lang::Vi, VerifyError::BadSignature(_)) => {
                "Chữ ký số không hợp lệ: chứng nhận có thể đã bị sửa đổi.".into()
            }
            (Lang::En, VerifyError::BadSignature(_)) => {
                "The digital signature is invalid: the certificate may have been altered.".into()
            }
            (Lang::Vi, VerifyError::Expired { expired_at }) => {
                format!("Chứng nhận đã hết hạn ngày {}.", date(expired_at))
            }
            (Lang::En, VerifyError::Expired { expired_at }) => {
                format!("The certificate expired on {}.", date(expired_at))
            }
            (Lang::Vi, VerifyError::NotYetValid { valid_from }) => {
                format!("Chứng nhận chỉ có hiệu lực từ ngày {}.", date(valid_from))
            }
            (Lang::En, VerifyError::NotYetValid { valid_from }) => {
                format!("The certificate is valid only from {}.", date(valid_from))
            }
            (Lang::Vi, VerifyError::SignerNotValid) => {
                "Chứng thư ký của đơn vị cấp không còn hiệu lực vào ngày cấp chứng nhận.".into()
            }
            (Lang::En, VerifyError::SignerNotValid) => {
                "The issuer's signing certificate was not valid on the day of issue.".into()
            }
            (Lang::Vi, VerifyError::KeyUsage { .. }) => {
                "Đơn vị cấp không được phép cấp loại chứng nhận này.".into()
            }
            (Lang::En, VerifyError::KeyUsage { .. }) => {
                "The issuer is not allowed to issue this type of certificate.".into()
            }
            (Lang::Vi, VerifyError::SchemaViolation(_)) => {
                "Dữ liệu chứng nhận không theo đúng lược đồ DCC.".into()
            }
            (Lang::En, VerifyError::SchemaViolation(_)) => {
                "The certificate's data does not follow the DCC schema.".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_verify_error_has_a_distinct_code_and_both_messages() {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("instant");
        let errors = [
            VerifyError::BadPrefix(PrefixError::Missing),
            VerifyError::BadBase45(Base45Error::Invalid),
            VerifyError::BadZlib(ZlibError::Corrupt),
            VerifyError::BadCose(CoseError::Malformed),
            VerifyError::BadCbor(CborError::Malformed),
            VerifyError::UnknownKeyId(KeyId::from_bytes([0; 8])),
            VerifyError::BadSignature(SignatureError::Invalid),
            VerifyError::Expired { expired_at: at },
            VerifyError::NotYetValid { valid_from: at },
            VerifyError::SignerNotValid,
            VerifyError::KeyUsage {
                certificate_type: CertificateType::Test,
            },
            VerifyError::SchemaViolation(SchemaViolation { problems: vec![] }),
        ];
        let codes: HashSet<&str> = errors.iter().map(Localized::code).collect();
        assert_eq!(codes.len(), errors.len());
        for error in &errors {
            assert!(error.code().starts_with("certificate_"));
            let vi = error.message(Lang::Vi);
            let en = error.message(Lang::En);
            assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{error:?}");
        }
        assert!(errors[7].message(Lang::Vi).contains("15/01/2027"));
    }
}
