//! The [`Pacer`]: holds the render loop to absolute deadlines on the engine [`Clock`].

use std::time::Duration;

use crate::clock::{Clock, Nanos};

/// The most a pacer spins before a deadline; the brief's "sleep to about 1 ms before".
const MAX_MARGIN: Nanos = 1_000_000;
/// The least it spins: the OS's wake-up is rarely better than this.
const MIN_MARGIN: Nanos = 100_000;

/// Holds a loop to absolute deadlines `start + n · period`, so that lateness in one frame never
/// shifts the next (no drift).
///
/// Each wait sleeps until a margin before the deadline, then spins (yielding) until it. The margin
/// adapts to how late the OS's sleeps actually wake up: twice the worst recent oversleep, within
/// 0.1..=1 ms, so an idle machine spends little time spinning and a busy one still wakes on time.
/// A frame that starts more than a period late skips the deadlines it missed instead of
/// rendering a burst to catch up.
#[derive(Debug)]
pub struct Pacer {
    start: Nanos,
    period: Nanos,
    next: u64,
    margin: Nanos,
    /// Worst recent oversleep, decaying by 1/64 per frame.
    worst_oversleep: Nanos,
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
            margin: MAX_MARGIN,
            worst_oversleep: 0,
        }
    }

    /// The current spin margin in ns.
    #[cfg(test)]
    pub fn margin(&self) -> Nanos {
        self.margin
    }

    /// Waits for the next deadline and returns it.
    pub fn wait(&mut self, clock: &dyn Clock) -> Tick {
        let mut now = clock.now();
        let mut deadline = self.deadline(self.next);
        if now > deadline.saturating_add(self.period) {
            // More than a period behind: skip to the next deadline still ahead.
            self.next = (now - self.start) / self.period + 1;
            deadline = self.deadline(self.next);
        }
        let wake_target = deadline.saturating_sub(self.margin);
        if now < wake_target {
            clock.sleep(Duration::from_nanos(wake_target - now));
            now = clock.now();
            let oversleep = now.saturating_sub(wake_target);
            let decayed = self.worst_oversleep - self.worst_oversleep / 64;
            self.worst_oversleep = oversleep.max(decayed);
            self.margin = (2 * self.worst_oversleep).clamp(MIN_MARGIN, MAX_MARGIN);
        }
        while now < deadline {
            clock.spin();
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

    fn deadline(&self, n: u64) -> Nanos {
        self.start.saturating_add(n.saturating_mul(self.period))
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::clock::tests::VirtualClock;
    use crate::clock::{MonotonicClock, SECOND, duration_nanos};

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
    fn the_margin_adapts_to_oversleep() {
        /// A clock whose sleeps wake 300 µs late.
        struct Sloppy(VirtualClock);
        impl Clock for Sloppy {
            fn now(&self) -> Nanos {
                self.0.now()
            }
            fn sleep(&self, d: Duration) {
                self.0.advance(duration_nanos(d) + 300_000);
            }
            fn spin(&self) {
                self.0.spin();
            }
        }
        let clock = Sloppy(VirtualClock::default());
        let mut pacer = Pacer::new(0, 5_000_000);
        for _ in 0..10 {
            let tick = pacer.wait(&clock);
            // The margin absorbs the oversleep: no frame wakes late.
            assert!(tick.woke - tick.deadline < 2_000, "{tick:?}");
        }
        assert_eq!(pacer.margin(), 600_000);
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
