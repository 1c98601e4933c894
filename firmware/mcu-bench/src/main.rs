//! K1's core on an MCU-class CPU: a bare-metal harness for a Cortex-M4F under QEMU that is also
//! an ordinary host program.
//!
//! Both builds run [`run::run`]: a fixed ten-second clip ([`clip`]) through the real
//! `k1_core::Analyzer`, each snapshot through a renderer and the colour pipeline for 320 LEDs
//! and the firmware's WS2812 encoding (`k1_fw_logic::ws2812`), and print FNV-1a checksums
//! (`k1_core::hash`) of every snapshot's, frame's and wire buffer's bytes. The two builds must
//! print the same checksums: the core is bit-exact across targets. Under QEMU the plugin in
//! `qemu/k1-marks.c` counts the instructions between the markers of [`marks`], which gives
//! instructions per hop and per frame. `run.sh` does all of it.
//!
//! Bare metal: `thumbv7em-none-eabihf` (Cortex-M4 with its single-precision FPU) on QEMU's
//! `mps2-an386` board, with cortex-m-rt's startup and semihosting for output and exit.
#![cfg_attr(target_os = "none", no_std, no_main)]

mod clip;
mod marks;
mod run;

#[cfg(target_os = "none")]
mod mcu;

/// Host entry: run, print the same report as the MCU build, exit non-zero on failure.
#[cfg(not(target_os = "none"))]
fn main() -> std::process::ExitCode {
    match run::run() {
        Ok(summary) => {
            print!("{summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("k1-mcu-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
