//! The engine's health, measured from both loops: counters and histograms that the hot threads
//! update without locks, and the [`Metrics`] summary the supervisor derives from them once a
//! second (for `--stats`, `--check` and, later, the HTTP API).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use serde::Serialize;

use super::histogram::{AtomicHistogram, Counts};
use k1_io::clock::{Nanos, SECOND};
use k1_io::sources::live::SourceCounters;

/// Shared, lock-free counters written by the audio, render and sink threads.
///
/// Every field is updated with relaxed atomics: each is an independent count, and the supervisor
/// only needs each value to be one that was really there.
#[derive(Default)]
pub struct MetricsHub {
    /// Render work per frame: from the wake-up to the frame leaving the renderer, ns.
    pub frame_time: AtomicHistogram,
    /// How late each frame woke after its deadline, ns (the pacing jitter).
    pub wake_jitter: AtomicHistogram,
    /// Analysis time per hop, ns.
    pub hop_time: AtomicHistogram,
    /// Age of the newest audio sample in a frame when the frame leaves the renderer, ns.
    pub latency: AtomicHistogram,
    /// Frames rendered.
    pub frames: AtomicU64,
    /// Frames that finished more than one period after their deadline.
    pub frame_misses: AtomicU64,
    /// Hops analysed.
    pub hops: AtomicU64,
    /// Hops whose analysis finished more than one hop period after the hop became available.
    pub hop_misses: AtomicU64,
    /// Snapshot reads that overlapped a write and were retried.
    pub seqlock_retries: AtomicU64,
    /// Snapshot reads that gave up and reused the last good copy.
    pub seqlock_fallbacks: AtomicU64,
    /// Snapshots whose two copies of the hop counter disagreed: a torn read that got past the
    /// seqlock (the end-to-end check of the exchange; must stay 0).
    pub torn_reads: AtomicU64,
    /// Frames a sink never took: it was still busy with an earlier one.
    pub sink_drops: AtomicU64,
    /// Frames the sinks wrote.
    pub sink_frames: AtomicU64,
    /// Sink writes that failed (the sink is retried with the next frame).
    pub sink_errors: AtomicU64,
    /// The source's own counters: underruns, failures, overruns.
    pub source: SourceCounters,
    /// The newest tempo estimate (f32 bits).
    pub bpm: AtomicU32,
    /// The newest tempo confidence (f32 bits).
    pub confidence: AtomicU32,
}

/// A copy of every counter at one moment, from [`MetricsHub::capture`].
#[derive(Clone, Debug, Default)]
pub struct Capture {
    at: Nanos,
    frame_time: Counts,
    wake_jitter: Counts,
    hop_time: Counts,
    latency: Counts,
    counters: [u64; 13],
    bpm: f32,
    confidence: f32,
}

impl Capture {
    /// When it was taken.
    pub fn at(&self) -> Nanos {
        self.at
    }
}

impl MetricsHub {
    /// Reads every counter, as of `now`.
    pub fn capture(&self, now: Nanos) -> Capture {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Capture {
            at: now,
            frame_time: self.frame_time.counts(),
            wake_jitter: self.wake_jitter.counts(),
            hop_time: self.hop_time.counts(),
            latency: self.latency.counts(),
            counters: [
                get(&self.frames),
                get(&self.frame_misses),
                get(&self.hops),
                get(&self.hop_misses),
                get(&self.seqlock_retries),
                get(&self.seqlock_fallbacks),
                get(&self.torn_reads),
                get(&self.sink_drops),
                get(&self.sink_frames),
                get(&self.sink_errors),
                get(&self.source.underruns),
                get(&self.source.errors),
                get(&self.source.overruns),
            ],
            bpm: f32::from_bits(self.bpm.load(Ordering::Relaxed)),
            confidence: f32::from_bits(self.confidence.load(Ordering::Relaxed)),
        }
    }
}

/// Quantiles of one histogram, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Quantiles {
    /// Values counted.
    pub count: u64,
    /// Median, ms (0 when empty).
    pub p50_ms: f64,
    /// 99th percentile, ms (0 when empty).
    pub p99_ms: f64,
    /// Largest value since the start, ms.
    pub max_ms: f64,
}

impl Quantiles {
    fn of(c: &Counts) -> Self {
        let ms = |v: Option<u64>| v.map_or(0.0, |ns| ns as f64 / 1e6);
        Self {
            count: c.total(),
            p50_ms: ms(c.quantile(0.50)),
            p99_ms: ms(c.quantile(0.99)),
            max_ms: c.max() as f64 / 1e6,
        }
    }
}

/// The engine's health over an interval: one second for `--stats`, the whole run for the final
/// report and `--check`. One plain struct, serialisable, so the API can serve it as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Length of the interval, s.
    pub seconds: f64,
    /// Frames rendered per second over the interval.
    pub fps: f64,
    /// Frames rendered in the interval.
    pub frames: u64,
    /// Render work per frame.
    pub frame_time: Quantiles,
    /// Wake-up lateness after each frame deadline (pacing jitter).
    pub wake_jitter: Quantiles,
    /// Hops analysed per second.
    pub hops_per_second: f64,
    /// Hops analysed in the interval.
    pub hops: u64,
    /// Analysis time per hop.
    pub hop_time: Quantiles,
    /// Sample→frame latency: the age of the newest audio sample in a frame as it leaves the
    /// renderer.
    pub latency: Quantiles,
    /// Frames that finished more than one period late.
    pub frame_misses: u64,
    /// Hops analysed more than one hop period after they were available.
    pub hop_misses: u64,
    /// Snapshot reads retried because they overlapped a write.
    pub seqlock_retries: u64,
    /// Snapshot reads that fell back to the last good copy.
    pub seqlock_fallbacks: u64,
    /// Torn snapshots detected end to end (must be 0).
    pub torn_reads: u64,
    /// Frames the sinks wrote.
    pub sink_frames: u64,
    /// Frames a busy sink never took.
    pub sink_drops: u64,
    /// Failed sink writes.
    pub sink_errors: u64,
    /// Hops that were due before the source had the audio.
    pub source_underruns: u64,
    /// Source failures (each retried).
    pub source_errors: u64,
    /// Samples lost in capture or playback buffers.
    pub audio_overruns: u64,
    /// The tempo estimate at the end of the interval, BPM (0 until one is found).
    pub bpm: f32,
    /// Its confidence, 0..=1.
    pub confidence: f32,
}

impl Metrics {
    /// What happened between two captures (`earlier` may be `Capture::default()` for "since the
    /// start").
    pub fn between(earlier: &Capture, later: &Capture) -> Metrics {
        let seconds = later.at.saturating_sub(earlier.at) as f64 / SECOND as f64;
        let d = |i: usize| {
            let count = |c: &Capture| c.counters.get(i).copied().unwrap_or(0);
            count(later).saturating_sub(count(earlier))
        };
        let rate = |n: u64| {
            if seconds > 0.0 {
                n as f64 / seconds
            } else {
                0.0
            }
        };
        let (frames, hops) = (d(0), d(2));
        Metrics {
            seconds,
            fps: rate(frames),
            frames,
            frame_time: Quantiles::of(&later.frame_time.since(&earlier.frame_time)),
            wake_jitter: Quantiles::of(&later.wake_jitter.since(&earlier.wake_jitter)),
            hops_per_second: rate(hops),
            hops,
            hop_time: Quantiles::of(&later.hop_time.since(&earlier.hop_time)),
            latency: Quantiles::of(&later.latency.since(&earlier.latency)),
            frame_misses: d(1),
            hop_misses: d(3),
            seqlock_retries: d(4),
            seqlock_fallbacks: d(5),
            torn_reads: d(6),
            sink_drops: d(7),
            sink_frames: d(8),
            sink_errors: d(9),
            source_underruns: d(10),
            source_errors: d(11),
            audio_overruns: d(12),
            bpm: later.bpm,
            confidence: later.confidence,
        }
    }

    /// Deadline misses of both loops.
    pub fn deadline_misses(&self) -> u64 {
        self.frame_misses + self.hop_misses
    }

    /// One line for `--stats`.
    pub fn line(&self) -> String {
        format!(
            "fps {:.1} | frame p50 {:.3} p99 {:.3} ms | hop p50 {:.3} p99 {:.3} ms | \
             latency p50 {:.2} p99 {:.2} ms | jitter p99 {:.3} ms | misses {}+{} | \
             seqlock retries {} fallbacks {} torn {} | sink drops {} | bpm {:.1} ({:.2})",
            self.fps,
            self.frame_time.p50_ms,
            self.frame_time.p99_ms,
            self.hop_time.p50_ms,
            self.hop_time.p99_ms,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.wake_jitter.p99_ms,
            self.frame_misses,
            self.hop_misses,
            self.seqlock_retries,
            self.seqlock_fallbacks,
            self.torn_reads,
            self.sink_drops,
            self.bpm,
            self.confidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_only_its_own_events() {
        let hub = MetricsHub::default();
        let start = hub.capture(0);
        for _ in 0..200 {
            hub.frames.fetch_add(1, Ordering::Relaxed);
            hub.latency.record(8_000_000);
        }
        hub.sink_drops.fetch_add(3, Ordering::Relaxed);
        let first = hub.capture(SECOND);
        for _ in 0..100 {
            hub.frames.fetch_add(1, Ordering::Relaxed);
            hub.latency.record(2_000_000);
        }
        let second = hub.capture(2 * SECOND);

        let w = Metrics::between(&first, &second);
        assert_eq!(w.frames, 100);
        assert!((w.fps - 100.0).abs() < 1e-9);
        assert!((w.latency.p99_ms - 2.0).abs() < 0.07, "{w:?}");
        assert_eq!(w.sink_drops, 0);

        let all = Metrics::between(&start, &second);
        assert_eq!(all.frames, 300);
        assert!((all.fps - 150.0).abs() < 1e-9);
        assert_eq!(all.sink_drops, 3);
        assert!((all.latency.p50_ms - 8.0).abs() < 0.25, "{all:?}");
    }

    #[test]
    fn serialises_for_the_api() {
        let m = Metrics::between(&Capture::default(), &MetricsHub::default().capture(SECOND));
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["fps"], 0.0);
        assert!(json["latency"]["p99_ms"].is_number());
        assert!(json["seqlock_fallbacks"].is_number());
    }
}
