//! Runs N hops of synthetic music through the analyser and prints a checksum of the snapshots.
//!
//! Made for instruction counting: `scripts/instructions-per-hop.sh` runs it under callgrind for N
//! and 2N hops and divides the difference by N, which cancels the setup (rendering the music,
//! building the analyser). The music is 20 s of `k1_synth` rock at 120 BPM, looped when N needs
//! more. The checksum folds a few fields of every snapshot (a few dozen instructions per hop, so
//! it barely shows in the count) and all of the last one; it keeps the work from being optimised
//! away, and equal checksums mean equal analysis.
//!
//! Usage: `cargo run -p k1-core --release --example hops -- [N] [RATE]`
//! with N hops (default 20000) and RATE 12800 (default, hop 64) or 16000 (hop 128).

use std::error::Error;
use std::hint::black_box;

use k1_core::hash::Fnv1a;
use k1_core::{Analyzer, Config, Snapshot};

/// Seconds of music rendered; longer runs loop over it.
const CLIP_SECONDS: usize = 20;

/// Folds one 64-bit word into an FNV-1a style hash (a word at a time, not byte by byte as
/// [`Fnv1a`] does: cheaper per hop, and it keeps the work).
fn mix(hash: u64, word: u64) -> u64 {
    (hash ^ word).wrapping_mul(Fnv1a::PRIME)
}

/// Cheap per-hop fold: the scalars, the flags and one spectrum and tempo bin that move each hop.
fn fold_hop(hash: u64, s: &Snapshot) -> u64 {
    let i = s.hop as usize;
    let flags = u64::from(s.onset) | u64::from(s.beat) << 1 | u64::from(s.silent) << 2;
    let mut h = mix(hash, s.hop);
    h = mix(
        h,
        u64::from(s.vu.to_bits()) << 32 | u64::from(s.novelty.to_bits()),
    );
    h = mix(
        h,
        u64::from(s.bpm.to_bits()) << 32 | u64::from(s.beat_phase.to_bits()),
    );
    h = mix(
        h,
        u64::from(s.confidence.to_bits()) << 32 | u64::from(s.rms_dbfs.to_bits()),
    );
    h = mix(
        h,
        u64::from(s.spectrum[i % s.spectrum.len()].to_bits()) << 32 | flags,
    );
    mix(
        h,
        u64::from(s.tempo_magnitude[i % s.tempo_magnitude.len()].to_bits()),
    )
}

/// Full fold of every field, used once on the last snapshot.
fn fold_all(mut h: u64, s: &Snapshot) -> u64 {
    let floats = s.spectrum.iter().chain(&s.spectrum_smooth).chain(&s.chroma);
    let floats = floats.chain(&s.tempo_magnitude).chain(&s.tempo_phase);
    for x in floats {
        h = mix(h, u64::from(x.to_bits()));
    }
    h = mix(h, s.sample_index);
    h = mix(h, s.bad_samples);
    fold_hop(h, s)
}

fn run() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = match args.next() {
        Some(a) => a
            .parse()
            .map_err(|e| format!("N must be a whole number, not {a:?}: {e}"))?,
        None => 20_000,
    };
    let config = match args.next().as_deref() {
        None | Some("12800") => Config::DEFAULT,
        Some("16000") => Config::RATE_16K,
        Some(other) => return Err(format!("RATE must be 12800 or 16000, not {other:?}").into()),
    };

    let song = k1_synth::Song::new(120.0, k1_synth::Style::Rock);
    let clip = k1_synth::render(&song, config.sample_rate);
    let len = clip
        .samples
        .len()
        .min(CLIP_SECONDS * config.sample_rate as usize);
    let hops: Vec<&[f32]> = clip.samples[..len].chunks_exact(config.hop).collect();
    if hops.is_empty() {
        return Err("k1_synth rendered less than one hop".into());
    }

    let mut analyzer = Box::new(Analyzer::new(config)?);
    let mut hash = Fnv1a::OFFSET_BASIS;
    for hop in hops.iter().cycle().take(usize::try_from(n)?) {
        let snapshot = analyzer.process_hop(black_box(hop))?;
        hash = fold_hop(hash, snapshot);
    }
    let last = analyzer.snapshot();
    hash = fold_all(hash, last);

    println!(
        "hops {n} rate {} hop {} clip_hops {} checksum {hash:016x} bpm {:.2} confidence {:.3}",
        config.sample_rate,
        config.hop,
        hops.len(),
        last.bpm,
        last.confidence
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("hops: {e}");
        std::process::exit(2);
    }
}
