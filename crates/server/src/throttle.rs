//! Login throttling: failed logins count per account and per client address; past a
//! few free failures each one makes the next attempt wait twice as long, refused with
//! 429 and `Retry-After` until then.
//!
//! An account's delay is capped low (half a minute), so a stranger who types wrong
//! passwords for a real user can hold them up only briefly, while a guesser gets a
//! handful of tries per minute. An address's delay grows much longer, since it is
//! the guesser's own. Both forget after a quiet quarter of an hour, and a successful
//! login clears them. The tables are bounded whatever arrives.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy)]
struct Rule {
    /// Failures before any delay.
    free: u32,
    /// The longest delay.
    cap: Duration,
}

const ACCOUNT: Rule = Rule { free: 5, cap: Duration::from_secs(30) };
const ADDRESS: Rule = Rule { free: 20, cap: Duration::from_secs(300) };
/// Failures older than this are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Keys kept per table; the least recently failed go first when it is full.
const MAX_KEYS: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    blocked_until: Instant,
}

#[derive(Debug, Default)]
struct Table {
    keys: HashMap<String, Failures>,
}

impl Table {
    fn wait(&self, key: &str, now: Instant) -> Option<Duration> {
        let f = self.keys.get(key)?;
        (f.blocked_until > now && now.duration_since(f.last) < FORGET_AFTER).then(|| f.blocked_until - now)
    }

    /// Counts a failure; returns the delay it starts, if any.
    fn fail(&mut self, key: &str, rule: Rule, now: Instant) -> Option<Duration> {
        if self.keys.len() >= MAX_KEYS && !self.keys.contains_key(key) {
            self.make_room(now);
        }
        let f = self.keys.entry(key.to_owned()).or_insert(Failures { count: 0, last: now, blocked_until: now });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
        let over = f.count.checked_sub(rule.free).filter(|n| *n > 0)?;
        let delay = Duration::from_secs(1u64 << (over - 1).min(16)).min(rule.cap);
        f.blocked_until = now + delay;
        Some(delay)
    }

    fn make_room(&mut self, now: Instant) {
        self.keys.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
        if self.keys.len() >= MAX_KEYS {
            let mut by_age: Vec<(Instant, String)> = self.keys.iter().map(|(k, f)| (f.last, k.clone())).collect();
            by_age.sort();
            for (_, key) in by_age.into_iter().take(MAX_KEYS / 4) {
                self.keys.remove(&key);
            }
        }
    }
}

/// Who is trying to log in.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The user name as typed, compared without case.
    account: String,
    /// The client's address, when the connection tells it.
    address: Option<IpAddr>,
}

impl Attempt {
    pub fn new(account: &str, address: Option<IpAddr>) -> Attempt {
        Attempt { account: account.to_lowercase(), address }
    }

    fn address_key(&self) -> Option<String> {
        self.address.map(|a| match a {
            // One IPv6 user usually has a whole /64.
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            IpAddr::V4(v4) => v4.to_string(),
        })
    }
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    accounts: Mutex<Table>,
    addresses: Mutex<Table>,
}

impl LoginThrottle {
    /// How long this attempt must wait, if it may not be tried now.
    pub fn wait(&self, attempt: &Attempt) -> Option<Duration> {
        let now = Instant::now();
        let account = lock(&self.accounts).wait(&attempt.account, now);
        let address = attempt.address_key().and_then(|k| lock(&self.addresses).wait(&k, now));
        account.into_iter().chain(address).max()
    }

    /// Counts a wrong password, and logs when it starts a delay.
    pub fn failed(&self, attempt: &Attempt) {
        let now = Instant::now();
        if let Some(delay) = lock(&self.accounts).fail(&attempt.account, ACCOUNT, now) {
            tracing::warn!(account = %attempt.account, delay_secs = delay.as_secs(), "failed logins: this account's next login waits");
        }
        if let Some(key) = attempt.address_key() {
            if let Some(delay) = lock(&self.addresses).fail(&key, ADDRESS, now) {
                tracing::warn!(address = %key, delay_secs = delay.as_secs(), "failed logins: this address's next login waits");
            }
        }
    }

    /// A correct password: the account and the address start afresh.
    pub fn succeeded(&self, attempt: &Attempt) {
        lock(&self.accounts).keys.remove(&attempt.account);
        if let Some(key) = attempt.address_key() {
            lock(&self.addresses).keys.remove(&key);
        }
    }
}

fn lock(table: &Mutex<Table>) -> std::sync::MutexGuard<'_, Table> {
    table.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(table: &mut Table, rule: Rule, n: u32, now: Instant) -> Option<Duration> {
        (0..n).map(|_| table.fail("k", rule, now)).last().flatten()
    }

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        let now = Instant::now();
        let mut t = Table::default();
        assert_eq!(fail(&mut t, ACCOUNT, 5, now), None);
        assert_eq!(t.wait("k", now), None);
        assert_eq!(t.fail("k", ACCOUNT, now), Some(Duration::from_secs(1)));
        assert_eq!(t.fail("k", ACCOUNT, now), Some(Duration::from_secs(2)));
        assert_eq!(t.fail("k", ACCOUNT, now), Some(Duration::from_secs(4)));
        assert_eq!(fail(&mut t, ACCOUNT, 50, now), Some(ACCOUNT.cap), "a stranger holds an account up for half a minute at most");
        assert_eq!(t.wait("k", now), Some(ACCOUNT.cap));
        assert_eq!(t.wait("k", now + ACCOUNT.cap), None);
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_while() {
        let now = Instant::now();
        let mut t = Table::default();
        fail(&mut t, ACCOUNT, 5, now);
        assert_eq!(t.fail("k", ACCOUNT, now + FORGET_AFTER), None, "counting starts again");
    }

    #[test]
    fn a_success_clears_the_account_and_the_address() {
        let throttle = LoginThrottle::default();
        let attempt = Attempt::new("KSaner", Some("10.0.0.1".parse().unwrap()));
        for _ in 0..6 {
            throttle.failed(&attempt);
        }
        assert!(throttle.wait(&Attempt::new("ksaner", None)).is_some(), "names compare without case");
        throttle.succeeded(&attempt);
        assert_eq!(throttle.wait(&attempt), None);
    }

    #[test]
    fn the_tables_stay_bounded() {
        let now = Instant::now();
        let mut t = Table::default();
        for n in 0..(MAX_KEYS + 100) {
            t.fail(&format!("user{n}"), ADDRESS, now + Duration::from_millis(n as u64));
        }
        assert!(t.keys.len() <= MAX_KEYS);
        assert!(t.keys.contains_key(&format!("user{}", MAX_KEYS + 99)), "the newest failure is kept");
    }
}
