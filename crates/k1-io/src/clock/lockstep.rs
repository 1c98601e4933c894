//! [`LockstepClock`]: virtual time for running the real engine threads unpaced (`k1 soak`).
//!
//! The wall clock paces the engine at real time; this clock lets the same loops run as fast as
//! the CPU allows while every timestamp stays exactly what it would have been. It is a small
//! discrete-event scheduler: the *driver* threads (the audio and render loops, named in
//! [`LockstepClock::new`]) each sleep until a virtual wake-up time, and time jumps to the
//! earliest wake-up once every driver is asleep. So hop `n` is analysed at exactly its due time
//! and frame `n` is drawn at exactly its deadline, and two drivers due at the same instant run
//! at the same time (the seqlock still sees a writer and a reader racing).
//!
//! Work takes no virtual time (`now` does not move while a loop computes), so a deadline miss
//! on this clock is a bug in the pacing logic, not a slow machine. Other threads (sinks, the
//! supervisor) do not drive time: their sleeps are short real sleeps, and they read the virtual
//! time as it is.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::{Clock, Nanos, duration_nanos};

/// The longest real sleep a thread that does not drive time takes per `sleep` call.
const PASSENGER_SLEEP: Duration = Duration::from_millis(1);
/// How long (wall time) time waits for a named driver that has not shown up yet; after that it
/// goes on without it (a thread that ended before it ever slept, such as an audio thread whose
/// source failed to open).
const LATECOMER_WAIT: Duration = Duration::from_secs(2);

/// Virtual time driven by a set of named threads; see the module doc.
#[derive(Clone)]
pub struct LockstepClock {
    inner: Arc<Inner>,
}

struct Inner {
    now: AtomicU64,
    state: Mutex<State>,
    advanced: Condvar,
    drivers: Vec<String>,
}

struct State {
    /// Driver threads alive and registered.
    registered: usize,
    /// Named drivers that have not registered yet (and are still waited for).
    expected: usize,
    /// Wake-up times of the drivers asleep now (one entry per sleeping driver).
    sleeping: Vec<Nanos>,
}

/// A driver thread's registration; leaving the thread (normally or by a panic) drops it, so
/// the other drivers never wait for a thread that is gone.
struct Registration(Arc<Inner>);

impl Drop for Registration {
    fn drop(&mut self) {
        let mut state = lock(&self.0.state);
        state.registered = state.registered.saturating_sub(1);
        self.0.advance_if_all_asleep(&mut state);
    }
}

thread_local! {
    /// The lockstep clocks this thread drives.
    static DRIVING: RefCell<Vec<Registration>> = const { RefCell::new(Vec::new()) };
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Inner {
    /// If every registered driver is asleep, moves time to the earliest wake-up and wakes them.
    fn advance_if_all_asleep(&self, state: &mut State) {
        if state.sleeping.is_empty() || state.sleeping.len() < state.registered + state.expected {
            return;
        }
        let earliest = state.sleeping.iter().copied().min().unwrap_or(0);
        if earliest > self.now.load(Ordering::Acquire) {
            self.now.store(earliest, Ordering::Release);
        }
        self.advanced.notify_all();
    }
}

impl LockstepClock {
    /// A clock at time 0 whose time is driven by the threads named in `drivers`.
    pub fn new(drivers: &[&str]) -> Self {
        Self {
            inner: Arc::new(Inner {
                now: AtomicU64::new(0),
                state: Mutex::new(State {
                    registered: 0,
                    expected: drivers.len(),
                    sleeping: Vec::new(),
                }),
                advanced: Condvar::new(),
                drivers: drivers.iter().map(|s| s.to_string()).collect(),
            }),
        }
    }

    /// True if the calling thread drives this clock (registering it on first use).
    fn drives(&self) -> bool {
        let current = std::thread::current();
        let Some(name) = current.name() else {
            return false;
        };
        if !self.inner.drivers.iter().any(|d| d == name) {
            return false;
        }
        DRIVING.with(|driving| {
            let mut driving = driving.borrow_mut();
            if !driving.iter().any(|r| Arc::ptr_eq(&r.0, &self.inner)) {
                let mut state = lock(&self.inner.state);
                state.registered += 1;
                state.expected = state.expected.saturating_sub(1);
                drop(state);
                driving.push(Registration(Arc::clone(&self.inner)));
            }
        });
        true
    }
}

impl Clock for LockstepClock {
    fn now(&self) -> Nanos {
        self.inner.now.load(Ordering::Acquire)
    }

    fn sleep(&self, d: Duration) {
        if !self.drives() {
            std::thread::sleep(d.min(PASSENGER_SLEEP));
            return;
        }
        let inner = &*self.inner;
        let mut state = lock(&inner.state);
        let wake = inner
            .now
            .load(Ordering::Acquire)
            .saturating_add(duration_nanos(d).max(1));
        state.sleeping.push(wake);
        inner.advance_if_all_asleep(&mut state);
        let mut waited = Duration::ZERO;
        while inner.now.load(Ordering::Acquire) < wake {
            let step = Duration::from_millis(100);
            let (s, timeout) = inner
                .advanced
                .wait_timeout(state, step)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            state = s;
            if timeout.timed_out() && state.expected > 0 {
                waited += step;
                if waited >= LATECOMER_WAIT {
                    state.expected = 0;
                    inner.advance_if_all_asleep(&mut state);
                }
            }
        }
        if let Some(i) = state.sleeping.iter().position(|&w| w == wake) {
            state.sleeping.swap_remove(i);
        }
    }

    fn exact(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn driver(name: &str, f: impl FnOnce() + Send + 'static) -> std::thread::JoinHandle<()> {
        std::thread::Builder::new()
            .name(name.into())
            .spawn(f)
            .unwrap()
    }

    #[test]
    fn two_drivers_wake_exactly_on_their_times() {
        let clock = LockstepClock::new(&["a", "b"]);
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        for (name, period) in [("a", 5_000u64), ("b", 3_000u64)] {
            let (clock, log) = (clock.clone(), Arc::clone(&log));
            handles.push(driver(name, move || {
                for _ in 0..100 {
                    clock.sleep(Duration::from_nanos(period));
                    log.lock().unwrap().push((period, clock.now()));
                }
            }));
        }
        for h in handles {
            h.join().unwrap();
        }
        let log = log.lock().unwrap();
        // Each driver saw its own multiples of its period, in order, on the shared clock.
        for period in [5_000u64, 3_000] {
            let times: Vec<u64> = log
                .iter()
                .filter(|(p, _)| *p == period)
                .map(|(_, t)| *t)
                .collect();
            let expected: Vec<u64> = (1..=100).map(|n| n * period).collect();
            assert_eq!(times, expected, "period {period}");
        }
        // Time never ran backwards in the order events were logged.
        assert!(log.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn a_driver_that_exits_or_panics_does_not_hold_time_back() {
        let clock = LockstepClock::new(&["a", "b"]);
        let c = clock.clone();
        let quitter = driver("b", move || {
            c.sleep(Duration::from_nanos(10));
            panic!("driver b fails");
        });
        let c = clock.clone();
        let runner = driver("a", move || {
            for _ in 0..1000 {
                c.sleep(Duration::from_nanos(100));
            }
        });
        assert!(quitter.join().is_err());
        runner.join().unwrap();
        assert!(clock.now() >= 100_000);
    }

    #[test]
    fn other_threads_read_time_but_do_not_drive_it() {
        let clock = LockstepClock::new(&["a"]);
        // The test thread is not a driver: its sleep is a short real one and time stays put.
        clock.sleep(Duration::from_secs(3600));
        assert_eq!(clock.now(), 0);
        let c = clock.clone();
        driver("a", move || c.sleep(Duration::from_secs(3600)))
            .join()
            .unwrap();
        assert_eq!(clock.now(), 3_600_000_000_000);
    }
}
