//! Wall-clock time as the sidecar sees it.
//!
//! Everything that depends on the calendar (job schedules, due times and TTLs,
//! cron ticks, CloudEvent `time`/`expiration`, Kafka-like `__timestamp`) reads
//! time through a [`Clock`], so tests can move time forward instead of
//! sleeping. Short *relative* waits (resiliency back-off between delivery
//! attempts, the broker's redelivery back-off, polling the app port) use the
//! tokio timer directly: they are configured to be short in tests anyway, and
//! keeping them on real time means a test clock never has to be advanced just
//! to let a retry happen.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::watch;

/// A boxed, owned future returned by [`Clock::sleep_until`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Source of wall-clock time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// A future that completes once [`Clock::now`] has reached `deadline`.
    fn sleep_until(&self, deadline: DateTime<Utc>) -> Sleep;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl SystemClock {
    /// A shareable system clock.
    pub fn shared() -> Arc<dyn Clock> {
        Arc::new(SystemClock)
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> Sleep {
        Box::pin(async move {
            // Sleep in bounded steps and re-read the wall clock, so a deadline
            // hours away still fires on time if the system clock is adjusted
            // (tokio's timer runs on the monotonic clock).
            loop {
                let left = deadline - Utc::now();
                if left <= TimeDelta::zero() {
                    return;
                }
                let step = left
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(Duration::from_secs(30));
                tokio::time::sleep(step).await;
            }
        })
    }
}

/// A manually driven clock for tests: time only moves when told to.
///
/// Sleepers wake as soon as [`TestClock::advance`] or [`TestClock::set`]
/// moves time past their deadline.
#[derive(Debug)]
pub struct TestClock {
    now: watch::Sender<DateTime<Utc>>,
}

impl TestClock {
    /// A test clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        let (now, _) = watch::channel(start);
        Self { now }
    }

    /// A test clock standing at the current real time, truncated to whole
    /// seconds (so cron arithmetic in tests is easy to reason about).
    pub fn starting_now() -> Self {
        let now = Utc::now();
        let secs = now.timestamp();
        Self::new(DateTime::from_timestamp(secs, 0).unwrap_or(now))
    }

    /// Moves time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        self.now.send_modify(|t| *t += by);
    }

    /// Sets the time (it may also go backwards).
    pub fn set(&self, to: DateTime<Utc>) {
        self.now.send_replace(to);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.borrow()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> Sleep {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            loop {
                if *rx.borrow_and_update() >= deadline {
                    return;
                }
                if rx.changed().await.is_err() {
                    // The clock is gone: time will never move again.
                    std::future::pending::<()>().await;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn test_clock_wakes_sleepers_when_advanced() {
        let clock = Arc::new(TestClock::starting_now());
        let deadline = clock.now() + TimeDelta::seconds(10);
        let sleeper = tokio::spawn(clock.sleep_until(deadline));
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(5));
        tokio::time::timeout(Duration::from_secs(1), sleeper)
            .await
            .expect("sleeper should wake")
            .unwrap();
    }
}
