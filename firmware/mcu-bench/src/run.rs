//! The measured run: the clip through [`Analyzer`], each snapshot into a [`Renderer`] of
//! [`LEDS`] LEDs and the colour [`Pipeline`], one frame per hop (200 of each a second, the
//! device's rates), with a checksum over every snapshot's and every frame's bytes.

use core::fmt;

use k1_core::color::{Pipeline, PipelineConfig, Rgb8};
use k1_core::hash::Fnv1a;
use k1_core::params::Params;
use k1_core::render::{Layout, PatternId, Renderer, Rgb};
use k1_core::{Analyzer, Config, MAX_HOP};
use k1_fw_logic::ws2812::{EncodeError, encode_dual, frame_bytes};

use crate::clip::Clip;
use crate::marks::{k1_mark_encode, k1_mark_frame, k1_mark_hop, k1_mark_other, k1_mark_render};

/// LEDs per frame: the reference device's two strips of 160.
pub const LEDS: usize = 320;
/// Hops (and frames) in the run: ten seconds at 200 hops a second.
pub const HOPS: u32 = 2000;
/// The pattern rendered.
pub const PATTERN: PatternId = PatternId::Spectrum;

/// What a run produced.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// The analysis configuration.
    pub config: Config,
    /// Checksum over the bytes of every snapshot.
    pub snapshots: u64,
    /// Checksum over the bytes of every frame (after the colour pipeline).
    pub frames: u64,
    /// Checksum over every frame's WS2812 wire buffer (both strips, dual-output SPI).
    pub wire: u64,
    /// Hops where a beat fell.
    pub beats: u32,
    /// Hops where an onset fell.
    pub onsets: u32,
    /// The tempo estimate at the end, in BPM.
    pub bpm: f32,
}

/// Why a run could not start or continue.
#[derive(Clone, Copy, Debug)]
pub enum RunError {
    /// The analyser rejected the configuration.
    Config(k1_core::ConfigError),
    /// The analyser rejected a hop.
    Hop(k1_core::HopError),
    /// The layout does not fit.
    Layout(k1_core::render::LayoutError),
    /// The WS2812 buffer is too small.
    Encode(EncodeError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Config(e) => write!(f, "analyser config: {e}"),
            RunError::Hop(e) => write!(f, "hop: {e}"),
            RunError::Layout(e) => write!(f, "layout: {e:?}"),
            RunError::Encode(e) => write!(f, "ws2812: {e}"),
        }
    }
}

/// Runs the whole clip and returns its checksums. Everything lives on the stack (about
/// 150 KB): the harness has no allocator.
pub fn run() -> Result<Summary, RunError> {
    let config = Config::DEFAULT;
    let mut analyzer = Analyzer::new(config).map_err(RunError::Config)?;
    let layout = Layout::centre_out(LEDS / 2).map_err(RunError::Layout)?;
    let mut renderer = Renderer::<LEDS>::new(layout, PATTERN);
    let mut pipeline = Pipeline::<LEDS>::new(PipelineConfig::DEVICE);
    let params = Params::DEFAULT;
    let dt = config.hop as f32 / config.sample_rate as f32;

    let mut clip = Clip::new(config.sample_rate);
    let mut hop = [0.0f32; MAX_HOP];
    let hop = &mut hop[..config.hop];
    let mut frame = [Rgb::BLACK; LEDS];
    let mut bytes = [Rgb8::BLACK; LEDS];
    let mut out = [0u8; frame_bytes(LEDS / 2)];
    let mut snapshots = Fnv1a::new();
    let mut frames = Fnv1a::new();
    let mut wire = Fnv1a::new();
    let (mut beats, mut onsets, mut bpm) = (0, 0, 0.0);

    k1_mark_other();
    for _ in 0..HOPS {
        clip.fill(hop);
        k1_mark_other();
        let snapshot = *analyzer.process_hop(hop).map_err(RunError::Hop)?;
        k1_mark_hop();
        renderer.render(&snapshot, &params, dt, &mut frame);
        k1_mark_render();
        pipeline.process(&frame, &params, dt, &mut bytes);
        k1_mark_frame();
        let (a, b) = bytes.split_at(LEDS / 2);
        let n = encode_dual(a, b, &mut out).map_err(RunError::Encode)?;
        k1_mark_encode();
        snapshots.update(bytemuck::bytes_of(&snapshot));
        frames.update(bytemuck::cast_slice(&bytes));
        wire.update(&out[..n]);
        beats += snapshot.beat as u32;
        onsets += snapshot.onset as u32;
        bpm = snapshot.bpm;
    }
    k1_mark_other();
    Ok(Summary {
        config,
        snapshots: snapshots.value(),
        frames: frames.value(),
        wire: wire.value(),
        beats,
        onsets,
        bpm,
    })
}

impl fmt::Display for Summary {
    /// The report both builds print; the `checksum` lines are the ones compared.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "k1-mcu-bench: {HOPS} hops of {} samples at {} Hz, {HOPS} frames of {LEDS} LEDs ({})",
            self.config.hop,
            self.config.sample_rate,
            PATTERN.info().id
        )?;
        writeln!(f, "checksum snapshots fnv1a64 {:016x}", self.snapshots)?;
        writeln!(f, "checksum frames fnv1a64 {:016x}", self.frames)?;
        writeln!(f, "checksum wire fnv1a64 {:016x}", self.wire)?;
        writeln!(
            f,
            "analysis: {} beats, {} onsets, tempo {:.2} BPM (f32 bits {:08x})",
            self.beats,
            self.onsets,
            self.bpm,
            self.bpm.to_bits()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysis hears the clip: a tempo near its 120 BPM and beats once it locks on (at most one per half second).
    #[test]
    fn run_hears_the_clip() {
        let s = run().expect("run");
        assert!((s.bpm - crate::clip::BPM).abs() < 3.0, "{s}");
        assert!((5..=21).contains(&s.beats), "{s}");
        assert!(s.onsets >= 10, "{s}");
    }
}
