//! Signal processing stages of the analyser, in the order the audio flows through them.

pub mod beat;
pub mod beat_space;
pub mod biquad;
pub mod chroma;
pub mod halfband;
pub mod history;
pub mod loudness;
pub mod onset;
pub mod spectrum;
pub mod tempo;
pub mod window;
