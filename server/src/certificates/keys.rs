//! Signing keys and their X.509 certificates: generation with rcgen (P-256), the key files
//! in the data directory, PEM files named in the configuration.
//!
//! Lifetimes follow the DCC certificate governance: the country signing CA (CSCA) is valid
//! 4 years and its key signs for 1; a document signer (DSC) is valid 2 years and its key
//! signs for 6 months; a DSC never outlives its CSCA. The trust-list signer is issued by
//! the CSCA and lives as long as it: apps pin its key, so it is not rotated with the DSCs.

use chrono::{DateTime, Months, Utc};
use healthbook_domain::Sensitive;
use healthbook_domain::certificate::{
    AllowedUses, CertificateType, EcdsaP256Signer, KeyId, Signer, TrustEntry,
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// What a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The country signing certificate authority: signs DSCs and the trust-list signer.
    Csca,
    /// A document signer: signs health certificates.
    Dsc,
    /// Signs the trust list and the revocation list; apps pin its key.
    TrustList,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Csca => "csca",
            Role::Dsc => "dsc",
            Role::TrustList => "trust_list",
        }
    }

    const fn file_prefix(self) -> &'static str {
        match self {
            Role::Csca => "csca",
            Role::Dsc => "dsc",
            Role::TrustList => "trust-list",
        }
    }

    /// How long the certificate is valid, and how long its private key signs.
    pub const fn lifetime(self) -> (Months, Months) {
        match self {
            Role::Csca => (Months::new(48), Months::new(12)),
            Role::Dsc => (Months::new(24), Months::new(6)),
            // Bounded by the issuing CSCA in `issue`; it signs for as long as it is valid.
            Role::TrustList => (Months::new(48), Months::new(48)),
        }
    }
}

/// DCC extended-key-usage arc: `.1` test, `.2` vaccination, `.3` recovery.
const DCC_KEY_USAGE_ARC: [u64; 9] = [1, 3, 6, 1, 4, 1, 1847, 2021, 1];

pub fn key_usage_oid(certificate_type: CertificateType) -> Vec<u64> {
    let last = match certificate_type {
        CertificateType::Test => 1,
        CertificateType::Vaccination => 2,
        CertificateType::Recovery => 3,
    };
    let mut oid = DCC_KEY_USAGE_ARC.to_vec();
    oid.push(last);
    oid
}

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("generating a key or certificate failed: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a PEM {expected}")]
    Pem {
        path: String,
        expected: &'static str,
    },
    #[error("{0} is not a P-256 X.509 certificate")]
    Certificate(String),
    #[error("the private key does not belong to certificate {0}: {1}")]
    Mismatch(String, healthbook_domain::certificate::SignError),
    #[error("{0} was not issued by the configured CSCA (its signature does not verify)")]
    Chain(String),
    #[error("a date outside the range of X.509 certificates")]
    Date,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A certificate and its private key, in memory. The key never reaches a log line.
pub struct KeyMaterial {
    pub certificate_der: Vec<u8>,
    pkcs8_der: Sensitive<Vec<u8>>,
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyMaterial({})", self.kid())
    }
}

impl KeyMaterial {
    pub fn new(certificate_der: Vec<u8>, pkcs8_der: Vec<u8>) -> KeyMaterial {
        KeyMaterial {
            certificate_der,
            pkcs8_der: Sensitive::new(pkcs8_der),
        }
    }

    pub fn kid(&self) -> KeyId {
        KeyId::from_certificate_der(&self.certificate_der)
    }

    /// The ES256 signer; the key must match the certificate. An HSM-backed signer would be
    /// built here instead, behind the same trait.
    pub fn signer(&self) -> Result<Arc<dyn Signer>, KeyError> {
        EcdsaP256Signer::from_pkcs8(self.pkcs8_der.expose(), &self.certificate_der)
            .map(|signer| Arc::new(signer) as Arc<dyn Signer>)
            .map_err(|error| KeyError::Mismatch(self.kid().to_string(), error))
    }

    fn key_pair(&self) -> Result<KeyPair, KeyError> {
        Ok(KeyPair::try_from(self.pkcs8_der.expose().as_slice())?)
    }
}

/// What a certificate says about itself, read back from its DER.
#[derive(Debug, Clone)]
pub struct CertificateFacts {
    pub kid: KeyId,
    pub subject: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub allowed: AllowedUses,
}

pub fn facts(certificate_der: &[u8], shown_as: &str) -> Result<CertificateFacts, KeyError> {
    let entry = TrustEntry::from_certificate_der(certificate_der)
        .map_err(|_| KeyError::Certificate(shown_as.to_owned()))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate_der)
        .map_err(|_| KeyError::Certificate(shown_as.to_owned()))?;
    Ok(CertificateFacts {
        kid: entry.key_id,
        subject: parsed.subject().to_string(),
        not_before: entry.not_before,
        not_after: entry.not_after,
        allowed: entry.allowed,
    })
}

/// Whether `certificate_der` carries a valid signature by `issuer_der`'s key.
pub fn issued_by(certificate_der: &[u8], issuer_der: &[u8]) -> bool {
    let (Ok((_, certificate)), Ok((_, issuer))) = (
        x509_parser::parse_x509_certificate(certificate_der),
        x509_parser::parse_x509_certificate(issuer_der),
    ) else {
        return false;
    };
    certificate
        .verify_signature(Some(issuer.public_key()))
        .is_ok()
}

/// Sets the validity to the second; rcgen's time type is reached from the Unix epoch.
fn set_validity(
    params: &mut CertificateParams,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<(), KeyError> {
    let since_epoch = |at: DateTime<Utc>| {
        u64::try_from(at.timestamp())
            .map(std::time::Duration::from_secs)
            .map_err(|_| KeyError::Date)
    };
    params.not_before = rcgen::date_time_ymd(1970, 1, 1) + since_epoch(not_before)?;
    params.not_after = rcgen::date_time_ymd(1970, 1, 1) + since_epoch(not_after)?;
    Ok(())
}

fn months_after(at: DateTime<Utc>, months: Months) -> Result<DateTime<Utc>, KeyError> {
    at.checked_add_months(months).ok_or(KeyError::Date)
}

/// The usage period's end for a certificate of `role` valid from `not_before` to `not_after`.
pub fn signing_until(
    role: Role,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> DateTime<Utc> {
    not_before
        .checked_add_months(role.lifetime().1)
        .map_or(not_after, |until| until.min(not_after))
}

fn base_params(
    country: &str,
    common_name: String,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<CertificateParams, KeyError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    // RFC 5280 wants countryName as a PrintableString.
    params.distinguished_name.push(
        DnType::CountryName,
        rcgen::DnValue::PrintableString(country.try_into()?),
    );
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HealthBook");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    set_validity(&mut params, not_before, not_after)?;
    Ok(params)
}

/// A new CSCA, self-signed, valid 4 years from `now`.
pub fn generate_csca(country: &str, now: DateTime<Utc>) -> Result<KeyMaterial, KeyError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let not_after = months_after(now, Role::Csca.lifetime().0)?;
    let mut params = base_params(
        country,
        format!("HealthBook CSCA {country} {}", now.format("%Y-%m-%d")),
        now,
        not_after,
    )?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let certificate = params.self_signed(&key)?;
    Ok(KeyMaterial::new(
        certificate.der().to_vec(),
        key.serialize_der(),
    ))
}

/// A new DSC or trust-list signer issued by `csca`, valid from `now` for its role's
/// lifetime but never past the CSCA. A DSC carries the DCC key-usage OIDs of `uses`.
pub fn issue(
    role: Role,
    csca: &KeyMaterial,
    country: &str,
    uses: &[CertificateType],
    now: DateTime<Utc>,
) -> Result<KeyMaterial, KeyError> {
    let csca_facts = facts(&csca.certificate_der, "the CSCA certificate")?;
    let not_after = months_after(now, role.lifetime().0)?.min(csca_facts.not_after);
    let label = match role {
        Role::Dsc => "DSC",
        Role::TrustList => "trust list signer",
        Role::Csca => "CSCA",
    };
    let mut params = base_params(
        country,
        format!(
            "HealthBook {label} {country} {}",
            now.format("%Y-%m-%d %H:%M:%S")
        ),
        now,
        not_after,
    )?;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    if role == Role::Dsc {
        params.extended_key_usages = uses
            .iter()
            .map(|kind| ExtendedKeyUsagePurpose::Other(key_usage_oid(*kind)))
            .collect();
    }
    params.use_authority_key_identifier_extension = true;
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let issuer =
        Issuer::from_ca_cert_der(&csca.certificate_der.as_slice().into(), csca.key_pair()?)?;
    let certificate = params.signed_by(&key, &issuer)?;
    Ok(KeyMaterial::new(
        certificate.der().to_vec(),
        key.serialize_der(),
    ))
}

/// PEM text of a DER certificate.
pub fn certificate_pem(certificate_der: &[u8]) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(certificate_der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// The DER of the first certificate in a PEM file.
pub fn read_certificate_pem(path: &Path) -> Result<Vec<u8>, KeyError> {
    let text = std::fs::read(path).map_err(io_error(path))?;
    let (_, pem) = x509_parser::pem::parse_x509_pem(&text).map_err(|_| KeyError::Pem {
        path: path.display().to_string(),
        expected: "certificate",
    })?;
    if pem.label != "CERTIFICATE" {
        return Err(KeyError::Pem {
            path: path.display().to_string(),
            expected: "certificate",
        });
    }
    Ok(pem.contents)
}

/// A PKCS#8 private key (`-----BEGIN PRIVATE KEY-----`) from a PEM file.
pub fn read_private_key_pem(path: &Path) -> Result<Vec<u8>, KeyError> {
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    let key = KeyPair::from_pem(&text).map_err(|_| KeyError::Pem {
        path: path.display().to_string(),
        expected: "PKCS#8 P-256 private key",
    })?;
    Ok(key.serialize_der())
}

/// The key files in the data directory: `<role>-<kid as hex>.crt.pem` (readable) and
/// `<role>-<kid as hex>.key.pem` (mode 0600), in a directory of mode 0700.
#[derive(Debug, Clone)]
pub struct KeyDir {
    path: PathBuf,
}

impl KeyDir {
    pub fn new(path: PathBuf) -> KeyDir {
        KeyDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn stem(role: Role, kid: &KeyId) -> String {
        format!("{}-{}", role.file_prefix(), hex::encode(kid.as_bytes()))
    }

    pub fn certificate_path(&self, role: Role, kid: &KeyId) -> PathBuf {
        self.path
            .join(format!("{}.crt.pem", KeyDir::stem(role, kid)))
    }

    pub fn key_path(&self, role: Role, kid: &KeyId) -> PathBuf {
        self.path
            .join(format!("{}.key.pem", KeyDir::stem(role, kid)))
    }

    fn create(&self) -> Result<(), KeyError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(&self.path).map_err(io_error(&self.path))
    }

    /// Holds an exclusive lock on the directory until the returned file is dropped, so that
    /// two processes sharing the data directory do not both generate keys.
    pub fn lock(&self) -> Result<File, KeyError> {
        self.create()?;
        let path = self.path.join(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        file.lock().map_err(io_error(&path))?;
        Ok(file)
    }

    /// Writes a new key pair: the private key first, readable by the owner only, created
    /// exclusively so that nothing is ever overwritten.
    pub fn write(&self, role: Role, material: &KeyMaterial) -> Result<(), KeyError> {
        self.create()?;
        let kid = material.kid();
        let key = material.key_pair()?;
        let key_path = self.key_path(role, &kid);
        write_new(&key_path, key.serialize_pem().as_bytes(), 0o600)?;
        let certificate_path = self.certificate_path(role, &kid);
        write_new(
            &certificate_path,
            certificate_pem(&material.certificate_der).as_bytes(),
            0o644,
        )
    }

    /// Removes the files of a key that never made it into the database.
    pub fn discard(&self, role: Role, kid: &KeyId) {
        let _ = std::fs::remove_file(self.key_path(role, kid));
        let _ = std::fs::remove_file(self.certificate_path(role, kid));
    }

    pub fn has_private_key(&self, role: Role, kid: &KeyId) -> bool {
        self.key_path(role, kid).is_file()
    }

    pub fn read(&self, role: Role, kid: &KeyId) -> Result<KeyMaterial, KeyError> {
        let certificate_der = read_certificate_pem(&self.certificate_path(role, kid))?;
        let pkcs8 = read_private_key_pem(&self.key_path(role, kid))?;
        Ok(KeyMaterial::new(certificate_der, pkcs8))
    }

    /// The certificates of `role` found in the directory (for adopting key files whose
    /// database rows were lost), with whether each has its private key beside it.
    pub fn certificates(&self, role: Role) -> Result<Vec<Vec<u8>>, KeyError> {
        let prefix = format!("{}-", role.file_prefix());
        let entries = match std::fs::read_dir(&self.path) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(io_error(&self.path)(source)),
        };
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_error(&self.path))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) && name.ends_with(".crt.pem") {
                found.push(read_certificate_pem(&entry.path())?);
            }
        }
        Ok(found)
    }
}

fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap()
    }

    #[test]
    fn a_dsc_is_issued_by_the_csca_with_the_governance_lifetimes() {
        let csca = generate_csca("VN", now()).unwrap();
        let dsc = issue(
            Role::Dsc,
            &csca,
            "VN",
            &[CertificateType::Vaccination],
            now(),
        )
        .unwrap();
        assert!(issued_by(&dsc.certificate_der, &csca.certificate_der));
        assert!(!issued_by(&csca.certificate_der, &dsc.certificate_der));
        let csca_facts = facts(&csca.certificate_der, "csca").unwrap();
        let dsc_facts = facts(&dsc.certificate_der, "dsc").unwrap();
        assert_eq!(csca_facts.not_before, now());
        assert_eq!(
            csca_facts.not_after,
            Utc.with_ymd_and_hms(2030, 11, 23, 8, 0, 0).unwrap()
        );
        assert_eq!(
            dsc_facts.not_after,
            Utc.with_ymd_and_hms(2028, 11, 23, 8, 0, 0).unwrap()
        );
        assert_eq!(
            signing_until(Role::Dsc, dsc_facts.not_before, dsc_facts.not_after),
            Utc.with_ymd_and_hms(2027, 5, 23, 8, 0, 0).unwrap()
        );
        assert_eq!(
            signing_until(Role::Csca, csca_facts.not_before, csca_facts.not_after),
            Utc.with_ymd_and_hms(2027, 11, 23, 8, 0, 0).unwrap()
        );
        assert_eq!(
            dsc_facts.allowed,
            AllowedUses::from_types(&[CertificateType::Vaccination])
        );
        assert!(dsc_facts.subject.contains("C=VN"), "{}", dsc_facts.subject);
        dsc.signer().unwrap();
    }

    #[test]
    fn a_signer_never_outlives_its_csca() {
        let csca = generate_csca("VN", now()).unwrap();
        let late = now().checked_add_months(Months::new(40)).unwrap();
        let dsc = issue(Role::Dsc, &csca, "VN", &[], late).unwrap();
        let dsc_facts = facts(&dsc.certificate_der, "dsc").unwrap();
        assert_eq!(
            dsc_facts.not_after,
            facts(&csca.certificate_der, "csca").unwrap().not_after
        );
        assert_eq!(dsc_facts.allowed, AllowedUses::ANY);
    }

    #[test]
    fn key_files_are_private_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeyDir::new(dir.path().join("keys"));
        let csca = generate_csca("VN", now()).unwrap();
        keys.write(Role::Csca, &csca).unwrap();
        assert!(keys.write(Role::Csca, &csca).is_err());
        let kid = csca.kid();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&keys.key_path(Role::Csca, &kid)), 0o600);
            assert_eq!(mode(keys.path()), 0o700);
        }
        let read = keys.read(Role::Csca, &kid).unwrap();
        assert_eq!(read.certificate_der, csca.certificate_der);
        assert_eq!(
            keys.certificates(Role::Csca).unwrap(),
            vec![csca.certificate_der.clone()]
        );
        assert!(keys.certificates(Role::Dsc).unwrap().is_empty());
    }
}
