//! Playback through the speakers, in step with the light (feature `audio`).
//!
//! The audio is decoded a second time, at the output device's rate, on a feeder thread that fills
//! a lock-free ring. The output callback knows when each frame it writes will be heard (cpal's
//! playback timestamp) and the paced analysis stream's start time ([`SharedStart`]), so it plays
//! sample `i` at `start + i / rate`: exactly when the analysis treats it as heard. Before the
//! start it plays silence; if the device clock drifts from the system clock by more than
//! [`TOLERANCE_SECONDS`], it skips or holds samples to get back in step.
//!
//! The audio is played in mono (the source's channels mixed), on every output channel.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};

use super::{LiveError, SharedStart};
use crate::clock::{Clock, MonotonicClock, duration_nanos};
use crate::sources::Source;

/// How far playback may drift from the analysis timeline before it is pulled back, s.
pub const TOLERANCE_SECONDS: f64 = 0.002;
/// Seconds of audio the feeder keeps ready.
const RING_SECONDS: f64 = 1.0;

/// An audio source at a given output rate, made once the device's rate is known.
pub type MakeSource = Box<dyn FnOnce(u32) -> Result<Box<dyn Source + Send>, LiveError>>;

/// A running output stream; dropping it stops playback.
pub struct Playback {
    name: String,
    _stream: cpal::Stream,
    stop: Arc<AtomicBool>,
    feeder: Option<JoinHandle<()>>,
    underruns: Arc<AtomicU64>,
}

impl Playback {
    /// Opens the default output device and starts playing what `make` returns, in step with
    /// `start`.
    pub fn start(
        make: MakeSource,
        start: Arc<SharedStart>,
        clock: MonotonicClock,
    ) -> Result<Self, LiveError> {
        super::mic::quiet_alsa();
        let host = cpal::default_host();
        let device = host
            .default_output_device()
            .ok_or_else(|| LiveError::Device("no audio output device".into()))?;
        let name = device
            .description()
            .map(|d| d.name().to_string())
            .unwrap_or_else(|_| device.to_string());
        let default = device
            .default_output_config()
            .map_err(|e| LiveError::Device(format!("{name}: {e}")))?;
        let format = default.sample_format();
        let config = default.config();
        let rate = config.sample_rate;
        let mut source = make(rate)?;

        let (mut producer, consumer) =
            rtrb::RingBuffer::new(((f64::from(rate) * RING_SECONDS) as usize).max(4096));
        let stop = Arc::new(AtomicBool::new(false));
        let feeder_stop = Arc::clone(&stop);
        let feeder = std::thread::Builder::new()
            .name("k1-playback-feed".into())
            .spawn(move || {
                let mut buf = vec![0.0f32; 1024];
                while !feeder_stop.load(Ordering::Relaxed) {
                    if producer.slots() < buf.len() {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    let n = match source.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if let Ok(chunk) = producer.write_chunk_uninit(n) {
                        chunk.fill_from_iter(buf.iter().copied());
                    }
                }
            })
            .map_err(|e| LiveError::Device(format!("starting the playback feeder: {e}")))?;

        let underruns = Arc::new(AtomicU64::new(0));
        let out = Output {
            consumer,
            start,
            clock,
            rate,
            channels: usize::from(config.channels.max(1)),
            position: 0,
            underruns: Arc::clone(&underruns),
        };
        let stream = match format {
            SampleFormat::F32 => build::<f32>(&device, config, out),
            SampleFormat::I16 => build::<i16>(&device, config, out),
            SampleFormat::I32 => build::<i32>(&device, config, out),
            other => Err(LiveError::Device(format!(
                "{name}: unsupported sample format {other}"
            ))),
        }
        .and_then(|s| {
            s.play()
                .map_err(|e| LiveError::Device(format!("{name}: {e}")))?;
            Ok(s)
        });
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                let _ = feeder.join();
                return Err(e);
            }
        };
        Ok(Self {
            name,
            _stream: stream,
            stop,
            feeder: Some(feeder),
            underruns,
        })
    }

    /// The output device's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Output frames that had no audio ready (after the start).
    pub fn underruns(&self) -> u64 {
        self.underruns.load(Ordering::Relaxed)
    }
}

impl Drop for Playback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(feeder) = self.feeder.take() {
            let _ = feeder.join();
        }
    }
}

/// The output callback's state.
struct Output {
    consumer: rtrb::Consumer<f32>,
    start: Arc<SharedStart>,
    clock: MonotonicClock,
    rate: u32,
    channels: usize,
    /// Index of the next sample the ring will give.
    position: i64,
    underruns: Arc<AtomicU64>,
}

impl Output {
    /// Fills one buffer whose first frame is heard at `heard_at` (engine clock).
    fn fill<T: SizedSample + FromSample<f32>>(&mut self, data: &mut [T], heard_at: u64) {
        let silence = T::EQUILIBRIUM;
        data.fill(silence);
        let Some(start) = self.start.get() else {
            return;
        };
        let frames = data.len() / self.channels;
        // The sample that should be heard at `heard_at`.
        let offset_s = (heard_at as f64 - start as f64) / 1e9;
        let target = (offset_s * f64::from(self.rate)).round() as i64;
        let tolerance = (TOLERANCE_SECONDS * f64::from(self.rate)) as i64;
        let drift = self.position - target;
        let mut first = 0usize;
        if drift > tolerance {
            // Ahead (or before the start): hold back with silence.
            first = usize::try_from(drift).unwrap_or(usize::MAX).min(frames);
        } else if drift < -tolerance {
            // Behind: drop what should already have been heard.
            let skip = usize::try_from(-drift)
                .unwrap_or(0)
                .min(self.consumer.slots());
            if let Ok(chunk) = self.consumer.read_chunk(skip) {
                chunk.commit_all();
            }
            self.position += skip as i64;
        }
        for frame in data.chunks_exact_mut(self.channels).skip(first) {
            match self.consumer.pop() {
                Ok(v) => {
                    let s = T::from_sample_(v.clamp(-1.0, 1.0));
                    frame.fill(s);
                    self.position += 1;
                }
                Err(_) => {
                    if !self.consumer.is_abandoned() {
                        self.underruns.fetch_add(1, Ordering::Relaxed);
                    }
                    break;
                }
            }
        }
    }
}

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut out: Output,
) -> Result<cpal::Stream, LiveError>
where
    T: SizedSample + FromSample<f32>,
{
    device
        .build_output_stream::<T, _, _>(
            config,
            move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
                let ts = info.timestamp();
                let ahead = duration_nanos(ts.playback.duration_since(ts.callback));
                let heard_at = out.clock.now() + ahead;
                out.fill(data, heard_at);
            },
            |_err: cpal::Error| {},
            Some(Duration::from_secs(2)),
        )
        .map_err(|e| LiveError::Device(format!("opening the output stream: {e}")))
}
