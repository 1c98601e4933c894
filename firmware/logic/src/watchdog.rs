//! When the firmware may feed its hardware watchdogs.
//!
//! The chip's watchdogs reset it unless they are fed in time. Feeding them from one timer loop
//! would only prove that that loop runs. So each loop that must keep running (the audio loop,
//! on the S3's second core, and the render loop) beats a [`Heartbeat`], and the one feeder (the
//! main loop, once a second) asks a [`Supervisor`] whether every live loop has beaten since it
//! last fed. If one has not, the feeder withholds the feed, and once the watchdog's timeout
//! passes the chip resets: a stuck core or a stuck loop reboots the device, which is what lets
//! the OTA boot trial roll a bad image back.
//!
//! A loop that ends on purpose (audio with no working I2S) [`Heartbeat::retire`]s its heartbeat
//! and is no longer waited for, so a missing microphone does not become a boot loop.
//!
//! [`Heartbeat`] uses only atomic loads and stores, one writer each (the ESP32-C3 has no
//! compare-and-swap), so it can be shared between cores and tasks as a `static`.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// A loop's proof of life: a counter that only its own loop advances.
#[derive(Debug)]
pub struct Heartbeat {
    count: AtomicU32,
    retired: AtomicBool,
}

impl Heartbeat {
    /// A heartbeat that has not beaten yet.
    pub const fn new() -> Self {
        Heartbeat {
            count: AtomicU32::new(0),
            retired: AtomicBool::new(false),
        }
    }

    /// One beat. Call it from the owning loop only (load and store: one writer).
    pub fn beat(&self) {
        let n = self.count.load(Ordering::Relaxed);
        self.count.store(n.wrapping_add(1), Ordering::Release);
    }

    /// The loop has ended on purpose; stop waiting for it.
    pub fn retire(&self) {
        self.retired.store(true, Ordering::Release);
    }

    /// What the supervisor reads: the count, or `None` once retired.
    pub fn read(&self) -> Option<u32> {
        if self.retired.load(Ordering::Acquire) {
            None
        } else {
            Some(self.count.load(Ordering::Acquire))
        }
    }
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat::new()
    }
}

/// What the feeder should do after a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Every live loop beat since the last review: feed the watchdogs.
    Feed,
    /// Loop `index` (the first silent one) has not beaten for `reviews` reviews in a row: do
    /// not feed. The watchdog resets the chip unless the loop comes back before its timeout.
    Withhold {
        /// Index of the silent loop in the supervisor's list.
        index: usize,
        /// Reviews in a row it has been silent (1 on the first).
        reviews: u32,
    },
}

/// Decides, once per review period, whether every live loop has beaten since the last review.
#[derive(Clone, Debug)]
pub struct Supervisor<const N: usize> {
    /// Each loop's count at the last review (`None`: none seen yet).
    last: [Option<u32>; N],
    /// Reviews in a row each loop has been silent.
    silent: [u32; N],
}

impl<const N: usize> Supervisor<N> {
    /// A supervisor for `N` loops. A loop that has never beaten counts as silent at the first
    /// review, so a loop that never starts resets the chip too.
    pub const fn new() -> Self {
        Supervisor {
            last: [None; N],
            silent: [0; N],
        }
    }

    /// Reviews the loops' heartbeats as read now (`beats[i]` from loop `i`'s
    /// [`Heartbeat::read`]). A loop counts as alive if its count differs from the one seen at
    /// the previous review (or, at the first review, from zero); a retired loop (`None`) always
    /// counts as alive.
    pub fn review(&mut self, beats: [Option<u32>; N]) -> Decision {
        let mut first_silent = None;
        for (i, beat) in beats.into_iter().enumerate() {
            let alive = match beat {
                None => true,
                Some(n) => n != self.last[i].unwrap_or(0),
            };
            if beat.is_some() {
                self.last[i] = beat;
            }
            if alive {
                self.silent[i] = 0;
            } else {
                self.silent[i] = self.silent[i].saturating_add(1);
                first_silent.get_or_insert(i);
            }
        }
        match first_silent {
            None => Decision::Feed,
            Some(index) => Decision::Withhold {
                index,
                reviews: self.silent[index],
            },
        }
    }
}

impl<const N: usize> Default for Supervisor<N> {
    fn default() -> Self {
        Supervisor::new()
    }
}

/// Whether a watchdog timeout leaves room for the feeder's schedule: the feeder reviews every
/// `review_ms`, may itself run up to `late_ms` late (flash erases stall the CPU), and a loop
/// that misses one review because of such a stall must not reset the chip. So the timeout must
/// cover two review periods plus the lateness.
pub const fn timeout_is_safe(timeout_ms: u32, review_ms: u32, late_ms: u32) -> bool {
    timeout_ms as u64 > 2 * review_ms as u64 + late_ms as u64
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    const AUDIO: usize = 0;
    const RENDER: usize = 1;

    fn beats(a: &Heartbeat, r: &Heartbeat) -> [Option<u32>; 2] {
        [a.read(), r.read()]
    }

    #[test]
    fn feeds_while_every_loop_beats() {
        let (a, r) = (Heartbeat::new(), Heartbeat::new());
        let mut s = Supervisor::<2>::new();
        for _ in 0..100 {
            for _ in 0..200 {
                a.beat();
                r.beat();
            }
            assert_eq!(s.review(beats(&a, &r)), Decision::Feed);
        }
    }

    #[test]
    fn one_beat_per_review_is_enough() {
        let (a, r) = (Heartbeat::new(), Heartbeat::new());
        let mut s = Supervisor::<2>::new();
        for _ in 0..10 {
            a.beat();
            r.beat();
            assert_eq!(s.review(beats(&a, &r)), Decision::Feed);
        }
    }

    #[test]
    fn a_stuck_loop_withholds_the_feed_until_it_beats_again() {
        let (a, r) = (Heartbeat::new(), Heartbeat::new());
        let mut s = Supervisor::<2>::new();
        a.beat();
        r.beat();
        assert_eq!(s.review(beats(&a, &r)), Decision::Feed);
        // The audio core stops; render goes on.
        for n in 1..=3 {
            r.beat();
            assert_eq!(
                s.review(beats(&a, &r)),
                Decision::Withhold {
                    index: AUDIO,
                    reviews: n
                }
            );
        }
        a.beat();
        r.beat();
        assert_eq!(s.review(beats(&a, &r)), Decision::Feed);
        // Now render stops.
        a.beat();
        assert_eq!(
            s.review(beats(&a, &r)),
            Decision::Withhold {
                index: RENDER,
                reviews: 1
            }
        );
    }

    #[test]
    fn both_stuck_names_the_first_and_counts_each() {
        let (a, r) = (Heartbeat::new(), Heartbeat::new());
        let mut s = Supervisor::<2>::new();
        a.beat();
        r.beat();
        assert_eq!(s.review(beats(&a, &r)), Decision::Feed);
        a.beat();
        assert_eq!(
            s.review(beats(&a, &r)),
            Decision::Withhold {
                index: RENDER,
                reviews: 1
            }
        );
        assert_eq!(
            s.review(beats(&a, &r)),
            Decision::Withhold {
                index: AUDIO,
                reviews: 1
            }
        );
        a.beat();
        assert_eq!(
            s.review(beats(&a, &r)),
            Decision::Withhold {
                index: RENDER,
                reviews: 3
            }
        );
    }

    #[test]
    fn a_loop_that_never_starts_is_silent_from_the_first_review() {
        let (a, r) = (Heartbeat::new(), Heartbeat::new());
        let mut s = Supervisor::<2>::new();
        r.beat();
        assert_eq!(
            s.review(beats(&a, &r)),
            Decision::Withhold {
                index: AUDIO,
                reviews: 1
            }
        );
    }

    #[test]
    fn a_retired_loop_is_not_waited_for() {
        let (a, r) = (Heartbeat::new(), Heartbeat::new());
        let mut s = Supervisor::<2>::new();
        a.beat();
        r.beat();
        assert_eq!(s.review(beats(&a, &r)), Decision::Feed);
        // The audio task found no working I2S and ended on purpose.
        a.retire();
        assert_eq!(a.read(), None);
        for _ in 0..10 {
            r.beat();
            assert_eq!(s.review(beats(&a, &r)), Decision::Feed);
        }
        // Retiring does not excuse the others.
        assert_eq!(
            s.review(beats(&a, &r)),
            Decision::Withhold {
                index: RENDER,
                reviews: 1
            }
        );
    }

    #[test]
    fn the_count_wrapping_around_is_still_a_beat() {
        let a = Heartbeat::new();
        a.count.store(u32::MAX - 1, Ordering::Relaxed);
        let mut s = Supervisor::<1>::new();
        assert_eq!(s.review([a.read()]), Decision::Feed);
        a.beat(); // u32::MAX
        assert_eq!(s.review([a.read()]), Decision::Feed);
        a.beat(); // 0
        assert_eq!(a.read(), Some(0));
        assert_eq!(s.review([a.read()]), Decision::Feed);
        assert_eq!(
            s.review([a.read()]),
            Decision::Withhold {
                index: 0,
                reviews: 1
            }
        );
    }

    #[test]
    fn heartbeats_work_across_threads() {
        // The S3's audio loop beats on one core while the feeder reads on the other.
        static A: Heartbeat = Heartbeat::new();
        let mut s = Supervisor::<1>::new();
        let t = std::thread::spawn(|| {
            for _ in 0..10_000 {
                A.beat();
            }
        });
        t.join().unwrap();
        assert_eq!(A.read(), Some(10_000));
        assert_eq!(s.review([A.read()]), Decision::Feed);
    }

    #[test]
    fn timeout_rule() {
        // The firmware's numbers (app/src/config.rs): review every 1 s, MWDT 5 s, RWDT 10 s,
        // and a feeder late by at most a flash erase burst.
        assert!(timeout_is_safe(5_000, 1_000, 1_000));
        assert!(timeout_is_safe(10_000, 1_000, 1_000));
        assert!(!timeout_is_safe(2_000, 1_000, 0));
        assert!(!timeout_is_safe(2_500, 1_000, 500));
    }
}
