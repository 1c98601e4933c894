//! Plain test signals (sine, white noise, clicks) for checking analysis stages against input
//! whose every property is known, and the [`no_pulse_set`] of signals with no beat (noise,
//! tones, sweeps, irregular clicks, isolated chords, speech-like babble). For music with a beat,
//! use [`render`](crate::render) or [`render_groove`](crate::render_groove) instead.

use core::f64::consts::TAU;

use crate::rng::Rng;

mod no_pulse;

pub use no_pulse::{
    NO_PULSE_SECONDS, NoPulse, chord_pair, fast_sweeps, irregular_clicks, no_pulse_set, pink_noise,
    speech_like, sweep,
};

/// `len` samples of `amplitude · sin(2π · freq_hz · n / sample_rate)`, starting at phase 0.
///
/// The phase is computed per sample in `f64`, so it does not drift however long the signal is.
/// Returns an empty vector if `sample_rate` is 0 (or `len` samples cannot be allocated), and
/// silence if `freq_hz` or `amplitude` is not finite.
pub fn sine(freq_hz: f32, amplitude: f32, sample_rate: u32, len: usize) -> Vec<f32> {
    if sample_rate == 0 {
        return Vec::new();
    }
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if !freq_hz.is_finite() || !amplitude.is_finite() {
        return out;
    }
    let cycles_per_sample = f64::from(freq_hz) / f64::from(sample_rate);
    let amplitude = f64::from(amplitude);
    for (n, sample) in out.iter_mut().enumerate() {
        let cycles = (n as f64 * cycles_per_sample).fract();
        *sample = (amplitude * (TAU * cycles).sin()) as f32;
    }
    out
}

/// `len` samples of uniform white noise whose RMS is `amplitude_rms` (the absolute value is used).
///
/// Uniform on `[-a, a]` with `a = √3 · rms`, so no sample exceeds `1.74 · rms`. The same `seed`
/// gives the same samples. Non-finite `amplitude_rms` gives silence.
pub fn white_noise(amplitude_rms: f32, seed: u64, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    if !amplitude_rms.is_finite() {
        return out;
    }
    let peak = f64::from(amplitude_rms.abs()) * 3f64.sqrt();
    let mut rng = Rng::new(seed);
    for sample in &mut out {
        *sample = (peak * rng.bipolar()) as f32;
    }
    out
}

/// Single-sample impulses of `amplitude` at the given sample indices; every other sample is 0.
///
/// Indices at or past `len` are ignored; a repeated index is still one impulse of `amplitude`.
pub fn clicks(indices: &[usize], amplitude: f32, len: usize) -> Vec<f32> {
    let Some(mut out) = zeros(len) else {
        return Vec::new();
    };
    for &index in indices {
        if let Some(sample) = out.get_mut(index) {
            *sample = amplitude;
        }
    }
    out
}

/// `len` zeros, or `None` if that much memory cannot be had (instead of aborting).
pub(crate) fn zeros(len: usize) -> Option<Vec<f32>> {
    let mut out = Vec::new();
    out.try_reserve_exact(len).ok()?;
    out.resize(len, 0.0);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Correlation with a reference sine and cosine at `freq`: the amplitude of that component.
    fn component(x: &[f32], freq: f64, rate: f64) -> f64 {
        let (mut re, mut im) = (0.0, 0.0);
        for (n, &s) in x.iter().enumerate() {
            let phase = TAU * freq * n as f64 / rate;
            re += f64::from(s) * phase.cos();
            im += f64::from(s) * phase.sin();
        }
        2.0 * re.hypot(im) / x.len() as f64
    }

    #[test]
    fn sine_has_the_asked_frequency_and_amplitude() {
        for &(freq, amp, rate) in &[
            (1000.0f32, 0.5f32, 48_000u32),
            (440.0, 1.0, 44_100),
            (50.0, 0.25, 8000),
        ] {
            let x = sine(freq, amp, rate, rate as usize);
            assert_eq!(x.len(), rate as usize);
            assert_eq!(x[0], 0.0, "starts at phase 0");
            let peak = x.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(
                (peak - amp).abs() < amp * 1e-3,
                "peak {peak} for amplitude {amp}"
            );
            // One second of signal: one upward zero crossing per cycle.
            let ups = x.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
            assert!(
                (ups as f32 - freq).abs() <= 1.0,
                "{ups} cycles for {freq} Hz"
            );
            let rate = f64::from(rate);
            let at = component(&x, f64::from(freq), rate);
            assert!(
                (at - f64::from(amp)).abs() < 1e-3 * f64::from(amp),
                "component {at}"
            );
            assert!(component(&x, f64::from(freq) * 1.5, rate) < 1e-3);
        }
    }

    #[test]
    fn white_noise_has_the_asked_rms_and_no_offset() {
        for &(rms, seed) in &[(0.1f32, 1u64), (0.5, 2), (1.0, 99)] {
            let x = white_noise(rms, seed, 48_000);
            let n = x.len() as f64;
            let mean = x.iter().map(|&s| f64::from(s)).sum::<f64>() / n;
            let got = (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / n).sqrt();
            assert!(
                (got / f64::from(rms) - 1.0).abs() < 0.05,
                "rms {got} for {rms}"
            );
            assert!(mean.abs() < 0.05 * f64::from(rms));
        }
        assert_eq!(white_noise(0.3, 5, 1000), white_noise(0.3, 5, 1000));
        assert_ne!(white_noise(0.3, 5, 1000), white_noise(0.3, 6, 1000));
    }

    #[test]
    fn clicks_land_on_their_indices() {
        let x = clicks(&[0, 3, 3, 9, 100], 0.7, 10);
        assert_eq!(x, [0.7, 0.0, 0.0, 0.7, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7]);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        assert!(sine(440.0, 1.0, 0, 100).is_empty());
        assert_eq!(sine(f32::NAN, 1.0, 48_000, 4), [0.0; 4]);
        assert_eq!(sine(440.0, f32::INFINITY, 48_000, 4), [0.0; 4]);
        assert_eq!(sine(-440.0, 1.0, 48_000, 3).len(), 3);
        assert!(sine(440.0, 1.0, 48_000, 0).is_empty());
        assert_eq!(white_noise(f32::NAN, 1, 3), [0.0; 3]);
        assert!(white_noise(-0.5, 1, 10).iter().any(|&s| s != 0.0));
        assert!(sine(1.0, 1.0, 1, usize::MAX).is_empty());
        assert!(white_noise(1.0, 1, usize::MAX).is_empty());
        assert!(clicks(&[1], 1.0, usize::MAX).is_empty());
    }
}
