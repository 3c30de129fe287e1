//! When to send a request again.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; it doubles after each further failure.
    pub first_backoff: Duration,
    /// A `Retry-After` longer than this is the app's to honour, not a call's to sit through.
    pub longest_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            first_backoff: Duration::from_millis(300),
            longest_wait: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` after the network failed, or `None` to give up.
    pub fn after_network_failure(&self, attempt: u32) -> Option<Duration> {
        (attempt < self.attempts).then(|| self.backoff(attempt))
    }

    /// The wait after a transient refusal (429, 502–504), honouring `Retry-After`.
    pub fn after_refusal(
        &self,
        attempt: u32,
        retry_after_seconds: Option<u64>,
    ) -> Option<Duration> {
        if attempt >= self.attempts {
            return None;
        }
        let wait = retry_after_seconds
            .map(Duration::from_secs)
            .unwrap_or_else(|| self.backoff(attempt));
        (wait <= self.longest_wait).then_some(wait)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.first_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_after_the_last_attempt() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.after_network_failure(1),
            Some(Duration::from_millis(300))
        );
        assert_eq!(
            policy.after_network_failure(2),
            Some(Duration::from_millis(600))
        );
        assert_eq!(policy.after_network_failure(3), None);
    }

    #[test]
    fn a_long_retry_after_is_left_to_the_app() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.after_refusal(1, Some(2)),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.after_refusal(1, Some(60)), None);
    }
}
