//! Outputs started, replaced, tested and stopped while the engine runs (the real threads on a
//! [`LockstepClock`]): each one gets frames from its start to its stop and none after, the
//! others keep theirs, the render loop never misses a frame, and a test shows for 3 s of the
//! frames' own time. One output has a thread of its own, the others share the board's group
//! thread, so both ways are covered.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k1_core::Config;
use k1_core::color::Rgb8;
use k1_io::clock::{LockstepClock, Nanos, SECOND};
use k1_io::events::Event;
use k1_io::outputs::OutputHandle;
use k1_io::sinks::{Frame, NullSink, Sink, SinkError};
use k1_io::sources::ClipSource;
use k1_io::sources::live::{LiveSource, Paced};

use super::*;

/// How long (wall time) the test waits for something that must happen before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// What a recording sink saw: each frame's render time and whether it was a test frame (most
/// LEDs the test's dim white), and whether it was finished.
#[derive(Default)]
struct Seen {
    frames: Mutex<Vec<(Nanos, bool)>>,
    finished: AtomicBool,
}

impl Seen {
    fn count(&self) -> usize {
        self.frames.lock().unwrap().len()
    }
}

/// Records what it gets into its [`Seen`]; shares the group thread if `.1`.
struct Recording(Arc<Seen>, bool);

impl Sink for Recording {
    fn name(&self) -> &str {
        "recording"
    }
    fn shares_thread(&self) -> bool {
        self.1
    }
    fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
        let dim = Rgb8 {
            r: 24,
            g: 24,
            b: 24,
        };
        let test = frame.leds.iter().filter(|c| **c == dim).count() > frame.leds.len() / 2;
        self.0
            .frames
            .lock()
            .unwrap()
            .push((frame.rendered_at, test));
        Ok(())
    }
    fn finish(&mut self) -> Result<(), SinkError> {
        self.0.finished.store(true, Ordering::Relaxed);
        Ok(())
    }
}

struct Quiet;

impl Supervisor for Quiet {
    fn event(&mut self, _event: &Event) {}
    fn second(&mut self, _window: &Metrics, _total: &Metrics) {}
}

/// A recording output on `shared`'s board (on the group thread if `shares`); returns its id and
/// what it sees.
fn start(shared: &Shared, shares: bool) -> (u64, Arc<Seen>) {
    let spec = k1_io::outputs::parse("ddp://127.0.0.1?fps=max").unwrap();
    let handle = Arc::new(OutputHandle::new(&spec, spec.range_for(320).unwrap()));
    let seen = Arc::new(Seen::default());
    let id = shared
        .board()
        .start(Box::new(Recording(Arc::clone(&seen), shares)), handle);
    (id, seen)
}

/// Waits (wall time) until `done`, failing with `what` after [`PATIENCE`].
fn wait_for(what: &str, done: impl Fn() -> bool) {
    let t = Instant::now();
    while !done() {
        assert!(t.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn outputs_come_and_go_while_frames_keep_flowing() {
    let config = EngineConfig::new(Config::DEFAULT, 200, 320);
    let shared = Shared::new(config.layout, config.settings);
    let stop = AtomicBool::new(false);
    let clock = LockstepClock::new(&[AUDIO_THREAD, RENDER_THREAD]);
    let clip = ClipSource::demo(12_800, u32::MAX).unwrap();
    let open: OpenSource = Box::new(move || {
        Ok(Box::new(Paced::new(clip, "demo".into(), 12_800, 64)) as Box<dyn LiveSource>)
    });
    // One output before the start, as `k1 run` leaves those named on its command line.
    let (a, seen_a) = start(&shared, false);
    let c_seen = Arc::new(Seen::default());
    let outcome = std::thread::scope(|s| {
        let engine = s.spawn(|| {
            run_shared(
                &config,
                &shared,
                open,
                vec![Box::new(NullSink)],
                &clock,
                &stop,
                &mut Quiet,
            )
        });
        wait_for("output a's first frames", || seen_a.count() >= 100);
        let (b, seen_b) = start(&shared, true);
        wait_for("output b's first frames", || seen_b.count() >= 100);
        assert_eq!(
            shared
                .board()
                .list()
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            [a, b]
        );

        // Stopped: a is finished and gets nothing more, b goes on.
        assert!(outputs::stop_output(&shared, a));
        assert!(!outputs::stop_output(&shared, a), "stopped once");
        wait_for("output a to finish", || {
            seen_a.finished.load(Ordering::Relaxed)
        });
        let a_total = seen_a.count();
        let b_then = seen_b.count();
        wait_for("output b's next frames", || seen_b.count() >= b_then + 200);
        assert_eq!(seen_a.count(), a_total, "a stopped output gets no frames");

        // Replaced: b's id now runs c, in b's place; b is finished.
        let c_sink = Box::new(Recording(Arc::clone(&c_seen), true));
        let spec = k1_io::outputs::parse("ddp://127.0.0.1?fps=max&leds=0-249").unwrap();
        let handle = Arc::new(OutputHandle::new(&spec, spec.range_for(320).unwrap()));
        assert!(shared.board().replace(b, c_sink, handle).is_some());
        wait_for("output b to finish", || {
            seen_b.finished.load(Ordering::Relaxed)
        });
        wait_for("output c's frames", || c_seen.count() >= 100);
        let list = shared.board().list();
        assert_eq!((list.len(), list[0].id), (1, b));
        assert_eq!(list[0].handle.leds().end, 250);

        // A test shows for 3 s of frame time, then the frames come back.
        assert!(shared.board().test(b));
        assert!(!shared.board().test(a), "no test for a stopped output");
        assert!(list[0].control.testing());
        wait_for("the test to end", || !list[0].control.testing());
        let c_then = c_seen.count();
        wait_for("frames after the test", || c_seen.count() >= c_then + 10);

        stop.store(true, Ordering::Relaxed);
        engine.join().unwrap().unwrap()
    });
    let m = &outcome.metrics;
    assert_eq!(m.frame_misses, 0, "{m:?}");
    assert!(m.frames > 1000, "{m:?}");
    assert!(
        c_seen.finished.load(Ordering::Relaxed),
        "the engine's end finishes the running outputs"
    );
    // The test frames all lie within 3 s of render time from the first, and the first frame
    // after them is at least 3 s after it: the test lasts 3 s of the engine's time, to within
    // what the sink thread (a passenger on this clock, which takes the newest frame when it
    // wakes) samples of it. `test_pattern`'s own test checks every frame of it.
    let frames = c_seen.frames.lock().unwrap();
    let test: Vec<Nanos> = frames.iter().filter(|f| f.1).map(|f| f.0).collect();
    assert!(test.len() >= 2, "{} test frames", test.len());
    let (first, last) = (test[0], test[test.len() - 1]);
    assert!(last - first < 3 * SECOND, "{first} .. {last}");
    let after = frames
        .iter()
        .find(|f| !f.1 && f.0 > first)
        .expect("frames after the test");
    assert!(
        after.0 >= first + 3 * SECOND,
        "{first} .. {last}, then {}",
        after.0
    );
    assert!(
        frames.iter().filter(|f| !f.1 && f.0 > last).count() >= 10,
        "the frames come back after the test"
    );
}
