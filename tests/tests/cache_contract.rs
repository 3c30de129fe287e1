//! One suite, two implementations: the in-process cache and Redis behave the same.
//! The Redis half runs when `REDIS_URL` is set (as `.ci/run`'s second stage does).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use futures::StreamExt;
use healthbook_server::cache::{Cache, MemoryCache, RedisCache, release_lock, try_lock};
use std::sync::Arc;
use std::time::Duration;

fn backends() -> Vec<(&'static str, Cache)> {
    let mut list: Vec<(&'static str, Cache)> = vec![("memory", Arc::new(MemoryCache::new()))];
    if let Ok(url) = std::env::var("REDIS_URL") {
        let prefix = format!(
            "{}contract{}:",
            std::env::var("HEALTHBOOK_REDIS_PREFIX").unwrap_or_else(|_| "hbtest:".to_owned()),
            uuid::Uuid::new_v4().simple()
        );
        list.push(("redis", Arc::new(RedisCache::new(&url, &prefix).unwrap())));
    } else {
        eprintln!("REDIS_URL not set: only the in-process cache is checked here");
    }
    list
}

#[tokio::test]
async fn values_expire_after_their_ttl() {
    for (name, cache) in backends() {
        cache
            .set("k", b"v", Duration::from_millis(300))
            .await
            .unwrap();
        assert_eq!(
            cache.get("k").await.unwrap().as_deref(),
            Some(&b"v"[..]),
            "{name}"
        );
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert_eq!(cache.get("k").await.unwrap(), None, "{name}");
        assert_eq!(cache.get("never-set").await.unwrap(), None, "{name}");
    }
}

#[tokio::test]
async fn set_if_absent_stores_once_until_expiry() {
    for (name, cache) in backends() {
        assert!(
            cache
                .set_if_absent("idem", b"first", Duration::from_millis(300))
                .await
                .unwrap(),
            "{name}"
        );
        assert!(
            !cache
                .set_if_absent("idem", b"second", Duration::from_millis(300))
                .await
                .unwrap(),
            "{name}"
        );
        assert_eq!(
            cache.get("idem").await.unwrap().as_deref(),
            Some(&b"first"[..]),
            "{name}"
        );
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert!(
            cache
                .set_if_absent("idem", b"third", Duration::from_secs(5))
                .await
                .unwrap(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn delete_reports_whether_something_was_deleted() {
    for (name, cache) in backends() {
        cache
            .set("gone", b"x", Duration::from_secs(5))
            .await
            .unwrap();
        assert!(cache.delete("gone").await.unwrap(), "{name}");
        assert!(!cache.delete("gone").await.unwrap(), "{name}");
    }
}

#[tokio::test]
async fn hits_count_within_a_window_and_reset_after_it() {
    for (name, cache) in backends() {
        let window = Duration::from_millis(400);
        for expected in 1..=3 {
            let count = cache.hit("limit:ip", window).await.unwrap();
            assert_eq!(count.count, expected, "{name}");
            assert!(
                count.resets_in <= window && count.resets_in > Duration::ZERO,
                "{name}: {count:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(550)).await;
        assert_eq!(
            cache.hit("limit:ip", window).await.unwrap().count,
            1,
            "{name}"
        );
    }
}

#[tokio::test]
async fn concurrent_hits_are_all_counted() {
    for (name, cache) in backends() {
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move {
                    cache
                        .hit("limit:burst", Duration::from_secs(5))
                        .await
                        .unwrap()
                        .count
                })
            })
            .collect();
        let mut counts = Vec::new();
        for task in tasks {
            counts.push(task.await.unwrap());
        }
        counts.sort_unstable();
        assert_eq!(counts, (1..=50).collect::<Vec<u64>>(), "{name}");
    }
}

#[tokio::test]
async fn a_lock_is_exclusive_and_only_its_holder_releases_it() {
    for (name, cache) in backends() {
        let held = try_lock(&cache, "slot:1", Duration::from_millis(300))
            .await
            .unwrap()
            .unwrap();
        assert!(
            try_lock(&cache, "slot:1", Duration::from_secs(1))
                .await
                .unwrap()
                .is_none(),
            "{name}"
        );
        tokio::time::sleep(Duration::from_millis(450)).await;
        // Ours expired and someone else took it: releasing ours must not free theirs.
        let theirs = try_lock(&cache, "slot:1", Duration::from_secs(5))
            .await
            .unwrap()
            .unwrap();
        assert!(!release_lock(&cache, held).await.unwrap(), "{name}");
        assert!(
            try_lock(&cache, "slot:1", Duration::from_secs(1))
                .await
                .unwrap()
                .is_none(),
            "{name}"
        );
        assert!(release_lock(&cache, theirs).await.unwrap(), "{name}");
        assert!(
            try_lock(&cache, "slot:1", Duration::from_secs(1))
                .await
                .unwrap()
                .is_some(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn published_messages_reach_every_subscriber_of_the_channel_only() {
    for (name, cache) in backends() {
        let mut first = cache.subscribe("queue:doctors").await.unwrap();
        let mut second = cache.subscribe("queue:doctors").await.unwrap();
        let mut other = cache.subscribe("queue:other").await.unwrap();
        // Redis subscriptions are confirmed asynchronously: give them a moment.
        tokio::time::sleep(Duration::from_millis(200)).await;
        cache.publish("queue:doctors", b"claimed:42").await.unwrap();
        let wait = Duration::from_secs(5);
        assert_eq!(
            tokio::time::timeout(wait, first.next())
                .await
                .unwrap()
                .unwrap(),
            b"claimed:42",
            "{name}"
        );
        assert_eq!(
            tokio::time::timeout(wait, second.next())
                .await
                .unwrap()
                .unwrap(),
            b"claimed:42",
            "{name}"
        );
        assert!(
            tokio::time::timeout(Duration::from_millis(300), other.next())
                .await
                .is_err(),
            "{name}: a message crossed channels"
        );
    }
}

#[tokio::test]
async fn publishing_with_no_subscriber_is_not_an_error() {
    for (name, cache) in backends() {
        cache
            .publish("nobody-listens", b"x")
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        cache.ping().await.unwrap();
    }
}

#[tokio::test]
async fn an_unreachable_redis_is_an_error_not_a_hang() {
    let cache: Cache = Arc::new(RedisCache::new("redis://127.0.0.1:1", "x:").unwrap());
    let started = std::time::Instant::now();
    assert!(cache.get("k").await.is_err());
    assert!(cache.hit("k", Duration::from_secs(1)).await.is_err());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_marker_is_never_overwritten_by_a_conditional_set() {
    for (name, cache) in backends() {
        let ttl = Duration::from_secs(5);
        assert!(
            cache
                .set_unless_equals("s", b"snapshot", ttl, b"revoked")
                .await
                .unwrap(),
            "{name}: an absent key is stored"
        );
        assert!(
            cache
                .set_unless_equals("s", b"newer", ttl, b"revoked")
                .await
                .unwrap(),
            "{name}: a snapshot is replaced"
        );
        cache.set("s", b"revoked", ttl).await.unwrap();
        assert!(
            !cache
                .set_unless_equals("s", b"late snapshot", ttl, b"revoked")
                .await
                .unwrap(),
            "{name}: the marker wins"
        );
        assert_eq!(
            cache.get("s").await.unwrap().as_deref(),
            Some(&b"revoked"[..]),
            "{name}"
        );
    }
}
