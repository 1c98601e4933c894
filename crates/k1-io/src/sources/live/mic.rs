//! Live capture from a microphone (or any input device) with cpal.
//!
//! The device callback mixes each buffer to mono and pushes it into a lock-free ring, together
//! with an anchor: the capture time of the buffer's newest frame, from cpal's capture timestamp
//! (the callback time minus what the driver still buffered). The audio thread pops the samples,
//! resamples them if the device cannot run at the engine rate, and gives every hop the capture
//! time of its newest sample. The callback never blocks and never allocates.
//!
//! A device that reports an error, or goes silent for [`STALL`], fails the source; wrapped in
//! [`Reconnecting`](super::Reconnecting) it is reopened with backoff.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, SupportedBufferSize};

use super::{HopRead, HopTiming, LiveError, LiveSource, SourceCtx, drain_ring};
use crate::clock::{Clock, MonotonicClock, Nanos, duration_nanos, samples_nanos};
use crate::sources::StreamResampler;

/// A device that delivers nothing for this long is treated as unplugged.
const STALL: Nanos = 2_000_000_000;
/// The device buffer asked for, in seconds (the driver may round it).
const BUFFER_SECONDS: f64 = 0.005;

/// Where a buffer's newest frame sits in time.
#[derive(Clone, Copy, Debug)]
struct Anchor {
    /// Its index, counting device frames from the start of the stream.
    frame: u64,
    /// When it was captured, on the engine clock.
    at: Nanos,
}

/// What the callbacks report to the audio thread.
#[derive(Debug, Default)]
struct Status {
    /// Set (after `failed` is filled) when the device reports an error: the audio thread checks
    /// this flag every hop and takes the lock only once it is set.
    has_failed: AtomicBool,
    failed: Mutex<Option<String>>,
    overruns: AtomicU64,
}

/// A running capture stream.
pub struct MicSource {
    name: String,
    _stream: cpal::Stream,
    samples: rtrb::Consumer<f32>,
    anchors: rtrb::Consumer<Anchor>,
    status: Arc<Status>,
    device_rate: u32,
    engine_rate: u32,
    resampler: StreamResampler,
    ready: VecDeque<f32>,
    /// Engine-rate samples released so far.
    released: u64,
    anchor: Option<Anchor>,
    last_data: Option<Nanos>,
    overruns_reported: u64,
}

/// The name of a device for messages and for `mic:NAME` matching.
fn device_name(device: &cpal::Device) -> String {
    device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| device.to_string())
}

/// Sends alsa-lib's own error messages on this thread to a buffer instead of stderr: on a
/// machine without a sound card it prints a screenful for every device it probes, and k1 reports
/// the problem itself. Call on each thread that opens devices.
pub fn quiet_alsa() {
    #[cfg(target_os = "linux")]
    {
        let _ = alsa::Output::local_error_handler();
    }
}

fn device_error(what: &str, err: impl std::fmt::Display) -> LiveError {
    LiveError::Device(format!("{what}: {err}"))
}

impl MicSource {
    /// Opens the default input device (`name` = `None`) or the first whose name contains `name`
    /// (case-insensitive), and starts capturing.
    pub fn open(
        name: Option<&str>,
        engine_rate: u32,
        clock: MonotonicClock,
    ) -> Result<Self, LiveError> {
        quiet_alsa();
        let host = cpal::default_host();
        let device = match name {
            None => host
                .default_input_device()
                .ok_or_else(|| LiveError::Device("no default input device".into()))?,
            Some(pattern) => {
                let wanted = pattern.to_lowercase();
                let devices = host
                    .input_devices()
                    .map_err(|e| device_error("listing input devices", e))?;
                let mut names = Vec::new();
                let mut found = None;
                for d in devices {
                    let n = device_name(&d);
                    if n.to_lowercase().contains(&wanted) {
                        found = Some(d);
                        break;
                    }
                    names.push(n);
                }
                found.ok_or_else(|| {
                    LiveError::Device(format!(
                        "no input device matches \"{pattern}\" (found: {})",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ))
                })?
            }
        };
        let name = device_name(&device);
        let (config, format) = pick_config(&device, engine_rate)?;
        let device_rate = config.sample_rate;
        let channels = usize::from(config.channels.max(1));
        let capacity = (device_rate as usize / 2).max(4096);
        let (producer, samples) = rtrb::RingBuffer::new(capacity);
        let (anchor_tx, anchors) = rtrb::RingBuffer::new(256);
        let status = Arc::new(Status::default());
        let feed = Feed {
            producer,
            anchors: anchor_tx,
            status: Arc::clone(&status),
            channels,
            rate: device_rate,
            frames: 0,
            clock,
        };
        let stream = match format {
            SampleFormat::F32 => build::<f32>(&device, config, feed, &status),
            SampleFormat::I16 => build::<i16>(&device, config, feed, &status),
            SampleFormat::I32 => build::<i32>(&device, config, feed, &status),
            other => Err(LiveError::Device(format!(
                "unsupported sample format {other}"
            ))),
        }?;
        stream
            .play()
            .map_err(|e| device_error(&format!("starting {name}"), e))?;
        Ok(Self {
            name,
            _stream: stream,
            samples,
            anchors,
            status,
            device_rate,
            engine_rate,
            resampler: StreamResampler::new(device_rate, engine_rate)?,
            ready: VecDeque::with_capacity(capacity),
            released: 0,
            anchor: None,
            last_data: None,
            overruns_reported: 0,
        })
    }

    /// The device's rate in Hz (the engine rate when the device supports it: no resampling).
    pub fn device_rate(&self) -> u32 {
        self.device_rate
    }
}

/// A config at the engine rate if the device has one (f32, i16 or i32), else its default.
fn pick_config(
    device: &cpal::Device,
    engine_rate: u32,
) -> Result<(cpal::StreamConfig, SampleFormat), LiveError> {
    let usable =
        |f: SampleFormat| matches!(f, SampleFormat::F32 | SampleFormat::I16 | SampleFormat::I32);
    let ranges: Vec<_> = device
        .supported_input_configs()
        .map_err(|e| device_error("reading the device's formats", e))?
        .filter(|r| usable(r.sample_format()))
        .collect();
    let at_engine_rate = ranges
        .iter()
        .filter(|r| r.min_sample_rate() <= engine_rate && engine_rate <= r.max_sample_rate())
        .min_by_key(|r| (r.sample_format() != SampleFormat::F32, r.channels()))
        .map(|r| r.with_sample_rate(engine_rate));
    let chosen = match at_engine_rate {
        Some(c) => c,
        None => {
            let default = device
                .default_input_config()
                .map_err(|e| device_error("reading the default format", e))?;
            if usable(default.sample_format()) {
                default
            } else {
                ranges
                    .first()
                    .map(|r| r.with_max_sample_rate())
                    .ok_or_else(|| LiveError::Device("no f32, i16 or i32 input format".into()))?
            }
        }
    };
    let mut config = chosen.config();
    if let SupportedBufferSize::Range { min, max } = chosen.buffer_size() {
        let want = (f64::from(config.sample_rate) * BUFFER_SECONDS) as u32;
        config.buffer_size = cpal::BufferSize::Fixed(want.clamp(*min, *max));
    }
    Ok((config, chosen.sample_format()))
}

/// The callback's state.
struct Feed {
    producer: rtrb::Producer<f32>,
    anchors: rtrb::Producer<Anchor>,
    status: Arc<Status>,
    channels: usize,
    rate: u32,
    frames: u64,
    clock: MonotonicClock,
}

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut feed: Feed,
    status: &Arc<Status>,
) -> Result<cpal::Stream, LiveError>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let err_status = Arc::clone(status);
    device
        .build_input_stream::<T, _, _>(
            config,
            move |data: &[T], info: &cpal::InputCallbackInfo| {
                let now = feed.clock.now();
                let ts = info.timestamp();
                let delay = duration_nanos(ts.callback.duration_since(ts.capture));
                let mut frames = 0u64;
                for frame in data.chunks_exact(feed.channels) {
                    let sum: f32 = frame.iter().map(|&s| f32::from_sample_(s)).sum();
                    if feed.producer.push(sum / feed.channels as f32).is_err() {
                        feed.status.overruns.fetch_add(1, Ordering::Relaxed);
                    }
                    frames += 1;
                }
                if frames == 0 {
                    return;
                }
                feed.frames += frames;
                let first_at = now.saturating_sub(delay);
                let newest_at = (first_at + samples_nanos(frames - 1, feed.rate)).min(now);
                let _ = feed.anchors.push(Anchor {
                    frame: feed.frames - 1,
                    at: newest_at,
                });
            },
            move |err: cpal::Error| {
                if err.kind() == cpal::ErrorKind::Xrun {
                    err_status.overruns.fetch_add(1, Ordering::Relaxed);
                } else {
                    if let Ok(mut failed) = err_status.failed.lock() {
                        *failed = Some(err.to_string());
                    }
                    err_status.has_failed.store(true, Ordering::Release);
                }
            },
            Some(Duration::from_secs(2)),
        )
        .map_err(|e| device_error("opening the input stream", e))
}

impl LiveSource for MicSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        if self.status.has_failed.load(Ordering::Acquire) {
            let reason = self.status.failed.lock().ok().and_then(|mut f| f.take());
            return Err(LiveError::Device(
                reason.unwrap_or_else(|| "the input device failed".into()),
            ));
        }
        let overruns = self.status.overruns.load(Ordering::Relaxed);
        if overruns > self.overruns_reported {
            ctx.counters
                .overruns
                .fetch_add(overruns - self.overruns_reported, Ordering::Relaxed);
            self.overruns_reported = overruns;
        }
        let now = ctx.clock.now();
        while let Ok(anchor) = self.anchors.pop() {
            self.anchor = Some(anchor);
        }
        if drain_ring(&mut self.samples, &mut self.resampler, &mut self.ready)? > 0 {
            self.last_data = Some(now);
        }
        if self.ready.len() < hop.len() {
            let since = now.saturating_sub(*self.last_data.get_or_insert(now));
            if since > STALL {
                return Err(LiveError::Device(format!(
                    "no audio from {} for {:.1} s",
                    self.name,
                    since as f64 / 1e9
                )));
            }
            ctx.clock.sleep(Duration::from_micros(500));
            return Ok(HopRead::Idle);
        }
        let take = hop.len();
        for (dst, src) in hop.iter_mut().zip(self.ready.drain(..take)) {
            *dst = src;
        }
        self.released += hop.len() as u64;
        // The newest engine sample of this hop, as a device frame (the resampler keeps both on
        // one timeline), placed in time by the newest anchor.
        let newest = self.released - 1;
        let frame = u64::try_from(
            u128::from(newest) * u128::from(self.device_rate) / u128::from(self.engine_rate.max(1)),
        )
        .unwrap_or(u64::MAX);
        let captured = match self.anchor {
            Some(a) if frame <= a.frame => {
                a.at.saturating_sub(samples_nanos(a.frame - frame, self.device_rate))
            }
            Some(a) => a.at + samples_nanos(frame - a.frame, self.device_rate),
            None => now,
        };
        Ok(HopRead::Ready(HopTiming {
            captured: captured.min(now),
            available: now,
        }))
    }
}
