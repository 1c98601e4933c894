//! The global tempo of a whole file, from the live tracker's per-hop readings.
//!
//! The tracker needs a few seconds to settle, so the summary ignores the first third of the file
//! and hops where the tracker is unsure. Over the rest it takes the confidence-weighted mode:
//!
//! 1. keep hops in the last two thirds (hop index ≥ ⌊n/3⌋) with `confidence ≥ 0.2` and a finite,
//!    positive `bpm`;
//! 2. add each kept hop's confidence to a histogram of 0.5 BPM bins; the heaviest bin is the mode
//!    (the lower one on a tie), at its centre;
//! 3. refine: the confidence-weighted mean of the kept `bpm` values within ±1 BPM of that centre.
//!
//! The summary confidence is the plain mean confidence of the kept hops. With no kept hop the
//! tempo is 0 BPM at confidence 0.
//!
//! Whether the file has a pulse at all is a separate reading: the share of the hops in the last
//! two thirds whose confidence is above [`MIN_CONFIDENCE`]. The core's tracker holds its
//! confidence at most at 0.2 (`NO_PULSE_CONFIDENCE` in `k1_core::dsp::beat`) wherever the
//! activation on its beats is no stronger than between them, so a steady tone or noise, whose
//! tracker still names some tempo, sits there nearly all the time. With a pulse share under
//! [`MIN_PULSE_SHARE`], [`GlobalTempo::reported_bpm`] is `None`. On the corpus: music 0.88 to
//! 1.00; a 440 Hz tone, white and pink noise, the note ladder and the random click train 0.00 to
//! 0.40.

use std::collections::BTreeMap;

/// Hops below this confidence do not count towards the global tempo; above it, a hop has a
/// pulse (the core's tracker holds its confidence at most here where it finds none).
pub const MIN_CONFIDENCE: f32 = 0.2;
/// The least share of hops with a pulse (over the last two thirds) for a file to have a tempo.
pub const MIN_PULSE_SHARE: f64 = 0.5;
/// Histogram bin width in BPM.
pub const BIN_BPM: f64 = 0.5;
/// Half-width of the refinement window around the mode, in BPM.
pub const REFINE_BPM: f64 = 1.0;

/// The tracker's reading at one hop.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TempoSample {
    /// Tempo estimate in BPM (0 = none yet).
    pub bpm: f32,
    /// Confidence 0..=1.
    pub confidence: f32,
}

/// The tempo the tracker settled on over a whole file.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GlobalTempo {
    /// Tempo in BPM, 0 if the tracker never settled.
    pub bpm: f64,
    /// Mean confidence of the hops that counted, 0 if none.
    pub confidence: f64,
    /// How many hops counted.
    pub hops_used: usize,
    /// Share of the hops in the last two thirds whose confidence says there is a pulse
    /// (above [`MIN_CONFIDENCE`]), 0..=1.
    pub pulse_share: f64,
}

impl GlobalTempo {
    /// The tempo to report: `None` when the file has no pulse (a pulse share under
    /// [`MIN_PULSE_SHARE`]) or the tracker never settled.
    pub fn reported_bpm(&self) -> Option<f64> {
        (self.pulse_share >= MIN_PULSE_SHARE && self.bpm > 0.0).then_some(self.bpm)
    }
}

/// Summarises per-hop readings into one tempo; see the module documentation for the rule.
pub fn global_tempo(track: &[TempoSample]) -> GlobalTempo {
    let start = track.len() / 3;
    let counted = track.get(start..).unwrap_or(&[]);
    let pulse_hops = counted
        .iter()
        .filter(|s| s.confidence > MIN_CONFIDENCE)
        .count();
    let pulse_share = if counted.is_empty() {
        0.0
    } else {
        pulse_hops as f64 / counted.len() as f64
    };
    let kept: Vec<(f64, f64)> = counted
        .iter()
        .filter(|s| {
            s.bpm.is_finite()
                && s.bpm > 0.0
                && s.confidence.is_finite()
                && s.confidence >= MIN_CONFIDENCE
        })
        .map(|s| (f64::from(s.bpm), f64::from(s.confidence)))
        .collect();
    if kept.is_empty() {
        return GlobalTempo {
            pulse_share,
            ..GlobalTempo::default()
        };
    }

    let mut histogram: BTreeMap<i64, f64> = BTreeMap::new();
    for &(bpm, weight) in &kept {
        *histogram.entry((bpm / BIN_BPM).floor() as i64).or_default() += weight;
    }
    // The heaviest bin; iteration is in ascending BPM, and only a strictly heavier bin replaces
    // the best so far, so a tie goes to the lower tempo.
    let mut mode_bin = 0i64;
    let mut mode_weight = f64::NEG_INFINITY;
    for (&bin, &weight) in &histogram {
        if weight > mode_weight {
            mode_bin = bin;
            mode_weight = weight;
        }
    }
    let centre = (mode_bin as f64 + 0.5) * BIN_BPM;

    let (sum, weights) = kept
        .iter()
        .filter(|(bpm, _)| (bpm - centre).abs() <= REFINE_BPM)
        .fold((0.0, 0.0), |(s, w), &(bpm, weight)| {
            (s + bpm * weight, w + weight)
        });
    let bpm = if weights > 0.0 { sum / weights } else { centre };
    let confidence = kept.iter().map(|&(_, c)| c).sum::<f64>() / kept.len() as f64;
    GlobalTempo {
        bpm,
        confidence,
        hops_used: kept.len(),
        pulse_share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(bpm: f32, confidence: f32) -> TempoSample {
        TempoSample { bpm, confidence }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn steady_tempo() {
        let track = vec![s(120.0, 0.8); 300];
        let g = global_tempo(&track);
        assert!(close(g.bpm, 120.0), "{g:?}");
        assert!(close(g.confidence, 0.8));
        assert_eq!(g.hops_used, 200);
    }

    #[test]
    fn nothing_qualifies_gives_zero() {
        assert_eq!(global_tempo(&[]), GlobalTempo::default());
        let unsure = vec![s(120.0, 0.19); 300];
        assert_eq!(global_tempo(&unsure), GlobalTempo::default());
        let no_tempo = vec![s(0.0, 0.9); 300];
        let g = global_tempo(&no_tempo);
        assert_eq!((g.bpm, g.hops_used, g.reported_bpm()), (0.0, 0, None));
    }

    #[test]
    fn a_tempo_held_at_the_no_pulse_ceiling_is_not_reported() {
        // A steady tone: the tracker names a tempo, but its confidence never rises above 0.2.
        let tone = vec![s(122.3, 0.2); 300];
        let g = global_tempo(&tone);
        assert!(close(g.bpm, 122.3), "{g:?}");
        assert_eq!((g.pulse_share, g.reported_bpm()), (0.0, None));
        // Flickers above the ceiling (here 30 % of the counted hops) are still no pulse.
        let mut flicker = vec![s(162.3, 0.2); 180];
        flicker.extend((0..120).map(|i| s(162.3, if i % 2 == 0 { 0.9 } else { 0.2 })));
        let g = global_tempo(&flicker);
        assert!(close(g.pulse_share, 0.3), "{g:?}");
        assert_eq!(g.reported_bpm(), None);
    }

    #[test]
    fn a_pulse_over_half_the_counted_hops_reports_its_tempo() {
        let mut track = vec![s(0.0, 0.0); 100];
        track.extend(vec![s(124.0, 0.2); 90]);
        track.extend(vec![s(124.0, 0.7); 110]);
        let g = global_tempo(&track);
        assert!(close(g.pulse_share, 0.55), "{g:?}");
        assert!(close(g.reported_bpm().unwrap(), 124.0), "{g:?}");
    }

    #[test]
    fn the_first_third_is_ignored() {
        // The tracker locks onto 90 while settling, then finds 128 for the rest.
        let mut track = vec![s(90.0, 1.0); 100];
        track.extend(vec![s(128.0, 0.5); 200]);
        let g = global_tempo(&track);
        assert!(close(g.bpm, 128.0), "{g:?}");
        assert!(close(g.confidence, 0.5));
    }

    #[test]
    fn exactly_the_last_two_thirds_count() {
        // 9 hops: indices 3..9 count, 0..3 do not.
        let track: Vec<_> = (0..9).map(|i| s(100.0 + i as f32 * 10.0, 0.5)).collect();
        let g = global_tempo(&track);
        assert_eq!(g.hops_used, 6);
        // Every kept value sits in its own bin with equal weight: the lowest (130) wins the tie.
        assert!(close(g.bpm, 130.0), "{g:?}");
    }

    #[test]
    fn low_confidence_hops_do_not_vote() {
        let mut track = vec![s(140.0, 0.9); 30];
        track.extend(vec![s(120.0, 0.1); 200]); // many, but below 0.2
        track.extend(vec![s(140.0, 0.9); 100]);
        let g = global_tempo(&track);
        assert!(close(g.bpm, 140.0), "{g:?}");
        assert!(close(g.confidence, 0.9));
    }

    #[test]
    fn weight_is_confidence_not_count() {
        // 120 is seen more often but with less confidence than 150.
        let mut track = vec![s(0.0, 0.0); 100];
        track.extend(vec![s(120.0, 0.25); 120]); // weight 30
        track.extend(vec![s(150.0, 0.9); 80]); // weight 72
        let g = global_tempo(&track);
        assert!(close(g.bpm, 150.0), "{g:?}");
        // Mean confidence over all 200 kept hops.
        assert!(
            close(g.confidence, (120.0 * 0.25 + 80.0 * 0.9) / 200.0),
            "{g:?}"
        );
    }

    #[test]
    fn refinement_is_the_weighted_mean_near_the_mode() {
        let mut track = vec![s(0.0, 0.0); 50];
        // Mode bin [120.0, 120.5), centre 120.25; 119.4 and 121.2 are within ±1, 118.0 is not.
        track.extend(vec![s(120.1, 1.0); 40]);
        track.extend(vec![s(120.3, 0.5); 20]);
        track.extend(vec![s(119.4, 0.5); 20]);
        track.extend(vec![s(121.2, 0.5); 10]);
        track.extend(vec![s(118.0, 0.5); 10]);
        let g = global_tempo(&track);
        let expected =
            (120.1 * 40.0 + 120.3 * 10.0 + 119.4 * 10.0 + 121.2 * 5.0) / (40.0 + 10.0 + 10.0 + 5.0);
        assert!((g.bpm - expected).abs() < 1e-3, "{g:?} vs {expected}");
    }

    #[test]
    fn non_finite_readings_are_skipped() {
        let mut track = vec![s(f32::NAN, 0.9); 100];
        track.extend(vec![s(110.0, f32::NAN); 50]);
        track.extend(vec![s(f32::INFINITY, 0.9); 50]);
        track.extend(vec![s(110.0, 0.6); 100]);
        let g = global_tempo(&track);
        assert!(close(g.bpm, 110.0), "{g:?}");
        assert_eq!(g.hops_used, 100);
    }
}
