//! The Redis implementation, shared by every `healthbook serve` process of a deployment.
//!
//! Commands go through one lazily connected `ConnectionManager`, which reconnects on its own:
//! the server starts and serves (degraded) while Redis is down. Pub/sub uses a second
//! manager speaking RESP3, whose push messages are fanned out to in-process subscribers;
//! it re-subscribes by itself after a reconnect.

use super::{CacheBackend, CacheError, Subscription, WindowCount};
use async_trait::async_trait;
use futures::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{
    AsyncCommands, IntoConnectionInfo, ProtocolVersion, PushInfo, PushKind, Script, Value,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::BroadcastStream;

type Channels = Arc<Mutex<HashMap<String, broadcast::Sender<Vec<u8>>>>>;

pub struct RedisCache {
    prefix: String,
    commands: ConnectionManager,
    bus: ConnectionManager,
    channels: Channels,
    hit_script: Script,
    delete_if_equals_script: Script,
    set_unless_equals_script: Script,
}

impl std::fmt::Debug for RedisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCache")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn unavailable(error: redis::RedisError) -> CacheError {
    CacheError::Unavailable(error.to_string())
}

fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_millis(500))
}

impl RedisCache {
    /// Builds the client without connecting: a Redis outage at start must not stop the server.
    pub fn new(url: &str, prefix: &str) -> Result<RedisCache, CacheError> {
        let info = url.into_connection_info().map_err(unavailable)?;
        let commands_client = redis::Client::open(info.clone()).map_err(unavailable)?;
        let commands = ConnectionManager::new_lazy_with_config(commands_client, manager_config())
            .map_err(unavailable)?;

        let resp3 = info.clone().set_redis_settings(
            info.redis_settings()
                .clone()
                .set_protocol(ProtocolVersion::RESP3),
        );
        let bus_client = redis::Client::open(resp3).map_err(unavailable)?;
        let (push_sender, push_receiver) = mpsc::unbounded_channel::<PushInfo>();
        let bus = ConnectionManager::new_lazy_with_config(
            bus_client,
            manager_config()
                .set_push_sender(push_sender)
                .set_automatic_resubscription(),
        )
        .map_err(unavailable)?;

        let channels: Channels = Arc::default();
        tokio::spawn(fan_out(push_receiver, channels.clone(), prefix.to_owned()));

        Ok(RedisCache {
            prefix: prefix.to_owned(),
            commands,
            bus,
            channels,
            hit_script: Script::new(
                "local c = redis.call('INCR', KEYS[1]) \
                 if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end \
                 local t = redis.call('PTTL', KEYS[1]) \
                 if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) t = tonumber(ARGV[1]) end \
                 return {c, t}",
            ),
            delete_if_equals_script: Script::new(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                 return redis.call('DEL', KEYS[1]) else return 0 end",
            ),
            set_unless_equals_script: Script::new(
                "if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end \
                 redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1",
            ),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

/// Delivers each pushed message to the in-process subscribers of its channel.
async fn fan_out(
    mut pushes: mpsc::UnboundedReceiver<PushInfo>,
    channels: Channels,
    prefix: String,
) {
    while let Some(push) = pushes.recv().await {
        if push.kind != PushKind::Message {
            continue;
        }
        let (Some(Value::BulkString(channel)), Some(Value::BulkString(payload))) =
            (push.data.first(), push.data.get(1))
        else {
            continue;
        };
        let Some(name) = std::str::from_utf8(channel)
            .ok()
            .and_then(|c| c.strip_prefix(&prefix))
        else {
            continue;
        };
        if let Ok(channels) = channels.lock()
            && let Some(sender) = channels.get(name)
        {
            let _ = sender.send(payload.clone());
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

#[async_trait]
impl CacheBackend for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let mut conn = self.commands.clone();
        conn.get(self.key(key)).await.map_err(unavailable)
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let mut conn = self.commands.clone();
        conn.pset_ex(self.key(key), value, millis(ttl))
            .await
            .map_err(unavailable)
    }

    async fn set_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let mut conn = self.commands.clone();
        let stored: Option<String> = redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(stored.is_some())
    }

    async fn set_unless_equals(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        marker: &[u8],
    ) -> Result<bool, CacheError> {
        let mut conn = self.commands.clone();
        let stored: i64 = self
            .set_unless_equals_script
            .key(self.key(key))
            .arg(value)
            .arg(millis(ttl))
            .arg(marker)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(stored > 0)
    }

    async fn delete_if_equals(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        let mut conn = self.commands.clone();
        let deleted: i64 = self
            .delete_if_equals_script
            .key(self.key(key))
            .arg(expected)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(deleted > 0)
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let mut conn = self.commands.clone();
        let deleted: i64 = conn.del(self.key(key)).await.map_err(unavailable)?;
        Ok(deleted > 0)
    }

    async fn hit(&self, key: &str, window: Duration) -> Result<WindowCount, CacheError> {
        let mut conn = self.commands.clone();
        let (count, ttl_ms): (u64, i64) = self
            .hit_script
            .key(self.key(key))
            .arg(millis(window))
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(WindowCount {
            count,
            resets_in: Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0)),
        })
    }

    async fn publish(&self, channel: &str, payload: &[u8]) -> Result<(), CacheError> {
        let mut conn = self.commands.clone();
        let _receivers: i64 = conn
            .publish(self.key(channel), payload)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn subscribe(&self, channel: &str) -> Result<Subscription, CacheError> {
        let (receiver, first) = {
            let mut channels = self
                .channels
                .lock()
                .map_err(|_| CacheError::Unavailable("subscription table poisoned".to_owned()))?;
            channels.retain(|_, sender| sender.receiver_count() > 0);
            match channels.get(channel) {
                Some(sender) => (sender.subscribe(), false),
                None => {
                    let (sender, receiver) = broadcast::channel(1024);
                    channels.insert(channel.to_owned(), sender);
                    (receiver, true)
                }
            }
        };
        if first {
            let mut bus = self.bus.clone();
            bus.subscribe(self.key(channel))
                .await
                .map_err(unavailable)?;
        }
        Ok(BroadcastStream::new(receiver)
            .filter_map(|message| async move { message.ok() })
            .boxed())
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let mut conn = self.commands.clone();
        let _: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
