//! The colour pipeline: a frame of float RGB from the renderer becomes bytes for the LEDs.
//!
//! The stages run in this order, each a small adapter in its own file, each tested on its own:
//!
//! 1. [`softness`]: a temporal low-pass whose time constant comes from the measured frame
//!    period, so it looks the same at 60 and at 500 frames per second;
//! 2. [`tone_map`]: linear up to a knee, soft above it, so sums of light never clip harshly;
//! 3. [`warmth`]: a tint toward incandescent;
//! 4. [`white_balance`]: per-channel gains for the LED strip;
//! 5. [`brightness`]: applied here and nowhere else;
//! 6. [`gamma`]: perceptual level → LED duty cycle, a monotone table;
//! 7. [`power`]: where a current budget is set, one gain on every duty cycle keeps the frame's
//!    estimated current within it (off by default; the device's default is 2 A);
//! 8. [`dither`]: temporal dithering with per-LED error accumulation, so dim levels do not band.
//!
//! [`Pipeline`] runs them all; it holds the only state (the low-pass memory and the dither error)
//! in buffers sized at compile time.

pub mod brightness;
pub mod dither;
pub mod gamma;
mod pipeline;
pub mod power;
mod rgb8;
pub mod softness;
mod stage;
pub mod tone_map;
pub mod warmth;
pub mod white_balance;

pub use brightness::Brightness;
pub use dither::Dither;
pub use gamma::GammaTable;
pub use pipeline::{Pipeline, PipelineConfig};
pub use power::{PowerBudget, PowerLimiter};
pub use rgb8::Rgb8;
pub use softness::Softness;
pub use stage::{Stage, StageInput};
pub use tone_map::ToneMap;
pub use warmth::Warmth;
pub use white_balance::WhiteBalance;
