//! Logging. Fields are dotted (`booking.id`); secrets never reach here because they are
//! carried in `Sensitive<T>`, whose `Debug` is redacted.

use crate::cli::LogFormat;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber. sqlx logs every statement at INFO, which would flood the
/// log (and could echo bound values), so it is turned down unless the filter names it.
pub fn init(format: LogFormat, filter: &str) {
    let mut directives = filter.to_owned();
    if !filter.contains("sqlx") {
        directives.push_str(",sqlx=warn");
    }
    if !filter.contains("sea_orm") {
        directives.push_str(",sea_orm=warn,sea_orm_migration=warn");
    }
    let env_filter = EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(env_filter);
    // A second init (tests that build several apps in one process) is harmless: keep the first.
    let _ = match format {
        LogFormat::Human => registry
            .with(fmt::layer().with_writer(std::io::stderr).with_target(false))
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
}
