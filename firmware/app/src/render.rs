//! The render task: each frame, the newest snapshot and parameters through the renderer and the
//! colour pipeline, encoded for both strips, then handed to the SPI's DMA (`ws2812.rs`).
//!
//! Double-buffered: a frame is computed and encoded while the previous one is on the wire, and
//! starts as soon as that one (with its latch) is done. A frame takes 4.91 ms on the wire
//! (`k1_fw_logic::ws2812::wire_ns`), less than the 5 ms period, so at 200 FPS the previous
//! frame is done by the time the next is ready, and the wire would allow 203.7 FPS.
//!
//! Latency, per frame: from the audio task having the hop the snapshot came from to the frame
//! starting on the wire (the host's "sample to frame" figure, which health checks), and from the
//! hop's first sample at the microphone to the last LED latching ("audio in to light latched":
//! the decimation filter's delay and one hop of samples before, the frame's wire time and latch
//! after). The breakdown, and the part the firmware cannot see (the I2S DMA chunk's wait), are in
//! `firmware/README.md`.

use core::sync::atomic::{AtomicU32, Ordering};

use embassy_time::{Duration, Instant, Ticker};
use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::render::{Layout, PatternId, Renderer, Rgb};
use k1_core::{Config, ParamsReader, SnapshotReader};
use k1_fw_logic::health::LatencyHistogram;
use k1_fw_logic::ws2812::wire_ns;
use log::{error, info};

use crate::config::{FPS, I2S_RATE_HZ, LEDS, LEDS_PER_STRIP};
use crate::metrics;
use crate::ws2812::Strips;

/// One hop of samples, µs: the time from a hop's first sample to its last.
const HOP_US: u32 =
    (Config::DEFAULT.hop as u64 * 1_000_000 / Config::DEFAULT.sample_rate as u64) as u32;
/// The half-band filter's group delay (25.6 → 12.8 kHz), µs (508).
const FILTER_US: u32 =
    (k1_core::dsp::halfband::DELAY as u64 * 1_000_000 / I2S_RATE_HZ as u64) as u32;
/// A frame on the wire, from its first bit to the end of its latch, µs (4,909).
const WIRE_US: u32 = wire_ns(LEDS_PER_STRIP).div_ceil(1_000) as u32;
/// The period must leave the wire time: the double buffer then never waits.
const _: () = assert!(WIRE_US <= 1_000_000 / FPS);

/// The pattern to show, as its index; written by the HTTP API, read every frame.
pub static PATTERN: AtomicU32 = AtomicU32::new(PatternId::Spectrum as u32);

/// Everything a frame needs but its DMA buffers (boxed at boot).
pub struct Frame {
    renderer: Renderer<LEDS>,
    pipeline: Pipeline<LEDS>,
    rgb: [Rgb; LEDS],
    bytes: [Rgb8; LEDS],
}

impl Frame {
    /// A frame state for the centre-out layout of the two strips.
    pub fn new(pattern: PatternId) -> Frame {
        let layout = Layout::DEFAULT;
        Frame {
            renderer: Renderer::new(layout, pattern),
            pipeline: Pipeline::new(PipelineConfig::DEVICE),
            rgb: [Rgb::BLACK; LEDS],
            bytes: [Rgb8::BLACK; LEDS],
        }
    }
}

/// Renders and shows frames for ever.
#[embassy_executor::task]
pub async fn render_task(
    frame: &'static mut Frame,
    mut snapshots: SnapshotReader<'static>,
    mut params: ParamsReader<'static>,
    mut strips: Strips,
) {
    info!(
        "render task: renderer + colour pipeline -> SPI DMA (2 strips, {} us a frame on the \
         wire), {} LEDs at {} FPS, on core {:?}",
        WIRE_US,
        LEDS,
        FPS,
        esp_hal::system::Cpu::current()
    );
    let period = Duration::from_hz(FPS as u64);
    let mut ticker = Ticker::every(period);
    let mut last = Instant::now();
    let mut second = last;
    let mut latencies = LatencyHistogram::new();
    loop {
        ticker.next().await;
        crate::watchdog::RENDER.beat();
        let now = Instant::now();
        let dt = (now - last).as_micros() as f32 * 1e-6;
        if now - last > period * 2 {
            metrics::bump(&metrics::FRAME_MISSES);
        }
        last = now;

        let id = PatternId::from_index(PATTERN.load(Ordering::Relaxed) as usize)
            .unwrap_or(PatternId::Spectrum);
        frame.renderer.set_pattern(id);
        let snapshot = *snapshots.read();
        let p = *params.read();
        frame.renderer.render(&snapshot, &p, dt, &mut frame.rgb);
        frame.pipeline.process(&frame.rgb, &p, dt, &mut frame.bytes);
        let (a, b) = frame.bytes.split_at(LEDS_PER_STRIP);
        let len = match strips.encode(a, b) {
            Ok(len) => len,
            Err(e) => {
                error!("LEDs: {e}");
                continue;
            }
        };
        metrics::set(&metrics::FRAME_US, now.elapsed().as_micros() as u32);

        // The previous frame finishes (it started one period ago), then this one starts.
        if let Err(e) = strips.send(len).await {
            error!("LEDs: {e}");
            continue;
        }
        let started = Instant::now().as_micros() as u32;
        let hop_end = metrics::get(&crate::audio::HOP_END_US);
        if hop_end != 0 {
            let latency = started.wrapping_sub(hop_end);
            metrics::set(&metrics::LATENCY_US, latency);
            metrics::set(
                &metrics::LIGHT_LATENCY_US,
                FILTER_US + HOP_US + latency + WIRE_US,
            );
            latencies.record(latency);
        }
        if now - second >= Duration::from_secs(1) {
            let p99 = match latencies.quantile_us(0.99) {
                None => 0,
                Some(u32::MAX) => metrics::LATENCY_OVER_RANGE_US,
                Some(us) => us,
            };
            metrics::set(&metrics::LATENCY_P99_US, p99);
            latencies.clear();
            second = now;
        }
        metrics::bump(&metrics::FRAMES);
    }
}
