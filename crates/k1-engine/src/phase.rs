//! [`PhaseLock`]: keeps the render loop's frame deadlines just after the audio loop publishes
//! each hop, so the newest analysis reaches the light as soon as possible.
//!
//! Both loops run on absolute schedules of their own. At the defaults both periods are 5 ms, and
//! the phase between them is whatever the start-up made it: a frame may come just after a hop
//! is published (the light is up to date) or just before it (the light is almost a whole hop
//! behind, for the whole run). The lock measures, on every frame that sees a new hop, how long
//! after that hop's publication the frame's deadline fell, and nudges the frame schedule towards
//! a small guard after publication: later quickly when a frame came too early (it would have
//! missed the hop), earlier slowly when it came late, so the deadlines settle just after the late
//! end of the publication times. Each nudge is at most 1 % of a frame period, so pacing stays
//! steady. It only runs when a frame period is a whole number of hop periods (200 FPS with 5 ms
//! hops, 100 FPS, 125 FPS with 8 ms hops): otherwise frames and hops drift past each other and
//! there is no phase to hold.

use k1_io::clock::Nanos;

/// How long after a hop's publication a frame aims to start, ns: covers the scatter of the
/// audio thread's wake-ups (it sleeps without spinning).
pub const GUARD: Nanos = 300_000;

/// Tracks the phase between hop publications and frame deadlines; see the module doc.
#[derive(Debug)]
pub struct PhaseLock {
    hop: Nanos,
    max_step: i64,
    enabled: bool,
    last_hop: u64,
}

impl PhaseLock {
    /// A lock for frames every `period` ns and hops every `hop` ns.
    pub fn new(period: Nanos, hop: Nanos) -> Self {
        Self {
            hop: hop.max(1),
            max_step: i64::try_from(period / 100).unwrap_or(i64::MAX).max(1),
            enabled: hop > 0 && period >= hop && period.is_multiple_of(hop),
            last_hop: 0,
        }
    }

    /// True if frames and hops can be phase-locked at these periods.
    #[cfg(test)]
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Looks at a frame due at `deadline` that read hop number `hop` published at `published`;
    /// returns how far to move the frame schedule (ns; positive is later), usually 0.
    pub fn observe(&mut self, deadline: Nanos, hop: u64, published: Nanos) -> i64 {
        if !self.enabled || hop == 0 || hop == self.last_hop || published == 0 {
            return 0;
        }
        let fresh = hop == self.last_hop + 1;
        self.last_hop = hop;
        if !fresh {
            // Hops skipped (a stall, or a source delivering in bursts): no phase to read.
            return 0;
        }
        let hop = self.hop as i64;
        // Where the deadline sits relative to the aim (publication + guard), wrapped to within
        // half a hop: positive means the frame came later than the aim.
        let age = deadline as i64 - published as i64;
        let mut error = (age - GUARD as i64).rem_euclid(hop);
        if error > hop / 2 {
            error -= hop;
        }
        let step = if error < 0 {
            // Too early: it nearly read the previous hop. Move later, quickly.
            (-error / 4).max(1)
        } else {
            // Late: the light waits longer than it needs. Move earlier, slowly.
            -(error / 32)
        };
        step.clamp(-self.max_step, self.max_step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Nanos = 1_000_000;

    /// Frames every 5 ms starting at `phase`, hops published every 5 ms at `offset` plus a
    /// scatter; returns where the frames end up relative to the publications.
    fn settle(phase: Nanos, scatter: impl Fn(u64) -> Nanos) -> Vec<i64> {
        let mut lock = PhaseLock::new(5 * MS, 5 * MS);
        let mut start = (100 * MS + phase) as i64;
        let mut ages = Vec::new();
        for n in 0..2000u64 {
            let deadline = (start + (n * 5 * MS) as i64) as Nanos;
            // The newest hop published by the deadline.
            let mut hop = 0;
            let mut published = 0;
            for h in 1..=n + 30 {
                let p = 100 * MS + h * 5 * MS + scatter(h);
                if p <= deadline {
                    hop = h;
                    published = p;
                }
            }
            ages.push(deadline as i64 - published as i64);
            start += lock.observe(deadline, hop, published);
        }
        ages
    }

    #[test]
    fn frames_settle_just_after_each_publication_from_any_phase() {
        for phase in [0, MS / 10, MS, 2 * MS, 4 * MS, 4 * MS + 900_000] {
            let ages = settle(phase, |_| 50_000);
            let tail = &ages[1500..];
            assert!(
                tail.iter()
                    .all(|&a| a >= 0 && a <= (GUARD + MS / 10) as i64),
                "phase {phase}: {:?}",
                &tail[..10]
            );
        }
    }

    #[test]
    fn scatter_keeps_frames_after_nearly_every_publication() {
        // Publications 20..520 µs after the hop is due, pseudo-randomly.
        let ages = settle(3 * MS, |h| 20_000 + (h * 7919 % 500) * 1_000);
        let tail = &ages[1000..];
        let missed = tail.iter().filter(|&&a| a > 4 * MS as i64).count();
        assert!(missed * 100 < tail.len(), "{missed} of {}", tail.len());
        let mean = tail.iter().sum::<i64>() / tail.len() as i64;
        assert!(mean < (GUARD + MS) as i64, "mean age {mean}");
    }

    #[test]
    fn off_only_when_periods_do_not_divide() {
        assert!(PhaseLock::new(5 * MS, 5 * MS).enabled());
        assert!(PhaseLock::new(10 * MS, 5 * MS).enabled());
        assert!(PhaseLock::new(8 * MS, 8 * MS).enabled());
        assert!(!PhaseLock::new(16_666_666, 5 * MS).enabled());
        assert!(!PhaseLock::new(MS, 5 * MS).enabled());
        let mut off = PhaseLock::new(MS, 5 * MS);
        assert_eq!(off.observe(10 * MS, 1, 9 * MS), 0);
    }

    #[test]
    fn each_nudge_is_small() {
        let mut lock = PhaseLock::new(5 * MS, 5 * MS);
        for h in 1..100u64 {
            let step = lock.observe(h * 5 * MS + 2 * MS, h, h * 5 * MS);
            assert!(step.abs() <= 50_000, "{step}");
        }
    }
}
