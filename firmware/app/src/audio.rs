//! The audio task: I2S DMA from the microphone, decimated to the engine rate, one hop at a time
//! through `k1_core::Analyzer`, each snapshot published through the seqlock.
//!
//! The task creates its I2S driver itself, from the raw peripherals in [`Microphone`], so the
//! driver is made on the core that runs the task. That matters on the S3, where the task runs
//! on the second core: an async esp-hal driver binds its interrupt handler to the core that
//! creates it, and is `!Send` for that reason (`esp_hal::Async` holds a `*const ()`), so it
//! cannot be moved into `esp_rtos::start_second_core`'s `Send` closure. The peripherals are.

use core::sync::atomic::{AtomicU8, Ordering};

use embassy_time::{Duration, Instant};
use esp_hal::dma::DmaRxStreamBuf;
use esp_hal::gpio::AnyPin;
use esp_hal::i2s::master::{Channels, DataFormat, I2s, TdmConfig};
use esp_hal::peripherals::{DMA_CH0, I2S0};
use esp_hal::time::Rate;
use k1_core::{Analyzer, Config, MAX_HOP, SnapshotWriter};
use k1_fw_logic::mic::{Decimator, FRAME_BYTES, FRAMING, MicFormat, Slot, SlotProbe, SlotReport};
use log::{error, info, warn};

use crate::config::I2S_RATE_HZ;
use crate::{metrics, watchdog};

/// What the audio task needs to make its I2S driver: the peripheral, a DMA channel and the
/// three pins. All `Send`, unlike the async driver made from them.
pub struct Microphone {
    /// The I2S peripheral.
    pub i2s: I2S0<'static>,
    /// Its DMA channel.
    pub dma: DMA_CH0<'static>,
    /// Bit clock out to the microphone.
    pub bclk: AnyPin<'static>,
    /// Word select (LRCLK) out to the microphone.
    pub ws: AnyPin<'static>,
    /// Data in from the microphone.
    pub din: AnyPin<'static>,
}

/// The newest hop's end (µs since boot), for the latency figure.
pub static HOP_END_US: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

/// How the microphone is read, as the settings last said: bit 0 set for the right slot, bit 1
/// for the one-bit-late correction. Written by the HTTP API (through `state::Device`), read
/// for every DMA chunk, so a change applies at once.
static MIC: AtomicU8 = AtomicU8::new(0);

/// Publishes a new microphone format to the audio task.
pub fn set_format(fmt: MicFormat) {
    let bits = u8::from(fmt.slot == Slot::Right) | u8::from(fmt.late_bit) << 1;
    MIC.store(bits, Ordering::Relaxed);
}

/// The microphone format in force.
pub fn format() -> MicFormat {
    let bits = MIC.load(Ordering::Relaxed);
    MicFormat {
        slot: if bits & 1 != 0 {
            Slot::Right
        } else {
            Slot::Left
        },
        late_bit: bits & 2 != 0,
    }
}

/// Reads the microphone for ever. `analyzer` is boxed by the caller (about 110 KB).
#[embassy_executor::task]
pub async fn audio_task(
    mic: Microphone,
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
    // 32-bit stereo slots, DMA into the ring. The configuration is constant, so an error here
    // is a bug in it (and a panic, which resets the chip).
    let rx = I2s::new(
        mic.i2s,
        mic.dma,
        TdmConfig::new_tdm_philips()
            .with_sample_rate(Rate::from_hz(I2S_RATE_HZ))
            .with_data_format(DataFormat::Data32Channel32)
            .with_channels(Channels::STEREO),
    )
    .expect("I2S configuration")
    .into_async()
    .i2s_rx
    .with_bclk(mic.bclk)
    .with_ws(mic.ws)
    .with_din(mic.din)
    .build();
    let mut transfer = match rx.read(buffer) {
        Ok(t) => t,
        Err((e, _, _)) => {
            error!("I2S DMA did not start: {e:?}; audio is off");
            // Ended on purpose: the watchdog stops waiting for this loop.
            watchdog::AUDIO.retire();
            return;
        }
    };
    let mut hop = [0.0f32; MAX_HOP];
    let mut filled = 0;
    // 25.6 kHz -> 12.8 kHz through k1-core's half-band filter (k1_fw_logic::mic::Decimator).
    let mut decimator = Decimator::new();
    let mut probe = SlotProbe::new();
    let mut probed_at = Instant::now();
    // Whole stereo frames (8 bytes) only; a remainder waits for the next read.
    let mut bytes = [0u8; 1024];
    let mut samples = [0.0f32; 1024 / FRAME_BYTES];
    let mut pending = 0;
    info!(
        "microphone: {FRAMING}; reading the {} slot{}",
        format().slot.as_str(),
        if format().late_bit {
            ", one bit late"
        } else {
            ""
        }
    );
    loop {
        watchdog::AUDIO.beat();
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
            let whole = total - total % FRAME_BYTES;
            let fmt = format();
            for frame in bytes[..whole].chunks_exact(FRAME_BYTES) {
                probe.push(frame.try_into().expect("chunks_exact"), fmt);
            }
            let k = decimator.process(&bytes[..whole], fmt, &mut samples);
            for &x in &samples[..k] {
                hop[filled] = x;
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
        if probed_at.elapsed() >= PROBE_EVERY {
            probed_at = Instant::now();
            if let Some(report) = probe.take() {
                check_wiring(&report, format());
            }
        }
    }
}

/// How often the wiring checks run.
const PROBE_EVERY: Duration = Duration::from_secs(10);

/// Logs what the frames say about the wiring (see `k1_fw_logic::mic::SlotProbe`).
fn check_wiring(report: &SlotReport, fmt: MicFormat) {
    if let Some(other) = report.wrong_slot(fmt.slot) {
        warn!(
            "microphone: the {} slot is silent but the {} slot carries data: the select pin is \
             wired the other way; POST /api/device/microphone {{\"slot\":\"{}\"}}",
            fmt.slot.as_str(),
            other.as_str(),
            other.as_str()
        );
    }
    if report.mostly_misaligned() {
        warn!(
            "microphone: {} of {} frames have bits set below the 18-bit sample: the data may be \
             latched a clock late (try {{\"late_bit\":{}}}), or the microphone is not an SPH0645",
            report.misaligned, report.frames, !fmt.late_bit
        );
    }
}
