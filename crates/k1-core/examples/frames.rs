//! Renders N frames of one pattern through the renderer and the colour pipeline (320 LEDs) and
//! prints a checksum of the bytes.
//!
//! Made for instruction counting: `scripts/instructions-per-frame.sh` runs it under callgrind for
//! N and 2N frames and divides the difference by N, which cancels the setup (rendering and
//! analysing 10 s of `k1_synth` rock, building the renderer). Snapshots are fed at 100 frames a
//! second, looping.
//!
//! Usage: `cargo run -p k1-core --release --example frames -- [N] [PATTERN]`
//! with N frames (default 10000) and a pattern id (default `beat_tunnel`).

use std::error::Error;

use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::hash::Fnv1a;
use k1_core::params::Params;
use k1_core::render::{Layout, PatternId, Renderer, Rgb};
use k1_core::{Analyzer, Config, Snapshot};

const LEDS: usize = 320;
const FPS: usize = 100;

fn snapshots() -> Result<Vec<Snapshot>, Box<dyn Error>> {
    let config = Config::DEFAULT;
    let song = k1_synth::Song {
        seconds: 10.0,
        ..k1_synth::Song::new(120.0, k1_synth::Style::Rock)
    };
    let clip = k1_synth::render(&song, config.sample_rate);
    let mut a = Box::new(Analyzer::new(config)?);
    let per_frame = config.sample_rate as usize / config.hop / FPS;
    let mut out = Vec::new();
    for (i, hop) in clip.samples.chunks_exact(config.hop).enumerate() {
        let s = *a.process_hop(hop)?;
        if (i + 1) % per_frame == 0 {
            out.push(s);
        }
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 10_000,
    };
    let name = args.next().unwrap_or_else(|| "beat_tunnel".into());
    let id = PatternId::find(&name).ok_or_else(|| format!("no pattern called '{name}'"))?;
    let snaps = snapshots()?;
    let mut renderer = Box::new(Renderer::<LEDS>::new(Layout::DEFAULT, id));
    let mut pipeline = Box::new(Pipeline::<LEDS>::new(PipelineConfig::DEFAULT));
    let mut frame = [Rgb::BLACK; LEDS];
    let mut bytes = [Rgb8::BLACK; LEDS];
    let params = Params::DEFAULT;
    let dt = 1.0 / FPS as f32;
    let mut hash: u64 = Fnv1a::OFFSET_BASIS;
    for i in 0..n {
        let s = &snaps[i % snaps.len()];
        renderer.render(s, &params, dt, &mut frame);
        pipeline.process(&frame, &params, dt, &mut bytes);
        // One LED per frame folds into the checksum, FNV-style as one word (cheaper than
        // `Fnv1a::update` over its bytes, and it keeps the work).
        let b = bytes[i % LEDS];
        hash = (hash ^ u64::from(b.r) << 16 ^ u64::from(b.g) << 8 ^ u64::from(b.b))
            .wrapping_mul(Fnv1a::PRIME);
    }
    println!("{n} frames of {name}: checksum {hash:016x}");
    Ok(())
}
