//! `k1 bench analyze`: how fast the whole file pipeline and the core alone run.
//!
//! Two passes: decode + resample + analyse, timed end to end (and the resampled signal kept);
//! then `process_hop` alone over that signal, repeated, the fastest pass counting. This is a
//! quick wall-clock benchmark for the command line, not a statistical one (criterion benches of
//! the core live in `k1-core/benches`).

use std::io::Write;
use std::time::{Duration, Instant};

use k1_core::MAX_HOP;

use crate::cli::BenchJob;
use crate::sources::read_hop;

/// Runs `k1 bench analyze` and prints its results.
pub fn run(job: BenchJob) -> anyhow::Result<()> {
    let config = job.config;
    let rate = f64::from(config.sample_rate);
    let hop_len = config.hop;

    // Pass 1: the whole pipeline, keeping the resampled signal for pass 2.
    let start = Instant::now();
    let mut source = super::open_source(&job.input, &config)?;
    let mut analyzer = super::new_analyzer(config)?;
    let mut signal: Vec<f32> = Vec::new();
    let mut buf = [0.0f32; MAX_HOP];
    let hop = buf.get_mut(..hop_len).unwrap_or(&mut []);
    let mut hops = 0u64;
    while read_hop(&mut *source, hop)?.is_some() {
        analyzer.process_hop(hop)?;
        signal.extend_from_slice(hop);
        hops += 1;
    }
    let pipeline = start.elapsed();
    let stats = source.stats();
    let info = source.info().clone();
    let duration = stats.duration(info.input_rate);

    // Pass 2: the core alone, best of `repeat`.
    let mut best = Duration::MAX;
    for _ in 0..job.repeat {
        let mut analyzer = super::new_analyzer(config)?;
        let start = Instant::now();
        for chunk in signal.chunks_exact(hop_len) {
            std::hint::black_box(analyzer.process_hop(std::hint::black_box(chunk))?);
        }
        best = best.min(start.elapsed());
    }
    let ns_per_hop = if hops == 0 {
        0.0
    } else {
        best.as_nanos() as f64 / hops as f64
    };
    let hop_ns = 1e9 * hop_len as f64 / rate;

    let mut out = std::io::stdout().lock();
    writeln!(out, "bench analyze: {}", info.name)?;
    writeln!(
        out,
        "  audio:    {:.3} s, {} Hz, {} ch -> {} Hz, hop {}",
        duration, info.input_rate, info.channels, config.sample_rate, hop_len
    )?;
    writeln!(
        out,
        "  pipeline: {:.3} s for decode + resample + analyse = {:.1}x real time",
        pipeline.as_secs_f64(),
        ratio(duration, pipeline)
    )?;
    writeln!(
        out,
        "  core:     {:.0} ns per hop ({:.1}x real time, best of {}), {} hops",
        ns_per_hop,
        if ns_per_hop > 0.0 {
            hop_ns / ns_per_hop
        } else {
            0.0
        },
        job.repeat,
        hops
    )?;
    Ok(())
}

fn ratio(audio_seconds: f64, took: Duration) -> f64 {
    let secs = took.as_secs_f64();
    if secs > 0.0 {
        audio_seconds / secs
    } else {
        0.0
    }
}
