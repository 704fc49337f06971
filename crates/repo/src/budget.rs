//! The memory that image renders may use at once, counted in pixels.
//!
//! A render holds its decoded source (several bytes a pixel) and the buffers of its
//! resizes. Limiting how many renders run is not enough: two workers each decoding
//! an image at the pixel limit add up. Every render first reserves its source's
//! pixels from one budget shared by rendition workers and edited images, so large
//! images wait for each other instead of piling up in memory.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Pixels are reserved in blocks of this many, so any budget fits a semaphore.
const PIXELS_PER_PERMIT: u64 = 1024;

#[derive(Debug, Clone)]
pub struct PixelBudget {
    permits: Arc<Semaphore>,
    total: u32,
}

/// Pixels reserved for one render; they return to the budget when this is dropped.
#[derive(Debug)]
pub struct Reserved(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

impl PixelBudget {
    pub fn new(pixels: u64) -> PixelBudget {
        let total = pixels.div_ceil(PIXELS_PER_PERMIT).clamp(1, u64::from(u32::MAX >> 4)) as u32;
        PixelBudget { permits: Arc::new(Semaphore::new(total as usize)), total }
    }

    /// Waits until `pixels` fit in the budget beside the renders already running. An
    /// image larger than the whole budget waits until it has the budget to itself.
    pub async fn reserve(&self, pixels: u64) -> Reserved {
        if pixels == 0 {
            return Reserved(None);
        }
        let wanted = pixels.div_ceil(PIXELS_PER_PERMIT).min(u64::from(self.total)) as u32;
        // The semaphore is never closed, so acquiring only ever waits.
        Reserved(Arc::clone(&self.permits).acquire_many_owned(wanted).await.ok())
    }

    /// Pixels not reserved now.
    pub fn available(&self) -> u64 {
        self.permits.available_permits() as u64 * PIXELS_PER_PERMIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn large_renders_wait_for_each_other() {
        let budget = PixelBudget::new(100_000_000);
        let first = budget.reserve(60_000_000).await;
        let second = budget.clone();
        let waiting = tokio::spawn(async move { second.reserve(60_000_000).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "60 + 60 megapixels do not fit in 100");
        // First come, first served: a small render queued behind a large one waits
        // too, so large images are never starved by a stream of small ones.
        let third = budget.clone();
        let small = tokio::spawn(async move { third.reserve(1_000_000).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!small.is_finished());
        drop(first);
        let _second = tokio::time::timeout(Duration::from_secs(5), waiting).await.expect("the second runs once the first is done").unwrap();
        let _small = tokio::time::timeout(Duration::from_secs(5), small).await.expect("and the small one beside it").unwrap();
    }

    #[tokio::test]
    async fn an_image_larger_than_the_budget_runs_alone() {
        let budget = PixelBudget::new(10_000_000);
        let whole = tokio::time::timeout(Duration::from_secs(5), budget.reserve(100_000_000)).await.expect("clamped to the whole budget");
        assert_eq!(budget.available(), 0);
        drop(whole);
        assert_eq!(budget.available(), 10_000_000u64.div_ceil(PIXELS_PER_PERMIT) * PIXELS_PER_PERMIT);
    }
}
