//! Tempo Accuracy 1 and Accuracy 2.

/// Whether a tempo estimate is right, as `(Accuracy 1, Accuracy 2)`, the convention of Gouyon et
/// al. (2006) that MIREX reports and madmom implements:
///
/// - Accuracy 1: `|estimated / reference - 1| <= tolerance`, the estimate within `tolerance`
///   (default [`crate::TEMPO_TOLERANCE`], 4 %) of the reference tempo.
/// - Accuracy 2: the same test against any of `reference`, `2 · reference`, `reference / 2`,
///   `3 · reference` and `reference / 3`, each with the tolerance relative to that target. It
///   forgives octave errors (a tracker on the half or double beat) and the triple-meter ones.
///
/// This is not mir_eval's `tempo.detection`, which scores two weighted reference tempi with an
/// 8 % tolerance. Both accuracies are `false` unless both tempi are finite and positive (0 BPM
/// means "no tempo found").
pub fn tempo_accuracy(reference_bpm: f64, estimated_bpm: f64, tolerance: f64) -> (bool, bool) {
    let valid = |bpm: f64| bpm.is_finite() && bpm > 0.0;
    if !valid(reference_bpm) || !valid(estimated_bpm) {
        return (false, false);
    }
    let hit = |target: f64| (1.0 - estimated_bpm / target).abs() <= tolerance;
    let acc1 = hit(reference_bpm);
    let acc2 = acc1
        || [
            reference_bpm * 2.0,
            reference_bpm / 2.0,
            reference_bpm * 3.0,
            reference_bpm / 3.0,
        ]
        .into_iter()
        .any(hit);
    (acc1, acc2)
}
