//! Analysis speed: the cost of one [`Analyzer::process_hop`] on synthetic rock music.
//!
//! Each supported engine setup (12,800 Hz with a 64-sample hop, 16,000 Hz with a 128-sample hop)
//! gets a criterion group that times single hops, fed in order from 20 s of `k1_synth` music and
//! looping at the end, so the analyser's state evolves as it does on a live stream.
//!
//! After criterion's report, a plain summary line per setup gives the mean cost of a hop over
//! whole passes through the clip, and how many times faster than real time that is on one core
//! (hop duration / hop cost). The summary is skipped in criterion's test, list and profile modes.
//!
//! Run: `cargo bench -p k1-core --bench analysis`. Instruction counts, which unlike times do not
//! depend on what else the machine is doing, come from `scripts/instructions-per-hop.sh`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use k1_core::{Analyzer, Config};

/// Seconds of music each setup is fed.
const CLIP_SECONDS: usize = 20;
/// Wall time the summary spends timing each setup.
const SUMMARY_TIME: Duration = Duration::from_secs(2);

/// One engine setup under test.
struct Setup {
    name: &'static str,
    config: Config,
}

const SETUPS: [Setup; 2] = [
    Setup {
        name: "12k8_hop64",
        config: Config::DEFAULT,
    },
    Setup {
        name: "16k_hop128",
        config: Config::RATE_16K,
    },
];

/// 20 s of synthetic rock at 120 BPM, rendered at the setup's rate, as whole hops.
fn music(config: &Config) -> Vec<f32> {
    let song = k1_synth::Song::new(120.0, k1_synth::Style::Rock);
    let clip = k1_synth::render(&song, config.sample_rate);
    let mut samples = clip.samples;
    let len = samples
        .len()
        .min(CLIP_SECONDS * config.sample_rate as usize);
    samples.truncate(len - len % config.hop);
    assert!(!samples.is_empty(), "k1_synth rendered no whole hop");
    samples
}

/// A fresh analyser on the heap (it is large).
fn analyzer(config: Config) -> Box<Analyzer> {
    Box::new(Analyzer::new(config).expect("a built-in config is valid"))
}

/// Feeds one hop and returns a value derived from the snapshot, so the work cannot be dropped.
#[inline(always)]
fn feed(analyzer: &mut Analyzer, hop: &[f32]) -> f32 {
    let snapshot = analyzer
        .process_hop(black_box(hop))
        .expect("hops have the configured length");
    snapshot.vu + snapshot.novelty + snapshot.beat_phase
}

fn bench_hops(c: &mut Criterion) {
    for setup in &SETUPS {
        let samples = music(&setup.config);
        let hops: Vec<&[f32]> = samples.chunks_exact(setup.config.hop).collect();
        let mut analyzer = analyzer(setup.config);
        let mut next = 0;

        let mut group = c.benchmark_group(format!("analysis/{}", setup.name));
        group.throughput(Throughput::Elements(1));
        group.bench_function("process_hop", |b| {
            b.iter(|| {
                let hop = hops[next];
                next = if next + 1 == hops.len() { 0 } else { next + 1 };
                feed(&mut analyzer, hop)
            })
        });
        group.finish();
    }
}

/// Mean nanoseconds per hop over whole passes through the clip, after one warm-up pass.
fn ns_per_hop(config: Config) -> f64 {
    let samples = music(&config);
    let mut analyzer = analyzer(config);
    let pass = |analyzer: &mut Analyzer| {
        let mut sink = 0.0;
        for hop in samples.chunks_exact(config.hop) {
            sink += feed(analyzer, hop);
        }
        black_box(sink);
    };
    pass(&mut analyzer);

    let hops_per_pass = samples.len() / config.hop;
    let start = Instant::now();
    let mut hops = 0;
    while hops == 0 || start.elapsed() < SUMMARY_TIME {
        pass(&mut analyzer);
        hops += hops_per_pass;
    }
    start.elapsed().as_nanos() as f64 / hops as f64
}

fn summary() {
    println!();
    println!("summary (mean over whole passes of {CLIP_SECONDS} s of k1_synth rock, one core):");
    for setup in &SETUPS {
        let config = setup.config;
        let ns = ns_per_hop(config);
        let hop_ns = 1e9 * config.hop as f64 / f64::from(config.sample_rate);
        println!(
            "analysis {} ({} Hz, hop {}): {:.1} ns per hop, {:.1} x real time on one core",
            setup.name,
            config.sample_rate,
            config.hop,
            ns,
            hop_ns / ns
        );
    }
}

/// Whether criterion will really measure (not `cargo test`'s single run, `--list` or `--profile-time`).
fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    has("--bench") && !has("--test") && !has("--list") && !has("--profile-time")
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_hops(&mut criterion);
    criterion.final_summary();
    if measuring() {
        summary();
    }
}
