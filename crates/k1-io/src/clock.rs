//! Time for the live engine: the [`Clock`] that sources, loops and sinks read and sleep on.
//!
//! Every time in the engine is a [`Nanos`] count on one clock, so the audio side can stamp a
//! sample's capture time and the render side can subtract it. The real clock is
//! [`MonotonicClock`]; a virtual clock (for an unpaced soak run, and the tests' [`VirtualClock`])
//! implements the same trait and advances on `sleep` instead of waiting: [`LockstepClock`] runs
//! the engine's real threads unpaced for `k1 soak`.

use std::time::{Duration, Instant};

mod lockstep;

pub use lockstep::LockstepClock;

/// Nanoseconds since the engine clock's epoch.
pub type Nanos = u64;

/// Nanoseconds in one second.
pub const SECOND: Nanos = 1_000_000_000;

/// The engine's notion of time. Both loops take it as an argument, so the pacing logic runs the
/// same on the wall clock and on a virtual one.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Nanos;
    /// Sleeps for about `d` (a virtual clock advances by exactly `d`).
    fn sleep(&self, d: Duration);
    /// True for a virtual clock, whose `sleep` moves time exactly instead of waiting: code that
    /// would otherwise block on something else in real time (a sink parked until the next
    /// frame) sleeps on the clock instead.
    fn exact(&self) -> bool {
        false
    }
}

/// The wall clock: `Instant` (monotonic) since the moment the engine was created.
#[derive(Clone, Copy, Debug)]
pub struct MonotonicClock {
    epoch: Instant,
}

impl MonotonicClock {
    /// A clock whose zero is now.
    pub fn new() -> Self {
        Self {
            epoch: Instant::now(),
        }
    }

    /// `instant` on this clock (0 if it is before the epoch).
    pub fn at(&self, instant: Instant) -> Nanos {
        duration_nanos(instant.saturating_duration_since(self.epoch))
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    fn now(&self) -> Nanos {
        self.at(Instant::now())
    }

    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// A duration in nanoseconds, saturating.
pub fn duration_nanos(d: Duration) -> Nanos {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// `n` samples at `rate` Hz, in ns.
pub fn samples_nanos(n: u64, rate: u32) -> Nanos {
    let ns = u128::from(n) * u128::from(SECOND) / u128::from(rate.max(1));
    u64::try_from(ns).unwrap_or(u64::MAX)
}

/// Sleeps on `clock` until `deadline`, or for at most `cap` (whichever is first), without
/// spinning: for the audio side, where a fraction of a millisecond does not matter. Returns true
/// if the deadline has been reached.
pub fn sleep_towards(clock: &dyn Clock, deadline: Nanos, cap: Duration) -> bool {
    let now = clock.now();
    if now >= deadline {
        return true;
    }
    let wait = Duration::from_nanos(deadline - now).min(cap);
    clock.sleep(wait);
    clock.now() >= deadline
}

/// A clock that only moves when slept on (plus an optional cost per reading), for exact pacing
/// tests (a single thread; [`LockstepClock`] is the multi-thread one).
#[derive(Debug, Default)]
pub struct VirtualClock {
    now: std::sync::atomic::AtomicU64,
    /// Added to the time on every `now()`: the cost of doing anything.
    pub tick: Nanos,
}

impl VirtualClock {
    /// Moves time forward by `d` ns.
    pub fn advance(&self, d: Nanos) {
        self.now.fetch_add(d, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Nanos {
        self.now
            .fetch_add(self.tick, std::sync::atomic::Ordering::Relaxed)
            + self.tick
    }
    fn sleep(&self, d: Duration) {
        self.advance(duration_nanos(d));
    }
}
