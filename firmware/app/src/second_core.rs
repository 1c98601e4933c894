//! ESP32-S3 only: the audio task on the second core (APP_CPU) with its own embassy executor, so
//! analysis never waits behind rendering, LED output or Wi-Fi, which stay on the first core
//! (PRO_CPU, where the radio was started). The two meet only in the snapshot seqlock, as on the
//! host. Single-core chips run the same task on the one executor instead (`main.rs`).
//!
//! Not compiled on this machine: the S3 build needs the esp-rs Xtensa toolchain (see
//! `firmware/README.md`), and `esp_rtos::start_second_core` exists only on dual-core chips.

use esp_hal::Async;
use esp_hal::dma::DmaRxStreamBuf;
use esp_hal::i2s::master::I2sRx;
use esp_hal::peripherals::{CPU_CTRL, FROM_CPU_INTR1};
use esp_hal::system::Stack;
use esp_rtos::embassy::Executor;
use k1_core::{Analyzer, SnapshotWriter};
use static_cell::StaticCell;

use crate::audio::audio_task;

/// The second core's stack: the audio task's future lives in the executor's static pool, so
/// this only holds the executor loop and interrupt frames.
const STACK_BYTES: usize = 8 * 1024;

/// Starts APP_CPU running the audio task.
pub fn start_audio(
    cpu_ctrl: CPU_CTRL<'static>,
    int1: FROM_CPU_INTR1<'static>,
    rx: I2sRx<'static, Async>,
    buffer: DmaRxStreamBuf,
    analyzer: &'static mut Analyzer,
    writer: SnapshotWriter<'static>,
) {
    static STACK: StaticCell<Stack<STACK_BYTES>> = StaticCell::new();
    static EXECUTOR: StaticCell<Executor> = StaticCell::new();
    esp_rtos::start_second_core(cpu_ctrl, int1, STACK.init(Stack::new()), move || {
        let executor = EXECUTOR.init(Executor::new());
        executor.run(|spawner| {
            spawner.spawn(audio_task(rx, buffer, analyzer, writer).expect("audio task"));
        })
    });
}
