//! Parameters: every setting a user can change, in one `Copy` struct.
//!
//! [`Params`] is plain data (`repr(C)`, no padding, `bytemuck::NoUninit`), so the engine can pass
//! it from the control thread to the render loop through the same seqlock as the snapshot. Its
//! fields are the global parameters of [`GLOBAL`] plus three custom slots whose meaning each
//! pattern gives with its [`CustomParam`]s. [`Params::validate`] checks a whole set;
//! [`Params::set`] changes one parameter by name from text (the command line) and
//! [`Params::set_value`] from a typed value (the HTTP API); both return a [`ParamError`] that
//! names the field. Each parameter's [`Display`] says how its value reads to a person (`80 %`,
//! `120°`), once for the command line, the API and the web UI.

mod access;
pub mod api;
mod custom;
mod display;
mod error;
mod table;

pub use access::Value;
pub use custom::{CustomParam, slots_are_valid};
pub use display::{Display, Scale, Shown, Unit};
pub use error::{Name, ParamError};
pub use table::{GLOBAL, ParamInfo, ParamKind, info};

use crate::palettes::PALETTE_COUNT;

/// The number of custom parameter slots.
pub const NUM_CUSTOM: usize = 3;

/// `Params::palette` when no palette is chosen: colours come from `color` and `color_range`.
pub const PALETTE_NONE: u8 = u8::MAX;

/// Every user setting. Floats are 0..=1 unless the table says otherwise; switches are bytes, 0 or
/// 1 (so the struct has no invalid bit patterns to send through the seqlock). Read switches with
/// the methods of the same name.
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::NoUninit)]
#[repr(C)]
pub struct Params {
    /// Overall brightness, applied once in the colour pipeline.
    pub brightness: f32,
    /// Temporal low-pass on the output (0 = 15 Hz, 1 = 0.5 Hz).
    pub softness: f32,
    /// Base hue in turns.
    pub color: f32,
    /// How far the hue sweeps across the strip.
    pub color_range: f32,
    /// Saturation.
    pub saturation: f32,
    /// Tint toward incandescent.
    pub warmth: f32,
    /// Floor glow, as a share of the 25 % maximum.
    pub background: f32,
    /// Motion speed.
    pub speed: f32,
    /// The three custom slots, each 0..=1 ([`NUM_CUSTOM`]; written as a literal 3 because a
    /// named constant here trips a rustc 1.95 MIR bug when tests capture `Params` in closures).
    pub custom: [f32; 3],
    /// Palette index 0..=32, or [`PALETTE_NONE`].
    pub palette: u8,
    /// Mirror switch (0 or 1).
    pub mirror: u8,
    /// Reverse-colour-range switch (0 or 1).
    pub reverse_color_range: u8,
    /// Auto-colour-cycle switch (0 or 1).
    pub auto_color_cycle: u8,
    /// Dithering switch (0 or 1).
    pub dithering: u8,
    /// Keeps the struct free of padding (always zero).
    pub reserved: [u8; 3],
}

impl Params {
    /// The defaults of [`GLOBAL`].
    pub const DEFAULT: Params = Params {
        brightness: 1.0,
        softness: 0.25,
        color: 0.33,
        color_range: 0.0,
        saturation: 0.75,
        warmth: 0.0,
        background: 0.25,
        speed: 0.5,
        custom: [0.5; NUM_CUSTOM],
        palette: 0,
        mirror: 1,
        reverse_color_range: 0,
        auto_color_cycle: 0,
        dithering: 1,
        reserved: [0; 3],
    };

    /// Whether the image is mirrored about the centre.
    pub fn mirror(&self) -> bool {
        self.mirror != 0
    }

    /// Whether the hue sweep runs from the edges inward.
    pub fn reverse_color_range(&self) -> bool {
        self.reverse_color_range != 0
    }

    /// Whether the hue drifts with novelty.
    pub fn auto_color_cycle(&self) -> bool {
        self.auto_color_cycle != 0
    }

    /// Whether temporal dithering is on.
    pub fn dithering(&self) -> bool {
        self.dithering != 0
    }

    /// The chosen palette's index, or `None` for hue mode.
    pub fn palette_index(&self) -> Option<usize> {
        let i = self.palette as usize;
        (i < PALETTE_COUNT).then_some(i)
    }

    /// Checks every field: floats finite and in range, switches 0 or 1, the palette an index or
    /// [`PALETTE_NONE`]. The first bad field is reported.
    pub fn validate(&self) -> Result<(), ParamError> {
        for p in GLOBAL.iter() {
            match p.kind {
                ParamKind::Float { min, max, .. } => {
                    let v = self.float(p.name).unwrap_or(0.0);
                    check_float(p.name, v, min, max)?;
                }
                ParamKind::Custom(slot) => {
                    let v = self.custom.get(slot).copied().unwrap_or(0.0);
                    check_float(p.name, v, 0.0, 1.0)?;
                }
                ParamKind::Bool { .. } => {
                    let v = self.switch(p.name).unwrap_or(0);
                    if v > 1 {
                        return Err(ParamError::NotBool {
                            field: p.name,
                            value: v,
                        });
                    }
                }
                ParamKind::Palette => {
                    if self.palette_index().is_none() && self.palette != PALETTE_NONE {
                        return Err(ParamError::NoSuchPalette {
                            field: p.name,
                            value: self.palette,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// A copy with every field forced into range: NaN and infinities become the default, floats
    /// are clamped, switches become 0 or 1, an unknown palette becomes none. The renderer uses
    /// this, so a bad value can never disturb a frame.
    pub fn sanitized(&self) -> Params {
        let mut out = *self;
        for p in GLOBAL.iter() {
            match p.kind {
                ParamKind::Float { min, max, default } => {
                    if let Some(v) = out.float_mut(p.name) {
                        *v = if v.is_finite() {
                            v.clamp(min, max)
                        } else {
                            default
                        };
                    }
                }
                ParamKind::Custom(slot) => {
                    if let Some(v) = out.custom.get_mut(slot) {
                        *v = if v.is_finite() {
                            v.clamp(0.0, 1.0)
                        } else {
                            0.5
                        };
                    }
                }
                ParamKind::Bool { .. } => {
                    if let Some(v) = out.switch_mut(p.name) {
                        *v = u8::from(*v != 0);
                    }
                }
                ParamKind::Palette => {
                    if out.palette_index().is_none() {
                        out.palette = PALETTE_NONE;
                    }
                }
            }
        }
        out.reserved = [0; 3];
        out
    }

    fn float(&self, name: &str) -> Option<f32> {
        let mut copy = *self;
        copy.float_mut(name).map(|v| *v)
    }

    fn switch(&self, name: &str) -> Option<u8> {
        let mut copy = *self;
        copy.switch_mut(name).map(|v| *v)
    }

    /// The float field called `name`.
    fn float_mut(&mut self, name: &str) -> Option<&mut f32> {
        Some(match name {
            "brightness" => &mut self.brightness,
            "softness" => &mut self.softness,
            "color" => &mut self.color,
            "color_range" => &mut self.color_range,
            "saturation" => &mut self.saturation,
            "warmth" => &mut self.warmth,
            "background" => &mut self.background,
            "speed" => &mut self.speed,
            _ => return None,
        })
    }

    /// The switch field called `name`.
    fn switch_mut(&mut self, name: &str) -> Option<&mut u8> {
        Some(match name {
            "mirror" => &mut self.mirror,
            "reverse_color_range" => &mut self.reverse_color_range,
            "auto_color_cycle" => &mut self.auto_color_cycle,
            "dithering" => &mut self.dithering,
            _ => return None,
        })
    }
}

impl Default for Params {
    fn default() -> Self {
        Self::DEFAULT
    }
}

fn check_float(field: &'static str, value: f32, min: f32, max: f32) -> Result<(), ParamError> {
    if !value.is_finite() {
        return Err(ParamError::NotFinite { field });
    }
    if value < min || value > max {
        return Err(ParamError::OutOfRange {
            field,
            value,
            min,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
