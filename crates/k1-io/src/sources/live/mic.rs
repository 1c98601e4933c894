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
//!
//! The buffer size comes from the device's supported range ([`super::period`]): a 5 ms period
//! first, and a sound server's own fragment size where the device does not honour that (ALSA's
//! pulse plugin). The callbacks' real period is measured and reported once, and the audio thread
//! sleeps until the next callback is due rather than polling.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{BufferSize, FromSample, SampleFormat, SizedSample};

use super::period::{self, PeriodMeter};
use super::{
    HopRead, HopTiming, IDLE_MAX, LiveError, LiveSource, SourceCtx, drain_ring, take_hop_air,
};
use crate::clock::{Clock, MonotonicClock, Nanos, duration_nanos, samples_nanos};
use crate::sources::StreamResampler;

/// A device that delivers nothing for this long is treated as unplugged.
const STALL: Nanos = 2_000_000_000;
/// The capture period is reported once the callbacks have run this long.
const REPORT_AFTER: Nanos = 1_000_000_000;

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
    /// What the callbacks deliver.
    period: PeriodMeter,
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
    /// The air power of each sample in `ready`, when the rate carries it.
    ready_air: VecDeque<f32>,
    /// The air power of the hop last released.
    hop_air: Option<f32>,
    /// Engine-rate samples released so far.
    released: u64,
    anchor: Option<Anchor>,
    last_data: Option<Nanos>,
    overruns_reported: u64,
    /// The period asked for and the one the stream reports, for the one-time period note.
    asked: BufferSize,
    configured: Option<u32>,
    period_reported: bool,
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
    /// Opens the default input device (`name` = `None`) or the one `name` names (ignoring case:
    /// the device called exactly that, else the first whose name contains it), and starts
    /// capturing.
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
                let mut named: Vec<(String, cpal::Device)> = host
                    .input_devices()
                    .map_err(|e| device_error("listing input devices", e))?
                    .map(|d| (device_name(&d), d))
                    .collect();
                // The same choice as `devices::find`: the exact name first, then a part of one.
                let wanted = pattern.trim().to_lowercase();
                let at = named
                    .iter()
                    .position(|(n, _)| n.to_lowercase() == wanted)
                    .or_else(|| {
                        named
                            .iter()
                            .position(|(n, _)| n.to_lowercase().contains(&wanted))
                    });
                match at {
                    Some(i) => named.swap_remove(i).1,
                    None => {
                        return Err(super::devices::not_found(
                            pattern,
                            named.iter().map(|(n, _)| n.as_str()),
                        ));
                    }
                }
            }
        };
        let name = device_name(&device);
        let chosen = pick_config(&device, engine_rate)?;
        let mut config = chosen.config();
        let device_rate = config.sample_rate;
        let supported = *chosen.buffer_size();
        config.buffer_size = period::request(&supported, device_rate, period::LOW_PERIOD_SECONDS);
        let mut started = Started::new(&device, &config, chosen.sample_format(), clock)?;
        if !period::honoured(config.buffer_size, started.configured) {
            // A sound server behind an ALSA plugin: its own fragment size, so that cpal's
            // capture thread does not poll in a loop.
            drop(started);
            config.buffer_size =
                period::request(&supported, device_rate, period::SERVER_PERIOD_SECONDS);
            started = Started::new(&device, &config, chosen.sample_format(), clock)?;
        }
        started
            .stream
            .play()
            .map_err(|e| device_error(&format!("starting {name}"), e))?;
        let capacity = started.capacity;
        Ok(Self {
            name,
            _stream: started.stream,
            samples: started.samples,
            anchors: started.anchors,
            status: started.status,
            device_rate,
            engine_rate,
            resampler: StreamResampler::with_air(device_rate, engine_rate)?,
            ready: VecDeque::with_capacity(capacity),
            ready_air: VecDeque::with_capacity(capacity),
            hop_air: None,
            released: 0,
            anchor: None,
            last_data: None,
            overruns_reported: 0,
            asked: config.buffer_size,
            configured: started.configured,
            period_reported: false,
        })
    }

    /// The device's rate in Hz (the engine rate when the device supports it: no resampling).
    pub fn device_rate(&self) -> u32 {
        self.device_rate
    }
}

/// The capture devices plugged in now, the default one marked (see [`super::devices`]). A
/// device whose formats cannot be read is listed with no rates rather than left out.
pub fn list_devices() -> Result<Vec<super::devices::InputDevice>, LiveError> {
    quiet_alsa();
    let host = cpal::default_host();
    let default = host.default_input_device().map(|d| device_name(&d));
    let devices = host
        .input_devices()
        .map_err(|e| device_error("listing input devices", e))?;
    let mut out: Vec<super::devices::InputDevice> = Vec::new();
    for d in devices {
        let name = device_name(&d);
        if out.iter().any(|o| o.name == name) {
            continue;
        }
        let ranges: Vec<_> = d
            .supported_input_configs()
            .map(|r| r.collect())
            .unwrap_or_default();
        let rates = super::devices::COMMON_RATES
            .into_iter()
            .filter(|rate| {
                ranges
                    .iter()
                    .any(|r| r.min_sample_rate() <= *rate && *rate <= r.max_sample_rate())
            })
            .collect();
        let channels = ranges.iter().map(|r| r.channels()).max().unwrap_or(0);
        let default_rate = d.default_input_config().ok().map(|c| c.sample_rate());
        out.push(super::devices::InputDevice {
            is_default: default.as_deref() == Some(name.as_str()),
            name,
            rates,
            default_rate,
            channels,
        });
    }
    Ok(out)
}

/// A built (not yet playing) stream with the rings its callback fills.
struct Started {
    stream: cpal::Stream,
    samples: rtrb::Consumer<f32>,
    anchors: rtrb::Consumer<Anchor>,
    status: Arc<Status>,
    capacity: usize,
    /// The period the stream says it runs with, in frames (`None` where cpal cannot tell).
    configured: Option<u32>,
}

impl Started {
    fn new(
        device: &cpal::Device,
        config: &cpal::StreamConfig,
        format: SampleFormat,
        clock: MonotonicClock,
    ) -> Result<Self, LiveError> {
        let rate = config.sample_rate;
        let capacity = (rate as usize / 2).max(4096);
        let (producer, samples) = rtrb::RingBuffer::new(capacity);
        let (anchor_tx, anchors) = rtrb::RingBuffer::new(256);
        let status = Arc::new(Status::default());
        let feed = Feed {
            producer,
            anchors: anchor_tx,
            status: Arc::clone(&status),
            channels: usize::from(config.channels.max(1)),
            rate,
            frames: 0,
            clock,
        };
        let config = *config;
        let stream = match format {
            SampleFormat::F32 => build::<f32>(device, config, feed, &status),
            SampleFormat::I16 => build::<i16>(device, config, feed, &status),
            SampleFormat::I32 => build::<i32>(device, config, feed, &status),
            other => Err(LiveError::Device(format!(
                "unsupported sample format {other}"
            ))),
        }?;
        let configured = stream.buffer_size().ok();
        Ok(Self {
            stream,
            samples,
            anchors,
            status,
            capacity,
            configured,
        })
    }
}

/// A config at the engine rate if the device has one (f32, i16 or i32), else its default.
fn pick_config(
    device: &cpal::Device,
    engine_rate: u32,
) -> Result<cpal::SupportedStreamConfig, LiveError> {
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
    Ok(chosen)
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
                feed.status.period.record(frames, now);
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

    fn hop_air(&self) -> Option<f32> {
        self.hop_air
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
        if drain_ring(
            &mut self.samples,
            &mut self.resampler,
            &mut self.ready,
            &mut self.ready_air,
        )? > 0
        {
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
            self.report_period(ctx);
            let period = self.status.period.period().map(|p| p.interval);
            let last = self.status.period.last_at();
            ctx.clock
                .sleep(period::wait_for_callback(now, last, period, IDLE_MAX));
            return Ok(HopRead::Idle);
        }
        let take = hop.len();
        for (dst, src) in hop.iter_mut().zip(self.ready.drain(..take)) {
            *dst = src;
        }
        self.hop_air = take_hop_air(&self.resampler, &mut self.ready_air, take, hop.len());
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

impl MicSource {
    /// Tells the user once, after [`REPORT_AFTER`] of callbacks, what period the device really
    /// delivers: the audio of a hop can wait that long before it is analysed, and the latency
    /// figures (measured from the capture timestamp) include the wait.
    fn report_period(&mut self, ctx: &SourceCtx<'_>) {
        if self.period_reported {
            return;
        }
        let Some(p) = self.status.period.period() else {
            return;
        };
        if p.span < REPORT_AFTER {
            return;
        }
        self.period_reported = true;
        ctx.events.note(period_note(
            &self.name,
            &p,
            self.device_rate,
            self.asked,
            self.configured,
        ));
    }
}

/// The one-time note on the measured period.
fn period_note(
    name: &str,
    p: &period::Period,
    rate: u32,
    asked: BufferSize,
    configured: Option<u32>,
) -> String {
    let ms = |frames: f64| 1000.0 * frames / f64::from(rate.max(1));
    let asked = match asked {
        BufferSize::Fixed(n) => format!("asked for {n} ({:.1} ms)", ms(f64::from(n))),
        BufferSize::Default => "asked for the device's default".to_string(),
    };
    let configured = configured.map_or(String::new(), |n| format!(", configured {n}"));
    format!(
        "microphone \"{name}\": {:.0} frames ({:.1} ms, {}..={} per callback) every {:.1} ms at {rate} Hz \
         ({asked}{configured}); audio waits up to one period before it is analysed, and the latency figures include it",
        p.mean_frames,
        ms(p.mean_frames),
        p.min_frames,
        p.max_frames,
        p.interval as f64 / 1e6,
    )
}
