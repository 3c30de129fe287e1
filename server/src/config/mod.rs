//! The resolved configuration: command line and environment over the TOML file over defaults.

pub mod error;
pub use error::ConfigError;

use crate::cli::{LogFormat, Options};
use crate::http::client_addr::TrustedProxies;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_CONFIG_FILE: &str = "healthbook.toml";

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub metrics_listen: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub db_max_connections: u32,
    pub db_connect_timeout: Duration,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub public_url: String,
    pub log_format: LogFormat,
    pub log: String,
    pub request_timeout: Duration,
    pub body_limit: usize,
    /// The intake's own limit: facility envelopes are far larger than any other body.
    pub intake_body_limit: usize,
    pub cors_origins: Vec<String>,
    pub shutdown_grace: Duration,
    pub clock_offset: chrono::Duration,
    pub webauthn_rp_id: String,
    pub webauthn_origins: Vec<String>,
    pub android_package: String,
    pub android_cert_fingerprints: Vec<String>,
    pub ios_app_ids: Vec<String>,
    pub registry_url: Option<String>,
    pub registry_csv: Option<PathBuf>,
    pub registry_timeout: Duration,
    pub trusted_proxies: TrustedProxies,
    pub production: bool,
    pub certificates: crate::certificates::CertificateConfig,
    /// How long the bodies of sent mail are kept before they are erased.
    pub mail_retention: chrono::Duration,
    /// How long a recovery waits, cancellable from any passkey session, before it opens.
    pub recovery_delay: chrono::Duration,
}

/// The same options as the command line, read from `healthbook.toml`. Unknown keys are an
/// error: a misspelt key silently ignored is a production incident waiting to happen.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOptions {
    listen: Option<SocketAddr>,
    metrics_listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    db_max_connections: Option<u32>,
    db_connect_timeout: Option<u64>,
    redis_url: Option<String>,
    redis_prefix: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    public_url: Option<String>,
    log_format: Option<LogFormat>,
    log: Option<String>,
    request_timeout: Option<u64>,
    body_limit: Option<usize>,
    intake_body_limit: Option<usize>,
    cors_origins: Option<Vec<String>>,
    shutdown_grace: Option<u64>,
    webauthn_rp_id: Option<String>,
    webauthn_origins: Option<Vec<String>>,
    android_package: Option<String>,
    android_cert_fingerprints: Option<Vec<String>>,
    ios_app_ids: Option<Vec<String>>,
    registry_url: Option<String>,
    registry_csv: Option<PathBuf>,
    registry_timeout: Option<u64>,
    trusted_proxies: Option<Vec<String>>,
    production: Option<bool>,
    trust_forwarded_for: Option<bool>,
    certificates: Option<crate::certificates::CertificateFileOptions>,
    mail_retention_days: Option<u32>,
    recovery_delay_hours: Option<u32>,
}

impl Config {
    pub fn resolve(options: Options) -> Result<Config, ConfigError> {
        let file = load_file(options.config.as_deref())?;
        let listen = options
            .listen
            .or(file.listen)
            .map_or_else(default_listen, Ok)?;
        let data_dir = options
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("var"));
        let database_url = options
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| default_sqlite_url(&data_dir));
        let config = Config {
            listen,
            metrics_listen: options.metrics_listen.or(file.metrics_listen),
            database_url,
            db_max_connections: positive(
                "db_max_connections",
                options.db_max_connections.or(file.db_max_connections),
                10,
            )?,
            db_connect_timeout: Duration::from_secs(
                options
                    .db_connect_timeout
                    .or(file.db_connect_timeout)
                    .unwrap_or(30),
            ),
            redis_url: non_empty(options.redis_url.or(file.redis_url)),
            redis_prefix: options
                .redis_prefix
                .or(file.redis_prefix)
                .unwrap_or_else(|| "hb:".to_owned()),
            smtp_url: non_empty(options.smtp_url.or(file.smtp_url)),
            mail_from: options
                .mail_from
                .or(file.mail_from)
                .unwrap_or_else(|| "HealthBook <no-reply@healthbook.localhost>".to_owned()),
            public_url: options
                .public_url
                .or(file.public_url)
                .unwrap_or_else(|| format!("http://{listen}"))
                .trim_end_matches('/')
                .to_owned(),
            log_format: options
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Human),
            log: options
                .log
                .or(file.log)
                .unwrap_or_else(|| "info".to_owned()),
            request_timeout: Duration::from_secs(u64::from(positive(
                "request_timeout",
                options
                    .request_timeout
                    .or(file.request_timeout)
                    .map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
                30,
            )?)),
            body_limit: options
                .body_limit
                .or(file.body_limit)
                .unwrap_or(1024 * 1024),
            intake_body_limit: options
                .intake_body_limit
                .or(file.intake_body_limit)
                .unwrap_or(64 * 1024 * 1024),
            cors_origins: list(options.cors_origins.or(file.cors_origins)).unwrap_or_default(),
            shutdown_grace: Duration::from_secs(
                options.shutdown_grace.or(file.shutdown_grace).unwrap_or(20),
            ),
            clock_offset: chrono::Duration::seconds(options.clock_offset.unwrap_or(0)),
            webauthn_rp_id: options
                .webauthn_rp_id
                .or(file.webauthn_rp_id)
                .unwrap_or_else(|| "localhost".to_owned()),
            webauthn_origins: list(options.webauthn_origins.or(file.webauthn_origins))
                .unwrap_or_else(|| vec!["http://localhost".to_owned()]),
            android_package: options
                .android_package
                .or(file.android_package)
                .unwrap_or_else(|| "vn.healthbook.app".to_owned()),
            android_cert_fingerprints: list(
                options
                    .android_cert_fingerprints
                    .or(file.android_cert_fingerprints),
            )
            .unwrap_or_default(),
            ios_app_ids: list(options.ios_app_ids.or(file.ios_app_ids)).unwrap_or_default(),
            registry_url: non_empty(options.registry_url.or(file.registry_url)),
            registry_csv: options.registry_csv.or(file.registry_csv),
            registry_timeout: Duration::from_secs(
                options
                    .registry_timeout
                    .or(file.registry_timeout)
                    .unwrap_or(3),
            ),
            trusted_proxies: trusted_proxies(
                options.trusted_proxies.or(file.trusted_proxies),
                options.trust_forwarded_for.or(file.trust_forwarded_for),
            )?,
            production: options.production || file.production.unwrap_or(false),
            certificates: crate::certificates::CertificateConfig::resolve(
                options.certificates,
                file.certificates,
            )?,
            mail_retention: chrono::Duration::days(i64::from(positive(
                "mail_retention_days",
                options.mail_retention_days.or(file.mail_retention_days),
                30,
            )?)),
            recovery_delay: chrono::Duration::hours(i64::from(
                options
                    .recovery_delay_hours
                    .or(file.recovery_delay_hours)
                    .unwrap_or(24),
            )),
            data_dir,
        };
        config.check_mail_from()?;
        Ok(config)
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// Why production mode refuses to serve with this configuration (empty when it does not):
    /// each reason is a setting meant for a developer's machine or a test, which would be a
    /// hole in production (anyone "verified" by the demo registry, passkeys bound to
    /// localhost, links in mail over plain HTTP, expiry checked against a shifted clock).
    pub fn production_refusals(&self, demo: bool) -> Vec<&'static str> {
        let mut refusals = Vec::new();
        if demo {
            refusals.push("--demo loads demo data");
        }
        if self.registry_url.is_none() && self.registry_csv.is_none() {
            refusals.push("the built-in demo population registry is in use (set --registry-url)");
        }
        let rp_id = self
            .webauthn_rp_id
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if rp_id == "localhost"
            || rp_id.ends_with(".localhost")
            || rp_id
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
        {
            refusals.push("the WebAuthn relying party is localhost (set --webauthn-rp-id)");
        }
        if !self.clock_offset.is_zero() {
            refusals.push("the clock is shifted (HEALTHBOOK_CLOCK_OFFSET)");
        }
        if !self.public_url.to_ascii_lowercase().starts_with("https://") {
            refusals.push("the public URL is not https:// (set --public-url)");
        }
        refusals
    }

    fn check_mail_from(&self) -> Result<(), ConfigError> {
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map(|_| ())
            .map_err(|e| ConfigError::Invalid {
                option: "mail_from",
                message: e.to_string(),
            })
    }
}

fn load_file(explicit: Option<&Path>) -> Result<FileOptions, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let default = PathBuf::from(DEFAULT_CONFIG_FILE);
            if !default.exists() {
                return Ok(FileOptions::default());
            }
            default
        }
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
        path: shown.clone(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: shown,
        message: e.message().to_owned(),
    })
}

fn default_listen() -> Result<SocketAddr, ConfigError> {
    DEFAULT_LISTEN.parse().map_err(|_| ConfigError::Invalid {
        option: "listen",
        message: DEFAULT_LISTEN.to_owned(),
    })
}

fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}/healthbook.db?mode=rwc", data_dir.display())
}

fn list(values: Option<Vec<String>>) -> Option<Vec<String>> {
    values.map(|values| {
        values
            .into_iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    })
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// The old `trust_forwarded_for = true` trusted whatever the client wrote; it cannot be
/// mapped to a safe list without knowing where the proxies are, so it is refused with a
/// pointer to its replacement rather than guessed at.
fn trusted_proxies(
    networks: Option<Vec<String>>,
    trust_forwarded_for: Option<bool>,
) -> Result<TrustedProxies, ConfigError> {
    if trust_forwarded_for == Some(true) {
        return Err(ConfigError::Invalid {
            option: "trust_forwarded_for",
            message: "replaced by --trusted-proxies (HEALTHBOOK_TRUSTED_PROXIES): name the \
                      proxies' networks, e.g. 10.0.0.0/8"
                .to_owned(),
        });
    }
    let networks = networks.unwrap_or_default();
    TrustedProxies::parse(networks.iter().map(String::as_str)).map_err(|message| {
        ConfigError::Invalid {
            option: "trusted_proxies",
            message,
        }
    })
}

fn positive(option: &'static str, value: Option<u32>, default: u32) -> Result<u32, ConfigError> {
    match value {
        Some(0) => Err(ConfigError::Invalid {
            option,
            message: "must be at least 1".to_owned(),
        }),
        Some(v) => Ok(v),
        None => Ok(default),
    }
}

/// The URL with its password replaced, fit for a log line or an error message.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_hides_only_the_password() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/hb"),
            "postgres://app:***@db:5432/hb"
        );
        assert_eq!(redact_url("postgres://app@db/hb"), "postgres://app@db/hb");
        assert_eq!(
            redact_url("sqlite://var/x.db?mode=rwc"),
            "sqlite://var/x.db?mode=rwc"
        );
    }

    #[test]
    fn file_values_fill_what_the_command_line_leaves_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hb.toml");
        std::fs::write(&path, "data_dir = \"/srv/hb\"\nlisten = \"0.0.0.0:9000\"\n").unwrap();
        let config = Config::resolve(Options {
            config: Some(path),
            listen: Some("127.0.0.1:7000".parse().unwrap()),
            ..Options::default()
        })
        .unwrap();
        assert_eq!(config.listen.port(), 7000);
        assert_eq!(config.data_dir, PathBuf::from("/srv/hb"));
        assert_eq!(
            config.database_url,
            "sqlite:///srv/hb/healthbook.db?mode=rwc"
        );
    }

    #[test]
    fn unknown_file_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hb.toml");
        std::fs::write(&path, "lisen = \"0.0.0.0:9000\"\n").unwrap();
        let err = Config::resolve(Options {
            config: Some(path),
            ..Options::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
    }
}
