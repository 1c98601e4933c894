//! Onset scores and tempo accuracy on hand-computed cases.

use k1_eval::{ONSET_WINDOW, OnsetScores, TEMPO_TOLERANCE, onset_scores, tempo_accuracy};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs()
}

#[test]
fn onsets_with_two_hits_of_three_against_four() {
    // 1.03125 is 31.25 ms late for 1.0, 1.984375 is 15.625 ms early for 2.0: hits within
    // ±50 ms. 3.5 is 500 ms from 3.0 and 4.0: a false alarm; 3.0 and 4.0 are missed.
    // P = 2/3, R = 2/4, F = 4/7. Signed errors +0.03125 and -0.015625: median
    // (0.03125 - 0.015625) / 2 = 0.0078125. Absolute errors 0.03125 and 0.015625: median
    // 0.046875 / 2 = 0.0234375. All of these are exact in binary.
    let s = onset_scores(
        &[1.0, 2.0, 3.0, 4.0],
        &[1.03125, 1.984375, 3.5],
        ONSET_WINDOW,
    );
    assert_eq!((s.n_reference, s.n_estimated, s.hits), (4, 3, 2));
    assert!(close(s.precision, 2.0 / 3.0));
    assert_eq!(s.recall, 0.5);
    assert!(close(s.f_measure, 4.0 / 7.0));
    assert_eq!(s.median_signed_error, Some(0.0078125));
    assert_eq!(s.median_abs_error, Some(0.0234375));
}

#[test]
fn onset_error_medians_of_an_odd_count() {
    // Signed errors +1/128, +1/64, -5/128 (0.0078125, 0.015625, -0.0390625): sorted, the middle
    // one is 0.0078125. Absolute: 0.0078125, 0.015625, 0.0390625, middle 0.015625. 3 hits of 3.
    let s = onset_scores(
        &[1.0, 2.0, 3.0],
        &[1.0078125, 2.015625, 2.9609375],
        ONSET_WINDOW,
    );
    assert_eq!((s.precision, s.recall, s.f_measure), (1.0, 1.0, 1.0));
    assert_eq!(s.median_signed_error, Some(0.0078125));
    assert_eq!(s.median_abs_error, Some(0.015625));
}

#[test]
fn onset_at_the_window_edge_is_a_hit() {
    // 3.0625 - 0.0625 = 3 exactly and the test is `<=`: a hit with error 1/16.
    let s = onset_scores(&[3.0], &[3.0625], 0.0625);
    assert_eq!(s.hits, 1);
    assert_eq!(s.median_signed_error, Some(0.0625));
}

#[test]
fn onsets_match_one_to_one_and_maximally() {
    // Two detections of one onset: 1 hit, P = 1/2, R = 1, F = 1 / 1.5 = 2/3.
    let s = onset_scores(&[1.0], &[1.0, 1.0], ONSET_WINDOW);
    assert_eq!(s.hits, 1);
    assert!(close(s.f_measure, 2.0 / 3.0));
    // 0.95 fits only 1.0 (window 60 ms), 1.05 fits 1.0 and 1.1: pairing 0.95-1.0 and 1.05-1.1
    // gives 2 hits, the maximum.
    assert_eq!(onset_scores(&[1.0, 1.1], &[0.95, 1.05], 0.06).hits, 2);
}

#[test]
fn empty_onset_lists_score_zero_with_no_errors() {
    let zero = |n_reference, n_estimated| OnsetScores {
        n_reference,
        n_estimated,
        hits: 0,
        precision: 0.0,
        recall: 0.0,
        f_measure: 0.0,
        median_abs_error: None,
        median_signed_error: None,
    };
    assert_eq!(onset_scores(&[], &[1.0], ONSET_WINDOW), zero(0, 1));
    assert_eq!(onset_scores(&[1.0], &[], ONSET_WINDOW), zero(1, 0));
    assert_eq!(onset_scores(&[], &[], ONSET_WINDOW), zero(0, 0));
    // Both present but 1 s apart: no hit, so P = R = F = 0 and no errors.
    assert_eq!(onset_scores(&[1.0], &[2.0], ONSET_WINDOW), zero(1, 1));
}

#[test]
fn tempo_accuracy_1_is_within_four_percent() {
    // 124 / 120 = 1.0333: 3.3 % off, inside. 125 / 120 = 1.04167: outside, and no other factor
    // comes near (125 / 240 = 0.52, 125 / 60 = 2.08, 125 / 360 = 0.35, 125 / 40 = 3.1).
    assert_eq!(tempo_accuracy(120.0, 120.0, TEMPO_TOLERANCE), (true, true));
    assert_eq!(tempo_accuracy(120.0, 124.0, TEMPO_TOLERANCE), (true, true));
    assert_eq!(tempo_accuracy(120.0, 116.0, TEMPO_TOLERANCE), (true, true));
    assert_eq!(
        tempo_accuracy(120.0, 125.0, TEMPO_TOLERANCE),
        (false, false)
    );
}

#[test]
fn tempo_accuracy_2_forgives_double_half_triple_and_third() {
    for estimate in [240.0, 60.0, 360.0, 40.0] {
        assert_eq!(
            tempo_accuracy(120.0, estimate, TEMPO_TOLERANCE),
            (false, true),
            "{estimate}"
        );
    }
    // 3/2 and 2/3 are not among the factors.
    assert_eq!(
        tempo_accuracy(120.0, 180.0, TEMPO_TOLERANCE),
        (false, false)
    );
    assert_eq!(tempo_accuracy(120.0, 80.0, TEMPO_TOLERANCE), (false, false));
    // The tolerance is relative to the scaled tempo: 207 is 3.5 % from 200 (inside), though it
    // is 7 BPM off, more than 4 % of the 100 BPM reference.
    assert_eq!(tempo_accuracy(100.0, 207.0, TEMPO_TOLERANCE), (false, true));
}

#[test]
fn tempo_tolerance_edge_is_inclusive() {
    // 136 / 128 = 1.0625 exactly: |1 - 1.0625| = 0.0625 <= 0.0625. One f64 step above 136
    // divides to 1.0625 + 2^-52 and falls outside.
    assert_eq!(tempo_accuracy(128.0, 136.0, 0.0625), (true, true));
    assert_eq!(
        tempo_accuracy(128.0, 136f64.next_up(), 0.0625),
        (false, false)
    );
}

#[test]
fn tempo_without_a_positive_finite_tempo_is_wrong() {
    for (reference, estimate) in [
        (0.0, 120.0),
        (120.0, 0.0),
        (f64::NAN, 120.0),
        (120.0, f64::INFINITY),
        (-120.0, -120.0),
    ] {
        assert_eq!(
            tempo_accuracy(reference, estimate, TEMPO_TOLERANCE),
            (false, false)
        );
    }
}
