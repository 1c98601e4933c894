//! K1 on an ESP32: the microphone through `k1-core`'s analysis to two WS2812 strips, with
//! Wi-Fi, the HTTP API and signed OTA updates.
//!
//! Tasks (see `firmware/README.md`): the audio task (I2S DMA → analysis → snapshot seqlock) and
//! the render task (seqlock → renderer → colour pipeline → both strips from one SPI by DMA). On
//! the C6 and C3 both are async tasks on the one core; on the S3 the audio task runs on the
//! second core (`second_core.rs`). The network tasks (`net`, `http`) and the settings writer
//! (`state::persist_task`) share the first core. The main task loads the settings, starts
//! everything, and once a second logs FPS, hop rate, frame time and latency, and runs the OTA
//! boot trial (`k1_fw_logic::ota`). Pins and counts are in `board.rs` and `config.rs`.
#![no_std]
#![no_main]
// picoserve's router type is named through `impl Trait` in an associated type.
#![feature(impl_trait_in_assoc_type)]

extern crate alloc;

#[macro_use]
mod board;
mod audio;
mod config;
mod flash;
mod http;
mod metrics;
mod net;
mod render;
// The S3's second core; `k1_dual_core_check` compiles it on a single-core chip against a
// stand-in for esp-rtos's `start_second_core` (check builds only: see `second_core.rs`).
#[cfg(any(feature = "esp32s3", k1_dual_core_check))]
#[macro_use]
mod second_core;
mod settings;
mod state;
mod watchdog;
mod ws2812;

use alloc::boxed::Box;

use embassy_executor::Spawner;
use embassy_time::{Duration, Instant, Timer};
use esp_backtrace as _;
use esp_hal::clock::CpuClock;
use esp_hal::spi::Mode;
use esp_hal::spi::master::{Config as SpiConfig, Spi};
use esp_hal::time::Rate;
use esp_hal::timer::timg::TimerGroup;
use esp_hal::{dma_rx_stream_buffer, dma_tx_buffer};
use k1_core::params::Params;
use k1_core::{Analyzer, Config, ParamsLock, Snapshot, SnapshotLock};
use k1_fw_logic::ota::trial::{BootDecision, Health, Trial, TrialConfig, Verdict};
use log::{error, info, warn};

use crate::board::{CHIP, Pins};
use crate::config::{HEAP_BYTES, RECLAIMED_HEAP_BYTES};
use crate::state::{DEVICE, Device, device};

esp_bootloader_esp_idf::esp_app_desc!();

/// Analysis → render.
static SNAPSHOTS: SnapshotLock = SnapshotLock::new(Snapshot::EMPTY);
/// HTTP API → render.
static PARAMS: ParamsLock = ParamsLock::new(Params::DEFAULT);

#[esp_rtos::main]
async fn main(spawner: Spawner) -> ! {
    esp_println::logger::init_logger(log::LevelFilter::Info);
    let peripherals = esp_hal::init(esp_hal::Config::default().with_cpu_clock(CpuClock::max()));
    // The bootloader's RAM, free once the app runs, holds the Wi-Fi driver's buffers.
    esp_alloc::heap_allocator!(#[esp_hal::ram(reclaimed)] size: RECLAIMED_HEAP_BYTES);
    esp_alloc::heap_allocator!(size: HEAP_BYTES);
    let timg0 = TimerGroup::new(peripherals.TIMG0);
    esp_rtos::start(timg0.timer0, peripherals.FROM_CPU_INTR0);
    info!("K1 firmware {} on {}", env!("CARGO_PKG_VERSION"), CHIP);
    // On from here: a hang anywhere in the start-up below resets the chip too.
    let mut watchdogs = watchdog::Watchdogs::start(timg0.wdt, peripherals.RTC_TIMER);

    let mut store = settings::SettingsFlash::new(peripherals.FLASH);
    let mut saved = store.load();
    let decision = store.boot_decision(&mut saved);
    let pattern = saved.pattern;
    let params_writer = PARAMS.writer().expect("the only writer of PARAMS");
    *DEVICE.lock().await = Some(Device::new(store, saved, params_writer));

    let pins: Pins = board_pins!(peripherals);

    // Audio: the I2S peripheral, its DMA channel and pins; the audio task makes the driver.
    let mic = audio::Microphone {
        i2s: peripherals.I2S0,
        dma: peripherals.DMA_CH0,
        bclk: pins.bclk,
        ws: pins.ws,
        din: pins.din,
    };
    let buffer = dma_rx_stream_buffer!(8 * 1024, 1024);
    let analyzer = Box::leak(Box::new(
        Analyzer::new(Config::DEFAULT).expect("the default analysis config is valid"),
    ));
    let writer = SNAPSHOTS.writer().expect("the only writer of SNAPSHOTS");

    // LEDs: SPI2 in dual-output mode at 2.5 MHz, strip A on SIO0 and strip B on SIO1, fed by
    // DMA from two frame buffers in internal RAM (ws2812.rs). The configuration and the
    // buffers' sizes are constants, so an error here is a bug (and a panic resets the chip).
    let spi = Spi::new(
        peripherals.SPI2,
        SpiConfig::default()
            .with_frequency(Rate::from_hz(k1_fw_logic::ws2812::SPI_HZ))
            .with_mode(Mode::_0),
    )
    .expect("LED SPI configuration")
    .with_sio0(pins.strip_a)
    .with_sio1(pins.strip_b)
    .with_dma(peripherals.DMA_CH1)
    .into_async();
    let strips = ws2812::Strips::new(
        spi,
        dma_tx_buffer!(ws2812::FRAME_BYTES).expect("LED DMA buffer"),
        dma_tx_buffer!(ws2812::FRAME_BYTES).expect("LED DMA buffer"),
    );
    let frame = Box::leak(Box::new(render::Frame::new(pattern)));

    #[cfg(not(any(feature = "esp32s3", k1_dual_core_check)))]
    spawner.spawn(audio::audio_task(mic, buffer, analyzer, writer).expect("audio task"));
    #[cfg(any(feature = "esp32s3", k1_dual_core_check))]
    second_core::start_audio(
        second_core_peripherals!(peripherals),
        mic,
        buffer,
        analyzer,
        writer,
    );
    spawner.spawn(
        render::render_task(frame, SNAPSHOTS.reader(), PARAMS.reader(), strips)
            .expect("render task"),
    );
    spawner.spawn(state::persist_task().expect("settings task"));
    let seed = u64::from(esp_hal::rng::Rng::new().random()) << 32
        | u64::from(esp_hal::rng::Rng::new().random());
    net::start(&spawner, peripherals.WIFI, seed);
    info!(
        "network tasks (Wi-Fi, DHCP, mDNS, HTTP) and the settings writer on core {:?}",
        esp_hal::system::Cpu::current()
    );

    let mut trial = match decision {
        BootDecision::Trial { boots } => {
            info!("OTA: new image on trial (boot {boots}); it must stay healthy for 60 s");
            Some(Trial::new(TrialConfig::DEFAULT, Instant::now().as_millis()))
        }
        BootDecision::Rollback => {
            error!("OTA: the new image failed to confirm in time; rolling back");
            rollback().await
        }
        BootDecision::Normal => None,
    };

    let (mut frames0, mut hops0, mut misses0) = (0, 0, 0);
    watchdogs.feed();
    loop {
        // One second: the watchdog review period, and the window of the health figures below.
        const _: () = assert!(config::WATCHDOG_REVIEW_MS == 1_000);
        Timer::after(Duration::from_secs(1)).await;
        watchdogs.review();
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
        metrics::bump(&metrics::SECONDS);
        info!(
            "fps {} hops/s {} misses {} | hop {} us, frame {} us, latency {} us, audio in to \
             light latched {} us",
            health.fps,
            health.hops_per_s,
            health.deadline_misses,
            metrics::get(&metrics::HOP_US),
            metrics::get(&metrics::FRAME_US),
            metrics::get(&metrics::LATENCY_US),
            metrics::get(&metrics::LIGHT_LATENCY_US),
        );
        if let Some(t) = trial.as_mut() {
            match t.sample(health, Instant::now().as_millis()) {
                Verdict::Pending => {}
                Verdict::Valid => {
                    info!("OTA: health held; marking this image valid");
                    if let Some(d) = device().await.as_mut() {
                        d.flash.mark_valid(&mut d.settings);
                    }
                    trial = None;
                }
                Verdict::Rollback(why) => {
                    warn!(
                        "OTA: health did not hold ({why:?}, last bad {:?}); rolling back",
                        t.last_bad()
                    );
                    rollback().await;
                }
            }
        }
    }
}

/// Marks this image invalid, selects the previous one and restarts.
async fn rollback() -> ! {
    let mut guard = device().await;
    match guard.as_mut() {
        Some(d) => d.flash.rollback(&mut d.settings),
        None => esp_hal::system::software_reset(),
    }
}
