//! [`measure`] end to end with a synthetic speaker and microphone on a virtual clock: the
//! "room" hears the train a known time after it was due (with an echo and noise), the fake
//! microphone delivers it hop by hop with exact capture stamps, and the wizard must find the
//! offset within a millisecond. Then the ways it fails: no audio, a microphone that stops, and a
//! speaker nobody hears.

use std::sync::{Arc, Mutex};

use super::*;
use crate::clock::VirtualClock;
use crate::sources::live::{HopTiming, TestCtx};

const MS: Nanos = 1_000_000;

/// Remembers when it was asked to play.
struct FakeSpeaker {
    at: Arc<Mutex<Option<Nanos>>>,
    fail: bool,
}

impl Speaker for FakeSpeaker {
    fn name(&self) -> String {
        "test speaker".into()
    }
    fn play(&mut self, at: Nanos) -> Result<(), WizardError> {
        if self.fail {
            return Err(WizardError::NoDevice("no audio output device".into()));
        }
        *self.at.lock().unwrap() = Some(at);
        Ok(())
    }
}

/// Hears the train `late` after it was due, at `gain`, with an echo 11 ms later and noise;
/// delivers hops in real (virtual) time, stamped with the capture time of their newest sample.
struct FakeMic {
    played: Arc<Mutex<Option<Nanos>>>,
    late: f64,
    gain: f32,
    /// The time of sample 0 and the samples heard, made at the first call.
    heard: Option<(Nanos, Vec<f32>)>,
    pos: usize,
    /// Hops to deliver before the stream ends (None: forever); hops to stay silent.
    ends_after: Option<usize>,
    dead: bool,
}

impl FakeMic {
    fn new(played: &Arc<Mutex<Option<Nanos>>>, late_ms: f64, gain: f32) -> Self {
        FakeMic {
            played: Arc::clone(played),
            late: late_ms / 1000.0,
            gain,
            heard: None,
            pos: 0,
            ends_after: None,
            dead: false,
        }
    }
}

impl LiveSource for FakeMic {
    fn name(&self) -> &str {
        "test microphone"
    }
    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        if self.dead {
            ctx.clock.sleep(Duration::from_millis(20));
            return Ok(HopRead::Idle);
        }
        if self.ends_after.is_some_and(|n| self.pos / HOP >= n) {
            return Ok(HopRead::End);
        }
        let (t0, heard) = self.heard.get_or_insert_with(|| {
            let t0 = ctx.clock.now();
            let at = self
                .played
                .lock()
                .unwrap()
                .expect("the train is played before recording");
            let shift = (at - t0) as f64 / 1e9 + self.late;
            let len = 6 * RATE as usize;
            let mut out = clicks::render(&clicks::CLICK_TIMES, shift, 0.5 * self.gain, RATE, len);
            let echo = clicks::render(
                &clicks::CLICK_TIMES,
                shift + 0.011,
                0.3 * self.gain,
                RATE,
                len,
            );
            let mut seed = 0x9E37_79B9_7F4A_7C15u64;
            for (o, e) in out.iter_mut().zip(echo) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *o += e + 0.002 * ((seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5);
            }
            (t0, out)
        });
        // The hop's newest sample is captured at t0 + (pos + HOP - 1) / RATE; wait for it.
        let newest = *t0 + samples_nanos((self.pos + hop.len() - 1) as u64, RATE);
        let now = ctx.clock.now();
        if newest > now {
            ctx.clock.sleep(Duration::from_nanos(newest - now));
        }
        for (i, h) in hop.iter_mut().enumerate() {
            *h = heard.get(self.pos + i).copied().unwrap_or(0.0);
        }
        self.pos += hop.len();
        Ok(HopRead::Ready(HopTiming {
            captured: newest,
            available: newest + 3 * MS,
        }))
    }
}

fn run(mic: &mut FakeMic, speaker: &mut FakeSpeaker) -> Result<Measurement, WizardError> {
    let clock = VirtualClock::default();
    clock.advance(1234 * MS);
    let parts = TestCtx::new(clock);
    measure(speaker, mic, &parts.ctx())
}

#[test]
fn finds_a_bluetooth_speakers_delay_within_a_millisecond() {
    for late_ms in [183.4, 12.0, 296.7] {
        let played = Arc::new(Mutex::new(None));
        let mut speaker = FakeSpeaker {
            at: Arc::clone(&played),
            fail: false,
        };
        let mut mic = FakeMic::new(&played, late_ms, 0.2);
        let m = run(&mut mic, &mut speaker).unwrap();
        assert!(
            (m.measured_ms - late_ms).abs() < 1.0,
            "measured {} ms, true {late_ms} ms",
            m.measured_ms
        );
        assert_eq!(m.offset_ms, late_ms.round() as i32);
        assert_eq!(
            (m.speaker.as_str(), m.microphone.as_str()),
            ("test speaker", "test microphone")
        );
        assert!(m.confidence >= lag::MIN_CONFIDENCE);
    }
}

#[test]
fn a_device_that_reports_too_much_latency_gives_a_negative_offset() {
    let played = Arc::new(Mutex::new(None));
    let mut speaker = FakeSpeaker {
        at: Arc::clone(&played),
        fail: false,
    };
    let mut mic = FakeMic::new(&played, -35.0, 0.2);
    let m = run(&mut mic, &mut speaker).unwrap();
    assert_eq!(m.offset_ms, -35);
}

#[test]
fn failures_are_clear_errors() {
    let played = Arc::new(Mutex::new(None));
    let mut no_speaker = FakeSpeaker {
        at: Arc::clone(&played),
        fail: true,
    };
    let mut mic = FakeMic::new(&played, 100.0, 0.2);
    let e = run(&mut mic, &mut no_speaker).unwrap_err();
    assert_eq!(e.to_string(), "no audio output device");

    let mut speaker = FakeSpeaker {
        at: Arc::clone(&played),
        fail: false,
    };
    let mut silent_room = FakeMic::new(&played, 100.0, 0.0);
    assert!(matches!(
        run(&mut silent_room, &mut speaker),
        Err(WizardError::NotHeard(LagError::Unclear { .. }))
    ));

    let mut ends = FakeMic::new(&played, 100.0, 0.2);
    ends.ends_after = Some(10);
    assert!(matches!(
        run(&mut ends, &mut speaker),
        Err(WizardError::MicEnded)
    ));

    let mut dead = FakeMic::new(&played, 100.0, 0.2);
    dead.dead = true;
    let e = run(&mut dead, &mut speaker).unwrap_err();
    assert_eq!(e.to_string(), "the microphone delivered no audio for 2s");
}
