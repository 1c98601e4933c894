//! The commands: glue from a resolved job to sources, the core and reports.
//!
//! This is the binary's top level, so errors here are `anyhow` with context; the modules below it
//! (`sources`, `analyze`, `report`, `noise`) return their own error types.

pub mod analyze;
pub mod bench;
pub mod bench_mic;
pub mod bench_outputs;
pub mod calibrate;
pub mod catalog;
pub mod discover;
pub mod eval;
pub mod eval_report;
pub mod latency;
pub mod latency_wizard;
pub mod render;
pub mod render_report;
pub mod run;
pub mod soak;

use k1_core::{Analyzer, Config};

use crate::cli::Input;
use k1_io::sources::{ClipSource, FileSource, Source};

/// Opens the source for `input` at the engine rate of `config`.
pub fn open_source(input: &Input, config: &Config) -> anyhow::Result<Box<dyn Source + Send>> {
    Ok(match input {
        Input::File(path) => Box::new(FileSource::open(path, config.sample_rate)?),
        Input::Demo { loops } => Box::new(ClipSource::demo(config.sample_rate, *loops)?),
    })
}

/// A boxed analyser for `config` (the analyser is large: keep it off the stack).
pub fn new_analyzer(config: Config) -> anyhow::Result<Box<Analyzer>> {
    Ok(Box::new(Analyzer::new(config)?))
}

/// Warns about what went wrong but did not stop the run (a damaged file warns for itself, once,
/// when it ends: see `k1_io::sources::FileSource`).
pub fn warn_about(stats: &k1_io::sources::SourceStats, core_bad_samples: u64) {
    use k1_io::messages::warn;
    if stats.non_finite > 0 {
        warn(format!(
            "replaced {} non-finite (NaN/Inf) input samples with 0",
            stats.non_finite
        ));
    }
    if core_bad_samples > 0 {
        warn(format!(
            "the analyser replaced {core_bad_samples} non-finite samples after resampling"
        ));
    }
}
