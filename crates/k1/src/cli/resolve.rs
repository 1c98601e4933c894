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
    AnalyzeArgs, Args, BenchAnalyzeArgs, BenchArgs, CalibrateArgs, CommandArgs, EngineArgs,
    FormatArg, RateArg, RunArgs, SinkArg,
};
use crate::sources::live::{PcmFormat, PcmSpec};
use crate::sources::{DEFAULT_PCM, SourceSpec};

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
    /// `k1 run` (boxed: it carries a whole noise floor).
    Run(Box<RunJob>),
    /// `k1 render` (boxed: it carries a layout and parameters).
    Render(Box<super::RenderJob>),
    /// `k1 latency`.
    Latency(super::LatencyJob),
    /// `k1 soak`.
    Soak(super::SoakJob),
    /// `k1 bench cpu`.
    BenchCpu(super::CpuBenchJob),
    /// `k1 bench outputs`.
    BenchOutputs(crate::commands::bench_outputs::OutputsBenchJob),
    /// `k1 discover`: how long to listen.
    Discover(std::time::Duration),
}

/// Where `k1 run` gets its audio.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveInput {
    /// The microphone if one can be opened, else the demo.
    Auto,
    /// The demo loop, forever.
    Demo,
    /// An audio file, played in real time.
    File(PathBuf),
    /// Raw PCM on stdin.
    Stdin(PcmSpec),
    /// An input device: the default one, or the first whose name contains this.
    Mic(Option<String>),
    /// WLED audio-sync packets on this UDP port (`wled-sync[:PORT]`).
    WledSync(u16),
}

impl LiveInput {
    /// The source this input names; `None` for [`LiveInput::Auto`] (decided at the start).
    pub fn spec(&self) -> Option<SourceSpec> {
        Some(match self {
            LiveInput::Auto => return None,
            LiveInput::Demo => SourceSpec::Demo,
            LiveInput::File(path) => SourceSpec::File(path.clone()),
            LiveInput::Stdin(layout) => SourceSpec::Stdin(*layout),
            LiveInput::Mic(device) => SourceSpec::Mic(device.clone()),
            LiveInput::WledSync(port) => SourceSpec::WledSync(*port),
        })
    }
}

impl From<SourceSpec> for LiveInput {
    fn from(spec: SourceSpec) -> Self {
        match spec {
            SourceSpec::Demo => LiveInput::Demo,
            SourceSpec::File(path) => LiveInput::File(path),
            SourceSpec::Stdin(layout) => LiveInput::Stdin(layout),
            SourceSpec::Mic(device) => LiveInput::Mic(device),
            SourceSpec::WledSync(port) => LiveInput::WledSync(port),
        }
    }
}

/// A frame sink to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    /// The terminal preview.
    Terminal,
    /// Nowhere.
    Null,
}

/// `k1 run`, resolved.
#[derive(Debug)]
pub struct RunJob {
    /// The audio.
    pub input: LiveInput,
    /// The checked engine configuration.
    pub config: Config,
    /// A noise floor to install before the first hop.
    pub noise_floor: Option<NoiseFloor>,
    /// Target frames per second.
    pub fps: u32,
    /// LEDs on the strip.
    pub leds: usize,
    /// The pattern to start with.
    pub pattern: k1_core::render::PatternId,
    /// The parameters to start with (`--param`, `--brightness`), checked.
    pub params: k1_core::params::Params,
    /// Play files and the demo through the speakers.
    pub playback: bool,
    /// Print metrics once a second.
    pub stats: bool,
    /// Run this long, then check the success criteria.
    pub check: Option<std::time::Duration>,
    /// Run this long, then stop.
    pub duration: Option<std::time::Duration>,
    /// The sinks, in order.
    pub sinks: Vec<SinkKind>,
    /// LED outputs (`--out`, then the config file's `[[outputs]]`), checked against `leds`.
    pub outputs: Vec<crate::outputs::OutputSpec>,
    /// Pin the audio and render threads to cores.
    pub pin: bool,
    /// Real-time priority for the audio and render threads.
    pub realtime: bool,
    /// The HTTP API, persistence and mDNS.
    pub api: ApiJob,
}

/// The control side of `k1 run`, resolved: where the API listens, who may call it, where
/// settings are kept.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiJob {
    /// Where the API listens (`None`: `--no-http`).
    pub listen: Option<std::net::SocketAddr>,
    /// The address was asked for (`--listen` or the config file): failing to bind it is an
    /// error. The default address only gets a warning, so a second `k1 run` still runs.
    pub listen_explicit: bool,
    /// Web origins allowed to call the API (`--cors-origin`), checked.
    pub cors_origins: Vec<String>,
    /// The device name.
    pub name: String,
    /// Announce on mDNS.
    pub mdns: bool,
    /// Where settings are kept (`None`: in memory only).
    pub store_dir: Option<PathBuf>,
    /// The pattern or parameters were given on the command line: they win over the saved ones.
    pub look_from_cli: bool,
    /// `--input` or `--demo` was given on the command line: it wins over the saved source.
    pub input_from_cli: bool,
}

/// Where `k1 run` serves its API unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

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
        CommandArgs::Run(r) => Ok(Command::Run(Box::new(run(*r)?))),
        CommandArgs::Render(r) => Ok(Command::Render(Box::new(super::render_job::resolve(*r)?))),
        CommandArgs::Latency(l) => Ok(Command::Latency(super::measure_jobs::latency(*l)?)),
        CommandArgs::Soak(s) => Ok(Command::Soak(super::measure_jobs::soak(*s)?)),
        CommandArgs::Bench(BenchArgs::Cpu(b)) => {
            Ok(Command::BenchCpu(super::measure_jobs::bench_cpu(b)?))
        }
        CommandArgs::Bench(BenchArgs::Outputs(b)) => Ok(Command::BenchOutputs(
            crate::commands::bench_outputs::OutputsBenchJob {
                receivers: b.receivers,
                seconds: b.seconds,
                warmup: b.warmup,
                fps: b.fps,
                leds: b.leds as usize,
                config: Config::DEFAULT,
            },
        )),
        CommandArgs::Discover(d) => Ok(Command::Discover(d.wait)),
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

fn run(mut r: RunArgs) -> anyhow::Result<RunJob> {
    let file = match &r.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading --config {}", path.display()))?;
            let file = crate::store::RunFile::parse(&text)
                .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
            for key in file.unknown_keys() {
                crate::messages::warn(format!(
                    "--config {}: unknown key '{key}' ignored",
                    path.display()
                ));
            }
            file
        }
        None => crate::store::RunFile::default(),
    };
    apply_file(&mut r, &file)?;
    let api = api_job(&r, &file)?;
    let config = engine_config(&r.engine)?;
    let usage = |m: String| anyhow::Error::new(UsageError(m));
    let input = match (r.input.as_deref(), r.demo) {
        (_, true) => LiveInput::Demo,
        (None, false) => LiveInput::Auto,
        (Some(text), false) => {
            match SourceSpec::parse(text).map_err(|e| usage(format!("--input {e}")))? {
                SourceSpec::Stdin(_) => LiveInput::Stdin(PcmSpec {
                    format: match r.format.unwrap_or(FormatArg::S16le) {
                        FormatArg::S16le => PcmFormat::S16le,
                        FormatArg::F32le => PcmFormat::F32le,
                    },
                    rate: r.input_rate.unwrap_or(DEFAULT_PCM.rate),
                    channels: usize::from(r.channels.unwrap_or(DEFAULT_PCM.channels as u16)),
                }),
                spec => LiveInput::from(spec),
            }
        }
    };
    let stdin = matches!(input, LiveInput::Stdin(_));
    if !stdin && (r.format.is_some() || r.input_rate.is_some() || r.channels.is_some()) {
        return Err(usage(
            "--format, --input-rate and --channels describe raw PCM on stdin: use them with --input -"
                .into(),
        ));
    }
    if matches!(input, LiveInput::Mic(_)) && !cfg!(feature = "audio") {
        return Err(usage(
            "this k1 was built without the `audio` feature, so it has no microphone input".into(),
        ));
    }
    let (pattern, mut params) = super::look::resolve_look(&r.look)?;
    if let Some(b) = r.brightness {
        if !(0.0..=1.0).contains(&b) {
            return Err(usage(format!(
                "--brightness must be between 0 and 1, got {b}"
            )));
        }
        params.brightness = b;
    }
    let mut sinks: Vec<SinkKind> = r
        .sink
        .iter()
        .map(|s| match s {
            SinkArg::Terminal => SinkKind::Terminal,
            SinkArg::Null => SinkKind::Null,
        })
        .collect();
    sinks.dedup();
    if r.no_preview {
        if sinks.contains(&SinkKind::Terminal) {
            return Err(usage("--no-preview contradicts --sink terminal".into()));
        }
        if sinks.is_empty() {
            sinks.push(SinkKind::Null);
        }
    } else if sinks.is_empty() {
        sinks.push(SinkKind::Terminal);
    }
    let noise_floor = match &r.noise_profile {
        Some(path) => Some(crate::noise::load(path).context("loading --noise-profile")?),
        None => None,
    };
    let outputs = run_outputs(&r.outputs, r.config.as_deref(), r.leds as usize)?;
    Ok(RunJob {
        input,
        config,
        noise_floor,
        fps: r.fps,
        leds: r.leds as usize,
        pattern,
        params,
        playback: !r.no_playback,
        stats: r.stats,
        check: r.check,
        duration: r.duration,
        sinks,
        outputs,
        pin: !r.no_pin,
        realtime: !r.no_realtime,
        api,
    })
}

/// Fills the `k1 run` settings not given on the command line from the config file.
fn apply_file(r: &mut RunArgs, f: &crate::store::RunFile) -> Result<(), UsageError> {
    let given: Vec<String> = r.explicit.clone();
    let given = |id: &str| given.iter().any(|g| g == id);
    let range = |what: &str, v: u32, max: u32| {
        if (1..=max).contains(&v) {
            Ok(v)
        } else {
            Err(UsageError(format!(
                "--config: {what} must be 1..={max}, got {v}"
            )))
        }
    };
    if let (false, Some(v)) = (given("fps"), f.fps) {
        r.fps = range("fps", v, 1000)?;
    }
    if let (false, Some(v)) = (given("leds"), f.leds) {
        r.leds = range("leds", v, 4096)?;
    }
    if !given("input") && !given("demo") {
        if f.demo == Some(true) {
            (r.demo, r.input) = (true, None);
        } else if let Some(input) = &f.input {
            (r.demo, r.input) = (false, Some(input.clone()));
        }
    }
    if let (false, Some(p)) = (given("pattern"), &f.pattern) {
        r.look.pattern = p.clone();
    }
    let mut params = f.param_args();
    params.append(&mut r.look.params);
    r.look.params = params;
    if !given("no_playback") && f.playback == Some(false) {
        r.no_playback = true;
    }
    if !given("no_preview") && !given("sink") && f.preview == Some(false) {
        r.no_preview = true;
    }
    Ok(())
}

/// Resolves the API, persistence and mDNS settings (command line, then the config file).
fn api_job(r: &RunArgs, f: &crate::store::RunFile) -> Result<ApiJob, UsageError> {
    let given = |id: &str| r.explicit.iter().any(|g| g == id);
    let http = !r.no_http && f.http != Some(false);
    let listen_explicit = r.listen.is_some() || f.listen.is_some();
    let listen = r.listen.or(f.listen).unwrap_or_else(|| {
        DEFAULT_LISTEN
            .parse()
            .unwrap_or(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)))
    });
    let mut cors_origins = r.cors_origin.clone();
    if cors_origins.is_empty() {
        cors_origins = f.cors_origins.clone().unwrap_or_default();
    }
    for origin in &cors_origins {
        let ok = url::Url::parse(origin).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.path() == "/"
                && u.query().is_none()
                && !origin.ends_with('/')
        });
        if !ok {
            return Err(UsageError(format!(
                "--cors-origin wants an origin such as http://192.168.1.20:5173 (scheme, host, \
                 optional port, no path), got '{origin}'"
            )));
        }
    }
    let persist = !r.no_persist && f.persist != Some(false);
    let store_dir = if persist {
        r.config_dir
            .clone()
            .or_else(|| f.config_dir.clone())
            .or_else(crate::store::default_dir)
    } else {
        None
    };
    let name = r
        .name
        .clone()
        .or_else(|| f.name.clone())
        .unwrap_or_else(host_name);
    Ok(ApiJob {
        listen: http.then_some(listen),
        listen_explicit,
        cors_origins,
        name,
        mdns: !r.no_mdns && f.mdns != Some(false),
        store_dir,
        look_from_cli: given("pattern") || given("params") || given("brightness"),
        input_from_cli: given("input") || given("demo"),
    })
}

/// This machine's host name, or `k1`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "k1".to_string())
}

/// The outputs of `--out` and of the config file's `[[outputs]]`, each checked (its LED range
/// against `leds`). A bad URL or table is a usage error naming the part at fault; a config file
/// that cannot be read is a runtime error.
fn run_outputs(
    urls: &[String],
    config: Option<&std::path::Path>,
    leds: usize,
) -> anyhow::Result<Vec<crate::outputs::OutputSpec>> {
    use crate::outputs::{OutputConfig, outputs_from_toml};
    let mut tables: Vec<(String, OutputConfig)> = urls
        .iter()
        .map(|u| ("--out".to_string(), OutputConfig::new(u.clone())))
        .collect();
    if let Some(path) = config {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading --config {}", path.display()))?;
        let from_file = outputs_from_toml(&text)
            .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
        for (i, table) in from_file.into_iter().enumerate() {
            tables.push((format!("{} outputs[{i}]", path.display()), table));
        }
    }
    let mut specs = Vec::new();
    for (origin, table) in tables.iter().filter(|(_, t)| t.enabled) {
        let spec = table
            .resolve()
            .map_err(|e| UsageError(format!("{origin}: {e}")))?;
        if !matches!(spec.target, crate::outputs::Target::WledSync { .. }) {
            spec.range_for(leds)
                .map_err(|e| UsageError(format!("{origin}: output \"{}\": leds: {e}", spec.url)))?;
        }
        specs.push(spec);
    }
    Ok(specs)
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

#[cfg(test)]
mod config_file_tests {
    use super::*;

    fn job(args: &[&str]) -> anyhow::Result<RunJob> {
        let words = ["k1", "run"].into_iter().chain(args.iter().copied());
        match resolve(super::super::parse_from(words).unwrap())? {
            Command::Run(job) => Ok(*job),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_input_on_the_command_line_beats_the_saved_source() {
        assert!(job(&["-i", "demo"]).unwrap().api.input_from_cli);
        assert!(job(&["--demo"]).unwrap().api.input_from_cli);
        assert!(!job(&["--fps", "100"]).unwrap().api.input_from_cli);
    }

    #[test]
    fn a_config_file_fills_what_the_command_line_leaves_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k1.toml");
        std::fs::write(
            &path,
            "name = \"den\"\nlisten = \"0.0.0.0:9090\"\ndemo = true\nfps = 120\nleds = 144\n\
             pattern = \"bloom\"\npreview = false\ncors_origins = [\"http://10.0.0.2:5173\"]\n\
             config_dir = \"/tmp/k1-x\"\n[params]\nbrightness = 0.5\npalette = \"lava\"\n\
             [[outputs]]\nurl = \"opc://127.0.0.1\"\n",
        )
        .unwrap();
        let p = path.to_str().unwrap();
        let j = job(&["--config", p, "--fps", "150", "--param", "brightness=0.25"]).unwrap();
        assert_eq!((j.fps, j.leds), (150, 144), "the command line wins");
        assert_eq!(j.input, LiveInput::Demo);
        assert_eq!(j.pattern, k1_core::render::PatternId::Bloom);
        assert_eq!(j.params.brightness, 0.25, "--param after the file's");
        assert_eq!(j.params.palette_index(), k1_core::palettes::find("lava"));
        assert_eq!(j.sinks, [SinkKind::Null]);
        assert_eq!(j.outputs.len(), 1);
        let api = &j.api;
        assert_eq!(api.listen, Some("0.0.0.0:9090".parse().unwrap()));
        assert!(api.listen_explicit && api.mdns);
        assert_eq!(api.name, "den");
        assert_eq!(api.cors_origins, ["http://10.0.0.2:5173"]);
        assert_eq!(api.store_dir, Some(PathBuf::from("/tmp/k1-x")));
        assert!(api.look_from_cli, "--param was given");

        let j = job(&["--config", p, "--no-http", "--no-persist"]).unwrap();
        assert_eq!((j.api.listen, j.api.store_dir.clone()), (None, None));
        assert!(!j.api.look_from_cli);
    }

    #[test]
    fn bad_values_in_the_file_or_flags_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k1.toml");
        for text in [
            "fps = 0",
            "leds = 99999",
            "listen = \"x\"",
            "fps = \"fast\"",
        ] {
            std::fs::write(&path, text).unwrap();
            let err = job(&["--config", path.to_str().unwrap()]).unwrap_err();
            assert!(
                err.downcast_ref::<UsageError>().is_some(),
                "{text}: {err:#}"
            );
        }
        for origin in ["*", "http://x/path", "ftp://x", "http://x/"] {
            let err = job(&["--demo", "--cors-origin", origin]).unwrap_err();
            assert!(
                err.downcast_ref::<UsageError>().is_some(),
                "{origin}: {err:#}"
            );
        }
        let j = job(&["--demo"]).unwrap();
        assert_eq!(j.api.listen, Some(DEFAULT_LISTEN.parse().unwrap()));
        assert!(!j.api.listen_explicit);
    }
}
