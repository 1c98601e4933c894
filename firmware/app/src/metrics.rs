//! Counters shared by the tasks, read once a second for the log, the API and the OTA trial.
//! Single words, written by one task each, so plain atomic loads and stores suffice (the C3 has
//! no compare-and-swap).

use core::sync::atomic::{AtomicU32, Ordering};

use k1_fw_logic::health::Window;

/// Hops analysed since boot.
pub static HOPS: AtomicU32 = AtomicU32::new(0);
/// Frames sent to the strips since boot.
pub static FRAMES: AtomicU32 = AtomicU32::new(0);
/// Frames that started later than one frame period after the previous one.
pub static FRAME_MISSES: AtomicU32 = AtomicU32::new(0);
/// I2S reads that found the DMA ring overrun (audio lost).
pub static AUDIO_OVERRUNS: AtomicU32 = AtomicU32::new(0);
/// Microseconds of the newest hop's analysis.
pub static HOP_US: AtomicU32 = AtomicU32::new(0);
/// Microseconds of the newest frame's render and colour pipeline.
pub static FRAME_US: AtomicU32 = AtomicU32::new(0);
/// Microseconds from the newest hop's last sample arriving to its frame starting on the wire
/// (the host's sample-to-frame latency; health checks its p99).
pub static LATENCY_US: AtomicU32 = AtomicU32::new(0);
/// Microseconds from the newest frame's hop's first sample to the last LED latching: the
/// decimation filter's delay and one hop of samples, then [`LATENCY_US`], then the frame's time
/// on the wire with its latch. The wait for the I2S DMA chunk is not seen (see the README).
pub static LIGHT_LATENCY_US: AtomicU32 = AtomicU32::new(0);
/// Frames per second over the last second (× 10).
pub static FPS_X10: AtomicU32 = AtomicU32::new(0);
/// Hops per second over the last second (× 10).
pub static HOPS_X10: AtomicU32 = AtomicU32::new(0);
/// Frame misses in the last second.
pub static MISSES_LAST_S: AtomicU32 = AtomicU32::new(0);
/// Sample-to-light latency p99 over the render task's last second, µs (0: none yet; see
/// [`LATENCY_OVER_RANGE_US`]).
pub static LATENCY_P99_US: AtomicU32 = AtomicU32::new(0);
/// Full seconds the main loop has measured (0 while starting).
pub static SECONDS: AtomicU32 = AtomicU32::new(0);

/// What [`LATENCY_P99_US`] holds when the p99 is past the histogram's 50 ms range.
pub const LATENCY_OVER_RANGE_US: u32 = 50_100;

/// The last second, for the API (`k1_fw_logic::health`).
pub fn window() -> Window {
    let p99 = get(&LATENCY_P99_US);
    Window {
        seconds: if get(&SECONDS) > 0 { 1.0 } else { 0.0 },
        fps: get(&FPS_X10) as f32 / 10.0,
        hops_per_second: get(&HOPS_X10) as f32 / 10.0,
        frame_time_us: get(&FRAME_US),
        hop_time_us: get(&HOP_US),
        latency_p99_ms: (p99 > 0).then_some(p99 as f32 / 1000.0),
        deadline_misses: get(&MISSES_LAST_S),
        audio_overruns: get(&AUDIO_OVERRUNS),
    }
}

/// Adds one to a counter owned by the calling task (load + store: one writer per counter).
pub fn bump(c: &AtomicU32) {
    c.store(c.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
}

/// Reads a counter.
pub fn get(c: &AtomicU32) -> u32 {
    c.load(Ordering::Relaxed)
}

/// Sets a gauge.
pub fn set(c: &AtomicU32, v: u32) {
    c.store(v, Ordering::Relaxed);
}
