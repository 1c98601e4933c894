//! Prints the spectrum's bin table (note, centre, decimation stage, window, delay, update cadence)
//! as Markdown, for `docs/spectrum.md`: `cargo run -p k1-core --example bin_table [RATE]`.

use k1_core::dsp::spectrum::Spectrum;
use k1_core::{Config, NUM_BINS};

const NAMES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

fn main() {
    let config = match std::env::args().nth(1).as_deref() {
        Some("16000") => Config::RATE_16K,
        _ => Config::DEFAULT,
    };
    let spectrum = Box::new(Spectrum::new(&config).expect("valid config"));
    let rate = config.sample_rate;
    println!(
        "| bin | note | MIDI | centre Hz | stage rate Hz | window samples | window ms | delay ms | updated every ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (k, plan) in spectrum.plan().iter().enumerate().take(NUM_BINS) {
        let midi = config.lowest_note as usize + k;
        let name = format!("{}{}", NAMES[midi % 12], midi / 12 - 1);
        let stage_rate = rate as f32 / (1u32 << plan.stage) as f32;
        let window = plan.window_seconds(rate);
        // Half the window, plus the half-band cascade's group delay (13 samples per stage).
        let cascade: f32 = (0..plan.stage as u32)
            .map(|s| 13.0 * (1u32 << s) as f32)
            .sum::<f32>()
            / rate as f32;
        println!(
            "| {k} | {name} | {midi} | {:.2} | {stage_rate:.0} | {} | {:.1} | {:.1} | {:.0} |",
            config.bin_frequency(k),
            2 * plan.half as usize + 1,
            window * 1000.0,
            (window / 2.0 + cascade) * 1000.0,
            plan.period as f32 * 1000.0 / config.hop_rate()
        );
    }
}
