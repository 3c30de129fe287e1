//! The in-process implementation: the zero-set-up default for one process.

use super::{CacheBackend, CacheError, Subscription, WindowCount};
use async_trait::async_trait;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Debug)]
struct Entry {
    value: Vec<u8>,
    expires: Instant,
}

#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: Mutex<HashMap<String, Entry>>,
    channels: Mutex<HashMap<String, broadcast::Sender<Vec<u8>>>>,
}

impl MemoryCache {
    pub fn new() -> MemoryCache {
        MemoryCache::default()
    }

    fn with_entries<R>(
        &self,
        f: impl FnOnce(&mut HashMap<String, Entry>, Instant) -> R,
    ) -> Result<R, CacheError> {
        let mut entries = self
            .entries
            .lock()
            .map_err(|_| CacheError::Unavailable("in-process cache poisoned".to_owned()))?;
        let now = Instant::now();
        // Sweep lazily but boundedly, so an idle map of expired keys cannot grow forever.
        if entries.len() > 10_000 {
            entries.retain(|_, e| e.expires > now);
        }
        Ok(f(&mut entries, now))
    }
}

fn live<'a>(entries: &'a HashMap<String, Entry>, key: &str, now: Instant) -> Option<&'a Entry> {
    entries.get(key).filter(|e| e.expires > now)
}

#[async_trait]
impl CacheBackend for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.with_entries(|entries, now| live(entries, key, now).map(|e| e.value.clone()))
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        self.with_entries(|entries, now| {
            entries.insert(
                key.to_owned(),
                Entry {
                    value: value.to_vec(),
                    expires: now + ttl,
                },
            );
        })
    }

    async fn set_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        self.with_entries(|entries, now| {
            if live(entries, key, now).is_some() {
                false
            } else {
                entries.insert(
                    key.to_owned(),
                    Entry {
                        value: value.to_vec(),
                        expires: now + ttl,
                    },
                );
                true
            }
        })
    }

    async fn set_unless_equals(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        marker: &[u8],
    ) -> Result<bool, CacheError> {
        self.with_entries(|entries, now| {
            if live(entries, key, now).is_some_and(|e| e.value == marker) {
                return false;
            }
            entries.insert(
                key.to_owned(),
                Entry {
                    value: value.to_vec(),
                    expires: now + ttl,
                },
            );
            true
        })
    }

    async fn delete_if_equals(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        self.with_entries(|entries, now| {
            if live(entries, key, now).is_some_and(|e| e.value == expected) {
                entries.remove(key);
                true
            } else {
                false
            }
        })
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        self.with_entries(|entries, now| entries.remove(key).is_some_and(|e| e.expires > now))
    }

    async fn hit(&self, key: &str, window: Duration) -> Result<WindowCount, CacheError> {
        self.with_entries(|entries, now| {
            let entry = entries
                .entry(key.to_owned())
                .and_modify(|e| {
                    if e.expires <= now {
                        e.value = 0u64.to_be_bytes().to_vec();
                        e.expires = now + window;
                    }
                })
                .or_insert_with(|| Entry {
                    value: 0u64.to_be_bytes().to_vec(),
                    expires: now + window,
                });
            let count = entry
                .value
                .as_slice()
                .try_into()
                .map(u64::from_be_bytes)
                .unwrap_or(0)
                .saturating_add(1);
            entry.value = count.to_be_bytes().to_vec();
            WindowCount {
                count,
                resets_in: entry.expires.saturating_duration_since(now),
            }
        })
    }

    async fn publish(&self, channel: &str, payload: &[u8]) -> Result<(), CacheError> {
        let channels = self
            .channels
            .lock()
            .map_err(|_| CacheError::Unavailable("in-process bus poisoned".to_owned()))?;
        if let Some(sender) = channels.get(channel) {
            // No subscriber is not an error: pub/sub is fire-and-forget, as in Redis.
            let _ = sender.send(payload.to_vec());
        }
        Ok(())
    }

    async fn subscribe(&self, channel: &str) -> Result<Subscription, CacheError> {
        let mut channels = self
            .channels
            .lock()
            .map_err(|_| CacheError::Unavailable("in-process bus poisoned".to_owned()))?;
        channels.retain(|_, sender| sender.receiver_count() > 0);
        let receiver = channels
            .entry(channel.to_owned())
            .or_insert_with(|| broadcast::channel(1024).0)
            .subscribe();
        Ok(BroadcastStream::new(receiver)
            .filter_map(|message| async move { message.ok() })
            .boxed())
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}
