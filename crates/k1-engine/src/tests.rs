//! The engine run end to end in-process, with mock sources and sinks: start and stop with each
//! kind of source, a stalled sink, a source that ends, a microphone that fails and is reopened.
//!
//! Every run here is on a [`LockstepClock`]: the real audio and render threads, unpaced, on
//! virtual time. So the tests assert exact counts, orders and virtual times (frames drawn,
//! hops analysed, deadline misses, the gaps between reconnection attempts), never how fast the
//! machine was; the wall clock only bounds how long a test waits for something that must
//! happen. Real-time figures come from `k1 run --check` and the benchmarks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k1_core::Config;
use k1_core::render::PatternId;

use super::*;
use k1_io::backoff::Backoff;
use k1_io::clock::{LockstepClock, samples_nanos};
use k1_io::sinks::{Frame, NullSink, SinkError};
use k1_io::sources::ClipSource;
use k1_io::sources::live::{HopRead, HopTiming, LiveError, Paced, Reconnecting, SourceCtx};

/// How long (wall time) a test waits for something that must happen before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// Collects what the engine reports.
#[derive(Default)]
struct Recorder {
    events: Vec<Event>,
    seconds: usize,
}

impl Supervisor for Recorder {
    fn event(&mut self, event: &Event) {
        self.events.push(event.clone());
    }
    fn second(&mut self, _window: &Metrics, _total: &Metrics) {
        self.seconds += 1;
    }
}

impl Recorder {
    fn warnings(&self) -> Vec<&str> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Warning(m) => Some(m.as_str()),
                _ => None,
            })
            .collect()
    }
}

fn config(run_for: Option<Duration>) -> EngineConfig {
    EngineConfig {
        analysis: Config::DEFAULT,
        noise_floor: None,
        fps: 200,
        layout: layout_for(320),
        settings: RenderSettings::DEFAULT,
        look: Look::Patterns,
        pin_threads: false,
        realtime: false,
        run_for,
    }
}

/// Virtual time driven by the engine's two threads.
fn lockstep() -> LockstepClock {
    LockstepClock::new(&[AUDIO_THREAD, RENDER_THREAD])
}

fn demo() -> OpenSource {
    let clip = ClipSource::demo(12_800, u32::MAX).unwrap();
    Box::new(move || {
        Ok(Box::new(Paced::new(clip, "demo".into(), 12_800, 64)) as Box<dyn LiveSource>)
    })
}

fn run_on(
    clock: &LockstepClock,
    config: &EngineConfig,
    open: OpenSource,
    sinks: Vec<Box<dyn Sink>>,
) -> (Outcome, Recorder) {
    let stop = AtomicBool::new(false);
    let mut recorder = Recorder::default();
    let outcome = super::run(config, open, sinks, clock, &stop, &mut recorder).unwrap();
    (outcome, recorder)
}

fn run_with(
    config: &EngineConfig,
    open: OpenSource,
    sinks: Vec<Box<dyn Sink>>,
) -> (Outcome, Recorder) {
    run_on(&lockstep(), config, open, sinks)
}

/// `n` per second (frames at 200 FPS, hops of 64 samples at 12.8 kHz) over `seconds`.
fn per_second(seconds: f64) -> u64 {
    (seconds * 200.0).round() as u64
}

#[test]
fn the_demo_runs_for_the_set_time_and_stops() {
    let (outcome, _) = run_with(
        &config(Some(Duration::from_millis(1500))),
        demo(),
        vec![Box::new(NullSink)],
    );
    let m = &outcome.metrics;
    assert_eq!(outcome.reason, StopReason::TimeUp);
    // The run ends on the render loop's own deadline: 1.5 s of virtual time, to within a hop.
    assert!(m.seconds >= 1.5 && m.seconds < 1.51, "{m:?}");
    // Every frame and hop of those 1.5 s happened, on time.
    assert!(m.frames.abs_diff(per_second(1.5)) <= 2, "{m:?}");
    assert!(m.hops.abs_diff(per_second(1.5)) <= 2, "{m:?}");
    assert_eq!((m.frame_misses, m.hop_misses), (0, 0), "{m:?}");
    assert!(m.latency.count > 0 && m.latency.p50_ms < 1.0, "{m:?}");
    assert_eq!((m.torn_reads, m.seqlock_fallbacks), (0, 0));
}

#[test]
fn the_stop_flag_stops_the_threads_within_a_frame() {
    let clock = lockstep();
    let stop = Arc::new(AtomicBool::new(false));
    // Set once a second of virtual time has passed; `asked` is the virtual time just after.
    let stopper = {
        let (clock, flag) = (clock.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let t = Instant::now();
            while clock.now() < SECOND && t.elapsed() < PATIENCE {
                std::thread::sleep(Duration::from_millis(1));
            }
            flag.store(true, Ordering::Relaxed);
            clock.now()
        })
    };
    let mut recorder = Recorder::default();
    let outcome = super::run(
        &config(None),
        demo(),
        vec![Box::new(NullSink)],
        &clock,
        &stop,
        &mut recorder,
    )
    .unwrap();
    let asked = stopper.join().unwrap() as f64 / 1e9;
    assert!(asked >= 1.0, "the engine's time never reached 1 s");
    assert_eq!(outcome.reason, StopReason::Requested);
    // Both threads see the flag at their next wake-up: time moves at most a hop or a frame
    // (5 ms each) past the moment it was set.
    let m = &outcome.metrics;
    assert!(
        m.seconds <= asked + 0.011,
        "stopped at {} s, asked at {asked} s",
        m.seconds
    );
}

#[test]
fn a_source_that_ends_stops_the_engine_cleanly() {
    // A quarter of a second: exactly 50 hops of 64 samples.
    let samples = vec![0.1f32; 3200];
    let clip = ClipSource::new("short".into(), &samples, 12_800, 1, 12_800).unwrap();
    let open: OpenSource = Box::new(move || {
        Ok(Box::new(Paced::new(clip, "short".into(), 12_800, 64)) as Box<dyn LiveSource>)
    });
    let (outcome, recorder) = run_with(
        &config(Some(Duration::from_secs(30))),
        open,
        vec![Box::new(NullSink)],
    );
    assert_eq!(outcome.reason, StopReason::SourceEnded("short".into()));
    assert!(
        recorder
            .events
            .contains(&Event::SourceEnded("short".into()))
    );
    assert_eq!(outcome.metrics.hops, 50);
}

#[test]
fn a_source_that_cannot_open_is_reported() {
    let open: OpenSource = Box::new(|| Err(LiveError::Device("no such device".into())));
    let (outcome, _) = run_with(
        &config(Some(Duration::from_secs(1))),
        open,
        vec![Box::new(NullSink)],
    );
    assert_eq!(
        outcome.reason,
        StopReason::SourceFailed("no such device".into())
    );
    assert_eq!(outcome.metrics.hops, 0);
}

/// A sink whose every write takes a second of virtual time, or until the run's `end` (or
/// [`PATIENCE`] of wall time if the engine's time stands still).
struct Stalled {
    writes: Arc<Mutex<u32>>,
    clock: LockstepClock,
    end: Nanos,
}

impl Sink for Stalled {
    fn name(&self) -> &str {
        "stalled"
    }
    fn write(&mut self, _frame: &Frame) -> Result<(), SinkError> {
        *self.writes.lock().unwrap() += 1;
        let until = (self.clock.now() + SECOND).min(self.end);
        let t = Instant::now();
        while self.clock.now() < until && t.elapsed() < PATIENCE {
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(())
    }
}

#[test]
fn a_stalled_sink_does_not_slow_rendering() {
    let clock = lockstep();
    let writes = Arc::new(Mutex::new(0));
    let sinks: Vec<Box<dyn Sink>> = vec![
        Box::new(Stalled {
            writes: Arc::clone(&writes),
            clock: clock.clone(),
            end: 10 * SECOND,
        }),
        Box::new(NullSink),
    ];
    let (outcome, _) = run_on(
        &clock,
        &config(Some(Duration::from_secs(10))),
        demo(),
        sinks,
    );
    let m = &outcome.metrics;
    // Virtual time only moves while the render thread sleeps between frames: had it waited for
    // the sink, time would have stood still and the sink's write never ended.
    assert_eq!(outcome.reason, StopReason::TimeUp);
    assert!(m.frames.abs_diff(per_second(10.0)) <= 2, "{m:?}");
    assert_eq!(m.frame_misses, 0, "{m:?}");
    // At most one write per virtual second (one more may start as the run ends).
    let writes = *writes.lock().unwrap();
    assert!((1..=11).contains(&writes), "{writes} writes");
    // Everything the stalled sink skipped (some 200 frames a write) is counted.
    assert!(m.sink_drops >= 100, "{m:?}");
}

/// A microphone mocked at the trait: a 440 Hz tone delivered in 10 ms buffers (two hops each),
/// stamped like a device would (the newest sample of each hop was captured when it was due),
/// that optionally "unplugs" after some hops.
struct MockMic {
    start: Option<u64>,
    hops: u64,
    fail_after: Option<u64>,
}

impl LiveSource for MockMic {
    fn name(&self) -> &str {
        "mock mic"
    }
    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        if self.fail_after.is_some_and(|n| self.hops >= n) {
            return Err(LiveError::Device("device unplugged".into()));
        }
        let start = *self.start.get_or_insert_with(|| ctx.clock.now());
        let n = hop.len() as u64;
        // Buffers of two hops arrive when their last sample has been captured.
        let buffer_end = (self.hops / 2 + 1) * 2 * n;
        let arrives = start + samples_nanos(buffer_end, 12_800);
        if !k1_io::clock::sleep_towards(ctx.clock, arrives, Duration::from_millis(20)) {
            return Ok(HopRead::Idle);
        }
        for (i, s) in hop.iter_mut().enumerate() {
            let t = (self.hops * n + i as u64) as f32 / 12_800.0;
            *s = 0.3 * (2.0 * std::f32::consts::PI * 440.0 * t).sin();
        }
        self.hops += 1;
        Ok(HopRead::Ready(HopTiming {
            captured: start + samples_nanos(self.hops * n, 12_800),
            available: ctx.clock.now(),
        }))
    }
}

#[test]
fn a_mocked_microphone_runs_and_its_latency_is_measured() {
    let open: OpenSource = Box::new(|| {
        Ok(Box::new(MockMic {
            start: None,
            hops: 0,
            fail_after: None,
        }) as Box<dyn LiveSource>)
    });
    let (outcome, _) = run_with(
        &config(Some(Duration::from_millis(1500))),
        open,
        vec![Box::new(NullSink)],
    );
    let m = &outcome.metrics;
    assert_eq!(outcome.reason, StopReason::TimeUp);
    assert!(m.hops.abs_diff(per_second(1.5)) <= 2, "{m:?}");
    // Buffering of up to one 10 ms buffer plus up to one frame: the median is a few ms.
    assert!(m.latency.p50_ms > 0.5 && m.latency.p50_ms < 50.0, "{m:?}");
}

#[test]
fn an_unplugged_microphone_is_reopened_with_backoff() {
    let clock = lockstep();
    // The virtual time of each attempt to open the device.
    let attempts: Arc<Mutex<Vec<Nanos>>> = Arc::default();
    let log = Arc::clone(&attempts);
    let at = clock.clone();
    let open: OpenSource = Box::new(move || {
        let mut opened = 0u32;
        let reopen = move || {
            log.lock().unwrap().push(at.now());
            opened += 1;
            if opened == 1 {
                // Plugged in at first, unplugged after 20 hops (0.1 s), then gone for good.
                Ok(Box::new(MockMic {
                    start: None,
                    hops: 0,
                    fail_after: Some(20),
                }) as Box<dyn LiveSource>)
            } else {
                Err(LiveError::Device("no such device".into()))
            }
        };
        let backoff = Backoff::new(Duration::from_millis(50), Duration::from_secs(1));
        Ok(
            Box::new(Reconnecting::new("mock mic".into(), None, reopen, backoff))
                as Box<dyn LiveSource>,
        )
    });
    let (outcome, recorder) = run_on(
        &clock,
        &config(Some(Duration::from_millis(2000))),
        open,
        vec![Box::new(NullSink)],
    );
    let m = &outcome.metrics;
    // The engine kept running (and rendering every frame) through the failures.
    assert_eq!(outcome.reason, StopReason::TimeUp);
    assert!(m.frames.abs_diff(per_second(2.0)) <= 2, "{m:?}");
    assert_eq!(m.frame_misses, 0, "{m:?}");
    assert_eq!(m.hops, 20);
    let attempts = attempts.lock().unwrap();
    assert!(attempts.len() >= 4, "{} attempts", attempts.len());
    assert_eq!(m.source_errors as usize, attempts.len());
    // Waits of at least 50, 100, 200 ms between the attempts after the failure.
    for (i, pair) in attempts.windows(2).skip(1).enumerate() {
        let gap = Duration::from_nanos(pair[1] - pair[0]);
        let least = Duration::from_millis(100 << i);
        assert!(gap >= least, "gap {i}: {gap:?} < {least:?}");
    }
    let warnings = recorder.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("device unplugged") && w.contains("retrying in")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("cannot open")),
        "{warnings:?}"
    );
}

#[test]
fn the_real_threads_run_unpaced_on_a_lockstep_clock() {
    let (outcome, recorder) = run_with(
        &config(Some(Duration::from_secs(60))),
        demo(),
        vec![Box::new(NullSink)],
    );
    let m = &outcome.metrics;
    assert_eq!(outcome.reason, StopReason::TimeUp);
    // A minute of virtual time, to within a hop, however long it took.
    assert!(m.seconds >= 60.0 && m.seconds < 60.01, "{m:?}");
    assert!(
        recorder.seconds <= 60,
        "{} one-second reports",
        recorder.seconds
    );
    // Every frame and hop happened, on time: work takes no virtual time.
    assert!(m.frames.abs_diff((m.seconds * 200.0) as u64) <= 2, "{m:?}");
    assert!(m.hops.abs_diff((m.seconds * 200.0) as u64) <= 2, "{m:?}");
    assert_eq!((m.frame_misses, m.hop_misses, m.torn_reads), (0, 0, 0));
    assert_eq!(m.wake_jitter.max_ms, 0.0, "{m:?}");
    // The phase lock put the frames just after each hop: the newest sample is the guard old.
    let guard_ms = super::phase::GUARD as f64 / 1e6;
    assert!(
        (m.latency.p50_ms - guard_ms).abs() < 0.02,
        "latency {:?}, guard {guard_ms} ms",
        m.latency
    );
}

/// The control side's view of a running engine: the snapshot and frames advance, a settings
/// change reaches the renderer, and the metrics of the last second appear.
#[test]
fn a_controller_sees_the_engine_and_changes_what_it_draws() {
    let config = config(None);
    let shared = Shared::new(config.layout, config.settings);
    let stop = AtomicBool::new(false);
    let clock = lockstep();
    std::thread::scope(|s| {
        let engine = s.spawn(|| {
            let mut recorder = Recorder::default();
            run_shared(
                &config,
                &shared,
                demo(),
                vec![Box::new(NullSink)],
                &clock,
                &stop,
                &mut recorder,
            )
        });
        let lit = |frame: &Frame| frame.leds.iter().filter(|c| c.r | c.g | c.b > 0).count();
        let mut frame = Frame::new(320);
        let mut seen = 0;
        // The demo lights the strip within a few seconds of its time.
        let t = Instant::now();
        let mut lit_before = 0;
        while t.elapsed() < PATIENCE && lit_before == 0 {
            if let Some(v) = shared.take_frame(seen, &mut frame) {
                seen = v;
                lit_before = lit(&frame);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(lit_before > 0, "the demo never lit an LED");
        assert!(shared.latest().snapshot.hop > 0);
        let before = shared.settings();
        let after = shared
            .update(|s| -> Result<(), ()> {
                s.params.brightness = 0.0;
                s.pattern = PatternId::Bloom.index() as u32;
                Ok(())
            })
            .unwrap();
        assert_eq!(shared.settings(), after);
        assert_ne!(before, after);
        assert!(shared.update(|_| Err("refused")).is_err());
        assert_eq!(shared.settings(), after, "a refused change changes nothing");
        // Brightness 0 darkens every LED (the pipeline's softness fades it in well under 2 s).
        let t = Instant::now();
        let mut dark = false;
        while t.elapsed() < PATIENCE && !dark {
            if let Some(v) = shared.take_frame(seen, &mut frame) {
                seen = v;
                dark = lit(&frame) == 0;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(dark, "brightness 0 never reached the frames");
        while shared.last_second().window.frames == 0 && t.elapsed() < PATIENCE {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(shared.last_second().window.frames > 0);
        assert_eq!(shared.layout().leds(), 320);
        // A noise calibration runs on the live audio and reports its floor.
        shared.audio().set_gain(1.5).unwrap();
        shared.audio().start_calibration(0.5).unwrap();
        let t = Instant::now();
        while !matches!(
            shared.audio().calibration(),
            super::CalibrationState::Done(_)
        ) && t.elapsed() < PATIENCE
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        match shared.audio().calibration() {
            super::CalibrationState::Done(floor) => assert!(floor.calibrated && floor.rms > 0.0),
            other => panic!("calibration never finished: {other:?}"),
        }
        stop.store(true, Ordering::Relaxed);
        engine.join().unwrap().unwrap();
    });
}
