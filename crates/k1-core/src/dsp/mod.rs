//! Signal processing stages of the analyser, in the order the audio flows through them.

pub mod loudness;
