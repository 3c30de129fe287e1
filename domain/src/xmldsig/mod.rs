//! Verifying an enveloped XML signature (XML-Signature Syntax and Processing 1.1), the
//! `CHUKYDONVI` a facility puts in the files it sends: the document is read twice, once to
//! find the signature and once, streaming, to digest what it signs, so a 100 MB file is
//! verified in the memory of its largest text.
//!
//! Only a signature over the whole document counts: one reference to `""` or to the root's
//! id. A signature over a part would leave the visits unsigned, and a second element with
//! the signed id (the "wrapping" attack) makes the signature invalid. The signer is the
//! certificate the signature carries; whether that certificate is the facility's is for
//! whoever reads the verdict, which names it.

pub mod algorithm;
pub mod c14n;
mod parse;
pub mod signature;

use crate::i18n::{Lang, Localized};
use crate::text::hex;
use c14n::{Attribute, Canonicalizer, Scope};
use chrono::{DateTime, Utc};
use parse::{Node, Parser};
use signature::{Found, Signature, Target};
use std::io::{self, BufRead};

/// What a signature turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid(SignedBy),
    /// The signature does not hold: the file changed after signing, or was never signed by
    /// the key it names.
    Invalid(Flaw),
    /// It may be good, but this service cannot tell.
    Unverifiable(Unsupported),
}

/// The certificate whose key made a valid signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy {
    /// The signature method's short name (`rsa-sha256`).
    pub method: &'static str,
    pub subject: String,
    pub issuer: String,
    /// Hex, as the certificate has it.
    pub serial: String,
    /// SHA-256 of the certificate, hex: what a facility registers and a reader compares.
    pub fingerprint: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

impl SignedBy {
    pub fn current_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// A verdict other than valid, as the steps of verifying find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Invalid(Flaw),
    Unverifiable(Unsupported),
}

impl From<Failure> for Verdict {
    fn from(failure: Failure) -> Verdict {
        match failure {
            Failure::Invalid(flaw) => Verdict::Invalid(flaw),
            Failure::Unverifiable(why) => Verdict::Unverifiable(why),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// Not a signature as the recommendation writes one, or ids that make it ambiguous.
    Malformed,
    /// What was signed has changed.
    DigestMismatch,
    /// The signed info was not signed by the certificate's key.
    ValueMismatch,
    CertificateUnreadable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported {
    Algorithm,
    /// A reference to another document, to an XPointer, or to less than the whole file.
    Reference,
    /// No X.509 certificate to name the signer by.
    NoCertificate,
}

impl Localized for Flaw {
    fn code(&self) -> &'static str {
        match self {
            Flaw::Malformed => "xml_signature_malformed",
            Flaw::DigestMismatch => "xml_signature_digest_mismatch",
            Flaw::ValueMismatch => "xml_signature_value_mismatch",
            Flaw::CertificateUnreadable => "xml_signature_certificate_unreadable",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Flaw::Malformed => (
                "Chữ ký số của đơn vị không đúng cấu trúc chữ ký XML.",
                "The facility's signature is not a well-formed XML signature.",
            ),
            Flaw::DigestMismatch => (
                "Nội dung tệp đã thay đổi sau khi ký.",
                "The file changed after it was signed.",
            ),
            Flaw::ValueMismatch => (
                "Chữ ký không khớp với chứng thư số kèm theo.",
                "The signature does not match the certificate it carries.",
            ),
            Flaw::CertificateUnreadable => (
                "Không đọc được chứng thư số kèm theo chữ ký.",
                "The certificate with the signature cannot be read.",
            ),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
        .to_owned()
    }
}

impl Localized for Unsupported {
    fn code(&self) -> &'static str {
        match self {
            Unsupported::Algorithm => "xml_signature_algorithm_unsupported",
            Unsupported::Reference => "xml_signature_reference_unsupported",
            Unsupported::NoCertificate => "xml_signature_no_certificate",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Unsupported::Algorithm => (
                "Chữ ký dùng thuật toán hệ thống chưa kiểm tra được; tệp vẫn được nhận.",
                "The signature uses an algorithm not checked here; the file is still taken.",
            ),
            Unsupported::Reference => (
                "Chữ ký không phủ toàn bộ tệp; tệp được nhận như chưa ký.",
                "The signature does not cover the whole file; it is taken as unsigned.",
            ),
            Unsupported::NoCertificate => (
                "Chữ ký không kèm chứng thư số; không xác định được người ký.",
                "The signature carries no certificate, so its signer is unknown.",
            ),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
        .to_owned()
    }
}

/// Verifies the first XML signature of the document `open` reads (it is called twice);
/// `None` when there is none. `max_depth` bounds the reads as the envelope's were.
pub fn verify<R: BufRead>(
    mut open: impl FnMut() -> io::Result<R>,
    max_depth: usize,
) -> io::Result<Option<Verdict>> {
    let found = match signature::find(open()?, max_depth) {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(None),
        Err(flaw) => return Ok(Some(Verdict::Invalid(flaw))),
    };
    let signature = match found.read() {
        Ok(signature) => signature,
        Err(failure) => return Ok(Some(failure.into())),
    };
    if let Err(failure) = digests_hold(open()?, max_depth, &found, &signature) {
        return Ok(Some(failure.into()));
    }
    Ok(Some(check_value(&signature)))
}

/// One reference's digest, computed as the document streams past.
struct Digesting<'s> {
    reference: &'s signature::Reference,
    canonical: Canonicalizer<ring::digest::Context>,
}

/// Reads the document again, digesting what each reference signs.
fn digests_hold<R: BufRead>(
    input: R,
    max_depth: usize,
    found: &Found,
    signature: &Signature,
) -> Result<(), Failure> {
    let malformed = Failure::Invalid(Flaw::Malformed);
    let mut digesting: Vec<Digesting> = signature
        .references
        .iter()
        .map(|reference| {
            let context = ring::digest::Context::new(reference.digest);
            let method = reference.canonicalization.method.clone();
            let canonical = match reference.target {
                Target::Document => Canonicalizer::document(context, method, false),
                // The root and everything under it: the document less what stands outside.
                Target::Element(_) => Canonicalizer::part(context, method, false, Scope::default()),
            };
            Digesting {
                reference,
                canonical,
            }
        })
        .collect();
    let ids: Vec<&str> = signature
        .references
        .iter()
        .filter_map(|r| match &r.target {
            Target::Element(id) => Some(id.as_str()),
            Target::Document => None,
        })
        .collect();
    let mut parser = Parser::new(input, max_depth);
    let mut ordinal = 0u64;
    let mut depth = 0usize;
    // The depth at which the signature element opened, while the parser is inside it.
    let mut in_signature: Option<usize> = None;
    let mut root_id: Option<String> = None;
    while let Some(node) = parser.next().map_err(|_| malformed)? {
        match &node {
            Node::Start { name, attributes } => {
                ordinal += 1;
                depth += 1;
                if ordinal == found.ordinal {
                    in_signature = Some(depth);
                }
                if let Some(id) = id_of(attributes) {
                    if depth == 1 {
                        root_id = Some(id.to_owned());
                    } else if ids.contains(&id) {
                        // The signed id on anything but the root: the signature means less
                        // than the whole file, or something is wrapped around it.
                        return Err(malformed);
                    }
                }
                for d in &mut digesting {
                    let visible = !(d.reference.enveloped && in_signature.is_some());
                    d.canonical.start(name, attributes, visible);
                }
            }
            Node::End { name } => {
                for d in &mut digesting {
                    d.canonical.end(name);
                }
                if in_signature == Some(depth) {
                    in_signature = None;
                }
                depth = depth.saturating_sub(1);
            }
            Node::Text(text) => {
                for d in &mut digesting {
                    d.canonical.text(text);
                }
            }
            Node::Comment(text) => {
                for d in &mut digesting {
                    d.canonical.comment(text);
                }
            }
            Node::Instruction { target, data } => {
                for d in &mut digesting {
                    d.canonical.processing_instruction(target, data);
                }
            }
        }
    }
    for d in digesting {
        if let Target::Element(id) = &d.reference.target
            && root_id.as_deref() != Some(id.as_str())
        {
            return Err(Failure::Unverifiable(Unsupported::Reference));
        }
        let computed = d.canonical.finish().finish();
        if computed.as_ref() != d.reference.digest_value.as_slice() {
            return Err(Failure::Invalid(Flaw::DigestMismatch));
        }
    }
    Ok(())
}

/// The id an element carries, under any of the names signing tools give it.
fn id_of(attributes: &[Attribute]) -> Option<&str> {
    attributes
        .iter()
        .find(|a| matches!(a.name.as_str(), "Id" | "ID" | "id"))
        .map(|a| a.value.as_str())
}

/// Checks the signature value against each certificate carried: the signer's is the one
/// whose key verifies (a chain may come in any order).
fn check_value(signature: &Signature) -> Verdict {
    if signature.certificates.is_empty() {
        return Verdict::Unverifiable(Unsupported::NoCertificate);
    }
    let mut readable = false;
    for der in &signature.certificates {
        let Ok((_, certificate)) = x509_parser::parse_x509_certificate(der) else {
            continue;
        };
        readable = true;
        let key = ring::signature::UnparsedPublicKey::new(
            signature.method.verifier,
            certificate.public_key().subject_public_key.data.as_ref(),
        );
        if key.verify(&signature.signed_info, &signature.value).is_ok() {
            return Verdict::Valid(signed_by(signature.method.name, der, &certificate));
        }
    }
    Verdict::Invalid(if readable {
        Flaw::ValueMismatch
    } else {
        Flaw::CertificateUnreadable
    })
}

fn signed_by(
    method: &'static str,
    der: &[u8],
    certificate: &x509_parser::certificate::X509Certificate<'_>,
) -> SignedBy {
    let time = |t: x509_parser::time::ASN1Time| {
        DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(DateTime::UNIX_EPOCH)
    };
    let fingerprint = ring::digest::digest(&ring::digest::SHA256, der);
    SignedBy {
        method,
        subject: certificate.subject().to_string(),
        issuer: certificate.issuer().to_string(),
        serial: hex(certificate.raw_serial()),
        fingerprint: hex(fingerprint.as_ref()),
        not_before: time(certificate.validity().not_before),
        not_after: time(certificate.validity().not_after),
    }
}
