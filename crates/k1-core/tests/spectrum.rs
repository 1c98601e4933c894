//! The semitone spectrum keeps its promises: every bin centred on its note, neighbours 12 dB down,
//! sine amplitude read correctly, agreement with a plainly-right direct DFT, and no false notes
//! from silence, noise, DC or clipping.

mod common;

use common::{analyse, db, sine, white_noise};
use k1_core::dsp::spectrum::Spectrum;
use k1_core::{Config, NUM_BINS};

/// Raw magnitudes after feeding `signal` through a fresh spectrum.
fn magnitudes(config: &Config, signal: &[f32]) -> [f32; NUM_BINS] {
    let mut s = Box::new(Spectrum::new(config).unwrap());
    for &x in signal {
        s.push(x);
    }
    *s.compute_all()
}

fn check_every_note(config: Config) {
    let rate = config.sample_rate;
    let len = (rate as f32 * 1.5) as usize;
    for k in 0..NUM_BINS {
        let f = config.bin_frequency(k);
        let m = magnitudes(&config, &sine(f, 0.5, rate, len));
        let peak = (0..NUM_BINS)
            .max_by(|&a, &b| m[a].total_cmp(&m[b]))
            .unwrap();
        assert_eq!(peak, k, "tone at bin {k} ({f:.1} Hz) peaks in bin {peak}");
        assert!(
            (m[k] - 0.5).abs() < 0.01,
            "bin {k}: amplitude 0.5 reads {}",
            m[k]
        );
        for n in [k.wrapping_sub(1), k + 1] {
            if n < NUM_BINS {
                let d = db(m[n] / m[k]);
                assert!(d <= -12.0, "bin {k}: neighbour {n} only {d:.1} dB down");
            }
        }
    }
}

#[test]
fn a_tone_on_every_note_peaks_in_its_bin_with_neighbours_12_db_down() {
    check_every_note(Config::DEFAULT);
}

#[test]
fn every_note_at_16_khz() {
    check_every_note(Config::RATE_16K);
}

#[test]
fn a_tone_halfway_between_notes_splits_between_them() {
    let config = Config::DEFAULT;
    for k in [0, 10, 23, 40, 62] {
        let f = (config.bin_frequency(k) * config.bin_frequency(k + 1)).sqrt();
        let m = magnitudes(&config, &sine(f, 0.5, config.sample_rate, 20_000));
        let mut order: Vec<usize> = (0..NUM_BINS).collect();
        order.sort_by(|&a, &b| m[b].total_cmp(&m[a]));
        let mut top = [order[0], order[1]];
        top.sort();
        assert_eq!(
            top,
            [k, k + 1],
            "half-way tone above bin {k} lands in {top:?}"
        );
        let split = db(m[k] / m[k + 1]).abs();
        assert!(
            split < 1.5,
            "half-way tone above bin {k}: bins differ by {split:.2} dB"
        );
        let third = db(m[order[2]] / m[k]);
        assert!(
            third < -10.0,
            "half-way tone above bin {k}: third bin only {third:.1} dB down"
        );
    }
}

/// Direct windowed DFT at the full rate: the plainly right reference, O(N) per bin.
fn reference_magnitude(signal: &[f32], f: f32, rate: f32, seconds: f32, delay: usize) -> f32 {
    let n = (seconds * rate).round() as usize;
    let end = signal.len() - delay;
    let x = &signal[end - n..end];
    let (mut re, mut im, mut sum_w) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * (i as f64 + 0.5) / n as f64).cos();
        let p = 2.0 * std::f64::consts::PI * f as f64 * i as f64 / rate as f64;
        re += w * v as f64 * p.cos();
        im += w * v as f64 * p.sin();
        sum_w += w;
    }
    (2.0 * (re * re + im * im).sqrt() / sum_w) as f32
}

#[test]
fn decimated_spectrum_matches_a_direct_dft() {
    let config = Config::DEFAULT;
    let rate = config.sample_rate;
    let len = rate as usize * 2;
    // Three steady notes plus noise, so every bin sees real content and leakage.
    let mut x = white_noise(0.01, 7, len);
    for (f, a) in [(98.0, 0.3), (523.25, 0.2), (1396.9, 0.1)] {
        for (v, s) in x.iter_mut().zip(sine(f, a, rate, len)) {
            *v += s;
        }
    }
    let mut s = Box::new(Spectrum::new(&config).unwrap());
    for &v in &x {
        s.push(v);
    }
    let fast = *s.compute_all();
    let plan = *s.plan();
    for k in 0..NUM_BINS {
        let f = config.bin_frequency(k);
        let secs = plan[k].window_seconds(rate);
        // The decimated signal lags the input by the cascade's group delay (13 samples per stage).
        let delay: usize = (0..plan[k].stage as usize).map(|s| 13 << s).sum();
        let r = reference_magnitude(&x, f, rate as f32, secs, delay);
        // Steady tones: agreement to 0.5 dB where there is signal, 0.002 absolute in the noise.
        let err = (fast[k] - r).abs();
        assert!(
            err < 0.06 * r.max(0.033),
            "bin {k} ({f:.1} Hz, stage {}): fast {} vs direct {r}",
            plan[k].stage,
            fast[k]
        );
    }
}

#[test]
fn silence_gives_a_zero_spectrum_no_onsets_and_the_silence_flag() {
    let snaps = analyse(Config::DEFAULT, &vec![0.0; 12_800 * 3]);
    for s in &snaps {
        assert!(s.spectrum.iter().all(|&v| v == 0.0));
        assert!(s.chroma.iter().all(|&v| v == 0.0));
        assert!(!s.onset && !s.beat);
        assert_eq!(s.vu, 0.0);
    }
    assert!(snaps.iter().skip(20).all(|s| s.silent));
}

/// Fraction of hops in which bin `k` is a clear local peak (6 dB above both neighbours) in the
/// smoothed spectrum, per bin.
fn peak_persistence(snaps: &[k1_core::Snapshot]) -> Vec<f32> {
    let mut count = vec![0usize; NUM_BINS];
    for s in snaps {
        let m = &s.spectrum_smooth;
        for k in 1..NUM_BINS - 1 {
            if m[k] > 0.05 && db(m[k] / m[k - 1]) > 6.0 && db(m[k] / m[k + 1]) > 6.0 {
                count[k] += 1;
            }
        }
    }
    count
        .iter()
        .map(|&c| c as f32 / snaps.len() as f32)
        .collect()
}

#[test]
fn white_noise_gives_no_stable_notes() {
    let snaps = analyse(Config::DEFAULT, &white_noise(0.1, 3, 12_800 * 6));
    let steady = &snaps[400..];
    let p = peak_persistence(steady);
    let worst = p.iter().cloned().fold(0.0, f32::max);
    assert!(
        worst < 0.2,
        "a bin stood out as a note in {:.0}% of hops",
        worst * 100.0
    );
    // A real note, for contrast, stands out nearly all the time.
    let tone = analyse(Config::DEFAULT, &sine(220.0, 0.3, 12_800, 12_800 * 3));
    let p = peak_persistence(&tone[300..]);
    assert!(
        p[24] > 0.9,
        "A3 stood out only {:.0}% of hops",
        p[24] * 100.0
    );
}

#[test]
fn dc_offset_creates_no_notes() {
    let mut x = white_noise(0.0005, 9, 12_800 * 3);
    for v in &mut x {
        *v += 0.5;
    }
    let snaps = analyse(Config::DEFAULT, &x);
    let last = snaps.last().unwrap();
    assert!(last.silent, "a DC offset over faint noise is not silence");
    assert!(last.spectrum.iter().all(|&v| v == 0.0));
}

#[test]
fn hard_clipping_creates_no_false_notes() {
    // A 220 Hz tone driven 20 dB into hard clipping: only its odd harmonics may appear.
    let config = Config::DEFAULT;
    let x: Vec<f32> = sine(220.0, 10.0, 12_800, 12_800 * 3)
        .into_iter()
        .map(|v| v.clamp(-1.0, 1.0))
        .collect();
    let snaps = analyse(config, &x);
    let m = snaps.last().unwrap().spectrum;
    let peak = (0..NUM_BINS)
        .max_by(|&a, &b| m[a].total_cmp(&m[b]))
        .unwrap();
    assert_eq!(peak, 24, "clipped A3 peaks in bin {peak}");
    for (k, &mk) in m.iter().enumerate() {
        let f = config.bin_frequency(k);
        let h = f / 220.0;
        let near_odd_harmonic =
            (h.round() as i32 % 2 == 1) && (1200.0 * (h / h.round()).log2()).abs() < 150.0;
        if !near_odd_harmonic {
            assert!(
                mk < 0.1,
                "bin {k} ({f:.0} Hz) reads {mk} from a clipped 220 Hz tone"
            );
        }
    }
}

/// Per hop, the spectrum recomputes only the bins that are due; over one cycle it recomputes every
/// bin exactly at its cadence, and each value it reports is what a full evaluation gave on the
/// hop it was due.
#[test]
fn bins_update_at_their_cadence_and_agree_with_a_full_evaluation() {
    for config in [Config::DEFAULT, Config::RATE_16K] {
        let rate = config.sample_rate;
        let x = {
            let len = rate as usize * 2;
            let mut x = white_noise(0.05, 3, len);
            for (v, s) in x.iter_mut().zip(sine(220.0, 0.3, rate, len)) {
                *v += s;
            }
            x
        };
        let mut cadenced = Box::new(Spectrum::new(&config).unwrap());
        let mut full = Box::new(Spectrum::new(&config).unwrap());
        let plan = *cadenced.plan();
        let mut last_full = [[0.0f32; NUM_BINS]; 64];
        let mut updates = [0usize; NUM_BINS];
        let mut prev = [f32::NAN; NUM_BINS];
        let hops = x.len() / config.hop;
        for (h, block) in x.chunks_exact(config.hop).enumerate() {
            for &v in block {
                cadenced.push(v);
                full.push(v);
            }
            let got = *cadenced.compute();
            last_full[h % 64] = *full.compute_all();
            for k in 0..NUM_BINS {
                let p = plan[k].period as usize;
                assert!(p.is_power_of_two() && (plan[k].slot as usize) < p);
                // The value reported now is the full evaluation of the hop it was last due.
                if h >= p {
                    let due = h - (h + p - plan[k].slot as usize) % p;
                    assert_eq!(got[k], last_full[due % 64][k], "bin {k} at hop {h}");
                }
                if got[k] != prev[k] {
                    updates[k] += 1;
                }
                prev[k] = got[k];
            }
        }
        for k in 0..NUM_BINS {
            // Bins of a stage that takes in at least UPDATE_SAMPLES new samples per hop update
            // every hop; no bin waits longer than UPDATE_SAMPLES stage samples.
            let per_hop = config.hop >> plan[k].stage;
            let p = plan[k].period as usize;
            assert!(p == 1 || p * per_hop <= k1_core::dsp::spectrum::UPDATE_SAMPLES);
            let want = hops.div_ceil(p);
            assert!(
                updates[k] + 1 >= want && updates[k] <= want + 1,
                "bin {k}: {} changes in {hops} hops, period {p}",
                updates[k]
            );
        }
        // Bins above ~480 Hz (stages that gain ≥ 16 samples a hop) update every hop; the lowest
        // bins far less often.
        assert!(
            plan.iter()
                .all(|b| (b.period == 1) == (config.hop >> b.stage >= 16))
        );
        assert!(plan[0].period >= 8);
    }
}

/// The bins due on a hop are spread out: the busiest hop evaluates at most 60 % (12.8 kHz) or
/// 75 % (16 kHz, whose longer hop updates more bins every hop) of the work of evaluating every
/// bin (window lengths summed), and never more than the least busy hop plus the longest window.
#[test]
fn the_cadence_spreads_work_evenly_over_hops() {
    for (config, percent) in [(Config::DEFAULT, 60), (Config::RATE_16K, 75)] {
        let s = Box::new(Spectrum::new(&config).unwrap());
        let plan = s.plan();
        let total: usize = plan.iter().map(|b| b.half as usize).sum();
        let longest = plan.iter().map(|b| b.half as usize).max().unwrap();
        let load: Vec<usize> = (0..64)
            .map(|h| {
                plan.iter()
                    .filter(|b| h % b.period as usize == b.slot as usize)
                    .map(|b| b.half as usize)
                    .sum()
            })
            .collect();
        let (min, max) = (*load.iter().min().unwrap(), *load.iter().max().unwrap());
        assert!(
            max * 100 <= total * percent,
            "{}: busiest hop {max} of {total}",
            config.sample_rate
        );
        assert!(
            max <= min + longest,
            "{}: hops range {min}..{max}",
            config.sample_rate
        );
    }
}
