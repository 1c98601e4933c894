//! Signals with no beat ([`no_pulse_set`]): what a beat tracker must not lock onto.
//!
//! Silence, steady noise, steady and swept tones, clicks at random gaps, chords seconds apart, and
//! speech-like babble. Every one is deterministic (seeded) and [`NO_PULSE_SECONDS`] long.

use crate::harmony;
use crate::render::MAX_SAMPLE_RATE;
use crate::rng::Rng;
use crate::voice::{Noise, add_event, decay, ramp, sin_cycles};

use super::{sine, white_noise, zeros};

/// Length of every signal of [`no_pulse_set`], seconds.
pub const NO_PULSE_SECONDS: f32 = 20.0;

/// A named signal with no beat: `generate(sample_rate)` gives its samples.
#[derive(Clone, Copy, Debug)]
pub struct NoPulse {
    /// Short and unique, e.g. `"pink_noise"`.
    pub name: &'static str,
    /// The samples at a sample rate: [`NO_PULSE_SECONDS`] long, empty if the rate is 0 or above
    /// [`MAX_SAMPLE_RATE`].
    pub generate: fn(u32) -> Vec<f32>,
}

impl NoPulse {
    /// The samples at `sample_rate`.
    pub fn render(&self, sample_rate: u32) -> Vec<f32> {
        (self.generate)(sample_rate)
    }
}

/// A generator of [`NoPulse`]: samples at a sample rate.
type Generate = fn(u32) -> Vec<f32>;

/// Samples in [`NO_PULSE_SECONDS`] at `rate`; 0 for a rate out of range.
fn len(rate: u32) -> usize {
    if (1..=MAX_SAMPLE_RATE).contains(&rate) {
        (NO_PULSE_SECONDS * rate as f32) as usize
    } else {
        0
    }
}

/// The no-pulse set, in a fixed order: silence, white and pink noise, four sines, a slow and a
/// fast sweep, irregular clicks, two chord pairs, and two speech-like babbles.
pub fn no_pulse_set() -> Vec<NoPulse> {
    let set: [(&'static str, Generate); 14] = [
        ("silence", |r| zeros(len(r)).unwrap_or_default()),
        ("white_noise", |r| white_noise(0.1, 11, len(r))),
        ("pink_noise", |r| pink_noise(0.1, 12, len(r))),
        ("sine_60hz", |r| sine(60.0, 0.5, r, len(r))),
        ("sine_440hz", |r| sine(440.0, 0.5, r, len(r))),
        ("sine_1khz", |r| sine(1000.0, 0.3, r, len(r))),
        ("sine_3khz", |r| sine(3000.0, 0.3, r, len(r))),
        ("slow_sweep", |r| sweep(50.0, 5000.0, 0.3, r, len(r))),
        ("fast_sweeps", |r| fast_sweeps(13, r, len(r))),
        ("irregular_clicks", |r| irregular_clicks(14, r, len(r))),
        ("chord_pair_6s", |r| chord_pair(15, 6.0, r, len(r))),
        ("chord_pair_9s", |r| chord_pair(16, 9.0, r, len(r))),
        ("speech_like_a", |r| speech_like(17, r, len(r))),
        ("speech_like_b", |r| speech_like(18, r, len(r))),
    ];
    set.into_iter()
        .map(|(name, generate)| NoPulse { name, generate })
        .collect()
}

/// `len` samples of pink noise (−3 dB/octave, Paul Kellet's filter on white noise) scaled to RMS
/// `amplitude_rms`. The same `seed` gives the same samples; non-finite RMS gives silence.
pub fn pink_noise(amplitude_rms: f32, seed: u64, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if !amplitude_rms.is_finite() || len == 0 {
        return out;
    }
    let mut rng = Rng::new(seed);
    let mut b = [0.0f64; 7];
    let mut energy = 0.0;
    let mut pink = Vec::with_capacity(len);
    for _ in 0..len {
        let white = rng.bipolar();
        b[0] = 0.99886 * b[0] + white * 0.055_517_9;
        b[1] = 0.99332 * b[1] + white * 0.075_075_9;
        b[2] = 0.969 * b[2] + white * 0.153_852;
        b[3] = 0.8665 * b[3] + white * 0.310_485_6;
        b[4] = 0.55 * b[4] + white * 0.532_952_2;
        b[5] = -0.7616 * b[5] - white * 0.016_898;
        let y = b.iter().sum::<f64>() + white * 0.5362;
        b[6] = white * 0.115_926;
        energy += y * y;
        pink.push(y);
    }
    let scale = f64::from(amplitude_rms.abs()) / (energy / len as f64).sqrt().max(1e-300);
    for (o, y) in out.iter_mut().zip(pink) {
        *o = (y * scale) as f32;
    }
    out
}

/// One logarithmic sweep from `from_hz` to `to_hz` over `len` samples, at `amplitude`; the top
/// is kept below 0.45 × the sample rate. Empty for a rate of 0.
pub fn sweep(from_hz: f64, to_hz: f64, amplitude: f32, sample_rate: u32, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if sample_rate == 0 || len == 0 || from_hz <= 0.0 || to_hz <= 0.0 {
        return out;
    }
    let rate = f64::from(sample_rate);
    let to_hz = to_hz.min(0.45 * rate);
    let duration = len as f64 / rate;
    // f(t) = from·k^(t/T), phase = from·T/ln k · (k^(t/T) − 1).
    let ratio = (to_hz / from_hz).ln();
    for (n, o) in out.iter_mut().enumerate() {
        let t = n as f64 / rate;
        let cycles = if ratio.abs() < 1e-12 {
            from_hz * t
        } else {
            from_hz * duration / ratio * ((ratio * t / duration).exp() - 1.0)
        };
        *o = (f64::from(amplitude) * sin_cycles(cycles)) as f32;
    }
    out
}

/// Log sweeps up and down between 200 Hz and 4 kHz, each lasting a random 0.35–1.3 s, with a
/// continuous phase: fast movement with no regular period.
pub fn fast_sweeps(seed: u64, sample_rate: u32, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if sample_rate == 0 {
        return out;
    }
    let rate = f64::from(sample_rate);
    let (low, high) = (200.0f64.ln(), 4000.0f64.min(0.45 * rate).ln());
    let mut rng = Rng::new(seed);
    let (mut phase, mut up) = (0.0f64, true);
    let (mut left, mut length) = (0usize, 1usize);
    for o in &mut out {
        if left == 0 {
            length = ((0.35 + 0.95 * rng.unit()) * rate).max(1.0) as usize;
            left = length;
            up = !up;
        }
        let x = 1.0 - left as f64 / length as f64;
        let x = if up { x } else { 1.0 - x };
        let hz = (low + (high - low) * x).exp();
        phase = (phase + hz / rate).fract();
        *o = (0.3 * sin_cycles(phase)) as f32;
        left -= 1;
    }
    out
}

/// Short noise clicks (1 ms, peak about 0.5) separated by random gaps of 0.2–1.1 s, the first
/// after one such gap.
pub fn irregular_clicks(seed: u64, sample_rate: u32, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if sample_rate == 0 {
        return out;
    }
    let duration = len as f64 / f64::from(sample_rate);
    let mut rng = Rng::new(seed);
    let mut t = 0.0;
    loop {
        t += 0.2 + 0.9 * rng.unit();
        if t >= duration {
            break;
        }
        let noise = Noise::new(rng.next_u64());
        add_event(&mut out, sample_rate, t, 0.006, false, |tau| {
            0.5 * noise.at(tau) * ramp(tau, 0.0002) * decay(tau, 0.0008)
        });
    }
    out
}

/// Two struck chords `gap_s` apart, the first at 1 s, each left to ring and decay for seconds;
/// the key and chords come from `seed`.
pub fn chord_pair(seed: u64, gap_s: f64, sample_rate: u32, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if sample_rate == 0 {
        return out;
    }
    let key = harmony::key_for_seed(seed);
    for (k, start) in [(0, 1.0), (2, 1.0 + gap_s)] {
        let (_, notes) = harmony::bar_chord(k, key);
        harmony::keys(&mut out, sample_rate, start, gap_s - 0.2, notes, 1.0, false);
    }
    out
}

/// A two-pole resonator: a band-pass at `hz` with bandwidth `bw_hz`, unit gain at the centre.
#[derive(Clone, Copy, Debug)]
struct Resonator {
    a1: f64,
    a2: f64,
    gain: f64,
    y1: f64,
    y2: f64,
}

impl Resonator {
    fn new(hz: f64, bw_hz: f64, rate: f64) -> Self {
        let r = (-core::f64::consts::PI * bw_hz / rate).exp();
        let w = core::f64::consts::TAU * hz.min(0.45 * rate) / rate;
        Self {
            a1: 2.0 * r * w.cos(),
            a2: -r * r,
            gain: 1.0 - r,
            y1: 0.0,
            y2: 0.0,
        }
    }

    fn tick(&mut self, x: f64) -> f64 {
        let y = self.gain * x + self.a1 * self.y1 + self.a2 * self.y2;
        (self.y2, self.y1) = (self.y1, y);
        y
    }
}

/// Speech-like babble: syllables of 80–300 ms (a buzz at a wandering pitch plus breath noise,
/// through two formant resonators that move from syllable to syllable), separated by short gaps
/// of 30–150 ms within words and 0.3–0.9 s between phrases. Peak 0.3.
pub fn speech_like(seed: u64, sample_rate: u32, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if sample_rate == 0 {
        return out;
    }
    let rate = f64::from(sample_rate);
    let duration = len as f64 / rate;
    let mut rng = Rng::new(seed);
    let mut t = 0.2 + 0.5 * rng.unit();
    while t < duration {
        let length = 0.08 + 0.22 * rng.unit();
        let f0 = 100.0 + 120.0 * rng.unit();
        let breathy = 0.15 + 0.6 * rng.unit() * rng.unit();
        let mut f1 = Resonator::new(300.0 + 500.0 * rng.unit(), 90.0, rate);
        let mut f2 = Resonator::new(900.0 + 1500.0 * rng.unit(), 130.0, rate);
        let noise = Noise::new(rng.next_u64());
        let (mut phase, mut last) = (0.0f64, 0.0f64);
        add_event(&mut out, sample_rate, t, length, false, |tau| {
            // The pitch falls a little through the syllable; integrate it sample by sample.
            let hz = f0 * (1.0 - 0.15 * tau / length);
            phase = (phase + hz * (tau - last)).fract();
            last = tau;
            let mut buzz = 0.0;
            let mut h = 1.0;
            while h <= 10.0 && h * hz < 0.45 * rate {
                buzz += sin_cycles(h * phase) / h;
                h += 1.0;
            }
            let source = (1.0 - breathy) * buzz + breathy * 2.0 * noise.at(tau);
            let env = (core::f64::consts::PI * tau / length).sin().max(0.0).sqrt();
            env * (f1.tick(source) + 0.6 * f2.tick(source))
        });
        let pause = if rng.unit() < 0.25 {
            0.3 + 0.6 * rng.unit()
        } else {
            0.03 + 0.12 * rng.unit()
        };
        t += length + pause;
    }
    crate::render::normalise(&mut out, 0.3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signal_is_finite_and_twenty_seconds() {
        let set = no_pulse_set();
        let names: std::collections::HashSet<_> = set.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), set.len());
        for signal in &set {
            for rate in [8000, 12_800] {
                let x = signal.render(rate);
                assert_eq!(x.len(), 20 * rate as usize, "{}", signal.name);
                assert!(
                    x.iter().all(|s| s.is_finite() && s.abs() <= 1.0),
                    "{}",
                    signal.name
                );
                let loud = x.iter().any(|&s| s != 0.0);
                assert_eq!(loud, signal.name != "silence", "{}", signal.name);
            }
            assert_eq!(signal.render(8000), signal.render(8000), "{}", signal.name);
            assert!(signal.render(0).is_empty());
        }
    }

    #[test]
    fn the_gaps_are_irregular_and_in_range() {
        let rate = 8000;
        let x = irregular_clicks(14, rate, 20 * rate as usize);
        // Click starts: a sample well above zero after at least 0.1 s of quiet.
        let mut starts = Vec::new();
        let mut quiet = usize::MAX;
        for (n, &s) in x.iter().enumerate() {
            if s.abs() > 0.01 {
                if quiet > 800 {
                    starts.push(n as f64 / f64::from(rate));
                }
                quiet = 0;
            } else {
                quiet = quiet.saturating_add(1);
            }
        }
        let gaps: Vec<f64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.len() > 15);
        assert!(gaps.iter().all(|g| (0.199..1.101).contains(g)), "{gaps:?}");
        let (lo, hi) = gaps
            .iter()
            .fold((9.0f64, 0.0f64), |(a, b), &g| (a.min(g), b.max(g)));
        assert!(hi - lo > 0.4);
    }

    #[test]
    fn pink_noise_has_its_rms_and_falls_with_frequency() {
        let x = pink_noise(0.1, 3, 48_000);
        let rms = (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / 48_000.0).sqrt();
        assert!((rms - 0.1).abs() < 1e-6);
        // Pink: the sample-to-sample differences (the top octaves) carry far less than white (√2 x).
        let diff = (x
            .windows(2)
            .map(|w| f64::from(w[1] - w[0]).powi(2))
            .sum::<f64>()
            / 48_000.0)
            .sqrt();
        assert!(diff < 0.8 * rms, "{diff}");
    }
}
