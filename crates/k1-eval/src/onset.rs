//! Onset detection scores: mir_eval's `onset.f_measure` plus the timing error of the hits.

use serde::{Deserialize, Serialize};

use crate::matching::match_events;
use crate::{clean_times, f_from, median};

/// How an onset detector did on one track.
///
/// The counts are there so a data set can be scored as a whole (sum the hits and counts over
/// tracks, then divide) as well as averaged per track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OnsetScores {
    /// Reference onsets scored (finite ones).
    pub n_reference: usize,
    /// Estimated onsets scored (finite ones).
    pub n_estimated: usize,
    /// Estimates matched one-to-one with a reference onset within the window.
    pub hits: usize,
    /// `hits / n_estimated`; 0 when either list is empty.
    pub precision: f64,
    /// `hits / n_reference`; 0 when either list is empty.
    pub recall: f64,
    /// The harmonic mean of precision and recall; 0 when both are 0.
    pub f_measure: f64,
    /// Median of `|estimate - reference|` over the matched pairs, in seconds; `None` with no hits.
    pub median_abs_error: Option<f64>,
    /// Median of `estimate - reference` over the matched pairs, in seconds (positive: the
    /// detector is late); `None` with no hits.
    pub median_signed_error: Option<f64>,
}

/// Scores estimated onsets against reference onsets: mir_eval `onset.f_measure` (an estimate is
/// a hit when a reference onset lies within ±`window` seconds of it, mir_eval default
/// [`crate::ONSET_WINDOW`], 50 ms, each onset used at most once in a maximum matching) plus the
/// median absolute and signed errors of the matched pairs, which show a detector's latency and
/// jitter, not just whether it fires.
///
/// Returns zero scores and no errors when either list is empty, as mir_eval does.
///
/// A maximum matching need not be unique, and the error medians are taken over the one this
/// crate finds: it sweeps both lists in time order and pairs each estimate with the earliest
/// reference onset still free in its window. Precision, recall and F do not depend on that choice.
pub fn onset_scores(reference: &[f64], estimated: &[f64], window: f64) -> OnsetScores {
    let reference = clean_times(reference);
    let estimated = clean_times(estimated);
    let mut out = OnsetScores {
        n_reference: reference.len(),
        n_estimated: estimated.len(),
        hits: 0,
        precision: 0.0,
        recall: 0.0,
        f_measure: 0.0,
        median_abs_error: None,
        median_signed_error: None,
    };
    if reference.is_empty() || estimated.is_empty() {
        return out;
    }
    let pairs = match_events(&reference, &estimated, window);
    out.hits = pairs.len();
    out.precision = pairs.len() as f64 / estimated.len() as f64;
    out.recall = pairs.len() as f64 / reference.len() as f64;
    out.f_measure = f_from(out.precision, out.recall);
    let mut signed: Vec<f64> = pairs
        .iter()
        .map(|&(i, j)| estimated[j] - reference[i])
        .collect();
    let mut absolute: Vec<f64> = signed.iter().map(|e| e.abs()).collect();
    out.median_signed_error = median(&mut signed);
    out.median_abs_error = median(&mut absolute);
    out
}
