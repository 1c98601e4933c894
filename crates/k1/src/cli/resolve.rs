//! High-level arguments: the low-level args resolved into ready-to-run jobs.
//!
//! This is where values are checked against each other and against the core (`Config::validate`)
//! and where referenced settings files (the noise profile) are loaded. A bad value is a
//! [`UsageError`] (exit 2); a file that cannot be read is a runtime error (exit 1).

use std::path::PathBuf;

use anyhow::Context;
use k1_core::{Config, NoiseFloor};

use super::UsageError;
use super::args::{AnalyzeArgs, Args, BenchAnalyzeArgs, BenchArgs, CalibrateArgs, CommandArgs};
use super::common::{DEMO_LOOPS, Input, engine_config};
use super::eval_args::EvalArgs;
use super::run_job::RunJob;

/// The longest calibration accepted, in seconds.
pub const MAX_CALIBRATION_SECONDS: f64 = 600.0;

/// A resolved command, ready to run.
#[derive(Debug)]
pub enum Command {
    /// `k1 analyze` (boxed: it carries a whole noise floor).
    Analyze(Box<AnalyzeJob>),
    /// `k1 calibrate`.
    Calibrate(CalibrateJob),
    /// `k1 eval`.
    Eval(EvalJob),
    /// `k1 bench analyze`.
    BenchAnalyze(BenchJob),
    /// `k1 run` (boxed: it carries a whole noise floor).
    Run(Box<RunJob>),
    /// `k1 render` (boxed: it carries a layout and parameters).
    Render(Box<super::RenderJob>),
    /// `k1 render --report` (boxed: it carries a layout and parameters).
    RenderReport(Box<super::render_job::ReportJob>),
    /// `k1 latency`.
    Latency(super::LatencyJob),
    /// `k1 soak`.
    Soak(super::SoakJob),
    /// `k1 bench cpu`.
    BenchCpu(super::CpuBenchJob),
    /// `k1 bench outputs`.
    BenchOutputs(super::OutputsBenchJob),
    /// `k1 bench mic`.
    BenchMic(super::measure_args::BenchMicArgs),
    /// `k1 discover`: how long to listen.
    Discover(std::time::Duration),
    /// `k1 patterns`.
    Patterns,
    /// `k1 palettes`: with true-colour swatches or not.
    Palettes {
        /// Draw the swatches in colour.
        color: bool,
    },
    /// `k1 params`: the global parameters, and this pattern's own.
    Params(Option<k1_core::render::PatternId>),
    /// `k1 latency-wizard`: the microphone's name, if one was given.
    LatencyWizard(Option<String>),
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

/// `k1 eval`, resolved.
#[derive(Debug)]
pub struct EvalJob {
    /// Audio files and folders, as given.
    pub paths: Vec<PathBuf>,
    /// Where the truth files are, if not beside the audio.
    pub truth: Option<PathBuf>,
    /// Seconds at the start not scored for beats (finite, >= 0).
    pub skip: f64,
    /// Print JSON instead of the table.
    pub json: bool,
    /// The checked engine configuration.
    pub config: Config,
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
    /// Learn even from what sounds like music.
    pub force: bool,
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
        CommandArgs::Eval(e) => Ok(Command::Eval(eval(e)?)),
        CommandArgs::Bench(BenchArgs::Analyze(b)) => Ok(Command::BenchAnalyze(bench(b)?)),
        CommandArgs::Run(r) => Ok(Command::Run(Box::new(super::run_job::run(*r)?))),
        CommandArgs::Render(r) if r.report => Ok(Command::RenderReport(Box::new(
            super::render_job::resolve_report(*r)?,
        ))),
        CommandArgs::Render(r) => Ok(Command::Render(Box::new(super::render_job::resolve(*r)?))),
        CommandArgs::Latency(l) => Ok(Command::Latency(super::measure_jobs::latency(*l)?)),
        CommandArgs::Soak(s) => Ok(Command::Soak(super::measure_jobs::soak(*s)?)),
        CommandArgs::Bench(BenchArgs::Cpu(b)) => {
            Ok(Command::BenchCpu(super::measure_jobs::bench_cpu(b)?))
        }
        CommandArgs::Bench(BenchArgs::Outputs(b)) => {
            Ok(Command::BenchOutputs(super::OutputsBenchJob {
                receivers: b.receivers,
                seconds: b.seconds,
                warmup: b.warmup,
                fps: b.fps,
                leds: b.leds as usize,
                config: Config::DEFAULT,
            }))
        }
        CommandArgs::Bench(BenchArgs::Mic(b)) => Ok(Command::BenchMic(b)),
        CommandArgs::Discover(d) => Ok(Command::Discover(d.wait)),
        CommandArgs::Patterns => Ok(Command::Patterns),
        CommandArgs::Palettes(p) => Ok(Command::Palettes {
            color: super::list_args::color_for_stdout(p.color),
        }),
        CommandArgs::Params(p) => Ok(Command::Params(super::list_args::params_pattern(&p)?)),
        CommandArgs::LatencyWizard(w) => Ok(Command::LatencyWizard(w.mic)),
    }
}

fn analyze(a: AnalyzeArgs) -> anyhow::Result<AnalyzeJob> {
    let config = engine_config(&a.engine)?;
    let input = match (a.file, a.demo) {
        (Some(file), false) => Input::File(file),
        (None, true) => Input::Demo { loops: DEMO_LOOPS },
        _ => return Err(UsageError("give either FILE or --demo".into()).into()),
    };
    let noise_floor = match &a.noise_profile {
        Some(path) => Some(k1_io::noise::load(path).context("loading --noise-profile")?),
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

fn eval(e: EvalArgs) -> anyhow::Result<EvalJob> {
    let config = engine_config(&e.engine)?;
    if !(e.skip.is_finite() && e.skip >= 0.0) {
        return Err(UsageError(format!(
            "--skip must be a number of seconds, 0 or more, got {}",
            e.skip
        ))
        .into());
    }
    Ok(EvalJob {
        paths: e.paths,
        truth: e.truth,
        skip: e.skip,
        json: e.json,
        config,
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
        force: c.force,
        config,
    })
}

fn bench(b: BenchAnalyzeArgs) -> anyhow::Result<BenchJob> {
    let config = engine_config(&b.engine)?;
    let input = match b.file {
        Some(file) => Input::File(file),
        None => match k1_io::corpus::locate() {
            Ok(dir) if dir.join(DEFAULT_BENCH_CLIP).is_file() => {
                Input::File(dir.join(DEFAULT_BENCH_CLIP))
            }
            _ => {
                k1_io::messages::note(format!(
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
    use super::super::run_job::{LiveInput, SinkKind};
    use super::*;
    use clap::Parser;
    use k1_io::sources::live::{PcmFormat, PcmSpec};

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

    fn run_job(args: &[&str]) -> anyhow::Result<RunJob> {
        let all: Vec<&str> = std::iter::once("run").chain(args.iter().copied()).collect();
        match resolve_args(&all)? {
            Command::Run(job) => Ok(*job),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn run_inputs() {
        assert_eq!(run_job(&[]).unwrap().input, LiveInput::Auto);
        assert_eq!(run_job(&["--demo"]).unwrap().input, LiveInput::Demo);
        assert_eq!(run_job(&["-i", "demo"]).unwrap().input, LiveInput::Demo);

        assert_eq!(
            run_job(&["--input", "song.flac"]).unwrap().input,
            LiveInput::File("song.flac".into())
        );
        assert_eq!(
            run_job(&["--input", "-"]).unwrap().input,
            LiveInput::Stdin(PcmSpec {
                format: PcmFormat::S16le,
                rate: 44_100,
                channels: 2
            })
        );
        if cfg!(feature = "audio") {
            assert_eq!(run_job(&["-i", "mic"]).unwrap().input, LiveInput::Mic(None));
            assert_eq!(
                run_job(&["-i", "mic:USB Audio"]).unwrap().input,
                LiveInput::Mic(Some("USB Audio".into()))
            );
        }
        assert_eq!(
            run_job(&["-i", "wled-sync"]).unwrap().input,
            LiveInput::WledSync(11988)
        );
        assert_eq!(
            run_job(&["-i", "wled-sync:4000"]).unwrap().input,
            LiveInput::WledSync(4000)
        );
        let err = run_job(&["-i", "wled-sync:0"]).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some());
        let err = run_job(&["-i", "mic:"]).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some());
    }

    #[test]
    fn pcm_options_need_stdin() {
        let err = run_job(&["--demo", "--input-rate", "48000"]).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err:#}");
        let job = run_job(&["-i", "-", "--format", "f32le", "--channels", "1"]).unwrap();
        assert_eq!(
            job.input,
            LiveInput::Stdin(PcmSpec {
                format: PcmFormat::F32le,
                rate: 44_100,
                channels: 1
            })
        );
    }

    #[test]
    fn run_sinks() {
        assert_eq!(run_job(&["--demo"]).unwrap().sinks, [SinkKind::Terminal]);
        assert_eq!(
            run_job(&["--demo", "--no-preview"]).unwrap().sinks,
            [SinkKind::Null]
        );
        assert_eq!(
            run_job(&["--demo", "--sink", "null"]).unwrap().sinks,
            [SinkKind::Null]
        );
        assert!(run_job(&["--demo", "--no-preview", "--sink", "terminal"]).is_err());
    }

    #[test]
    fn run_outputs_from_urls_and_a_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k1.toml");
        std::fs::write(
            &path,
            "[server]\nport = 1\n[[outputs]]\nurl = \"opc://127.0.0.1\"\n[[outputs]]\nurl = \"ddp://x\"\nenabled = false\n",
        )
        .unwrap();
        let p = path.to_str().unwrap();
        let job = run_job(&[
            "--demo",
            "--out",
            "ddp://10.0.0.1?leds=0-159",
            "--config",
            p,
        ])
        .unwrap();
        let kinds: Vec<&str> = job.outputs.iter().map(|o| o.target.kind()).collect();
        assert_eq!(kinds, ["ddp", "opc"]);
        for (args, part) in [
            (vec!["--out", "ddp://h?leds=0-320"], "leds"),
            (vec!["--out", "ddp://h?fps=fast"], "fps"),
            (vec!["--out", "nope://h"], "scheme"),
        ] {
            let mut all = vec!["--demo"];
            all.extend(args);
            let err = run_job(&all).unwrap_err();
            assert!(err.downcast_ref::<UsageError>().is_some(), "{err:#}");
            assert!(
                format!("{err:#}").contains(&format!(": {part}: ")),
                "{err:#}"
            );
        }
        std::fs::write(&path, "[[outputs]]\nurl = \"ddp://h\"\nport = 3\n").unwrap();
        let err = run_job(&["--demo", "--config", p]).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err:#}");
        assert!(format!("{err:#}").contains("outputs[0]"), "{err:#}");
        let err = run_job(&["--demo", "--config", "/nonexistent/k1.toml"]).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_none(), "{err:#}");
    }

    #[test]
    fn run_brightness_is_checked() {
        assert_eq!(
            run_job(&["--brightness", "0.5"]).unwrap().params.brightness,
            0.5
        );
        for bad in ["1.5", "-0.1", "NaN"] {
            let arg = format!("--brightness={bad}");
            let err = run_job(&[arg.as_str()]).unwrap_err();
            assert!(err.downcast_ref::<UsageError>().is_some(), "{bad}");
        }
    }

    #[test]
    fn eval_skip_is_checked() {
        for bad in ["-1", "NaN", "inf"] {
            let skip = format!("--skip={bad}");
            let err = resolve_args(&["eval", "a.wav", skip.as_str()]).unwrap_err();
            assert!(err.downcast_ref::<UsageError>().is_some(), "{bad}");
        }
        match resolve_args(&["eval", "a.wav", "--skip", "0", "--rate", "16000"]).unwrap() {
            Command::Eval(job) => {
                assert_eq!((job.skip, job.config), (0.0, Config::RATE_16K));
            }
            other => panic!("{other:?}"),
        }
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
