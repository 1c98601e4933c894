//! The [`Pattern`] trait, what a pattern is given each frame ([`Context`]), and what it tells
//! the world about itself ([`PatternInfo`]).

use super::Rgb;
use super::colors::Colors;
use crate::Snapshot;
use crate::params::{CustomParam, Params};

/// Everything a pattern may read for one frame.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The newest analysis.
    pub snapshot: &'a Snapshot,
    /// The user's parameters (sanitised: every value in range).
    pub params: &'a Params,
    /// Colours from the palette or hue parameters.
    pub colors: &'a Colors<'a>,
    /// Seconds since the previous frame (0..=0.25).
    pub dt: f32,
}

impl Context<'_> {
    /// `params.speed` as a rate multiplier: 0.25× at speed 0, 1× at 0.5, 4× at 1.
    pub fn speed(&self) -> f32 {
        libm::powf(16.0, self.params.speed - 0.5)
    }
}

/// A light pattern: a function of (snapshot, parameters, time, its own state) to a line of float
/// RGB. Deterministic: the same inputs give the same line.
///
/// The line is what one half of the strip shows, index 0 at the centre, when the image is
/// mirrored; the whole strip from one end when it is not. The renderer does the mirroring, the
/// crossfades and the background; a pattern only draws.
pub trait Pattern {
    /// Draws one frame into `line` (every entry is written).
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]);
}

/// What a pattern is, for lists and the API.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatternInfo {
    /// Stable identifier (`bloom`), as the original's API used.
    pub id: &'static str,
    /// Display name (`Bloom`).
    pub name: &'static str,
    /// What it shows, in one sentence.
    pub description: &'static str,
    /// Whether it follows the music (screensaver applies; audio-reactivity is tested).
    pub audio_reactive: bool,
    /// Its own parameters.
    pub custom: &'static [CustomParam],
}
