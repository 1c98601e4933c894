//! The [`Pacer`]: holds the render loop to absolute deadlines on the engine [`Clock`].

use std::time::Duration;

use k1_io::clock::{Clock, Nanos};

/// Holds a loop to absolute deadlines `start + n · period`, so that lateness in one frame never
/// shifts the next (no drift).
///
/// Each wait sleeps until the deadline, without spinning. The OS wakes a real-time thread a few
/// tens of microseconds late (about 0.1 ms at p99 on the 2-core development VM): under 2 % of a
/// 5 ms frame, invisible on a strip, and it does not accumulate. An earlier version slept to a
/// margin before the deadline and spun the rest, which held wake-ups to a few microseconds but
/// spent 3 to 6 % of a core spinning at 200 FPS (`k1 bench cpu`); the light gained nothing a
/// viewer could see. A frame that starts more than a period late skips the deadlines it missed
/// instead of rendering a burst to catch up. [`Pacer::shift`] moves the schedule (the phase lock).
#[derive(Debug)]
pub struct Pacer {
    start: Nanos,
    period: Nanos,
    next: u64,
}

/// One deadline a [`Pacer`] waited for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tick {
    /// The frame's number, counted from 0 at the start (skipped frames are skipped numbers).
    pub index: u64,
    /// When the frame was due.
    pub deadline: Nanos,
    /// When the wait ended (at or after the deadline).
    pub woke: Nanos,
}

impl Pacer {
    /// A pacer whose first deadline is `start` and which then ticks every `period` ns (at least 1).
    pub fn new(start: Nanos, period: Nanos) -> Self {
        Self {
            start,
            period: period.max(1),
            next: 0,
        }
    }

    /// Waits for the next deadline and returns it.
    pub fn wait(&mut self, clock: &dyn Clock) -> Tick {
        let mut now = clock.now();
        let mut deadline = self.deadline(self.next);
        if now > deadline.saturating_add(self.period) {
            // More than a period behind: skip to the next deadline still ahead.
            self.next = now.saturating_sub(self.start) / self.period + 1;
            deadline = self.deadline(self.next);
        }
        // A sleep never ends early, but a clock may; loop until the deadline has passed.
        while now < deadline {
            clock.sleep(Duration::from_nanos(deadline - now));
            now = clock.now();
        }
        let tick = Tick {
            index: self.next,
            deadline,
            woke: now,
        };
        self.next += 1;
        tick
    }

    /// Moves every later deadline by `delta` ns (positive is later): the phase lock's nudge.
    pub fn shift(&mut self, delta: i64) {
        self.start = self.start.saturating_add_signed(delta);
    }

    fn deadline(&self, n: u64) -> Nanos {
        self.start.saturating_add(n.saturating_mul(self.period))
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use k1_io::clock::VirtualClock;
    use k1_io::clock::{MonotonicClock, SECOND, duration_nanos};

    #[test]
    fn deadlines_are_absolute_and_do_not_drift() {
        let clock = VirtualClock::default();
        let mut pacer = Pacer::new(0, 5_000_000);
        for n in 0..1000 {
            let tick = pacer.wait(&clock);
            assert_eq!(tick.deadline, n * 5_000_000);
            assert!(tick.woke >= tick.deadline && tick.woke < tick.deadline + 2_000);
            // Some work that takes a varying part of the period.
            clock.advance((n % 7) * 500_000);
        }
    }

    #[test]
    fn a_late_frame_skips_missed_deadlines() {
        let clock = VirtualClock::default();
        let mut pacer = Pacer::new(0, 5_000_000);
        assert_eq!(pacer.wait(&clock).index, 0);
        clock.advance(23_000_000); // stalled for four and a half periods
        let tick = pacer.wait(&clock);
        assert_eq!(tick.index, 5);
        assert_eq!(tick.deadline, 25_000_000);
        assert_eq!(pacer.wait(&clock).index, 6);
    }

    #[test]
    fn one_period_late_is_not_skipped() {
        let clock = VirtualClock::default();
        let mut pacer = Pacer::new(0, 5_000_000);
        pacer.wait(&clock);
        clock.advance(9_000_000);
        let tick = pacer.wait(&clock);
        assert_eq!(tick.index, 1);
        assert_eq!(tick.woke, 9_000_000);
    }

    #[test]
    fn oversleep_is_late_but_never_accumulates() {
        /// A clock whose sleeps wake 300 µs late.
        struct Sloppy(VirtualClock);
        impl Clock for Sloppy {
            fn now(&self) -> Nanos {
                self.0.now()
            }
            fn sleep(&self, d: Duration) {
                self.0.advance(duration_nanos(d) + 300_000);
            }
        }
        let clock = Sloppy(VirtualClock::default());
        let mut pacer = Pacer::new(0, 5_000_000);
        assert_eq!(pacer.wait(&clock).woke, 0);
        for n in 1..1000 {
            let tick = pacer.wait(&clock);
            assert_eq!(tick.deadline, n * 5_000_000);
            assert_eq!(tick.woke - tick.deadline, 300_000, "{tick:?}");
        }
    }

    #[test]
    fn a_shift_moves_the_following_deadlines() {
        let clock = VirtualClock::default();
        clock.advance(1_000_000);
        let mut pacer = Pacer::new(1_000_000, 5_000_000);
        pacer.wait(&clock);
        pacer.shift(40_000);
        assert_eq!(pacer.wait(&clock).deadline, 6_040_000);
        pacer.shift(-90_000);
        assert_eq!(pacer.wait(&clock).deadline, 10_950_000);
    }

    #[test]
    fn wall_clock_pacing_is_close() {
        let clock = MonotonicClock::new();
        let mut pacer = Pacer::new(clock.now() + 1_000_000, 2_000_000);
        let mut worst = 0;
        for _ in 0..50 {
            let tick = pacer.wait(&clock);
            worst = worst.max(tick.woke - tick.deadline);
        }
        // Generous: two busy cores may delay a wake-up, but never by a whole second.
        assert!(worst < SECOND, "worst lateness {worst} ns");
    }
}
