//! The render task: each frame, the newest snapshot and parameters through the renderer and the
//! colour pipeline, then both strips at once over two RMT channels.

use core::sync::atomic::{AtomicU32, Ordering};

use embassy_time::{Duration, Instant, Ticker};
use esp_hal::Async;
use esp_hal::rmt::{Channel, PulseCode, Tx};
use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::render::{Layout, PatternId, Renderer, Rgb};
use k1_core::{ParamsReader, SnapshotReader};
use k1_fw_logic::health::LatencyHistogram;
use log::{error, info};

use crate::config::{FPS, LEDS, LEDS_PER_STRIP};
use crate::metrics;
use crate::ws2812::{codes_for, encode};

/// The pattern to show, as its index; written by the HTTP API, read every frame.
pub static PATTERN: AtomicU32 = AtomicU32::new(PatternId::Spectrum as u32);

/// Everything a frame needs, kept in the task (about 60 KB, statically allocated).
pub struct Frame {
    renderer: Renderer<LEDS>,
    pipeline: Pipeline<LEDS>,
    rgb: [Rgb; LEDS],
    bytes: [Rgb8; LEDS],
    codes_a: [PulseCode; codes_for(LEDS_PER_STRIP)],
    codes_b: [PulseCode; codes_for(LEDS_PER_STRIP)],
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
            codes_a: [PulseCode::end_marker(); codes_for(LEDS_PER_STRIP)],
            codes_b: [PulseCode::end_marker(); codes_for(LEDS_PER_STRIP)],
        }
    }
}

/// Renders and shows frames for ever.
#[embassy_executor::task]
pub async fn render_task(
    frame: &'static mut Frame,
    mut snapshots: SnapshotReader<'static>,
    mut params: ParamsReader<'static>,
    mut strip_a: Channel<'static, Async, Tx>,
    mut strip_b: Channel<'static, Async, Tx>,
) {
    info!(
        "render task: renderer + colour pipeline -> RMT, {} LEDs at {} FPS, on core {:?}",
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
        encode(a, &mut frame.codes_a);
        encode(b, &mut frame.codes_b);
        metrics::set(&metrics::FRAME_US, now.elapsed().as_micros() as u32);
        let hop_end = metrics::get(&crate::audio::HOP_END_US);
        if hop_end != 0 {
            let latency = (Instant::now().as_micros() as u32).wrapping_sub(hop_end);
            metrics::set(&metrics::LATENCY_US, latency);
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

        let (ra, rb) = embassy_futures::join::join(
            strip_a.transmit(&frame.codes_a),
            strip_b.transmit(&frame.codes_b),
        )
        .await;
        if let Err(e) = ra.and(rb) {
            error!("RMT: {e:?}");
        }
        metrics::bump(&metrics::FRAMES);
    }
}
