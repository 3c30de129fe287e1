//! `healthbook keys …` (signing keys) and `healthbook certs …` (sign, verify, QR): the
//! arguments and what each command does. Results go to stdout, logs to stderr.

mod verify;

use crate::certificates::keyring::{self, KeyChange, KeySource};
use crate::certificates::{CertificateService, log_changes, qr, store};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use anyhow::{Context, bail};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use clap::{Args, Subcommand, ValueEnum};
use healthbook_domain::certificate::{CertificateType, Claims, Dcc, Strictness, schema};
use sea_orm::DatabaseConnection;
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
    Verify(verify::VerifyArgs),
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

pub(crate) fn now(config: &Config) -> DateTime<Utc> {
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

pub(super) fn out(text: &str) -> anyhow::Result<()> {
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

/// The certificate service as `serve` opens it, for a command.
async fn open_service(
    config: &Config,
    db: &DatabaseConnection,
    uses: &[CertificateType],
    now: DateTime<Utc>,
) -> Result<(CertificateService, Vec<KeyChange>), crate::certificates::CertificateError> {
    CertificateService::open(&config.certificates, &config.keys_dir(), db, uses, now).await
}

pub async fn run_keys(config: Config, args: KeysArgs) -> anyhow::Result<()> {
    let db = database(&config).await?;
    let now = now(&config);
    match args.command {
        KeysCommand::Init(init) => {
            let (_, changes) =
                open_service(&config, &db, &certificate_types(&init.uses), now).await?;
            log_changes(&changes);
            out(&describe(&changes))
        }
        KeysCommand::Rotate(rotate) => {
            // Make sure there is something to rotate (a no-op when keys exist).
            let (service, _) =
                open_service(&config, &db, &[CertificateType::Vaccination], now).await?;
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
                open_service(&config, &db, &[CertificateType::Vaccination], now).await?;
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
        CertsCommand::Verify(verify) => verify::run(&config, verify).await,
        CertsCommand::Qr(qr_args) => qr_command(qr_args),
    }
}

pub(super) fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
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
    let service =
        CertificateService::start(&config.certificates, &config.keys_dir(), &db, now).await?;
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
        .map_err(crate::certificates::CertificateError::from)?;
    tracing::info!(certificate.kid = %signer.kid(), certificate.expires_at = %expires_at, "certificate signed");
    out(&format!("{text}\n"))
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
