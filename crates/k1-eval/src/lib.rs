//! Scores for a beat tracker, a tempo estimate and an onset detector against ground truth, defined
//! exactly as the Python library [mir_eval](https://github.com/mir-evaluation/mir_eval) defines
//! them, so K1's figures can be set beside published ones.
//!
//! # Metrics
//!
//! Beats (mir_eval `beat`, after Davies, Degara and Plumbley, *Evaluation Methods for Musical
//! Audio Beat Tracking Algorithms*, C4DM-TR-09-06, 2009):
//! - [`f_measure`]: an estimate is a hit when it lies within ±70 ms of a reference beat, each beat
//!   used once (a maximum one-to-one matching); F is the harmonic mean of precision and recall.
//! - [`cemgil`]: a Gaussian (σ = 40 ms) of each reference beat's distance to its nearest estimate,
//!   summed and divided by the mean of the two sequence lengths; also the best such value over
//!   the metrical variations of the reference (see below).
//! - [`p_score`]: McKinney's P-score, the cross-correlation of the two sequences as impulse trains
//!   sampled at 100 Hz, summed over lags within 20 % of the median reference beat interval.
//! - [`continuity`]: Hainsworth's and Klapuri's continuity scores. An estimate is correct when it is
//!   within 17.5 % of the reference beat interval of its nearest reference beat and its own beat
//!   interval is within 17.5 % of that reference interval. CMLt is the share of correct beats,
//!   CMLc the longest unbroken run of them. AMLt and AMLc are the largest of those scores over
//!   the reference and its metrical variations: the off-beat, double tempo, and half tempo on odd
//!   or on even beats.
//!
//! Tempo: [`tempo_accuracy`] gives Gouyon's Accuracy 1 (within 4 %) and Accuracy 2 (within 4 % of
//! the reference tempo or of ×2, ×½, ×3 or ×⅓ of it), as MIREX and madmom report them.
//!
//! Onsets: [`onset_scores`] gives mir_eval `onset.f_measure` (precision, recall and F with a
//! ±50 ms window and the same one-to-one matching) plus the median absolute and signed timing
//! errors of the matched pairs, which mir_eval does not report.
//!
//! [`score_beats`] trims both beat lists with [`trim_beats`] and computes every beat metric at its
//! mir_eval default into a [`BeatScores`].
//!
//! # Conventions
//!
//! - Times are seconds as `f64`; tempi are beats per minute.
//! - Every function first cleans its inputs with [`clean_times`]: non-finite values are dropped and
//!   the rest sorted ascending. mir_eval raises an error on unsorted input and on times past
//!   30,000 s; here they are sorted and accepted. No input panics.
//! - Beat metrics take lists that are already trimmed; mir_eval drops the first 5 s of both (see
//!   [`trim_beats`], [`DEFAULT_MIN_BEAT_TIME`]), where listeners have not yet found the beat.
//! - Where mir_eval warns and returns 0 (an empty list; for P-score and continuity a list of one
//!   beat, which has no interval), these functions return 0 too, and `None` for the onset error
//!   medians. Nothing is printed: the counts in [`BeatScores`] and [`OnsetScores`] say when a
//!   score rests on nothing.
//! - Window tests round as mir_eval 0.8 does: a reference time `r` fits an estimate `e` when
//!   `e - window <= r <= e + window` with both ends computed in `f64`, so a distance equal to
//!   the window is a hit. At the last bit this is not `|r - e| <= window` (which older mir_eval
//!   used): `5.07 - 0.07` rounds to exactly `5.0`, so 5.0 against 5.07 at 0.07 s is a hit, while
//!   `5.07 - 5.0` rounds to `0.07000000000000028`.
//!
//! # Example
//!
//! ```
//! use k1_eval::{TEMPO_TOLERANCE, score_beats, tempo_accuracy};
//!
//! // A reference at 120 BPM from 0 to 19.5 s and a tracker that is 20 ms late on every beat.
//! let reference: Vec<f64> = (0..40).map(|i| i as f64 * 0.5).collect();
//! let estimated: Vec<f64> = reference.iter().map(|t| t + 0.02).collect();
//!
//! let scores = score_beats(&reference, &estimated, 5.0);
//! assert_eq!(scores.n_reference, 30); // 5.0 ..= 19.5 s; the first 5 s are not scored
//! assert_eq!(scores.f_measure, 1.0); // 20 ms is inside the ±70 ms window
//! assert_eq!((scores.cmlt, scores.amlt), (1.0, 1.0));
//! // Each reference beat is 20 ms from an estimate: exp(-0.02² / (2 · 0.04²)) = exp(-0.125).
//! assert!((scores.cemgil - (-0.125f64).exp()).abs() < 1e-9);
//!
//! // 61 BPM for a 120 BPM song is an octave error: wrong for Accuracy 1, right for Accuracy 2.
//! assert_eq!(tempo_accuracy(120.0, 61.0, TEMPO_TOLERANCE), (false, true));
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod beat;
mod continuity;
mod matching;
mod onset;
mod tempo;

pub use beat::{Cemgil, cemgil, f_measure, p_score};
pub use continuity::{Continuity, continuity};
pub use onset::{OnsetScores, onset_scores};
pub use tempo::tempo_accuracy;

use serde::{Deserialize, Serialize};

/// mir_eval's default start of scoring for beats, in seconds: beats before it are trimmed.
pub const DEFAULT_MIN_BEAT_TIME: f64 = 5.0;
/// mir_eval's default beat F-measure window, ± seconds.
pub const F_MEASURE_WINDOW: f64 = 0.07;
/// mir_eval's default standard deviation of Cemgil's Gaussian, in seconds.
pub const CEMGIL_SIGMA: f64 = 0.04;
/// mir_eval's default P-score window, as a fraction of the median reference beat interval.
pub const P_SCORE_THRESHOLD: f64 = 0.2;
/// mir_eval's default continuity phase tolerance, as a fraction of the reference beat interval.
pub const CONTINUITY_PHASE_THRESHOLD: f64 = 0.175;
/// mir_eval's default continuity period tolerance, as a fraction of the reference beat interval.
pub const CONTINUITY_PERIOD_THRESHOLD: f64 = 0.175;
/// The tempo tolerance of Accuracy 1 and 2 (MIREX, Gouyon et al.), as a fraction of the tempo.
pub const TEMPO_TOLERANCE: f64 = 0.04;
/// mir_eval's default onset window, ± seconds.
pub const ONSET_WINDOW: f64 = 0.05;

/// The times every metric actually scores: `times` without NaN and infinities, sorted ascending.
///
/// mir_eval rejects unsorted input; sorting instead means a detector that emits out of order is
/// still scored on what it found. Duplicates are kept, as mir_eval keeps them.
pub fn clean_times(times: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// `beats` (cleaned with [`clean_times`]) without those before `min_time`, as mir_eval's
/// `trim_beats`: a beat exactly at `min_time` is kept. The usual `min_time` is
/// [`DEFAULT_MIN_BEAT_TIME`], because neither listeners nor trackers have the beat in the first
/// seconds. A NaN `min_time` keeps nothing, as the comparison does in mir_eval.
pub fn trim_beats(beats: &[f64], min_time: f64) -> Vec<f64> {
    let mut v = clean_times(beats);
    v.retain(|&t| t >= min_time);
    v
}

/// Every beat metric for one track, each at mir_eval's default parameters, with the numbers of
/// beats it was computed from. F-measure and continuity are in [0, 1]. Cemgil and the P-score
/// are too for any plausible beat list, but mir_eval does not clamp them: reference beats that
/// crowd round one estimate can push Cemgil up to 2, and beats closer together than the P-score
/// window can push the P-score past 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BeatScores {
    /// Reference beats left after trimming.
    pub n_reference: usize,
    /// Estimated beats left after trimming.
    pub n_estimated: usize,
    /// [`f_measure`] with a ±[`F_MEASURE_WINDOW`] window.
    pub f_measure: f64,
    /// [`cemgil`] against the reference as annotated.
    pub cemgil: f64,
    /// [`cemgil`]'s best over the reference's metrical variations.
    pub cemgil_best: f64,
    /// [`p_score`] with [`P_SCORE_THRESHOLD`].
    pub p_score: f64,
    /// Correct metrical level, longest continuous run ([`continuity`]).
    pub cmlc: f64,
    /// Correct metrical level, all correct beats ([`continuity`]).
    pub cmlt: f64,
    /// Any allowed metrical level, longest continuous run ([`continuity`]).
    pub amlc: f64,
    /// Any allowed metrical level, all correct beats ([`continuity`]).
    pub amlt: f64,
}

/// Trims both beat lists at `skip_seconds` ([`trim_beats`]) and computes every beat metric at its
/// mir_eval default, as `mir_eval.beat.evaluate` does (less Goto and information gain). Pass
/// [`DEFAULT_MIN_BEAT_TIME`] for mir_eval's own setting.
pub fn score_beats(reference: &[f64], estimated: &[f64], skip_seconds: f64) -> BeatScores {
    let reference = trim_beats(reference, skip_seconds);
    let estimated = trim_beats(estimated, skip_seconds);
    let c = cemgil(&reference, &estimated, CEMGIL_SIGMA);
    let k = continuity(
        &reference,
        &estimated,
        CONTINUITY_PHASE_THRESHOLD,
        CONTINUITY_PERIOD_THRESHOLD,
    );
    BeatScores {
        n_reference: reference.len(),
        n_estimated: estimated.len(),
        f_measure: f_measure(&reference, &estimated, F_MEASURE_WINDOW),
        cemgil: c.score,
        cemgil_best: c.best,
        p_score: p_score(&reference, &estimated, P_SCORE_THRESHOLD),
        cmlc: k.cmlc,
        cmlt: k.cmlt,
        amlc: k.amlc,
        amlt: k.amlt,
    }
}

/// F-measure from precision and recall as mir_eval's `util.f_measure` (β = 1): 0 when both are 0.
fn f_from(precision: f64, recall: f64) -> f64 {
    if precision == 0.0 && recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// The median of `values` as numpy's `median` gives it (the mean of the middle two for an even
/// count), or `None` for no values. Sorts `values` in place.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_takes_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [75.0, 50.0]), Some(62.5));
        assert_eq!(median(&mut [9.0, 1.0, 5.0]), Some(5.0));
    }
}
