//! Password hashing and checking with bounded memory.
//!
//! An argon2id check fills tens of megabytes on purpose. Run on the blocking pool,
//! one check per request, a burst of wrong logins from anyone on the network grows
//! the process by that much per concurrent request (hundreds of threads, gigabytes
//! that the allocator then keeps). So checks run on a few threads of their own, each
//! reusing one buffer, behind a queue of fixed length: memory is at most
//! `workers × m_cost` whatever the request rate, and a caller who finds the queue
//! full is told to come back later.

use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;

/// How long a checker keeps its buffer after its last check.
const KEEP_MEMORY_IDLE: Duration = Duration::from_secs(10);

/// The most memory one stored hash may ask a check for (64 MiB); a hash asking for
/// more is treated as malformed rather than allowed to grow the server.
const MAX_M_COST_KIB: u32 = 64 * 1024;

/// Hashes a password as an argon2id PHC string with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| argon2::password_hash::Error::Crypto)?;
    let salt = SaltString::encode_b64(&salt)?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Checks a password against a stored hash; any malformed hash simply does not match.
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_with(&mut Vec::new(), password.as_bytes(), hash)
}

/// Checks `password` against the PHC string `phc`, with `memory` as argon2's working
/// memory, grown when the hash needs more and kept for the next check.
fn verify_with(memory: &mut Vec<Block>, password: &[u8], phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let Ok(version) = hash.version.map_or(Ok(Version::default()), Version::try_from) else {
        return false;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    if params.m_cost() > MAX_M_COST_KIB {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    argon2.hash_password_into_with_memory(password, salt, &mut out, &mut memory[..blocks]).is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
}

/// The queue is full: the caller should try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Too many logins are being checked; try again in a moment.")]
pub struct Busy;

struct Check {
    password: String,
    hash: String,
    answer: tokio::sync::oneshot::Sender<bool>,
}

/// A fixed number of password-checking threads behind a bounded queue.
pub struct PasswordChecker {
    queue: SyncSender<Check>,
}

impl PasswordChecker {
    /// Starts `workers` checking threads (at least one) that let at most `queue`
    /// checks wait.
    pub fn start(workers: usize, queue: usize) -> std::io::Result<PasswordChecker> {
        let (sender, receiver) = sync_channel::<Check>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..workers.max(1) {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new().name(format!("password-check-{n}")).spawn(move || check_until_closed(&receiver))?;
        }
        Ok(PasswordChecker { queue: sender })
    }

    /// Whether `password` matches `hash`, or [`Busy`] when the queue is full.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, Busy> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        match self.queue.try_send(Check { password, hash, answer }) {
            Ok(()) => answered.await.map_err(|_| Busy),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }
}

fn check_until_closed(receiver: &Mutex<Receiver<Check>>) {
    let mut memory: Vec<Block> = Vec::new();
    loop {
        // The lock is held only while waiting for the next check, never during one.
        let next = receiver.lock().unwrap_or_else(|p| p.into_inner()).recv_timeout(KEEP_MEMORY_IDLE);
        match next {
            Ok(check) => {
                let matches = verify_with(&mut memory, check.password.as_bytes(), &check.hash);
                let _ = check.answer.send(matches);
            }
            // Quiet for a while: give the working memory back.
            Err(RecvTimeoutError::Timeout) => memory = Vec::new(),
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_reject() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        let greedy = h.replace("m=19456", "m=1048576");
        assert!(!verify_password("correct horse", &greedy), "a hash asking for 1 GiB is not checked");
    }

    #[test]
    fn a_reused_buffer_checks_hashes_of_other_costs() {
        let light = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8, 1, 1, None).unwrap());
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let small = light.hash_password(b"pw", &salt).unwrap().to_string();
        let large = hash_password("pw").unwrap();
        let mut memory = Vec::new();
        assert!(verify_with(&mut memory, b"pw", &large));
        assert!(verify_with(&mut memory, b"pw", &small), "a larger buffer serves a smaller hash");
        assert!(!verify_with(&mut memory, b"pv", &small));
    }

    #[tokio::test]
    async fn a_full_queue_is_busy_not_unbounded() {
        let checker = PasswordChecker::start(1, 1).unwrap();
        let hash = hash_password("pw").unwrap();
        let attempts: Vec<_> = (0..16).map(|_| checker.verify("wrong".into(), hash.clone())).collect();
        let results = futures_util::future::join_all(attempts).await;
        assert!(results.contains(&Err(Busy)), "16 at once cannot all wait behind one slot");
        assert!(results.contains(&Ok(false)), "the ones that got in were checked");
        assert_eq!(checker.verify("pw".into(), hash).await, Ok(true));
    }
}
