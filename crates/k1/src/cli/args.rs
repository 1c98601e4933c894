//! Low-level arguments: clap derive structs that only check syntax and ranges.
//!
//! Nothing here opens a file or builds an engine; [`super::resolve`] turns these into ready
//! jobs. Each flag's test sits at the bottom of this file.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// How `bpm` and `confidence` in the summary are computed (shown by `k1 analyze --help`).
const ANALYZE_AFTER_HELP: &str = "\
The global BPM is the tempo the live tracker settled on: over the last two thirds of the file,
the per-hop BPM of every hop with confidence >= 0.2 is put in a histogram of 0.5 BPM bins,
weighted by confidence; the heaviest bin is refined to the confidence-weighted mean of the values
within +-1 BPM of it. The confidence is the mean confidence of those same hops. If no hop
qualifies, BPM and confidence are 0.

Beats and onsets are the hops where the live engine flagged them, timed at the end of the hop
(seconds from the start of the file); nothing looks ahead.

Exit codes: 0 ok, 1 runtime error (unreadable or unsupported file, I/O), 2 usage error.";

/// K1's host tools: analyse audio files the way the LED engine hears them.
#[derive(Debug, Parser)]
#[command(name = "k1", version, about, propagate_version = true)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: CommandArgs,
}

/// The subcommands. (`k1 run`, the live engine, will join them.)
#[derive(Debug, Subcommand)]
pub enum CommandArgs {
    /// Analyse an audio file (WAV, FLAC, MP3, OGG Vorbis): tempo, beats, onsets, features.
    #[command(after_help = ANALYZE_AFTER_HELP)]
    Analyze(AnalyzeArgs),
    /// Learn the room's noise floor from a recording of room noise and save it as JSON.
    Calibrate(CalibrateArgs),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchArgs),
}

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

/// `k1 analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The audio file to analyse.
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    pub file: Option<PathBuf>,
    /// Analyse the built-in synthetic demo loop instead of a file.
    #[arg(long)]
    pub demo: bool,
    /// Print one JSON object (bpm, confidence, beats, onsets, duration, ...) instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Write beat times to PATH, one time in seconds per line.
    #[arg(long, value_name = "PATH")]
    pub beats: Option<PathBuf>,
    /// Write onset times to PATH, one time in seconds per line.
    #[arg(long, value_name = "PATH")]
    pub onsets: Option<PathBuf>,
    /// Write per-hop features to PATH as CSV (time, vu, novelty, bpm, confidence, beat_phase,
    /// spec_0..spec_63, chroma_c..chroma_b).
    #[arg(long, value_name = "PATH")]
    pub features_csv: Option<PathBuf>,
    /// Load the noise floor from PATH (JSON written by `k1 calibrate`).
    #[arg(long, value_name = "PATH")]
    pub noise_profile: Option<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `k1 calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// A recording of room noise (no music).
    pub file: PathBuf,
    /// Seconds of the recording to learn from, from its start.
    #[arg(long, default_value_t = 5.0, value_name = "N")]
    pub seconds: f64,
    /// Where to write the noise profile (JSON); replaced atomically.
    #[arg(short, long, value_name = "PATH")]
    pub output: PathBuf,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `k1 bench ...`.
#[derive(Debug, Subcommand)]
pub enum BenchArgs {
    /// Time decode + resample + analysis of a file, and the core alone per hop.
    Analyze(BenchAnalyzeArgs),
}

/// `k1 bench analyze`.
#[derive(Debug, clap::Args)]
pub struct BenchAnalyzeArgs {
    /// The audio file [default: the corpus clip real/lincity_pronobozo.flac, else the demo loop].
    pub file: Option<PathBuf>,
    /// Times the core-only pass is repeated; the fastest counts.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeat: u32,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("k1").chain(args.iter().copied()))
    }

    fn analyze(args: &[&str]) -> AnalyzeArgs {
        match parse(args).unwrap().command {
            CommandArgs::Analyze(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn file_or_demo_but_not_both() {
        assert_eq!(analyze(&["analyze", "a.wav"]).file, Some("a.wav".into()));
        assert!(analyze(&["analyze", "--demo"]).demo);
        assert!(parse(&["analyze"]).is_err());
        assert!(parse(&["analyze", "a.wav", "--demo"]).is_err());
    }

    #[test]
    fn json_flag() {
        assert!(analyze(&["analyze", "--demo", "--json"]).json);
        assert!(!analyze(&["analyze", "--demo"]).json);
    }

    #[test]
    fn output_paths() {
        let a = analyze(&[
            "analyze",
            "x.flac",
            "--beats",
            "b.txt",
            "--onsets",
            "o.txt",
            "--features-csv",
            "f.csv",
        ]);
        assert_eq!(a.beats, Some("b.txt".into()));
        assert_eq!(a.onsets, Some("o.txt".into()));
        assert_eq!(a.features_csv, Some("f.csv".into()));
    }

    #[test]
    fn rate_is_one_of_two() {
        assert_eq!(analyze(&["analyze", "--demo"]).engine.rate, RateArg::R12800);
        assert_eq!(
            analyze(&["analyze", "--demo", "--rate", "16000"])
                .engine
                .rate,
            RateArg::R16000
        );
        assert!(parse(&["analyze", "--demo", "--rate", "44100"]).is_err());
    }

    #[test]
    fn lowest_note_is_a_midi_note() {
        assert_eq!(
            analyze(&["analyze", "--demo", "--lowest-note", "40"])
                .engine
                .lowest_note,
            Some(40)
        );
        assert!(parse(&["analyze", "--demo", "--lowest-note", "300"]).is_err());
        assert!(parse(&["analyze", "--demo", "--lowest-note", "12"]).is_err());
    }

    #[test]
    fn noise_profile_path() {
        let a = analyze(&["analyze", "--demo", "--noise-profile", "n.json"]);
        assert_eq!(a.noise_profile, Some("n.json".into()));
    }

    #[test]
    fn calibrate_needs_an_output() {
        assert!(parse(&["calibrate", "room.wav"]).is_err());
        match parse(&["calibrate", "room.wav", "-o", "n.json"])
            .unwrap()
            .command
        {
            CommandArgs::Calibrate(c) => {
                assert_eq!(c.seconds, 5.0);
                assert_eq!(c.output, PathBuf::from("n.json"));
            }
            other => panic!("{other:?}"),
        }
        assert!(parse(&["calibrate", "room.wav", "-o", "n.json", "--seconds", "x"]).is_err());
    }

    #[test]
    fn bench_analyze_file_is_optional() {
        match parse(&["bench", "analyze"]).unwrap().command {
            CommandArgs::Bench(BenchArgs::Analyze(b)) => {
                assert_eq!(b.file, None);
                assert_eq!(b.repeat, 3);
            }
            other => panic!("{other:?}"),
        }
        assert!(parse(&["bench", "analyze", "--repeat", "0"]).is_err());
    }
}
