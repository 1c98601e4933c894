//! [`estimate_lag`] on synthetic recordings with a known lag: the click train rendered at a
//! fractional-sample delay, attenuated, with noise, room echoes, a hum and a click missing. Each
//! case must come within [`TOLERANCE_MS`] of the truth; silence and pure noise must be errors.

use super::*;
use crate::latency::clicks::{CLICK_TIMES, render, train};

const RATE: u32 = 16_000;
/// How close an estimate must be, ms.
const TOLERANCE_MS: f64 = 0.25;

/// A seeded Gaussian noise source (xorshift and Box-Muller): the same noise every run.
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn gaussian(&mut self) -> f32 {
        let (u, v) = (self.uniform(), self.uniform());
        ((-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()) as f32
    }
}

/// What the room does to the train on its way to the microphone.
struct Room {
    /// The true lag, s (from the start of the recording to the first click).
    delay: f64,
    gain: f32,
    /// Reflections: (extra delay s, gain relative to the direct sound).
    echoes: Vec<(f64, f32)>,
    /// Noise RMS.
    noise: f32,
    /// Clicks the microphone did not catch (indices into CLICK_TIMES).
    missing: Vec<usize>,
    /// 50 Hz hum amplitude.
    hum: f32,
}

impl Room {
    fn quiet(delay: f64) -> Self {
        Room {
            delay,
            gain: 0.3,
            echoes: Vec::new(),
            noise: 0.0,
            missing: Vec::new(),
            hum: 0.0,
        }
    }

    /// 4.5 s of recording.
    fn record(&self, seed: u64) -> Vec<f32> {
        let len = (4.5 * f64::from(RATE)) as usize;
        let times: Vec<f64> = CLICK_TIMES
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.missing.contains(i))
            .map(|(_, t)| *t)
            .collect();
        let mut out = render(&times, self.delay, 0.5 * self.gain, RATE, len);
        for &(extra, g) in &self.echoes {
            let echo = render(&times, self.delay + extra, 0.5 * self.gain * g, RATE, len);
            out.iter_mut().zip(echo).for_each(|(o, e)| *o += e);
        }
        let mut noise = Noise(seed.max(1));
        for (i, o) in out.iter_mut().enumerate() {
            let t = i as f32 / RATE as f32;
            *o += self.noise * noise.gaussian()
                + self.hum * (2.0 * std::f32::consts::PI * 50.0 * t).sin();
        }
        out
    }
}

/// Searches 0..=1 s of lag and returns the estimate in ms.
fn estimate(recording: &[f32]) -> Result<(f64, f32), LagError> {
    let e = estimate_lag(&train(RATE), recording, RATE, 0..=i64::from(RATE))?;
    Ok((e.lag * 1000.0 / f64::from(RATE), e.confidence))
}

fn assert_near(room: &Room, seed: u64) -> f32 {
    let (ms, confidence) = estimate(&room.record(seed)).unwrap();
    let truth = room.delay * 1000.0;
    assert!(
        (ms - truth).abs() <= TOLERANCE_MS,
        "estimated {ms:.3} ms, true {truth:.3} ms (confidence {confidence:.1})"
    );
    confidence
}

#[test]
fn a_clean_delayed_copy_to_a_fraction_of_a_sample() {
    for delay_ms in [0.0, 12.34, 150.0, 212.7183, 480.05, 997.0] {
        let c = assert_near(&Room::quiet(delay_ms / 1000.0), 1);
        assert!(c > 50.0, "{c}");
    }
}

#[test]
fn attenuated_and_noisy() {
    // The clicks' peaks at 0.015 of full scale in noise of RMS 0.01 (a quiet click in a room):
    // each click is barely above the noise, the train as a whole is not.
    for (seed, delay_ms) in [(7, 93.2), (8, 245.9), (9, 611.4)] {
        let room = Room {
            gain: 0.03,
            noise: 0.01,
            ..Room::quiet(delay_ms / 1000.0)
        };
        assert_near(&room, seed);
    }
}

#[test]
fn room_echoes_do_not_pull_it_late() {
    let room = Room {
        echoes: vec![(0.0071, 0.7), (0.0183, 0.5), (0.041, 0.35)],
        noise: 0.002,
        ..Room::quiet(0.1877)
    };
    assert_near(&room, 3);
    // An echo louder than the direct sound (a speaker facing away, a wall behind the
    // microphone): the direct sound still comes first.
    let room = Room {
        echoes: vec![(0.0123, 1.3)],
        noise: 0.002,
        ..Room::quiet(0.2311)
    };
    assert_near(&room, 4);
}

#[test]
fn a_missing_click_and_a_hum() {
    let room = Room {
        missing: vec![0, 5],
        hum: 0.05,
        noise: 0.003,
        echoes: vec![(0.009, 0.5)],
        ..Room::quiet(0.3041)
    };
    assert_near(&room, 5);
}

#[test]
fn invalid_samples_are_ignored() {
    let mut rec = Room::quiet(0.05).record(1);
    rec[100] = f32::NAN;
    rec[200] = f32::INFINITY;
    let (ms, _) = estimate(&rec).unwrap();
    assert!((ms - 50.0).abs() <= TOLERANCE_MS, "{ms}");
}

#[test]
fn silence_and_noise_are_errors_not_guesses() {
    let silent = vec![0.0f32; 72_000];
    assert_eq!(estimate(&silent), Err(LagError::Silent));
    let room = Room {
        gain: 0.0,
        noise: 0.05,
        ..Room::quiet(0.1)
    };
    match estimate(&room.record(11)) {
        Err(LagError::Unclear { confidence }) => assert!(confidence < MIN_CONFIDENCE),
        other => panic!("pure noise gave {other:?}"),
    }
    assert_eq!(
        estimate_lag(&[0.0; 10], &silent, RATE, 0..=10),
        Err(LagError::NoReference)
    );
    assert!(matches!(
        estimate_lag(&train(RATE), &silent[..100], RATE, 0..=100_000),
        Err(LagError::BadRange(_))
    ));
}
