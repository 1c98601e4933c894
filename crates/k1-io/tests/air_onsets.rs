//! End to end: a 44.1 kHz source's air band reaches the analyser and lets it hear hats that lie
//! wholly above the engine rate's Nyquist limit, without firing on noise.

use k1_core::{Analyzer, Config};
use k1_io::sources::{ClipSource, Source, read_hop_with_air};

const RATE: u32 = 44_100;

/// Onset times (end of hop, seconds) of `samples` at `RATE`, with or without its air.
fn onsets(samples: &[f32], with_air: bool) -> Vec<f64> {
    let config = Config::DEFAULT;
    let mut source = ClipSource::new("t".into(), samples, RATE, 1, config.sample_rate).unwrap();
    assert!(source.has_air());
    let mut analyzer = Box::new(Analyzer::new(config).unwrap());
    let (mut hop, mut air) = (vec![0.0f32; config.hop], vec![0.0f32; config.hop]);
    let mut out = Vec::new();
    while let Some((_, hop_air)) = read_hop_with_air(&mut source, &mut hop, &mut air).unwrap() {
        let s = analyzer
            .process_hop_with_air(&hop, hop_air.filter(|_| with_air))
            .unwrap();
        if s.onset {
            out.push((s.sample_index + 1) as f64 / f64::from(config.sample_rate));
        }
    }
    out
}

/// A steady two-note pad with a metallic "hat" every 250 ms from 2 s on: forty partials from
/// 7 to 12 kHz, a 2 ms rise and a 30 ms decay, so that nothing of it is left below 6.4 kHz.
fn pad_with_hats(seconds: usize) -> (Vec<f32>, Vec<f64>) {
    let len = RATE as usize * seconds;
    let tau = std::f64::consts::TAU;
    let mut x: Vec<f32> = (0..len)
        .map(|n| {
            let t = n as f64 / f64::from(RATE);
            (0.2 * (tau * 220.0 * t).sin() + 0.15 * (tau * 330.0 * t).sin()) as f32
        })
        .collect();
    let hats: Vec<f64> = (8..4 * seconds).map(|i| i as f64 * 0.25).collect();
    for &start in &hats {
        let first = (start * f64::from(RATE)) as usize;
        for (k, s) in x
            .iter_mut()
            .skip(first)
            .take(RATE as usize / 10)
            .enumerate()
        {
            let t = k as f64 / f64::from(RATE);
            let rise = (t / 0.002).min(1.0);
            let env = 0.5 - 0.5 * (std::f64::consts::PI * rise).cos();
            let partials: f64 = (0..40)
                .map(|p| {
                    let f = 7_000.0 + 125.0 * p as f64;
                    (tau * f * t + 1.7 * p as f64 * p as f64).sin()
                })
                .sum();
            *s += (0.02 * env * (-t / 0.03).exp() * partials) as f32;
        }
    }
    (x, hats)
}

/// How many of `truth` have an onset from their time to two hops (10 ms) after it.
fn caught(truth: &[f64], found: &[f64]) -> usize {
    truth
        .iter()
        .filter(|&&t| found.iter().any(|&o| o >= t && o <= t + 0.0101))
        .count()
}

#[test]
fn hats_above_the_engine_band_are_heard_through_the_air() {
    let (x, hats) = pad_with_hats(8);
    let without = onsets(&x, false);
    let with = onsets(&x, true);
    let (before, after) = (caught(&hats, &without), caught(&hats, &with));
    assert!(
        before * 4 < hats.len(),
        "{before} of {} without air",
        hats.len()
    );
    assert_eq!(after, hats.len(), "{after} of {} with air", hats.len());
    // And nothing else: every onset with air after the first second is a hat.
    let extra = with.iter().filter(|&&o| o > 1.0).count() - after;
    assert_eq!(extra, 0, "onsets {with:?}");
}

#[test]
fn noise_gains_no_onsets_from_the_air() {
    for seed in [3, 4] {
        let pink = k1_synth::signals::pink_noise(0.2, seed, RATE as usize * 10);
        let white = k1_synth::signals::white_noise(0.2, seed, RATE as usize * 10);
        for (name, x) in [("pink", pink), ("white", white)] {
            let without = onsets(&x, false).len();
            let with = onsets(&x, true).len();
            assert!(
                with <= without + 2,
                "{name} noise: {with} onsets with air, {without} without"
            );
        }
    }
}
