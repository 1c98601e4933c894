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
    /// MIDI note of the lowest of the 64 spectrum bins: 21..=43 at --rate 12800, 21..=47 at
    /// 16000 (the top bin must stay under 0.3 x the rate) [default: 33 = A1, 55 Hz].
    #[arg(long, value_name = "MIDI", value_parser = clap::value_parser!(u8).range(21..=127))]
    pub lowest_note: Option<u8>,
}

/// The longest `DURATION` taken: 10 years (of 365.25 days). Longer ones would overflow the
/// engine's clocks.
pub const MAX_DURATION: Duration = Duration::from_secs(10 * 31_557_600);

/// A duration such as `30s`, `500ms`, `2m` or a plain number of seconds; more than zero and at
/// most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let too_long = || format!("'{text}' is too long: at most 10 years");
    let d = match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 => {
            Duration::try_from_secs_f64(secs).map_err(|_| too_long())?
        }
        Ok(_) => return Err("must be more than 0 seconds".into()),
        Err(_) => humantime::parse_duration(text.trim()).map_err(|e| match e {
            humantime::DurationError::NumberOverflow => too_long(),
            other => other.to_string(),
        })?,
    };
    if d.is_zero() {
        return Err("must be more than 0 seconds".into());
    }
    if d > MAX_DURATION {
        return Err(too_long());
    }
    Ok(d)
}

/// The `--lowest-note` values the core accepts at `config`'s rate, as an inclusive range.
pub fn lowest_note_range(config: &Config) -> Option<(u8, u8)> {
    let valid = |note: u8| {
        Config {
            lowest_note: note,
            ..*config
        }
        .validate()
        .is_ok()
    };
    let low = (0..=127).find(|&n| valid(n))?;
    let high = (low..=127).take_while(|&n| valid(n)).last()?;
    Some((low, high))
}

/// The engine configuration for `--rate` and `--lowest-note`, checked by the core; a note out of
/// range names the valid range at that rate.
pub fn engine_config(engine: &EngineArgs) -> Result<Config, UsageError> {
    let mut config = match engine.rate {
        RateArg::R12800 => Config::DEFAULT,
        RateArg::R16000 => Config::RATE_16K,
    };
    if let Some(note) = engine.lowest_note {
        config.lowest_note = note;
    }
    config.validate().map_err(|e| match engine.lowest_note {
        Some(note) => match lowest_note_range(&config) {
            Some((low, high)) => UsageError(format!(
                "--lowest-note {note} is out of range at --rate {}: the valid range is \
                 {low}..={high} ({e})",
                config.sample_rate
            )),
            None => UsageError(format!("invalid engine settings: {e}")),
        },
        None => UsageError(format!("invalid engine settings: {e}")),
    })?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(rate: RateArg, note: u8) -> EngineArgs {
        EngineArgs {
            rate,
            lowest_note: Some(note),
        }
    }

    #[test]
    fn the_lowest_note_range_is_the_one_in_the_help() {
        assert_eq!(lowest_note_range(&Config::DEFAULT), Some((21, 43)));
        assert_eq!(lowest_note_range(&Config::RATE_16K), Some((21, 47)));
        assert!(engine_config(&engine(RateArg::R12800, 43)).is_ok());
        let e = engine_config(&engine(RateArg::R12800, 44)).unwrap_err().0;
        assert!(
            e.contains("--lowest-note 44") && e.contains("21..=43") && e.contains("12800"),
            "{e}"
        );
        let e = engine_config(&engine(RateArg::R16000, 127)).unwrap_err().0;
        assert!(e.contains("21..=47"), "{e}");
    }

    #[test]
    fn durations_that_would_overflow_are_refused() {
        assert_eq!(parse_duration("10y"), Ok(MAX_DURATION));
        for text in [
            "1000y",
            "11y",
            "315576001",
            "1e30",
            "99999999999999999999999h",
        ] {
            let e = parse_duration(text).unwrap_err();
            assert!(e.contains("too long: at most 10 years"), "{text}: {e}");
        }
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
    }
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
