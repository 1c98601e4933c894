//! Signal generators and helpers shared by the analysis tests. Everything is generated in the
//! test, deterministically.
#![allow(dead_code)]

use k1_core::{Analyzer, Config, Snapshot};

/// A sine at `freq` Hz.
pub fn sine(freq: f32, amp: f32, rate: u32, len: usize) -> Vec<f32> {
    (0..len)
        .map(|n| {
            amp * (2.0 * std::f64::consts::PI * freq as f64 * n as f64 / rate as f64).sin() as f32
        })
        .collect()
}

/// Seeded white noise, uniform, with the given RMS.
pub fn white_noise(rms: f32, seed: u64, len: usize) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let scale = rms * 3f32.sqrt();
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

/// Runs `signal` through a fresh analyser, returning every snapshot.
pub fn analyse(config: Config, signal: &[f32]) -> Vec<Snapshot> {
    let mut a = Box::new(Analyzer::new(config).expect("valid config"));
    let hop = config.hop;
    let mut out = Vec::with_capacity(signal.len() / hop);
    for chunk in signal.chunks_exact(hop) {
        out.push(*a.process_hop(chunk).expect("hop length"));
    }
    out
}

/// Converts an amplitude ratio to dB.
pub fn db(ratio: f32) -> f32 {
    20.0 * ratio.max(1e-12).log10()
}
