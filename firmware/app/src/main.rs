//! K1 on an ESP32: the microphone through `k1-core`'s analysis to two WS2812 strips.
//!
//! Tasks (see `firmware/README.md`): the audio task (I2S DMA → analysis → snapshot seqlock) and
//! the render task (seqlock → renderer → colour pipeline → two RMT channels) run as async tasks on
//! one core on the C6 and C3. The main task loads the settings, starts both, and once a second
//! logs FPS, hop rate, frame time and latency, and runs the OTA boot trial (`k1_fw_logic::ota`).
//! Pins and counts are in `board.rs` and `config.rs`.
#![no_std]
#![no_main]

extern crate alloc;

#[macro_use]
mod board;
mod audio;
mod config;
mod flash;
mod metrics;
mod render;
mod settings;
mod ws2812;

use alloc::boxed::Box;

use embassy_executor::Spawner;
use embassy_time::{Duration, Instant, Timer};
use esp_backtrace as _;
use esp_hal::clock::CpuClock;
use esp_hal::dma_rx_stream_buffer;
use esp_hal::gpio::Level;
use esp_hal::i2s::master::{Channels, DataFormat, I2s, TdmConfig};
use esp_hal::rmt::{Rmt, TxChannelConfig, TxChannelCreator};
use esp_hal::time::Rate;
use esp_hal::timer::timg::TimerGroup;
use k1_core::params::Params;
use k1_core::{Analyzer, Config, ParamsLock, Snapshot, SnapshotLock};
use k1_fw_logic::ota::trial::{BootDecision, Health, Trial, TrialConfig, Verdict};
use log::{error, info, warn};

use crate::board::{CHIP, Pins};
use crate::config::{HEAP_BYTES, I2S_RATE_HZ, RMT_MHZ};

esp_bootloader_esp_idf::esp_app_desc!();

/// Analysis → render.
static SNAPSHOTS: SnapshotLock = SnapshotLock::new(Snapshot::EMPTY);
/// HTTP API → render.
static PARAMS: ParamsLock = ParamsLock::new(Params::DEFAULT);

#[esp_rtos::main]
async fn main(spawner: Spawner) -> ! {
    esp_println::logger::init_logger(log::LevelFilter::Info);
    let peripherals = esp_hal::init(esp_hal::Config::default().with_cpu_clock(CpuClock::max()));
    esp_alloc::heap_allocator!(size: HEAP_BYTES);
    let timg0 = TimerGroup::new(peripherals.TIMG0);
    esp_rtos::start(timg0.timer0, peripherals.FROM_CPU_INTR0);
    info!("K1 firmware {} on {}", env!("CARGO_PKG_VERSION"), CHIP);

    let mut store = settings::SettingsFlash::new(peripherals.FLASH);
    let mut saved = store.load();
    let decision = store.boot_decision(&mut saved);
    let mut params_writer = PARAMS.writer().expect("the only writer of PARAMS");
    params_writer.write(&saved.params);
    render::PATTERN.store(saved.pattern as u32, core::sync::atomic::Ordering::Relaxed);

    let pins: Pins = board_pins!(peripherals);

    // Audio: I2S in, 32-bit stereo slots, DMA into a ring.
    let i2s = I2s::new(
        peripherals.I2S0,
        peripherals.DMA_CH0,
        TdmConfig::new_tdm_philips()
            .with_sample_rate(Rate::from_hz(I2S_RATE_HZ))
            .with_data_format(DataFormat::Data32Channel32)
            .with_channels(Channels::STEREO),
    )
    .expect("I2S configuration")
    .into_async();
    let rx = i2s
        .i2s_rx
        .with_bclk(pins.bclk)
        .with_ws(pins.ws)
        .with_din(pins.din)
        .build();
    let buffer = dma_rx_stream_buffer!(8 * 1024, 1024);
    let analyzer = Box::leak(Box::new(
        Analyzer::new(Config::DEFAULT).expect("the default analysis config is valid"),
    ));
    let writer = SNAPSHOTS.writer().expect("the only writer of SNAPSHOTS");

    // LEDs: two RMT channels at 80 MHz, idle low.
    let rmt = Rmt::new(peripherals.RMT, Rate::from_mhz(RMT_MHZ))
        .expect("RMT clock")
        .into_async();
    let tx = TxChannelConfig::default()
        .with_clk_divider(1)
        .with_idle_output(true)
        .with_idle_output_level(Level::Low);
    let strip_a = rmt.channel0.configure_tx(&tx).expect("RMT channel 0").with_pin(pins.strip_a);
    let strip_b = rmt.channel1.configure_tx(&tx).expect("RMT channel 1").with_pin(pins.strip_b);
    let frame = Box::leak(Box::new(render::Frame::new(saved.pattern)));

    spawner.spawn(audio::audio_task(rx, buffer, analyzer, writer).expect("audio task"));
    spawner.spawn(
        render::render_task(frame, SNAPSHOTS.reader(), PARAMS.reader(), strip_a, strip_b)
            .expect("render task"),
    );

    let mut trial = match decision {
        BootDecision::Trial { boots } => {
            info!("OTA: new image on trial (boot {boots}); it must stay healthy for 60 s");
            Some(Trial::new(TrialConfig::DEFAULT, Instant::now().as_millis()))
        }
        BootDecision::Rollback => {
            error!("OTA: the new image failed to confirm in time; rolling back");
            store.rollback()
        }
        BootDecision::Normal => None,
    };

    let (mut frames0, mut hops0, mut misses0) = (0, 0, 0);
    loop {
        Timer::after(Duration::from_secs(1)).await;
        let (frames, hops, misses) = (
            metrics::get(&metrics::FRAMES),
            metrics::get(&metrics::HOPS),
            metrics::get(&metrics::FRAME_MISSES),
        );
        let health = Health {
            fps: frames.wrapping_sub(frames0) as f32,
            hops_per_s: hops.wrapping_sub(hops0) as f32,
            deadline_misses: misses.wrapping_sub(misses0),
        };
        (frames0, hops0, misses0) = (frames, hops, misses);
        metrics::set(&metrics::FPS_X10, (health.fps * 10.0) as u32);
        metrics::set(&metrics::HOPS_X10, (health.hops_per_s * 10.0) as u32);
        metrics::set(&metrics::MISSES_LAST_S, health.deadline_misses);
        info!(
            "fps {} hops/s {} misses {} | hop {} us, frame {} us, latency {} us",
            health.fps,
            health.hops_per_s,
            health.deadline_misses,
            metrics::get(&metrics::HOP_US),
            metrics::get(&metrics::FRAME_US),
            metrics::get(&metrics::LATENCY_US),
        );
        if let Some(t) = trial.as_mut() {
            match t.sample(health, Instant::now().as_millis()) {
                Verdict::Pending => {}
                Verdict::Valid => {
                    info!("OTA: health held; marking this image valid");
                    store.mark_valid();
                    trial = None;
                }
                Verdict::Rollback(why) => {
                    warn!("OTA: health did not hold ({why:?}, last bad {:?}); rolling back", t.last_bad());
                    store.rollback();
                }
            }
        }
    }
}
