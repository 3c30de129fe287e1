//! The cost of the session check that runs on every authenticated request.
//!
//! `cargo bench -p healthbook-server --bench session_check` (with `REDIS_URL` set to also
//! measure Redis). Prints p50 and p99 of the check in-process and with Redis, next to a bare
//! Redis GET measured in the same run. Goals: under 50 µs in-process, under 2× a Redis round
//! trip with Redis.

use healthbook_domain::account::Assurance;
use healthbook_server::auth::entities::account;
use healthbook_server::auth::session;
use healthbook_server::cli::Options;
use healthbook_server::config::Config;
use healthbook_server::state::AppState;
use sea_orm::{ActiveValue::Set, EntityTrait, TransactionTrait};
use std::time::{Duration, Instant};

const WARM_UP: usize = 1_000;
const SAMPLES: usize = 20_000;

#[derive(Debug)]
struct Figures {
    p50: Duration,
    p99: Duration,
}

fn figures(mut samples: Vec<Duration>) -> Figures {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize];
    Figures {
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// The state under test, from these options alone. Not through the command-line parser: it
/// reads the environment, so a `REDIS_URL` exported for the Redis row would put Redis under
/// the in-process row too.
async fn state(data_dir: &std::path::Path, redis: Option<&str>) -> anyhow::Result<AppState> {
    let options = Options {
        data_dir: Some(data_dir.to_path_buf()),
        // Nor a developer's `DATABASE_URL`.
        database_url: Some(format!("sqlite://{}/bench.db?mode=rwc", data_dir.display())),
        redis_url: redis.map(str::to_owned),
        redis_prefix: redis.map(|_| format!("hbbench{}:", std::process::id())),
        ..Options::default()
    };
    let config = Config::resolve(options)?;
    anyhow::ensure!(
        config.redis_url.as_deref() == redis,
        "the state must use Redis exactly when asked"
    );
    healthbook_server::run::build_state(config).await
}

async fn token_for(state: &AppState) -> anyhow::Result<String> {
    let now = state.clock.now();
    let model = account::Model {
        id: uuid::Uuid::now_v7(),
        kind: "citizen".into(),
        email: "bench@example.vn".into(),
        email_key: format!("bench{}@example.vn", uuid::Uuid::new_v4().simple()),
        email_verified_at: Some(now),
        display_name: "Bench".into(),
        phone: None,
        lang: "vi".into(),
        status: "active".into(),
        locked_until: None,
        created_at: now,
        updated_at: now,
    };
    account::Entity::insert(account::ActiveModel {
        id: Set(model.id),
        kind: Set(model.kind.clone()),
        email: Set(model.email.clone()),
        email_key: Set(model.email_key.clone()),
        email_verified_at: Set(model.email_verified_at),
        display_name: Set(model.display_name.clone()),
        phone: Set(None),
        lang: Set(model.lang.clone()),
        status: Set(model.status.clone()),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&state.db)
    .await?;
    let txn = state.db.begin().await?;
    let grant = session::open(&txn, &model, Assurance::Passkey, None, None, now).await?;
    txn.commit().await?;
    Ok(grant.token.expose().clone())
}

async fn measure_session(state: &AppState) -> anyhow::Result<Figures> {
    let token = token_for(state).await?;
    for _ in 0..WARM_UP {
        session::resolve(state, &token)
            .await
            .map_err(|e| anyhow::anyhow!(e.code))?;
    }
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let actor = session::resolve(state, &token)
            .await
            .map_err(|e| anyhow::anyhow!(e.code))?;
        samples.push(started.elapsed());
        std::hint::black_box(actor);
    }
    Ok(figures(samples))
}

async fn measure_bare_get(url: &str) -> anyhow::Result<Figures> {
    let client = redis::Client::open(url)?;
    let mut conn = redis::aio::ConnectionManager::new(client).await?;
    let key = format!("hbbench{}:bare", std::process::id());
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg(vec![0u8; 400])
        .query_async(&mut conn)
        .await?;
    for _ in 0..WARM_UP {
        let _: Option<Vec<u8>> = redis::cmd("GET").arg(&key).query_async(&mut conn).await?;
    }
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let value: Option<Vec<u8>> = redis::cmd("GET").arg(&key).query_async(&mut conn).await?;
        samples.push(started.elapsed());
        std::hint::black_box(value);
    }
    let _: () = redis::cmd("DEL").arg(&key).query_async(&mut conn).await?;
    Ok(figures(samples))
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let memory = measure_session(&state(&dir.path().join("memory"), None).await?).await?;
    println!("session check, {SAMPLES} samples after {WARM_UP} warm-up, one task");
    println!("{:<28} {:>10} {:>10}", "", "p50 µs", "p99 µs");
    println!(
        "{:<28} {:>10.1} {:>10.1}   goal: < 50 µs",
        "in-process cache",
        micros(memory.p50),
        micros(memory.p99)
    );
    match std::env::var("REDIS_URL") {
        Ok(url) => {
            let redis_state = state(&dir.path().join("redis"), Some(&url)).await?;
            let with_redis = measure_session(&redis_state).await?;
            let bare = measure_bare_get(&url).await?;
            println!(
                "{:<28} {:>10.1} {:>10.1}",
                "bare Redis GET",
                micros(bare.p50),
                micros(bare.p99)
            );
            println!(
                "{:<28} {:>10.1} {:>10.1}",
                "with Redis",
                micros(with_redis.p50),
                micros(with_redis.p99)
            );
            println!(
                "ratio (session / bare GET): p50 {:.2}×, p99 {:.2}×   goal: < 2×",
                micros(with_redis.p50) / micros(bare.p50),
                micros(with_redis.p99) / micros(bare.p99)
            );
        }
        Err(_) => println!("REDIS_URL not set: Redis not measured"),
    }
    Ok(())
}
