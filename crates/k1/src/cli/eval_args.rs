//! Low-level arguments of `k1 eval` (clap; syntax only, checked in [`super::resolve`]).

use std::path::PathBuf;

use super::common::EngineArgs;

/// How `k1 eval` finds its truth and what it reports (shown by `k1 eval --help`).
pub const EVAL_AFTER_HELP: &str = "\
Each clip is analysed exactly as `k1 analyze` does it (the same beats, onsets and global BPM as
`k1 analyze --json`) and scored against its ground truth with mir_eval's definitions (k1-eval).

Truth files sit beside the audio with the same stem plus an extension (song.flac -> song.beats,
song.bpm, song.onsets), or in DIR with --truth DIR (DIR/song.beats, ...):
  .beats   one beat time in seconds per line; empty when the clip has no pulse
  .bpm     one number, the reference tempo; 0 when there is no pulse
  .onsets  one onset time in seconds per line (optional)
A clip needs a .beats or a .bpm file. Without a .bpm the reference tempo is 60 / the median
interval of the reference beats. Blank lines are ignored; any other line must be a number.

Per clip:
  Acc1, Acc2  tempo within 4 % of the reference (Acc2 also at x2, x1/2, x3, x1/3); only when
              the reference BPM is above 0
  F           beat F-measure (+-70 ms), beats before --skip seconds ignored on both sides;
              CMLt, AMLt (continuity), Cemgil and P-score likewise (all in --json)
  F all       beat F-measure with nothing skipped (the start-up matters for a light show)
  lock s      the first estimated beat from which four consecutive estimated beats each lie
              within 70 ms of a reference beat ('-' if that never happens)
  beats/min   beats K1 reported per minute of audio: on a clip with no pulse (empty .beats)
              every one is a false beat, so this replaces the scores there
  onset F, R  onset F-measure and recall at +-50 ms, when a .onsets file exists; onset ms is
              the median signed error of the matched onsets (positive: K1 is late)
The summary gives the mean, mean-with-nothing-skipped and minimum F over the clips with a pulse,
how many of them have Acc1 and Acc2 right, the mean onset F and recall and the median of the
clips' onset errors over the clips with onsets, and the most beats per minute on a no-pulse clip.

A folder is searched recursively for .wav, .flac, .mp3 and .ogg files, in sorted order; a clip
is named by its path below the folder, without the extension. --json prints one object:
{\"clips\": [...], \"summary\": {...}}.

Exit codes: 0 ok, 1 runtime error (an unreadable or damaged clip, a missing or malformed truth
file), 2 usage error.";

/// `k1 eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Audio files, or folders searched recursively for .wav, .flac, .mp3 and .ogg files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read the truth files from DIR (DIR/<stem>.beats, .bpm, .onsets) instead of beside each
    /// audio file.
    #[arg(long, value_name = "DIR")]
    pub truth: Option<PathBuf>,
    /// Beats in the first SECONDS are not scored, on either side (mir_eval's default).
    #[arg(long, default_value_t = k1_eval::DEFAULT_MIN_BEAT_TIME, value_name = "SECONDS")]
    pub skip: f64,
    /// Print one JSON object (every clip's scores and the summary) instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[cfg(test)]
mod tests {
    use super::super::args::{Args, CommandArgs};
    use super::super::common::RateArg;
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("k1").chain(args.iter().copied()))
    }

    fn eval(args: &[&str]) -> EvalArgs {
        match parse(args).unwrap().command {
            CommandArgs::Eval(e) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let e = eval(&["eval", "a.flac"]);
        assert_eq!(e.paths, [PathBuf::from("a.flac")]);
        assert_eq!((e.truth, e.skip, e.json), (None, 5.0, false));
        assert_eq!(e.engine.rate, RateArg::R12800);
    }

    #[test]
    fn needs_a_path_and_takes_several() {
        assert!(parse(&["eval"]).is_err());
        let e = eval(&[
            "eval", "a.wav", "dir", "--truth", "t", "--skip", "0", "--json", "--rate", "16000",
        ]);
        assert_eq!(e.paths, [PathBuf::from("a.wav"), PathBuf::from("dir")]);
        assert_eq!(e.truth, Some(PathBuf::from("t")));
        assert_eq!((e.skip, e.json), (0.0, true));
        assert_eq!(e.engine.rate, RateArg::R16000);
        assert!(parse(&["eval", "a.wav", "--skip", "soon"]).is_err());
        assert!(parse(&["eval", "a.wav", "--rate", "44100"]).is_err());
    }
}
