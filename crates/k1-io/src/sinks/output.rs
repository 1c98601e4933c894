//! [`OutputSink`]: one LED controller behind the [`Sink`] trait, with what every output has in
//! common: the LED range it sends, its rate limit, its counters ([`OutputHandle`]) and retry with
//! exponential backoff when the receiver is unreachable.
//!
//! The protocol itself is a [`Transport`] (one file each: `ddp.rs`, `e131.rs`, `artnet.rs`,
//! `wled.rs`, `opc.rs`, `adalight.rs`, `wled_sync.rs`). A transport never blocks for long: UDP
//! sockets are non-blocking (a full socket buffer drops the frame, counted), TCP and serial
//! writes have short timeouts. While a receiver is failing, frames are dropped (counted) until
//! the next retry is due; the first failure of a run of them is reported once, and the recovery
//! once, after it has sent without a failure for [`RECOVERY`]. (A UDP send to a closed port
//! succeeds and the ICMP error fails the next one, so a single success proves nothing.)

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use k1_core::color::Rgb8;

use super::{Frame, Sink, SinkError};
use crate::backoff::Backoff;
use crate::outputs::{LedRange, OutputHandle};

/// How long an output must send without failing before it counts as working again.
pub const RECOVERY: Duration = Duration::from_secs(2);

/// What a transport did with a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// The frame went out whole.
    Frame,
    /// The transport keeps its own pace and had nothing due (the audio-sync sender).
    NotDue,
}

/// One protocol's way of getting pixels to a receiver.
pub trait Transport: Send {
    /// Sends `pixels` (the output's LED range of `frame`). `WouldBlock` means the frame was
    /// dropped because the socket was full; any other error means the receiver is failing.
    fn send(&mut self, pixels: &[Rgb8], frame: &Frame) -> io::Result<Sent>;

    /// Forgets the connection after a failure, so the next send reconnects.
    fn reset(&mut self) {}

    /// Called once at the end (E1.31 says goodbye here).
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An output's backoff while its receiver fails: 100 ms doubling to 5 s.
pub const OUTPUT_BACKOFF: Backoff =
    Backoff::new(Duration::from_millis(100), Duration::from_secs(5));

/// An LED controller as a [`Sink`]. See the module doc.
pub struct OutputSink {
    transport: Box<dyn Transport>,
    handle: Arc<OutputHandle>,
    range: LedRange,
    fps: Option<f64>,
    backoff: Backoff,
    retry_at: Option<Instant>,
    /// Since when it has sent without failing, while it counts as failing.
    ok_since: Option<Instant>,
    failing: bool,
    recovery: Duration,
    note: Option<String>,
    shares_thread: bool,
    delays_itself: bool,
}

impl OutputSink {
    /// An output sending `range` of each frame through `transport` at most `fps` times a second.
    pub fn new(
        transport: Box<dyn Transport>,
        handle: Arc<OutputHandle>,
        range: LedRange,
        fps: Option<f64>,
    ) -> Self {
        Self {
            transport,
            handle,
            range,
            fps,
            backoff: OUTPUT_BACKOFF,
            retry_at: None,
            ok_since: None,
            failing: false,
            recovery: RECOVERY,
            note: None,
            shares_thread: false,
            delays_itself: false,
        }
    }

    /// Marks the output as never blocking (UDP to an address that needs no name lookup), so it
    /// may share a sink thread with others like it.
    pub fn sharing_a_thread(mut self, shares: bool) -> Self {
        self.shares_thread = shares;
        self
    }

    /// Marks the output as applying the latency compensation itself (see
    /// [`Sink::delays_itself`]): its transport gets every frame at once.
    pub fn delaying_itself(mut self, itself: bool) -> Self {
        self.delays_itself = itself;
        self
    }

    /// With another backoff (tests use short ones).
    #[cfg(test)]
    pub fn with_backoff(mut self, backoff: Backoff, recovery: Duration) -> Self {
        self.backoff = backoff;
        self.recovery = recovery;
        self
    }
}

impl Sink for OutputSink {
    fn name(&self) -> &str {
        self.handle.name()
    }

    fn max_fps(&self) -> Option<f64> {
        self.fps
    }

    fn shares_thread(&self) -> bool {
        self.shares_thread
    }

    fn delay_ms(&self) -> u32 {
        self.handle.delay_ms()
    }

    fn delays_itself(&self) -> bool {
        self.delays_itself
    }

    fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
        self.write_at(frame, Instant::now())
    }

    fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    fn note_dropped(&mut self, frames: u64) {
        self.handle.dropped(frames);
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.transport.finish().map_err(SinkError::Io)
    }
}

impl OutputSink {
    /// [`Sink::write`] at time `now`: the backoff and the recovery window are measured on the
    /// times given, so tests can step them exactly.
    fn write_at(&mut self, frame: &Frame, now: Instant) -> Result<(), SinkError> {
        if self.retry_at.is_some_and(|t| now < t) {
            self.handle.dropped(1);
            return Err(SinkError::Dropped);
        }
        let end = self.range.end.min(frame.leds.len());
        let start = self.range.start.min(end);
        match self.transport.send(&frame.leds[start..end], frame) {
            Ok(Sent::Frame) => {
                self.retry_at = None;
                self.handle.sent();
                let ok_since = *self.ok_since.get_or_insert(now);
                if self.failing && now.duration_since(ok_since) >= self.recovery {
                    self.failing = false;
                    self.backoff.reset();
                    if self.handle.recovered() {
                        self.note = Some(format!(
                            "sending again ({} failed sends in all)",
                            self.handle.errors()
                        ));
                    }
                }
                Ok(())
            }
            Ok(Sent::NotDue) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.handle.dropped(1);
                Err(SinkError::Dropped)
            }
            Err(e) => {
                self.transport.reset();
                self.failing = true;
                self.ok_since = None;
                let wait = self.backoff.next_wait();
                self.retry_at = Some(now + wait);
                if self.handle.failed(e.to_string()) {
                    Err(SinkError::Io(e))
                } else {
                    Err(SinkError::Repeated)
                }
            }
        }
    }
}

/// The frame's pixels as bytes, R, G, B per LED.
pub fn rgb_bytes(pixels: &[Rgb8]) -> &[u8] {
    bytemuck::cast_slice(pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::parse;

    /// What a [`Flaky`] saw, kept by the test.
    #[derive(Default)]
    struct Log {
        got: Vec<Vec<Rgb8>>,
        resets: u32,
    }

    /// Fails `fail` times, then works; records what it was sent.
    struct Flaky {
        fail: u32,
        log: Arc<std::sync::Mutex<Log>>,
    }

    impl Transport for Flaky {
        fn send(&mut self, pixels: &[Rgb8], _frame: &Frame) -> io::Result<Sent> {
            if self.fail > 0 {
                self.fail -= 1;
                return Err(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"));
            }
            self.log.lock().unwrap().got.push(pixels.to_vec());
            Ok(Sent::Frame)
        }
        fn reset(&mut self) {
            self.log.lock().unwrap().resets += 1;
        }
    }

    fn frame(n: usize) -> Frame {
        let mut f = Frame::new(n);
        for (i, p) in f.leds.iter_mut().enumerate() {
            *p = Rgb8::new(i as u8, 0, 1);
        }
        f
    }

    #[test]
    fn sends_its_range_and_backs_off_while_failing() {
        let spec = parse("ddp://h?leds=2-4").unwrap();
        let range = spec.range_for(8).unwrap();
        let handle = Arc::new(OutputHandle::new(&spec, range));
        let log = Arc::new(std::sync::Mutex::new(Log::default()));
        let t = Flaky {
            fail: 2,
            log: Arc::clone(&log),
        };
        let mut sink = OutputSink::new(Box::new(t), Arc::clone(&handle), range, spec.fps)
            .with_backoff(
                Backoff::new(Duration::from_millis(20), Duration::from_millis(40)),
                Duration::from_millis(30),
            );
        assert_eq!(sink.max_fps(), Some(60.0));
        let f = frame(8);
        // Times stepped by hand, so the backoff is exact whatever the machine's load.
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        assert!(
            matches!(sink.write_at(&f, at(0)), Err(SinkError::Io(_))),
            "first failure is reported"
        );
        assert!(
            matches!(sink.write_at(&f, at(19)), Err(SinkError::Dropped)),
            "waits out the backoff"
        );
        assert!(
            matches!(sink.write_at(&f, at(25)), Err(SinkError::Repeated)),
            "then quietly"
        );
        assert!(
            matches!(sink.write_at(&f, at(64)), Err(SinkError::Dropped)),
            "the second wait is longer"
        );
        sink.write_at(&f, at(70)).unwrap();
        assert_eq!(sink.take_note(), None, "one success is no recovery");
        sink.write_at(&f, at(99)).unwrap();
        assert_eq!(sink.take_note(), None, "nor is 29 ms of them");
        sink.write_at(&f, at(105)).unwrap();
        assert_eq!(
            sink.take_note().as_deref(),
            Some("sending again (2 failed sends in all)")
        );
        assert_eq!(sink.take_note(), None);
        let s = handle.status();
        assert_eq!(
            (s.frames_sent, s.frames_dropped, s.errors, s.healthy),
            (3, 2, 2, true)
        );
        assert_eq!(log.lock().unwrap().resets, 2);
        assert_eq!(log.lock().unwrap().got, vec![f.leds[2..5].to_vec(); 3]);
        // A frame shorter than the range sends what there is.
        sink.write(&frame(3)).unwrap();
        assert_eq!(log.lock().unwrap().got[3].len(), 1);
    }

    #[test]
    fn the_output_backoff_is_100_ms_doubling_to_5_s() {
        let mut b = OUTPUT_BACKOFF;
        let waits: Vec<u64> = (0..8).map(|_| b.next_wait().as_millis() as u64).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    }
}
