//! Rendering: a [`Snapshot`](crate::Snapshot) becomes one frame of LED colours.
//!
//! A frame is a slice of [`Rgb`], index 0 at one end of the strip; K1's views radiate from the
//! centre and mirror on both halves, as the reference device shows them. Colours are linear light
//! in 0..=1 (what an LED's duty cycle means); brightness, gamma and the byte format belong to the
//! colour pipeline and the sinks that come after. Today there is one view, [`spectrum_view`]; the
//! patterns come later and will join it here.

pub mod beat_watch;
pub mod colors;
pub mod gradient;
pub mod idle;
pub mod layout;
pub mod ops;
pub mod pattern;
pub mod patterns;
mod power_fade;
mod renderer;
mod spectrum_view;

/// One LED's colour, defined in the leaf module [`crate::rgb`] (the colour pipeline and the
/// palettes use it without depending on rendering).
pub use crate::rgb::Rgb;
pub use colors::Colors;
pub use layout::{DEFAULT_LEDS, Layout, LayoutError, MAX_LEDS, MAX_SEGMENTS, Segment};
pub use pattern::{Context, Pattern, PatternInfo};
pub use patterns::{AnyPattern, PATTERN_COUNT, PATTERNS, PatternId};
pub use power_fade::{POWER_FADE_SECONDS, PowerFade};
pub use renderer::{DEFAULT_FADE_SECONDS, MAX_BACKGROUND, Renderer, SCREENSAVER_AFTER};
pub use spectrum_view::spectrum_view;
