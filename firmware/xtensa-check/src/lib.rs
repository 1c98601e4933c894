//! k1-core on Xtensa (the ESP32-S3's ISA), compiled but not linked: upstream rustc has no
//! Xtensa inline assembly, so esp-hal cannot build here, but the core can. `.ci/firmware.sh`
//! builds this staticlib at the firmware's release optimisation (k1-core at `opt-level = 3`,
//! the rest at `"s"`, fat LTO) and disassembles it: the windowed ABI (`entry`/`retw`) and FPU
//! arithmetic (`lsi`, `mul.s`, `add.s`) must appear in each of the three exported functions,
//! which between them reach the analysis, every pattern of the renderer and the colour
//! pipeline with the device's power limit.
//!
//! The CPU profile is LLVM's `esp32` (the LX6): upstream LLVM 22 knows no `esp32s3` (`rustc
//! --print target-cpus --target xtensa-esp32s3-none-elf` lists `esp32`, `esp8266` and
//! `generic`). The S3's LX7 runs the same base ISA, windowed registers and single-precision
//! FPU; its vector extension is not used by k1-core.
#![no_std]

use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::params::Params;
use k1_core::render::{Layout, PATTERN_COUNT, PatternId, Renderer, Rgb};
use k1_core::{Analyzer, Config, MAX_HOP, Snapshot};

/// LEDs per frame: the device's two strips of 160.
const LEDS: usize = 320;

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

/// Renders `frames` frames of the pattern with index `pattern` (taken modulo the pattern
/// count, so every pattern's code is reachable) from a snapshot whose spectrum is `level`
/// everywhere, and returns a checksum of the last frame's linear light.
#[unsafe(no_mangle)]
pub extern "C" fn k1_xtensa_render(pattern: u32, level: f32, dt: f32, frames: u32) -> u32 {
    let id = PatternId::from_index(pattern as usize % PATTERN_COUNT).unwrap_or(PatternId::Spectrum);
    let mut renderer = Renderer::<LEDS>::new(Layout::DEFAULT, id);
    let mut snapshot = Snapshot::EMPTY;
    snapshot.spectrum.iter_mut().for_each(|v| *v = level);
    let params = Params::DEFAULT;
    let mut frame = [Rgb::BLACK; LEDS];
    for _ in 0..frames {
        renderer.render(&snapshot, &params, dt, &mut frame);
    }
    frame.iter().fold(0u32, |h, c| {
        h.rotate_left(5)
            ^ c.r.to_bits()
            ^ c.g.to_bits().rotate_left(11)
            ^ c.b.to_bits().rotate_left(22)
    })
}

/// Runs `frames` frames of a grey ramp scaled by `gain` through the device's colour pipeline
/// (tone map, white balance, gamma, dithering and the 2 A power limit) and returns a checksum
/// of the last frame's bytes.
#[unsafe(no_mangle)]
pub extern "C" fn k1_xtensa_pipeline(gain: f32, dt: f32, frames: u32) -> u32 {
    let mut pipeline = Pipeline::<LEDS>::new(PipelineConfig::DEVICE);
    let params = Params::DEFAULT;
    let mut frame = [Rgb::BLACK; LEDS];
    for (i, c) in frame.iter_mut().enumerate() {
        let v = gain * i as f32 / LEDS as f32;
        *c = Rgb {
            r: v,
            g: v * 0.5,
            b: v * 0.25,
        };
    }
    let mut bytes = [Rgb8::BLACK; LEDS];
    for _ in 0..frames {
        pipeline.process(&frame, &params, dt, &mut bytes);
    }
    bytes.iter().fold(0u32, |h, c| {
        h.rotate_left(5) ^ u32::from_le_bytes([c.r, c.g, c.b, 0])
    })
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
