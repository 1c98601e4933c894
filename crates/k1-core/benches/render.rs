//! Rendering speed: one frame of every pattern plus the full colour pipeline for 320 LEDs.
//!
//! Snapshots come from 10 s of synthetic rock at 120 BPM through the real analyser (once, before
//! timing), fed in order at 100 frames a second and looping, so each pattern's state evolves as
//! in a show. A criterion group times `Renderer::render` + `Pipeline::process` per pattern, and
//! the pipeline alone. After the report a summary prints each pattern's mean cost per frame over
//! whole passes and names the worst; the design target is 50 µs per frame on one host core.
//!
//! Run: `cargo bench -p k1-core --bench render`. Instruction counts per frame, which do not
//! depend on the machine's load, come from `scripts/instructions-per-frame.sh`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::params::Params;
use k1_core::render::{Layout, PATTERNS, PatternId, Renderer, Rgb};
use k1_core::{Analyzer, Config, Snapshot};

const LEDS: usize = 320;
const FPS: usize = 100;
const DT: f32 = 1.0 / FPS as f32;
const SUMMARY_TIME: Duration = Duration::from_millis(700);

fn snapshots() -> Vec<Snapshot> {
    let config = Config::DEFAULT;
    let song = k1_synth::Song {
        seconds: 10.0,
        ..k1_synth::Song::new(120.0, k1_synth::Style::Rock)
    };
    let clip = k1_synth::render(&song, config.sample_rate);
    let mut a = Box::new(Analyzer::new(config).expect("valid config"));
    let per_frame = config.sample_rate as usize / config.hop / FPS;
    let mut out = Vec::new();
    for (i, hop) in clip.samples.chunks_exact(config.hop).enumerate() {
        let s = *a.process_hop(hop).expect("hop length");
        if (i + 1) % per_frame == 0 {
            out.push(s);
        }
    }
    out
}

/// A renderer, a pipeline and their buffers for one pattern.
struct Rig {
    renderer: Box<Renderer<LEDS>>,
    pipeline: Box<Pipeline<LEDS>>,
    frame: [Rgb; LEDS],
    bytes: [Rgb8; LEDS],
    params: Params,
    next: usize,
}

impl Rig {
    fn new(id: PatternId) -> Rig {
        Rig {
            renderer: Box::new(Renderer::new(Layout::DEFAULT, id)),
            pipeline: Box::new(Pipeline::new(PipelineConfig::DEFAULT)),
            frame: [Rgb::BLACK; LEDS],
            bytes: [Rgb8::BLACK; LEDS],
            params: Params::DEFAULT,
            next: 0,
        }
    }

    fn step(&mut self, snaps: &[Snapshot]) -> u8 {
        let s = &snaps[self.next % snaps.len()];
        self.next += 1;
        self.renderer.render(s, &self.params, DT, &mut self.frame);
        self.pipeline
            .process(&self.frame, &self.params, DT, &mut self.bytes);
        self.bytes[self.next % LEDS].g
    }
}

fn bench(c: &mut Criterion, snaps: &[Snapshot]) {
    let mut group = c.benchmark_group("frame_320_leds");
    for id in PatternId::ALL {
        let mut rig = Rig::new(id);
        group.bench_function(PATTERNS[id.index()].id, |b| {
            b.iter(|| black_box(rig.step(snaps)))
        });
    }
    let mut pipeline = Box::new(Pipeline::<LEDS>::new(PipelineConfig::DEFAULT));
    let frame: Vec<Rgb> = (0..LEDS)
        .map(|i| Rgb::from_hue(i as f32 / LEDS as f32, 0.7))
        .collect();
    let mut bytes = [Rgb8::BLACK; LEDS];
    group.bench_function("pipeline_only", |b| {
        b.iter(|| {
            pipeline.process(black_box(&frame), &Params::DEFAULT, DT, &mut bytes);
            black_box(bytes[7])
        })
    });
    group.finish();
}

/// Mean µs per frame over whole passes through the snapshots.
fn mean_us(id: PatternId, snaps: &[Snapshot]) -> f64 {
    let mut rig = Rig::new(id);
    let start = Instant::now();
    let mut frames = 0usize;
    let mut sink = 0u8;
    while start.elapsed() < SUMMARY_TIME || frames < snaps.len() {
        for _ in 0..snaps.len() {
            sink ^= rig.step(snaps);
        }
        frames += snaps.len();
    }
    black_box(sink);
    start.elapsed().as_secs_f64() * 1e6 / frames as f64
}

fn main() {
    let snaps = snapshots();
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &snaps);
    c.final_summary();
    // Criterion's --test/--list/--profile modes pass these; skip the summary then.
    let args: Vec<String> = std::env::args().collect();
    if args
        .iter()
        .any(|a| a == "--test" || a == "--list" || a == "--profile-time")
    {
        return;
    }
    println!("\nrender + colour pipeline, {LEDS} LEDs, mean per frame over whole passes:");
    let mut worst = (PatternId::Spectrum, 0.0);
    for id in PatternId::ALL {
        let us = mean_us(id, &snaps);
        println!("  {:<12} {us:7.2} µs", PATTERNS[id.index()].id);
        if us > worst.1 {
            worst = (id, us);
        }
    }
    println!(
        "worst: {} at {:.2} µs per frame ({:.0} frames/s on one core; target < 50 µs)",
        PATTERNS[worst.0.index()].id,
        worst.1,
        1e6 / worst.1
    );
}
