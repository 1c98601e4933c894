//! The command line, in two stages: [`args`] (clap structs, syntax only) and [`resolve`]
//! (checked, loaded, ready-to-run jobs).
//!
//! Imports point one way: `args` ─► `measure_args`, `render_args`, `eval_args`, `list_args`,
//! `look` ─► `common`; `resolve` ─► `run_job`, `render_job`, `measure_jobs` ─► `common`, `look` (tests
//! aside).

pub mod args;
pub mod common;
pub mod eval_args;
pub mod list_args;
pub mod look;
pub mod measure_args;
pub mod measure_jobs;
pub mod render_args;
pub mod render_job;
pub mod resolve;
mod run_job;

pub use args::Args;
pub use common::Input;
pub use measure_jobs::{CpuBenchJob, LatencyJob, OutputsBenchJob, SoakJob};
pub use render_job::{Picture, RenderJob};
pub use resolve::{AnalyzeJob, BenchJob, CalibrateJob, Command, EvalJob, resolve};
pub use run_job::{LiveInput, RunJob, SinkKind};

/// A mistake in how k1 was called (exit code 2), as opposed to a failure while running (1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Parses the command line like `Args::try_parse`, and notes which `k1 run` flags were given
/// on it (so a `--config` file fills in only the others).
pub fn parse() -> Result<Args, clap::Error> {
    parse_from(std::env::args_os())
}

/// The clap command: [`Args`], with every option that takes a value accepting a negative
/// number as that value (so `--fps -5` meets the range check and its message, not "unexpected
/// argument").
pub fn command() -> clap::Command {
    fn negative_numbers(cmd: clap::Command) -> clap::Command {
        cmd.mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
        .mut_subcommands(negative_numbers)
    }
    negative_numbers(<Args as clap::CommandFactory>::command())
}

/// [`parse`] from the given words (the first is the program name).
pub fn parse_from<I, T>(words: I) -> Result<Args, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::FromArgMatches;
    let mut matches = command().try_get_matches_from(words)?;
    let explicit: Vec<String> = match matches.subcommand() {
        Some(("run", sub)) => sub
            .ids()
            .filter(|id| {
                sub.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine)
            })
            .map(|id| id.as_str().to_string())
            .collect(),
        _ => Vec::new(),
    };
    let mut args = Args::from_arg_matches_mut(&mut matches)?;
    if let args::CommandArgs::Run(run) = &mut args.command {
        run.explicit = explicit;
    }
    Ok(args)
}

#[cfg(test)]
mod parse_tests {
    #[test]
    fn the_flags_given_are_noted() {
        let args = super::parse_from(["k1", "run", "--fps", "100", "--param", "speed=1"]).unwrap();
        let super::args::CommandArgs::Run(run) = args.command else {
            panic!("not run")
        };
        assert!(
            run.explicit.iter().any(|i| i == "fps"),
            "{:?}",
            run.explicit
        );
        assert!(
            run.explicit.iter().any(|i| i == "params"),
            "{:?}",
            run.explicit
        );
        assert!(
            !run.explicit.iter().any(|i| i == "leds"),
            "{:?}",
            run.explicit
        );
    }

    #[test]
    fn a_negative_number_is_a_value_that_meets_the_range_check() {
        for words in [
            &["k1", "run", "--fps", "-5"][..],
            &["k1", "render", "--demo", "-o", "x.png", "--leds", "-1"],
            &["k1", "soak", "--hops", "-3"],
            &[
                "k1",
                "calibrate",
                "r.wav",
                "-o",
                "n.json",
                "--seconds",
                "-2",
            ],
        ] {
            let err = super::parse_from(words.iter().copied());
            if let Ok(args) = err {
                // Parsed (a float with no range in clap): `resolve` must refuse it.
                let e = super::resolve(args).unwrap_err();
                assert!(
                    e.downcast_ref::<super::UsageError>().is_some(),
                    "{words:?}: {e}"
                );
                continue;
            }
            let text = err.unwrap_err().to_string();
            assert!(!text.contains("unexpected argument"), "{words:?}: {text}");
            assert!(text.contains("is not in"), "{words:?}: {text}");
        }
    }
}
