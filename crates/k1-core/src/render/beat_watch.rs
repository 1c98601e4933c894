//! [`BeatWatch`]: beats seen at frame rate, none lost or doubled.
//!
//! The analyser runs at its hop rate (200 a second by default) and the renderer at its own frame
//! rate, and sees only the newest snapshot. A beat flag can fall on a hop the renderer never
//! sees, so a beat is also recognised when the beat phase wraps (falls by more than half a cycle)
//! between two frames; a refractory time of 40 % of a beat keeps the flag and the wrap of one
//! beat from counting twice.

use crate::Snapshot;

/// Beat detection at frame rate.
#[derive(Clone, Copy, Debug, Default)]
pub struct BeatWatch {
    last_phase: f32,
    since: f32,
}

impl BeatWatch {
    /// A watcher that has seen nothing.
    pub const fn new() -> Self {
        BeatWatch {
            last_phase: 0.0,
            since: f32::MAX,
        }
    }

    /// Whether a beat fell since the previous call, `dt` seconds ago.
    pub fn update(&mut self, s: &Snapshot, dt: f32) -> bool {
        self.since = (self.since + dt).min(f32::MAX);
        let phase = if s.beat_phase.is_finite() {
            s.beat_phase
        } else {
            0.0
        };
        let wrapped = phase < self.last_phase - 0.5;
        self.last_phase = phase;
        let period = if s.bpm > 0.0 && s.bpm.is_finite() {
            60.0 / s.bpm
        } else {
            0.5
        };
        if (s.beat || wrapped) && !s.silent && self.since >= 0.4 * period {
            self.since = 0.0;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_or_wrap_counts_once() {
        let mut w = BeatWatch::new();
        let mut s = Snapshot {
            silent: false,
            bpm: 120.0,
            ..Snapshot::EMPTY
        };
        let mut beats = 0;
        // 4 seconds at 100 frames a second, phase advancing at 2 beats a second; the flag is set
        // on the frame of the wrap and on the frame after (as if seen twice).
        for f in 0..400 {
            let t = f as f32 / 100.0;
            let phase = (t * 2.0) % 1.0;
            s.beat_phase = phase;
            s.beat = phase < 0.04;
            if w.update(&s, 0.01) {
                beats += 1;
            }
        }
        assert_eq!(beats, 8);
        // Silence: none.
        s.silent = true;
        s.beat = true;
        assert!(!w.update(&s, 1.0));
    }
}
