//! `k1 run`: the live engine, wired to a source, sinks, playback, Ctrl-C and the terminal.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use crate::cli::{LiveInput, RunJob, SinkKind};
use crate::clock::MonotonicClock;
use crate::engine::{
    self, CheckReport, EngineConfig, Look, Metrics, OpenSource, RenderSettings, StopReason,
    Supervisor,
};
use crate::events::Event;
use crate::messages::{note, warn};
use crate::sinks::{NullSink, Sink, TerminalSink};
use crate::sources::live::{LiveSource, Paced, PcmSource, SharedStart};
use crate::sources::{ClipSource, FileSource};

/// How long a paced stream waits before its first hop when playback is on, so the speakers'
/// buffer is full and the first sound and the first light coincide.
const PLAYBACK_LEAD_NS: u64 = 250_000_000;

/// Runs `k1 run`.
pub fn run(job: RunJob) -> anyhow::Result<()> {
    let clock = MonotonicClock::new();
    let stop = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&stop);
    if let Err(e) = ctrlc::set_handler(move || handler_flag.store(true, Ordering::Relaxed)) {
        warn(format!("cannot catch Ctrl-C ({e}); stop with SIGKILL"));
    }

    let input = choose_input(&job, clock);
    let start = Arc::new(SharedStart::default());
    let playback = start_playback(&job, &input, &start, clock);
    let lead = if playback.is_some() {
        PLAYBACK_LEAD_NS
    } else {
        0
    };
    let (open, name) = open_source(&job, &input, start, lead, clock)?;

    let preview_on_tty = job.sinks.contains(&SinkKind::Terminal) && std::io::stdout().is_terminal();
    let mut sinks: Vec<Box<dyn Sink>> = job
        .sinks
        .iter()
        .map(|kind| -> Box<dyn Sink> {
            match kind {
                SinkKind::Terminal => Box::new(TerminalSink::stdout()),
                SinkKind::Null => Box::new(NullSink),
            }
        })
        .collect();
    let config = EngineConfig {
        analysis: job.config,
        noise_floor: job.noise_floor,
        fps: job.fps,
        layout: engine::layout_for(job.leds),
        settings: RenderSettings::new(job.pattern, job.params),
        look: Look::Patterns,
        pin_threads: job.pin,
        realtime: job.realtime,
        run_for: job.check.or(job.duration),
    };
    if job.stats {
        note(format!(
            "{name}: {} Hz, hop {}, {} FPS, {} LEDs",
            job.config.sample_rate, job.config.hop, job.fps, job.leds
        ));
    }
    let mut printer = Printer {
        stats: job.stats,
        clear_line: preview_on_tty,
    };
    let shared = Arc::new(engine::Shared::new(config.layout, config.settings));
    // Settings, presets, outputs and calibration live in the store (see crate::api).
    let store = crate::api::open_store(&job);
    let specs = crate::api::outputs_to_use(&job, &store);
    let outputs = crate::outputs::build_sinks(
        &specs,
        config.layout.leds(),
        &shared,
        job.config.lowest_note,
    )
    .map_err(crate::cli::UsageError)?;
    sinks.extend(outputs);
    // The API, persistence and mDNS run beside the engine (their own threads); they may change
    // the settings in `shared` and the noise floor before the engine starts.
    let mut config = config;
    let control = crate::api::Control::start(
        &job,
        store,
        &shared,
        &name,
        job.sinks
            .iter()
            .map(|k| format!("{k:?}").to_lowercase())
            .collect(),
        &mut config.noise_floor,
    )?;
    let outcome = engine::run_shared(&config, &shared, open, sinks, &clock, &stop, &mut printer);
    control.stop();
    let outcome = outcome?;
    stop_playback(playback);

    let m = &outcome.metrics;
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}", summary(&outcome.reason, m));
    for o in shared.outputs() {
        let _ = writeln!(
            out,
            "  output   {}: {} frames sent, {} dropped, {} errors{}",
            o.name,
            o.frames_sent,
            o.frames_dropped,
            o.errors,
            o.last_error
                .map(|e| format!(" (last: {e})"))
                .unwrap_or_default()
        );
    }
    let _ = out.flush();
    drop(out);
    match &outcome.reason {
        StopReason::SourceFailed(why) => anyhow::bail!("the audio source failed: {why}"),
        StopReason::SourceEnded(name) => note(format!("end of input: {name}")),
        StopReason::Requested | StopReason::TimeUp => {}
    }
    if job.check.is_some() {
        let report = CheckReport::new(m, outcome.reason == StopReason::TimeUp);
        print!("{}", report.text());
        if !report.passed() {
            anyhow::bail!("the check failed (see the report above)");
        }
    }
    Ok(())
}

/// The input to use: `Auto` becomes the microphone if one opens, else the demo.
fn choose_input(job: &RunJob, clock: MonotonicClock) -> LiveInput {
    if job.input != LiveInput::Auto {
        return job.input.clone();
    }
    #[cfg(feature = "audio")]
    {
        use crate::sources::live::mic::MicSource;
        match MicSource::open(None, job.config.sample_rate, clock) {
            Ok(mic) => {
                note(format!(
                    "listening to the microphone \"{}\" (--demo plays the built-in demo instead)",
                    mic.name()
                ));
                return LiveInput::Mic(None);
            }
            Err(e) => note(format!(
                "no microphone ({e}); playing the built-in demo loop"
            )),
        }
    }
    #[cfg(not(feature = "audio"))]
    {
        let _ = clock;
        note("built without audio support: playing the built-in demo loop");
    }
    LiveInput::Demo
}

/// The demo: `k1_synth`'s loop, repeated for as long as the engine runs.
fn demo_clip(rate: u32) -> Result<ClipSource, crate::sources::SourceError> {
    ClipSource::demo(rate, u32::MAX)
}

/// Starts playing a file or the demo through the speakers, unless turned off; says why not if
/// it cannot.
#[cfg(feature = "audio")]
fn start_playback(
    job: &RunJob,
    input: &LiveInput,
    start: &Arc<SharedStart>,
    clock: MonotonicClock,
) -> Option<crate::sources::live::playback::Playback> {
    use crate::sources::Source;
    use crate::sources::live::LiveError;
    use crate::sources::live::playback::{MakeSource, Playback};
    if !job.playback {
        return None;
    }
    let make: MakeSource = match input {
        LiveInput::Demo => Box::new(|rate| {
            Ok(Box::new(demo_clip(rate).map_err(LiveError::from)?) as Box<dyn Source + Send>)
        }),
        LiveInput::File(path) => {
            let path = path.clone();
            Box::new(move |rate| {
                Ok(
                    Box::new(FileSource::open(&path, rate).map_err(LiveError::from)?)
                        as Box<dyn Source + Send>,
                )
            })
        }
        _ => return None,
    };
    match Playback::start(make, Arc::clone(start), clock) {
        Ok(p) => {
            note(format!(
                "playing through \"{}\" (--no-playback turns it off)",
                p.name()
            ));
            Some(p)
        }
        Err(e) => {
            note(format!(
                "no audio output ({e}); continuing without playback"
            ));
            None
        }
    }
}

/// Stands in for the playback stream in a build without the `audio` feature.
#[cfg(not(feature = "audio"))]
struct NoPlayback;

#[cfg(not(feature = "audio"))]
fn stop_playback(_playback: Option<NoPlayback>) {}

/// Stops playback, reporting any gaps it had.
#[cfg(feature = "audio")]
fn stop_playback(playback: Option<crate::sources::live::playback::Playback>) {
    if let Some(p) = playback {
        let underruns = p.underruns();
        if underruns > 0 {
            warn(format!(
                "playback: {underruns} output frames had no audio ready"
            ));
        }
    }
}

/// Without the `audio` feature there is no playback.
#[cfg(not(feature = "audio"))]
fn start_playback(
    job: &RunJob,
    input: &LiveInput,
    _start: &Arc<SharedStart>,
    _clock: MonotonicClock,
) -> Option<NoPlayback> {
    if job.playback && matches!(input, LiveInput::Demo | LiveInput::File(_)) {
        note("built without the `audio` feature: no playback");
    }
    None
}

/// Opens the input (files and stdin here, so a bad file is reported before anything starts)
/// and returns how the audio thread gets its source, and the source's name.
fn open_source(
    job: &RunJob,
    input: &LiveInput,
    start: Arc<SharedStart>,
    lead: u64,
    clock: MonotonicClock,
) -> anyhow::Result<(OpenSource, String)> {
    let rate = job.config.sample_rate;
    let hop = job.config.hop;
    let paced = |source: Box<dyn crate::sources::Source + Send>, name: String| -> OpenSource {
        let paced = Paced::new(source, name, rate, hop).with_shared_start(start, lead);
        Box::new(move || Ok(Box::new(paced) as Box<dyn LiveSource>))
    };
    Ok(match input {
        LiveInput::Demo | LiveInput::Auto => {
            let name = format!("demo loop ({} BPM)", k1_synth::DEMO_BPM);
            (paced(Box::new(demo_clip(rate)?), name.clone()), name)
        }
        LiveInput::File(path) => {
            let name = path.display().to_string();
            let file = FileSource::open(path, rate)?;
            (paced(Box::new(file), name.clone()), name)
        }
        LiveInput::Stdin(spec) => {
            let name = "stdin".to_string();
            let pcm = PcmSource::spawn(std::io::stdin(), *spec, name.clone(), rate)
                .context("reading stdin")?;
            (
                Box::new(move || Ok(Box::new(pcm) as Box<dyn LiveSource>)),
                name,
            )
        }
        LiveInput::Mic(device) => open_mic(device.clone(), rate, clock)?,
        LiveInput::WledSync(port) => {
            let source =
                crate::sources::live::WledSyncSource::open(*port, rate, job.config.lowest_note)?;
            let name = source.name().to_string();
            (
                Box::new(move || Ok(Box::new(source) as Box<dyn LiveSource>)),
                name,
            )
        }
    })
}

#[cfg(feature = "audio")]
fn open_mic(
    device: Option<String>,
    rate: u32,
    clock: MonotonicClock,
) -> anyhow::Result<(OpenSource, String)> {
    use crate::sources::live::mic::MicSource;
    use crate::sources::live::{Reconnecting, SOURCE_BACKOFF};
    // Open once here so that a missing device is a clear error before anything starts.
    let probe =
        MicSource::open(device.as_deref(), rate, clock).context("cannot open the microphone")?;
    let name = probe.name().to_string();
    if probe.device_rate() != rate {
        note(format!(
            "the microphone runs at {} Hz: resampling to {rate} Hz adds latency",
            probe.device_rate()
        ));
    }
    drop(probe);
    let label = format!("microphone \"{name}\"");
    let open: OpenSource = Box::new(move || {
        let reopen = move || {
            MicSource::open(device.as_deref(), rate, clock)
                .map(|m| Box::new(m) as Box<dyn LiveSource>)
        };
        Ok(Box::new(Reconnecting::new(label, None, reopen, SOURCE_BACKOFF)) as Box<dyn LiveSource>)
    });
    Ok((open, name))
}

#[cfg(not(feature = "audio"))]
fn open_mic(
    _device: Option<String>,
    _rate: u32,
    _clock: MonotonicClock,
) -> anyhow::Result<(OpenSource, String)> {
    Err(crate::cli::UsageError("this k1 was built without the `audio` feature".into()).into())
}

/// Prints events on stderr and, with `--stats`, a metrics line a second on stdout.
struct Printer {
    stats: bool,
    /// The terminal preview is drawing on stdout: clear its line before printing over it.
    clear_line: bool,
}

impl Supervisor for Printer {
    fn event(&mut self, event: &Event) {
        match event {
            Event::Note(m) => note(m),
            Event::Warning(m) => warn(m),
            Event::Detail(m) if self.stats => note(m),
            Event::Detail(_) | Event::SourceEnded(_) | Event::SourceFailed(_) => {}
        }
    }

    fn second(&mut self, window: &Metrics, _total: &Metrics) {
        if self.stats {
            let mut out = std::io::stdout().lock();
            let clear = if self.clear_line { "\r\x1b[2K" } else { "" };
            let _ = writeln!(out, "{clear}stats: {}", window.line());
            let _ = out.flush();
        }
    }
}

/// The final report of a run.
fn summary(reason: &StopReason, m: &Metrics) -> String {
    let why = match reason {
        StopReason::Requested => "stopped".to_string(),
        StopReason::TimeUp => "time up".to_string(),
        StopReason::SourceEnded(_) => "end of input".to_string(),
        StopReason::SourceFailed(_) => "source failed".to_string(),
    };
    format!(
        "k1 run: {:.1} s ({why})\n\
         \x20 render   {:.1} FPS ({} frames); frame time p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms; wake jitter p99 {:.3} ms, max {:.3} ms\n\
         \x20 audio    {:.1} hops/s ({} hops); hop time p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms\n\
         \x20 latency  p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (newest sample -> frame leaving the renderer)\n\
         \x20 misses   {} frames, {} hops\n\
         \x20 seqlock  {} retries, {} fallbacks, {} torn\n\
         \x20 sinks    {} frames written, {} dropped, {} errors\n\
         \x20 source   {} underruns, {} errors, {} samples overrun\n\
         \x20 tempo    {:.1} BPM (confidence {:.2})\n",
        m.seconds,
        m.fps,
        m.frames,
        m.frame_time.p50_ms,
        m.frame_time.p99_ms,
        m.frame_time.max_ms,
        m.wake_jitter.p99_ms,
        m.wake_jitter.max_ms,
        m.hops_per_second,
        m.hops,
        m.hop_time.p50_ms,
        m.hop_time.p99_ms,
        m.hop_time.max_ms,
        m.latency.p50_ms,
        m.latency.p99_ms,
        m.latency.max_ms,
        m.frame_misses,
        m.hop_misses,
        m.seqlock_retries,
        m.seqlock_fallbacks,
        m.torn_reads,
        m.sink_frames,
        m.sink_drops,
        m.sink_errors,
        m.source_underruns,
        m.source_errors,
        m.audio_overruns,
        m.bpm,
        m.confidence,
    )
}
