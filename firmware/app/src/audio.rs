//! The audio task: I2S DMA from the microphone, decimated to the engine rate, one hop at a time
//! through `k1_core::Analyzer`, each snapshot published through the seqlock.

use embassy_time::Instant;
use esp_hal::Async;
use esp_hal::dma::DmaRxStreamBuf;
use esp_hal::i2s::master::I2sRx;
use k1_core::{Analyzer, Config, MAX_HOP, SnapshotWriter};
use log::{error, info};

use crate::config::{DECIMATE, MIC_FULL_SCALE, MIC_RIGHT_SLOT, MIC_SHIFT};
use crate::metrics;

/// The newest hop's end (µs since boot), for the latency figure.
pub static HOP_END_US: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

/// Turns one stereo frame of two 32-bit slots into a sample in -1..1.
fn sample(frame: &[u8]) -> f32 {
    let slot = if MIC_RIGHT_SLOT { &frame[4..8] } else { &frame[0..4] };
    let raw = i32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]) >> MIC_SHIFT;
    raw as f32 / MIC_FULL_SCALE
}

/// Reads the microphone for ever. `analyzer` is boxed by the caller (about 110 KB).
#[embassy_executor::task]
pub async fn audio_task(
    rx: I2sRx<'static, Async>,
    buffer: DmaRxStreamBuf,
    analyzer: &'static mut Analyzer,
    mut writer: SnapshotWriter<'static>,
) {
    let config: Config = *analyzer.config();
    info!(
        "audio task: I2S DMA -> analysis ({} Hz, hop {}) on core {:?}",
        config.sample_rate,
        config.hop,
        esp_hal::system::Cpu::current()
    );
    let mut transfer = match rx.read(buffer) {
        Ok(t) => t,
        Err((e, _, _)) => {
            error!("I2S DMA did not start: {e:?}; audio is off");
            return;
        }
    };
    let mut hop = [0.0f32; MAX_HOP];
    let mut filled = 0;
    let mut acc = 0.0f32;
    let mut acc_n = 0;
    // Whole stereo frames (8 bytes) only; a remainder waits for the next read.
    let mut bytes = [0u8; 1024];
    let mut pending = 0;
    loop {
        if let Err(e) = transfer.wait_for_available_async().await {
            metrics::bump(&metrics::AUDIO_OVERRUNS);
            error!("I2S DMA: {e:?}");
        }
        loop {
            let room = bytes.len() - pending;
            let n = transfer.pop(&mut bytes[pending..pending + room]);
            if n == 0 {
                break;
            }
            let total = pending + n;
            let whole = total - total % 8;
            for frame in bytes[..whole].chunks_exact(8) {
                acc += sample(frame);
                acc_n += 1;
                if acc_n < DECIMATE {
                    continue;
                }
                hop[filled] = acc / DECIMATE as f32;
                acc = 0.0;
                acc_n = 0;
                filled += 1;
                if filled == config.hop {
                    filled = 0;
                    let t0 = Instant::now();
                    match analyzer.process_hop(&hop[..config.hop]) {
                        Ok(snapshot) => writer.write(snapshot),
                        Err(e) => error!("analysis: {e}"),
                    }
                    metrics::set(&metrics::HOP_US, t0.elapsed().as_micros() as u32);
                    metrics::set(&HOP_END_US, t0.as_micros() as u32);
                    metrics::bump(&metrics::HOPS);
                }
            }
            bytes.copy_within(whole..total, 0);
            pending = total - whole;
        }
    }
}
