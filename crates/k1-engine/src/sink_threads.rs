//! [`run_sinks`]: the loop that feeds one or more sinks from the [`FrameSlot`] on one thread.
//!
//! Most sinks get a thread of their own, so a slow one (a terminal, a TCP server, a serial port)
//! delays nobody else. Sinks that never block ([`Sink::shares_thread`]: UDP to an address, with
//! no name to resolve) share one thread: fifty WLED controllers then cost one wake-up per frame
//! instead of fifty. Each sink keeps its own rate limit, drop count and error reporting either way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::MetricsHub;
use k1_io::clock::{Clock, Nanos, duration_nanos};
use k1_io::events::Events;
use k1_io::sinks::{Frame, FrameSlot, Sink, SinkError};

/// The longest an interval sink sleeps at once before it looks at the stop flag again.
const MAX_SLEEP: Duration = Duration::from_millis(50);

/// One sink's place in the loop.
struct Lane {
    /// Its frame period (`None`: every frame).
    interval: Option<Nanos>,
    /// When its next frame is due (interval sinks; 0 before the first).
    next_due: Nanos,
    /// The slot version it last wrote.
    seen: u64,
    /// Failed writes since the last success, to report the first and then about once a second.
    errors_in_a_row: u32,
}

/// Runs `sinks` until `stop`: each takes the newest frame from `slot` when there is one (at most
/// at its own rate), writes it, and counts drops and errors into `metrics`. Between frames the
/// thread parks: the render thread unparks it when it offers one, so a frame goes out as soon as
/// it is drawn; `poll` bounds each wait, for the stop flag (on a virtual clock it sleeps instead).
/// At the end every sink is finished.
pub fn run_sinks(
    sinks: &mut [&mut dyn Sink],
    slot: &FrameSlot,
    stop: &AtomicBool,
    clock: &dyn Clock,
    poll: Duration,
    metrics: &MetricsHub,
    events: &Events,
) {
    let mut frame = Frame::new(slot.leds());
    let mut have = 0u64;
    let mut lanes: Vec<Lane> = sinks
        .iter()
        .map(|sink| Lane {
            interval: sink
                .max_fps()
                .filter(|f| *f > 0.0)
                .map(|f| duration_nanos(Duration::from_secs_f64(1.0 / f))),
            next_due: 0,
            seen: 0,
            errors_in_a_row: 0,
        })
        .collect();
    let poll_ns = duration_nanos(poll);
    while !stop.load(Ordering::Relaxed) {
        if let Some(version) = slot.take_newer(have, &mut frame) {
            have = version;
        }
        let now = clock.now();
        let mut wait = poll_ns;
        let mut wants_frame = false;
        for (sink, lane) in sinks.iter_mut().zip(lanes.iter_mut()) {
            if lane.interval.is_some() && now < lane.next_due {
                wait = wait.min(lane.next_due - now);
                continue;
            }
            if have == lane.seen {
                // Due, but no newer frame yet.
                wants_frame = true;
                continue;
            }
            feed(&mut **sink, lane, have, now, &frame, metrics, events);
            match lane.interval {
                Some(_) => wait = wait.min(lane.next_due.saturating_sub(now)),
                None => wants_frame = true,
            }
        }
        if wait == 0 {
            continue;
        }
        let wait = Duration::from_nanos(wait);
        if clock.exact() {
            clock.sleep(wait);
        } else if wants_frame {
            std::thread::park_timeout(wait);
        } else {
            clock.sleep(wait.min(MAX_SLEEP));
        }
    }
    for sink in sinks.iter_mut() {
        if let Err(err) = sink.finish() {
            events.warn(format!("sink {}: {err}", sink.name()));
        }
    }
}

/// Writes frame `version` to one due sink and does its bookkeeping: the ticks or frames it
/// missed (drops), its next due time, the write's outcome.
fn feed(
    sink: &mut dyn Sink,
    lane: &mut Lane,
    version: u64,
    now: Nanos,
    frame: &Frame,
    metrics: &MetricsHub,
    events: &Events,
) {
    let missed = match lane.interval {
        Some(interval) => {
            // Ticks this sink missed because its last write overran: each is a frame it wanted.
            let missed = if lane.next_due > 0 {
                (now - lane.next_due) / interval
            } else {
                0
            };
            lane.next_due = now - (now.saturating_sub(lane.next_due) % interval) + interval;
            missed
        }
        None if lane.seen > 0 => version.saturating_sub(lane.seen + 1),
        None => 0,
    };
    if missed > 0 {
        metrics.sink_drops.fetch_add(missed, Ordering::Relaxed);
        sink.note_dropped(missed);
    }
    lane.seen = version;
    match sink.write(frame) {
        Ok(()) => {
            metrics.sink_frames.fetch_add(1, Ordering::Relaxed);
            lane.errors_in_a_row = 0;
        }
        Err(SinkError::Dropped) => {
            metrics.sink_drops.fetch_add(1, Ordering::Relaxed);
        }
        Err(SinkError::Repeated) => {
            metrics.sink_errors.fetch_add(1, Ordering::Relaxed);
        }
        Err(err) => {
            metrics.sink_errors.fetch_add(1, Ordering::Relaxed);
            lane.errors_in_a_row += 1;
            // Say so on the first failure and then about once a second, not every frame.
            if lane.errors_in_a_row == 1 || lane.errors_in_a_row.is_multiple_of(200) {
                events.warn(format!("sink {}: {err} (retrying)", sink.name()));
            }
        }
    }
    if let Some(note) = sink.take_note() {
        events.note(format!("sink {}: {note}", sink.name()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k1_io::clock::LockstepClock;
    use std::sync::{Arc, Mutex};

    /// Records the frame indices it is given.
    struct Recorder {
        fps: Option<f64>,
        got: Arc<Mutex<Vec<u64>>>,
        finished: Arc<AtomicBool>,
    }

    impl Sink for Recorder {
        fn name(&self) -> &str {
            "recorder"
        }
        fn max_fps(&self) -> Option<f64> {
            self.fps
        }
        fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
            self.got.lock().unwrap().push(frame.index);
            Ok(())
        }
        fn finish(&mut self) -> Result<(), SinkError> {
            self.finished.store(true, Ordering::Relaxed);
            Ok(())
        }
    }

    /// Two sinks on one thread: the one that wants every frame gets every frame in order, the
    /// one limited to 40 FPS gets one every 25 ms of the newest frames (each once), and both
    /// are finished at the end. On a [`LockstepClock`] driven by the producer and the sink
    /// thread, so the counts are exact whatever the machine's load.
    #[test]
    fn sinks_sharing_a_thread_keep_their_own_pace() {
        let slot = FrameSlot::new(4);
        let stop = AtomicBool::new(false);
        let clock = LockstepClock::new(&["producer", "sinks"]);
        let metrics = MetricsHub::default();
        let (events, _inbox) = Events::channel();
        let every = Arc::new(Mutex::new(Vec::new()));
        let paced = Arc::new(Mutex::new(Vec::new()));
        let finished = [
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        ];
        let mut a = Recorder {
            fps: None,
            got: Arc::clone(&every),
            finished: Arc::clone(&finished[0]),
        };
        let mut b = Recorder {
            fps: Some(40.0),
            got: Arc::clone(&paced),
            finished: Arc::clone(&finished[1]),
        };
        let frames = 200u64;
        let period = Duration::from_millis(5);
        std::thread::scope(|s| {
            let named = |name: &str| std::thread::Builder::new().name(name.into());
            named("sinks")
                .spawn_scoped(s, || {
                    let mut sinks: Vec<&mut dyn Sink> = vec![&mut a, &mut b];
                    // Polls every virtual millisecond, so no 5 ms frame is missed.
                    let poll = Duration::from_millis(1);
                    run_sinks(&mut sinks, &slot, &stop, &clock, poll, &metrics, &events);
                })
                .unwrap();
            named("producer")
                .spawn_scoped(s, || {
                    let mut frame = Frame::new(4);
                    // 200 frames at 200 FPS: one second of virtual time.
                    for i in 0..frames {
                        frame.index = i;
                        while !slot.offer(&frame) {
                            std::thread::yield_now();
                        }
                        clock.sleep(period);
                    }
                    clock.sleep(Duration::from_millis(50));
                    stop.store(true, Ordering::Relaxed);
                })
                .unwrap();
        });
        let every = every.lock().unwrap().clone();
        let paced = paced.lock().unwrap().clone();
        assert_eq!(
            every,
            (0..frames).collect::<Vec<_>>(),
            "every frame, in order"
        );
        // One a 25 ms tick from the first frame until the stop 50 ms after the last (at 1,045 ms):
        // 41 ticks, each with the newest frame, 4 or 5 frames (25 ms) after the one before.
        assert_eq!(paced.len(), 41, "{paced:?}");
        assert!(
            paced.windows(2).all(|w| (4..=5).contains(&(w[1] - w[0]))),
            "{paced:?}"
        );
        assert!(finished.iter().all(|f| f.load(Ordering::Relaxed)));
        let written = metrics.sink_frames.load(Ordering::Relaxed);
        assert_eq!(written, (every.len() + paced.len()) as u64);
    }
}
