//! The analysis snapshot: everything a renderer needs about the music at one hop, in one `Copy` struct.

use crate::{NUM_BINS, NUM_CHROMA, NUM_TEMPI};

/// What the analyser knows after one hop. Plain `Copy` data with no padding (`repr(C)`, checked by
/// `bytemuck::NoUninit`), so the snapshot exchange can copy it between the audio and render cores
/// as plain words.
///
/// Levels are normalised to 0..=1 by the noise floor and the automatic range control, so a quiet and
/// a loud recording of the same music look alike. Times are hop counts and sample indices, never
/// wall-clock time: the core has no clock.
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::NoUninit)]
#[repr(C)]
pub struct Snapshot {
    /// Hops processed so far, counting this one (0 before the first hop).
    pub hop: u64,
    /// Index of the newest sample analysed, counted from 0 at the first sample fed in.
    pub sample_index: u64,
    /// Non-finite input samples replaced by zero since start.
    pub bad_samples: u64,
    /// Semitone spectrum, one value per note (bin 0 = lowest note), 0..=1, updated every hop.
    pub spectrum: [f32; NUM_BINS],
    /// The same spectrum smoothed over time (fast attack, slower release), 0..=1.
    pub spectrum_smooth: [f32; NUM_BINS],
    /// Chromagram: energy per pitch class, index 0 = C, 11 = B, the largest scaled to 1 (all 0 in silence).
    pub chroma: [f32; NUM_CHROMA],
    /// Loudness from RMS above the noise floor, 0..=1 after range control.
    pub vu: f32,
    /// RMS level of the last hop in dBFS (after DC removal), before any normalisation.
    pub rms_dbfs: f32,
    /// Onset strength (spectral-energy flux), scaled so that its recent typical peak is near 1.
    pub novelty: f32,
    /// Strength of each tempo hypothesis (index i is [`crate::TEMPO_MIN_BPM`] + i BPM), 0..=1.
    pub tempo_magnitude: [f32; NUM_TEMPI],
    /// Beat phase of each tempo hypothesis in cycles, 0..1, 0 = on the beat.
    pub tempo_phase: [f32; NUM_TEMPI],
    /// Current tempo estimate in BPM (0 until one is found).
    pub bpm: f32,
    /// Confidence in the tempo estimate, 0..=1.
    pub confidence: f32,
    /// Position within the current beat at the estimated tempo, 0..1; advances every hop.
    pub beat_phase: f32,
    /// True on the hop where an onset was detected.
    pub onset: bool,
    /// True on the hop where a beat falls.
    pub beat: bool,
    /// True while the input is silent (below the noise floor or -60 dBFS).
    pub silent: bool,
    /// Keeps the struct free of padding bytes (always zero).
    pub reserved: [u8; 5],
}

impl Snapshot {
    /// The snapshot before any audio: silent, all zero.
    pub const EMPTY: Snapshot = Snapshot {
        hop: 0,
        sample_index: 0,
        bad_samples: 0,
        spectrum: [0.0; NUM_BINS],
        spectrum_smooth: [0.0; NUM_BINS],
        chroma: [0.0; NUM_CHROMA],
        vu: 0.0,
        rms_dbfs: -120.0,
        novelty: 0.0,
        tempo_magnitude: [0.0; NUM_TEMPI],
        tempo_phase: [0.0; NUM_TEMPI],
        bpm: 0.0,
        confidence: 0.0,
        beat_phase: 0.0,
        onset: false,
        beat: false,
        silent: true,
        reserved: [0; 5],
    };
}

impl Default for Snapshot {
    fn default() -> Self {
        Self::EMPTY
    }
}
