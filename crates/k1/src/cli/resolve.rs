//! High-level arguments: the low-level args resolved into ready-to-run jobs.
//!
//! This is where values are checked against each other and against the core (`Config::validate`)
//! and where referenced settings files (the noise profile) are loaded. A bad value is a
//! [`UsageError`] (exit 2); a file that cannot be read is a runtime error (exit 1).

use std::path::PathBuf;

use anyhow::Context;
use k1_core::{Config, NoiseFloor};

use super::UsageError;
use super::args::{
    AnalyzeArgs, Args, BenchAnalyzeArgs, BenchArgs, CalibrateArgs, CommandArgs, EngineArgs, RateArg,
};

/// How many times `--demo` plays the demo loop.
pub const DEMO_LOOPS: u32 = 2;
/// The longest calibration accepted, in seconds.
pub const MAX_CALIBRATION_SECONDS: f64 = 600.0;

/// A resolved command, ready to run.
#[derive(Debug)]
pub enum Command {
    /// `k1 analyze` (boxed: it carries a whole noise floor).
    Analyze(Box<AnalyzeJob>),
    /// `k1 calibrate`.
    Calibrate(CalibrateJob),
    /// `k1 bench analyze`.
    BenchAnalyze(BenchJob),
}

/// Where the audio comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// An audio file.
    File(PathBuf),
    /// The synthetic demo loop, played this many times.
    Demo {
        /// Repetitions.
        loops: u32,
    },
}

/// What `k1 analyze` writes besides the summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outputs {
    /// Print JSON instead of the human summary.
    pub json: bool,
    /// Beat times file.
    pub beats: Option<PathBuf>,
    /// Onset times file.
    pub onsets: Option<PathBuf>,
    /// Per-hop feature CSV file.
    pub features_csv: Option<PathBuf>,
}

/// `k1 analyze`, resolved.
#[derive(Debug)]
pub struct AnalyzeJob {
    /// The audio.
    pub input: Input,
    /// The checked engine configuration.
    pub config: Config,
    /// A noise floor to install before the first hop.
    pub noise_floor: Option<NoiseFloor>,
    /// What to write.
    pub outputs: Outputs,
}

/// `k1 calibrate`, resolved.
#[derive(Debug)]
pub struct CalibrateJob {
    /// The room-noise recording.
    pub file: PathBuf,
    /// Seconds to learn from (finite, > 0).
    pub seconds: f64,
    /// Where to write the profile.
    pub output: PathBuf,
    /// The checked engine configuration.
    pub config: Config,
}

/// `k1 bench analyze`, resolved.
#[derive(Debug)]
pub struct BenchJob {
    /// The audio to time.
    pub input: Input,
    /// The checked engine configuration.
    pub config: Config,
    /// Core-only repetitions.
    pub repeat: u32,
}

/// Resolves parsed arguments into a job.
pub fn resolve(args: Args) -> anyhow::Result<Command> {
    match args.command {
        CommandArgs::Analyze(a) => Ok(Command::Analyze(Box::new(analyze(a)?))),
        CommandArgs::Calibrate(c) => Ok(Command::Calibrate(calibrate(c)?)),
        CommandArgs::Bench(BenchArgs::Analyze(b)) => Ok(Command::BenchAnalyze(bench(b)?)),
    }
}

/// The engine configuration for `--rate` and `--lowest-note`, checked by the core.
pub fn engine_config(engine: &EngineArgs) -> Result<Config, UsageError> {
    let mut config = match engine.rate {
        RateArg::R12800 => Config::DEFAULT,
        RateArg::R16000 => Config::RATE_16K,
    };
    if let Some(note) = engine.lowest_note {
        config.lowest_note = note;
    }
    config
        .validate()
        .map_err(|e| UsageError(format!("invalid engine settings: {e}")))?;
    Ok(config)
}

fn analyze(a: AnalyzeArgs) -> anyhow::Result<AnalyzeJob> {
    let config = engine_config(&a.engine)?;
    let input = match (a.file, a.demo) {
        (Some(file), false) => Input::File(file),
        (None, true) => Input::Demo { loops: DEMO_LOOPS },
        _ => return Err(UsageError("give either FILE or --demo".into()).into()),
    };
    let noise_floor = match &a.noise_profile {
        Some(path) => Some(crate::noise::load(path).context("loading --noise-profile")?),
        None => None,
    };
    Ok(AnalyzeJob {
        input,
        config,
        noise_floor,
        outputs: Outputs {
            json: a.json,
            beats: a.beats,
            onsets: a.onsets,
            features_csv: a.features_csv,
        },
    })
}

fn calibrate(c: CalibrateArgs) -> anyhow::Result<CalibrateJob> {
    let config = engine_config(&c.engine)?;
    if !(c.seconds.is_finite() && c.seconds > 0.0 && c.seconds <= MAX_CALIBRATION_SECONDS) {
        return Err(UsageError(format!(
            "--seconds must be more than 0 and at most {MAX_CALIBRATION_SECONDS}, got {}",
            c.seconds
        ))
        .into());
    }
    Ok(CalibrateJob {
        file: c.file,
        seconds: c.seconds,
        output: c.output,
        config,
    })
}

fn bench(b: BenchAnalyzeArgs) -> anyhow::Result<BenchJob> {
    let config = engine_config(&b.engine)?;
    let input = match b.file {
        Some(file) => Input::File(file),
        None => match crate::corpus::locate() {
            Ok(dir) if dir.join(DEFAULT_BENCH_CLIP).is_file() => {
                Input::File(dir.join(DEFAULT_BENCH_CLIP))
            }
            _ => {
                crate::messages::note(format!(
                    "corpus clip {DEFAULT_BENCH_CLIP} not found; timing the demo loop"
                ));
                Input::Demo { loops: DEMO_LOOPS }
            }
        },
    };
    Ok(BenchJob {
        input,
        config,
        repeat: b.repeat,
    })
}

/// The corpus clip `k1 bench analyze` times by default.
pub const DEFAULT_BENCH_CLIP: &str = "real/lincity_pronobozo.flac";

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn resolve_args(args: &[&str]) -> anyhow::Result<Command> {
        resolve(Args::try_parse_from(std::iter::once("k1").chain(args.iter().copied())).unwrap())
    }

    #[test]
    fn rate_16000_uses_hop_128() {
        match resolve_args(&["analyze", "--demo", "--rate", "16000"]).unwrap() {
            Command::Analyze(job) => {
                assert_eq!(job.config, Config::RATE_16K);
                assert_eq!(job.input, Input::Demo { loops: DEMO_LOOPS });
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_lowest_note_too_high_for_the_rate_is_a_usage_error() {
        // 64 notes from MIDI 100 reach far above 0.3 x 12800 Hz.
        let err = resolve_args(&["analyze", "--demo", "--lowest-note", "100"]).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err:#}");
    }

    #[test]
    fn a_missing_noise_profile_is_a_runtime_error() {
        let err = resolve_args(&[
            "analyze",
            "--demo",
            "--noise-profile",
            "/nonexistent/n.json",
        ])
        .unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_none());
        assert!(format!("{err:#}").contains("/nonexistent/n.json"));
    }

    #[test]
    fn calibration_seconds_are_checked() {
        for bad in ["0", "-1", "NaN", "inf", "1000"] {
            let seconds = format!("--seconds={bad}");
            let args = ["calibrate", "room.wav", "-o", "n.json", seconds.as_str()];
            let err = resolve_args(&args).unwrap_err();
            assert!(err.downcast_ref::<UsageError>().is_some(), "{bad}");
        }
        assert!(
            resolve_args(&["calibrate", "room.wav", "-o", "n.json", "--seconds", "2.5"]).is_ok()
        );
    }
}
