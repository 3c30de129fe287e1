//! `healthbook keys …` (signing keys) and `healthbook certs …` (sign, verify, QR): the
//! arguments and what each command does. Results go to stdout, logs to stderr.

use super::keyring::{self, KeyChange, KeySource};
use super::trust_list::TrustListSigningKey;
use super::{CertificateService, log_changes, qr, store};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use clap::{Args, Subcommand, ValueEnum};
use healthbook_domain::certificate::{
    self, CertificateType, Claims, Dcc, RevocationIndex, RevocationListDocument, SignedEnvelope,
    SkippedEntry, Strictness, TrustStore, VerifyingKey, schema, verify_revocation_list,
    verify_trust_list,
};
use healthbook_domain::{Lang, Localized};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate the CSCA, a document signer (DSC) and the trust-list signer into
    /// DATA_DIR/keys unless they exist (idempotent; `serve` does the same at start).
    Init(InitArgs),
    /// Add a new DSC and retire the active one for signing; its certificates stay verifiable.
    Rotate(RotateArgs),
    /// List every signing key with its validity and status, and the key apps pin.
    Show,
}

/// A certificate type a DSC may sign (its extended key usage); `any` sets none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Use {
    Test,
    Vaccination,
    Recovery,
    Any,
}

fn certificate_types(uses: &[Use]) -> Vec<CertificateType> {
    if uses.contains(&Use::Any) {
        return Vec::new();
    }
    uses.iter()
        .filter_map(|kind| match kind {
            Use::Test => Some(CertificateType::Test),
            Use::Vaccination => Some(CertificateType::Vaccination),
            Use::Recovery => Some(CertificateType::Recovery),
            Use::Any => None,
        })
        .collect()
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Certificate types a newly generated DSC may sign, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "vaccination")]
    pub uses: Vec<Use>,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Certificate types the new DSC may sign [default: those of the DSC it replaces].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub uses: Option<Vec<Use>>,
    /// Also replace the CSCA (done anyway once its key's one-year usage period is over).
    #[arg(long)]
    pub new_csca: bool,
}

#[derive(Debug, Args)]
pub struct CertsArgs {
    #[command(subcommand)]
    pub command: CertsCommand,
}

#[derive(Debug, Subcommand)]
pub enum CertsCommand {
    /// Sign a DCC payload (JSON: ver, nam, dob and one of v, t, r) with the active DSC and
    /// print the HC1: text.
    Sign(SignArgs),
    /// Decode an HC1: text (or a QR code image) and verify it against a trust list.
    Verify(VerifyArgs),
    /// Render an HC1: text as a QR code (PNG and/or SVG, error correction level Q).
    Qr(QrArgs),
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The DCC JSON file; `-` reads standard input.
    pub payload: PathBuf,
    /// When the certificate expires (RFC 3339); must not be after the DSC's own expiry.
    #[arg(long, conflicts_with = "valid_days")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Days the certificate is valid [default: 365, but never past the DSC's expiry].
    #[arg(long)]
    pub valid_days: Option<u32>,
}

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

#[derive(Debug, Args)]
pub struct QrArgs {
    /// The HC1: text; `-` reads standard input.
    pub input: String,
    /// Write a PNG here.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Write an SVG here (without --png or --svg, the SVG goes to standard output).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Pixels (PNG) or units (SVG) per QR module.
    #[arg(long, default_value_t = qr::DEFAULT_MODULE_SIZE)]
    pub module_size: u32,
}

fn now(config: &Config) -> DateTime<Utc> {
    SystemClock {
        offset: config.clock_offset,
    }
    .now()
    .trunc_subsecs(0)
}

async fn database(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = crate::db::connect(config).await?;
    crate::db::migrate(&db).await?;
    Ok(db)
}

fn out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn describe(changes: &[KeyChange]) -> String {
    changes
        .iter()
        .map(|change| {
            format!(
                "{:<10} {:<10} {}\n",
                change.role.as_str(),
                change.action.as_str(),
                change.kid
            )
        })
        .collect()
}

pub async fn run_keys(config: Config, args: KeysArgs) -> anyhow::Result<()> {
    let db = database(&config).await?;
    let now = now(&config);
    match args.command {
        KeysCommand::Init(init) => {
            let (_, changes) =
                CertificateService::open(&config, &db, &certificate_types(&init.uses), now).await?;
            log_changes(&changes);
            out(&describe(&changes))
        }
        KeysCommand::Rotate(rotate) => {
            // Make sure there is something to rotate (a no-op when keys exist).
            let (service, _) =
                CertificateService::open(&config, &db, &[CertificateType::Vaccination], now)
                    .await?;
            let uses = rotate.uses.as_deref().map(certificate_types);
            let changes = keyring::rotate(
                &db,
                service.key_source(),
                service.country(),
                uses.as_deref(),
                rotate.new_csca,
                now,
            )
            .await?;
            log_changes(&changes);
            out(&describe(&changes))
        }
        KeysCommand::Show => {
            let (service, _) =
                CertificateService::open(&config, &db, &[CertificateType::Vaccination], now)
                    .await?;
            let mut text = String::new();
            if let KeySource::Generated(dir) = service.key_source() {
                text.push_str(&format!("key directory: {}\n", dir.path().display()));
            }
            text.push_str(
                "role       status   kid           not before            not after             signs until           uses\n",
            );
            for row in store::all_keys(&db).await? {
                let status = if row.active_for.is_some() {
                    "active"
                } else if row.not_after <= now {
                    "expired"
                } else {
                    "retired"
                };
                text.push_str(&format!(
                    "{:<10} {:<8} {:<13} {} {} {} {}\n",
                    row.role,
                    status,
                    row.kid,
                    row.not_before.format("%Y-%m-%dT%H:%M:%SZ"),
                    row.not_after.format("%Y-%m-%dT%H:%M:%SZ"),
                    row.signing_until.format("%Y-%m-%dT%H:%M:%SZ"),
                    match (row.role.as_str(), row.allowed_uses.as_str()) {
                        ("dsc", "") => "any",
                        ("dsc", uses) => uses,
                        _ => "-",
                    },
                ));
            }
            let pin = service.trust_list_signing_key()?;
            text.push_str(&format!(
                "\ntrust-list signing key (pin it in the apps):\n  kid: {}\n  public key (P-256, base64): {}\n  certificate SHA-256: {}\n",
                pin.kid, pin.public_key, pin.certificate_sha256
            ));
            out(&text)
        }
    }
}

pub async fn run_certs(config: Config, args: CertsArgs) -> anyhow::Result<()> {
    match args.command {
        CertsCommand::Sign(sign) => sign_command(&config, sign).await,
        CertsCommand::Verify(verify) => verify_command(&config, verify).await,
        CertsCommand::Qr(qr_args) => qr_command(qr_args),
    }
}

fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))
    }
}

async fn sign_command(config: &Config, args: SignArgs) -> anyhow::Result<()> {
    let json: serde_json::Value =
        serde_json::from_slice(&read_input(&args.payload)?).context("the payload is not JSON")?;
    if let Err(violation) = schema::validate(&json, Strictness::Strict) {
        bail!("the payload does not follow the DCC 1.3 schema: {violation}");
    }
    let dcc = Dcc::from_json(json).context("the payload is not a DCC")?;
    let db = database(config).await?;
    let now = now(config);
    let service = CertificateService::start(config, &db, now).await?;
    let signer = service.document_signer(&db).await?;
    let expires_at = match (args.expires_at, args.valid_days) {
        (Some(at), _) => at,
        (None, days) => {
            let wanted = now + Duration::days(i64::from(days.unwrap_or(365)));
            if days.is_some() {
                wanted
            } else {
                wanted.min(signer.not_after())
            }
        }
    };
    let claims = Claims {
        issuer: service.country().to_owned(),
        issued_at: now,
        expires_at,
        dcc,
    };
    let text = signer
        .issue(&claims, now)
        .map_err(super::CertificateError::from)?;
    tracing::info!(certificate.kid = %signer.kid(), certificate.expires_at = %expires_at, "certificate signed");
    out(&format!("{text}\n"))
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

async fn verify_command(config: &Config, args: VerifyArgs) -> anyhow::Result<()> {
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

fn qr_command(args: QrArgs) -> anyhow::Result<()> {
    let text = if args.input == "-" {
        String::from_utf8(read_input(Path::new("-"))?)?
            .trim()
            .to_owned()
    } else {
        args.input.trim().to_owned()
    };
    if !text.starts_with("HC1:") {
        bail!("the text does not start with HC1:");
    }
    if let Some(path) = &args.png {
        std::fs::write(path, qr::png(&text, args.module_size)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.svg {
        std::fs::write(path, qr::svg(&text, args.module_size)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.png.is_none() && args.svg.is_none() {
        out(&qr::svg(&text, args.module_size)?)?;
    }
    Ok(())
}
