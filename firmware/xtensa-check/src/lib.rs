//! k1-core on Xtensa (the ESP32-S3's ISA), compiled but not linked: upstream rustc has no
//! Xtensa inline assembly, so esp-hal cannot build here, but the core can. `.ci/firmware.sh`
//! disassembles this staticlib and checks for the windowed ABI (`entry`/`retw`) and FPU
//! arithmetic (`lsi`, `mul.s`, `add.s`) in the analysis code.
//!
//! It covers the analysis only. The renderer and the colour pipeline are left out: upstream
//! LLVM 22's Xtensa backend aborts on them ("Cannot select ... TargetConstantPool [2 x float]",
//! a select between two float constants lowered to a constant-pool load), a backend bug, not a
//! core one; the S3 firmware is built with the esp-rs LLVM fork that `espup` installs.
#![no_std]

use k1_core::{Analyzer, Config, MAX_HOP};

/// Runs `hops` hops of a test tone (a unit phasor turned by `cos`/`sin` per sample) through the
/// analysis and returns a checksum of the last snapshot's spectrum bits, so nothing is optimised
/// away. Returns 0 if the configuration is refused.
#[unsafe(no_mangle)]
pub extern "C" fn k1_xtensa_check(cos: f32, sin: f32, hops: u32) -> u32 {
    let config = Config::DEFAULT;
    let Ok(mut analyzer) = Analyzer::new(config) else {
        return 0;
    };
    let mut hop = [0.0f32; MAX_HOP];
    let (mut re, mut im) = (0.5f32, 0.0f32);
    let mut sum = 0u32;
    for _ in 0..hops {
        for s in hop[..config.hop].iter_mut() {
            let r = re * cos - im * sin;
            im = re * sin + im * cos;
            re = r;
            *s = im;
        }
        let Ok(snapshot) = analyzer.process_hop(&hop[..config.hop]) else {
            return 0;
        };
        sum = snapshot
            .spectrum
            .iter()
            .fold(sum, |h, v| h.rotate_left(5) ^ v.to_bits());
    }
    sum
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
