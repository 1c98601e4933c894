//! What several subcommands share, below both stages: the engine settings (`--rate`,
//! `--lowest-note`) as arguments and as a checked [`Config`], durations, and the offline input
//! (a file or the demo). Imports nothing from the other `cli` modules but [`UsageError`].

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;
use k1_core::Config;

use super::UsageError;

/// How many times `--demo` plays the demo loop.
pub const DEMO_LOOPS: u32 = 2;

/// The engine rates K1 supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RateArg {
    /// 12,800 Hz with a 64-sample hop (5 ms).
    #[value(name = "12800")]
    R12800,
    /// 16,000 Hz with a 128-sample hop (8 ms).
    #[value(name = "16000")]
    R16000,
}

/// Engine settings shared by every command that runs the core.
#[derive(Debug, clap::Args)]
pub struct EngineArgs {
    /// Engine sample rate in Hz (16000 uses a 128-sample hop).
    #[arg(long, value_enum, default_value = "12800")]
    pub rate: RateArg,
    /// MIDI note of the lowest of the 64 spectrum bins [default: 33 = A1, 55 Hz].
    #[arg(long, value_name = "MIDI", value_parser = clap::value_parser!(u8).range(21..=127))]
    pub lowest_note: Option<u8>,
}

/// A duration such as `30s`, `500ms`, `2m` or a plain number of seconds; more than zero.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let d = match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs < 1e9 => Duration::from_secs_f64(secs),
        Ok(_) => return Err("must be more than 0 seconds".into()),
        Err(_) => humantime::parse_duration(text.trim()).map_err(|e| e.to_string())?,
    };
    if d.is_zero() {
        return Err("must be more than 0 seconds".into());
    }
    Ok(d)
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
