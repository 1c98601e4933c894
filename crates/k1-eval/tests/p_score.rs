//! McKinney's P-score on hand-computed cases that pin down mir_eval's sampling details: 100 Hz
//! impulse trains indexed by `ceil((t - earliest) * 100)`, merged impulses, a window of
//! `round_half_even(0.2 * median reference interval)` samples, and a divisor of the longer list.

use k1_eval::{P_SCORE_THRESHOLD, p_score};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs()
}

#[test]
fn p_score_is_symmetric_when_both_lists_have_the_same_median_interval() {
    // Reference 5.0, 5.5, 6.0, 6.5, 7.0 -> samples 0, 50, 100, 150, 200 (the earliest beat of
    // either list, 5.0, is sample 0). Estimates 1/16 s late except the third, 1/4 s late:
    // 5.0625 -> ceil(6.25) = 7, 5.5625 -> 57, 6.25 -> 125, 6.5625 -> 157, 7.0625 -> 207.
    let r = [5.0, 5.5, 6.0, 6.5, 7.0];
    let e = [5.0625, 5.5625, 6.25, 6.5625, 7.0625];
    // Forward: median reference interval 50, window round(10.0) = 10. Pairs within 10:
    // 0-7, 50-57, 150-157, 200-207; 100 is 25 from 125. 4 pairs / 5 = 0.8.
    assert!(close(p_score(&r, &e, P_SCORE_THRESHOLD), 0.8));
    // Swapped: the estimate intervals are 50, 68, 32, 50, median (50 + 50) / 2 = 50, window 10,
    // and the same four pairs: 0.8 again.
    assert!(close(p_score(&e, &r, P_SCORE_THRESHOLD), 0.8));
}

#[test]
fn p_score_window_rounds_half_to_even() {
    // Reference 5.0, 5.5, 6.25 -> samples 0, 50, 125: intervals 50 and 75, median 62.5, and
    // 0.2 * 62.5 = 12.5 (exactly, in f64), which numpy rounds to 12, not 13.
    let r = [5.0, 5.5, 6.25];
    // 6.375 -> ceil(137.5) = 138, 13 samples from 125: outside. Pairs 0-0 and 50-50: 2/3.
    assert!(close(
        p_score(&r, &[5.0, 5.5, 6.375], P_SCORE_THRESHOLD),
        2.0 / 3.0
    ));
    // 6.3671875 -> ceil(136.71875) = 137, 12 samples from 125: inside. 3 pairs / 3 = 1.
    assert_eq!(p_score(&r, &[5.0, 5.5, 6.3671875], P_SCORE_THRESHOLD), 1.0);
}

#[test]
fn beats_in_one_ten_millisecond_sample_make_one_impulse() {
    // Reference 5, 6, 7, 8 -> samples 0, 100, 200, 300, median 100, window 20.
    // Estimates 6.002 and 6.004 -> (1.002 * 100 = 100.2 and 100.4, up to a rounding error near
    // 1e-13, far from any integer) both ceil to 101: one impulse. Estimate impulses 0, 101, 200,
    // 300 give 4 pairs, divided by the 5 estimates as listed: 0.8.
    let r = [5.0, 6.0, 7.0, 8.0];
    let e = [5.0, 6.002, 6.004, 7.0, 8.0];
    assert!(close(p_score(&r, &e, P_SCORE_THRESHOLD), 0.8));
}

#[test]
fn p_score_pairs_are_not_one_to_one_and_can_exceed_one() {
    // Reference and estimate both 5.0, 5.0625, 6.0, 7.0 -> samples 0, 7, 100, 200.
    // Intervals 7, 93, 100: median 93, window round(18.6) = 19. Pairs within 19: 0 with 0 and 7,
    // 7 with 0 and 7, 100-100, 200-200: 6 pairs over max(4, 4) = 4 beats: 1.5.
    let r = [5.0, 5.0625, 6.0, 7.0];
    assert_eq!(p_score(&r, &r, P_SCORE_THRESHOLD), 1.5);
}

#[test]
fn p_score_degenerate_inputs_score_zero() {
    // Both reference beats in one sample (0.2 and 0.4 ceil to 1): no interval to take the median
    // of, where mir_eval fails.
    assert_eq!(
        p_score(&[5.002, 5.004], &[5.0, 6.0], P_SCORE_THRESHOLD),
        0.0
    );
    // A negative or NaN threshold: no lag to sum over.
    let r = [5.0, 6.0, 7.0];
    assert_eq!(p_score(&r, &r, -0.2), 0.0);
    assert_eq!(p_score(&r, &r, f64::NAN), 0.0);
    // A zero threshold keeps lag 0 only: 3 coincident impulses / 3.
    assert_eq!(p_score(&r, &r, 0.0), 1.0);
}
