//! Blobs that requests of this process are committing now, so that freeing a blob
//! another request is about to refer to never deletes it from under that request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::BlobHash;

#[derive(Debug, Default, Clone)]
pub(crate) struct InFlight {
    holders: Arc<Mutex<HashMap<BlobHash, usize>>>,
    /// Held while unused blobs are deleted: a commit waits, so it either sees the
    /// blob deleted (and stores it again) or is seen holding it (and it stays).
    deleting: Arc<tokio::sync::Mutex<()>>,
}

/// The blobs one request holds until it has recorded them in the catalog.
pub(crate) struct Held {
    hashes: Vec<BlobHash>,
    holders: Arc<Mutex<HashMap<BlobHash, usize>>>,
}

impl InFlight {
    pub async fn hold(&self, hashes: Vec<BlobHash>) -> Held {
        let _no_deletions = self.deleting.lock().await;
        let mut holders = self.holders.lock().unwrap_or_else(|p| p.into_inner());
        for h in &hashes {
            *holders.entry(h.clone()).or_default() += 1;
        }
        Held { hashes, holders: Arc::clone(&self.holders) }
    }

    /// Runs `delete` on each blob that no request holds, with new holds waiting.
    pub async fn delete_unheld<F, Fut>(&self, hashes: Vec<BlobHash>, mut delete: F)
    where
        F: FnMut(BlobHash) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let _deleting = self.deleting.lock().await;
        for hash in hashes {
            let held = self.holders.lock().unwrap_or_else(|p| p.into_inner()).contains_key(&hash);
            if !held {
                delete(hash).await;
            }
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut holders = self.holders.lock().unwrap_or_else(|p| p.into_inner());
        for h in &self.hashes {
            if let Some(n) = holders.get_mut(h) {
                *n -= 1;
                if *n == 0 {
                    holders.remove(h);
                }
            }
        }
    }
}
