//! The global parameter table: every parameter's name, kind, range, default, meaning and how it
//! reads to a person.

use super::display::{Display, Unit};
use crate::color::softness::{MAX_CUTOFF_HZ, MIN_CUTOFF_HZ};
use crate::render::MAX_BACKGROUND;

/// What kind of value a parameter holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A float in `min..=max`.
    Float {
        /// Smallest value.
        min: f32,
        /// Largest value.
        max: f32,
        /// The default.
        default: f32,
    },
    /// A switch.
    Bool {
        /// The default.
        default: bool,
    },
    /// A palette index 0..=32, or none (hue from `color` and `color_range`).
    Palette,
    /// Custom slot `n` (0..=2), 0..=1, default 0.5; its meaning depends on the pattern.
    Custom(usize),
}

/// One global parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamInfo {
    /// Its name in the API and on the command line.
    pub name: &'static str,
    /// What it changes, in one sentence.
    pub description: &'static str,
    /// Its kind, range and default.
    pub kind: ParamKind,
    /// How a value reads to a person (`80 %`, `120°`); `None` for switches, the palette and
    /// the custom slots (whose meaning each pattern gives).
    pub display: Option<Display>,
}

const fn float(
    name: &'static str,
    default: f32,
    display: Display,
    description: &'static str,
) -> ParamInfo {
    ParamInfo {
        name,
        description,
        kind: ParamKind::Float {
            min: 0.0,
            max: 1.0,
            default,
        },
        display: Some(display),
    }
}

const fn switch(name: &'static str, default: bool, description: &'static str) -> ParamInfo {
    ParamInfo {
        name,
        description,
        kind: ParamKind::Bool { default },
        display: None,
    }
}

const fn custom(name: &'static str, slot: usize) -> ParamInfo {
    ParamInfo {
        name,
        description: "custom slot: what it does depends on the pattern (see its custom parameters)",
        kind: ParamKind::Custom(slot),
        display: None,
    }
}

/// Softness as the time constant of its low-pass, `1 / (2π f_c)`: 0.01 s at 0, 0.32 s at 1.
const SOFTNESS: Display = Display::geometric(
    1.0 / (2.0 * core::f32::consts::PI * MAX_CUTOFF_HZ),
    1.0 / (2.0 * core::f32::consts::PI * MIN_CUTOFF_HZ),
    Unit::Seconds,
    2,
);

/// Every global parameter, in the order the API lists them.
pub static GLOBAL: [ParamInfo; 16] = [
    float(
        "brightness",
        1.0,
        Display::PERCENT,
        "overall brightness, applied exactly once, before gamma",
    ),
    float(
        "softness",
        0.25,
        SOFTNESS,
        "temporal low-pass on the output, shown as its time constant: 0 is crisp (15 Hz), 1 is \
         slow (0.5 Hz)",
    ),
    float(
        "color",
        0.33,
        Display::linear(360.0, Unit::Degrees, 0),
        "base hue (0..1 = once round the colour wheel)",
    ),
    float(
        "color_range",
        0.0,
        Display::PERCENT,
        "how far the hue sweeps across the strip (with a palette: how many palette lengths)",
    ),
    float(
        "saturation",
        0.75,
        Display::PERCENT,
        "colour saturation (with a palette, 75 % shows it as designed)",
    ),
    float(
        "warmth",
        0.0,
        Display::PERCENT,
        "tint toward incandescent light",
    ),
    float(
        "background",
        0.25,
        Display::linear(100.0 * MAX_BACKGROUND, Unit::Percent, 1),
        "floor glow under the pattern, as a share of full level (at most 25 %)",
    ),
    float(
        "speed",
        0.5,
        Display::geometric(0.25, 4.0, Unit::Times, 2),
        "motion speed for the patterns that move: 0.25× to 4×, 1× in the middle",
    ),
    ParamInfo {
        name: "palette",
        description: "colour palette 0..=32 (or its name), or \"none\" for hue from color and color_range",
        kind: ParamKind::Palette,
        display: None,
    },
    switch(
        "mirror",
        true,
        "draw from the centre out on both halves; off: one image from end to end",
    ),
    switch(
        "reverse_color_range",
        false,
        "run the hue sweep (or palette) from the edges inward",
    ),
    switch(
        "auto_color_cycle",
        false,
        "the hue drifts with musical novelty",
    ),
    switch(
        "dithering",
        true,
        "temporal dithering, so dim levels fade smoothly",
    ),
    custom("custom_param_1", 0),
    custom("custom_param_2", 1),
    custom("custom_param_3", 2),
];

/// The global parameter called `name`, if any.
pub fn info(name: &str) -> Option<&'static ParamInfo> {
    GLOBAL.iter().find(|p| p.name == name)
}
