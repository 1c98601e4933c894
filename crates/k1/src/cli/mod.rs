//! The command line, in two stages: [`args`] (clap structs, syntax only) and [`resolve`]
//! (checked, loaded, ready-to-run jobs).

pub mod args;
pub mod look;
pub mod measure_args;
pub mod measure_jobs;
pub mod render_args;
pub mod render_job;
pub mod resolve;

pub use args::Args;
pub use measure_jobs::{CpuBenchJob, LatencyJob, SoakJob};
pub use render_job::{Picture, RenderJob};
pub use resolve::{
    AnalyzeJob, BenchJob, CalibrateJob, Command, Input, LiveInput, RunJob, SinkKind, resolve,
};

/// A mistake in how k1 was called (exit code 2), as opposed to a failure while running (1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
