//! Cache and coordination: one interface, two implementations (Redis, in-process).
//!
//! Redis is a cache, a limiter and a message bus, never the only copy of anything that
//! matters: the database is the source of truth. Every caller decides, and writes down, what
//! happens when the cache is unreachable (authentication limits fail closed).

mod memory;
mod redis;

pub use memory::MemoryCache;
pub use redis::RedisCache;

use async_trait::async_trait;
use futures::stream::BoxStream;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache unavailable: {0}")]
    Unavailable(String),
}

/// A counter in a fixed window, as rate limits need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowCount {
    /// Hits in the current window, this one included.
    pub count: u64,
    /// Time until the window (and the count) expires.
    pub resets_in: Duration,
}

/// Messages of one pub/sub channel. Dropping the stream unsubscribes.
pub type Subscription = BoxStream<'static, Vec<u8>>;

#[async_trait]
pub trait CacheBackend: Send + Sync + std::fmt::Debug {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError>;
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError>;
    /// Stores only when the key is absent; `true` when this call stored it. Idempotency
    /// records and short locks are built on this.
    async fn set_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, CacheError>;
    /// Stores unless the key holds `marker`; `true` when this call stored it. A revoked
    /// session's marker must win over a snapshot written by a request that read the session
    /// just before the revocation.
    async fn set_unless_equals(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        marker: &[u8],
    ) -> Result<bool, CacheError>;
    /// Deletes the key only if it still holds `expected`: releasing a lock someone else
    /// took after ours expired must not free theirs.
    async fn delete_if_equals(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError>;
    async fn delete(&self, key: &str) -> Result<bool, CacheError>;
    /// Counts a hit in the window keyed `key`; the window starts with the first hit.
    async fn hit(&self, key: &str, window: Duration) -> Result<WindowCount, CacheError>;
    async fn publish(&self, channel: &str, payload: &[u8]) -> Result<(), CacheError>;
    async fn subscribe(&self, channel: &str) -> Result<Subscription, CacheError>;
    async fn ping(&self) -> Result<(), CacheError>;
    /// `redis` or `memory`, for `/ready` and logs.
    fn kind(&self) -> &'static str;
}

pub type Cache = Arc<dyn CacheBackend>;

/// A short lock taken through the cache; release it with [`release_lock`].
#[derive(Debug)]
pub struct LockGuard {
    pub key: String,
    token: Vec<u8>,
}

/// Tries once to take `key` for `ttl`. The token makes release safe after expiry.
pub async fn try_lock(
    cache: &Cache,
    key: &str,
    ttl: Duration,
) -> Result<Option<LockGuard>, CacheError> {
    let token = uuid::Uuid::new_v4().as_bytes().to_vec();
    let lock_key = format!("lock:{key}");
    if cache.set_if_absent(&lock_key, &token, ttl).await? {
        Ok(Some(LockGuard {
            key: lock_key,
            token,
        }))
    } else {
        Ok(None)
    }
}

pub async fn release_lock(cache: &Cache, guard: LockGuard) -> Result<bool, CacheError> {
    cache.delete_if_equals(&guard.key, &guard.token).await
}
