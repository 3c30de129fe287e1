//! `healthbook certs verify`: an `HC1:` text (or its QR code) checked against a trust list,
//! with a report of what the certificate says and why it is or is not valid.

use super::cli::{now, out, read_input};
use super::keyring;
use super::qr;
use super::trust_list::TrustListSigningKey;
use crate::config::Config;
use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Utc};
use clap::Args;
use healthbook_domain::certificate::{
    self, CertificateType, RevocationIndex, RevocationListDocument, SignedEnvelope, SkippedEntry,
    TrustStore, VerifyingKey, verify_revocation_list, verify_trust_list,
};
use healthbook_domain::{Lang, Localized};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An HC1: text, a file holding one, a PNG of its QR code, or `-` for standard input.
    pub input: String,
    /// Base URL of a running server: its trust list and revocation list are used.
    #[arg(long, value_name = "URL", conflicts_with = "trust_list")]
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
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Where the trust list came from, and what it said.
#[derive(Debug, Serialize)]
struct TrustListReport {
    source: String,
    version: u64,
    issued_at: DateTime<Utc>,
    stale: bool,
    /// Whether the list's key was pinned (`--pin`) rather than taken from the server.
    pinned: bool,
    /// Entries left out because they cannot be used; the others verify as usual.
    skipped: Vec<SkippedEntry>,
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
    let der = super::keys::read_certificate_pem(path)?;
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
        (None, None) => bail!("give --server URL or --trust-list FILE to verify against"),
    };
    let envelope: SignedEnvelope =
        serde_json::from_slice(&envelope).context("the trust list is not a signed envelope")?;
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
        version: opened.document.version,
        issued_at: opened.document.issued_at,
        stale: opened.stale,
        pinned,
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
        text.push_str(&line(
            "trust list",
            Some(format!(
                "version {} of {} from {}{}{}",
                list.version,
                list.issued_at.to_rfc3339(),
                list.source,
                if list.pinned { "" } else { " (key not pinned)" },
                if list.stale {
                    " — STALE, refetch it"
                } else {
                    ""
                },
            )),
        ));
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
