//! Every supported input rate delivers every note of the spectrum at the level 44.1 kHz does.
//!
//! A tone on each of the 64 bins' notes goes through [`StreamResampler`] (input rate to the
//! engine rate) and then the analyser's own semitone [`Spectrum`]; the bin's linear amplitude
//! must be within ±1 dB of the 44.1 kHz result. All 64 notes lie below the Nyquist limit of the
//! lowest supported rate (C7 = 2,093 Hz < 4 kHz), so no rate is excused. To stay fast in a debug
//! build, each run plays a chord of notes [`SPACING`] semitones apart (far enough apart for the
//! bins' windows not to hear each other) for [`SECONDS`], long enough to fill the lowest bin's
//! window.

use k1_core::Config;
use k1_core::dsp::spectrum::Spectrum;
use k1_io::sources::StreamResampler;

/// Input rates tested: every common rate from 8 to 192 kHz.
const RATES: [u32; 11] = [
    8_000, 11_025, 16_000, 22_050, 32_000, 44_100, 48_000, 88_200, 96_000, 176_400, 192_000,
];
/// Semitones between the notes of one chord.
const SPACING: usize = 3;
/// Length of each chord, seconds.
const SECONDS: f64 = 0.8;
/// Amplitude of each note of a chord.
const AMPLITUDE: f64 = 0.05;
/// The largest level difference from 44.1 kHz allowed, dB.
const TOLERANCE_DB: f32 = 1.0;

/// The 64 bin amplitudes after playing, at `rate`, each chord of notes `offset + SPACING·i`
/// (only that chord's bins are taken from each run).
fn levels(config: &Config, rate: u32) -> Vec<f32> {
    let mut out = vec![0.0f32; k1_core::NUM_BINS];
    for offset in 0..SPACING {
        let notes: Vec<usize> = (offset..k1_core::NUM_BINS).step_by(SPACING).collect();
        let freqs: Vec<f64> = notes
            .iter()
            .map(|&k| f64::from(config.bin_frequency(k)))
            .collect();
        let len = (f64::from(rate) * SECONDS) as usize;
        let input: Vec<f32> = (0..len)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                freqs
                    .iter()
                    .map(|f| (std::f64::consts::TAU * f * t).sin() * AMPLITUDE)
                    .sum::<f64>() as f32
            })
            .collect();
        let mut resampler = StreamResampler::new(rate, config.sample_rate).unwrap();
        let mut engine = Vec::new();
        // No `finish`: its flush would put the tone's abrupt end into the newest windows.
        resampler.push(&input, &mut engine).unwrap();
        let mut spectrum = Spectrum::new(config).unwrap();
        spectrum.push_block(&engine);
        let magnitudes = spectrum.compute_all();
        for &k in &notes {
            out[k] = magnitudes[k];
        }
    }
    out
}

fn db(x: f32) -> f32 {
    20.0 * x.max(1e-9).log10()
}

fn check(config: Config) {
    let reference = levels(&config, 44_100);
    // The reference itself must hear every note at about the level played.
    for (k, &level) in reference.iter().enumerate() {
        let off = db(level) - db(AMPLITUDE as f32);
        assert!(off.abs() < 1.0, "44.1 kHz: bin {k} reads {off:+.2} dB");
    }
    let mut failures = Vec::new();
    for rate in RATES {
        let got = levels(&config, rate);
        for (k, (&g, &r)) in got.iter().zip(&reference).enumerate() {
            let diff = db(g) - db(r);
            if diff.abs() > TOLERANCE_DB {
                failures.push(format!(
                    "{rate} Hz, bin {k} ({:.0} Hz): {diff:+.2} dB",
                    config.bin_frequency(k)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "engine rate {}: {} notes off by more than {TOLERANCE_DB} dB:\n{}",
        config.sample_rate,
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_input_rate_keeps_every_note_at_the_12k8_engine_rate() {
    check(Config::DEFAULT);
}

#[test]
fn every_input_rate_keeps_every_note_at_the_16k_engine_rate() {
    check(Config::RATE_16K);
}
