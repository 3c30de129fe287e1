//! The command line: every option also reads from the environment and from `healthbook.toml`.
//!
//! Precedence, highest first: command line, environment, configuration file, built-in default.
//! Options are `Option<T>` here so that a value not given on the command line or in the
//! environment can still come from the file; [`crate::config::Config::resolve`] merges them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "healthbook",
    version,
    about = "HealthBook: the citizen electronic health book service",
    long_about = "HealthBook serves the citizen electronic health book API.\n\n\
        Every option can also be set in the environment (the name shown in brackets) or in a \
        TOML configuration file (`healthbook.toml` in the working directory, or --config), \
        using the option's long name with underscores (data_dir = \"var\").\n\
        With no options at all it runs on an SQLite file and in-process cache in ./var."
)]
pub struct Cli {
    #[command(flatten)]
    pub options: Options,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default when no command is given).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data set (idempotent: running it twice changes nothing).
    SeedDemo,
    /// Create a staff account and mail (and print) its passkey enrolment code.
    CreateStaff(CreateStaffArgs),
    /// Certificate signing keys: init, rotate, show.
    Keys(crate::commands::certificates::KeysArgs),
    /// Health certificates: sign, verify, render as QR code.
    Certs(crate::commands::certificates::CertsArgs),
}

#[derive(Debug, Args)]
pub struct CreateStaffArgs {
    /// The staff member's email address.
    #[arg(long)]
    pub email: String,
    /// Full name, as shown to colleagues and in the audit log.
    #[arg(long)]
    pub name: String,
    /// Role to grant: support, authority, doctor, vaccinator or facility_admin.
    #[arg(long, default_value = "support")]
    pub role: String,
    /// Facility code (5 digits) for doctor, vaccinator and facility_admin.
    #[arg(long)]
    pub facility: Option<String>,
    /// Province or commune code for authority.
    #[arg(long)]
    pub admin_unit: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Seed the demo data set when the database is empty, so a newcomer sees a living system.
    #[arg(
        long,
        env = "HEALTHBOOK_DEMO",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub demo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Args, Default)]
pub struct Options {
    /// TOML configuration file; without it, ./healthbook.toml is read when present.
    #[arg(long, env = "HEALTHBOOK_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "HEALTHBOOK_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// Serve /metrics on this address only, apart from the API (which then no longer serves
    /// it) [default: /metrics on the API's address].
    #[arg(
        long,
        env = "HEALTHBOOK_METRICS_LISTEN",
        global = true,
        value_name = "ADDR"
    )]
    pub metrics_listen: Option<SocketAddr>,

    /// Directory for the SQLite file, mail files and signing keys [default: var].
    #[arg(long, env = "HEALTHBOOK_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Database URL (postgres://… or sqlite://…) [default: sqlite://DATA_DIR/healthbook.db].
    #[arg(long, env = "DATABASE_URL", global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Maximum database connections per process [default: 10; SQLite always uses 1 writer].
    #[arg(
        long,
        env = "HEALTHBOOK_DB_MAX_CONNECTIONS",
        global = true,
        value_name = "N"
    )]
    pub db_max_connections: Option<u32>,

    /// How long to keep retrying the database at start, in seconds [default: 30].
    #[arg(
        long,
        env = "HEALTHBOOK_DB_CONNECT_TIMEOUT",
        global = true,
        value_name = "SECONDS"
    )]
    pub db_connect_timeout: Option<u64>,

    /// Redis URL; without it, cache, limits and pub/sub are in-process.
    #[arg(long, env = "REDIS_URL", global = true, value_name = "URL")]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key and channel, so several deployments can share one Redis [default: hb:].
    #[arg(
        long,
        env = "HEALTHBOOK_REDIS_PREFIX",
        global = true,
        value_name = "PREFIX"
    )]
    pub redis_prefix: Option<String>,

    /// SMTP server URL (smtp://user:pass@host:port or smtps://…); without it, mail is written to DATA_DIR/mail.
    #[arg(long, env = "SMTP_URL", global = true, value_name = "URL")]
    pub smtp_url: Option<String>,

    /// Sender address of outgoing mail [default: HealthBook <no-reply@healthbook.localhost>].
    #[arg(
        long,
        env = "HEALTHBOOK_MAIL_FROM",
        global = true,
        value_name = "MAILBOX"
    )]
    pub mail_from: Option<String>,

    /// Public base URL of the service, used in links sent by mail [default: http://LISTEN].
    #[arg(long, env = "HEALTHBOOK_PUBLIC_URL", global = true, value_name = "URL")]
    pub public_url: Option<String>,

    /// Log format [default: human].
    #[arg(long, env = "HEALTHBOOK_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,

    /// Log filter in tracing's EnvFilter syntax [default: info].
    #[arg(long, env = "HEALTHBOOK_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,

    /// Longest a request may take before it is answered 408, in seconds [default: 30].
    #[arg(
        long,
        env = "HEALTHBOOK_REQUEST_TIMEOUT",
        global = true,
        value_name = "SECONDS"
    )]
    pub request_timeout: Option<u64>,

    /// Largest request body accepted, in bytes [default: 1048576].
    #[arg(
        long,
        env = "HEALTHBOOK_BODY_LIMIT",
        global = true,
        value_name = "BYTES"
    )]
    pub body_limit: Option<usize>,

    /// Largest envelope a facility system may send to the intake, in bytes [default: 67108864].
    #[arg(
        long,
        env = "HEALTHBOOK_INTAKE_BODY_LIMIT",
        global = true,
        value_name = "BYTES"
    )]
    pub intake_body_limit: Option<usize>,

    /// Origins allowed by CORS, comma-separated, or * [default: none].
    #[arg(
        long,
        env = "HEALTHBOOK_CORS_ORIGINS",
        global = true,
        value_name = "ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Option<Vec<String>>,

    /// Seconds to let in-flight requests finish after SIGTERM or ctrl-c [default: 20].
    #[arg(
        long,
        env = "HEALTHBOOK_SHUTDOWN_GRACE",
        global = true,
        value_name = "SECONDS"
    )]
    pub shutdown_grace: Option<u64>,

    /// WebAuthn relying-party id: the domain passkeys are bound to [default: localhost].
    #[arg(
        long,
        env = "HEALTHBOOK_WEBAUTHN_RP_ID",
        global = true,
        value_name = "DOMAIN"
    )]
    pub webauthn_rp_id: Option<String>,

    /// Origins allowed in WebAuthn responses, comma-separated: https://… for the web,
    /// android:apk-key-hash:… for the Android app [default: http://localhost on any port].
    #[arg(
        long,
        env = "HEALTHBOOK_WEBAUTHN_ORIGINS",
        global = true,
        value_name = "ORIGINS",
        value_delimiter = ','
    )]
    pub webauthn_origins: Option<Vec<String>>,

    /// Android package name, for /.well-known/assetlinks.json [default: vn.healthbook.app].
    #[arg(
        long,
        env = "HEALTHBOOK_ANDROID_PACKAGE",
        global = true,
        value_name = "NAME"
    )]
    pub android_package: Option<String>,

    /// SHA-256 fingerprints (AA:BB:…) of the Android signing certificates, comma-separated.
    #[arg(
        long,
        env = "HEALTHBOOK_ANDROID_CERT_FINGERPRINTS",
        global = true,
        value_name = "FINGERPRINTS",
        value_delimiter = ','
    )]
    pub android_cert_fingerprints: Option<Vec<String>>,

    /// iOS app ids (TEAMID.bundle.id), comma-separated, for /.well-known/apple-app-site-association.
    #[arg(
        long,
        env = "HEALTHBOOK_IOS_APP_IDS",
        global = true,
        value_name = "IDS",
        value_delimiter = ','
    )]
    pub ios_app_ids: Option<Vec<String>>,

    /// Population registry endpoint (HTTP); without it, the CSV registry is used.
    #[arg(
        long,
        env = "HEALTHBOOK_REGISTRY_URL",
        global = true,
        value_name = "URL"
    )]
    pub registry_url: Option<String>,

    /// CSV file of the development registry (national_id,full_name,date_of_birth) [default: the built-in demo registry].
    #[arg(
        long,
        env = "HEALTHBOOK_REGISTRY_CSV",
        global = true,
        value_name = "FILE"
    )]
    pub registry_csv: Option<PathBuf>,

    /// Seconds to wait for the population registry [default: 3].
    #[arg(
        long,
        env = "HEALTHBOOK_REGISTRY_TIMEOUT",
        global = true,
        value_name = "SECONDS"
    )]
    pub registry_timeout: Option<u64>,

    /// Networks of the reverse proxies in front of the service, comma-separated CIDR
    /// (10.0.0.0/8,::1/128). X-Forwarded-For is read only from a peer in these networks, from
    /// the right: the first hop outside them is the client [default: none, the peer is the client].
    #[arg(
        long,
        env = "HEALTHBOOK_TRUSTED_PROXIES",
        global = true,
        value_name = "NETWORKS",
        value_delimiter = ','
    )]
    pub trusted_proxies: Option<Vec<String>>,

    /// Replaced by --trusted-proxies: `true` is refused with a pointer to it.
    #[arg(
        long,
        env = "HEALTHBOOK_TRUST_FORWARDED_FOR",
        global = true,
        value_name = "BOOL",
        hide = true
    )]
    pub trust_forwarded_for: Option<bool>,

    /// Production: refuse to start with anything meant for a developer's machine (the demo
    /// registry or data, a localhost passkey domain, an http:// public URL, a shifted clock).
    #[arg(
        long,
        env = "HEALTHBOOK_PRODUCTION",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub production: bool,

    /// Shift this process's clock by SECONDS (may be negative). For tests and drills only.
    #[arg(
        long,
        env = "HEALTHBOOK_CLOCK_OFFSET",
        global = true,
        hide = true,
        allow_hyphen_values = true
    )]
    pub clock_offset: Option<i64>,

    #[command(flatten)]
    pub certificates: crate::certificates::CertificateOptions,

    /// Days to keep the text of sent mail before it is erased [default: 30].
    #[arg(
        long,
        env = "HEALTHBOOK_MAIL_RETENTION_DAYS",
        global = true,
        value_name = "DAYS"
    )]
    pub mail_retention_days: Option<u32>,

    /// Hours an account recovery waits before it opens, cancellable meanwhile from any
    /// passkey session [default: 24].
    #[arg(
        long,
        env = "HEALTHBOOK_RECOVERY_DELAY_HOURS",
        global = true,
        value_name = "HOURS"
    )]
    pub recovery_delay_hours: Option<u32>,
}
