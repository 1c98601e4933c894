//! The air band: with no air the analyser is exactly `process_hop`; with air the onsets change
//! and the beat tracker does not move at all.

mod common;

use k1_core::{Analyzer, Config, Snapshot};
use k1_synth::{Song, Style, render};

/// Every snapshot of `signal` through a fresh analyser, with `air(hop index)` as each hop's air.
fn run(signal: &[f32], air: impl Fn(usize) -> Option<f32>) -> Vec<Snapshot> {
    let config = Config::DEFAULT;
    let mut a = Box::new(Analyzer::new(config).unwrap());
    signal
        .chunks_exact(config.hop)
        .enumerate()
        .map(|(i, hop)| *a.process_hop_with_air(hop, air(i)).unwrap())
        .collect()
}

fn music() -> Vec<f32> {
    render(
        &Song::new(124.0, Style::FourOnFloor),
        Config::DEFAULT.sample_rate,
    )
    .samples
}

/// Seeded air power per hop: a steady bed with a burst every 23 hops.
fn bursts(i: usize) -> Option<f32> {
    let bed = 1e-4 * (1.0 + ((i * 7919) % 13) as f32 / 13.0);
    Some(if i.is_multiple_of(23) {
        bed * 40.0
    } else {
        bed
    })
}

#[test]
fn no_air_is_process_hop_bit_for_bit() {
    let x = music();
    let plain = common::analyse(Config::DEFAULT, &x);
    assert!(plain.iter().any(|s| s.beat) && plain.iter().any(|s| s.onset));
    assert!(run(&x, |_| None) == plain);
    // Air that is not a finite power counts as none.
    let junk = [f32::NAN, f32::INFINITY, -1.0];
    assert!(run(&x, |i| Some(junk[i % 3])) == plain);
}

#[test]
fn air_changes_onsets_and_never_the_beat() {
    let x = music();
    let plain = common::analyse(Config::DEFAULT, &x);
    let aired = run(&x, bursts);
    let beat = |s: &Snapshot| {
        (
            s.bpm.to_bits(),
            s.confidence.to_bits(),
            s.beat_phase.to_bits(),
            s.beat,
            s.tempo_magnitude.map(f32::to_bits),
            s.tempo_phase.map(f32::to_bits),
        )
    };
    for (hop, (p, a)) in plain.iter().zip(&aired).enumerate() {
        assert!(beat(p) == beat(a), "the beat moved at hop {hop}");
        assert_eq!(p.spectrum, a.spectrum);
    }
    let onsets = |v: &[Snapshot]| v.iter().filter(|s| s.onset).count();
    assert!(
        onsets(&aired) > onsets(&plain),
        "{} onsets with air, {} without",
        onsets(&aired),
        onsets(&plain)
    );
}

#[test]
fn air_alone_marks_hats_the_sixteen_bands_cannot_hear() {
    // A steady tone: nothing rises in the analysed band. Hats every 19 hops (95 ms) rise only
    // in the air band, 15 dB over its bed, once the detector has settled (1.5 s).
    let rate = Config::DEFAULT.sample_rate;
    let x = common::sine(440.0, 0.5, rate, rate as usize * 6);
    let hat = |i: usize| i >= 300 && i.is_multiple_of(19);
    let air = |i: usize| Some(if hat(i) { 3e-3 } else { 1e-4 });
    let plain = run(&x, |_| None);
    let aired = run(&x, air);
    let late = |v: &[Snapshot]| -> Vec<usize> {
        (100..v.len()).filter(|&i| v[i].onset).collect::<Vec<_>>()
    };
    assert_eq!(late(&plain), Vec::<usize>::new());
    // The first hat is the band's first peak, which lifts its relative floor (30 dB under
    // the peak) with it, as in every band: it shows no rise. Every later one is an onset.
    let hats: Vec<usize> = (100..aired.len()).filter(|&i| hat(i)).skip(1).collect();
    assert!(hats.len() > 40);
    let found = late(&aired);
    assert!(
        found == hats || found.get(1..) == Some(&hats[..]),
        "{found:?}"
    );
}
