//! The statistics of the light report: mean, percentile, and the correlation at the best lag.

/// The mean of `values` (0 for none).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The `p`-th percentile (0..=100) of `values` by nearest rank (0 for none).
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let rank = (p.clamp(0.0, 100.0) / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Pearson's correlation of the pairs `(x, y)` (0 when either does not vary).
pub fn pearson(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> f64 {
    let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs.clone() {
        n += 1.0;
        sx += x;
        sy += y;
    }
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (sx / n, sy / n);
    let (mut cxy, mut cxx, mut cyy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        cxy += (x - mx) * (y - my);
        cxx += (x - mx) * (x - mx);
        cyy += (y - my) * (y - my);
    }
    if cxx <= 0.0 || cyy <= 0.0 {
        return 0.0;
    }
    cxy / (cxx * cyy).sqrt()
}

/// The best correlation of `light[t + lag]` with `music[t]` for `lag` in `0..=max_lag`, over the
/// frames `t` where `counted[t]` and `counted[t + lag]` hold: `(correlation, lag)`.
pub fn best_lag(light: &[f64], music: &[f64], counted: &[bool], max_lag: usize) -> (f64, usize) {
    let mut best = (0.0, 0);
    for lag in 0..=max_lag {
        let pairs = (0..music.len().min(light.len()).saturating_sub(lag))
            .filter(|&t| counted.get(t) == Some(&true) && counted.get(t + lag) == Some(&true))
            .map(|t| (music[t], light[t + lag]));
        let r = pearson(pairs);
        if r > best.0 {
            best = (r, lag);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_percentile() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(mean(&v), 50.5);
        assert_eq!(percentile(&v, 95.0), 95.0);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&[], 95.0), 0.0);
    }

    #[test]
    fn the_best_lag_is_found_and_a_flat_line_scores_zero() {
        let music: Vec<f64> = (0..200).map(|t| f64::from(t % 17 == 0)).collect();
        // The light follows three frames late.
        let light: Vec<f64> = (0..200)
            .map(|t| if t >= 3 { music[t - 3] } else { 0.0 })
            .collect();
        let all = vec![true; 200];
        let (r, lag) = best_lag(&light, &music, &all, 10);
        assert!((r - 1.0).abs() < 1e-9 && lag == 3, "{r} {lag}");
        // Too late to count.
        let (r, _) = best_lag(&light, &music, &all, 2);
        assert!(r < 0.2, "{r}");
        assert_eq!(best_lag(&[5.0; 200], &music, &all, 10).0, 0.0);
    }
}
