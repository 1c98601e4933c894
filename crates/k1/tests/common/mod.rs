//! Helpers for the integration tests: WAV fixtures written at test time, running the built
//! `k1` binary, and finding the shared corpus.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The result of one `k1` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout parsed as JSON; panics with the whole run on failure.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A settings directory of this test process's own (under cargo's target dir), so `k1 run` in a
/// test never reads or writes the user's `~/.config/k1`.
pub fn config_dir() -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("k1-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the test config dir");
    dir
}

/// The built binary, with the test's own settings directory.
pub fn k1_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_k1"));
    command.env("K1_CONFIG_DIR", config_dir());
    command
}

/// Runs the built binary with `args`.
pub fn k1(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = k1_command().args(args).output().expect("run k1");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Path as &str for argument lists.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// Writes a 16-bit WAV of `frames` frames; `f(frame, channel)` gives each sample in -1..=1.
pub fn write_wav_i16(
    path: &Path,
    rate: u32,
    channels: u16,
    frames: usize,
    f: impl Fn(usize, u16) -> f32,
) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for i in 0..frames {
        for c in 0..channels {
            let v = (f(i, c).clamp(-1.0, 1.0) * 32767.0).round() as i16;
            w.write_sample(v).expect("write sample");
        }
    }
    w.finalize().expect("finalize wav");
}

/// Writes a 32-bit float WAV from interleaved samples (NaN and Inf allowed).
pub fn write_wav_f32(path: &Path, rate: u32, channels: u16, interleaved: &[f32]) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for &v in interleaved {
        w.write_sample(v).expect("write sample");
    }
    w.finalize().expect("finalize wav");
}

/// A quiet 220 Hz tone with a little deterministic noise: something for the analyser to chew.
pub fn tone(i: usize, c: u16, rate: u32) -> f32 {
    let t = i as f32 / rate as f32;
    let noise =
        (((i as u32).wrapping_mul(2_654_435_761) ^ u32::from(c)) >> 16) as f32 / 65536.0 - 0.5;
    0.3 * (2.0 * std::f32::consts::PI * 220.0 * t).sin() + 0.01 * noise
}

/// The shared corpus: `$K1_CORPUS`, else `../../../shared/corpus` from this crate. Panics with
/// the places it looked if neither exists.
pub fn corpus() -> PathBuf {
    let mut tried = Vec::new();
    if let Some(dir) = std::env::var_os("K1_CORPUS") {
        let dir = PathBuf::from(dir);
        if dir.is_dir() {
            return dir;
        }
        tried.push(dir);
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if beside.is_dir() {
        return beside;
    }
    tried.push(beside);
    panic!(
        "the shared audio corpus was not found; looked in {} (set K1_CORPUS to its folder)",
        tried
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );
}
