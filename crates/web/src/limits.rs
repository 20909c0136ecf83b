//! Rate limits: every caller spends from a budget of requests that refills
//! at a steady rate, so no one client can crowd out the rest.
//!
//! Callers without an app token share their address's budget (signed-in
//! residents' browsers included: a session costs nothing to open, a token
//! is issued to a named account); a token has a larger budget of its own,
//! wherever it is sent from, and so has each signed-in staff member, who
//! often works from the same office address as many others. Data APIs and pages spend alike; the stylesheet and
//! other `/static/` files do not. The numbers are settings, published on
//! `/terms/api`, and every answer says where the budget stands in
//! `RateLimit-*` headers.

mod address;

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use governor::clock::Clock as _;
use governor::middleware::{StateInformationMiddleware, StateSnapshot};
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::{NotUntil, Quota, RateLimiter};
use serde_json::json;

pub use address::{BadProxy, Proxies, client_address};

use crate::access::Caller;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::{AppState, Settings};

/// Where the limits are explained, named in every refusal.
pub const TERMS: &str = "/terms/api";

/// How many checks pass between sweeps of budgets that have refilled, so
/// the tables stay as large as the set of recent callers.
const SWEEP_EVERY: u64 = 4096;

type Limiter<K> = RateLimiter<K, DashMapStateStore<K>, LimiterClock, StateInformationMiddleware>;

/// Every caller's budget, and who has been refused how often.
pub struct Limits {
    enabled: bool,
    trusted: Proxies,
    clock: LimiterClock,
    addresses: Limiter<IpAddr>,
    tokens: Limiter<i64>,
    staff: Limiter<i64>,
    offenders: Offenders,
    checks: AtomicU64,
}

/// Whose budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A client without an app token, by address; IPv6 by its /64, the
    /// block one subscriber is usually given.
    Address(IpAddr),
    /// An app token, by its id.
    Token(i64),
    /// A signed-in staff member's session, by their account's id.
    Staff(i64),
}

impl Key {
    fn address(address: IpAddr) -> Key {
        match address.to_canonical() {
            IpAddr::V6(v6) => {
                let network = u128::from(v6) & !(u128::MAX >> 64);
                Key::Address(IpAddr::V6(Ipv6Addr::from(network)))
            }
            v4 => Key::Address(v4),
        }
    }
}

/// Where a caller's budget stands after a request it was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The most requests the budget holds: the burst.
    pub limit: u32,
    /// How many more may be sent at once, right now.
    pub remaining: u32,
    /// Whole seconds until the full burst is available again.
    pub reset: u64,
}

/// A request refused for want of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub budget: Budget,
    /// Whole seconds until one more request will be allowed, at least 1.
    pub retry_after: u64,
}

impl Limits {
    pub fn new(settings: &Settings, clock: Arc<dyn Clock>) -> Limits {
        let clock = LimiterClock::new(clock);
        let s = settings;
        Limits {
            enabled: s.rate_limits_enabled,
            trusted: s.trusted_proxies.clone(),
            addresses: limiter(s.anonymous_requests_per_hour, s.anonymous_burst, &clock),
            tokens: limiter(s.token_requests_per_hour, s.token_burst, &clock),
            staff: limiter(s.staff_requests_per_hour, s.staff_burst, &clock),
            clock,
            offenders: Offenders::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// The limits of a server, on its settings and its clock. Each router
    /// built holds its own: one server, one table of budgets.
    pub fn for_app(app: &AppState) -> Arc<Limits> {
        Arc::new(Limits::new(&app.settings, Arc::clone(&app.clock)))
    }

    /// The budget a request spends: its app token's, a signed-in staff
    /// member's, or its client's.
    pub fn key(&self, caller: &Caller, headers: &HeaderMap) -> Key {
        match (&caller.token, &caller.user) {
            (Some(token), _) => Key::Token(token.id),
            (None, Some(user)) if caller.csrf_token.is_some() && user.role.is_staff() => {
                Key::Staff(user.id)
            }
            _ => Key::address(client_address(caller.address, headers, &self.trusted)),
        }
    }

    /// Spends one request of `key`'s budget.
    pub fn check(&self, key: Key) -> Result<Budget, Refusal> {
        self.sweep_now_and_then();
        let outcome = match key {
            Key::Address(address) => self.addresses.check_key(&address),
            Key::Token(id) => self.tokens.check_key(&id),
            Key::Staff(id) => self.staff.check_key(&id),
        };
        outcome.map(|state| budget(&state)).map_err(|refused| {
            self.offenders.record(key, self.clock.app_now());
            refusal(&refused, self.clock.now())
        })
    }

    /// The callers refused most often, most first: who keeps knocking.
    pub fn offenders(&self, count: usize) -> Vec<(Key, Offence)> {
        self.offenders.top(count)
    }

    fn sweep_now_and_then(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.addresses.retain_recent();
            self.addresses.shrink_to_fit();
            self.tokens.retain_recent();
            self.tokens.shrink_to_fit();
            self.staff.retain_recent();
            self.staff.shrink_to_fit();
        }
    }
}

/// `per_hour` requests an hour as a steady rate, `burst` of them at once.
fn limiter<K: Hash + Eq + Clone>(
    per_hour: NonZeroU32,
    burst: NonZeroU32,
    clock: &LimiterClock,
) -> Limiter<K> {
    let quota = Quota::with_period(Duration::from_secs(3600) / per_hour.get())
        .expect("an hour split u32::MAX ways is still 838 ns")
        .allow_burst(burst);
    RateLimiter::dashmap_with_clock(quota, clock.clone()).with_middleware()
}

fn budget(state: &StateSnapshot) -> Budget {
    let quota = state.quota();
    let limit = quota.burst_size().get();
    let remaining = state.remaining_burst_capacity();
    Budget {
        limit,
        remaining,
        // The snapshot rounds the remainder down, so this can overstate
        // the wait by less than one request's worth, never understate it.
        reset: whole_seconds(quota.replenish_interval() * (limit - remaining)),
    }
}

fn refusal(refused: &NotUntil<Nanos>, now: Nanos) -> Refusal {
    let quota = refused.quota();
    let limit = quota.burst_size().get();
    let wait = refused.wait_time_from(now);
    Refusal {
        budget: Budget {
            limit,
            remaining: 0,
            reset: whole_seconds(wait + quota.replenish_interval() * (limit - 1)),
        },
        retry_after: whole_seconds(wait).max(1),
    }
}

fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// Spends one request of the caller's budget before the route runs, or
/// refuses it with 429. Handlers find the limits in the request's
/// extensions, for the pages that explain or administer them.
pub async fn throttle(
    State(limits): State<Arc<Limits>>,
    mut request: Request,
    next: Next,
) -> Response {
    request.extensions_mut().insert(Arc::clone(&limits));
    if !limits.enabled || request.uri().path().starts_with("/static/") {
        return next.run(request).await;
    }

    let key = match request.extensions().get::<Arc<Caller>>() {
        Some(caller) => limits.key(caller, request.headers()),
        None => limits.key(&Caller::anonymous(peer(&request)), request.headers()),
    };
    match limits.check(key) {
        Ok(budget) => {
            let mut response = next.run(request).await;
            budget.write(response.headers_mut());
            response
        }
        Err(refusal) => refusal.response(key),
    }
}

/// The socket's peer, for a router mounted without the caller layer.
fn peer(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip())
}

impl Budget {
    fn write(&self, headers: &mut HeaderMap) {
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("ratelimit-reset", HeaderValue::from(self.reset));
    }
}

impl Refusal {
    fn response(&self, key: Key) -> Response {
        let wait = match self.retry_after {
            1 => "1 second".to_string(),
            n => format!("{n} seconds"),
        };
        let message = match key {
            Key::Address(_) => format!(
                "too many requests from this address; retry in {wait}. \
                 An app token gets a larger budget of its own: see {TERMS}"
            ),
            Key::Token(_) => format!(
                "too many requests with this app token; retry in {wait}. The limits are at {TERMS}"
            ),
            Key::Staff(_) => format!(
                "too many requests from this account; retry in {wait}. The limits are at {TERMS}"
            ),
        };
        let error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "req.rate-limited", message)
            .with_data(json!({
                "retry_after": self.retry_after,
                "limit": self.budget.limit,
                "terms": TERMS,
            }));
        let mut response = error.into_response();
        let headers = response.headers_mut();
        headers.insert(header::RETRY_AFTER, HeaderValue::from(self.retry_after));
        self.budget.write(headers);
        response
    }
}

/// How often one caller has been refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offence {
    pub refused: u64,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// Refusals counted by caller, in memory. Bounded: past [`Self::TRACKED`]
/// callers, the one refused longest ago makes room.
#[derive(Default)]
struct Offenders(Mutex<HashMap<Key, Offence>>);

impl Offenders {
    const TRACKED: usize = 10_000;

    fn record(&self, key: Key, at: DateTime<Utc>) {
        let mut offences = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if offences.len() >= Self::TRACKED && !offences.contains_key(&key) {
            let stalest = offences.iter().min_by_key(|(_, o)| o.last).map(|(k, _)| *k);
            if let Some(stalest) = stalest {
                offences.remove(&stalest);
            }
        }
        let offence = offences.entry(key).or_insert(Offence {
            refused: 0,
            first: at,
            last: at,
        });
        offence.refused += 1;
        offence.last = at;
    }

    fn top(&self, count: usize) -> Vec<(Key, Offence)> {
        let offences = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut top: Vec<(Key, Offence)> = offences.iter().map(|(k, o)| (*k, *o)).collect();
        top.sort_by(|a, b| b.1.refused.cmp(&a.1.refused).then(b.1.last.cmp(&a.1.last)));
        top.truncate(count);
        top
    }
}

/// The server's clock as the limiters read it: time since they were made,
/// never running backwards. Sharing the server's clock lets tests move
/// time on; holding the high-water mark means a wall clock set back
/// pauses refills instead of charging callers for the lost time.
#[derive(Clone)]
struct LimiterClock(Arc<ClockState>);

struct ClockState {
    clock: Arc<dyn Clock>,
    origin: DateTime<Utc>,
    latest: AtomicU64,
}

impl LimiterClock {
    fn new(clock: Arc<dyn Clock>) -> LimiterClock {
        let origin = clock.now();
        LimiterClock(Arc::new(ClockState {
            clock,
            origin,
            latest: AtomicU64::new(0),
        }))
    }

    fn app_now(&self) -> DateTime<Utc> {
        self.0.clock.now()
    }
}

impl governor::clock::Clock for LimiterClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let elapsed = (self.app_now() - self.0.origin)
            .num_nanoseconds()
            .map_or(u64::MAX, |n| u64::try_from(n).unwrap_or(0));
        let latest = self.0.latest.fetch_max(elapsed, Ordering::Relaxed);
        Nanos::from(latest.max(elapsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn limits(burst: u32, per_hour: u32) -> (Limits, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let settings = Settings {
            anonymous_burst: NonZeroU32::new(burst).unwrap(),
            anonymous_requests_per_hour: NonZeroU32::new(per_hour).unwrap(),
            ..Settings::default()
        };
        (Limits::new(&settings, clock.clone()), clock)
    }

    fn address(text: &str) -> Key {
        Key::address(text.parse().unwrap())
    }

    #[test]
    fn a_budget_is_spent_then_refused_then_refilled() {
        // 60 an hour: one more each minute.
        let (limits, clock) = limits(2, 60);
        let key = address("192.0.2.1");
        let first = limits.check(key).unwrap();
        assert_eq!((first.limit, first.remaining, first.reset), (2, 1, 60));
        let second = limits.check(key).unwrap();
        assert_eq!((second.remaining, second.reset), (0, 120));
        let refused = limits.check(key).unwrap_err();
        assert_eq!(refused.retry_after, 60);
        assert_eq!(
            refused.budget,
            Budget {
                limit: 2,
                remaining: 0,
                reset: 120
            }
        );

        clock.advance(chrono::Duration::seconds(30));
        let refused = limits.check(key).unwrap_err();
        assert_eq!((refused.retry_after, refused.budget.reset), (30, 90));
        clock.advance(chrono::Duration::seconds(30));
        assert_eq!(limits.check(key).unwrap().remaining, 0);
    }

    #[test]
    fn retry_after_is_at_least_a_second() {
        // 7,200 an hour: one more each half second.
        let (limits, _) = limits(1, 7_200);
        let key = address("192.0.2.1");
        limits.check(key).unwrap();
        assert_eq!(limits.check(key).unwrap_err().retry_after, 1);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(3)), 3);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64() {
        assert_eq!(
            address("2001:db8:1:2:aaaa::1"),
            address("2001:db8:1:2:bbbb::9")
        );
        assert_ne!(address("2001:db8:1:2::1"), address("2001:db8:1:3::1"));
        assert_eq!(address("::ffff:192.0.2.1"), address("192.0.2.1"));
    }

    #[test]
    fn a_clock_set_back_pauses_refills() {
        let (limits, clock) = limits(1, 60);
        let key = address("192.0.2.1");
        limits.check(key).unwrap();
        clock.advance(chrono::Duration::seconds(50));
        limits.check(key).unwrap_err();
        clock.advance(chrono::Duration::seconds(-3600));
        assert_eq!(limits.check(key).unwrap_err().retry_after, 10);
    }

    #[test]
    fn offenders_are_ranked_by_refusals() {
        let (limits, _) = limits(1, 60);
        let (a, b, c) = (address("192.0.2.1"), address("192.0.2.2"), Key::Token(7));
        for key in [a, b, b, b, a, c] {
            let _ = limits.check(key);
        }
        let top = limits.offenders(10);
        let ranked: Vec<(Key, u64)> = top.iter().map(|(k, o)| (*k, o.refused)).collect();
        assert_eq!(ranked, [(b, 2), (a, 1)]);
        assert_eq!(limits.offenders(1).len(), 1);
    }

    #[test]
    fn offenders_are_bounded_by_dropping_the_stalest() {
        let offenders = Offenders::default();
        let start = Utc::now();
        for i in 0..=Offenders::TRACKED {
            let at = start + chrono::Duration::seconds(i as i64);
            offenders.record(Key::Token(i as i64), at);
        }
        let all = offenders.top(usize::MAX);
        assert_eq!(all.len(), Offenders::TRACKED);
        assert!(all.iter().all(|(k, _)| *k != Key::Token(0)));
    }
}
