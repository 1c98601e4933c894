//! Building blocks shared by every voice: placing a sound at an exact (sub-sample) time,
//! envelope shapes, oscillator phase, one-pole filters and band-limited noise.
//!
//! Voices are written as functions of `τ`, the time in seconds since the event started. That keeps
//! every sound the same at every sample rate, and puts its start exactly where the truth says,
//! even between two samples.

use core::f64::consts::TAU;

use crate::rng::Rng;

/// Every event fades to zero over its last few milliseconds, so ending a tail never clicks.
const END_FADE_S: f64 = 0.005;

/// Adds the sound `sound(τ)` (τ in seconds since `start_s`) to `out` for `len_s` seconds.
///
/// The first sample written is the first at or after `start_s`, so the sound starts at its exact
/// time, even between samples. With `wrap`, the part past the end of `out` is added at its start
/// instead (for loops); without, it is dropped. The last [`END_FADE_S`] fade out.
/// `sound` is called once per sample, in order, so it may keep filter state.
pub(crate) fn add_event(
    out: &mut [f32],
    sample_rate: u32,
    start_s: f64,
    len_s: f64,
    wrap: bool,
    mut sound: impl FnMut(f64) -> f64,
) {
    let len = out.len();
    if len == 0 || sample_rate == 0 || !start_s.is_finite() || !len_s.is_finite() || len_s <= 0.0 {
        return;
    }
    let rate = f64::from(sample_rate);
    // `as` saturates, so times far outside the clip just give empty ranges.
    let first = (start_s * rate).ceil().max(0.0) as usize;
    let end = ((start_s + len_s) * rate).ceil().max(0.0) as usize;
    let end = if wrap {
        end.min(first.saturating_add(len))
    } else {
        end.min(len)
    };
    for n in first..end {
        let tau = (n as f64 / rate - start_s).max(0.0);
        let fade = ((len_s - tau) / END_FADE_S).clamp(0.0, 1.0);
        let value = (sound(tau) * fade) as f32;
        let index = if wrap { n % len } else { n };
        if let Some(sample) = out.get_mut(index) {
            *sample += value;
        }
    }
}

/// `sin(2π · cycles)`, taking the fraction first so long notes keep their precision.
pub(crate) fn sin_cycles(cycles: f64) -> f64 {
    (TAU * cycles.fract()).sin()
}

/// `(sin, cos)` of `2π · cycles`, taking the fraction first.
pub(crate) fn sin_cos_cycles(cycles: f64) -> (f64, f64) {
    (TAU * cycles.fract()).sin_cos()
}

/// A sine/cosine oscillator at a fixed frequency that steps by rotation: far cheaper than calling
/// `sin` every sample, and within 1e-9 of `sin_cos_cycles(freq · τ)` over minutes.
///
/// The first call fixes the phase from `τ`; each later call must be for the next sample.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Phasor {
    freq_hz: f64,
    /// `(cos, sin)` of one sample's phase step.
    step: (f64, f64),
    /// `(cos, sin)` of the current phase, once started.
    now: Option<(f64, f64)>,
}

impl Phasor {
    /// An oscillator at `freq_hz`, sampled at `sample_rate`.
    pub(crate) fn new(freq_hz: f64, sample_rate: u32) -> Self {
        let (sin, cos) = sin_cos_cycles(freq_hz / f64::from(sample_rate.max(1)));
        Self {
            freq_hz,
            step: (cos, sin),
            now: None,
        }
    }

    /// `(sin, cos)` of `2π · freq · τ`, where `τ` is one sample later than at the previous call.
    pub(crate) fn next(&mut self, tau: f64) -> (f64, f64) {
        let (cos, sin) = match self.now {
            None => {
                let (sin, cos) = sin_cos_cycles(self.freq_hz * tau);
                (cos, sin)
            }
            Some((c, s)) => {
                let (dc, ds) = self.step;
                let (c, s) = (c * dc - s * ds, s * dc + c * ds);
                // Pull the length back to 1 (first-order), so rounding never grows or shrinks it.
                let fix = 1.5 - 0.5 * (c * c + s * s);
                (c * fix, s * fix)
            }
        };
        self.now = Some((cos, sin));
        (sin, cos)
    }
}

/// A linear rise from 0 at `τ = 0` to 1 at `τ = attack_s`.
pub(crate) fn ramp(tau: f64, attack_s: f64) -> f64 {
    (tau / attack_s).clamp(0.0, 1.0)
}

/// A smooth (cubic "smoothstep") rise from 0 at `τ = 0` to 1 at `τ = attack_s`.
pub(crate) fn swell(tau: f64, attack_s: f64) -> f64 {
    let x = ramp(tau, attack_s);
    x * x * (3.0 - 2.0 * x)
}

/// Exponential decay `e^(−τ/time_constant)`.
pub(crate) fn decay(tau: f64, time_constant_s: f64) -> f64 {
    (-tau / time_constant_s).exp()
}

/// 1 while the note is held (`τ ≤ hold_s`), then a linear fall to 0 over `release_s`.
pub(crate) fn release(tau: f64, hold_s: f64, release_s: f64) -> f64 {
    (1.0 - (tau - hold_s) / release_s).clamp(0.0, 1.0)
}

/// MIDI note number to frequency (A4 = note 69 = 440 Hz).
pub(crate) fn midi_hz(note: f64) -> f64 {
    440.0 * ((note - 69.0) / 12.0).exp2()
}

/// One-pole low-pass (6 dB/octave).
#[derive(Clone, Debug)]
pub(crate) struct LowPass {
    coeff: f64,
    state: f64,
}

impl LowPass {
    /// Cut-off `cutoff_hz`, kept below 0.45 × the sample rate.
    pub(crate) fn new(cutoff_hz: f64, sample_rate: u32) -> Self {
        let rate = f64::from(sample_rate.max(1));
        let cutoff = cutoff_hz.min(0.45 * rate).max(0.0);
        // Impulse-invariant pole: the state keeps e^(−2π·fc/fs) of itself each sample.
        Self {
            coeff: 1.0 - (-TAU * cutoff / rate).exp(),
            state: 0.0,
        }
    }

    /// Filters one sample.
    pub(crate) fn tick(&mut self, x: f64) -> f64 {
        self.state += self.coeff * (x - self.state);
        self.state
    }
}

/// One-pole high-pass: the input minus its [`LowPass`].
#[derive(Clone, Debug)]
pub(crate) struct HighPass {
    low: LowPass,
}

impl HighPass {
    /// Cut-off `cutoff_hz`, kept below 0.45 × the sample rate.
    pub(crate) fn new(cutoff_hz: f64, sample_rate: u32) -> Self {
        Self {
            low: LowPass::new(cutoff_hz, sample_rate),
        }
    }

    /// Filters one sample.
    pub(crate) fn tick(&mut self, x: f64) -> f64 {
        x - self.low.tick(x)
    }
}

/// Seeded noise defined as a function of time, so a hit's noise is the same at every sample rate.
///
/// Random values sit on a fixed 48 kHz grid and are joined by straight lines, which low-pass the
/// noise to roughly the audible band. Sampling it at any rate gives the same sound (at low rates
/// with the top folded down, as with any noise). Filtering on the grid rather than at the output
/// rate ([`Noise::hiss`]) keeps bright sounds alike at every rate too.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Noise {
    seed: u64,
}

impl Noise {
    /// Grid rate of the random values.
    const GRID_HZ: f64 = 48_000.0;

    /// Noise for one hit; `seed` fixes every value.
    pub(crate) const fn new(seed: u64) -> Self {
        Self { seed }
    }

    /// Uniform white noise in `[-1, 1]` at `τ` seconds.
    pub(crate) fn at(self, tau: f64) -> f64 {
        self.lerp(tau, |i| self.value(i))
    }

    /// High-passed noise in `[-1, 1]` at `τ` seconds: the second difference of the grid values
    /// (12 dB/octave up to 12 kHz, then flat), for cymbals.
    pub(crate) fn hiss(self, tau: f64) -> f64 {
        self.lerp(tau, |i| {
            let before = |k: u64| i.checked_sub(k).map_or(0.0, |j| self.value(j));
            0.25 * (self.value(i) - 2.0 * before(1) + before(2))
        })
    }

    /// The random value at grid point `index`, uniform in `[-1, 1)`.
    fn value(self, index: u64) -> f64 {
        Rng::derive(self.seed, index).bipolar()
    }

    /// Straight line between the grid values either side of `τ`.
    fn lerp(self, tau: f64, value: impl Fn(u64) -> f64) -> f64 {
        let position = tau.max(0.0) * Self::GRID_HZ;
        // `as` saturates, so absurd times give a constant rather than a panic.
        let index = position as u64;
        let frac = position - index as f64;
        let (a, b) = (value(index), value(index.saturating_add(1)));
        a + (b - a) * frac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_start_at_their_exact_time() {
        // A start between samples 10 and 11 at 1 kHz: sample 11 is the first, 0.4 ms in.
        let mut out = [0.0f32; 20];
        let mut seen = Vec::new();
        add_event(&mut out, 1000, 0.0106, 0.005, false, |tau| {
            seen.push(tau);
            1.0
        });
        assert!((seen[0] - 0.0004).abs() < 1e-12);
        assert_eq!(seen.len(), 5);
        assert!(out[..11].iter().all(|&s| s == 0.0));
        assert!(out[11] > 0.0);
        assert!(out[16..].iter().all(|&s| s == 0.0));
    }

    #[test]
    fn wrapped_tails_come_back_at_the_start() {
        let mut out = [0.0f32; 10];
        add_event(&mut out, 1000, 0.008, 0.0035, true, |_| 1.0);
        assert!(out[8] > 0.0 && out[9] > 0.0);
        assert!(out[0] > 0.0 && out[1] > 0.0 && out[2] == 0.0 && out[7] == 0.0);
        let mut plain = [0.0f32; 10];
        add_event(&mut plain, 1000, 0.008, 0.0035, false, |_| 1.0);
        assert!(plain[0] == 0.0 && plain[9] > 0.0);
    }

    #[test]
    fn odd_events_write_nothing() {
        let mut out = [0.0f32; 10];
        for (start, len) in [
            (f64::NAN, 1.0),
            (0.0, f64::INFINITY),
            (0.0, -1.0),
            (1e300, 1.0),
            (-1e300, 1.0),
        ] {
            add_event(&mut out, 1000, start, len, true, |_| 1.0);
            add_event(&mut out, 1000, start, len, false, |_| 1.0);
        }
        add_event(&mut out, 0, 0.0, 1.0, false, |_| 1.0);
        assert_eq!(out, [0.0; 10]);
    }

    #[test]
    fn phasors_track_the_exact_phase() {
        let rate = 48_000;
        let mut phasor = Phasor::new(261.63, rate);
        let start = 0.123_456_7;
        for n in 0..rate * 60 {
            let tau = start + f64::from(n) / f64::from(rate);
            let (sin, cos) = phasor.next(tau);
            if n % 997 == 0 {
                let (s, c) = sin_cos_cycles(261.63 * tau);
                assert!(
                    (sin - s).abs() < 1e-9 && (cos - c).abs() < 1e-9,
                    "{n}: {sin} vs {s}"
                );
            }
        }
    }

    #[test]
    fn filters_pass_and_stop_what_they_should() {
        let rate = 48_000;
        let mut low = LowPass::new(100.0, rate);
        let mut high = HighPass::new(100.0, rate);
        let (mut low_out, mut high_out) = (0.0, 0.0);
        for _ in 0..rate {
            low_out = low.tick(1.0);
            high_out = high.tick(1.0);
        }
        assert!((low_out - 1.0).abs() < 1e-9 && high_out.abs() < 1e-9);
        assert!((midi_hz(69.0) - 440.0).abs() < 1e-9 && (midi_hz(57.0) - 220.0).abs() < 1e-9);
    }
}
