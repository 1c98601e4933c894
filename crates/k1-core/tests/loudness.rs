//! Loudness handling: range control makes quiet and loud music look alike, the noise floor is
//! learned and subtracted, and bad samples never reach the output.

mod common;

use common::analyse;
use k1_core::{Analyzer, Config, NUM_BINS, NoiseFloor};
use k1_synth::{Song, Style, render};

fn mean(values: impl Iterator<Item = f32>) -> f32 {
    let v: Vec<f32> = values.collect();
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn music_at_minus_30_and_0_dbfs_fills_the_same_range() {
    let clip = render(&Song::new(120.0, Style::Rock), 12_800);
    let peak = clip.samples.iter().fold(0.0f32, |a, &b| a.max(b.abs()));
    let mut stats = Vec::new();
    for dbfs in [0.0f32, -30.0] {
        let gain = 10f32.powf(dbfs / 20.0) / peak;
        let x: Vec<f32> = clip.samples.iter().map(|v| v * gain).collect();
        let snaps = analyse(Config::DEFAULT, &x);
        let tail = &snaps[snaps.len() / 2..];
        let spec_max = mean(
            tail.iter()
                .map(|s| s.spectrum.iter().cloned().fold(0.0, f32::max)),
        );
        let vu = mean(tail.iter().map(|s| s.vu));
        println!("{dbfs} dBFS: mean spectrum peak {spec_max:.3}, mean VU {vu:.3}");
        assert!(spec_max > 0.3, "{dbfs} dBFS: spectrum peak only {spec_max}");
        stats.push((spec_max, vu));
    }
    let (a, b) = (stats[0], stats[1]);
    assert!(
        (a.0 / b.0 - 1.0).abs() < 0.1,
        "spectrum range differs: {a:?} vs {b:?}"
    );
    assert!(
        (a.1 / b.1 - 1.0).abs() < 0.1,
        "VU range differs: {a:?} vs {b:?}"
    );
}

#[test]
fn calibration_learns_the_room_and_hides_it() {
    let rate = 12_800;
    let mut a = Box::new(Analyzer::new(Config::DEFAULT).unwrap());
    // A room: noise at -50 dBFS with a 100 Hz hum at -46 dBFS; louder than the silence threshold.
    let room: Vec<f32> = common::white_noise(0.003, 21, rate * 4)
        .iter()
        .zip(common::sine(100.0, 0.005, rate as u32, rate * 4))
        .map(|(n, h)| n + h)
        .collect();
    let mut before = 0.0;
    for chunk in room[..rate * 2].chunks_exact(64) {
        before = a.process_hop(chunk).unwrap().spectrum.iter().sum::<f32>();
    }
    assert!(
        before > 1.0,
        "the uncalibrated room should show up ({before})"
    );
    a.start_calibration(1.0);
    assert!(a.calibrating());
    for chunk in room[rate * 2..rate * 3].chunks_exact(64) {
        a.process_hop(chunk).unwrap();
    }
    assert!(!a.calibrating());
    let floor = a.noise_floor();
    assert!(floor.calibrated);
    let hum_bin = (0..NUM_BINS)
        .max_by(|&i, &j| floor.bins[i].total_cmp(&floor.bins[j]))
        .unwrap();
    assert!(
        (Config::DEFAULT.bin_frequency(hum_bin) - 100.0).abs() < 4.0,
        "hum in bin {hum_bin}"
    );
    let mut after = 0.0f32;
    for chunk in room[rate * 3..].chunks_exact(64) {
        let s = a.process_hop(chunk).unwrap();
        after = after.max(s.spectrum.iter().cloned().fold(0.0, f32::max));
        assert!(!s.onset);
    }
    assert!(
        after < 0.2,
        "after calibration the room still reads {after}"
    );

    // A saved floor round-trips, and a corrupt one is repaired, not trusted.
    let mut b = Box::new(Analyzer::new(Config::DEFAULT).unwrap());
    b.set_noise_floor(floor);
    assert_eq!(b.noise_floor(), floor);
    let mut bad = floor;
    bad.bins[3] = f32::NAN;
    bad.rms = -1.0;
    b.set_noise_floor(bad);
    assert!(b.noise_floor().bins[3].is_finite() && b.noise_floor().rms >= 0.0);
    assert_eq!(NoiseFloor::DEFAULT.sanitized(), NoiseFloor::DEFAULT);
}

#[test]
fn nan_and_inf_samples_are_counted_and_silenced() {
    let mut x = common::sine(440.0, 0.5, 12_800, 12_800 * 2);
    for i in (0..x.len()).step_by(97) {
        x[i] = if i % 2 == 0 { f32::NAN } else { f32::INFINITY };
    }
    let snaps = analyse(Config::DEFAULT, &x);
    let last = snaps.last().unwrap();
    assert_eq!(last.bad_samples, x.len().div_ceil(97) as u64);
    for s in &snaps {
        assert!(s.spectrum.iter().chain(&s.chroma).all(|v| v.is_finite()));
        assert!(s.vu.is_finite() && s.novelty.is_finite() && s.bpm.is_finite());
    }
    assert_eq!(last.spectrum.iter().cloned().fold(0.0, f32::max), 1.0);
}

#[test]
fn wrong_hop_length_is_an_error_not_a_panic() {
    let mut a = Box::new(Analyzer::new(Config::DEFAULT).unwrap());
    let err = a.process_hop(&[0.0; 63]).unwrap_err();
    assert_eq!((err.expected, err.got), (64, 63));
    assert_eq!(a.snapshot().hop, 0);
}

#[test]
fn bad_configs_are_refused_with_the_reason() {
    use k1_core::ConfigError;
    let base = Config::DEFAULT;
    let cases = [
        (
            Config {
                sample_rate: 4000,
                ..base
            },
            "sample rate",
        ),
        (Config { hop: 0, ..base }, "hop"),
        (Config { hop: 60, ..base }, "hop"),
        (
            Config {
                lowest_note: 90,
                ..base
            },
            "top bin",
        ),
        (
            Config {
                tuning_a4: f32::NAN,
                ..base
            },
            "tuning",
        ),
    ];
    for (config, what) in cases {
        let err: ConfigError = Analyzer::new(config).err().expect("refused");
        let msg = err.to_string();
        assert!(
            msg.contains(what.split(' ').next().unwrap()),
            "{what}: {msg}"
        );
    }
    assert!(
        Analyzer::new(Config {
            lowest_note: 21,
            ..base
        })
        .is_ok()
    );
    assert!(
        Analyzer::new(Config {
            sample_rate: 48_000,
            hop: 256,
            ..base
        })
        .is_ok()
    );
}

#[test]
fn chroma_names_the_chord() {
    // A C major triad (C4, E4, G4): classes 0, 4 and 7 lead.
    let rate = 12_800;
    let mut x = vec![0.0f32; rate * 2];
    for f in [261.63, 329.63, 392.0] {
        for (v, s) in x
            .iter_mut()
            .zip(common::sine(f, 0.2, rate as u32, rate * 2))
        {
            *v += s;
        }
    }
    let snaps = analyse(Config::DEFAULT, &x);
    let c = snaps.last().unwrap().chroma;
    let mut order: Vec<usize> = (0..12).collect();
    order.sort_by(|&a, &b| c[b].total_cmp(&c[a]));
    let mut top = order[..3].to_vec();
    top.sort();
    assert_eq!(top, vec![0, 4, 7], "chroma {c:?}");
    assert!(c[order[3]] < 0.5 * c[order[2]]);
}
