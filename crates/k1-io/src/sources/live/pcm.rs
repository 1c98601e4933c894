//! Raw PCM from a byte stream (stdin in practice) as a live source: little-endian `s16le` or
//! `f32le`, any rate and 1..=8 interleaved channels, mixed to mono by their mean and resampled to
//! the engine rate.
//!
//! A reader thread blocks on the stream and hands samples over through a lock-free ring, so the
//! audio thread never blocks on I/O and can always stop. The hops are paced at real time from
//! the first audio: a producer that is faster (`cat song.raw`) is held back by the full ring; one
//! that falls behind (a stalled pipe) counts an underrun and the schedule restarts from when the
//! audio arrives again.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{
    HopRead, HopTiming, IDLE_MAX, LiveError, LiveSource, SourceCtx, drain_ring, take_hop_air,
};
use crate::clock::{Nanos, samples_nanos, sleep_towards};
use crate::sources::StreamResampler;

/// A sample encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PcmFormat {
    /// Signed 16-bit little-endian integers.
    S16le,
    /// 32-bit little-endian IEEE floats.
    F32le,
}

impl PcmFormat {
    /// Bytes per sample.
    pub fn bytes(self) -> usize {
        match self {
            PcmFormat::S16le => 2,
            PcmFormat::F32le => 4,
        }
    }
}

/// The layout of a raw PCM stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcmSpec {
    /// Sample encoding.
    pub format: PcmFormat,
    /// Frames per second.
    pub rate: u32,
    /// Interleaved channels (1..=8).
    pub channels: usize,
}

/// Seconds of input the ring between the reader thread and the audio thread holds.
const RING_SECONDS: f64 = 0.5;
/// How late the audio may arrive before the schedule restarts (an underrun).
const LATE_SLACK: Nanos = 100_000_000;

/// What the reader thread tells the audio thread besides samples.
#[derive(Debug, Default)]
struct Shared {
    ended: AtomicBool,
    error: Mutex<Option<std::io::Error>>,
    /// Bytes at the end that did not make a whole frame.
    partial_bytes: Mutex<usize>,
}

/// Raw PCM from a reader, resampled to the engine rate and released at real time.
pub struct PcmSource {
    name: String,
    engine_rate: u32,
    consumer: rtrb::Consumer<f32>,
    shared: Arc<Shared>,
    resampler: StreamResampler,
    ready: VecDeque<f32>,
    /// The air power of each sample in `ready`, when the rate carries it.
    ready_air: VecDeque<f32>,
    /// The air power of the hop last released.
    hop_air: Option<f32>,
    finished: bool,
    start: Option<Nanos>,
    released: u64,
}

impl PcmSource {
    /// Starts reading `reader` (laid out as `spec`) on its own thread. `name` names the stream in
    /// messages ("stdin").
    pub fn spawn<R: Read + Send + 'static>(
        reader: R,
        spec: PcmSpec,
        name: String,
        engine_rate: u32,
    ) -> Result<Self, LiveError> {
        let resampler = StreamResampler::with_air(spec.rate, engine_rate)?;
        let capacity = ((f64::from(spec.rate) * RING_SECONDS) as usize).max(4096);
        let (producer, consumer) = rtrb::RingBuffer::new(capacity);
        let shared = Arc::new(Shared::default());
        let thread_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("k1-pcm-reader".into())
            .spawn(move || read_loop(reader, spec, producer, &thread_shared))
            .map_err(|err| LiveError::Io {
                what: name.clone(),
                err,
            })?;
        Ok(Self {
            name,
            engine_rate,
            consumer,
            shared,
            resampler,
            ready: VecDeque::with_capacity(capacity),
            ready_air: VecDeque::with_capacity(capacity),
            hop_air: None,
            finished: false,
            start: None,
            released: 0,
        })
    }

    /// Moves what the reader thread has delivered through the resampler.
    fn pull(&mut self) -> Result<(), LiveError> {
        if drain_ring(
            &mut self.consumer,
            &mut self.resampler,
            &mut self.ready,
            &mut self.ready_air,
        )? > 0
        {
            return Ok(());
        }
        if !self.finished && self.shared.ended.load(Ordering::Acquire) {
            // The reader thread has pushed its last sample before setting `ended`; check the
            // ring once more so none is lost.
            if self.consumer.slots() == 0 {
                self.resampler
                    .finish_with_air(&mut self.ready, &mut self.ready_air)?;
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl LiveSource for PcmSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn hop_air(&self) -> Option<f32> {
        self.hop_air
    }

    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        self.pull()?;
        let have = self.ready.len();
        if have < hop.len() && !(self.finished && have > 0) {
            if self.finished {
                if let Some(err) = self.shared.error.lock().ok().and_then(|mut e| e.take()) {
                    return Err(LiveError::Io {
                        what: self.name.clone(),
                        err,
                    });
                }
                let partial = self.shared.partial_bytes.lock().map_or(0, |p| *p);
                if partial > 0 {
                    ctx.events.warn(format!(
                        "{}: ignored {partial} bytes at the end that did not make a whole frame",
                        self.name
                    ));
                }
                return Ok(HopRead::End);
            }
            ctx.clock.sleep(Duration::from_millis(1));
            return Ok(HopRead::Idle);
        }
        let now = ctx.clock.now();
        let hop_samples = hop.len() as u64;
        let mut start = *self.start.get_or_insert(now);
        let mut due = start + samples_nanos((self.released + 1) * hop_samples, self.engine_rate);
        if now > due + LATE_SLACK {
            // The producer fell behind: restart the schedule from now.
            ctx.counters.underruns.fetch_add(1, Ordering::Relaxed);
            let elapsed = samples_nanos((self.released + 1) * hop_samples, self.engine_rate);
            start = now.saturating_sub(elapsed);
            self.start = Some(start);
            due = now;
        }
        if !sleep_towards(ctx.clock, due, IDLE_MAX) {
            return Ok(HopRead::Idle);
        }
        let take = have.min(hop.len());
        for (dst, src) in hop.iter_mut().zip(self.ready.drain(..take)) {
            *dst = src;
        }
        self.hop_air = take_hop_air(&self.resampler, &mut self.ready_air, take, hop.len());
        if have < hop.len() {
            hop[have..].fill(0.0);
        }
        self.released += 1;
        Ok(HopRead::Ready(HopTiming {
            captured: due,
            available: due.max(now),
        }))
    }
}

/// The reader thread: bytes → mono samples → ring, until the end of the stream or until the
/// audio side goes away.
fn read_loop<R: Read>(
    mut reader: R,
    spec: PcmSpec,
    mut producer: rtrb::Producer<f32>,
    shared: &Shared,
) {
    let frame_bytes = spec.format.bytes() * spec.channels.max(1);
    let mut buf = vec![0u8; 16 * 1024];
    let mut carry: Vec<u8> = Vec::with_capacity(frame_bytes);
    let mut mono: Vec<f32> = Vec::with_capacity(buf.len() / frame_bytes + 1);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                if let Ok(mut slot) = shared.error.lock() {
                    *slot = Some(e);
                }
                break;
            }
        };
        carry.extend_from_slice(buf.get(..n).unwrap_or(&[]));
        let whole = carry.len() / frame_bytes * frame_bytes;
        mono.clear();
        for frame in carry.get(..whole).unwrap_or(&[]).chunks_exact(frame_bytes) {
            mono.push(mix_frame(frame, spec.format, spec.channels.max(1)));
        }
        carry.drain(..whole);
        let mut rest = mono.as_slice();
        while !rest.is_empty() {
            if producer.is_abandoned() {
                return;
            }
            let room = producer.slots().min(rest.len());
            if room == 0 {
                // The ring is full: the audio side is releasing hops at real time.
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
            if let Ok(chunk) = producer.write_chunk_uninit(room) {
                chunk.fill_from_iter(rest.iter().copied());
            }
            rest = rest.get(room..).unwrap_or(&[]);
        }
    }
    if let Ok(mut p) = shared.partial_bytes.lock() {
        *p = carry.len();
    }
    shared.ended.store(true, Ordering::Release);
}

/// The mean of one interleaved frame's channels; non-finite samples count as 0.
fn mix_frame(frame: &[u8], format: PcmFormat, channels: usize) -> f32 {
    let sum: f32 = match format {
        PcmFormat::S16le => frame
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
            .sum(),
        PcmFormat::F32le => frame
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .map(|v| if v.is_finite() { v } else { 0.0 })
            .sum(),
    };
    sum / channels as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::MonotonicClock;
    use crate::sources::live::TestCtx;

    fn drain(mut src: PcmSource, hop: usize) -> (Vec<f32>, TestCtx<MonotonicClock>) {
        let parts = TestCtx::new(MonotonicClock::new());
        let ctx = parts.ctx();
        let mut out = Vec::new();
        let mut buf = vec![0.0f32; hop];
        loop {
            match src.next_hop(&mut buf, &ctx).unwrap() {
                HopRead::Ready(_) => out.extend_from_slice(&buf),
                HopRead::Idle => {}
                HopRead::End => break,
            }
        }
        (out, parts)
    }

    #[test]
    fn stereo_s16_is_mixed_and_ends() {
        // 1000 stereo frames at the engine rate: left = 0.5, right = -0.25 → mean 0.125.
        let mut bytes = Vec::new();
        for _ in 0..1000 {
            bytes.extend_from_slice(&16384i16.to_le_bytes());
            bytes.extend_from_slice(&(-8192i16).to_le_bytes());
        }
        bytes.push(7); // half a sample at the end: ignored
        let spec = PcmSpec {
            format: PcmFormat::S16le,
            rate: 12_800,
            channels: 2,
        };
        let src = PcmSource::spawn(std::io::Cursor::new(bytes), spec, "t".into(), 12_800).unwrap();
        let (out, parts) = drain(src, 64);
        assert_eq!(out.len(), 1024); // 15 whole hops and one padded
        let warnings: Vec<_> = parts.inbox.try_iter().collect();
        assert!(
            matches!(&warnings[..], [crate::events::Event::Warning(w)] if w.contains("ignored 1 bytes")),
            "{warnings:?}"
        );
        assert!(out[..1000].iter().all(|&v| (v - 0.125).abs() < 1e-6));
        assert!(out[1000..].iter().all(|&v| v == 0.0));
    }

    #[test]
    fn f32_at_another_rate_is_resampled_and_cleaned() {
        let rate = 48_000;
        let mut bytes = Vec::new();
        for i in 0..rate / 10 {
            let v = if i == 10 { f32::NAN } else { 0.25 };
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        let spec = PcmSpec {
            format: PcmFormat::F32le,
            rate,
            channels: 1,
        };
        let src = PcmSource::spawn(std::io::Cursor::new(bytes), spec, "t".into(), 16_000).unwrap();
        let (out, parts) = drain(src, 128);
        // 0.1 s at 16 kHz is 1600 samples, in whole hops of 128.
        assert_eq!(out.len(), 1664);
        assert!(out.iter().all(|v| v.is_finite()));
        assert!((out[800] - 0.25).abs() < 0.01, "{}", out[800]);
        assert_eq!(parts.counters.underruns.load(Ordering::Relaxed), 0);
    }
}
