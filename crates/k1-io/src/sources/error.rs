//! Why a source cannot deliver audio. Each message names the file and fits on one line.

use std::path::PathBuf;

use super::ResampleError;

/// A source failed to open or to read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be opened.
    #[error("cannot open {}: {err}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why (part of the message, not a separate cause).
        err: std::io::Error,
    },
    /// The file is not audio that can be decoded (unknown container or codec, or corrupt).
    #[error("{}: not a supported audio file (WAV, FLAC, MP3, OGG Vorbis) or corrupt: {reason}", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// The file decodes but holds no samples.
    #[error("{}: contains no audio samples", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The channel count is outside 1..=8.
    #[error("{}: has {channels} channels; 1 to 8 are supported", path.display())]
    Channels {
        /// The file.
        path: PathBuf,
        /// The channel count found.
        channels: usize,
    },
    /// The sample rate is outside 8..=192 kHz.
    #[error("{}: sample rate {rate} Hz is outside the supported 8000..=192000 Hz", path.display())]
    Rate {
        /// The file.
        path: PathBuf,
        /// The rate found.
        rate: u32,
    },
    /// Decoding failed part-way through in a way that cannot be skipped.
    #[error("{}: decoding failed: {reason}", path.display())]
    Decode {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// The resampler failed.
    #[error(transparent)]
    Resample(#[from] ResampleError),
}
