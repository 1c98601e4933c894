//! [`FrameClock`]: the renderer and the colour pipeline on a virtual clock, as `k1 render` and
//! the light report run them.
//!
//! The analyser runs hop by hop; between hops, every frame whose time `k / fps` has come is
//! rendered from the newest snapshot before that time, with `dt = 1/fps`. Nothing reads a clock,
//! so the same snapshots give the same frames and the same bytes.

use k1_core::Snapshot;
use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::params::Params;
use k1_core::render::{Layout, MAX_LEDS, PatternId, Renderer, Rgb};

/// One pattern through the renderer and the pipeline, frame by frame on a virtual clock.
pub struct FrameClock {
    renderer: Box<Renderer<MAX_LEDS>>,
    pipeline: Box<Pipeline<MAX_LEDS>>,
    params: Params,
    fps: f64,
    frame: Vec<Rgb>,
    bytes: Vec<Rgb8>,
    /// Frames rendered so far; frame k is at time k / fps.
    frames: u64,
    /// The newest snapshot so far (the silent empty one before the first hop).
    latest: Box<Snapshot>,
}

impl FrameClock {
    /// `pattern` on `layout` with `params`, at `fps` frames a second of the virtual clock.
    pub fn new(layout: Layout, pattern: PatternId, params: Params, fps: f64) -> FrameClock {
        let leds = layout.leds();
        FrameClock {
            renderer: Box::new(Renderer::new(layout, pattern)),
            pipeline: Box::new(Pipeline::new(PipelineConfig::DEFAULT)),
            params,
            fps,
            frame: vec![Rgb::BLACK; leds],
            bytes: vec![Rgb8::BLACK; leds],
            frames: 0,
            latest: Box::new(Snapshot::EMPTY),
        }
    }

    /// Renders every frame due before `time` (seconds) from the newest snapshot, handing each
    /// frame's time and bytes to `each`.
    pub fn catch_up(&mut self, time: f64, mut each: impl FnMut(f64, &[Rgb8])) {
        let dt = (1.0 / self.fps) as f32;
        while (self.frames as f64) / self.fps < time {
            let t = self.frames as f64 / self.fps;
            self.renderer
                .render(&self.latest, &self.params, dt, &mut self.frame);
            self.pipeline
                .process(&self.frame, &self.params, dt, &mut self.bytes);
            each(t, &self.bytes);
            self.frames += 1;
        }
    }

    /// The newest snapshot: frames from now on see it.
    pub fn set_latest(&mut self, snapshot: &Snapshot) {
        *self.latest = *snapshot;
    }

    /// Frames rendered so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Frames per second of the virtual clock.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// LEDs in a frame.
    pub fn leds(&self) -> usize {
        self.bytes.len()
    }
}
