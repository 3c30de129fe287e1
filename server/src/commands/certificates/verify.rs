//! `healthbook certs verify`: an `HC1:` text (or its QR code) checked against a trust list,
//! with a report of what the certificate says and why it is or is not valid.

use super::{now, out, read_input};
use crate::certificates::keyring;
use crate::certificates::qr;
use crate::certificates::trust_list::TrustListSigningKey;
use crate::config::Config;
use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Utc};
use clap::Args;
use healthbook_domain::certificate::{
    self, CertificateType, DscListError, RevocationIndex, RevocationListDocument, SignedEnvelope,
    SkippedEntry, TrustStore, VerifyingKey, read_dsc_list, read_signer_certificates,
    verify_revocation_list, verify_trust_list,
};
use healthbook_domain::{Lang, Localized};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An HC1: text, a file holding one, a PNG of its QR code, or `-` for standard input.
    pub input: String,
    /// Base URL of a running server: its trust list and revocation list are used.
    #[arg(long, value_name = "URL", conflicts_with_all = ["trust_list", "signer", "dsc_list"])]
    pub server: Option<String>,
    /// A trust list saved from GET /v1/trust-list (the signed envelope).
    #[arg(long, value_name = "FILE")]
    pub trust_list: Option<PathBuf>,
    /// A revocation list saved from GET /v1/revocations, checked with --trust-list.
    #[arg(long, value_name = "FILE", requires = "trust_list")]
    pub revocations: Option<PathBuf>,
    /// The pinned trust-list key: its PEM certificate, or the JSON of
    /// GET /v1/trust-list/signing-key. Required with --trust-list; with --server it is
    /// otherwise fetched from the server itself (trust on first use).
    #[arg(long, value_name = "FILE")]
    pub pin: Option<PathBuf>,
    /// A document signer certificate (DSC) to trust as it is: DER, or PEM holding one or
    /// more certificates. For a foreign certificate whose signer you hold; nothing vouches
    /// for the file but you.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["trust_list", "dsc_list", "pin"])]
    pub signer: Option<PathBuf>,
    /// Document signers published by others: the EU DCC gateway's trust-list download (a
    /// JSON array of {kid, certificateType, country, rawData, signature, thumbprint,
    /// timestamp}), a national backend's {"certificates": [...]} (after its signature line
    /// or not), or an object keyed by kid holding certificates or public keys. Entries that
    /// are not document signers or cannot be used are skipped and listed. The list's
    /// signatures are not checked: it is trusted as the file you give.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["trust_list", "pin"])]
    pub dsc_list: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Where the trust list came from, and what it said.
#[derive(Debug, Serialize)]
struct TrustListReport {
    source: String,
    /// `healthbook` (our signed list), `certificate` (`--signer`), or the format of a
    /// `--dsc-list`: `dcc-gateway`, `certificates`, `keyed-by-kid`.
    format: &'static str,
    /// The signed list's version and issue time; foreign signers have neither.
    version: Option<u64>,
    issued_at: Option<DateTime<Utc>>,
    stale: bool,
    /// Whether the list's key was pinned (`--pin`) rather than taken from the server.
    pinned: bool,
    /// How many signers it gave to verify with.
    signers: usize,
    /// Entries left out because they cannot be used; the others verify as usual.
    skipped: Vec<SkippedEntry>,
}

/// Signers given by the operator rather than by a HealthBook list: nothing is signed, no
/// revocation list comes with them.
fn foreign_trust(
    path: &Path,
    source: ForeignSource,
) -> anyhow::Result<(TrustStore, TrustListReport, RevocationIndex)> {
    let bytes = read_input(path)?;
    let refused = |error: DscListError| anyhow!("{}: {error}", path.display());
    let (format, loaded) = match source {
        ForeignSource::Signer => (
            "certificate",
            read_signer_certificates(&bytes).map_err(refused)?,
        ),
        ForeignSource::DscList => {
            let list = read_dsc_list(&bytes).map_err(|error| match error {
                DscListError::SignedEnvelope => anyhow!(
                    "{}: a HealthBook signed trust list: give it with --trust-list and --pin",
                    path.display()
                ),
                other => refused(other),
            })?;
            (list.format.as_str(), list.trust)
        }
    };
    let report = TrustListReport {
        source: path.display().to_string(),
        format,
        version: None,
        issued_at: None,
        stale: false,
        pinned: false,
        signers: loaded.store.len(),
        skipped: loaded.skipped,
    };
    Ok((loaded.store, report, RevocationIndex::default()))
}

#[derive(Debug, Clone, Copy)]
enum ForeignSource {
    Signer,
    DscList,
}

#[derive(Debug, Serialize)]
struct VerifyReport {
    valid: bool,
    code: Option<&'static str>,
    message: Option<String>,
    revoked: bool,
    text: String,
    kid: Option<String>,
    issuer: Option<String>,
    issued_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    certificate_type: Option<CertificateType>,
    dcc: Option<serde_json::Value>,
    trust_list: Option<TrustListReport>,
}

/// The HC1 text of a verify argument: the text itself, a file of it, or a QR image.
fn hc1_text(input: &str) -> anyhow::Result<String> {
    if input.starts_with("HC1:") {
        return Ok(input.trim().to_owned());
    }
    let bytes = read_input(Path::new(input))?;
    if qr::is_png(&bytes) {
        return Ok(qr::read(&bytes)?);
    }
    Ok(String::from_utf8(bytes)
        .context("the input is neither text nor a PNG")?
        .trim()
        .to_owned())
}

fn pinned_key(path: &Path) -> anyhow::Result<VerifyingKey> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if let Ok(published) = serde_json::from_slice::<TrustListSigningKey>(&bytes) {
        return published
            .verifying_key()
            .ok_or_else(|| anyhow!("{}: not a P-256 public key", path.display()));
    }
    let der = crate::certificates::keys::read_certificate_pem(path)?;
    Ok(VerifyingKey::from_certificate_der(&der)?)
}

async fn fetch(client: &reqwest::Client, url: &str) -> anyhow::Result<Vec<u8>> {
    let response = client
        .get(url)
        .send()
        .await
        .with_context(|| format!("fetching {url}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    Ok(response.bytes().await?.to_vec())
}

/// The trust store and revocations to verify against, with a note of where they came from.
async fn trust(
    args: &VerifyArgs,
    now: DateTime<Utc>,
) -> anyhow::Result<(TrustStore, TrustListReport, RevocationIndex)> {
    if let Some(path) = &args.signer {
        return foreign_trust(path, ForeignSource::Signer);
    }
    if let Some(path) = &args.dsc_list {
        return foreign_trust(path, ForeignSource::DscList);
    }
    let (envelope, revocations, key, source, pinned) = match (&args.server, &args.trust_list) {
        (Some(server), _) => {
            let base = server.trim_end_matches('/');
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()?;
            let envelope = fetch(&client, &format!("{base}/v1/trust-list")).await?;
            let revocations = fetch(&client, &format!("{base}/v1/revocations")).await?;
            let (key, pinned) = match &args.pin {
                Some(path) => (pinned_key(path)?, true),
                None => {
                    let published: TrustListSigningKey = serde_json::from_slice(
                        &fetch(&client, &format!("{base}/v1/trust-list/signing-key")).await?,
                    )?;
                    let key = published
                        .verifying_key()
                        .ok_or_else(|| anyhow!("the server's signing key is not P-256"))?;
                    (key, false)
                }
            };
            (envelope, Some(revocations), key, base.to_owned(), pinned)
        }
        (None, Some(path)) => {
            let pin = args.pin.as_deref().ok_or_else(|| {
                anyhow!("--trust-list needs --pin, the trust-list key to check it with")
            })?;
            let revocations = args.revocations.as_deref().map(read_input).transpose()?;
            (
                read_input(path)?,
                revocations,
                pinned_key(pin)?,
                path.display().to_string(),
                true,
            )
        }
        (None, None) => bail!(
            "give --server URL, --trust-list FILE, --signer FILE or --dsc-list FILE to verify against"
        ),
    };
    let envelope: SignedEnvelope = serde_json::from_slice(&envelope).map_err(|_| {
        anyhow!(
            "the trust list is not a HealthBook signed envelope (a gateway or national list of \
             document signers goes with --dsc-list)"
        )
    })?;
    let opened = verify_trust_list(&envelope, &key, None, now)
        .map_err(|error| anyhow!("the trust list does not verify: {error}"))?;
    let index = match revocations {
        Some(bytes) => {
            let envelope: SignedEnvelope = serde_json::from_slice(&bytes)
                .context("the revocation list is not a signed envelope")?;
            let opened: certificate::Opened<RevocationListDocument> =
                verify_revocation_list(&envelope, &key, None, now)
                    .map_err(|error| anyhow!("the revocation list does not verify: {error}"))?;
            RevocationIndex::from_document(&opened.document)
        }
        None => RevocationIndex::default(),
    };
    let loaded = opened.document.trust_store();
    let report = TrustListReport {
        source,
        format: "healthbook",
        version: Some(opened.document.version),
        issued_at: Some(opened.document.issued_at),
        stale: opened.stale,
        pinned,
        signers: loaded.store.len(),
        skipped: loaded.skipped,
    };
    Ok((loaded.store, report, index))
}

pub async fn run(config: &Config, args: VerifyArgs) -> anyhow::Result<()> {
    let now = now(config);
    let text = hc1_text(&args.input)?;
    let (store, trust_report, revocations) = trust(&args, now).await?;
    let mut report = VerifyReport {
        valid: false,
        code: None,
        message: None,
        revoked: false,
        text: text.clone(),
        kid: None,
        issuer: None,
        issued_at: None,
        expires_at: None,
        certificate_type: None,
        dcc: None,
        trust_list: Some(trust_report),
    };
    // What the certificate says, shown even when it does not verify.
    if let Ok(unverified) = certificate::decode_unverified(&text) {
        report.kid = Some(unverified.cose.key_id.to_base64());
        report.issuer = unverified.claims.issuer.clone();
        report.issued_at = unverified
            .claims
            .issued_at
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0));
        report.expires_at = unverified
            .claims
            .expires_at
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0));
        report.dcc = Some(unverified.claims.dcc);
    }
    match certificate::verify(&text, &store, now) {
        Ok(verified) => {
            report.certificate_type = Some(verified.certificate_type);
            report.revoked = revocations.is_revoked(&verified);
            report.valid = !report.revoked;
            if report.revoked {
                report.code = Some("certificate_revoked");
                report.message = Some("The certificate has been revoked.".to_owned());
            }
        }
        Err(error) => {
            report.code = Some(error.code());
            report.message = Some(format!("{} ({error})", error.message(Lang::En)));
        }
    }
    if args.json {
        out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
    } else {
        out(&human(&report))?;
    }
    if report.valid {
        Ok(())
    } else {
        bail!(
            "the certificate is not valid: {}",
            report.code.unwrap_or("certificate_invalid")
        )
    }
}

fn human(report: &VerifyReport) -> String {
    let mut text = String::new();
    let verdict = if report.valid {
        "VALID".to_owned()
    } else {
        format!(
            "NOT VALID: {} — {}",
            report.code.unwrap_or("certificate_invalid"),
            report.message.as_deref().unwrap_or("")
        )
    };
    text.push_str(&format!("Certificate: {verdict}\n"));
    let line = |label: &str, value: Option<String>| {
        value.map_or_else(String::new, |value| format!("  {label:<12} {value}\n"))
    };
    text.push_str(&line(
        "type",
        report
            .certificate_type
            .map(|kind| keyring::type_name(kind).to_owned()),
    ));
    text.push_str(&line("issuer", report.issuer.clone()));
    text.push_str(&line("key id", report.kid.clone()));
    text.push_str(&line(
        "issued at",
        report.issued_at.map(|at| at.to_rfc3339()),
    ));
    text.push_str(&line(
        "expires at",
        report.expires_at.map(|at| at.to_rfc3339()),
    ));
    if let Some(list) = &report.trust_list {
        let described = match (list.version, list.issued_at) {
            (Some(version), Some(issued_at)) => format!(
                "version {version} of {} from {}{}{}",
                issued_at.to_rfc3339(),
                list.source,
                if list.pinned { "" } else { " (key not pinned)" },
                if list.stale {
                    " — STALE, refetch it"
                } else {
                    ""
                },
            ),
            _ => format!(
                "{} signer(s) from {} ({}; trusted as given, no signature checked)",
                list.signers, list.source, list.format
            ),
        };
        text.push_str(&line("trust list", Some(described)));
        for skipped in &list.skipped {
            text.push_str(&line(
                "skipped",
                Some(format!(
                    "entry {} (kid {}, {}): {} — {}",
                    skipped.index,
                    skipped.kid.as_deref().unwrap_or("none"),
                    skipped.country.as_deref().unwrap_or("no country"),
                    skipped.code,
                    skipped.reason
                )),
            ));
        }
    }
    if let Some(dcc) = &report.dcc {
        text.push_str("Payload:\n");
        text.push_str(&serde_json::to_string_pretty(dcc).unwrap_or_default());
        text.push('\n');
    }
    text
}
