//! `k1`: K1's host engine and command-line tools.
//!
//! ```text
//! k1 analyze FILE|--demo [--json] [--beats P] [--onsets P] [--features-csv P]
//!                        [--rate 12800|16000] [--lowest-note MIDI] [--noise-profile P]
//! k1 eval PATH... [--truth DIR] [--skip SECONDS] [--json] [--rate 12800|16000]
//! k1 calibrate FILE -o PATH [--seconds N]
//! k1 bench analyze [FILE]
//! k1 bench cpu [--seconds N] [--fps N] [--leds N]
//! k1 latency [--clicks N] [--interval DURATION] [--fps N] [--leds N]
//! k1 soak [--frames N] [--hops N] [--fps N]
//! k1 run [--input FILE|-|mic[:NAME] | --demo] [--fps N] [--leds N] [--stats] [--check DURATION]
//!        [--no-playback] [--no-preview | --sink terminal|null] [--rate 12800|16000]
//!        [--pattern ID | --preset NAME] [--param NAME=VALUE]...
//! k1 patterns | k1 palettes [--color auto|always|never] | k1 params [PATTERN]
//! ```
//!
//! A thin binary over K1's libraries: [`cli`] parses (clap) and resolves the arguments into a
//! job; [`commands`] runs it with them. `main` only maps the outcome to an exit code: 0 ok,
//! 1 runtime error, 2 usage error.
//!
//! ```text
//!  k1 (this binary: cli, commands)
//!   ├─► k1-api      HTTP/WebSocket API, web UI, persistence          (k1 run)
//!   │    └─► k1-engine   audio + render threads, sink threads, outputs, metrics, checks
//!   ├─► k1-eval     beat, tempo and onset scores as mir_eval defines them (k1 eval)
//!   ├─► k1-offline  a whole file analysed at once, reports, pictures (analyze, render, calibrate)
//!   │    └─► k1-io       sources (files, stdin, mic, demo), resampling, sinks, LED wire outputs, clock
//!   └──────────► k1-core (no_std: analysis, snapshot exchange, patterns, colour, wire formats)
//! ```
//!
//! Every arrow points down the data path; `tests/crate_graph.rs` fails if one points back up.

mod cli;
mod commands;
mod progress;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(args) => args,
        Err(err) if err.use_stderr() => {
            // A usage error: clap's message, in the one style of every K1 error (`k1: error:`).
            print_usage_error(&err);
            return ExitCode::from(2);
        }
        Err(err) => {
            // --help and --version, to stdout.
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                // The reader went away (`k1 analyze --json | head`): not our failure.
                return ExitCode::SUCCESS;
            }
            eprintln!("k1: error: {err:#}");
            if err.downcast_ref::<cli::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Resolves the arguments and runs the command.
fn run(args: cli::Args) -> anyhow::Result<()> {
    match cli::resolve(args)? {
        cli::Command::Analyze(job) => commands::analyze::run(*job),
        cli::Command::Calibrate(job) => commands::calibrate::run(job),
        cli::Command::Eval(job) => commands::eval::run(job),
        cli::Command::BenchAnalyze(job) => commands::bench::run(job),
        cli::Command::Run(job) => commands::run::run(*job),
        cli::Command::Render(job) => commands::render::run(*job),
        cli::Command::RenderReport(job) => commands::render_report::run(*job),
        cli::Command::Latency(job) => commands::latency::run(job),
        cli::Command::Soak(job) => commands::soak::run(job),
        cli::Command::BenchCpu(job) => commands::bench::run_cpu(job),
        cli::Command::BenchOutputs(job) => commands::bench_outputs::run(job),
        cli::Command::BenchMic(args) => commands::bench_mic::run(args),
        cli::Command::Discover(wait) => commands::discover::run(wait),
        cli::Command::Patterns => commands::catalog::patterns(),
        cli::Command::Palettes { color } => commands::catalog::palettes(color),
        cli::Command::Params(pattern) => commands::catalog::params(pattern),
        cli::Command::LatencyWizard(mic) => commands::latency_wizard::run(mic.as_deref()),
    }
}

/// Prints clap's rendered error (it starts with `error:`) after K1's `k1: ` prefix, in colour
/// only on a terminal.
fn print_usage_error(err: &clap::Error) {
    use std::io::IsTerminal;
    let text = err.render();
    if std::io::stderr().is_terminal() {
        eprint!("k1: {}", text.ansi());
    } else {
        eprint!("k1: {text}");
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
