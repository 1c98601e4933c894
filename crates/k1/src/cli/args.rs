//! Low-level arguments: clap derive structs that only check syntax and ranges.
//!
//! Nothing here opens a file or builds an engine; [`super::resolve`] turns these into ready
//! jobs. Each flag's test sits at the bottom of this file.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use super::common::{EngineArgs, parse_duration};

/// How `bpm` and `confidence` in the summary are computed (shown by `k1 analyze --help`).
const ANALYZE_AFTER_HELP: &str = "\
The global BPM is the tempo the live tracker settled on: over the last two thirds of the file,
the per-hop BPM of every hop with confidence >= 0.2 is put in a histogram of 0.5 BPM bins,
weighted by confidence; the heaviest bin is refined to the confidence-weighted mean of the values
within +-1 BPM of it. The confidence is the mean confidence of those same hops. If no hop
qualifies, confidence is 0. The pulse is the share of hops in the last two thirds whose confidence
is above 0.2 (where the tracker finds no beat contrast it holds its confidence at most at 0.2);
under 0.5 there is no pulse (a steady tone, noise) and the BPM is none (`null` in JSON).

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

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CommandArgs {
    /// Run the live engine: listen, analyse and render light in real time.
    #[command(after_help = RUN_AFTER_HELP)]
    Run(Box<RunArgs>),
    /// Render a whole song as light into a picture: a timeline PNG or an animated GIF.
    #[command(after_help = super::render_args::RENDER_AFTER_HELP)]
    Render(Box<super::render_args::RenderArgs>),
    /// Analyse an audio file (WAV, FLAC, MP3, OGG Vorbis): tempo, beats, onsets, features.
    #[command(after_help = ANALYZE_AFTER_HELP)]
    Analyze(AnalyzeArgs),
    /// Score K1's beats, tempo and onsets against ground truth (.beats, .bpm, .onsets files).
    #[command(after_help = super::eval_args::EVAL_AFTER_HELP)]
    Eval(super::eval_args::EvalArgs),
    /// Learn the room's noise floor from a recording of room noise and save it as JSON.
    Calibrate(CalibrateArgs),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(BenchArgs),
    /// Measure click-to-light latency through the live engine's real threads.
    Latency(Box<super::measure_args::LatencyArgs>),
    /// Run the live engine's real threads unpaced on a virtual clock for tens of millions of
    /// frames: memory, torn reads, deadline misses, panics.
    Soak(Box<super::measure_args::SoakArgs>),
    /// List the WLED devices on the LAN (mDNS _wled._tcp) with their LED counts.
    Discover(DiscoverArgs),
    /// List the patterns: index, id, name, what each shows and its own parameters.
    Patterns,
    /// List the palettes, each with a colour swatch on a terminal.
    Palettes(super::list_args::PalettesArgs),
    /// List the parameters with their ranges, units, defaults and meanings; with PATTERN, its own
    /// parameters too.
    Params(super::list_args::ParamsArgs),
    /// Measure how late the speaker is heard (a click train through the speaker, heard by the
    /// microphone) and propose the audio offset for latency compensation.
    #[command(name = "latency-wizard")]
    LatencyWizard(LatencyWizardArgs),
}

/// `k1 latency-wizard`.
#[derive(Debug, clap::Args)]
pub struct LatencyWizardArgs {
    /// The microphone: the first input device whose name contains this (default: the default
    /// input device).
    #[arg(long, value_name = "NAME")]
    pub mic: Option<String>,
}

/// `k1 discover`.
#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    /// How long to listen for devices.
    #[arg(long, default_value = "3s", value_name = "DURATION", value_parser = parse_duration)]
    pub wait: Duration,
}

/// `k1 bench outputs`.
#[derive(Debug, clap::Args)]
pub struct BenchOutputsArgs {
    /// DDP receivers on 127.0.0.2, 127.0.0.3, …, one output each.
    #[arg(long, default_value_t = 50, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub receivers: u32,
    /// Seconds measured (after the warm-up).
    #[arg(long, default_value_t = 60, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub seconds: u32,
    /// Seconds run before measuring.
    #[arg(long, default_value_t = 2, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=600))]
    pub warmup: u32,
    /// Frames rendered (and sent) per second, 1..=1000.
    #[arg(long, default_value_t = 120, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub fps: u32,
    /// LEDs per frame, 1..=4096.
    #[arg(long, default_value_t = 320, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub leds: u32,
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

/// How `k1 run` works (shown by `k1 run --help`).
const RUN_AFTER_HELP: &str = "\
With no --input and no --demo, k1 listens to the default microphone if there is one, and
otherwise plays the built-in demo; it says which on stderr. A file or the demo is played in real
time, and through the speakers too (in step with the light) unless --no-playback is given or
there is no output device. Raw PCM on stdin (--input -) is described by --format, --input-rate
and --channels; a file named `mic` is ./mic.

Audio is analysed on one thread and light rendered on another, each pinned to its own core where
the OS allows; sinks run on threads of their own and never hold up rendering. Ctrl-C or SIGTERM
stops cleanly and prints the final metrics.

--check DURATION runs for DURATION and then checks: render FPS >= 100, sample->frame latency
p99 < 20 ms, no deadline misses (a frame finished more than one period late, or a hop analysed
more than one hop period after its audio arrived), and no torn reads or seqlock fallbacks.

Exit codes: 0 ok, 1 runtime error or failed check, 2 usage error.";

/// Raw PCM sample formats for `--input -`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Signed 16-bit little-endian.
    S16le,
    /// 32-bit float little-endian.
    F32le,
}

/// Frame sinks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SinkArg {
    /// The truecolor preview in this terminal (a text line a second when stdout is not one).
    Terminal,
    /// Nowhere: frames are rendered and dropped (for benchmarks).
    Null,
}

/// `k1 run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Audio input: a file, `-` (raw PCM on stdin), `mic` (the default input device),
    /// `mic:NAME` (the first input device whose name contains NAME) or `wled-sync[:PORT]` (WLED
    /// audio-sync packets, UDP 11988) [default: the microphone if there is one, else the demo].
    #[arg(
        short,
        long,
        value_name = "FILE|-|mic[:NAME]|wled-sync[:PORT]",
        conflicts_with = "demo"
    )]
    pub input: Option<String>,
    /// Play the built-in demo loop: drums, bass and chords at 120 BPM, no hardware needed.
    #[arg(long)]
    pub demo: bool,
    /// Frames rendered per second, 1..=1000.
    #[arg(long, default_value_t = 200, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub fps: u32,
    /// LEDs on the strip, 1..=4096: an even count is two strips radiating from the centre (the
    /// reference device's 2 × 160), an odd count one strip.
    #[arg(long, default_value_t = 320, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub leds: u32,
    /// Overall brightness, 0 to 1 (the same as `--param brightness=B`).
    #[arg(long, value_name = "B")]
    pub brightness: Option<f32>,
    #[command(flatten)]
    pub look: super::look::LookArgs,
    /// Start with a preset saved in the web UI or the API (its pattern and parameters; a
    /// --param is applied on top). `k1 run --preset x` with a wrong name lists the saved ones.
    #[arg(long, value_name = "NAME", conflicts_with = "pattern")]
    pub preset: Option<String>,
    /// Sample format of raw PCM on stdin (`--input -`) [default: s16le].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Sample rate of raw PCM on stdin, Hz [default: 44100]. (`--rate` is the engine's rate.)
    #[arg(long, value_name = "R", value_parser = clap::value_parser!(u32).range(8_000..=192_000))]
    pub input_rate: Option<u32>,
    /// Interleaved channels of raw PCM on stdin, mixed to mono [default: 2].
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u16).range(1..=8))]
    pub channels: Option<u16>,
    /// Do not play a file or the demo through the speakers.
    #[arg(long)]
    pub no_playback: bool,
    /// Print the engine's metrics once a second.
    #[arg(long)]
    pub stats: bool,
    /// Run for DURATION (e.g. 30s), then check the success criteria; exit 1 if any fails.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub check: Option<Duration>,
    /// Run for DURATION (e.g. 90s, 2m), then stop.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "check")]
    pub duration: Option<Duration>,
    /// Where frames go; repeat for several [default: terminal, unless --no-preview].
    #[arg(long, value_enum, value_name = "SINK")]
    pub sink: Vec<SinkArg>,
    /// Send frames to an LED controller, given as a URL; repeat for several. ddp://HOST,
    /// e131://HOST|GROUP?universe=N, artnet://HOST?universe=N, wled://HOST, opc://HOST,
    /// serial:///dev/PATH?baud=N, wled-sync:// (the audio-sync sender); every kind takes
    /// leds=FIRST-LAST, fps=N|max and name=TEXT (docs/outputs.md).
    #[arg(long = "out", value_name = "URL")]
    pub outputs: Vec<String>,
    /// Read settings from this TOML file; its `[[outputs]]` tables add outputs (each with
    /// `url = "…"`, as --out).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// No terminal preview (frames go to the null sink unless another --sink is given).
    #[arg(long)]
    pub no_preview: bool,
    /// Do not pin the audio and render threads to cores.
    #[arg(long)]
    pub no_pin: bool,
    /// Do not ask for real-time priority (SCHED_FIFO) for the audio and render threads.
    #[arg(long)]
    pub no_realtime: bool,
    /// Load the noise floor from PATH (JSON written by `k1 calibrate`) [default: the last
    /// calibration started from the API, if one was saved].
    #[arg(long, value_name = "PATH")]
    pub noise_profile: Option<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Serve the HTTP API and web UI on ADDR [default: 127.0.0.1:8080]. Beyond loopback
    /// (`0.0.0.0:8080`), requests that change state need the bearer token k1 prints once.
    #[arg(long, value_name = "ADDR", conflicts_with = "no_http")]
    pub listen: Option<std::net::SocketAddr>,
    /// No HTTP API, web UI or mDNS.
    #[arg(long)]
    pub no_http: bool,
    /// How requests from the network are authorised: `token` (the default: changes need the
    /// bearer token) or `none` (no token at all, for a trusted LAN and the original device's
    /// client; k1 warns at the start and the web UI shows a warning).
    #[arg(long, value_name = "MODE", value_parser = ["token", "none"])]
    pub auth: Option<String>,
    /// Let web pages from URL (e.g. `http://192.168.1.20:5173`) call the API; repeatable.
    #[arg(long = "cors-origin", value_name = "URL")]
    pub cors_origin: Vec<String>,
    /// Keep settings, presets, calibration and the token in DIR [default: $K1_CONFIG_DIR, else
    /// the XDG config dir, ~/.config/k1].
    #[arg(long, value_name = "DIR", conflicts_with = "no_persist")]
    pub config_dir: Option<PathBuf>,
    /// Keep API changes in memory only: read and write no settings files.
    #[arg(long)]
    pub no_persist: bool,
    /// The device's name, announced on mDNS as k1-NAME.local [default: the host name].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Do not announce the web UI on mDNS.
    #[arg(long)]
    pub no_mdns: bool,
    /// The ids of the flags given on the command line (filled by `cli::parse`), so a config
    /// file does not override them.
    #[arg(skip)]
    pub explicit: Vec<String>,
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
    /// Learn from the recording even if it sounds like music (a wide level swing or a beat).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `k1 bench ...`.
#[derive(Debug, Subcommand)]
pub enum BenchArgs {
    /// Time decode + resample + analysis of a file, and the core alone per hop.
    Analyze(BenchAnalyzeArgs),
    /// CPU share of `k1 run --demo` with no preview (target: under 5 % of one core).
    Cpu(super::measure_args::BenchCpuArgs),
    /// 320 LEDs at 120 FPS as DDP to 50 receivers on loopback: frames delivered, drops, CPU.
    Outputs(BenchOutputsArgs),
    /// CPU of `k1 run --input mic` through ALSA's pulse plugin against the same file played
    /// directly, on a private PulseAudio server (target: capture adds under 1 % of one core).
    Mic(super::measure_args::BenchMicArgs),
}

/// `k1 bench analyze`.
#[derive(Debug, clap::Args)]
pub struct BenchAnalyzeArgs {
    /// The audio file [default: the corpus clip real/lincity_pronobozo.flac, else the demo loop].
    pub file: Option<PathBuf>,
    /// Times each pass (pipeline, source alone, core alone) is repeated; the fastest counts.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeat: u32,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[cfg(test)]
mod tests {
    use super::super::common::RateArg;
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
    fn latency_wizard_takes_a_microphone_name() {
        match parse(&["latency-wizard", "--mic", "USB"]).unwrap().command {
            CommandArgs::LatencyWizard(w) => assert_eq!(w.mic.as_deref(), Some("USB")),
            other => panic!("{other:?}"),
        }
        match parse(&["latency-wizard"]).unwrap().command {
            CommandArgs::LatencyWizard(w) => assert_eq!(w.mic, None),
            other => panic!("{other:?}"),
        }
        assert!(parse(&["latency-wizard", "extra"]).is_err());
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

    fn run_args(args: &[&str]) -> RunArgs {
        let all: Vec<&str> = std::iter::once("run").chain(args.iter().copied()).collect();
        match parse(&all).unwrap().command {
            CommandArgs::Run(r) => *r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn run_defaults() {
        let r = run_args(&[]);
        assert_eq!((r.fps, r.leds, r.brightness), (200, 320, None));
        assert_eq!(r.input, None);
        assert!(!r.demo && !r.stats && !r.no_playback && !r.no_preview && !r.no_pin);
        assert!(!r.no_realtime);
        assert_eq!((r.check, r.duration), (None, None));
        assert!(r.sink.is_empty());
        assert!(r.outputs.is_empty() && r.config.is_none());
        assert_eq!(r.engine.rate, RateArg::R12800);
    }

    #[test]
    fn run_input_or_demo_but_not_both() {
        assert_eq!(run_args(&["--input", "-"]).input.as_deref(), Some("-"));
        assert_eq!(
            run_args(&["-i", "mic:USB"]).input.as_deref(),
            Some("mic:USB")
        );
        assert!(run_args(&["--demo"]).demo);
        assert!(parse(&["run", "--demo", "--input", "a.wav"]).is_err());
    }

    #[test]
    fn run_fps_and_leds_ranges() {
        let r = run_args(&["--fps", "120", "--leds", "144"]);
        assert_eq!((r.fps, r.leds), (120, 144));
        assert!(parse(&["run", "--fps", "0"]).is_err());
        assert!(parse(&["run", "--fps", "5000"]).is_err());
        assert!(parse(&["run", "--leds", "0"]).is_err());
    }

    #[test]
    fn run_durations() {
        assert_eq!(
            run_args(&["--check", "30s"]).check,
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            run_args(&["--check", "1.5"]).check,
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            run_args(&["--duration", "500ms"]).duration,
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            run_args(&["--duration", "2m"]).duration,
            Some(Duration::from_secs(120))
        );
        for bad in ["0", "-3", "soon", "0s", "NaN"] {
            assert!(parse(&["run", "--check", bad]).is_err(), "{bad}");
        }
        assert!(parse(&["run", "--check", "1s", "--duration", "2s"]).is_err());
    }

    #[test]
    fn run_pcm_and_sinks() {
        let r = run_args(&[
            "--input",
            "-",
            "--format",
            "f32le",
            "--input-rate",
            "48000",
            "--channels",
            "1",
            "--sink",
            "null",
            "--sink",
            "terminal",
            "--rate",
            "16000",
        ]);
        assert_eq!(r.format, Some(FormatArg::F32le));
        assert_eq!((r.input_rate, r.channels), (Some(48_000), Some(1)));
        assert_eq!(r.sink, [SinkArg::Null, SinkArg::Terminal]);
        assert_eq!(r.engine.rate, RateArg::R16000);
        assert!(parse(&["run", "--format", "u8"]).is_err());
        assert!(parse(&["run", "--channels", "9"]).is_err());
        assert!(parse(&["run", "--input-rate", "1000"]).is_err());
    }

    #[test]
    fn run_outputs_repeat_and_config() {
        let r = run_args(&[
            "--out", "ddp://a", "--out", "opc://b", "--config", "k1.toml",
        ]);
        assert_eq!(r.outputs, ["ddp://a", "opc://b"]);
        assert_eq!(r.config, Some("k1.toml".into()));
    }

    #[test]
    fn run_switches() {
        let r = run_args(&[
            "--no-playback",
            "--stats",
            "--no-preview",
            "--no-pin",
            "--no-realtime",
        ]);
        assert!(r.no_playback && r.stats && r.no_preview && r.no_pin && r.no_realtime);
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
