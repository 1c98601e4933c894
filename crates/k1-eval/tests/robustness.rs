//! No input panics: non-finite times are dropped, unsorted lists sorted, and degenerate lists
//! (duplicates, one beat, huge times) give finite scores.

use k1_eval::{
    CEMGIL_SIGMA, CONTINUITY_PERIOD_THRESHOLD, CONTINUITY_PHASE_THRESHOLD, F_MEASURE_WINDOW,
    ONSET_WINDOW, P_SCORE_THRESHOLD, cemgil, clean_times, continuity, f_measure, onset_scores,
    p_score, score_beats, tempo_accuracy, trim_beats,
};

#[test]
fn non_finite_times_are_dropped_and_the_rest_sorted() {
    let messy = [6.0, f64::NAN, 5.0, f64::INFINITY, 5.5, f64::NEG_INFINITY];
    assert_eq!(clean_times(&messy), [5.0, 5.5, 6.0]);
    assert_eq!(trim_beats(&messy, 5.5), [5.5, 6.0]);
    assert!(trim_beats(&messy, f64::NAN).is_empty());
    // Scored as if given clean: a perfect estimate of 5.0, 5.5, 6.0.
    let s = score_beats(&[5.0, 5.5, 6.0], &messy, 0.0);
    assert_eq!(
        (s.n_estimated, s.f_measure, s.cemgil, s.p_score, s.amlt),
        (3, 1.0, 1.0, 1.0, 1.0)
    );
    assert_eq!(onset_scores(&messy, &[5.5], ONSET_WINDOW).hits, 1);
}

#[test]
fn degenerate_lists_give_finite_scores() {
    let lists: [&[f64]; 9] = [
        &[],
        &[5.0],
        &[5.0, 5.0],
        &[5.0, 5.0, 5.0, 6.0],
        &[7.0, 5.0, 6.0],
        &[-1e300, 1e300],
        &[1e300, 1e300 + 1e290, 1e301],
        &[0.0, -0.0, 1e-300],
        &[5.0, 5.5, 6.0, 6.5, 7.0, 7.5],
    ];
    for r in lists {
        for e in lists {
            let s = score_beats(r, e, 0.0);
            let c = continuity(
                r,
                e,
                CONTINUITY_PHASE_THRESHOLD,
                CONTINUITY_PERIOD_THRESHOLD,
            );
            let g = cemgil(r, e, CEMGIL_SIGMA);
            let o = onset_scores(r, e, ONSET_WINDOW);
            let all = [
                s.f_measure,
                s.cemgil,
                s.cemgil_best,
                s.p_score,
                s.cmlc,
                s.cmlt,
                s.amlc,
                s.amlt,
                c.amlt,
                g.best,
                f_measure(r, e, F_MEASURE_WINDOW),
                p_score(r, e, P_SCORE_THRESHOLD),
                o.precision,
                o.recall,
                o.f_measure,
            ];
            assert!(
                all.iter().all(|x| x.is_finite() && *x >= 0.0),
                "{r:?} {e:?}: {all:?}"
            );
            // F and continuity are at most 1. Cemgil is a sum of at most n_reference ones over
            // (n_reference + n_estimated) / 2 with n_estimated >= 1, so below 2 (it passes 1 only
            // when reference beats crowd round one estimate, as [5, 5] against [5] does).
            let bounded = [s.f_measure, s.cmlc, s.cmlt, s.amlc, s.amlt];
            assert!(
                bounded.iter().all(|&x| x <= 1.0),
                "{r:?} {e:?}: {bounded:?}"
            );
            assert!(s.cemgil < 2.0 && s.cemgil_best < 2.0, "{r:?} {e:?}: {s:?}");
        }
    }
}

#[test]
fn bad_parameters_give_zero_not_nan() {
    let r = [5.0, 5.5, 6.0];
    assert_eq!(f_measure(&r, &r, f64::NAN), 0.0);
    assert_eq!(f_measure(&r, &r, -0.07), 0.0);
    for sigma in [0.0, -0.04, f64::NAN, f64::INFINITY] {
        let g = cemgil(&r, &r, sigma);
        assert_eq!((g.score, g.best), (0.0, 0.0));
    }
    let c = continuity(&r, &r, f64::NAN, f64::NAN);
    assert_eq!((c.cmlc, c.cmlt, c.amlc, c.amlt), (0.0, 0.0, 0.0, 0.0));
    assert_eq!(onset_scores(&r, &r, f64::NAN).hits, 0);
    assert_eq!(tempo_accuracy(120.0, 120.0, f64::NAN), (false, false));
}
