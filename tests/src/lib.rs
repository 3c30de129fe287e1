//! The one test harness: starts the real `healthbook` binary and speaks HTTP to it.
//!
//! Every test gets its own data directory and its own database: an SQLite file by default,
//! or a fresh PostgreSQL database when `DATABASE_URL` names a PostgreSQL server (the run's
//! database; each test creates `<that name>_t<N>` beside it). With `REDIS_URL` set, each test
//! gets its own key prefix under `HEALTHBOOK_REDIS_PREFIX`. `.ci/run` drops the databases and
//! keys of the run afterwards.

pub mod campaign;
pub mod mail;
pub mod people;
pub mod private_pg;
pub mod smtp;

use anyhow::{Context, Result, anyhow, bail};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use mail::Mail;

static BUILD: OnceLock<Result<PathBuf, String>> = OnceLock::new();
static NEXT_ID: AtomicU32 = AtomicU32::new(0);

const BINARY: &str = "healthbook-under-test";

/// The server binary under test: `healthbook`'s entry point built by this package (see
/// `src/bin/healthbook-under-test.rs`). Cargo builds it before the integration tests of this
/// package run; other packages that use the harness get it built here once, if missing.
pub fn binary() -> Result<PathBuf> {
    BUILD
        .get_or_init(|| {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            // target/<profile>/deps/<test> → target/<profile>/healthbook-under-test
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .ok_or("unexpected test binary location")?;
            let binary = profile_dir.join(BINARY);
            if binary.exists()
                && std::env::var("CARGO_PKG_NAME").as_deref() == Ok("healthbook-tests")
            {
                return Ok(binary);
            }
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let mut command = Command::new(cargo);
            command.args(["build", "-q", "-p", "healthbook-tests", "--bin", BINARY]);
            if !cfg!(debug_assertions) {
                command.arg("--release");
            }
            // Cargo hands tests the variables of their own package; passed on, they would make
            // build scripts that watch them (ring's does) rebuild half the dependency tree.
            for (key, _) in std::env::vars() {
                if [
                    "CARGO_PKG_",
                    "CARGO_MANIFEST_",
                    "CARGO_CRATE_",
                    "CARGO_BIN_",
                    "CARGO_PRIMARY_",
                    "CARGO_TARGET_TMPDIR",
                ]
                .iter()
                .any(|prefix| key.starts_with(prefix))
                {
                    command.env_remove(key);
                }
            }
            let status = command
                .current_dir(workspace_root())
                .status()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if !status.success() {
                return Err(format!("building {BINARY} failed"));
            }
            Ok(binary)
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Where a test's data lives: SQLite in its data directory, or its own PostgreSQL database.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres { server: String, database: String },
}

impl Backend {
    /// Reads the run's configuration from the environment and makes a fresh database.
    pub async fn fresh() -> Result<Backend> {
        let Some(url) = std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
        else {
            return Ok(Backend::Sqlite);
        };
        let (server, run_db) = url
            .rsplit_once('/')
            .ok_or_else(|| anyhow!("DATABASE_URL has no database name"))?;
        let database = format!(
            "{}_t{}_{}",
            run_db.split('?').next().unwrap_or(run_db),
            std::process::id(),
            NEXT_ID.fetch_add(1, Ordering::SeqCst)
        );
        let admin = sea_orm::Database::connect(format!("{server}/postgres")).await?;
        use sea_orm::ConnectionTrait;
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{database}\""))
            .await
            .with_context(|| format!("creating test database {database}"))?;
        admin.close().await?;
        Ok(Backend::Postgres {
            server: server.to_owned(),
            database,
        })
    }

    pub fn url(&self, data_dir: &Path) -> String {
        match self {
            Backend::Sqlite => format!("sqlite://{}/healthbook.db?mode=rwc", data_dir.display()),
            Backend::Postgres { server, database } => format!("{server}/{database}"),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Backend::Postgres { .. })
    }
}

/// A fresh database of the run's backend with every migration applied, for tests that call
/// the server's modules directly; SQLite's file goes in `data_dir`.
pub async fn migrated_database(data_dir: &Path) -> Result<sea_orm::DatabaseConnection> {
    use healthbook_migrations::MigratorTrait;
    let backend = Backend::fresh().await?;
    let db = sea_orm::Database::connect(backend.url(data_dir)).await?;
    healthbook_migrations::Migrator::up(&db, None).await?;
    Ok(db)
}

/// Builds a [`TestApp`]: extra environment, the shared backend of several processes.
#[derive(Debug, Default)]
pub struct TestAppBuilder {
    env: Vec<(String, String)>,
    args: Vec<String>,
    shared: Option<Shared>,
    no_redis: bool,
}

/// What two processes of one deployment share: the data directory, database and Redis prefix.
#[derive(Debug, Clone)]
pub struct Shared {
    data_dir: Arc<tempfile::TempDir>,
    backend: Backend,
    redis_prefix: Option<String>,
}

impl TestAppBuilder {
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.push((key.to_owned(), value.into()));
        self
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    /// Runs beside `other`: same data directory, database and Redis prefix, as a second
    /// process of the same deployment would.
    pub fn sharing_with(mut self, other: &TestApp) -> Self {
        self.shared = Some(other.shared.clone());
        self
    }

    /// Ignores `REDIS_URL`, for tests of the in-process defaults.
    pub fn without_redis(mut self) -> Self {
        self.no_redis = true;
        self
    }

    pub async fn spawn(self) -> Result<TestApp> {
        let shared = match self.shared {
            Some(shared) => shared,
            None => Shared {
                data_dir: Arc::new(tempfile::tempdir()?),
                backend: Backend::fresh().await?,
                redis_prefix: redis_url().map(|_| {
                    format!(
                        "{}t{}_{}:",
                        std::env::var("HEALTHBOOK_REDIS_PREFIX")
                            .unwrap_or_else(|_| "hbtest:".to_owned()),
                        std::process::id(),
                        NEXT_ID.fetch_add(1, Ordering::SeqCst)
                    )
                }),
            },
        };
        let mut command = Command::new(binary()?);
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&self.args)
            .env_remove("HEALTHBOOK_CONFIG")
            .env("HEALTHBOOK_DATA_DIR", shared.data_dir.path())
            .env("DATABASE_URL", shared.backend.url(shared.data_dir.path()))
            .env("HEALTHBOOK_LOG_FORMAT", "json")
            .env("HEALTHBOOK_LOG", "info")
            .env("HEALTHBOOK_SHUTDOWN_GRACE", "10")
            .env_remove("SMTP_URL")
            .current_dir(shared.data_dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        match (&shared.redis_prefix, redis_url(), self.no_redis) {
            (Some(prefix), Some(url), false) => {
                command
                    .env("REDIS_URL", url)
                    .env("HEALTHBOOK_REDIS_PREFIX", prefix);
            }
            _ => {
                command.env_remove("REDIS_URL");
            }
        }
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let mut app = TestApp::start(command, shared).await?;
        app.clock_offset = self
            .env
            .iter()
            .find(|(key, _)| key == CLOCK_OFFSET)
            .map(|(_, value)| value.clone());
        Ok(app)
    }
}

fn redis_url() -> Option<String> {
    std::env::var("REDIS_URL").ok().filter(|u| !u.is_empty())
}

const CLOCK_OFFSET: &str = "HEALTHBOOK_CLOCK_OFFSET";

/// A running `healthbook serve` process and an HTTP client for it.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
    shared: Shared,
    /// The process's clock offset, which the commands run for it (`create-staff`) share.
    clock_offset: Option<String>,
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// A fresh app on the backend the environment names.
    pub async fn spawn() -> Result<TestApp> {
        TestApp::builder().spawn().await
    }

    async fn start(mut command: Command, shared: Shared) -> Result<TestApp> {
        let mut child = command.spawn().context("starting healthbook")?;
        let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<String>();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(event) = serde_json::from_str::<Value>(&line)
                    && event["message"] == "listening"
                    && let Some(addr) = event["listen.addr"].as_str()
                {
                    let _ = addr_tx.send(addr.to_owned());
                }
                if let Ok(mut logs) = sink.lock() {
                    logs.push(line);
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            if let Ok(addr) = addr_rx.recv_timeout(Duration::from_millis(50)) {
                break addr;
            }
            if let Some(status) = child.try_wait()? {
                let logs = logs.lock().map(|l| l.join("\n")).unwrap_or_default();
                bail!("healthbook exited with {status} before listening:\n{logs}");
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                bail!("healthbook did not start listening within 60 s");
            }
        };
        Ok(TestApp {
            base_url: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            child,
            logs,
            shared,
            clock_offset: None,
        })
    }

    pub fn data_dir(&self) -> &Path {
        self.shared.data_dir.path()
    }

    /// The clock offset the process runs with, for a command that must share its time.
    pub fn clock_offset(&self) -> Option<(&'static str, &str)> {
        self.clock_offset
            .as_deref()
            .map(|offset| (CLOCK_OFFSET, offset))
    }

    pub fn backend(&self) -> &Backend {
        &self.shared.backend
    }

    /// The Redis URL and key prefix the app uses, when it uses Redis.
    pub fn redis(&self) -> Option<(String, String)> {
        Some((redis_url()?, self.shared.redis_prefix.clone()?))
    }

    /// A connection of the test's own to the app's database, to look at what it stored.
    pub async fn database(&self) -> Result<sea_orm::DatabaseConnection> {
        Ok(sea_orm::Database::connect(self.backend().url(self.data_dir())).await?)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub async fn get(&self, path: &str) -> Result<Reply> {
        Reply::from(self.request(Method::GET, path).send().await?).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Reply> {
        Reply::from(self.request(Method::POST, path).json(body).send().await?).await
    }

    /// Every log line the process wrote so far (JSON, one event per line).
    pub fn logs(&self) -> String {
        self.logs.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// Mail written to the data directory's `mail/` folder so far.
    pub fn mails(&self) -> Result<Vec<Mail>> {
        mail::read_dir(&self.data_dir().join("mail"))
    }

    /// Waits until a mail to `recipient` satisfying `filter` arrives (the outbox worker
    /// sends within a second or two).
    pub async fn wait_for_mail(
        &self,
        recipient: &str,
        filter: impl Fn(&Mail) -> bool,
    ) -> Result<Mail> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(found) = self
                .mails()?
                .into_iter()
                .find(|m| m.to.eq_ignore_ascii_case(recipient) && filter(m))
            {
                return Ok(found);
            }
            if Instant::now() > deadline {
                bail!("no mail to {recipient} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Kills the process at once with SIGKILL, as a crash or a power cut would, and waits
    /// for it: no shutdown runs, open transactions die with their connections.
    pub fn kill(&mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub async fn terminate(&mut self) -> Result<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status()?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                bail!("healthbook did not stop within 30 s of SIGTERM");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response, read whole: status, headers and body (JSON when it parses).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Result<Reply> {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await?;
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            headers,
            text,
            json,
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The problem `code` of an error response.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Reply {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts a problem+json response with this status and code.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, code: &str) -> &Reply {
        self.expect(status);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "not problem+json: {}",
            self.text
        );
        assert_eq!(self.code(), code, "body: {}", self.text);
        self
    }
}

/// The server's state built in this process on a fresh database of the run's backend, with
/// the environment's Redis ignored: for tests that drive the router directly.
pub async fn in_process_state(data_dir: &Path) -> Result<healthbook_server::state::AppState> {
    use clap::Parser;
    let backend = Backend::fresh().await?;
    let cli = healthbook_server::cli::Cli::try_parse_from([
        "healthbook",
        "--data-dir",
        &data_dir.display().to_string(),
        "--database-url",
        &backend.url(data_dir),
        "--redis-url",
        "",
    ])?;
    let config = healthbook_server::config::Config::resolve(cli.options)?;
    healthbook_server::run::build_state(config).await
}

/// A verified citizen account with this address, written straight into the database.
pub async fn insert_citizen_account(
    state: &healthbook_server::state::AppState,
    email: &str,
) -> Result<String> {
    use healthbook_server::auth::entities::account;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let now = state.clock.now();
    account::Entity::insert(account::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        kind: Set("citizen".to_owned()),
        email: Set(email.to_owned()),
        email_key: Set(email.to_lowercase()),
        email_verified_at: Set(Some(now)),
        display_name: Set("Người Thử".to_owned()),
        phone: Set(None),
        lang: Set("vi".to_owned()),
        status: Set("active".to_owned()),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&state.db)
    .await?;
    Ok(email.to_owned())
}
