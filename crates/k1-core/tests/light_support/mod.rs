//! Helpers shared by the light tests: music and silence through the real analyser, snapshots made
//! by hand, and a harness that runs one pattern (or the whole renderer and pipeline) over them.
#![allow(dead_code)]

use std::sync::OnceLock;

use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::palettes::{PALETTES, PaletteLut};
use k1_core::params::Params;
use k1_core::render::{AnyPattern, Colors, Context, Layout, Pattern, PatternId, Renderer, Rgb};
use k1_core::{Analyzer, Config, Snapshot};
use k1_synth::{Song, Style};

/// Frames per second the tests render at.
pub const FPS: usize = 100;
/// Seconds per frame.
pub const DT: f32 = 1.0 / FPS as f32;
/// Largest LED count the tests use.
pub const N: usize = 4096;

/// Snapshots at `FPS` (one every `200 / FPS` hops) of `samples` at 12,800 Hz.
pub fn analyse(samples: &[f32]) -> Vec<Snapshot> {
    let config = Config::DEFAULT;
    let mut a = Box::new(Analyzer::new(config).expect("valid config"));
    let hops_per_frame = config.sample_rate as usize / config.hop / FPS;
    let mut out = Vec::new();
    for (i, hop) in samples.chunks_exact(config.hop).enumerate() {
        let s = *a.process_hop(hop).expect("hop length");
        if (i + 1) % hops_per_frame == 0 {
            out.push(s);
        }
    }
    out
}

/// `silence` seconds of zeros, then `music` seconds of 120 BPM rock, as snapshots at `FPS`.
/// Index `silence * FPS` is the first music frame.
pub fn silence_then_music(silence: f32, music: f32) -> Vec<Snapshot> {
    let rate = Config::DEFAULT.sample_rate;
    let mut samples = vec![0.0f32; (silence * rate as f32) as usize];
    let song = Song {
        seconds: music,
        ..Song::new(120.0, Style::Rock)
    };
    samples.extend(k1_synth::render(&song, rate).samples);
    analyse(&samples)
}

/// 3 s of silence then 9 s of music, analysed once per test binary.
pub fn standard() -> &'static [Snapshot] {
    static SNAPSHOTS: OnceLock<Vec<Snapshot>> = OnceLock::new();
    SNAPSHOTS.get_or_init(|| silence_then_music(3.0, 9.0))
}

/// The frame index where the music of [`standard`] starts.
pub const MUSIC_STARTS: usize = 3 * FPS;

/// A snapshot with sound (not silent), otherwise empty.
pub fn loud() -> Snapshot {
    Snapshot {
        silent: false,
        ..Snapshot::EMPTY
    }
}

/// One pattern, run alone over snapshots: what it draws, before the renderer's background,
/// crossfades and mirroring.
pub struct Solo {
    pattern: AnyPattern<N>,
    /// The parameters it sees.
    pub params: Params,
    lut: PaletteLut,
    /// The line length.
    pub len: usize,
}

impl Solo {
    /// `id` drawing a line of `len`, default parameters.
    pub fn new(id: PatternId, len: usize) -> Box<Solo> {
        Self::with(id, len, Params::DEFAULT)
    }

    /// `id` drawing a line of `len` with `params`.
    pub fn with(id: PatternId, len: usize, params: Params) -> Box<Solo> {
        let lut = PaletteLut::new(&PALETTES[params.palette_index().unwrap_or(0)]);
        Box::new(Solo {
            pattern: AnyPattern::new(id),
            params,
            lut,
            len,
        })
    }

    /// One frame.
    pub fn frame(&mut self, s: &Snapshot) -> Vec<Rgb> {
        let params = self.params.sanitized();
        let colors = Colors::new(&params, Some(&self.lut), 0.0);
        let ctx = Context {
            snapshot: s,
            params: &params,
            colors: &colors,
            dt: DT,
        };
        let mut line = vec![Rgb::BLACK; self.len];
        self.pattern.render(&ctx, &mut line);
        line
    }

    /// One frame per snapshot.
    pub fn run(&mut self, snapshots: &[Snapshot]) -> Vec<Vec<Rgb>> {
        snapshots.iter().map(|s| self.frame(s)).collect()
    }
}

/// The brightest channel.
pub fn level(c: Rgb) -> f32 {
    c.r.max(c.g).max(c.b)
}

/// Sum of the brightest channel over a line.
pub fn energy(line: &[Rgb]) -> f32 {
    line.iter().map(|&c| level(c)).sum()
}

/// Mean of [`energy`] over frames.
pub fn mean_energy(frames: &[Vec<Rgb>]) -> f32 {
    frames.iter().map(|f| energy(f)).sum::<f32>() / frames.len().max(1) as f32
}

/// Index of the brightest entry.
pub fn peak(line: &[Rgb]) -> usize {
    let mut best = 0;
    for (i, &c) in line.iter().enumerate() {
        if level(c) > level(line[best]) {
            best = i;
        }
    }
    best
}

/// Brightness-weighted mean position (0 for a dark line).
pub fn centroid(line: &[Rgb]) -> f32 {
    let total = energy(line);
    if total <= 0.0 {
        return 0.0;
    }
    line.iter()
        .enumerate()
        .map(|(i, &c)| i as f32 * level(c))
        .sum::<f32>()
        / total
}

/// The renderer and the pipeline together: snapshots to bytes, as the engine runs them.
pub struct Engine {
    /// The renderer.
    pub renderer: Box<Renderer<N>>,
    pipeline: Box<Pipeline<N>>,
    /// The parameters.
    pub params: Params,
    leds: usize,
}

impl Engine {
    /// `id` on `leds` LEDs (two strips from the centre when even, one strip when odd).
    pub fn new(id: PatternId, leds: usize, params: Params) -> Engine {
        Engine::with_config(id, leds, params, PipelineConfig::DEFAULT)
    }

    /// [`Engine::new`] with the colour pipeline's installation settings `config`.
    pub fn with_config(
        id: PatternId,
        leds: usize,
        params: Params,
        config: PipelineConfig,
    ) -> Engine {
        let layout = if leds.is_multiple_of(2) {
            Layout::centre_out(leds / 2).expect("valid layout")
        } else {
            Layout::single(leds).expect("valid layout")
        };
        Engine {
            renderer: Box::new(Renderer::new(layout, id)),
            pipeline: Box::new(Pipeline::new(config)),
            params,
            leds,
        }
    }

    /// The float frame for one snapshot.
    pub fn float_frame(&mut self, s: &Snapshot) -> Vec<Rgb> {
        let mut frame = vec![Rgb::BLACK; self.leds];
        self.renderer.render(s, &self.params, DT, &mut frame);
        frame
    }

    /// The power limiter's gain on the last frame.
    pub fn power_gain(&self) -> f32 {
        self.pipeline.power_gain()
    }

    /// The bytes for one snapshot.
    pub fn frame(&mut self, s: &Snapshot) -> Vec<Rgb8> {
        let frame = self.float_frame(s);
        let mut out = vec![Rgb8::BLACK; self.leds];
        self.pipeline.process(&frame, &self.params, DT, &mut out);
        out
    }
}
