//! Database connection: PostgreSQL or SQLite through one sea-orm interface.

use crate::config::{Config, redact_url};
use healthbook_migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::LikeExpr;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum DbStartError {
    #[error("database {url} unreachable after {waited:?}: {source}")]
    Unreachable {
        url: String,
        waited: Duration,
        source: sea_orm::DbErr,
    },
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("migrating the database failed: {0}")]
    Migrate(sea_orm::DbErr),
}

/// How every transaction here begins. On SQLite a deferred transaction that reads first and
/// writes later fails at once with SQLITE_BUSY when another process wrote in between (a busy
/// timeout cannot revive a stale snapshot); taking the write lock at BEGIN makes it wait its
/// turn instead. PostgreSQL ignores the mode.
pub trait BeginWrite {
    fn begin_write(&self) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send;
}

impl BeginWrite for DatabaseConnection {
    fn begin_write(&self) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send {
        self.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
    }
}

/// Connects, retrying with exponential backoff until `db_connect_timeout`: in a deployment
/// the database often comes up after the service. Errors name the URL without its password.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbStartError> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| DbStartError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
    }
    // sqlx keeps retrying a refused connection until the acquire timeout; keep each attempt
    // short so that our own loop logs the retries and honours `db_connect_timeout`.
    let attempt =
        (config.db_connect_timeout / 3).clamp(Duration::from_secs(1), Duration::from_secs(5));
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .connect_timeout(attempt)
        .acquire_timeout(attempt)
        .sqlx_logging(false);
    if config.is_sqlite() {
        // SQLite has one writer: a single connection serialises writes in the pool instead
        // of failing them with SQLITE_BUSY, and makes conditional updates trivially atomic.
        options.max_connections(1).map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    } else {
        options
            .max_connections(config.db_max_connections)
            .min_connections(1)
            .set_application_name("healthbook");
    }

    let started = Instant::now();
    let mut delay = Duration::from_millis(200);
    loop {
        match Database::connect(options.clone()).await {
            Ok(db) => return Ok(db),
            Err(source) => {
                let waited = started.elapsed();
                if waited + delay > config.db_connect_timeout {
                    return Err(DbStartError::Unreachable {
                        url: redact_url(&config.database_url),
                        waited,
                        source,
                    });
                }
                tracing::warn!(
                    db.url = %redact_url(&config.database_url),
                    retry.in_ms = delay.as_millis() as u64,
                    error = %source,
                    "database not reachable yet"
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbStartError> {
    Migrator::up(db, None).await.map_err(DbStartError::Migrate)
}

pub async fn ping(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// A `LIKE` pattern that finds `text` anywhere, with `%`, `_` and the escape character itself
/// taken literally: a search for "%" must find names with a percent sign, not every row.
pub fn contains_pattern(text: &str) -> LikeExpr {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            pattern.push(LIKE_ESCAPE);
        }
        pattern.push(c);
    }
    pattern.push('%');
    LikeExpr::new(pattern).escape(LIKE_ESCAPE)
}

const LIKE_ESCAPE: char = '\\';

pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}
