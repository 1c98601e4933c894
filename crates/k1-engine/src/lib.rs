//! `k1-engine`: the live engine of `k1 run`: audio analysis on one core, rendering on the other, sinks on their own
//! threads, and a supervisor that watches them.
//!
//! ```text
//!  audio thread (core 0)            render thread (core 1)            sink threads
//!  LiveSource ─► Analyzer ─► [PublishedLock] ─► Renderer ─► Pipeline ─► [FrameSlot] ─► Sink::write
//!                                 ▲ seqlock        ▲ [SettingsLock]           latest value, try_lock
//!                                                  command line / HTTP API
//! ```
//!
//! Neither hot loop ever waits for the other or for a sink: the exchanges are seqlocks (the writer
//! never waits, a reader retries a bounded number of times) and the frame slot is offered with
//! `try_lock`. Both loops take time from a [`Clock`], so a virtual clock can run them unpaced
//! (for a soak test) without changing their code. [`run`] starts everything, prints nothing
//! itself, hands events and a once-a-second [`Metrics`] window to a [`Supervisor`], and stops
//! everything on request, at the end of the source, or after a set time.
//!
//! Also here: the sink threads ([`run_sinks`]), the LED outputs built from their specs
//! ([`outputs`]: each registered in [`Shared`], and the WLED audio-sync sender, which reads the
//! analysis), pacing, metrics and the `--check` verdict ([`CheckReport`]), and what the process
//! costs ([`proc_stats`]).
//!
//! It sits above `k1-io` (sources, sinks, clock) and below the HTTP API and the command line: it
//! must never depend on `k1-api`, `k1-offline` or `k1` (`crates/k1/tests/crate_graph.rs` checks).

#![deny(missing_docs)]

mod audio;
mod audio_control;
mod check;
mod exchange;
mod histogram;
pub mod live_outputs;
#[cfg(test)]
mod live_outputs_tests;
mod metrics;
pub mod outputs;
mod pacing;
mod phase;
pub mod proc_stats;
mod render;
mod shared;
#[cfg(test)]
mod sink_delay_tests;
mod sink_threads;
mod swap;
#[cfg(test)]
mod swap_tests;
mod test_pattern;
#[cfg(test)]
mod tests;
mod threads;

pub use audio_control::{CalibrationState, MAX_CALIBRATION_SECONDS, MAX_GAIN, MIN_GAIN};
pub use check::CheckReport;
pub use exchange::RenderSettings;
pub use live_outputs::{BoardEntry, OutputBoard, TEST_SECONDS};
pub use metrics::{Capture, Metrics, MetricsHub};
pub use render::{Look, probe};
pub use shared::{MetricsPair, Shared};
pub use sink_threads::{SinkRunner, Step, run_sinks};
pub use swap::Handover;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use k1_core::render::Layout;
use k1_core::{Analyzer, Config, ConfigError, NoiseFloor};

use k1_io::clock::{Clock, Nanos, SECOND, duration_nanos};
use k1_io::events::{Event, Events};
use k1_io::sinks::Sink;
use k1_io::sources::live::{LiveError, LiveSource};

/// The audio thread's name (a [`LockstepClock`](k1_io::clock::LockstepClock) lets it drive time).
pub const AUDIO_THREAD: &str = "k1-audio";
/// The render thread's name.
pub const RENDER_THREAD: &str = "k1-render";

/// Opens the live source; called on the audio thread, so the source need not be `Send`. The
/// same type as [`Install`](k1_io::sources::Install), which the source factory makes.
pub type OpenSource = Box<dyn FnOnce() -> Result<Box<dyn LiveSource>, LiveError> + Send>;

/// How the engine runs.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// The analysis configuration (rate and hop).
    pub analysis: Config,
    /// A noise floor to install before the first hop.
    pub noise_floor: Option<NoiseFloor>,
    /// Target frames per second (at least 1).
    pub fps: u32,
    /// The LED layout (its LED count is the frame's).
    pub layout: Layout,
    /// The renderer's starting settings (pattern and parameters).
    pub settings: RenderSettings,
    /// What the renderer draws.
    pub look: Look,
    /// Pin the audio and render threads to their own cores (where the OS allows).
    pub pin_threads: bool,
    /// Run the audio and render threads at real-time priority (where the OS allows).
    pub realtime: bool,
    /// Stop after this long (`None`: until asked or until the source ends).
    pub run_for: Option<Duration>,
}

impl EngineConfig {
    /// `fps` frames of `leds` LEDs ([`layout_for`]) from `analysis`, the default pattern and
    /// parameters, no noise floor, unpinned, at normal priority, until stopped: the measurement
    /// commands' base.
    pub fn new(analysis: Config, fps: u32, leds: usize) -> Self {
        Self {
            analysis,
            noise_floor: None,
            fps,
            layout: layout_for(leds),
            settings: RenderSettings::DEFAULT,
            look: Look::Patterns,
            pin_threads: false,
            realtime: false,
            run_for: None,
        }
    }
}

/// The layout for `leds` LEDs: two strips radiating from the centre when the count is even (the
/// reference device's 2 × 160), one strip otherwise; clamped to 1..=`MAX_LEDS`.
pub fn layout_for(leds: usize) -> Layout {
    let leds = leds.clamp(1, k1_core::render::MAX_LEDS);
    let layout = if leds.is_multiple_of(2) {
        Layout::centre_out(leds / 2)
    } else {
        Layout::single(leds)
    };
    layout.unwrap_or(Layout::DEFAULT)
}

/// Why the engine stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum StopReason {
    /// The stop flag was set (Ctrl-C, SIGTERM, or the caller).
    Requested,
    /// The set run time was over.
    TimeUp,
    /// The source ended (its name).
    SourceEnded(String),
    /// The source failed for good (the message).
    SourceFailed(String),
}

/// The result of a run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Why it stopped.
    pub reason: StopReason,
    /// The metrics over the whole run.
    pub metrics: Metrics,
}

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The analysis configuration is invalid.
    #[error("invalid engine settings: {0}")]
    Config(#[from] ConfigError),
    /// A thread could not be started.
    #[error("cannot start the {what} thread: {err}")]
    Thread {
        /// Which thread.
        what: &'static str,
        /// The OS error.
        err: std::io::Error,
    },
    /// A thread panicked (a bug); the others were stopped.
    #[error("the {0} thread panicked")]
    Panicked(&'static str),
}

/// Watches a run: gets its events and, once a second, its metrics.
pub trait Supervisor {
    /// A state change on one of the threads.
    fn event(&mut self, event: &Event);
    /// The last second (`window`) and the run so far (`total`).
    fn second(&mut self, window: &Metrics, total: &Metrics);
}

/// The longest a sink thread waits for a frame before it looks at the stop flag again (the
/// render thread wakes it as soon as a frame is offered).
const SINK_POLL: Duration = Duration::from_millis(50);

/// How often the supervisor looks at the stop flag and the events.
const SUPERVISE_EVERY: Duration = Duration::from_millis(50);

/// Runs the engine until `stop` is set, the source ends or fails, or `config.run_for` is over.
/// On return every thread has stopped and every sink has been finished; `stop` is left set.
pub fn run(
    config: &EngineConfig,
    open: OpenSource,
    sinks: Vec<Box<dyn Sink>>,
    clock: &dyn Clock,
    stop: &AtomicBool,
    supervisor: &mut dyn Supervisor,
) -> Result<Outcome, EngineError> {
    let shared = Shared::new(config.layout, config.settings);
    run_shared(config, &shared, open, sinks, clock, stop, supervisor)
}

/// [`run`] with state the caller shares with its controllers (the HTTP API). `shared` must have
/// been made from `config` ([`Shared::new`] with its layout and settings) and not used by another
/// run before.
pub fn run_shared(
    config: &EngineConfig,
    shared: &Shared,
    open: OpenSource,
    mut sinks: Vec<Box<dyn Sink>>,
    clock: &dyn Clock,
    stop: &AtomicBool,
    supervisor: &mut dyn Supervisor,
) -> Result<Outcome, EngineError> {
    let mut analyzer = Box::new(Analyzer::new(config.analysis)?);
    if let Some(floor) = config.noise_floor {
        analyzer.set_noise_floor(floor);
    }
    shared.board.set_lowest_note(config.analysis.lowest_note);
    let hub = &shared.metrics;
    let snapshots = &shared.snapshots;
    let settings = &shared.settings;
    let slot = &shared.slot;
    let (events, inbox) = Events::channel();
    let period = SECOND / u64::from(config.fps.max(1));
    let cores = if config.pin_threads {
        core_affinity::get_core_ids().unwrap_or_default()
    } else {
        Vec::new()
    };
    let core_for = |i: usize| cores.get(i % cores.len().max(1)).copied();
    let origin = hub.capture(clock.now());
    let end: Option<Nanos> = config.run_for.map(|d| origin.at() + duration_nanos(d));

    std::thread::scope(|s| {
        let spawn_err = |what: &'static str| move |err| EngineError::Thread { what, err };
        let writer = snapshots.writer().ok_or(EngineError::Panicked("audio"))?;
        let audio_events = events.clone();
        let audio_core = core_for(0);
        let audio = std::thread::Builder::new()
            .name(AUDIO_THREAD.into())
            .spawn_scoped(s, move || {
                let priority = config.realtime.then_some(threads::AUDIO_PRIORITY);
                threads::prepare("audio", audio_core, priority, &audio_events);
                let source = match open() {
                    Ok(source) => source,
                    Err(e) => {
                        audio_events.send(Event::SourceFailed(e.to_string()));
                        return;
                    }
                };
                audio::AudioLoop {
                    source,
                    analyzer,
                    writer,
                    metrics: hub,
                    control: &shared.audio,
                    clock,
                    events: audio_events,
                    stop,
                    swap: &shared.sources,
                    ends_run: shared.sources.first_ends_run(),
                }
                .run();
            })
            .map_err(spawn_err("audio"));
        // Sinks first, so the render thread can wake each one when it offers a frame. Sinks that
        // never block share one thread; every other sink gets its own.
        let mut groups: Vec<Vec<&mut dyn Sink>> = Vec::new();
        let mut sharing: Vec<&mut dyn Sink> = Vec::new();
        for sink in sinks.iter_mut() {
            if sink.shares_thread() {
                sharing.push(&mut **sink);
            } else {
                groups.push(vec![&mut **sink]);
            }
        }
        if !sharing.is_empty() {
            groups.push(sharing);
        }
        let mut sink_threads = Vec::new();
        for mut group in groups {
            let sink_events = events.clone();
            sink_threads.push(
                std::thread::Builder::new()
                    .name("k1-sink".into())
                    .spawn_scoped(s, move || {
                        if config.realtime {
                            threads::prepare(
                                "sink",
                                None,
                                Some(threads::SINK_PRIORITY),
                                &sink_events,
                            );
                        }
                        run_sinks(
                            &mut group,
                            slot,
                            stop,
                            clock,
                            SINK_POLL,
                            hub,
                            &sink_events,
                            &shared.audio_offset,
                        );
                    })
                    .map_err(spawn_err("sink")),
            );
        }
        let sink_wakers: Vec<std::thread::Thread> = sink_threads
            .iter()
            .filter_map(|t| t.as_ref().ok().map(|h| h.thread().clone()))
            .collect();
        let render_events = events.clone();
        let render_core = core_for(1);
        let render = std::thread::Builder::new()
            .name(RENDER_THREAD.into())
            .spawn_scoped(s, move || {
                let priority = config.realtime.then_some(threads::RENDER_PRIORITY);
                threads::prepare("render", render_core, priority, &render_events);
                render::RenderLoop {
                    snapshots,
                    settings,
                    slot,
                    metrics: hub,
                    clock,
                    period,
                    hop_period: k1_io::clock::samples_nanos(
                        config.analysis.hop as u64,
                        config.analysis.sample_rate,
                    ),
                    layout: config.layout,
                    look: config.look,
                    sinks: &sink_wakers,
                    live: &shared.board,
                    stop,
                    end,
                }
                .run();
            })
            .map_err(spawn_err("render"));
        let live_events = events.clone();
        drop(events);

        // The outputs on the board (started before the run or while it runs) get a thread of
        // their own when the supervisor next looks; finished ones (stopped or replaced) are
        // joined then.
        let mut live_threads: Vec<std::thread::ScopedJoinHandle<'_, ()>> = Vec::new();
        let mut group_started = false;
        let mut start_live = || {
            if !group_started && shared.board.wants_group() {
                group_started = true;
                let sink_events = live_events.clone();
                let spawned = std::thread::Builder::new()
                    .name("k1-sink".into())
                    .spawn_scoped(s, move || {
                        if config.realtime {
                            threads::prepare(
                                "sink",
                                None,
                                Some(threads::SINK_PRIORITY),
                                &sink_events,
                            );
                        }
                        live_outputs::run_group(
                            &shared.board,
                            slot,
                            stop,
                            clock,
                            SINK_POLL,
                            hub,
                            &sink_events,
                            &shared.audio_offset,
                        );
                    });
                match spawned {
                    Ok(h) => {
                        shared.board.add_group_waker(h.thread().clone());
                        live_threads.push(h);
                    }
                    Err(e) => live_events.warn(format!("cannot start the outputs' thread: {e}")),
                }
            }
            let (done, running): (Vec<_>, Vec<_>) = live_threads
                .drain(..)
                .partition(std::thread::ScopedJoinHandle::is_finished);
            live_threads = running;
            for h in done {
                if h.join().is_err() {
                    live_events.warn("an output's sink thread panicked; the output stopped");
                }
            }
            for live_outputs::Waiting {
                id,
                mut sink,
                control,
            } in shared.board.take_waiting()
            {
                let sink_events = live_events.clone();
                let own = Arc::clone(&control);
                let spawned = std::thread::Builder::new()
                    .name("k1-sink".into())
                    .spawn_scoped(s, move || {
                        if config.realtime {
                            threads::prepare(
                                "sink",
                                None,
                                Some(threads::SINK_PRIORITY),
                                &sink_events,
                            );
                        }
                        let mut one: [&mut dyn Sink; 1] = [&mut *sink];
                        run_sinks(
                            &mut one,
                            slot,
                            &own.stop,
                            clock,
                            SINK_POLL,
                            hub,
                            &sink_events,
                            &shared.audio_offset,
                        );
                    });
                match spawned {
                    Ok(h) => {
                        shared.board.add_waker(id, &control, h.thread().clone());
                        live_threads.push(h);
                    }
                    Err(e) => live_events.warn(format!("cannot start output {id}'s thread: {e}")),
                }
            }
        };

        // If a thread failed to start, stop the others and report it.
        let started = audio.is_ok() && render.is_ok() && sink_threads.iter().all(Result::is_ok);
        let reason = if started {
            supervise(
                shared,
                &origin,
                end,
                clock,
                stop,
                &inbox,
                supervisor,
                &mut start_live,
            )
        } else {
            StopReason::Requested
        };
        stop.store(true, Ordering::Relaxed);
        shared.board.stop_all();
        // Sinks park between frames: wake them so they see the flag now.
        for t in sink_threads.iter().flatten() {
            t.thread().unpark();
        }

        let mut panicked = None;
        let mut join =
            |what: &'static str, h: Result<std::thread::ScopedJoinHandle<'_, ()>, EngineError>| {
                match h {
                    Ok(h) => {
                        if h.join().is_err() {
                            panicked.get_or_insert(EngineError::Panicked(what));
                        }
                    }
                    Err(e) => {
                        panicked.get_or_insert(e);
                    }
                }
            };
        join("audio", audio);
        join("render", render);
        for t in sink_threads {
            join("sink", t);
        }
        for t in live_threads {
            join("sink", Ok(t));
        }
        if let Some(err) = panicked {
            return Err(err);
        }
        // Events sent while stopping (a sink's last warning, the end of the source).
        let mut reason = reason;
        while let Ok(event) = inbox.try_recv() {
            note_end(&event, &mut reason);
            supervisor.event(&event);
        }
        let total = Metrics::between(&origin, &hub.capture(clock.now()));
        Ok(Outcome {
            reason,
            metrics: total,
        })
    })
}

/// Watches the run until it should stop (the render loop sets `stop` itself at `end`); returns
/// why. Each pass starts the outputs waiting on the board (`start_live`).
#[allow(clippy::too_many_arguments)]
fn supervise(
    shared: &Shared,
    origin: &Capture,
    end: Option<Nanos>,
    clock: &dyn Clock,
    stop: &AtomicBool,
    inbox: &std::sync::mpsc::Receiver<Event>,
    supervisor: &mut dyn Supervisor,
    start_live: &mut dyn FnMut(),
) -> StopReason {
    let mut last = origin.clone();
    let mut reason = None;
    loop {
        start_live();
        while let Ok(event) = inbox.try_recv() {
            let mut r = StopReason::Requested;
            if note_end(&event, &mut r) {
                reason.get_or_insert(r);
            }
            supervisor.event(&event);
        }
        if let Some(r) = reason {
            return r;
        }
        // Time first: at `end` the render loop has set `stop` too.
        let now = clock.now();
        if end.is_some_and(|e| now >= e) {
            return StopReason::TimeUp;
        }
        if stop.load(Ordering::Relaxed) {
            return StopReason::Requested;
        }
        if now.saturating_sub(last.at()) >= SECOND {
            let current = shared.metrics.capture(now);
            let pair = MetricsPair {
                window: Metrics::between(&last, &current),
                total: Metrics::between(origin, &current),
            };
            supervisor.second(&pair.window, &pair.total);
            *shared.seconds.lock().unwrap_or_else(|p| p.into_inner()) = pair;
            last = current;
            if stop.load(Ordering::Relaxed) {
                // The supervisor asked to stop.
                return StopReason::Requested;
            }
        }
        clock.sleep(SUPERVISE_EVERY);
    }
}

/// If `event` ends the run, sets `reason` and returns true.
fn note_end(event: &Event, reason: &mut StopReason) -> bool {
    match event {
        Event::SourceEnded(name) => *reason = StopReason::SourceEnded(name.clone()),
        Event::SourceFailed(why) => *reason = StopReason::SourceFailed(why.clone()),
        _ => return false,
    }
    true
}
