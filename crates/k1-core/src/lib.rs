//! K1's `no_std` core: it hears music and (in later stages) turns it into light.
//!
//! The core knows no OS, no clock and no I/O. Audio comes in one hop at a time as `f32` samples at
//! the engine rate; time is the count of samples fed in. Nothing here allocates: every buffer is
//! sized at compile time, so the same code runs on a PC and on an ESP32.
//!
//! # Data flow
//!
//! ```text
//! hop of samples ─► Analyzer ─┬─ dsp::decimate   octave cascade of half-band filters
//!                             ├─ dsp::spectrum   64 windowed DFTs, each exactly on its note
//!                             ├─ dsp::loudness   noise floor, range control, VU, silence
//!                             ├─ dsp::chroma     12 pitch classes
//!                             ├─ dsp::onset      band-energy flux → novelty, onsets
//!                             ├─ dsp::tempo      resonator bank 60..=180 BPM → tempo strength
//!                             └─ dsp::beat       beat-pointer HMM 50..=200 BPM → tempo, beat phase, beats
//!                                    │
//!                                    ▼
//!                                 Snapshot  (one Copy struct per hop)
//! ```
//!
//! # Example
//!
//! ```
//! use k1_core::{Analyzer, Config};
//!
//! let mut analyzer = Analyzer::new(Config::DEFAULT).unwrap();
//! let hop = [0.0f32; 64];
//! let snapshot = analyzer.process_hop(&hop).unwrap();
//! assert!(snapshot.silent);
//! assert_eq!(snapshot.hop, 1);
//! ```
#![no_std]
#![deny(missing_docs)]

// `std` only where the host has it: the unit tests (e.g. `cpu`'s check of its detection against
// std's) and the `std` feature (`cpu` reads K1_FORCE_SCALAR). Nothing else uses it.
#[cfg(any(test, feature = "std"))]
extern crate std;

mod analyzer;
pub mod color;
mod config;
pub mod cpu;
pub mod criteria;
pub mod dsp;
pub mod hash;
mod loom;
pub mod math;
pub mod palettes;
pub mod params;
pub mod proto;
pub mod render;
pub mod rgb;
mod snapshot;
pub mod sync;

pub use analyzer::{Analyzer, HopError};
pub use config::{Config, ConfigError, MAX_HOP};
pub use dsp::loudness::NoiseFloor;
pub use snapshot::Snapshot;
pub use sync::{
    MAX_RETRIES, ParamsLock, ParamsReader, ParamsWriter, Reader, SeqLock, SnapshotLock,
    SnapshotReader, SnapshotWriter, Writer, word_count,
};

/// Number of semitone bins in the spectrum.
pub const NUM_BINS: usize = 64;
/// Number of pitch classes in the chromagram (index 0 = C).
pub const NUM_CHROMA: usize = 12;
/// Slowest tempo hypothesis in BPM.
pub const TEMPO_MIN_BPM: f32 = 60.0;
/// Spacing of the tempo hypotheses in BPM.
pub const TEMPO_STEP_BPM: f32 = 1.0;
/// Number of tempo hypotheses: 60..=180 BPM in 1 BPM steps.
pub const NUM_TEMPI: usize = 121;

/// Tempo in BPM of hypothesis `i`.
pub const fn tempo_bpm(i: usize) -> f32 {
    TEMPO_MIN_BPM + TEMPO_STEP_BPM * i as f32
}
