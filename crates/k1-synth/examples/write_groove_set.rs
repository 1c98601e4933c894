//! Writes the groove set and the no-pulse signals as audio files with their truth, so that
//! `k1 eval` scores K1 on them like on any annotated music:
//!
//! ```sh
//! cargo run --release -p k1-synth --example write_groove_set -- /tmp/grooves
//! k1 eval /tmp/grooves/validation      # the part never tuned on
//! k1 eval /tmp/grooves/tuning
//! k1 eval /tmp/grooves/no_pulse
//! ```
//!
//! Each clip is a 44.1 kHz 32-bit float mono WAV, `<name>.wav`, beside `<name>.beats` (one beat
//! time per line, seconds), `<name>.bpm` (the median tempo over the last two thirds of the beats;
//! 0 where there is no pulse) and `<name>.onsets` (every drum hit and keys note; none for the
//! no-pulse signals, which have no onset truth).

use k1_synth::groove_set::{Part, groove_set};
use k1_synth::signals::no_pulse_set;
use std::path::{Path, PathBuf};

const RATE: u32 = 44_100;

fn write_wav(path: &Path, samples: &[f32]) -> Result<(), String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let fail = |e: hound::Error| format!("{}: {e}", path.display());
    let mut w = hound::WavWriter::create(path, spec).map_err(fail)?;
    for &s in samples {
        w.write_sample(s).map_err(fail)?;
    }
    w.finalize().map_err(fail)
}

fn write_times(path: &Path, times: &[f64]) -> Result<(), String> {
    let text: String = times.iter().map(|t| format!("{t:.6}\n")).collect();
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `dir/name.ext`, appending the extension (names contain dots, such as `119.2bpm`).
fn file(dir: &Path, name: &str, ext: &str) -> PathBuf {
    dir.join(format!("{name}.{ext}"))
}

fn create(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn run(out: &Path) -> Result<(), String> {
    for (part, label) in [(Part::Tuning, "tuning"), (Part::Validation, "validation")] {
        let dir = out.join(label);
        create(&dir)?;
        for case in groove_set(part) {
            let g = case.render(RATE);
            let n = g.beat_bpm.len();
            let mut tail = g.beat_bpm[n / 3..].to_vec();
            tail.sort_by(f64::total_cmp);
            let bpm = tail.get(tail.len() / 2).copied().unwrap_or(0.0);
            write_wav(&file(&dir, &case.name, "wav"), &g.clip.samples)?;
            write_times(&file(&dir, &case.name, "beats"), &g.clip.beats)?;
            write_times(&file(&dir, &case.name, "onsets"), &g.clip.onsets)?;
            write_times(&file(&dir, &case.name, "bpm"), &[bpm])?;
        }
    }
    let dir = out.join("no_pulse");
    create(&dir)?;
    for signal in no_pulse_set() {
        write_wav(&file(&dir, signal.name, "wav"), &signal.render(RATE))?;
        write_times(&file(&dir, signal.name, "beats"), &[])?;
        write_times(&file(&dir, signal.name, "bpm"), &[0.0])?;
    }
    Ok(())
}

fn main() {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: write_groove_set OUT_DIR");
        std::process::exit(2);
    };
    if let Err(e) = run(Path::new(&out)) {
        eprintln!("write_groove_set: {e}");
        std::process::exit(1);
    }
}
