//! Latency compensation through the sink runner, on a virtual clock: a stand-in render loop
//! offers a frame every 5 ms, the runner is stepped whenever it asked to be (or a frame is
//! offered, as the render thread's unpark would), and every write is stamped with the virtual
//! time. So the figures are exact, and a test says how far apart two outputs showed a frame.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::MetricsHub;
use crate::sink_threads::SinkRunner;
use k1_io::clock::{Clock, Nanos, VirtualClock};
use k1_io::events::Events;
use k1_io::sinks::{Frame, FrameSlot, Sink, SinkError};

const MS: Nanos = 1_000_000;
/// The stand-in render loop's frame period.
const PERIOD: Nanos = 5 * MS;

/// When each frame (by index) reached a sink, on the virtual clock.
type Log = Arc<Mutex<BTreeMap<u64, Nanos>>>;

/// A sink with a delay and a rate limit that logs when it got each frame.
struct Timed {
    delay_ms: u32,
    fps: Option<f64>,
    clock: Arc<VirtualClock>,
    log: Log,
}

impl Sink for Timed {
    fn name(&self) -> &str {
        "timed"
    }
    fn max_fps(&self) -> Option<f64> {
        self.fps
    }
    fn delay_ms(&self) -> u32 {
        self.delay_ms
    }
    fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
        let now = self.clock.now();
        let previous = self.log.lock().unwrap().insert(frame.index, now);
        assert!(previous.is_none(), "frame {} written twice", frame.index);
        Ok(())
    }
}

/// Runs sinks with `(delay_ms, fps)` for `frames` frames under `offset_ms`; returns each one's
/// log (frame index to the virtual time it was written).
fn run(outputs: &[(u32, Option<f64>)], offset_ms: i32, frames: u64) -> Vec<BTreeMap<u64, Nanos>> {
    let clock = Arc::new(VirtualClock::default());
    let logs: Vec<Log> = outputs.iter().map(|_| Log::default()).collect();
    let mut sinks: Vec<Timed> = outputs
        .iter()
        .zip(&logs)
        .map(|(&(delay_ms, fps), log)| Timed {
            delay_ms,
            fps,
            clock: Arc::clone(&clock),
            log: Arc::clone(log),
        })
        .collect();
    let mut refs: Vec<&mut dyn Sink> = sinks.iter_mut().map(|s| s as &mut dyn Sink).collect();
    let slot = FrameSlot::new(2);
    let metrics = MetricsHub::default();
    let (events, _inbox) = Events::channel();
    let mut runner = SinkRunner::new(&mut refs, 2);
    let mut frame = Frame::new(2);
    let mut next_render: Nanos = 0;
    // When the runner's own wait ends, and whether a new frame wakes it before then (the render
    // thread's unpark); otherwise it sleeps through the frames offered meanwhile, as
    // `run_sinks` does.
    let mut wake: Nanos = 0;
    let mut wants_frame = true;
    let end = frames * PERIOD + 2 * 1000 * MS;
    loop {
        let now = clock.now();
        if now >= end {
            break;
        }
        let mut offered = false;
        if now >= next_render && frame.index < frames {
            frame.rendered_at = now;
            assert!(slot.offer(&frame));
            frame.index += 1;
            next_render += PERIOD;
            offered = true;
        }
        if now >= wake || (offered && wants_frame) {
            let step = runner.step(&slot, now, 50 * MS, offset_ms, &metrics, &events);
            wake = now + step.wait;
            wants_frame = step.wants_frame;
        }
        let until_render = if frame.index < frames {
            next_render - now
        } else {
            Nanos::MAX
        };
        clock.advance(wake.saturating_sub(now).min(until_render));
    }
    drop(runner);
    logs.iter().map(|l| l.lock().unwrap().clone()).collect()
}

/// Two outputs with delays 0 and 40 ms: each frame reaches the first the moment it is drawn and
/// the second exactly 40 ms of virtual time later, and both get every frame.
#[test]
fn two_outputs_show_the_same_frame_40_ms_apart() {
    let logs = run(&[(0, None), (40, None)], 0, 100);
    assert_eq!(logs[0].len(), 100);
    assert_eq!(logs[1].len(), 100);
    for (index, at) in &logs[0] {
        assert_eq!(*at, index * PERIOD, "frame {index} without delay");
        assert_eq!(logs[1][index], at + 40 * MS, "frame {index} with 40 ms");
    }
}

/// The audio offset comes on top of every output's delay; a negative one is taken off each
/// output's delay, down to zero (the rule in `k1_io::sinks::delay`).
#[test]
fn the_audio_offset_shifts_every_output() {
    let logs = run(&[(0, None), (40, None)], 150, 50);
    assert_eq!((logs[0].len(), logs[1].len()), (50, 50));
    for (index, at) in &logs[0] {
        assert_eq!(*at, index * PERIOD + 150 * MS);
        assert_eq!(logs[1][index], index * PERIOD + 190 * MS);
    }
    let logs = run(&[(0, None), (40, None)], -30, 50);
    assert_eq!((logs[0].len(), logs[1].len()), (50, 50));
    for (index, at) in &logs[0] {
        assert_eq!(*at, index * PERIOD, "cannot go below no delay");
        assert_eq!(logs[1][index], index * PERIOD + 10 * MS);
    }
}

/// A rate-limited output with a delay sends at its own pace, each time the newest frame that
/// has waited out the delay: never a frame before it is due, while frames keep coming never one
/// more than a render period past due, and the last one at its next tick (within 25 ms). It runs
/// alone, so no other output's wake-ups let it see the frames drawn between its ticks.
#[test]
fn a_rate_limited_output_sends_the_newest_due_frame() {
    let logs = run(&[(40, Some(40.0))], 0, 200);
    let paced = &logs[0];
    assert!(
        (38..=43).contains(&paced.len()),
        "{} frames in 1 s at 40 FPS",
        paced.len()
    );
    let last = *paced.keys().last().unwrap();
    assert_eq!(last, 199, "the last frame is shown too");
    for (index, at) in paced {
        let age = at - index * PERIOD;
        let slack = if *index == last { 25 * MS } else { PERIOD };
        assert!(
            (40 * MS..40 * MS + slack).contains(&age),
            "frame {index} shown {} ms after it was drawn",
            age as f64 / MS as f64
        );
    }
    // After the first write its ticks fall on its own 25 ms grid.
    let times: Vec<Nanos> = paced.values().copied().collect();
    assert!(
        times[1..].windows(2).all(|w| w[1] - w[0] == 25 * MS),
        "{times:?}"
    );
}
