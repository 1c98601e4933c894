//! Low-level arguments of the engine's measurement commands: `k1 latency`, `k1 soak` and
//! `k1 bench cpu` (clap; syntax and ranges only, resolved in [`super::measure_jobs`]).

use std::time::Duration;

use super::common::EngineArgs;

/// How `k1 latency` measures (shown by `k1 latency --help`).
pub const LATENCY_AFTER_HELP: &str = "\
A click train (2.5 ms bursts of decaying noise over silence, each starting at a different sample
of its hop, cycling through every position) is played through the live engine exactly as `k1 run`
plays a file: the real audio thread
releases each hop when it is due, the real render thread draws frames at --fps, and a sink on its
own thread watches every frame. A frame responds to a click when some LED's brightest channel is
at least --threshold (0..1) above its value in the last frame rendered before the click's first
sample was due. Latency is from that moment (the sample's due time on the wall clock) to the
responding frame, both as it leaves the renderer and as the sink receives it (the light).

The target is p99 <= one hop + one frame period (10 ms at the defaults), checked on the
sink-side figure. Exit codes: 0 target met, 1 target missed or a click got no response, 2 usage.";

/// How `k1 soak` works (shown by `k1 soak --help`).
pub const SOAK_AFTER_HELP: &str = "\
The real audio and render threads, the seqlock between them and a null sink run the demo loop on
a virtual clock: time jumps to the next hop or frame deadline as soon as both threads are
waiting, so nothing sleeps and every timestamp is exact. It stops once --frames frames and --hops
hops are done. The default --fps 1000 makes the 50 million frames and 10 million hops take the
same virtual time (50,000 s, about 14 hours).

It passes when resident memory (VmRSS) grows by at most --max-growth-kib between the end of the
warm-up (the first 10 virtual seconds) and the end, no read was torn, no deadline was missed and
no thread panicked. Exit codes: 0 pass, 1 fail, 2 usage.";

/// `k1 latency`.
#[derive(Debug, clap::Args)]
#[command(after_help = LATENCY_AFTER_HELP)]
pub struct LatencyArgs {
    /// Clicks to play (the run lasts about clicks x interval, plus one second).
    #[arg(long, default_value_t = 100, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub clicks: u32,
    /// Time between clicks (at least 50ms; e.g. 200ms, 0.5).
    #[arg(long, default_value = "200ms", value_name = "DURATION",
          value_parser = super::common::parse_duration)]
    pub interval: Duration,
    /// The rise in an LED's brightest channel (0..1) that counts as a response.
    #[arg(long, default_value_t = 0.02, value_name = "LEVEL")]
    pub threshold: f32,
    #[command(flatten)]
    pub threads: ThreadArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `k1 soak`.
#[derive(Debug, clap::Args)]
#[command(after_help = SOAK_AFTER_HELP)]
pub struct SoakArgs {
    /// Frames to render (at least).
    #[arg(long, default_value_t = 50_000_000, value_name = "N",
          value_parser = clap::builder::RangedI64ValueParser::<u64>::new().range(1..))]
    pub frames: u64,
    /// Hops to analyse (at least).
    #[arg(long, default_value_t = 10_000_000, value_name = "N",
          value_parser = clap::builder::RangedI64ValueParser::<u64>::new().range(1..))]
    pub hops: u64,
    /// Frames per second on the virtual clock, 1..=1000.
    #[arg(long, default_value_t = 1000, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub fps: u32,
    /// LEDs on the strip, 1..=10000.
    #[arg(long, default_value_t = 320, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub leds: u32,
    /// The most resident memory may grow after the warm-up, KiB.
    #[arg(long, default_value_t = 1024, value_name = "KIB")]
    pub max_growth_kib: u64,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `k1 bench cpu`.
#[derive(Debug, clap::Args)]
pub struct BenchCpuArgs {
    #[command(flatten)]
    pub window: MeasureWindow,
    #[command(flatten)]
    pub threads: ThreadArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `k1 bench mic`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Needs PulseAudio and its tools, and for --binary builds from before cpal's PulseAudio host ALSA's \
pulse plugin (Debian/Ubuntu: apt-get install pulseaudio pulseaudio-utils libasound2-plugins); \
it says which is missing. The benchmark starts its own PulseAudio server (a null \
sink, in a private runtime directory, stopped at the end), plays FILE into the sink with paplay \
and runs `k1 run --input mic` on the sink's monitor, then `k1 run --input FILE`; each \
run's CPU is read from /proc/PID/task/*/schedstat over the same wall interval.")]
pub struct BenchMicArgs {
    /// The audio file played into the null sink (paplay: WAV, FLAC, OGG) and run directly.
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub window: MeasureWindow,
    /// The k1 binary whose runs are measured, e.g. one built from an older commit for a
    /// before/after pair [default: this one].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<std::path::PathBuf>,
}

/// The wall interval a CPU benchmark measures (`k1 bench cpu`, `k1 bench mic`).
#[derive(Debug, clap::Args)]
pub struct MeasureWindow {
    /// Seconds measured (after the warm-up).
    #[arg(long, default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub seconds: u32,
    /// Seconds run before measuring (start-up, the first spin margins).
    #[arg(long, default_value_t = 3, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=600))]
    pub warmup: u32,
}

/// How the live engine's threads run, as in `k1 run`.
#[derive(Debug, clap::Args)]
pub struct ThreadArgs {
    /// Frames rendered per second, 1..=1000.
    #[arg(long, default_value_t = 200, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub fps: u32,
    /// LEDs on the strip, 1..=10000.
    #[arg(long, default_value_t = 320, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub leds: u32,
    /// Do not pin the audio and render threads to cores.
    #[arg(long)]
    pub no_pin: bool,
    /// Do not ask for real-time priority (SCHED_FIFO).
    #[arg(long)]
    pub no_realtime: bool,
}

#[cfg(test)]
mod tests {
    use super::super::args::{Args, BenchArgs, CommandArgs};
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("k1").chain(args.iter().copied()))
    }

    #[test]
    fn latency_defaults_and_ranges() {
        match parse(&["latency"]).unwrap().command {
            CommandArgs::Latency(l) => {
                assert_eq!((l.clicks, l.threads.fps, l.threads.leds), (100, 200, 320));
                assert_eq!(l.interval, std::time::Duration::from_millis(200));
                assert_eq!(l.threshold, 0.02);
                assert!(!l.threads.no_pin && !l.threads.no_realtime);
            }
            other => panic!("{other:?}"),
        }
        assert!(parse(&["latency", "--clicks", "0"]).is_err());
        assert!(parse(&["latency", "--interval", "soon"]).is_err());
        assert!(parse(&["latency", "--fps", "2000"]).is_err());
    }

    #[test]
    fn soak_defaults_and_counts() {
        match parse(&["soak"]).unwrap().command {
            CommandArgs::Soak(s) => {
                assert_eq!((s.frames, s.hops), (50_000_000, 10_000_000));
                assert_eq!((s.fps, s.leds, s.max_growth_kib), (1000, 320, 1024));
            }
            other => panic!("{other:?}"),
        }
        match parse(&["soak", "--frames", "1000000", "--hops", "200000"])
            .unwrap()
            .command
        {
            CommandArgs::Soak(s) => assert_eq!((s.frames, s.hops), (1_000_000, 200_000)),
            other => panic!("{other:?}"),
        }
        assert!(parse(&["soak", "--frames", "0"]).is_err());
        assert!(parse(&["soak", "--hops", "-3"]).is_err());
    }

    #[test]
    fn bench_mic_needs_a_file_and_shares_the_window() {
        assert!(parse(&["bench", "mic"]).is_err());
        match parse(&["bench", "mic", "song.flac", "--seconds", "5"])
            .unwrap()
            .command
        {
            CommandArgs::Bench(BenchArgs::Mic(b)) => {
                assert_eq!(b.file, std::path::PathBuf::from("song.flac"));
                assert_eq!((b.window.seconds, b.window.warmup), (5, 3));
                assert_eq!(b.binary, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bench_cpu_defaults() {
        match parse(&["bench", "cpu"]).unwrap().command {
            CommandArgs::Bench(BenchArgs::Cpu(b)) => {
                assert_eq!(
                    (b.window.seconds, b.window.warmup, b.threads.fps),
                    (20, 3, 200)
                );
                assert_eq!(b.threads.leds, 320);
            }
            other => panic!("{other:?}"),
        }
        assert!(parse(&["bench", "cpu", "--seconds", "0"]).is_err());
    }
}
