//! Markers for the instruction counter. The run calls one after each piece of work; the QEMU
//! plugin in `qemu/k1-marks.c` attributes the instructions executed since the previous marker
//! to the marker reached, so `k1_mark_hop` collects the analysis of each hop, `k1_mark_render`
//! the renderer's part of each frame, `k1_mark_frame` the colour pipeline's part,
//! `k1_mark_encode` the WS2812 encoding of both strips for the SPI's DMA, and `k1_mark_other`
//! the clip synthesis, checksums and the loop around them. On the host they
//! cost a few instructions.
//!
//! Each marker passes its own constant through `black_box`: an opaque use the optimiser must
//! keep (so the call is not dropped as side-effect free), and a different body in each (so they
//! are not merged into one address). `inline(never)` and `no_mangle` keep a symbol for
//! `llvm-nm` to find.

use core::hint::black_box;

/// End of the analysis of one hop.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn k1_mark_hop() {
    black_box(1_u32);
}

/// End of the renderer's part of a frame (the pattern drawn onto the strip, in float RGB).
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn k1_mark_render() {
    black_box(4_u32);
}

/// End of the colour pipeline's part of a frame (float RGB to bytes).
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn k1_mark_frame() {
    black_box(2_u32);
}

/// End of the WS2812 encoding of a frame (bytes to the dual-output SPI buffer).
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn k1_mark_encode() {
    black_box(5_u32);
}

/// End of everything else in a step (clip synthesis, checksums, the loop).
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn k1_mark_other() {
    black_box(3_u32);
}
