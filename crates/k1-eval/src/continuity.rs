//! Hainsworth's and Klapuri's continuity-based beat scores (CMLc, CMLt, AMLc, AMLt) as mir_eval's
//! `beat.continuity` computes them.

use serde::{Deserialize, Serialize};

use crate::beat::reference_variations;
use crate::clean_times;
use crate::matching::nearest;

/// The four continuity scores, each in [0, 1].
///
/// "Correct metrical level" (CML) scores against the reference as annotated; "any metrical level"
/// (AML) takes the best over the reference and its variations (off-beat, double tempo, half
/// tempo on odd or even beats), so a tracker locked to the off-beat or to twice the tempo still
/// gets AML credit. The `c` scores count only the longest unbroken run of correct beats (how
/// long the tracker keeps the beat); the `t` scores count all correct beats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Continuity {
    /// Correct metrical level, longest continuous run of correct beats.
    pub cmlc: f64,
    /// Correct metrical level, all correct beats.
    pub cmlt: f64,
    /// Any metrical level: the largest continuous score over the variations.
    pub amlc: f64,
    /// Any metrical level: the largest total score over the variations.
    pub amlt: f64,
}

/// The continuity scores of `estimated` against `reference`.
///
/// For each estimated beat (in time order) take its nearest reference beat (the earlier one on a
/// tie). The beat is correct when that reference beat has not already been claimed and both
///
/// - phase: `|estimate - reference| / reference interval < phase_threshold`, and
/// - period: `|1 - estimated interval / reference interval| < period_threshold`
///
/// hold, with strict `<` (mir_eval defaults [`crate::CONTINUITY_PHASE_THRESHOLD`] and
/// [`crate::CONTINUITY_PERIOD_THRESHOLD`], both 0.175). The intervals are those to the previous
/// beat of each list, except for the first estimate or the first reference beat, which look
/// forward instead (and a last beat, which has nothing ahead, looks back). A correct beat claims
/// its reference beat. Both scores divide by `max(n_reference, n_estimated)` of the variation at
/// hand, so a tracker with too few beats cannot reach 1.
///
/// Returns zeros when either list has fewer than two beats (no interval; mir_eval warns and
/// returns 0). Zero-length intervals from duplicated beats follow mir_eval: a duplicate reference
/// beat makes the forward-looking case fail, and the backward case fails through the NaN or
/// infinity the division gives.
pub fn continuity(
    reference: &[f64],
    estimated: &[f64],
    phase_threshold: f64,
    period_threshold: f64,
) -> Continuity {
    let reference = clean_times(reference);
    let estimated = clean_times(estimated);
    let mut out = Continuity {
        cmlc: 0.0,
        cmlt: 0.0,
        amlc: 0.0,
        amlt: 0.0,
    };
    if reference.len() < 2 || estimated.len() < 2 {
        return out;
    }
    let thresholds = (phase_threshold, period_threshold);
    for (k, variation) in reference_variations(&reference).iter().enumerate() {
        let (continuous, total) = score_variation(variation, &estimated, thresholds);
        if k == 0 {
            out.cmlc = continuous;
            out.cmlt = total;
        }
        out.amlc = out.amlc.max(continuous);
        out.amlt = out.amlt.max(total);
    }
    out
}

/// (longest run of correct beats, number of correct beats), each over `max(n_ref, n_est)`, for
/// one variation of the reference. `estimated` has at least two beats.
fn score_variation(reference: &[f64], estimated: &[f64], thresholds: (f64, f64)) -> (f64, f64) {
    let n = reference.len().max(estimated.len());
    let mut claimed = vec![false; reference.len()];
    let (mut run, mut longest, mut correct) = (0usize, 0usize, 0usize);
    for m in 0..estimated.len() {
        match correct_beat(reference, estimated, m, &claimed, thresholds) {
            Some(k) => {
                claimed[k] = true;
                correct += 1;
                run += 1;
                longest = longest.max(run);
            }
            None => run = 0,
        }
    }
    (longest as f64 / n as f64, correct as f64 / n as f64)
}

/// The index of the reference beat that estimate `m` correctly hits, if it does.
fn correct_beat(
    reference: &[f64],
    estimated: &[f64],
    m: usize,
    claimed: &[bool],
    (phase_threshold, period_threshold): (f64, f64),
) -> Option<usize> {
    let (k, distance) = nearest(reference, estimated[m])?;
    if claimed[k] {
        return None;
    }
    let (phase, period) = if m == 0 || k == 0 {
        // Look forward from the first beat of either list; back when there is nothing ahead.
        let reference_interval = match (reference.get(k + 1), k.checked_sub(1)) {
            (Some(&next), _) => next - reference[k],
            (None, Some(previous)) => reference[k] - reference[previous],
            // A one-beat variation: mir_eval's `r[k] - r[k - 1]` wraps to `r[0] - r[0]`.
            (None, None) => 0.0,
        };
        let estimated_interval = match (estimated.get(m + 1), m.checked_sub(1)) {
            (Some(&next), _) => next - estimated[m],
            (None, Some(previous)) => estimated[m] - estimated[previous],
            (None, None) => 0.0,
        };
        if reference_interval == 0.0 {
            // Duplicated reference beats: mir_eval's special case, which never passes a
            // threshold below 1 on phase.
            let phase = if distance == 0.0 { 1.0 } else { f64::INFINITY };
            let period = if estimated_interval == 0.0 {
                0.0
            } else {
                f64::INFINITY
            };
            (phase, period)
        } else {
            (
                (distance / reference_interval).abs(),
                (1.0 - estimated_interval / reference_interval).abs(),
            )
        }
    } else {
        // Both m and k are at least 1 here.
        let reference_interval = reference[k] - reference[k - 1];
        let estimated_interval = estimated[m] - estimated[m - 1];
        (
            (distance / reference_interval).abs(),
            (1.0 - estimated_interval / reference_interval).abs(),
        )
    };
    (phase < phase_threshold && period < period_threshold).then_some(k)
}
