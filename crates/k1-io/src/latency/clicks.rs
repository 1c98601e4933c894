//! The wizard's test signal: a train of short chirps at irregular spacings.
//!
//! Each click is a 4 ms Hann-windowed linear chirp from 600 Hz to 6 kHz (or 0.4 of the rate,
//! whichever is lower): broadband, so its cross-correlation has one narrow peak, and within
//! what small speakers, Bluetooth codecs and laptop microphones pass. The spacings differ
//! (190–350 ms), so the train correlates with a shifted copy of itself only at the true lag,
//! even with a click missing: a regular train would also match one period off.

use std::f64::consts::PI;

/// The click times, s from the start of the train: 12 clicks, no two gaps alike.
pub const CLICK_TIMES: [f64; 12] = [
    0.0, 0.23, 0.54, 0.73, 1.0, 1.35, 1.56, 1.85, 2.1, 2.43, 2.63, 2.91,
];

/// One click's length, s.
pub const CLICK_SECONDS: f64 = 0.004;

/// The train's length, s: the last click and a little quiet after it.
pub const TRAIN_SECONDS: f64 = 3.0;

/// The chirp's lowest frequency, Hz.
const LOW_HZ: f64 = 600.0;
/// The chirp's highest frequency, Hz (capped at 0.4 of the rate).
const HIGH_HZ: f64 = 6000.0;

/// One click's value `t` seconds after it starts (0 outside it), at full scale 1.
pub fn click_at(t: f64, rate: u32) -> f64 {
    if !(0.0..CLICK_SECONDS).contains(&t) {
        return 0.0;
    }
    let high = HIGH_HZ.min(0.4 * f64::from(rate));
    let sweep = (high - LOW_HZ) / CLICK_SECONDS;
    let phase = 2.0 * PI * (LOW_HZ * t + 0.5 * sweep * t * t);
    let window = 0.5 - 0.5 * (2.0 * PI * t / CLICK_SECONDS).cos();
    window * phase.sin()
}

/// `len` samples at `rate` Hz of the clicks at `times` (s), each shifted by `shift` s and scaled
/// by `gain`: the train as played (`shift` 0, `gain` < 1 for headroom) and, in tests, as heard.
pub fn render(times: &[f64], shift: f64, gain: f32, rate: u32, len: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; len];
    let rate_f = f64::from(rate);
    for &t0 in times {
        let start = t0 + shift;
        let first = (start * rate_f).floor().max(0.0) as usize;
        let last = ((start + CLICK_SECONDS) * rate_f).ceil().max(0.0) as usize;
        for (i, sample) in out.iter_mut().enumerate().take(last + 1).skip(first) {
            let t = i as f64 / rate_f - start;
            *sample += gain * click_at(t, rate) as f32;
        }
    }
    out
}

/// The train as K1 plays it: every click, at 0.5 of full scale, [`TRAIN_SECONDS`] long.
pub fn train(rate: u32) -> Vec<f32> {
    let len = (TRAIN_SECONDS * f64::from(rate)).round() as usize;
    render(&CLICK_TIMES, 0.0, 0.5, rate, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_train_has_its_clicks_where_it_says() {
        let rate = 16_000;
        let t = train(rate);
        assert_eq!(t.len(), 48_000);
        let peak = t.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!((0.4..=0.5).contains(&peak), "{peak}");
        for &at in &CLICK_TIMES {
            let i = (at * f64::from(rate)) as usize;
            let energy: f32 = t[i..i + 64].iter().map(|v| v * v).sum();
            assert!(energy > 1.0, "a click at {at} s");
            let before: f32 = t[i.saturating_sub(100)..i].iter().map(|v| v * v).sum();
            assert!(before < 1e-6, "quiet before the click at {at} s");
        }
        let gaps: Vec<i64> = CLICK_TIMES
            .windows(2)
            .map(|w| ((w[1] - w[0]) * 1000.0).round() as i64)
            .collect();
        let mut sorted = gaps.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), gaps.len(), "no two gaps alike: {gaps:?}");
    }
}
