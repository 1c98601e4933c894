//! [`Rgb8`]: one LED's colour as the bytes a sink sends.

/// One LED's colour as three bytes, in R, G, B order (a sink reorders for its chip).
///
/// `repr(C)` with no padding, so a frame of them is plain bytes (`bytemuck::cast_slice`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, bytemuck::NoUninit)]
#[repr(C)]
pub struct Rgb8 {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

impl Rgb8 {
    /// Off.
    pub const BLACK: Rgb8 = Rgb8 { r: 0, g: 0, b: 0 };

    /// A colour from its three bytes.
    pub const fn new(r: u8, g: u8, b: u8) -> Rgb8 {
        Rgb8 { r, g, b }
    }
}
