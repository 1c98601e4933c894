//! A fixed-size, lock-free histogram of nanosecond durations, for the hot loops.
//!
//! Recording is one relaxed `fetch_add` (and a `fetch_max`): no allocation, no lock, no syscall,
//! so the audio and render loops can time themselves. Reading copies the counts into a plain
//! [`Counts`], which the supervisor subtracts to get the last second's window.
//!
//! Buckets are log-linear: exact below 32 ns, then 32 buckets per power of two, so a quantile is
//! within 1/32 (about 3 %) of the true value. Values up to about 137 s are kept; larger ones land
//! in the last bucket.

use std::sync::atomic::{AtomicU64, Ordering};

/// Sub-buckets per power of two (as a shift).
const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;
/// The largest power of two kept: 2^37 ns ≈ 137 s.
const MAX_EXP: u32 = 37;
/// Number of buckets.
const BUCKETS: usize = ((MAX_EXP - SUB_BITS + 1) as usize + 1) * SUB as usize;

/// The bucket of `v`.
fn index(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let exp = (63 - v.leading_zeros()).min(MAX_EXP);
    let v = v.min((1 << (MAX_EXP + 1)) - 1);
    let sub = (v >> (exp - SUB_BITS)) & (SUB - 1);
    ((exp - SUB_BITS + 1) as usize) * SUB as usize + sub as usize
}

/// The middle of bucket `i`.
fn midpoint(i: usize) -> u64 {
    let i = i as u64;
    if i < SUB {
        return i;
    }
    let exp = (i / SUB) as u32 + SUB_BITS - 1;
    let sub = i % SUB;
    let width = 1u64 << (exp - SUB_BITS);
    ((SUB + sub) << (exp - SUB_BITS)) + width / 2
}

/// A histogram that any thread may record into at any time.
pub struct AtomicHistogram {
    counts: Box<[AtomicU64]>,
    max: AtomicU64,
}

impl AtomicHistogram {
    /// An empty histogram (allocates its buckets once, here).
    pub fn new() -> Self {
        Self {
            counts: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max: AtomicU64::new(0),
        }
    }

    /// Counts one value, in ns.
    pub fn record(&self, v: u64) {
        if let Some(c) = self.counts.get(index(v)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        self.max.fetch_max(v, Ordering::Relaxed);
    }

    /// A copy of the counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            counts: self
                .counts
                .iter()
                .map(|c| c.load(Ordering::Relaxed))
                .collect(),
            max: self.max.load(Ordering::Relaxed),
        }
    }
}

impl Default for AtomicHistogram {
    fn default() -> Self {
        Self::new()
    }
}

/// A plain copy of a histogram's counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    counts: Vec<u64>,
    /// The largest value recorded since the start (not per window).
    max: u64,
}

impl Counts {
    /// The values recorded in `self` but not in `earlier` (a later copy minus an earlier one).
    pub fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            counts: self
                .counts
                .iter()
                .enumerate()
                .map(|(i, &c)| c.saturating_sub(earlier.counts.get(i).copied().unwrap_or(0)))
                .collect(),
            max: self.max,
        }
    }

    /// How many values.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The largest value ever recorded, in ns.
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The `q` quantile (0..=1) in ns, to within 1/32; `None` if empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        // The smallest value with at least ceil(q · total) values at or below it.
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(midpoint(i).min(self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_ordered_and_tight() {
        let mut last = 0;
        for v in (0..2_000_000u64)
            .step_by(7)
            .chain([1 << 30, 1 << 36, u64::MAX])
        {
            let i = index(v);
            assert!(i < BUCKETS, "{v}");
            assert!(i >= last, "{v}");
            last = i;
            if v < 1 << 37 {
                let m = midpoint(i);
                let err = m.abs_diff(v) as f64 / v.max(1) as f64;
                assert!(err <= 1.0 / 32.0, "{v}: midpoint {m}");
            }
        }
    }

    #[test]
    fn quantiles_of_a_uniform_sample() {
        let h = AtomicHistogram::new();
        for v in 1..=10_000u64 {
            h.record(v * 1_000);
        }
        let c = h.counts();
        assert_eq!(c.total(), 10_000);
        for (q, truth) in [(0.5, 5_000_000.0), (0.99, 9_900_000.0)] {
            let got = c.quantile(q).unwrap() as f64;
            assert!((got - truth).abs() / truth < 0.035, "q{q}: {got}");
        }
        assert_eq!(c.max(), 10_000_000);
        assert_eq!(Counts::default().quantile(0.5), None);
    }

    #[test]
    fn windows_subtract() {
        let h = AtomicHistogram::new();
        for _ in 0..100 {
            h.record(1_000);
        }
        let first = h.counts();
        for _ in 0..10 {
            h.record(5_000_000);
        }
        let window = h.counts().since(&first);
        assert_eq!(window.total(), 10);
        let p50 = window.quantile(0.5).unwrap();
        assert!((4_900_000..5_100_000).contains(&p50), "{p50}");
    }
}
