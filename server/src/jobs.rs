//! The background jobs of `serve`, registered in one place and stopped together.
//!
//! Every job is a loop that takes the shutdown signal and looks at it between iterations,
//! never inside one: an iteration is a unit of work (a mail batch and its bookkeeping, a
//! transaction of reminders, a sweep) that is finished rather than abandoned halfway. At
//! shutdown every job is signalled at once and awaited, all within one grace period; a job
//! still running after it is named in the log, and the process exits without it.

use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a job is given: it turns true once, when the process is stopping.
pub type Shutdown = watch::Receiver<bool>;

/// Signals shutdown to every job of a [`Jobs`]; held by whatever learns that the process is
/// stopping (the signal handler).
#[derive(Clone)]
pub struct Stop(watch::Sender<bool>);

impl Stop {
    pub fn signal(&self) {
        self.0.send_replace(true);
    }
}

pub struct Jobs {
    stop: watch::Sender<bool>,
    running: Vec<(&'static str, JoinHandle<()>)>,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs::new()
    }
}

impl Jobs {
    pub fn new() -> Jobs {
        Jobs {
            stop: watch::Sender::new(false),
            running: Vec::new(),
        }
    }

    /// Starts a job now; `name` is how the log speaks of it.
    pub fn spawn<F, Fut>(&mut self, name: &'static str, job: F)
    where
        F: FnOnce(Shutdown) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(job(self.stop.subscribe()));
        tracing::info!(job.name = name, "background job started");
        self.running.push((name, handle));
    }

    /// The handle that signals every job, for the code that learns of shutdown.
    pub fn stopper(&self) -> Stop {
        Stop(self.stop.clone())
    }

    /// A receiver of the same signal the jobs get, for code that is not a job but must stop
    /// with them (the listeners).
    pub fn shutdown(&self) -> Shutdown {
        self.stop.subscribe()
    }

    /// Signals every job (if that has not happened yet) and waits for all of them, `grace` at
    /// most. Returns the names of those that did not stop in time, which are left behind.
    pub async fn stop(self, grace: Duration) -> Vec<&'static str> {
        self.stop.send_replace(true);
        let deadline = tokio::time::Instant::now() + grace;
        let mut late = Vec::new();
        // Awaited in turn against one deadline: they stop concurrently all the same.
        for (name, mut handle) in self.running {
            match tokio::time::timeout_at(deadline, &mut handle).await {
                Ok(Ok(())) => tracing::info!(job.name = name, "background job stopped"),
                Ok(Err(error)) => {
                    tracing::warn!(job.name = name, error = %error, "background job ended abnormally")
                }
                Err(_) => {
                    tracing::warn!(
                        job.name = name,
                        grace_ms = grace.as_millis() as u64,
                        "background job did not stop in time; leaving it behind"
                    );
                    handle.abort();
                    late.push(name);
                }
            }
        }
        late
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A job whose iterations take a while and look at the signal only between them.
    async fn counting(mut shutdown: Shutdown, finished: Arc<AtomicU32>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            finished.fetch_add(1, Ordering::SeqCst);
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(600)) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    #[tokio::test]
    async fn every_job_is_signalled_and_awaited_and_finishes_its_iteration() {
        let mut jobs = Jobs::new();
        let finished = Arc::new(AtomicU32::new(0));
        for name in ["one", "two", "three"] {
            let finished = finished.clone();
            jobs.spawn(name, move |shutdown| counting(shutdown, finished));
        }
        // Mid-iteration: each job is inside its 50 ms of work.
        tokio::time::sleep(Duration::from_millis(10)).await;
        let late = jobs.stop(Duration::from_secs(5)).await;
        assert!(late.is_empty(), "{late:?}");
        assert_eq!(finished.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_job_that_ignores_the_signal_is_named_and_left_behind() {
        let mut jobs = Jobs::new();
        jobs.spawn("deaf", |_shutdown| async {
            tokio::time::sleep(Duration::from_secs(600)).await;
        });
        jobs.spawn("polite", |mut shutdown| async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        });
        let started = tokio::time::Instant::now();
        let late = jobs.stop(Duration::from_millis(200)).await;
        assert_eq!(late, ["deaf"]);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn the_stopper_signals_jobs_before_they_are_awaited() {
        let mut jobs = Jobs::new();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        jobs.spawn("waiter", |mut shutdown| async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
            let _ = done_tx.send(());
        });
        jobs.stopper().signal();
        tokio::time::timeout(Duration::from_secs(2), done_rx)
            .await
            .expect("the job saw the signal")
            .expect("the job ran to its end");
        assert!(jobs.stop(Duration::from_secs(1)).await.is_empty());
    }
}
