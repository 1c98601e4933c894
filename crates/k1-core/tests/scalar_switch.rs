//! The scalar switch (`k1_core::cpu`): detection gives this process what it expects (no AVX2
//! under `K1_FORCE_SCALAR=1`, else what `std` detects), `force_portable` turns the AVX2 paths off,
//! and the analysis gives the same bits either way. One test in a binary of its own, as forcing
//! the portable paths holds for the whole process.

use k1_core::cpu::{self, Avx2};
use k1_core::{Analyzer, Config, Snapshot};

/// Every snapshot of a fresh analyser over a few seconds of chords and clicks, as bytes.
fn analyse() -> Vec<u8> {
    let config = Config::DEFAULT;
    let rate = config.sample_rate as f32;
    let signal: Vec<f32> = (0..config.sample_rate as usize * 4)
        .map(|n| {
            let t = n as f32 / rate;
            let click = if n % 6400 < 64 { 0.8 } else { 0.0 };
            0.3 * (2.0 * std::f32::consts::PI * 220.0 * t).sin()
                + 0.2 * (2.0 * std::f32::consts::PI * 330.0 * t).sin()
                + click
        })
        .collect();
    let mut a = Box::new(Analyzer::new(config).expect("valid config"));
    let mut out = Vec::new();
    for hop in signal.chunks_exact(config.hop) {
        let s: Snapshot = *a.process_hop(hop).expect("hop length");
        out.extend_from_slice(bytemuck::bytes_of(&s));
    }
    out
}

#[test]
fn the_switch_forces_the_portable_paths_with_the_same_bits() {
    let forced = match std::env::var("K1_FORCE_SCALAR").as_deref() {
        Ok("1") => true,
        Ok("") | Ok("0") | Err(_) => false,
        Ok(other) => panic!("K1_FORCE_SCALAR={other}: set it to 1 (or unset it)"),
    };
    #[cfg(target_arch = "x86_64")]
    let expected = !forced && std::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    let expected = false;
    assert_eq!(
        Avx2::detect().is_some(),
        expected,
        "detection (K1_FORCE_SCALAR=1: {forced}) disagrees with std's"
    );
    let detected = analyse();

    cpu::force_portable();
    assert_eq!(
        Avx2::detect(),
        None,
        "forced, yet detection still says AVX2"
    );
    let portable = analyse();
    assert_eq!(detected.len(), portable.len());
    assert!(
        detected == portable,
        "the detected path ({}) and the portable one differ",
        if expected { "AVX2" } else { "portable" }
    );
}
