use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

use tessera_repo::Repo;

use crate::config::Settings;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub repo: Repo,
    /// A real argon2id hash to verify against when the user name is unknown, so a
    /// wrong name takes as long to refuse as a wrong password.
    pub decoy_hash: Arc<String>,
    /// Checks passwords on a few threads of its own, so logins use bounded memory.
    pub passwords: Arc<crate::password::PasswordChecker>,
    pub login_throttle: Arc<crate::throttle::LoginThrottle>,
    pub renders: Arc<RenderGate>,
    /// A Sites deployment's Connected Assets.
    pub connected: Option<Arc<crate::connected::Connected>>,
}

impl AppState {
    /// The remote DAM of a Sites deployment, as configured now.
    pub fn remote_dam_url(&self) -> Option<String> {
        self.connected.as_ref().map(|c| c.remote_dam_url())
    }
}

/// Bounds concurrent image renders: a few run, a few more wait, the rest are told to
/// come back later.
#[derive(Debug)]
pub struct RenderGate {
    slots: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

impl RenderGate {
    pub fn new(slots: usize, queue: usize) -> Self {
        RenderGate { slots: Semaphore::new(slots), waiting: AtomicUsize::new(0), queue }
    }

    /// A render slot, or `None` when the queue is full.
    pub async fn enter(&self) -> Option<SemaphorePermit<'_>> {
        if let Ok(permit) = self.slots.try_acquire() {
            return Some(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let permit = self.slots.acquire().await.ok();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        permit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_render_queue_turns_requests_away() {
        let gate = RenderGate::new(1, 0);
        let first = gate.enter().await;
        assert!(first.is_some());
        assert!(gate.enter().await.is_none(), "no slot and no room to wait");
        drop(first);
        assert!(gate.enter().await.is_some(), "a freed slot is taken again");
    }
}
