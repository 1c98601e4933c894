//! `k1 run`: the live engine, wired to a source, sinks, playback, Ctrl-C and the terminal.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{LiveInput, RunJob, SinkKind};
use k1_engine::{
    CheckReport, EngineConfig, Look, Metrics, OpenSource, RenderSettings, StopReason, Supervisor,
};
use k1_io::clock::MonotonicClock;
use k1_io::events::Event;
use k1_io::messages::{note, warn};
use k1_io::sinks::{NullSink, Sink, TerminalSink};
use k1_io::sources::{Opened, Playback, SourceFactory, SourceSpec};

/// Runs `k1 run`.
pub fn run(job: RunJob) -> anyhow::Result<()> {
    let clock = MonotonicClock::new();
    let stop = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&stop);
    if let Err(e) = ctrlc::set_handler(move || handler_flag.store(true, Ordering::Relaxed)) {
        warn(format!("cannot catch Ctrl-C ({e}); stop with SIGKILL"));
    }

    // Settings, presets, outputs, calibration and the chosen source live in the store (see
    // k1_api).
    let store = k1_api::open_store(&job.api);
    let (inputs, fake_note) = k1_io::sources::live::devices::from_env();
    if let Some(n) = fake_note {
        warn(n);
    }
    let factory = SourceFactory {
        rate: job.config.sample_rate,
        hop: job.config.hop,
        lowest_note: job.config.lowest_note,
        playback: job.playback,
        clock,
        inputs,
    };
    let saved = k1_api::saved_source(&store);
    let (opened, ends_run) = open_first(&job, &factory, saved.as_deref())?;
    opened.notes.iter().for_each(note);
    let name = opened.name.clone();

    let preview_on_tty = job.sinks.contains(&SinkKind::Terminal) && std::io::stdout().is_terminal();
    let sinks: Vec<Box<dyn Sink>> = job
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
        layout: k1_engine::layout_for(job.leds),
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
    let shared = Arc::new(k1_engine::Shared::new(config.layout, config.settings));
    shared.sources().set_first_ends_run(ends_run);
    let current = k1_api::CurrentSource {
        spec: opened.spec.to_string(),
        kind: opened.spec.kind(),
        name: name.clone(),
        saved,
    };
    let switch = Arc::new(k1_api::SourceSwitch::new(
        factory,
        Arc::clone(&shared),
        current,
        opened.playback,
    ));
    let open: OpenSource = opened.install;
    let mut specs = k1_api::outputs_to_use(&job.outputs, job.leds, &store);
    k1_io::outputs::unique_names(&mut specs);
    // Every LED output goes on the engine's board, so the API can edit, test and remove it
    // while the engine runs; each gets a sink thread of its own.
    shared.board().set_lowest_note(job.config.lowest_note);
    for spec in &specs {
        k1_engine::outputs::start_output(&shared, spec)
            .map_err(|e| crate::cli::UsageError(format!("output \"{}\": {e}", spec.url)))?;
    }
    // The API, persistence and mDNS run beside the engine (their own threads); they may change
    // the settings in `shared` and the noise floor before the engine starts.
    let mut config = config;
    let control = k1_api::Control::start(
        &job.api,
        job.fps,
        store,
        &shared,
        Arc::clone(&switch),
        job.sinks
            .iter()
            .map(|k| format!("{k:?}").to_lowercase())
            .collect(),
        &mut config.noise_floor,
    )?;
    let outcome = k1_engine::run_shared(&config, &shared, open, sinks, &clock, &stop, &mut printer);
    control.stop();
    let outcome = outcome?;
    stop_playback(switch.take_playback());

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

/// Opens the source the run starts with, and says whether its end ends the run:
/// `--input`/`--demo` on the command line first; else the source chosen over the API in an
/// earlier run (saved), falling back with a warning if it cannot be opened now; else the config
/// file's input; else the microphone if one opens, or the demo.
fn open_first(
    job: &RunJob,
    factory: &SourceFactory,
    saved: Option<&str>,
) -> anyhow::Result<(Opened, bool)> {
    if !job.api.input_from_cli
        && let Some(text) = saved
    {
        let spec = SourceSpec::parse(text).map_err(|e| e.to_string());
        let spec = spec.and_then(|s| {
            if s.reopenable() {
                Ok(s)
            } else {
                Err(k1_io::sources::OpenError::Stdin.to_string())
            }
        });
        match spec.and_then(|s| factory.open(&s).map_err(|e| e.to_string())) {
            Ok(opened) => {
                note(format!(
                    "audio source: {} (chosen in an earlier run; --input or --demo picks another)",
                    opened.name
                ));
                return Ok((opened, false));
            }
            Err(e) => warn(format!(
                "the saved audio source \"{text}\" cannot be opened ({e}); using {} instead",
                match &job.input {
                    LiveInput::Auto => "the microphone or the demo".to_string(),
                    other => other.spec().map(|s| s.to_string()).unwrap_or_default(),
                }
            )),
        }
    }
    let Some(spec) = job.input.spec() else {
        return Ok((open_auto(factory)?, true));
    };
    let opened = factory.open(&spec).map_err(|e| match e {
        k1_io::sources::OpenError::NoAudio => {
            anyhow::Error::new(crate::cli::UsageError(e.to_string()))
        }
        other => anyhow::Error::new(other),
    })?;
    Ok((opened, true))
}

/// `Auto`: the microphone if one opens, else the demo.
fn open_auto(factory: &SourceFactory) -> anyhow::Result<Opened> {
    match factory.open(&SourceSpec::Mic(None)) {
        Ok(mic) => {
            note(format!(
                "listening to the {} (--demo plays the built-in demo instead)",
                mic.name
            ));
            return Ok(mic);
        }
        Err(k1_io::sources::OpenError::NoAudio) => {
            note("built without audio support: playing the built-in demo loop")
        }
        Err(e) => note(format!(
            "no microphone ({e}); playing the built-in demo loop"
        )),
    }
    Ok(factory.open(&SourceSpec::Demo)?)
}

/// Stops playback, reporting any gaps it had.
fn stop_playback(playback: Option<Playback>) {
    if let Some(p) = playback {
        let underruns = p.underruns();
        if underruns > 0 {
            warn(format!(
                "playback: {underruns} output frames had no audio ready"
            ));
        }
    }
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
