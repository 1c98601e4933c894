//! ESP32-S3 only: the audio task on the second core (APP_CPU) with its own embassy executor, so
//! analysis never waits behind rendering, LED output or Wi-Fi, which stay on the first core
//! (PRO_CPU, where the radio was started). The two meet only in the snapshot seqlock, as on the
//! host. Single-core chips run the same task on the one executor instead (`main.rs`).
//!
//! `esp_rtos::start_second_core` takes `func: impl FnOnce() + Send + 'static`. Everything the
//! closure captures must therefore be `Send`: the raw I2S and DMA peripherals and pins
//! ([`Microphone`]), the DMA ring, the analyser and the seqlock writer are; an async driver
//! (`I2sRx<'_, Async>`) is not, because its interrupt handler is bound to the core that made it.
//! So the audio task makes its driver itself, on this core (`audio.rs`).
//!
//! # Checked without an S3
//!
//! The S3 build needs the esp-rs Xtensa toolchain (see `firmware/README.md`), which this
//! project's CI does not have. So CI compiles this module for the ESP32-C6 with
//! `--cfg k1_dual_core_check` (a check build: `cargo rustc --profile check ... -- --cfg
//! k1_dual_core_check`). The C6 has no second core, so under that cfg [`start_second_core`],
//! `CPU_CTRL` and `Stack` are stand-ins with exactly esp-rtos 0.4.0's and esp-hal 1.2.2's
//! signatures and bounds (`Send + 'static` closure, `&'static mut Stack<N>`, `N` a multiple of
//! 16). A capture that is not `Send` then fails CI with E0277, as it would fail the S3 build.
//! The stand-in calls a symbol that does not exist, so an image built with the cfg cannot link.

use esp_hal::dma::DmaRxStreamBuf;
use esp_hal::peripherals::FROM_CPU_INTR1;
use esp_rtos::embassy::Executor;
use k1_core::{Analyzer, SnapshotWriter};
use static_cell::StaticCell;

#[cfg(all(feature = "esp32s3", k1_dual_core_check))]
compile_error!("k1_dual_core_check stands in for the S3's second core on single-core chips only");

#[cfg(not(k1_dual_core_check))]
use esp_hal::{peripherals::CPU_CTRL, system::Stack};
#[cfg(not(k1_dual_core_check))]
use esp_rtos::start_second_core;

#[cfg(k1_dual_core_check)]
pub use stand_in::{CPU_CTRL, Stack, start_second_core};

use crate::audio::{Microphone, audio_task};

/// The second core's stack: the audio task's future lives in the executor's static pool, so
/// this only holds the executor loop and interrupt frames.
const STACK_BYTES: usize = 8 * 1024;

/// The peripherals that start the second core: `CPU_CTRL` and the software interrupt
/// esp-rtos uses to reschedule on it (`FROM_CPU_INTR0` is the first core's).
pub struct SecondCore {
    /// Starts and stops APP_CPU.
    pub cpu_ctrl: CPU_CTRL<'static>,
    /// The second core's scheduler interrupt.
    pub int1: FROM_CPU_INTR1<'static>,
}

/// `second_core_peripherals!(peripherals)`: the [`SecondCore`] peripherals, moved out.
#[cfg(not(k1_dual_core_check))]
macro_rules! second_core_peripherals {
    ($p:ident) => {
        second_core::SecondCore {
            cpu_ctrl: $p.CPU_CTRL,
            int1: $p.FROM_CPU_INTR1,
        }
    };
}

/// Check builds: the C6 has no `CPU_CTRL`, so the stand-in's.
#[cfg(k1_dual_core_check)]
macro_rules! second_core_peripherals {
    ($p:ident) => {
        second_core::SecondCore {
            cpu_ctrl: second_core::CPU_CTRL::stand_in(),
            int1: $p.FROM_CPU_INTR1,
        }
    };
}

/// Starts APP_CPU running the audio task; the I2S driver is made there.
pub fn start_audio(
    core: SecondCore,
    mic: Microphone,
    buffer: DmaRxStreamBuf,
    analyzer: &'static mut Analyzer,
    writer: SnapshotWriter<'static>,
) {
    static STACK: StaticCell<Stack<STACK_BYTES>> = StaticCell::new();
    static EXECUTOR: StaticCell<Executor> = StaticCell::new();
    start_second_core(
        core.cpu_ctrl,
        core.int1,
        STACK.init(Stack::new()),
        move || {
            let executor = EXECUTOR.init(Executor::new());
            executor.run(|spawner| {
                spawner.spawn(audio_task(mic, buffer, analyzer, writer).expect("audio task"));
            })
        },
    );
}

/// Stand-ins for the dual-core API on a single-core chip, for `k1_dual_core_check` only. The
/// signatures copy esp-rtos 0.4.0 (`src/lib.rs`, `start_second_core`) and esp-hal 1.2.2
/// (`src/system/multi_core.rs`, `Stack`; the `CPU_CTRL` singleton) so the bounds are the same.
#[cfg(k1_dual_core_check)]
mod stand_in {
    use core::marker::PhantomData;
    use core::mem::MaybeUninit;

    use esp_hal::peripherals::FROM_CPU_INTR1;

    /// The `CPU_CTRL` peripheral singleton (the C6 has none).
    #[allow(non_camel_case_types)]
    pub struct CPU_CTRL<'d>(PhantomData<&'d mut ()>);

    impl CPU_CTRL<'_> {
        /// A stand-in value; there is no such peripheral to take.
        pub fn stand_in() -> Self {
            CPU_CTRL(PhantomData)
        }
    }

    /// esp-hal's `Stack`: 16-byte aligned, its size a multiple of 16.
    #[repr(C, align(16))]
    pub struct Stack<const SIZE: usize> {
        /// The stack's memory.
        pub mem: MaybeUninit<[u8; SIZE]>,
    }

    impl<const SIZE: usize> Stack<SIZE> {
        /// An uninitialised stack.
        pub const fn new() -> Stack<SIZE> {
            const { assert!(SIZE.is_multiple_of(16)) };
            Stack {
                mem: MaybeUninit::uninit(),
            }
        }
    }

    unsafe extern "Rust" {
        /// Defined nowhere: an image built with `k1_dual_core_check` fails to link.
        fn k1_dual_core_check_builds_are_not_images() -> !;
    }

    /// `esp_rtos::start_second_core` with the same parameters and bounds.
    pub fn start_second_core<const STACK_SIZE: usize>(
        cpu_control: CPU_CTRL,
        int1: FROM_CPU_INTR1<'static>,
        stack: &'static mut Stack<STACK_SIZE>,
        func: impl FnOnce() + Send + 'static,
    ) {
        let _ = (cpu_control, int1, stack, func);
        // SAFETY: never runs; nothing defines the symbol, so no image with it can be linked.
        unsafe { k1_dual_core_check_builds_are_not_images() }
    }
}
