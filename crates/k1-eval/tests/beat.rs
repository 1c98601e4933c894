//! Beat metrics on hand-computed cases. Every expected value is worked out in the comments from
//! mir_eval's definitions; the times are multiples of 1/64 s wherever a result could hinge on the
//! last bit of an `f64`, so the arithmetic in the comments is exactly the arithmetic the code does.

use k1_eval::{
    BeatScores, CEMGIL_SIGMA, CONTINUITY_PERIOD_THRESHOLD, CONTINUITY_PHASE_THRESHOLD, Cemgil,
    Continuity, DEFAULT_MIN_BEAT_TIME, F_MEASURE_WINDOW, P_SCORE_THRESHOLD, cemgil, continuity,
    f_measure, p_score, score_beats, trim_beats,
};

/// `n` beats from `start`, `step` apart.
fn grid(start: f64, step: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| start + step * i as f64).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
}

fn continuity_default(r: &[f64], e: &[f64]) -> Continuity {
    continuity(
        r,
        e,
        CONTINUITY_PHASE_THRESHOLD,
        CONTINUITY_PERIOD_THRESHOLD,
    )
}

#[test]
fn f_measure_with_two_hits_of_three_estimates_against_four_beats() {
    // 5.03125 is 31 ms from 5.0 and 5.953125 is 47 ms from 6.0: hits. 6.25 is 250 ms from both
    // 6.0 and 6.5: a miss, and 5.5 and 6.5 have no estimate.
    // P = 2/3, R = 2/4, F = 2PR / (P + R) = (2/3) / (7/6) = 4/7.
    let r = [5.0, 5.5, 6.0, 6.5];
    let e = [5.03125, 5.953125, 6.25];
    assert!(close(f_measure(&r, &e, F_MEASURE_WINDOW), 4.0 / 7.0));
}

#[test]
fn f_measure_counts_a_distance_equal_to_the_window() {
    // 10.0625 - 0.0625 = 10 exactly, and mir_eval's hit test is `<=`: one hit, P = R = F = 1.
    assert_eq!(f_measure(&[10.0], &[10.0625], 0.0625), 1.0);
    assert_eq!(f_measure(&[10.0], &[9.9375], 0.0625), 1.0);
    // One f64 step further (10.0625 + 2^-49) leaves 10 + 2^-49 > 10 as the window's start: no hit.
    assert_eq!(f_measure(&[10.0], &[10.0625f64.next_up()], 0.0625), 0.0);
}

#[test]
fn f_measure_matches_one_to_one() {
    // Two estimates on one beat: one hit. P = 1/2, R = 1/1, F = 1 / 1.5 = 2/3.
    assert!(close(
        f_measure(&[6.0], &[6.0, 6.0], F_MEASURE_WINDOW),
        2.0 / 3.0
    ));
}

#[test]
fn empty_lists_score_zero_as_in_mir_eval() {
    let some = grid(5.0, 0.5, 8);
    for (r, e) in [
        (&[][..], &some[..]),
        (&some[..], &[][..]),
        (&[][..], &[][..]),
    ] {
        assert_eq!(f_measure(r, e, F_MEASURE_WINDOW), 0.0);
        assert_eq!(
            cemgil(r, e, CEMGIL_SIGMA),
            Cemgil {
                score: 0.0,
                best: 0.0
            }
        );
        assert_eq!(p_score(r, e, P_SCORE_THRESHOLD), 0.0);
        let zero = Continuity {
            cmlc: 0.0,
            cmlt: 0.0,
            amlc: 0.0,
            amlt: 0.0,
        };
        assert_eq!(continuity_default(r, e), zero);
    }
}

#[test]
fn one_beat_has_no_interval_for_p_score_and_continuity() {
    // One reference and one estimate on it: F = 1, and Cemgil = exp(0) / ((1 + 1) / 2) = 1 for
    // the reference as is (its off-beat and half-even variations are empty and score 0).
    // P-score and continuity need an interval, so mir_eval returns 0 for them.
    assert_eq!(f_measure(&[6.0], &[6.0], F_MEASURE_WINDOW), 1.0);
    assert_eq!(
        cemgil(&[6.0], &[6.0], CEMGIL_SIGMA),
        Cemgil {
            score: 1.0,
            best: 1.0
        }
    );
    assert_eq!(p_score(&[6.0, 7.0], &[6.0], P_SCORE_THRESHOLD), 0.0);
    assert_eq!(continuity_default(&[6.0], &[6.0, 7.0]).amlt, 0.0);
}

#[test]
fn a_perfect_sequence_scores_one_everywhere() {
    // Ten beats at 120 BPM from 5 s, estimated exactly.
    // F: 10 hits, P = R = 1. Cemgil: ten exp(0) over (10 + 10) / 2 = 1; no variation beats that.
    // P-score: impulses at 0, 50, ..., 450 samples, median interval 50, window round(0.2 * 50)
    // = 10; each impulse pairs only with its twin (the next is 50 away): 10 pairs / 10 = 1.
    // Continuity: every phase is 0 and every period |1 - 0.5/0.5| = 0, so all ten are correct.
    let r = grid(5.0, 0.5, 10);
    let s = score_beats(&r, &r, DEFAULT_MIN_BEAT_TIME);
    let one = BeatScores {
        n_reference: 10,
        n_estimated: 10,
        f_measure: 1.0,
        cemgil: 1.0,
        cemgil_best: 1.0,
        p_score: 1.0,
        cmlc: 1.0,
        cmlt: 1.0,
        amlc: 1.0,
        amlt: 1.0,
    };
    assert_eq!(s, one);
}

#[test]
fn beats_in_the_skipped_start_are_trimmed_away() {
    // The reference has beats from 0.5 s, the tracker only finds the beat at 5 s, and it also
    // fired twice at random in the first seconds. Trimming at 5 s leaves 5.0 ..= 9.5 in both
    // (5.0 itself is kept: mir_eval keeps t >= min_time), so everything is 1 as above.
    let r = grid(0.5, 0.5, 19);
    let mut e = grid(5.0, 0.5, 10);
    e.extend([1.1, 3.3]);
    assert_eq!(trim_beats(&[4.0, 5.0, 6.0], 5.0), [5.0, 6.0]);
    let s = score_beats(&r, &e, 5.0);
    assert_eq!((s.n_reference, s.n_estimated), (10, 10));
    assert_eq!((s.f_measure, s.cemgil, s.p_score), (1.0, 1.0, 1.0));
    assert_eq!((s.cmlc, s.cmlt, s.amlc, s.amlt), (1.0, 1.0, 1.0, 1.0));
    // Without trimming the nine early reference beats count as misses: 10 hits of 12 estimates
    // and 19 references, F = 2 * 10 / (12 + 19) = 20/31.
    assert!(close(score_beats(&r, &e, 0.0).f_measure, 20.0 / 31.0));
}

#[test]
fn an_off_beat_tracker_scores_zero_at_the_correct_level_and_one_at_any_level() {
    // Reference 5.0, 5.5, ..., 9.0 (9 beats); the tracker taps the 8 off-beats 5.25, ..., 8.75.
    let r = grid(5.0, 0.5, 9);
    let e = grid(5.25, 0.5, 8);
    // Every estimate is 0.25 s from a beat, outside ±70 ms: F = 0.
    assert_eq!(f_measure(&r, &e, F_MEASURE_WINDOW), 0.0);
    // CML: each estimate's phase is 0.25 / 0.5 = 0.5 >= 0.175, so none is correct.
    // AML: the off-beat variation is the midpoints 5.25, ..., 8.75, the estimates exactly: phase
    // 0, period |1 - 0.5/0.5| = 0, all 8 correct, over max(8, 8) = 8.
    let c = continuity_default(&r, &e);
    assert_eq!(
        c,
        Continuity {
            cmlc: 0.0,
            cmlt: 0.0,
            amlc: 1.0,
            amlt: 1.0
        }
    );
    // Cemgil as annotated: each of the 9 beats is 0.25 s from an estimate, so each adds
    // exp(-0.25² / (2 * 0.04²)) = exp(-0.0625 / 0.0032) = exp(-19.53125); the sum is divided by
    // (8 + 9) / 2 = 8.5. Off-beat variation: 8 beats at distance 0 over (8 + 8) / 2: 1.
    let g = cemgil(&r, &e, CEMGIL_SIGMA);
    assert!(close(g.score, 9.0 * (-19.53125f64).exp() / 8.5));
    assert_eq!(g.best, 1.0);
    // P-score: reference impulses 0, 50, ..., 400, window 10; estimates at 25, 75, ..., 375
    // are 25 samples from every beat: no pairs, 0.
    assert_eq!(p_score(&r, &e, P_SCORE_THRESHOLD), 0.0);
}

#[test]
fn a_double_tempo_tracker_scores_one_at_any_level() {
    // Reference 5.0, 5.5, ..., 9.0 (9 beats); the tracker taps every 0.25 s: 5.0, ..., 9.0 (17).
    let r = grid(5.0, 0.5, 9);
    let e = grid(5.0, 0.25, 17);
    // F: all 9 beats hit. P = 9/17, R = 1, F = (18/17) / (26/17) = 9/13.
    assert!(close(f_measure(&r, &e, F_MEASURE_WINDOW), 9.0 / 13.0));
    // CML: the estimates on the beat have phase 0 but period |1 - 0.25/0.5| = 0.5; those between
    // beats are 0.25 from both neighbours (the earlier wins the tie) and have phase 0.5. None is
    // correct. AML: the double-tempo variation (beats and midpoints, 17 of them) is the estimate
    // list itself: all 17 correct over max(17, 17).
    let c = continuity_default(&r, &e);
    assert_eq!(
        c,
        Continuity {
            cmlc: 0.0,
            cmlt: 0.0,
            amlc: 1.0,
            amlt: 1.0
        }
    );
    // Cemgil as annotated: 9 beats at distance 0 over (17 + 9) / 2 = 13: 9/13. Double-tempo
    // variation: 17 at distance 0 over (17 + 17) / 2: 1.
    let g = cemgil(&r, &e, CEMGIL_SIGMA);
    assert!(close(g.score, 9.0 / 13.0));
    assert_eq!(g.best, 1.0);
    // P-score: window 10 samples; each reference impulse pairs with the estimate on it only (the
    // next estimate is 25 away): 9 pairs / max(9, 17) = 9/17.
    assert!(close(p_score(&r, &e, P_SCORE_THRESHOLD), 9.0 / 17.0));
}

#[test]
fn a_half_tempo_tracker_scores_one_at_any_level() {
    // Reference 5.0, 5.5, ..., 9.5 (10 beats); the tracker taps 5, 6, 7, 8, 9 (5 beats).
    let r = grid(5.0, 0.5, 10);
    let e = grid(5.0, 1.0, 5);
    // F: 5 hits. P = 1, R = 1/2, F = 1 / 1.5 = 2/3.
    assert!(close(f_measure(&r, &e, F_MEASURE_WINDOW), 2.0 / 3.0));
    // CML: each estimate is on a beat but its period is |1 - 1.0/0.5| = 1. AML: the half-tempo
    // variation on odd beats (5, 6, 7, 8, 9) is the estimate list: 5 correct over max(5, 5).
    let c = continuity_default(&r, &e);
    assert_eq!(
        c,
        Continuity {
            cmlc: 0.0,
            cmlt: 0.0,
            amlc: 1.0,
            amlt: 1.0
        }
    );
    // Cemgil as annotated: 5 beats at distance 0 and 5 at 0.5 s, each of those adding
    // exp(-0.25 / 0.0032) = exp(-78.125); over (5 + 10) / 2 = 7.5. Odd half tempo: 5 / 5 = 1.
    let g = cemgil(&r, &e, CEMGIL_SIGMA);
    assert!(close(g.score, (5.0 + 5.0 * (-78.125f64).exp()) / 7.5));
    assert_eq!(g.best, 1.0);
    // P-score: window 10; estimate impulses 0, 100, ..., 400 each pair with the beat on them:
    // 5 pairs / max(10, 5) = 1/2.
    assert_eq!(p_score(&r, &e, P_SCORE_THRESHOLD), 0.5);
}

#[test]
fn one_late_beat_breaks_the_run() {
    // Reference 5.0, ..., 9.5 (10 beats); the estimate is the same but its sixth beat is at
    // 7.625 instead of 7.5.
    let r = grid(5.0, 0.5, 10);
    let mut e = r.clone();
    e[5] = 7.625;
    // F: 7.625 is 125 ms from 7.5, a miss: 9 hits of 10 and 10, F = 0.9.
    assert!(close(f_measure(&r, &e, F_MEASURE_WINDOW), 0.9));
    // Continuity: beat 5 has phase 0.125 / 0.5 = 0.25 (fails); beat 6 (8.0) is on its beat but
    // follows 7.625, so its interval 0.375 gives period |1 - 0.375/0.5| = 0.25 (fails). Correct:
    // beats 0-4 and 7-9, 8 of 10; the longest run is 0-4, 5 of 10. No variation does better:
    // the off-beat phases are all >= 0.25, and at double or half tempo every period is >= 0.5.
    let c = continuity_default(&r, &e);
    assert_eq!(
        c,
        Continuity {
            cmlc: 0.5,
            cmlt: 0.8,
            amlc: 0.5,
            amlt: 0.8
        }
    );
    // Cemgil: 9 beats at distance 0, and 7.5 at 0.125 s, adding exp(-0.015625 / 0.0032) =
    // exp(-4.8828125); over (10 + 10) / 2 = 10. The best variation (half tempo on odd beats, all
    // five on an estimate) gets only 5 / ((10 + 5) / 2) = 2/3, so best = score.
    let g = cemgil(&r, &e, CEMGIL_SIGMA);
    assert!(close(g.score, (9.0 + (-4.8828125f64).exp()) / 10.0));
    assert_eq!(g.best, g.score);
    // P-score: 7.625 is sample ceil(2.625 * 100) = 263, 13 from 250 and 37 from 300, beyond the
    // window of 10: 9 pairs / 10.
    assert!(close(p_score(&r, &e, P_SCORE_THRESHOLD), 0.9));
}
