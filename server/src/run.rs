//! `healthbook serve`: the state every request shares, the HTTP and metrics listeners, the
//! background work, and a graceful stop.

use crate::cache::{Cache, MemoryCache, RedisCache};
use crate::cli::ServeArgs;
use crate::clock::{SharedClock, SystemClock};
use crate::config::{Config, redact_url};
use crate::jobs::{Jobs, Shutdown};
use crate::mail::{Mailer, RetryPolicy, build_transport};
use crate::state::AppState;
use crate::{app, auth, db, demo, http};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub(crate) fn clock(config: &Config) -> SharedClock {
    Arc::new(SystemClock {
        offset: config.clock_offset,
    })
}

pub(crate) async fn open_database(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = db::connect(config).await?;
    db::migrate(&db).await?;
    tracing::info!(db.url = %redact_url(&config.database_url), db.backend = db::backend_name(&db), "database ready");
    Ok(db)
}

fn build_cache(config: &Config) -> anyhow::Result<Cache> {
    Ok(match &config.redis_url {
        Some(url) => {
            tracing::info!(redis.url = %redact_url(url), redis.prefix = %config.redis_prefix, "using Redis");
            Arc::new(RedisCache::new(url, &config.redis_prefix)?)
        }
        None => Arc::new(MemoryCache::new()),
    })
}

/// Builds everything `serve` needs; shared with the test harness and benchmarks.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    let clock = clock(&config);
    let db = open_database(&config).await?;
    let cache = build_cache(&config)?;
    let transport = build_transport(config.smtp_url.as_deref(), &config.mail_dir())?;
    let from = config.mail_from.parse()?;
    let mailer = Mailer::new(
        db.clone(),
        transport,
        from,
        clock.clone(),
        RetryPolicy::default(),
    )
    .with_composer(
        crate::booking::confirmations::TEMPLATE,
        Arc::new(crate::booking::confirmations::Confirmations {
            organizer_email: crate::booking::organizer_of(&config.mail_from),
        }),
    )
    .with_composer(
        auth::codes::TEMPLATE,
        Arc::new(auth::codes::CodeMails {
            public_url: config.public_url.clone(),
        }),
    );
    let webauthn = Arc::new(auth::passkeys::relying_party(
        &config.webauthn_rp_id,
        &config.webauthn_origins,
    )?);
    let registry = auth::registry::from_config(&config)?;
    tracing::info!(registry = %registry.describe(), webauthn.rp_id = %config.webauthn_rp_id, "identity ready");
    let certificates = crate::certificates::CertificateService::start(
        &config.certificates,
        &config.keys_dir(),
        &db,
        clock.now(),
    )
    .await?;
    let snapshot_key = Arc::new(auth::session::SnapshotKey::load(&db, clock.now()).await?);
    Ok(AppState {
        circuit: crate::db_circuit::Circuit::new(db.clone()),
        db,
        cache,
        mailer,
        config: Arc::new(config),
        clock,
        metrics: http::metrics::recorder(),
        webauthn,
        registry,
        certificates,
        snapshot_key,
    })
}

pub(crate) async fn serve(config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let listen = config.listen;
    let grace = config.shutdown_grace;
    let state = build_state(config).await?;
    if args.demo
        && let Some(report) = demo::seed_if_empty(&state.db, state.clock.now()).await?
    {
        tracing::info!(
            demo.facilities = report.facilities_added,
            "empty database: demo data loaded"
        );
    }

    let process = if state.config.is_sqlite() {
        None
    } else {
        let shared_cache = state.config.redis_url.is_some();
        Some(crate::processes::register(&state.db, shared_cache, state.clock.now()).await?)
    };

    let mut jobs = Jobs::new();
    if let Some(id) = process {
        let state = state.clone();
        jobs.spawn("process heartbeat", move |stop| heartbeat(state, id, stop));
    }
    let mailer = state.mailer.clone();
    jobs.spawn("mail worker", move |stop| mailer.run(stop));
    let booking = state.clone();
    jobs.spawn("booking reminders", move |stop| {
        crate::booking::reminders::run(booking, stop)
    });
    let sweeper = state.clone();
    jobs.spawn("housekeeping", move |stop| {
        crate::housekeeping::run(sweeper, stop)
    });
    let circuit = state.circuit.clone();
    jobs.spawn("database probe", move |stop| circuit.probe(stop));
    if let Some(metrics_listen) = state.config.metrics_listen {
        let listener = bind_metrics(metrics_listen).await?;
        let state = state.clone();
        jobs.spawn("metrics listener", move |stop| {
            serve_metrics(listener, state, stop)
        });
    }

    let signalled = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let bound = listener.local_addr()?;
    tracing::info!(listen.addr = %bound, "listening");

    let state_db = state.db.clone();
    let router = app::build(state);
    let stop = jobs.stopper();
    let mut draining = jobs.shutdown();
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        signalled.await;
        tracing::info!("shutting down: no new connections, finishing requests in flight");
        stop.signal();
    });
    // In-flight requests get `grace` to finish after the signal; then we stop regardless.
    let grace_timer = async move {
        let _ = draining.wait_for(|stop| *stop).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => result?,
        () = grace_timer => tracing::warn!("grace period over; closing remaining connections"),
    }
    // The jobs were signalled with the listener and have been finishing meanwhile.
    jobs.stop(grace).await;
    if let Some(id) = process
        && let Err(error) = crate::processes::leave(&state_db, id).await
    {
        tracing::warn!(error = %error, "cannot remove this process's heartbeat; it expires by itself");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Tells the other processes this one is alive, until shutdown.
async fn heartbeat(state: AppState, id: uuid::Uuid, mut shutdown: Shutdown) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(crate::processes::HEARTBEAT) => {}
            _ = shutdown.wait_for(|stop| *stop) => break,
        }
        if let Err(error) = crate::processes::heartbeat(&state.db, id, state.clock.now()).await {
            tracing::warn!(error = %error, "cannot record this process's heartbeat");
        }
    }
}

/// The address of `/metrics` alone (a port the scraper reaches and the internet does not),
/// bound before the start is announced so that a taken port stops it.
async fn bind_metrics(addr: std::net::SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr} for metrics: {e}"))?;
    tracing::info!(metrics.addr = %listener.local_addr()?, "serving metrics");
    Ok(listener)
}

/// Serves `/metrics` until shutdown.
async fn serve_metrics(listener: tokio::net::TcpListener, state: AppState, mut shutdown: Shutdown) {
    let stopped = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    let server =
        axum::serve(listener, crate::ops::metrics_router(state)).with_graceful_shutdown(stopped);
    if let Err(error) = server.await {
        tracing::warn!(error = %error, "metrics listener stopped");
    }
}

/// Takes over SIGTERM and SIGINT now, and returns what completes at the first of them. The
/// handlers are installed before the address is announced: a signal that arrives before the
/// server is first polled is then a graceful stop, not the default abrupt one.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            let first = |signal: std::io::Result<tokio::signal::unix::Signal>| async move {
                match signal {
                    Ok(mut signal) => {
                        signal.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = first(terminate) => {}
                () = first(interrupt) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
