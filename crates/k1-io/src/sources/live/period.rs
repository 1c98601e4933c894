//! The capture period of a microphone: which buffer size to ask the device for, and what it
//! really delivers.
//!
//! A hardware ALSA device honours a small fixed period (5 ms), so a hop's audio reaches the
//! analyser almost as soon as it is captured. ALSA's pulse plugin (PulseAudio, and PipeWire's
//! pulse server) does not: it shrinks the period it is asked for (to two thirds: 42 frames for
//! 64) and, once the server hands it a chunk larger than its small ring, signals "readable"
//! while ALSA's own count says less than a period is there, and cpal's capture thread polls in
//! a loop (60 to 85 % of a core). There K1 asks again for a period the size of the sound
//! server's own fragments ([`SERVER_PERIOD_SECONDS`]). The [`PeriodMeter`] counts what the
//! callbacks deliver, so the period K1 reports is measured, not assumed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cpal::{BufferSize, SupportedBufferSize};

use crate::clock::Nanos;

/// The period asked of a device first, seconds: one 5 ms hop.
pub const LOW_PERIOD_SECONDS: f64 = 0.005;
/// The period asked again of a device that did not honour [`LOW_PERIOD_SECONDS`] (a sound
/// server behind an ALSA plugin), seconds: above PulseAudio's 25 ms default fragment and
/// PipeWire's 21.3 ms quantum, so the server's chunks fit the plugin's ring.
pub const SERVER_PERIOD_SECONDS: f64 = 0.05;
/// The shortest wait of the audio thread for a callback that is due.
pub const MIN_WAIT: Duration = Duration::from_micros(500);

/// The buffer size to ask for: `seconds` of frames at `rate`, clamped into the device's range,
/// or the backend's default when the device reports no range.
pub fn request(supported: &SupportedBufferSize, rate: u32, seconds: f64) -> BufferSize {
    match *supported {
        SupportedBufferSize::Range { min, max } if min <= max => {
            let want = (f64::from(rate) * seconds)
                .round()
                .clamp(1.0, f64::from(u32::MAX)) as u32;
            BufferSize::Fixed(want.clamp(min, max))
        }
        _ => BufferSize::Default,
    }
}

/// Whether the stream runs with the period asked for: a fixed request must come back exactly
/// (`configured` is the stream's own report, `None` where the backend cannot tell); the default
/// asks for nothing, so anything honours it.
pub fn honoured(asked: BufferSize, configured: Option<u32>) -> bool {
    match asked {
        BufferSize::Fixed(frames) => configured == Some(frames),
        BufferSize::Default => true,
    }
}

/// What the callbacks delivered, written by the capture callback (lock-free) and read by the
/// audio thread.
#[derive(Debug)]
pub struct PeriodMeter {
    callbacks: AtomicU64,
    frames: AtomicU64,
    min_frames: AtomicU64,
    max_frames: AtomicU64,
    first_at: AtomicU64,
    last_at: AtomicU64,
}

impl Default for PeriodMeter {
    fn default() -> Self {
        Self {
            callbacks: AtomicU64::new(0),
            frames: AtomicU64::new(0),
            min_frames: AtomicU64::new(u64::MAX),
            max_frames: AtomicU64::new(0),
            first_at: AtomicU64::new(0),
            last_at: AtomicU64::new(0),
        }
    }
}

impl PeriodMeter {
    /// Counts one callback of `frames` frames that ran at `at` (called from the one capture
    /// thread; never blocks).
    pub fn record(&self, frames: u64, at: Nanos) {
        if self.callbacks.load(Ordering::Relaxed) == 0 {
            self.first_at.store(at, Ordering::Relaxed);
        }
        self.frames.fetch_add(frames, Ordering::Relaxed);
        self.min_frames.fetch_min(frames, Ordering::Relaxed);
        self.max_frames.fetch_max(frames, Ordering::Relaxed);
        self.last_at.store(at, Ordering::Relaxed);
        self.callbacks.fetch_add(1, Ordering::Release);
    }

    /// The period so far (`None` before two callbacks).
    pub fn period(&self) -> Option<Period> {
        let callbacks = self.callbacks.load(Ordering::Acquire);
        summarize(
            callbacks,
            self.frames.load(Ordering::Relaxed),
            self.min_frames.load(Ordering::Relaxed),
            self.max_frames.load(Ordering::Relaxed),
            self.first_at.load(Ordering::Relaxed),
            self.last_at.load(Ordering::Relaxed),
        )
    }

    /// When the last callback ran (`None` before the first).
    pub fn last_at(&self) -> Option<Nanos> {
        (self.callbacks.load(Ordering::Acquire) > 0).then(|| self.last_at.load(Ordering::Relaxed))
    }
}

/// The measured capture period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Period {
    /// Callbacks counted.
    pub callbacks: u64,
    /// Frames per callback, on average.
    pub mean_frames: f64,
    /// The fewest frames one callback delivered.
    pub min_frames: u64,
    /// The most frames one callback delivered.
    pub max_frames: u64,
    /// Time between callbacks, on average.
    pub interval: Nanos,
    /// Time from the first callback to the last.
    pub span: Nanos,
}

impl Period {
    /// Seconds of audio per callback at `rate` Hz.
    pub fn seconds(&self, rate: u32) -> f64 {
        self.mean_frames / f64::from(rate.max(1))
    }
}

/// The period from the meter's counts: the interval is the span over the gaps between
/// callbacks, so it needs two of them.
fn summarize(
    callbacks: u64,
    frames: u64,
    min_frames: u64,
    max_frames: u64,
    first_at: Nanos,
    last_at: Nanos,
) -> Option<Period> {
    if callbacks < 2 {
        return None;
    }
    let span = last_at.saturating_sub(first_at);
    Some(Period {
        callbacks,
        mean_frames: frames as f64 / callbacks as f64,
        min_frames,
        max_frames,
        interval: span / (callbacks - 1),
        span,
    })
}

/// How long the audio thread may sleep before it looks for audio again: until the next
/// callback is due (the last one plus the measured interval), at least [`MIN_WAIT`], at most
/// `max`. Before a period is known it waits [`MIN_WAIT`].
pub fn wait_for_callback(
    now: Nanos,
    last: Option<Nanos>,
    interval: Option<Nanos>,
    max: Duration,
) -> Duration {
    let (Some(last), Some(interval)) = (last, interval) else {
        return MIN_WAIT;
    };
    let due = last.saturating_add(interval);
    Duration::from_nanos(due.saturating_sub(now)).clamp(MIN_WAIT, max.max(MIN_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_for_five_ms_inside_the_range_and_the_default_without_one() {
        let range = SupportedBufferSize::Range { min: 32, max: 4096 };
        assert_eq!(request(&range, 12_800, 0.005), BufferSize::Fixed(64));
        assert_eq!(request(&range, 48_000, 0.005), BufferSize::Fixed(240));
        assert_eq!(request(&range, 48_000, 0.05), BufferSize::Fixed(2400));
        // Clamped to the range at both ends.
        let narrow = SupportedBufferSize::Range {
            min: 256,
            max: 1024,
        };
        assert_eq!(request(&narrow, 12_800, 0.005), BufferSize::Fixed(256));
        assert_eq!(request(&narrow, 48_000, 0.05), BufferSize::Fixed(1024));
        assert_eq!(
            request(&SupportedBufferSize::Unknown, 48_000, 0.005),
            BufferSize::Default
        );
        // A range with nothing in it is no range.
        let empty = SupportedBufferSize::Range { min: 10, max: 5 };
        assert_eq!(request(&empty, 48_000, 0.005), BufferSize::Default);
    }

    #[test]
    fn a_shrunk_period_is_not_honoured() {
        assert!(honoured(BufferSize::Fixed(64), Some(64)));
        // The pulse plugin's answer to 64 frames.
        assert!(!honoured(BufferSize::Fixed(64), Some(42)));
        assert!(!honoured(BufferSize::Fixed(64), None));
        assert!(honoured(BufferSize::Default, Some(1024)));
        assert!(honoured(BufferSize::Default, None));
    }

    #[test]
    fn the_meter_measures_frames_and_intervals() {
        let meter = PeriodMeter::default();
        assert_eq!(meter.period(), None);
        assert_eq!(meter.last_at(), None);
        meter.record(341, 1_000_000);
        assert_eq!(meter.period(), None, "one callback has no interval");
        // Four more, 26.6 ms apart, one of them short.
        for (i, frames) in [341, 341, 300, 341].into_iter().enumerate() {
            meter.record(frames, 1_000_000 + (i as u64 + 1) * 26_600_000);
        }
        let p = meter.period().unwrap();
        assert_eq!(p.callbacks, 5);
        assert_eq!((p.min_frames, p.max_frames), (300, 341));
        assert!((p.mean_frames - 332.8).abs() < 1e-9, "{p:?}");
        assert_eq!(p.interval, 26_600_000);
        assert_eq!(p.span, 4 * 26_600_000);
        assert!((p.seconds(12_800) - 0.026).abs() < 1e-9);
        assert_eq!(meter.last_at(), Some(1_000_000 + 4 * 26_600_000));
    }

    #[test]
    fn the_audio_thread_sleeps_until_the_next_callback_is_due() {
        let max = Duration::from_millis(20);
        let ms = |m: u64| m * 1_000_000;
        // A 26 ms period, the last callback 6 ms ago: 20 ms to go (the cap).
        assert_eq!(
            wait_for_callback(ms(106), Some(ms(100)), Some(ms(26)), max),
            max
        );
        // 10 ms ago: 16 ms to go.
        assert_eq!(
            wait_for_callback(ms(110), Some(ms(100)), Some(ms(26)), max),
            Duration::from_millis(16)
        );
        // Overdue, or nothing measured yet: the shortest wait.
        assert_eq!(
            wait_for_callback(ms(140), Some(ms(100)), Some(ms(26)), max),
            MIN_WAIT
        );
        assert_eq!(
            wait_for_callback(ms(140), Some(ms(100)), None, max),
            MIN_WAIT
        );
        assert_eq!(
            wait_for_callback(ms(140), None, Some(ms(26)), max),
            MIN_WAIT
        );
    }
}
