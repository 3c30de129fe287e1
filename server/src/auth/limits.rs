//! Rate limits on every authentication path, per client address and per account.
//!
//! Counters live in the cache (Redis when configured, so every process shares them). When
//! the cache cannot be reached the limits **fail closed**: the request is refused with 503
//! rather than let through unthrottled, because an attacker could otherwise make the limit
//! disappear by overloading Redis.

use super::error::AuthError;
use crate::error::ApiError;
use crate::http::client_addr::limit_subject;
use crate::state::AppState;
use healthbook_domain::ids::EmailAddress;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub max: u64,
    pub window: Duration,
}

/// A facility's systems together: a system that loops on a refusal should not take the
/// intake from every other facility. The insurer's own service takes one visit a file, so a
/// hospital's end-of-day upload is thousands of small files: 20 a second is its pace, not a
/// loop's.
pub const INTAKE_PER_FACILITY: Rule = Rule {
    name: "intake_per_facility",
    max: 1200,
    window: Duration::from_secs(60),
};

pub const REGISTER_PER_IP: Rule = Rule {
    name: "register:ip",
    max: 20,
    window: Duration::from_secs(3600),
};
pub const CODE_SEND_PER_ACCOUNT: Rule = Rule {
    name: "code-send:account",
    max: 5,
    window: Duration::from_secs(15 * 60),
};
pub const CODE_SEND_PER_IP: Rule = Rule {
    name: "code-send:ip",
    max: 30,
    window: Duration::from_secs(15 * 60),
};
pub const CODE_CHECK_PER_ACCOUNT: Rule = Rule {
    name: "code-check:account",
    max: 20,
    window: Duration::from_secs(15 * 60),
};
pub const CODE_CHECK_PER_IP: Rule = Rule {
    name: "code-check:ip",
    max: 60,
    window: Duration::from_secs(15 * 60),
};
pub const SIGN_IN_PER_IP: Rule = Rule {
    name: "sign-in:ip",
    max: 60,
    window: Duration::from_secs(5 * 60),
};
/// Passkey sign-in attempts with one credential, whoever sends them.
pub const SIGN_IN_PER_CREDENTIAL: Rule = Rule {
    name: "sign-in:credential",
    max: 20,
    window: Duration::from_secs(15 * 60),
};
pub const RECOVERY_PER_IP: Rule = Rule {
    name: "recovery:ip",
    max: 10,
    window: Duration::from_secs(3600),
};
/// Wrong email codes on one account before it is locked for a while. Passkey failures never
/// count: a signature anyone can forge the failure of must not lock anyone out.
pub const FAILURES_BEFORE_LOCKOUT: Rule = Rule {
    name: "failures:account",
    max: 10,
    window: Duration::from_secs(15 * 60),
};
pub const LOCKOUT: Duration = Duration::from_secs(30 * 60);

/// Counts a hit of `rule` for `subject` and refuses past the limit. An IPv6 address counts
/// for its whole /64.
pub async fn check(state: &AppState, rule: Rule, subject: &str) -> Result<(), ApiError> {
    let key = format!("limit:{}:{}", rule.name, limit_subject(subject));
    match state.cache.hit(&key, rule.window).await {
        Ok(count) if count.count > rule.max => {
            tracing::info!(limit = rule.name, "rate limit reached");
            Err(AuthError::RateLimited {
                retry_after: count.resets_in.max(Duration::from_secs(1)),
            }
            .into())
        }
        Ok(_) => Ok(()),
        Err(error) => Err(ApiError::unavailable("rate limiter", error)),
    }
}

/// Counts a failed sign-in on an account; `true` when this failure crosses the lockout line.
pub async fn failure(state: &AppState, account: uuid::Uuid) -> Result<bool, ApiError> {
    let key = format!("limit:{}:{account}", FAILURES_BEFORE_LOCKOUT.name);
    let count = state
        .cache
        .hit(&key, FAILURES_BEFORE_LOCKOUT.window)
        .await
        .map_err(|e| ApiError::unavailable("rate limiter", e))?;
    Ok(count.count == FAILURES_BEFORE_LOCKOUT.max)
}

pub async fn clear_failures(state: &AppState, account: uuid::Uuid) {
    let key = format!("limit:{}:{account}", FAILURES_BEFORE_LOCKOUT.name);
    let _ = state.cache.delete(&key).await;
}

pub fn minutes(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs() / 60).unwrap_or(0)
}

/// The per-account key of an address that may have no account: the lower-cased address,
/// hashed so that the cache never holds it in clear.
pub fn email_subject(email: &str) -> String {
    hashed(&EmailAddress::lookup_key(email))
}

/// A limit's subject that should not appear in clear in the cache.
pub fn hashed(subject: &str) -> String {
    super::secrets::hash_token(subject)
}

// The lockout (after 10 failures, with a mail to the owner) must come before the plain
// per-account limit, or a guessing attacker would never trigger it.
const _: () = assert!(CODE_CHECK_PER_ACCOUNT.max > FAILURES_BEFORE_LOCKOUT.max);
