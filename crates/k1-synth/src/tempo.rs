//! Tempo maps ([`Tempo`]): constant, an abrupt jump, or a ramp, and the exact time of every beat.
//!
//! Positions are counted in beats from beat 1 (position 0). A ramp changes the tempo linearly in
//! time, so the beat position is the integral of the tempo, `φ(t) = ∫ bpm(t)/60 dt`: quadratic in
//! `t` during the ramp, and inverted exactly (a stable quadratic formula) to place each beat and
//! each hit.

use crate::render::MAX_BPM;

/// How the tempo moves over a piece. Tempos are in beats per minute of the groove's beat (the
/// quarter note, or the dotted quarter in compound meter: see [`Groove`](crate::Groove)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tempo {
    /// One tempo throughout.
    Constant(f32),
    /// `from` until beat `at_beat` (0 = beat 1), `to` from that beat on: an abrupt change.
    Jump {
        /// Tempo before the change.
        from: f32,
        /// Tempo from beat `at_beat` on.
        to: f32,
        /// The first beat at the new tempo.
        at_beat: u32,
    },
    /// `from` until beat `start_beat`, then changing linearly in time to reach `to` exactly
    /// `beats` beats later, then `to`.
    Ramp {
        /// Tempo before the ramp.
        from: f32,
        /// Tempo after the ramp.
        to: f32,
        /// The beat where the ramp starts.
        start_beat: u32,
        /// Length of the ramp in beats.
        beats: u32,
    },
}

impl Tempo {
    /// The tempo at beat 1.
    pub const fn start_bpm(self) -> f32 {
        match self {
            Self::Constant(bpm) => bpm,
            Self::Jump { from, .. } | Self::Ramp { from, .. } => from,
        }
    }

    /// The tempo at the end (after any change).
    pub const fn end_bpm(self) -> f32 {
        match self {
            Self::Constant(bpm) => bpm,
            Self::Jump { to, .. } | Self::Ramp { to, .. } => to,
        }
    }

    /// The checked map, or `None` if a tempo is not in `(0, MAX_BPM]`.
    pub(crate) fn map(self) -> Option<TempoMap> {
        let ok = |bpm: f32| bpm > 0.0 && bpm <= MAX_BPM;
        if !ok(self.start_bpm()) || !ok(self.end_bpm()) {
            return None;
        }
        let (from, to) = (f64::from(self.start_bpm()), f64::from(self.end_bpm()));
        let (start, beats) = match self {
            Self::Constant(_) => (0, 0),
            Self::Jump { at_beat, .. } => (at_beat, 0),
            Self::Ramp {
                start_beat, beats, ..
            } => (start_beat, beats),
        };
        let (b0, b1) = (f64::from(start), f64::from(start) + f64::from(beats));
        // A linear ramp covers its beats at the mean tempo.
        let ramp_s = 120.0 * (b1 - b0) / (from + to);
        Some(TempoMap {
            from,
            to,
            b0,
            b1,
            t0: 60.0 * b0 / from,
            ramp_s,
        })
    }

    /// The tempo at `t_s` seconds after beat 1 (before beat 1, the starting tempo); NaN if the
    /// tempos are out of range.
    pub fn bpm_at(self, t_s: f64) -> f64 {
        self.map().map_or(f64::NAN, |m| m.bpm_at(t_s))
    }

    /// Seconds from beat 1 to beat position `beat` (fractions allowed); NaN if the tempos are out
    /// of range.
    pub fn time_of(self, beat: f64) -> f64 {
        self.map().map_or(f64::NAN, |m| m.time_of(beat))
    }
}

/// A checked [`Tempo`]: the ramp's beat span `[b0, b1]` and its time span `[t0, t0 + ramp_s]`,
/// all relative to beat 1.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TempoMap {
    from: f64,
    to: f64,
    b0: f64,
    b1: f64,
    t0: f64,
    ramp_s: f64,
}

impl TempoMap {
    /// Seconds from beat 1 to beat position `beat` (negative positions extrapolate the start).
    pub(crate) fn time_of(&self, beat: f64) -> f64 {
        if beat <= self.b0 {
            return 60.0 * beat / self.from;
        }
        if beat >= self.b1 {
            return self.t0 + self.ramp_s + 60.0 * (beat - self.b1) / self.to;
        }
        // Inside the ramp: bpm = from + 2k·τ, so beats since b0 are (from·τ + k·τ²)/60 = Δ.
        // τ = 120Δ / (from + √(from² + 240·k·Δ)) is the positive root, stable for k → 0.
        let delta = beat - self.b0;
        let k = (self.to - self.from) / (2.0 * self.ramp_s);
        let root = (self.from * self.from + 240.0 * k * delta).max(0.0).sqrt();
        self.t0 + 120.0 * delta / (self.from + root)
    }

    /// The tempo at `t_s` seconds after beat 1.
    pub(crate) fn bpm_at(&self, t_s: f64) -> f64 {
        if t_s < self.t0 {
            self.from
        } else if t_s < self.t0 + self.ramp_s {
            self.from + (self.to - self.from) * (t_s - self.t0) / self.ramp_s
        } else {
            self.to
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_and_jump_are_piecewise_linear() {
        let steady = Tempo::Constant(120.0);
        assert_eq!(steady.time_of(3.0), 1.5);
        assert_eq!(steady.bpm_at(100.0), 120.0);
        let jump = Tempo::Jump {
            from: 120.0,
            to: 150.0,
            at_beat: 8,
        };
        assert_eq!(jump.time_of(8.0), 4.0);
        assert!((jump.time_of(10.0) - 4.8).abs() < 1e-12);
        assert_eq!(jump.bpm_at(3.99), 120.0);
        assert_eq!(jump.bpm_at(4.0), 150.0);
    }

    #[test]
    fn a_ramp_integrates_the_tempo() {
        let ramp = Tempo::Ramp {
            from: 100.0,
            to: 140.0,
            start_beat: 4,
            beats: 24,
        };
        // Midpoint integration of bpm/60 (exact for a linear tempo inside each step).
        let dt = 1e-5;
        let (mut t, mut phase, mut beat) = (0.0, 0.0, 1.0);
        while beat <= 40.0 {
            let next = phase + ramp.bpm_at(t + 0.5 * dt) / 60.0 * dt;
            if next >= beat {
                let at = t + (beat - phase) / (next - phase) * dt;
                assert!((ramp.time_of(beat) - at).abs() < 1e-6, "beat {beat}");
                beat += 1.0;
            }
            (t, phase) = (t + dt, next);
        }
        // The ramp reaches `to` exactly at its last beat.
        assert!((ramp.bpm_at(ramp.time_of(28.0)) - 140.0).abs() < 1e-9);
        // Half the ramp's beats pass at the tempo √((from² + to²)/2), later than half its time.
        let middle = (0.5f64 * (100.0 * 100.0 + 140.0 * 140.0)).sqrt();
        assert!((ramp.bpm_at(ramp.time_of(16.0)) - middle).abs() < 1e-9);
    }

    #[test]
    fn out_of_range_tempos_are_refused() {
        assert!(Tempo::Constant(0.0).map().is_none());
        assert!(Tempo::Constant(f32::NAN).map().is_none());
        let bad = Tempo::Ramp {
            from: 120.0,
            to: -1.0,
            start_beat: 0,
            beats: 4,
        };
        assert!(bad.map().is_none() && bad.time_of(1.0).is_nan());
    }
}
