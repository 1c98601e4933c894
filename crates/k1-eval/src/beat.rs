//! Beat F-measure, Cemgil's accuracy and McKinney's P-score, as mir_eval's `beat` module defines
//! them, plus the metrical variations of a reference that Cemgil and continuity are maximised over.

use serde::{Deserialize, Serialize};

use crate::matching::{match_events, nearest};
use crate::{clean_times, f_from, median};

/// The F-measure of the estimated beats: an estimate is a hit when a reference beat lies within
/// ±`window` seconds of it (mir_eval default [`crate::F_MEASURE_WINDOW`], 70 ms) and each beat
/// of either list is used at most once, in a maximum matching. Precision is hits over estimates,
/// recall hits over references, F their harmonic mean.
///
/// Scores the beat grid at the annotated metrical level only: an off-beat or double-tempo
/// tracker is penalised here and forgiven by [`crate::continuity`]'s AML scores. Returns 0 when
/// either list is empty (both empty too), as mir_eval does.
pub fn f_measure(reference: &[f64], estimated: &[f64], window: f64) -> f64 {
    let reference = clean_times(reference);
    let estimated = clean_times(estimated);
    if reference.is_empty() || estimated.is_empty() {
        return 0.0;
    }
    let hits = match_events(&reference, &estimated, window).len() as f64;
    f_from(hits / estimated.len() as f64, hits / reference.len() as f64)
}

/// Cemgil's accuracy, against the reference as annotated and at its best metrical level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cemgil {
    /// The accuracy against the reference as annotated (mir_eval "Cemgil").
    pub score: f64,
    /// The largest accuracy over the reference and its four metrical variations: off-beat,
    /// double tempo, and half tempo on odd or even beats (mir_eval "Cemgil Best Metric Level").
    pub best: f64,
}

/// Cemgil's accuracy: for each reference beat, a Gaussian `exp(-d² / (2σ²))` of the distance `d`
/// to its nearest estimate, summed and divided by `(n_reference + n_estimated) / 2`, so both
/// missed beats and extra estimates cost. `sigma` is σ in seconds (mir_eval default
/// [`crate::CEMGIL_SIGMA`], 40 ms).
///
/// Unlike the F-measure it rewards closeness smoothly rather than with a hard window. It is not
/// one-to-one: several reference beats may share a nearest estimate, so reference beats closer
/// together than a few σ (duplicates, say) can lift it above 1, up to 2. Returns
/// zeros when either list is empty (as mir_eval) or when `sigma` is not a positive finite number
/// (mir_eval would produce NaN).
pub fn cemgil(reference: &[f64], estimated: &[f64], sigma: f64) -> Cemgil {
    let reference = clean_times(reference);
    let estimated = clean_times(estimated);
    let zero = Cemgil {
        score: 0.0,
        best: 0.0,
    };
    if reference.is_empty() || estimated.is_empty() || !(sigma > 0.0 && sigma.is_finite()) {
        return zero;
    }
    let two_sigma_squared = 2.0 * (sigma * sigma);
    let mut out = zero;
    for (k, variation) in reference_variations(&reference).iter().enumerate() {
        let sum: f64 = variation
            .iter()
            .filter_map(|&beat| nearest(&estimated, beat))
            .map(|(_, d)| (-(d * d) / two_sigma_squared).exp())
            .sum();
        let accuracy = sum / (0.5 * (estimated.len() + variation.len()) as f64);
        if k == 0 {
            out.score = accuracy;
        }
        out.best = out.best.max(accuracy);
    }
    out
}

/// McKinney's P-score as mir_eval computes it: both lists become impulse trains sampled at
/// 100 Hz, and the P-score is their cross-correlation summed over lags within ±`threshold` times
/// the median reference beat interval (mir_eval default [`crate::P_SCORE_THRESHOLD`], 0.2),
/// divided by the length of the longer list.
///
/// mir_eval's exact steps, which this follows (and its tests pin down):
/// - Both lists are shifted so the earliest beat of either is at 0; a beat at `t` sets sample
///   `ceil(t · 100)`. Beats that land in the same sample make one impulse.
/// - The window is the median interval between reference impulses, in samples, times
///   `threshold`, rounded half to even (numpy's `round`), so a 62.5-sample median gives a window
///   of 12, not 13.
/// - The sum of the correlation over lags −w..=w is the number of (reference impulse, estimated
///   impulse) pairs at most w samples apart. Pairs are not one-to-one: an estimate may count for
///   two references. The divisor is `max(n_reference, n_estimated)` before merging impulses, so
///   the score is not clamped and can in odd cases exceed 1.
///
/// Returns 0 when either list has fewer than two beats (no interval; mir_eval warns and returns
/// 0), when all reference beats share one sample (mir_eval fails on the empty median), and when
/// `threshold` is negative or NaN.
pub fn p_score(reference: &[f64], estimated: &[f64], threshold: f64) -> f64 {
    let reference = clean_times(reference);
    let estimated = clean_times(estimated);
    if reference.len() < 2 || estimated.len() < 2 {
        return 0.0;
    }
    let offset = reference[0].min(estimated[0]);
    let reference_impulses = impulse_samples(&reference, offset);
    let estimated_impulses = impulse_samples(&estimated, offset);
    let mut intervals: Vec<f64> = reference_impulses
        .windows(2)
        .map(|w| (w[1] - w[0]) as f64)
        .collect();
    let Some(median_interval) = median(&mut intervals) else {
        return 0.0;
    };
    let window = (threshold * median_interval).round_ties_even();
    if window.is_nan() || window < 0.0 {
        return 0.0;
    }
    // Saturating: a window past i64::MAX samples is as good as infinite.
    let window = window as i64;
    let pairs = pairs_within(&reference_impulses, &estimated_impulses, window);
    pairs as f64 / reference.len().max(estimated.len()) as f64
}

/// The sample indices `ceil((t - offset) · 100)` of sorted `times`, deduplicated: the impulse
/// train mir_eval's P-score correlates, stored as the positions of its ones.
fn impulse_samples(times: &[f64], offset: f64) -> Vec<i64> {
    let mut samples: Vec<i64> = times
        .iter()
        .map(|&t| ((t - offset) * 100.0).ceil() as i64)
        .collect();
    samples.dedup();
    samples
}

/// The number of pairs `(a, b)` from sorted `xs` and `ys` with `|a - b| <= window`, which is
/// the sum over lags `-window..=window` of the cross-correlation of the two 0/1 trains. Two
/// pointers bound the run of `ys` within the window of each `a` in turn.
fn pairs_within(xs: &[i64], ys: &[i64], window: i64) -> usize {
    let (mut lo, mut hi, mut count) = (0, 0, 0);
    for &a in xs {
        while lo < ys.len() && ys[lo] < a.saturating_sub(window) {
            lo += 1;
        }
        while hi < ys.len() && ys[hi] <= a.saturating_add(window) {
            hi += 1;
        }
        count += hi - lo;
    }
    count
}

/// The reference beats and mir_eval's four metrical variations of them, in mir_eval's order:
/// as annotated, off-beat (the midpoints between beats), double tempo (beats and midpoints),
/// half tempo on the 1st, 3rd, 5th... beats, and half tempo on the 2nd, 4th... beats.
///
/// A midpoint is `r[i] + 0.5 · (r[i + 1] - r[i])`, the same rounding as numpy's `interp`.
pub(crate) fn reference_variations(reference: &[f64]) -> [Vec<f64>; 5] {
    let midpoints: Vec<f64> = reference
        .windows(2)
        .map(|w| 0.5 * (w[1] - w[0]) + w[0])
        .collect();
    let mut double = Vec::with_capacity(reference.len() + midpoints.len());
    for (k, &beat) in reference.iter().enumerate() {
        double.push(beat);
        if let Some(&mid) = midpoints.get(k) {
            double.push(mid);
        }
    }
    [
        reference.to_vec(),
        midpoints,
        double,
        reference.iter().copied().step_by(2).collect(),
        reference.iter().copied().skip(1).step_by(2).collect(),
    ]
}

#[cfg(test)]
mod tests {
    use super::{pairs_within, reference_variations};

    #[test]
    fn variations_of_four_beats() {
        let v = reference_variations(&[1.0, 2.0, 4.0, 5.0]);
        assert_eq!(v[0], [1.0, 2.0, 4.0, 5.0]);
        assert_eq!(v[1], [1.5, 3.0, 4.5]);
        assert_eq!(v[2], [1.0, 1.5, 2.0, 3.0, 4.0, 4.5, 5.0]);
        assert_eq!(v[3], [1.0, 4.0]);
        assert_eq!(v[4], [2.0, 5.0]);
    }

    #[test]
    fn pairs_within_counts_every_close_pair() {
        // 10 is within 2 of 9 and 11; 20 of nothing; 30 of 30 and 32: four pairs.
        assert_eq!(pairs_within(&[10, 20, 30], &[9, 11, 25, 30, 32], 2), 4);
        assert_eq!(pairs_within(&[10], &[], 2), 0);
    }
}
