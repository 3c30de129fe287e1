//! Document signers published by others, for operators who check foreign certificates: bare
//! DSC certificates (PEM or DER), the EU DCC gateway's trust-list download, and the forms in
//! which national verifier backends pass that list on.
//!
//! Nothing here says who published them. The gateway's per-entry `signature` (CMS, by the
//! uploading country), a national list's leading signature line and the chain to a CSCA are
//! not checked: whoever hands the file to the verifier vouches for it. What each entry says
//! about itself is checked (its type, its kid, its thumbprint), and, as in our own trust
//! list, an entry that cannot be used is skipped and reported while the others verify.

use crate::text::hex;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thiserror::Error;
use x509_parser::pem::{Pem, parse_x509_pem};

use super::error::KeyError;
use super::key::KeyId;
use super::trust::{LoadedTrust, TrustEntry, TrustError};

/// How a DSC list was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DscListFormat {
    /// The DCC gateway's `GET /trustList` (or `/trustList/DSC`): a JSON array of
    /// `{kid, certificateType, country, rawData, signature, thumbprint, timestamp}`.
    DccGateway,
    /// `{"certificates": [ …the gateway's entries… ]}`, as national backends serve their apps,
    /// sometimes after a line holding the list's base64 signature.
    Certificates,
    /// An object keyed by kid whose values are the signer's certificate or bare public key
    /// (base64 DER or PEM; alone, as `rawData` / `publicKeyPem` of an object, or several in an
    /// array).
    KeyedByKid,
}

impl DscListFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DscListFormat::DccGateway => "dcc-gateway",
            DscListFormat::Certificates => "certificates",
            DscListFormat::KeyedByKid => "keyed-by-kid",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DscListError {
    #[error("the list is not JSON: {0}")]
    Json(String),
    #[error(
        "the list is neither a DCC gateway trust list (a JSON array of entries), an object \
         {{\"certificates\": [...]}} nor an object keyed by kid"
    )]
    Unrecognised,
    #[error("the list is a HealthBook signed trust list: check it with its pinned key instead")]
    SignedEnvelope,
    #[error("no certificate in the file (PEM or DER X.509 expected)")]
    NoCertificate,
}

/// The signers a foreign list names, with the entries it had to leave out.
#[derive(Debug, Clone)]
pub struct DscList {
    pub format: DscListFormat,
    /// A signature line preceded the JSON. Like the entries' own signatures, it was not
    /// checked.
    pub signature_line: bool,
    pub trust: LoadedTrust,
}

/// Reads a list of document signers in one of the [`DscListFormat`]s.
pub fn read_dsc_list(bytes: &[u8]) -> Result<DscList, DscListError> {
    let (json, signature_line) = split_signature_line(bytes)?;
    let value: Value =
        serde_json::from_slice(json).map_err(|error| DscListError::Json(error.to_string()))?;
    let mut trust = LoadedTrust::default();
    let format = match value {
        Value::Array(entries) => {
            add_gateway_entries(&mut trust, &entries);
            DscListFormat::DccGateway
        }
        Value::Object(object) => match object.get("certificates") {
            Some(Value::Array(entries)) => {
                add_gateway_entries(&mut trust, entries);
                DscListFormat::Certificates
            }
            _ if object.contains_key("payload") && object.contains_key("signature") => {
                return Err(DscListError::SignedEnvelope);
            }
            _ => {
                add_keyed_by_kid(&mut trust, &object)?;
                DscListFormat::KeyedByKid
            }
        },
        _ => return Err(DscListError::Unrecognised),
    };
    Ok(DscList {
        format,
        signature_line,
        trust,
    })
}

/// Reads signer certificates from a file: one DER certificate, or PEM holding one or more.
pub fn read_signer_certificates(bytes: &[u8]) -> Result<LoadedTrust, DscListError> {
    let mut trust = LoadedTrust::default();
    if bytes
        .windows(PEM_BEGIN.len())
        .any(|window| window == PEM_BEGIN)
    {
        let certificates = Pem::iter_from_buffer(bytes)
            .filter_map(Result::ok)
            .filter(|pem| pem.label == "CERTIFICATE");
        for (index, pem) in certificates.enumerate() {
            let entry = TrustEntry::from_certificate_der(&pem.contents);
            trust.add(index, None, None, entry);
        }
        if trust.store.is_empty() && trust.skipped.is_empty() {
            return Err(DscListError::NoCertificate);
        }
    } else {
        let entry =
            TrustEntry::from_certificate_der(bytes).map_err(|_| DscListError::NoCertificate)?;
        trust.store.insert(entry);
    }
    Ok(trust)
}

const PEM_BEGIN: &[u8] = b"-----BEGIN";

/// Some national backends put the list's base64 signature on a line of its own before the
/// JSON. Returns the JSON and whether such a line was there.
fn split_signature_line(bytes: &[u8]) -> Result<(&[u8], bool), DscListError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|byte| matches!(byte, b'[' | b'{'))
        .ok_or(DscListError::Unrecognised)?;
    let (prefix, json) = bytes.split_at(start);
    let is_base64 = |byte: &u8| byte.is_ascii_alphanumeric() || b"+/=".contains(byte);
    if !prefix
        .iter()
        .all(|byte| byte.is_ascii_whitespace() || is_base64(byte))
    {
        return Err(DscListError::Unrecognised);
    }
    Ok((json, prefix.iter().any(is_base64)))
}

fn add_gateway_entries(trust: &mut LoadedTrust, entries: &[Value]) {
    for (index, entry) in entries.iter().enumerate() {
        let text = |name: &str| entry.get(name).and_then(Value::as_str);
        trust.add(
            index,
            text("kid").map(str::to_owned),
            text("country").map(str::to_owned),
            gateway_entry(entry),
        );
    }
}

/// One entry of the gateway's list: only document signers, whose listed kid and thumbprint
/// must be those of the certificate in `rawData`.
fn gateway_entry(entry: &Value) -> Result<TrustEntry, TrustError> {
    let text = |name: &str| entry.get(name).and_then(Value::as_str);
    if !entry.is_object() {
        return Err(TrustError::Unreadable("the entry is not an object".into()));
    }
    if let Some(kind) = text("certificateType")
        && !kind.eq_ignore_ascii_case("DSC")
    {
        return Err(TrustError::NotADocumentSigner(kind.to_owned()));
    }
    let raw = text("rawData").ok_or_else(|| TrustError::Unreadable("no rawData".into()))?;
    let der = der_of(raw, "CERTIFICATE")?;
    if let Some(thumbprint) = text("thumbprint")
        && !thumbprint.eq_ignore_ascii_case(&hex(&Sha256::digest(&der)))
    {
        return Err(TrustError::ThumbprintMismatch);
    }
    let mut signer = TrustEntry::from_certificate_der(&der)?;
    check_listed_kid(text("kid"), signer.key_id)?;
    if let Some(country) = text("country") {
        signer.country = Some(country.to_owned());
    }
    Ok(signer)
}

fn add_keyed_by_kid(
    trust: &mut LoadedTrust,
    object: &Map<String, Value>,
) -> Result<(), DscListError> {
    if !object.is_empty() && !object.keys().any(|kid| KeyId::from_base64(kid).is_some()) {
        return Err(DscListError::Unrecognised);
    }
    let mut index = 0;
    for (kid, value) in object {
        let items = match value {
            Value::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        for item in items {
            let country = item
                .get("country")
                .and_then(Value::as_str)
                .map(str::to_owned);
            trust.add(index, Some(kid.clone()), country, keyed_entry(kid, item));
            index += 1;
        }
    }
    Ok(())
}

/// A certificate or a bare public key listed under `kid`.
fn keyed_entry(kid: &str, item: &Value) -> Result<TrustEntry, TrustError> {
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| item.get(*name).and_then(Value::as_str))
    };
    let text = match item {
        Value::String(text) => text.as_str(),
        Value::Object(_) => field(&["rawData", "certificate", "publicKeyPem", "publicKey"])
            .ok_or_else(|| TrustError::Unreadable("no certificate or public key".into()))?,
        _ => {
            return Err(TrustError::Unreadable(
                "not a certificate or public key".into(),
            ));
        }
    };
    let der = der_of(text, "")?;
    if x509_parser::parse_x509_certificate(&der).is_ok() {
        let signer = TrustEntry::from_certificate_der(&der)?;
        check_listed_kid(Some(kid), signer.key_id)?;
        return Ok(signer);
    }
    let key_id = KeyId::from_base64(kid).ok_or(TrustError::BadKid)?;
    TrustEntry::from_public_key_der(key_id, &der)
}

/// The DER in base64 text or in a PEM block (of `label`, or of any label when empty).
fn der_of(text: &str, label: &str) -> Result<Vec<u8>, TrustError> {
    if text.contains("-----BEGIN") {
        let (_, pem) = parse_x509_pem(text.as_bytes()).map_err(|_| TrustError::Base64)?;
        if !label.is_empty() && pem.label != label {
            return Err(TrustError::Key(KeyError::BadCertificate));
        }
        return Ok(pem.contents);
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(compact).map_err(|_| TrustError::Base64)
}

fn check_listed_kid(listed: Option<&str>, computed: KeyId) -> Result<(), TrustError> {
    let Some(listed) = listed else {
        return Ok(());
    };
    let listed = KeyId::from_base64(listed).ok_or(TrustError::BadKid)?;
    if listed == computed {
        Ok(())
    } else {
        Err(TrustError::KidMismatch { listed, computed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::test_support::{dsc, measles_dose, p384_certificate};
    use crate::certificate::{self, VerifyError};
    use chrono::{DateTime, Utc};
    use serde_json::json;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("instant")
    }

    /// An entry as the gateway's `GET /trustList/DSC` writes it.
    fn gateway_entry_for(der: &[u8], country: &str) -> Value {
        json!({
            "kid": KeyId::from_certificate_der(der).to_base64(),
            "timestamp": "2026-05-03T10:11:12Z",
            "country": country,
            "certificateType": "DSC",
            "thumbprint": hex(&Sha256::digest(der)),
            "signature": "MIAGCSqGSIb3DQEHAqCAMIACAQEx",
            "rawData": STANDARD.encode(der),
        })
    }

    fn codes(trust: &LoadedTrust) -> Vec<(u32, &str)> {
        trust
            .skipped
            .iter()
            .map(|skipped| (skipped.index, skipped.code.as_str()))
            .collect()
    }

    fn pem(label: &str, der: &[u8]) -> String {
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            STANDARD.encode(der)
        )
    }

    #[test]
    fn a_gateway_list_yields_its_document_signers_and_reports_every_other_entry() {
        let german = dsc(&[2]);
        let italian = dsc(&[]);
        let p384 = p384_certificate();
        let mut csca = gateway_entry_for(&dsc(&[]).der, "DE");
        csca["certificateType"] = "CSCA".into();
        let mut wrong_kid = gateway_entry_for(&dsc(&[]).der, "FR");
        wrong_kid["kid"] = "AAAAAAAAAAA=".into();
        let mut wrong_thumbprint = gateway_entry_for(&dsc(&[]).der, "AT");
        wrong_thumbprint["thumbprint"] = hex(&[0; 32]).into();
        let mut as_pem = gateway_entry_for(&italian.der, "IT");
        as_pem["rawData"] = pem("CERTIFICATE", &italian.der).into();
        let list = json!([
            gateway_entry_for(&german.der, "DE"),
            csca,
            gateway_entry_for(&p384, "DE"),
            wrong_kid,
            wrong_thumbprint,
            as_pem,
            42,
        ]);

        let read = read_dsc_list(list.to_string().as_bytes()).expect("a gateway list");
        assert_eq!(read.format, DscListFormat::DccGateway);
        assert!(!read.signature_line);
        assert_eq!(read.trust.store.len(), 2);
        assert_eq!(
            codes(&read.trust),
            vec![
                (1, "trust_entry_not_a_signer"),
                (2, "trust_entry_unsupported_key"),
                (3, "trust_entry_kid_mismatch"),
                (4, "trust_entry_thumbprint_mismatch"),
                (6, "trust_entry_unreadable"),
            ]
        );
        assert_eq!(read.trust.skipped[2].country.as_deref(), Some("FR"));

        let now = at("2026-09-01T00:00:00Z");
        for signer in [&german, &italian] {
            let text =
                certificate::encode(&measles_dose(at("2026-08-03T00:00:00Z")), &signer.signer)
                    .expect("issued");
            assert!(certificate::verify(&text, &read.trust.store, now).is_ok());
        }
        let kid = KeyId::from_certificate_der(&german.der);
        let listed = &read.trust.store.signers(&kid)[0];
        assert_eq!(listed.country.as_deref(), Some("DE"));
        assert!(
            !listed.allowed.test,
            "the DSC's own key usage still applies"
        );
    }

    #[test]
    fn a_national_list_may_follow_its_signature_line() {
        let signer = dsc(&[]);
        let body = json!({"certificates": [gateway_entry_for(&signer.der, "DE")]});
        let text = format!("MEUCIQDx3hZ+4g8cQ0Gf7k3Jq9Xw==\n{body}");
        let read = read_dsc_list(text.as_bytes()).expect("a national list");
        assert_eq!(read.format, DscListFormat::Certificates);
        assert!(read.signature_line);
        assert_eq!(read.trust.store.len(), 1);
        let bare = read_dsc_list(body.to_string().as_bytes()).expect("without the line");
        assert!(!bare.signature_line);
    }

    #[test]
    fn a_list_keyed_by_kid_holds_certificates_or_bare_public_keys() {
        let with_certificate = dsc(&[]);
        let with_key = dsc(&[]);
        let key_only = |der: &[u8]| {
            let (_, parsed) = x509_parser::parse_x509_certificate(der).expect("certificate");
            parsed.public_key().raw.to_vec()
        };
        let another_key = dsc(&[]);
        let kid = |der: &[u8]| KeyId::from_certificate_der(der).to_base64();
        let list = json!({
            kid(&with_certificate.der): STANDARD.encode(&with_certificate.der),
            kid(&with_key.der): {
                "subject": "C=XX, CN=DSC",
                "publicKeyPem": STANDARD.encode(key_only(&with_key.der)),
            },
            kid(&another_key.der): [
                pem("PUBLIC KEY", &key_only(&another_key.der)),
                STANDARD.encode(&with_certificate.der),
            ],
        });

        let read = read_dsc_list(list.to_string().as_bytes()).expect("keyed by kid");
        assert_eq!(read.format, DscListFormat::KeyedByKid);
        assert_eq!(read.trust.store.len(), 3);
        assert_eq!(read.trust.skipped.len(), 1);
        assert_eq!(read.trust.skipped[0].code, "trust_entry_kid_mismatch");

        let now = at("2026-09-01T00:00:00Z");
        for signer in [&with_certificate, &with_key, &another_key] {
            let text =
                certificate::encode(&measles_dose(at("2026-08-03T00:00:00Z")), &signer.signer)
                    .expect("issued");
            assert!(certificate::verify(&text, &read.trust.store, now).is_ok());
        }
    }

    #[test]
    fn signer_certificates_come_as_der_or_as_pem_bundles() {
        let first = dsc(&[]);
        let second = dsc(&[]);
        let der = read_signer_certificates(&first.der).expect("DER");
        assert_eq!(der.store.len(), 1);
        let bundle = format!(
            "subject=C = VN\n{}{}{}",
            pem("CERTIFICATE", &first.der),
            pem("CERTIFICATE", &p384_certificate()),
            pem("CERTIFICATE", &second.der)
        );
        let read = read_signer_certificates(bundle.as_bytes()).expect("PEM");
        assert_eq!(read.store.len(), 2);
        assert_eq!(codes(&read), vec![(1, "trust_entry_unsupported_key")]);

        for not_a_certificate in [
            &b"not a certificate"[..],
            pem("PRIVATE KEY", &[1, 2, 3]).as_bytes(),
        ] {
            assert_eq!(
                read_signer_certificates(not_a_certificate).map(|t| t.store.len()),
                Err(DscListError::NoCertificate)
            );
        }
    }

    #[test]
    fn what_is_no_dsc_list_is_refused_with_a_reason() {
        assert_eq!(
            read_dsc_list(b"hello").map(|l| l.format),
            Err(DscListError::Unrecognised)
        );
        assert_eq!(
            read_dsc_list(br#"{"colour": "green"}"#).map(|l| l.format),
            Err(DscListError::Unrecognised)
        );
        assert_eq!(
            read_dsc_list(b"no <b>html</b> {}").map(|l| l.format),
            Err(DscListError::Unrecognised)
        );
        assert!(matches!(
            read_dsc_list(b"[{\"kid\": "),
            Err(DscListError::Json(_))
        ));
        let envelope = json!({"payload": "e30", "kid": "x", "alg": "ES256", "signature": "AA"});
        assert_eq!(
            read_dsc_list(envelope.to_string().as_bytes()).map(|l| l.format),
            Err(DscListError::SignedEnvelope)
        );
        let empty = read_dsc_list(b"[]").expect("an empty list");
        assert!(empty.trust.store.is_empty());
        let unknown =
            certificate::encode(&measles_dose(at("2026-08-03T00:00:00Z")), &dsc(&[]).signer)
                .expect("issued");
        assert!(matches!(
            certificate::verify(&unknown, &empty.trust.store, at("2026-09-01T00:00:00Z")),
            Err(VerifyError::UnknownKeyId(_))
        ));
    }
}
