//! Blocking calls let onto the blocking pool a few at a time.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::RepoError;

/// At most a fixed number of blocking calls running at once; the rest wait as tasks,
/// which cost far less than operating-system threads queueing for a connection.
///
/// A call keeps its turn until it returns, not until whoever awaited it goes away: a
/// client that hangs up drops the future, but the thread runs on and still holds a
/// connection, so it must still count.
#[derive(Debug, Clone)]
pub(crate) struct Turns(Arc<Semaphore>);

impl Turns {
    pub(crate) fn new(at_once: usize) -> Turns {
        Turns(Arc::new(Semaphore::new(at_once.max(1))))
    }

    /// Waits for a turn, then runs `call` on the blocking pool.
    pub(crate) async fn run<T, F>(&self, call: F) -> Result<T, RepoError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, RepoError> + Send + 'static,
    {
        // The semaphore is never closed, so acquiring only ever waits.
        let turn = Arc::clone(&self.0).acquire_owned().await.map_err(|e| RepoError::Internal(format!("blocking calls: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let result = call();
            drop(turn);
            result
        })
        .await
        .map_err(|e| RepoError::Internal(format!("blocking call failed: {e}")))?
    }

    #[cfg(test)]
    fn free(&self) -> usize {
        self.0.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_whose_caller_went_away_keeps_its_turn_until_it_returns() {
        let turns = Turns::new(1);
        let (started_tx, started) = mpsc::channel();
        let (finish, finish_rx) = mpsc::channel::<()>();
        let caller = tokio::spawn({
            let turns = turns.clone();
            async move {
                turns
                    .run(move || {
                        started_tx.send(()).unwrap();
                        finish_rx.recv().ok();
                        Ok(())
                    })
                    .await
            }
        });
        tokio::task::spawn_blocking(move || started.recv()).await.unwrap().unwrap();
        caller.abort();
        assert!(caller.await.unwrap_err().is_cancelled());
        assert_eq!(turns.free(), 0, "the call still runs, so its turn is still taken");

        finish.send(()).unwrap();
        // The next call gets the turn once the first one has returned.
        assert_eq!(turns.run(|| Ok(7)).await.unwrap(), 7);
        assert_eq!(turns.free(), 1);
    }

    #[tokio::test]
    async fn a_call_that_fails_gives_its_turn_back() {
        let turns = Turns::new(1);
        let failed = turns.run(|| Err::<(), _>(RepoError::BadQuery("no".into()))).await;
        assert!(matches!(failed, Err(RepoError::BadQuery(_))));
        assert_eq!(turns.run(|| Ok("next")).await.unwrap(), "next");
    }
}
