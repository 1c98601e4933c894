//! The two searches every metric is built on: a maximum one-to-one matching of two event lists
//! within a window, and the nearest event to a time.
//!
//! Both take slices that are sorted ascending and finite (what [`crate::clean_times`] returns) and
//! run in linear or logarithmic time. mir_eval computes the same things with an all-pairs distance
//! matrix, a Hopcroft-Karp matching and `argmin`; the tests below check these against brute force.

/// A maximum set of pairs `(reference index, estimated index)` in which every reference lies in
/// its estimate's window and no index is used twice: mir_eval's `util.match_events`, whose size is
/// the number of hits behind precision and recall.
///
/// The window test is mir_eval 0.8's (`_fast_hit_windows`): `reference[i]` fits `estimated[j]`
/// when `estimated[j] - window <= reference[i] <= estimated[j] + window`, with both ends rounded
/// to `f64`. (mir_eval 0.7 and older tested the rounded `|reference[i] - estimated[j]| <= window`
/// instead; the two can disagree only when the distance equals the window to the last bit.)
///
/// Both slices must be sorted ascending. The pairs come out in increasing order of both indices.
/// A negative or NaN `window` matches nothing.
///
/// # Why a two-pointer sweep is a maximum matching
///
/// Write `lo(e)` and `hi(e)` for the rounded window ends `e - window` and `e + window`. Rounding
/// is monotone, so both are non-decreasing in `e`, exactly as the true ends are; every step below
/// uses only that. Look at the first remaining reference `r` and the first remaining estimate
/// `e`:
///
/// - `hi(e) < r` (`e` is too early for `r`): it is too early for every later reference too, so
///   `e` has no partner at all. Dropping it loses nothing.
/// - `lo(e) > r` (`e` is too late for `r`): every later estimate `e'` has `lo(e') >= lo(e) > r`,
///   so `r` has no partner. Dropping it loses nothing.
/// - `lo(e) <= r <= hi(e)`: some maximum matching pairs `r` with `e`. Take any maximum matching
///   `M`. `r` and `e` cannot both be free in `M` (adding the pair would enlarge it). If only one
///   is matched, re-point its pair to the other. If `r`-`e'` and `r'`-`e` are both in `M`, then
///   `r <= r'` and `e <= e'`, so `lo(e') <= r <= r'` and `r' <= hi(e) <= hi(e')`: `r'`-`e'` is a
///   valid pair, and swapping to `r`-`e` plus `r'`-`e'` keeps the size. Either way, pairing `r`
///   with `e` and recursing on the rest is optimal.
///
/// Each step drops at least one event, so the sweep is `O(n + m)`.
pub(crate) fn match_events(
    reference: &[f64],
    estimated: &[f64],
    window: f64,
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    if window.is_nan() || window < 0.0 {
        return pairs;
    }
    let (mut i, mut j) = (0, 0);
    while i < reference.len() && j < estimated.len() {
        let (r, e) = (reference[i], estimated[j]);
        if e + window < r {
            j += 1;
        } else if e - window > r {
            i += 1;
        } else {
            pairs.push((i, j));
            i += 1;
            j += 1;
        }
    }
    pairs
}

/// Whether `reference` fits `estimated`'s window, by the same rounded test as [`match_events`].
#[cfg(test)]
fn fits(reference: f64, estimated: f64, window: f64) -> bool {
    estimated - window <= reference && reference <= estimated + window
}

/// The index of the event in `sorted` closest to `t` and its distance `|t - sorted[k]|`, with
/// numpy's `argmin` tie rule: among equal distances the lowest index wins. `None` when `sorted`
/// is empty.
///
/// The computed distance falls (weakly) up to the insertion point of `t` and rises (weakly) after
/// it, so the minimum is at one of the two events around that point, and the events that share
/// it form one run; a second binary search finds the run's start.
pub(crate) fn nearest(sorted: &[f64], t: f64) -> Option<(usize, f64)> {
    let split = sorted.partition_point(|&x| x < t);
    let below = split.checked_sub(1).map(|k| (t - sorted[k]).abs());
    let above = sorted.get(split).map(|&x| (t - x).abs());
    match (below, above) {
        (None, None) => None,
        (None, Some(d)) => Some((split, d)),
        (Some(b), Some(a)) if a < b => Some((split, a)),
        (Some(b), _) => {
            // Events before `split` whose distance equals `b` form a suffix of `sorted[..split]`.
            let first = sorted[..split].partition_point(|&x| (t - x).abs() > b);
            Some((first, b))
        }
    }
}

#[cfg(test)]
mod tests {
    //! The sweep and the nearest search against plainly correct brute force on seeded random
    //! inputs, drawn on a coarse grid so that ties, duplicates and distances exactly equal to the
    //! window are common.

    use super::{fits, match_events, nearest};

    /// SplitMix64: a tiny deterministic generator, enough to draw test cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// Fewer than `max_len` sorted times on a grid of 1/32 s over [0, 1).
        fn times(&mut self, max_len: u64) -> Vec<f64> {
            let len = self.below(max_len);
            let mut v: Vec<f64> = (0..len).map(|_| self.below(32) as f64 / 32.0).collect();
            v.sort_by(f64::total_cmp);
            v
        }
    }

    /// Size of a maximum matching by exhaustive search over (next reference, set of used
    /// estimates), memoised: exponential in `estimated.len()`, so only for tiny inputs.
    fn brute_force_size(reference: &[f64], estimated: &[f64], window: f64) -> usize {
        fn go(
            i: usize,
            used: usize,
            r: &[f64],
            e: &[f64],
            w: f64,
            memo: &mut Vec<Option<usize>>,
        ) -> usize {
            if i == r.len() {
                return 0;
            }
            let key = i * (1 << e.len()) + used;
            if let Some(v) = memo[key] {
                return v;
            }
            let mut best = go(i + 1, used, r, e, w, memo);
            for j in 0..e.len() {
                if used & (1 << j) == 0 && fits(r[i], e[j], w) {
                    best = best.max(1 + go(i + 1, used | (1 << j), r, e, w, memo));
                }
            }
            memo[key] = Some(best);
            best
        }
        let mut memo = vec![None; (reference.len() + 1) << estimated.len()];
        go(0, 0, reference, estimated, window, &mut memo)
    }

    #[test]
    fn sweep_is_a_maximum_matching_on_random_small_inputs() {
        let mut rng = Rng(0x4b31_6576_616c);
        // Windows on the same 1/32 grid (so some distances equal the window exactly) and one off it.
        let windows = [0.0, 1.0 / 32.0, 2.0 / 32.0, 3.0 / 32.0, 0.07];
        for case in 0..4000 {
            let r = rng.times(8);
            let e = rng.times(8);
            let w = windows[case % windows.len()];
            let pairs = match_events(&r, &e, w);
            assert_eq!(
                pairs.len(),
                brute_force_size(&r, &e, w),
                "r={r:?} e={e:?} w={w}"
            );
            // A valid matching: every pair within the window, indices strictly increasing.
            for &(i, j) in &pairs {
                assert!(fits(r[i], e[j], w));
            }
            for p in pairs.windows(2) {
                assert!(p[0].0 < p[1].0 && p[0].1 < p[1].1);
            }
        }
    }

    #[test]
    fn sweep_counts_a_distance_equal_to_the_window_as_a_hit() {
        // 1/16 is exact in binary: 2.0625 - 0.0625 = 2 exactly, and mir_eval's test is `<=`.
        assert_eq!(match_events(&[2.0], &[2.0625], 0.0625), vec![(0, 0)]);
        assert_eq!(match_events(&[2.0], &[1.9375], 0.0625), vec![(0, 0)]);
        // One step of f64 further out is a miss on either side: 2.0625 + 2^-51 - 0.0625 is
        // 2 + 2^-51 (exact, one step above 2), and 1.9375 - 2^-52 + 0.0625 is 2 - 2^-52.
        assert!(match_events(&[2.0], &[2.0625f64.next_up()], 0.0625).is_empty());
        assert!(match_events(&[2.0], &[1.9375f64.next_down()], 0.0625).is_empty());
    }

    #[test]
    fn sweep_pairs_in_order_and_ignores_a_bad_window() {
        // References 1.0 and 1.1, estimates 0.95 and 1.05, window 0.06: 0.95 fits only 1.0, and
        // 1.05 fits both. Pairing 1.05 with 1.0 would strand 0.95; the maximum is 2 pairs.
        assert_eq!(
            match_events(&[1.0, 1.1], &[0.95, 1.05], 0.06),
            vec![(0, 0), (1, 1)]
        );
        // Nothing matches a NaN or negative window.
        assert!(match_events(&[1.0], &[1.0], f64::NAN).is_empty());
        assert!(match_events(&[1.0], &[1.0], -1.0).is_empty());
    }

    #[test]
    fn nearest_agrees_with_a_linear_argmin() {
        let mut rng = Rng(7);
        for _ in 0..4000 {
            let v = rng.times(9);
            let t = rng.below(40) as f64 / 32.0 - 4.0 / 32.0;
            let expected = v
                .iter()
                .enumerate()
                .map(|(k, &x)| (k, (t - x).abs()))
                // Keep the first of equal distances, as numpy's argmin does.
                .fold(None, |best: Option<(usize, f64)>, (k, d)| match best {
                    Some((_, bd)) if bd <= d => best,
                    _ => Some((k, d)),
                });
            assert_eq!(nearest(&v, t), expected, "v={v:?} t={t}");
        }
    }

    #[test]
    fn nearest_breaks_ties_towards_the_lower_index() {
        // 1.5 is 0.5 from the 1.0s (indices 0 and 1) and from 2.0 (index 2): the first 1.0 wins.
        assert_eq!(nearest(&[1.0, 1.0, 2.0], 1.5), Some((0, 0.5)));
        assert_eq!(nearest(&[0.0, 1.0, 2.0], 1.5), Some((1, 0.5)));
        assert_eq!(nearest(&[], 1.5), None);
    }
}
