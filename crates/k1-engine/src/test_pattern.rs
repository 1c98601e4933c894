//! The "test" of an output: for [`TEST_SECONDS`] of engine time its LED range shows a moving
//! pattern instead of the frames, so a person can see which LEDs it drives and in what order.
//!
//! Three passes of a comet from the range's first LED to its last, one a second: red, then
//! green, then blue (a controller with its colour order wrong shows them in another order),
//! over the rest of the range lit dim white. Time is the frames' own render time on the
//! engine clock, so on a virtual clock a test lasts exactly as many frames as 3 s holds.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use k1_core::color::Rgb8;
use k1_io::clock::{Nanos, SECOND};
use k1_io::outputs::LedRange;
use k1_io::sinks::{Frame, Sink, SinkError};

use crate::live_outputs::OutputControl;

/// How long a test shows, seconds of engine time.
pub const TEST_SECONDS: u64 = 3;

/// The LEDs of the range that the comet does not cover.
const DIM: Rgb8 = Rgb8 {
    r: 24,
    g: 24,
    b: 24,
};

/// The comet's colour in each pass.
const PASSES: [Rgb8; 3] = [
    Rgb8 { r: 255, g: 0, b: 0 },
    Rgb8 { r: 0, g: 255, b: 0 },
    Rgb8 { r: 0, g: 0, b: 255 },
];

/// A sink that shows the test pattern when its [`OutputControl`] asks, and the frames
/// otherwise. Every output on the [`OutputBoard`](crate::live_outputs::OutputBoard) is wrapped
/// in one.
pub(crate) struct Testable {
    inner: Box<dyn Sink>,
    control: Arc<OutputControl>,
    range: LedRange,
    /// The frame with the pattern painted in (allocated once, when the first test starts).
    scratch: Option<Frame>,
    /// The render time of the test's first frame, while a test shows.
    started: Option<Nanos>,
}

impl Testable {
    /// `inner`, showing the test over `range` when `control` asks.
    pub(crate) fn new(inner: Box<dyn Sink>, control: Arc<OutputControl>, range: LedRange) -> Self {
        Self {
            inner,
            control,
            range,
            scratch: None,
            started: None,
        }
    }
}

impl Sink for Testable {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn max_fps(&self) -> Option<f64> {
        self.inner.max_fps()
    }
    fn delay_ms(&self) -> u32 {
        self.inner.delay_ms()
    }
    fn shares_thread(&self) -> bool {
        self.inner.shares_thread()
    }
    fn delays_itself(&self) -> bool {
        self.inner.delays_itself()
    }
    fn take_note(&mut self) -> Option<String> {
        self.inner.take_note()
    }
    fn note_dropped(&mut self, frames: u64) {
        self.inner.note_dropped(frames);
    }
    fn finish(&mut self) -> Result<(), SinkError> {
        self.inner.finish()
    }

    fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
        // A load first: the swap (a write) only when a test was asked for.
        if self.control.test_asked.load(Ordering::Relaxed)
            && self.control.test_asked.swap(false, Ordering::Relaxed)
        {
            self.started = Some(frame.rendered_at);
        }
        if let Some(start) = self.started {
            let elapsed = frame.rendered_at.saturating_sub(start);
            if elapsed < TEST_SECONDS * SECOND {
                let scratch = self
                    .scratch
                    .get_or_insert_with(|| Frame::new(frame.leds.len()));
                scratch.copy_from(frame);
                paint(&mut scratch.leds, self.range, elapsed);
                return self.inner.write(scratch);
            }
            self.started = None;
            self.control.testing.store(false, Ordering::Relaxed);
        }
        self.inner.write(frame)
    }
}

/// Paints the test pattern `elapsed` ns into the test over `range` of `leds` (LEDs outside the
/// range, or past the end of `leds`, are left alone).
pub(crate) fn paint(leds: &mut [Rgb8], range: LedRange, elapsed: Nanos) {
    let end = range.end.min(leds.len());
    let Some(span) = leds.get_mut(range.start..end) else {
        return;
    };
    let len = span.len();
    if len == 0 {
        return;
    }
    let pass = ((elapsed / SECOND) as usize).min(PASSES.len() - 1);
    let within = (elapsed % SECOND) as f64 / SECOND as f64;
    let head = ((within * len as f64) as usize).min(len - 1);
    let tail = (len / 8).max(3);
    for (i, led) in span.iter_mut().enumerate() {
        *led = if i <= head && head - i < tail {
            PASSES[pass]
        } else {
            DIM
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Records each frame's LEDs.
    struct Keep(Arc<Mutex<Vec<Vec<Rgb8>>>>);

    impl Sink for Keep {
        fn name(&self) -> &str {
            "keep"
        }
        fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
            self.0.lock().unwrap().push(frame.leds.clone());
            Ok(())
        }
    }

    /// The comet moves forward through the range in each pass, red then green then blue, the
    /// LEDs outside the range keep the frame's colours, and after 3 s of frame time the frames
    /// come back and the control says the test is over.
    #[test]
    fn a_test_moves_over_its_range_for_three_seconds_of_frames() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let control = Arc::new(OutputControl::default());
        let range = LedRange { start: 10, end: 50 };
        let mut sink = Testable::new(
            Box::new(Keep(Arc::clone(&got))),
            Arc::clone(&control),
            range,
        );
        let mut frame = Frame::new(60);
        frame.leds.fill(Rgb8 { r: 1, g: 2, b: 3 });
        sink.write(&frame).unwrap();
        control.testing.store(true, Ordering::Relaxed);
        control.test_asked.store(true, Ordering::Relaxed);
        // 100 frames a second of render time, from t = 5 s, for 4 s.
        for i in 0..400u64 {
            frame.index = i + 1;
            frame.rendered_at = 5 * SECOND + i * SECOND / 100;
            sink.write(&frame).unwrap();
        }
        let got = got.lock().unwrap();
        assert_eq!(got.len(), 401);
        assert!(got[0].iter().all(|c| *c == Rgb8 { r: 1, g: 2, b: 3 }));
        let test = &got[1..301];
        let head = |leds: &[Rgb8], colour: Rgb8| leds[10..50].iter().rposition(|c| *c == colour);
        for (pass, colour) in PASSES.iter().enumerate() {
            let heads: Vec<usize> = test[pass * 100..(pass + 1) * 100]
                .iter()
                .map(|leds| head(leds, *colour).expect("the comet is in the range"))
                .collect();
            assert!(heads.windows(2).all(|w| w[1] >= w[0]), "{heads:?}");
            assert_eq!((heads[0], heads[99]), (0, 39), "pass {pass}: {heads:?}");
        }
        for leds in test {
            assert!(
                leds[..10]
                    .iter()
                    .chain(&leds[50..])
                    .all(|c| *c == Rgb8 { r: 1, g: 2, b: 3 })
            );
            assert!(leds[10..50].iter().all(|c| *c != Rgb8 { r: 1, g: 2, b: 3 }));
        }
        // Exactly 3 s of frames: the 301st frame of the test (t = 8 s) is the frame again.
        assert!(
            got[301..]
                .iter()
                .all(|l| l.iter().all(|c| *c == Rgb8 { r: 1, g: 2, b: 3 }))
        );
        assert!(!control.testing());
    }

    /// The wrapper passes on everything the sink runner asks of the sink it wraps: a sink that
    /// delays itself (the audio-sync sender) must not be delayed by the runner as well.
    #[test]
    fn the_wrapper_answers_for_its_sink() {
        struct SelfDelaying;
        impl Sink for SelfDelaying {
            fn name(&self) -> &str {
                "sync"
            }
            fn max_fps(&self) -> Option<f64> {
                Some(40.0)
            }
            fn delay_ms(&self) -> u32 {
                25
            }
            fn shares_thread(&self) -> bool {
                true
            }
            fn delays_itself(&self) -> bool {
                true
            }
            fn write(&mut self, _: &Frame) -> Result<(), SinkError> {
                Ok(())
            }
        }
        let control = Arc::new(OutputControl::default());
        let sink = Testable::new(
            Box::new(SelfDelaying),
            control,
            LedRange { start: 0, end: 0 },
        );
        assert_eq!(
            (
                sink.name(),
                sink.max_fps(),
                sink.delay_ms(),
                sink.shares_thread(),
                sink.delays_itself()
            ),
            ("sync", Some(40.0), 25, true, true)
        );
    }

    #[test]
    fn a_range_past_the_frame_paints_what_there_is() {
        let mut leds = vec![Rgb8::BLACK; 8];
        paint(&mut leds, LedRange { start: 4, end: 20 }, 0);
        assert!(leds[..4].iter().all(|c| *c == Rgb8::BLACK));
        assert_eq!(leds[4], PASSES[0]);
        paint(&mut leds, LedRange { start: 9, end: 20 }, 0);
        paint(&mut leds, LedRange { start: 3, end: 3 }, 0);
    }
}
