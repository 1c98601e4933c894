//! What `k1 analyze` writes: a human summary, a JSON object, time lists and a per-hop CSV.
//!
//! [`Report`] gathers the results once; [`summary`] and [`json`] print it, [`times`] writes beat
//! and onset lists, and [`features`] streams one CSV row per hop while the analysis runs.

pub mod features;
pub mod json;
pub mod summary;
pub mod times;

use serde::Serialize;

use crate::analyze::{Analysis, GlobalTempo};
use k1_io::sources::{SourceInfo, SourceStats};

/// The results of analysing one source, ready to print.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The file path, or a description of the synthetic clip.
    pub file: String,
    /// Length of the audio analysed in seconds (silence filled in for lost packets included).
    pub duration: f64,
    /// Seconds of audio actually decoded (`duration` less the silence filled in).
    pub decoded_seconds: f64,
    /// Sample rate of the original audio in Hz.
    pub input_rate: u32,
    /// Channels of the original audio (mixed to mono).
    pub channels: usize,
    /// The engine's sample rate in Hz.
    pub engine_rate: u32,
    /// Samples per hop.
    pub hop: usize,
    /// Hops analysed.
    pub hops: u64,
    /// The global tempo in BPM (see `analyze::tempo`); `None` (JSON `null`) when the file has no
    /// pulse or the tracker never settled.
    pub bpm: Option<f64>,
    /// Mean tracker confidence over the hops behind the tempo, 0..=1.
    pub confidence: f64,
    /// Share of the hops (last two thirds) whose confidence says there is a pulse, 0..=1.
    pub pulse: f64,
    /// Beat times in seconds.
    pub beats: Vec<f64>,
    /// Onset times in seconds.
    pub onsets: Vec<f64>,
    /// Non-finite input samples replaced by 0.
    pub non_finite_samples: u64,
    /// Packets lost to damage (undecodable, or dropped by the demuxer).
    pub skipped_packets: u64,
    /// Damaged OGG pages dropped.
    pub damaged_pages: u64,
    /// True if the stream ended early.
    pub truncated: bool,
}

impl Report {
    /// Assembles a report from the pieces of one run.
    pub fn new(
        info: &SourceInfo,
        stats: &SourceStats,
        hop: usize,
        analysis: Analysis,
        tempo: GlobalTempo,
    ) -> Self {
        Self {
            file: info.name.clone(),
            duration: stats.duration(info.input_rate),
            decoded_seconds: stats.decoded_seconds(info.input_rate),
            input_rate: info.input_rate,
            channels: info.channels,
            engine_rate: info.engine_rate,
            hop,
            hops: analysis.hops,
            bpm: tempo.reported_bpm(),
            confidence: tempo.confidence,
            pulse: tempo.pulse_share,
            beats: analysis.beats,
            onsets: analysis.onsets,
            non_finite_samples: stats.non_finite + analysis.core_bad_samples,
            skipped_packets: stats.skipped_packets,
            damaged_pages: stats.damaged_pages,
            truncated: stats.truncated,
        }
    }
}
