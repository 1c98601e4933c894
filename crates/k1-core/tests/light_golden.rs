//! Golden frame hashes: every pattern, through the renderer and the colour pipeline, over a fixed
//! synthetic input (1 s of silence then 5 s of 120 BPM rock, analysed; 320 LEDs at 100 FPS,
//! default parameters). An unintended change to any pattern, the palettes, the parameters'
//! defaults or the pipeline changes a hash.
//!
//! When a change is intended, the failure message prints the new table to paste below.

mod light_support;

use k1_core::hash::Fnv1a;
use k1_core::params::Params;
use k1_core::render::{PATTERNS, PatternId};
use light_support::*;

/// (pattern id, hash of every byte of every frame).
const GOLDEN: [(&str, u64); 17] = [
    ("departure", 0x8c9c0b944e9e9544),
    ("lava", 0xef4a429152af562a),
    ("twilight", 0x6c4efe3cb8f420d3),
    ("spectrum", 0x5d033cdd79e317f1),
    ("octave", 0xb1007a095f719941),
    ("bloom", 0xab4b2b6b3ac77333),
    ("pulse", 0xb09e3fe2f46deeb3),
    ("tempiscope", 0x015cffe923452b5c),
    ("beat_tunnel", 0x4661e0549ef403c5),
    ("perlin", 0x3e52958d1475b6d1),
    ("void_trail", 0x2e0830e5cf4f864a),
    ("analog", 0x2c0ffef05ea2b9b6),
    ("metronome", 0x919431ba978069d8),
    ("hype", 0xa9162b31b2af4c21),
    ("spectronome", 0xa9a4289fa4f49be6),
    ("neutral", 0xed4c541869ca88c6),
    ("self_test", 0x151a72878662e50c),
];

#[test]
fn frame_hashes_match_the_golden_table() {
    let snaps = silence_then_music(1.0, 5.0);
    let mut actual = Vec::new();
    for id in PatternId::ALL {
        let mut engine = Engine::new(id, 320, Params::DEFAULT);
        let mut h = Fnv1a::new();
        for s in &snaps {
            h.update(bytemuck::cast_slice(&engine.frame(s)));
        }
        actual.push((PATTERNS[id.index()].id, h.value()));
    }
    let table: String = actual
        .iter()
        .map(|(id, h)| format!("    (\"{id}\", {h:#018x}),\n"))
        .collect();
    assert!(
        actual
            .iter()
            .zip(GOLDEN.iter())
            .all(|(a, g)| a.0 == g.0 && a.1 == g.1),
        "frame hashes changed; if intended, the new table is:\n{table}"
    );
    // Different patterns look different.
    let mut hashes: Vec<u64> = actual.iter().map(|a| a.1).collect();
    hashes.sort_unstable();
    hashes.dedup();
    assert_eq!(hashes.len(), 17);
}
