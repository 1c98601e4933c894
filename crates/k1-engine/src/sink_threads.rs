//! [`run_sinks`]: the loop that feeds one or more sinks from the [`FrameSlot`] on one thread.
//!
//! Most sinks get a thread of their own, so a slow one (a terminal, a TCP server, a serial port)
//! delays nobody else. Sinks that never block ([`Sink::shares_thread`]: UDP to an address, with
//! no name to resolve) share one thread: fifty WLED controllers then cost one wake-up per frame
//! instead of fifty. Each sink keeps its own rate limit, drop count and error reporting either way.
//!
//! A sink with a delay (latency compensation: its own `delay=` plus the audio offset) gets its
//! frames through a [`DelayLine`]: each frame is held until its render time plus the delay, and
//! the thread sleeps until the next one falls due, so outputs with different delays show the
//! same frame exactly that far apart. Nothing here ever makes the render thread wait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::MetricsHub;
use k1_io::clock::{Clock, Nanos, duration_nanos};
use k1_io::events::Events;
use k1_io::sinks::delay::{AudioOffset, DelayLine, effective_delay};
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
    /// Its frames waiting out its delay (empty while it has none).
    line: DelayLine,
    /// The slot version it last put in `line`.
    queued: u64,
}

/// What one pass of a [`SinkRunner`] wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// How long until a sink is due or a held frame falls due (at most the poll interval), ns.
    pub wait: Nanos,
    /// True if a sink is waiting for a newer frame, or queues every frame for its delay (the
    /// render thread's unpark wakes it).
    pub wants_frame: bool,
}

/// The sinks of one thread and their lanes; [`run_sinks`] calls [`SinkRunner::step`] in a loop,
/// and tests call it on a virtual clock.
pub struct SinkRunner<'a, 'b> {
    sinks: &'a mut [&'b mut dyn Sink],
    lanes: Vec<Lane>,
    /// The newest frame taken from the slot, and its version.
    frame: Frame,
    have: u64,
}

impl<'a, 'b> SinkRunner<'a, 'b> {
    /// A runner for `sinks`, whose frames have `leds` LEDs.
    pub fn new(sinks: &'a mut [&'b mut dyn Sink], leds: usize) -> Self {
        let lanes = sinks
            .iter()
            .map(|sink| Lane {
                interval: sink
                    .max_fps()
                    .filter(|f| *f > 0.0)
                    .map(|f| duration_nanos(Duration::from_secs_f64(1.0 / f))),
                next_due: 0,
                seen: 0,
                errors_in_a_row: 0,
                line: DelayLine::new(),
                queued: 0,
            })
            .collect();
        Self {
            sinks,
            lanes,
            frame: Frame::new(leds),
            have: 0,
        }
    }

    /// One pass at `now`: takes the newest frame from `slot`, queues it for the sinks with a
    /// delay (their own plus `offset_ms`, the audio offset; see [`effective_delay`]), and writes
    /// each due sink its frame: the newest one for a sink without delay, the newest one whose
    /// render time plus the delay has passed for one with.
    pub fn step(
        &mut self,
        slot: &FrameSlot,
        now: Nanos,
        poll: Nanos,
        offset_ms: i32,
        metrics: &MetricsHub,
        events: &Events,
    ) -> Step {
        if let Some(version) = slot.take_newer(self.have, &mut self.frame) {
            self.have = version;
        }
        let mut wait = poll;
        let mut wants_frame = false;
        for (sink, lane) in self.sinks.iter_mut().zip(self.lanes.iter_mut()) {
            let delay = if sink.delays_itself() {
                0
            } else {
                effective_delay(sink.delay_ms(), offset_ms)
            };
            let delayed = delay > 0 || !lane.line.is_empty();
            if delayed && self.have > lane.queued {
                lane.line.push(self.have, &self.frame, delay);
                lane.queued = self.have;
            }
            if lane.interval.is_some() && now < lane.next_due {
                wait = wait.min(lane.next_due - now);
                // A delayed lane queues every frame, between its ticks too, so it wants to be
                // woken for each: otherwise only the frames drawn near its ticks would enter
                // its line and it would show frames up to a period older than its delay.
                wants_frame |= delayed;
                continue;
            }
            if delayed {
                if let Some((version, frame)) = lane.line.take_due(now, delay) {
                    feed(&mut **sink, lane, version, now, &frame, metrics, events);
                    lane.line.recycle(frame);
                    if lane.interval.is_some() {
                        wait = wait.min(lane.next_due.saturating_sub(now));
                    }
                }
                if let Some(due) = lane.line.next_due(delay) {
                    wait = wait.min(due.saturating_sub(now));
                }
                // It queues every frame, so it wants to be woken for each.
                wants_frame = true;
                continue;
            }
            if self.have == lane.seen {
                // Due, but no newer frame yet.
                wants_frame = true;
                continue;
            }
            lane.queued = self.have;
            feed(
                &mut **sink,
                lane,
                self.have,
                now,
                &self.frame,
                metrics,
                events,
            );
            match lane.interval {
                Some(_) => wait = wait.min(lane.next_due.saturating_sub(now)),
                None => wants_frame = true,
            }
        }
        Step { wait, wants_frame }
    }

    /// Finishes every sink (at the end of the run), warning about those that fail to.
    pub fn finish(&mut self, events: &Events) {
        for sink in self.sinks.iter_mut() {
            if let Err(err) = sink.finish() {
                events.warn(format!("sink {}: {err}", sink.name()));
            }
        }
    }
}

/// Runs `sinks` until `stop`: each takes the newest frame from `slot` when there is one (at most
/// at its own rate, and after its delay plus the audio `offset`), writes it, and counts drops
/// and errors into `metrics`. Between frames the thread parks: the render thread unparks it when
/// it offers one, so a frame goes out as soon as it is drawn (or due); `poll` bounds each wait,
/// for the stop flag (on a virtual clock it sleeps instead). At the end every sink is finished.
#[allow(clippy::too_many_arguments)]
pub fn run_sinks(
    sinks: &mut [&mut dyn Sink],
    slot: &FrameSlot,
    stop: &AtomicBool,
    clock: &dyn Clock,
    poll: Duration,
    metrics: &MetricsHub,
    events: &Events,
    offset: &AudioOffset,
) {
    let mut runner = SinkRunner::new(sinks, slot.leds());
    let poll_ns = duration_nanos(poll);
    while !stop.load(Ordering::Relaxed) {
        let step = runner.step(slot, clock.now(), poll_ns, offset.get(), metrics, events);
        pause(step, clock);
    }
    runner.finish(events);
}

/// Waits as `step` asks: not at all, until the render thread wakes the thread (for a frame),
/// or for the time until the next sink is due (on a virtual clock, always the clock's sleep).
pub(crate) fn pause(step: Step, clock: &dyn Clock) {
    if step.wait == 0 {
        return;
    }
    let wait = Duration::from_nanos(step.wait);
    if clock.exact() {
        clock.sleep(wait);
    } else if step.wants_frame {
        std::thread::park_timeout(wait);
    } else {
        clock.sleep(wait.min(MAX_SLEEP));
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
                    let offset = AudioOffset::default();
                    run_sinks(
                        &mut sinks, &slot, &stop, &clock, poll, &metrics, &events, &offset,
                    );
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
