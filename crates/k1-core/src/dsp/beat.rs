//! Beat tracking: tempo, beat phase, beat events and confidence, from the beat-pointer model.
//!
//! * **Activation.** The band-weighted beat novelty of [`super::onset`] (rises above each band's
//!   held peak, so a sustained note's flutter does not count) is turned into a beat activation
//!   `a = n / (n + 8·mean)`, where `mean` is its recent (2 s) average: about 0.5 for a hit eight
//!   times the usual level, near 0 between hits, whatever the loudness.
//! * **Tempo and phase.** The largest of every two hops' activations drives the forward-filtered
//!   [`BeatSpace`]; its most likely state gives the tempo and the position in the beat.
//! * **Output.** The tempo is refined to the tempo bank's peak near the model's (the model's
//!   periods are whole 10 ms frames, 2 to 3 % apart). An output phase advances at that tempo and is set to the model's phase each
//!   hop, one hop ahead (the novelty of a hit peaks in the hop after it starts). A beat event
//!   fires when the phase wraps, at most one per half period, if the tracker is confident.
//! * **Confidence.** The tempo bank's strength at the tracked tempo (how periodic the onsets are
//!   there), times the square of how stable the tracked tempo has been. A *pulse contrast* gates
//!   it: the activation near the beats the tracker predicted (before it heard the hop) must
//!   average at least 1.5 times the activation between them (over about a second), or the
//!   confidence is held under the beat threshold. Noise,
//!   steady tones, sweeps and irregular clicks have no such contrast, so they fire few beats.
//!
//! Everything here is causal: it sees only the past. How the design was chosen, and what else was
//! tried, is in `docs/beat-tracking.md`.

use super::beat_space::{BeatSpace, hops_per_frame};
use super::tempo::TempoBank;
use crate::{NUM_TEMPI, tempo_bpm};

/// Tempo strength (see [`TempoBank`]) that counts as full confidence. A perfect click track
/// reaches about 0.5; steady dance music 0.1 to 0.3; dense real mixes 0.04 to 0.08.
const FULL_STRENGTH: f32 = 0.1;
/// Time constant of the stability measure (how often the tracked tempo stays put).
const STABILITY_SECONDS: f32 = 3.0;
/// Confidence below which no beat events fire.
pub const MIN_BEAT_CONFIDENCE: f32 = 0.25;
/// Silence longer than this (seconds) drops the tempo confidence to zero.
const SILENCE_FORGET_SECONDS: f32 = 2.5;
/// The activation is `n / (n + ACTIVATION_SCALE · mean n)`.
const ACTIVATION_SCALE: f32 = 8.0;
/// Time constant of the beat novelty's running mean, seconds.
const ACTIVATION_MEAN_SECONDS: f32 = 2.0;
/// Hops the output phase runs ahead of the model's: the novelty's own delay (a hit is seen at
/// the end of the hop it starts in).
const LEAD_HOPS: f32 = 1.0;
/// Time constant of the reported tempo's smoothing, seconds.
const TEMPO_SMOOTH_SECONDS: f32 = 2.0;
/// Ratios between other metrical levels of one pulse.
const LEVELS: [f32; 4] = [2.0, 0.5, 1.5, 2.0 / 3.0];
/// The model's tempo within this ratio of the reported one (at some metrical level) is the same
/// tempo, and is smoothed rather than taken.
const SAME_TEMPO: f32 = 0.05;
/// A tempo change that is no change of metrical level is taken once it has lasted this long,
/// seconds.
const PERSIST_SECONDS: f32 = 0.5;
/// Share of the phase error corrected per hop.
const PHASE_GAIN: f32 = 0.3;
/// A phase error larger than this (cycles) is taken at once.
const SNAP_CYCLES: f32 = 0.25;
/// Least ratio of on-beat to off-beat activation for beats to fire.
const MIN_CONTRAST: f32 = 1.5;
/// Where the contrast is too low, the confidence is held at most at this (under the beat
/// threshold, so patterns see a weak tempo and no beats).
const NO_PULSE_CONFIDENCE: f32 = 0.2;
/// The on-beat mean sees only the hops near a beat (`2 · CONTRAST_WINDOW` of them), so its rate
/// per hop is this much higher.
const ON_RATE_SCALE: f32 = 1.0 / (2.0 * CONTRAST_WINDOW);
/// Time constant of the contrast's on-beat and off-beat means, seconds.
const CONTRAST_SECONDS: f32 = 1.0;
/// Half-width of the "on the beat" window for the contrast, in cycles.
const CONTRAST_WINDOW: f32 = 0.06;

/// Output of the tracker for one hop.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BeatState {
    /// Tempo in BPM, 0 before the first estimate.
    pub bpm: f32,
    /// Confidence, 0..=1.
    pub confidence: f32,
    /// Beat phase in cycles, 0..1.
    pub phase: f32,
    /// A beat falls in this hop.
    pub beat: bool,
}

/// Tracks tempo and beats with the beat-pointer model, gated by confidence.
#[derive(Clone, Debug)]
pub struct BeatTracker {
    hop_rate: f32,
    state: BeatState,
    hops_since_beat: u32,
    stability: f32,
    stability_rate: f32,
    space: BeatSpace,
    novelty_mean: f32,
    mean_rate: f32,
    frame_activation: f32,
    frame_hop: u32,
    frame_hops: u32,
    on_mean: f32,
    off_mean: f32,
    contrast_rate: f32,
    tempo_rate: f32,
    pending_bpm: f32,
    pending_hops: u32,
}

impl BeatTracker {
    /// A tracker updated `hop_rate` times a second.
    pub fn new(hop_rate: f32) -> Self {
        let rate = |seconds: f32| 1.0 - libm::expf(-1.0 / (seconds * hop_rate));
        let frame_hops = hops_per_frame(hop_rate);
        Self {
            hop_rate,
            state: BeatState::default(),
            hops_since_beat: u32::MAX / 2,
            stability: 0.0,
            stability_rate: rate(STABILITY_SECONDS),
            space: BeatSpace::new(hop_rate / frame_hops as f32),
            frame_hops,
            novelty_mean: 0.0,
            mean_rate: rate(ACTIVATION_MEAN_SECONDS),
            frame_activation: 0.0,
            frame_hop: 0,
            on_mean: 0.0,
            off_mean: 0.0,
            contrast_rate: rate(CONTRAST_SECONDS),
            tempo_rate: rate(TEMPO_SMOOTH_SECONDS),
            pending_bpm: 0.0,
            pending_hops: 0,
        }
    }

    /// Updates after the bank's hop: `beat_novelty` is the band-weighted novelty the beat
    /// listens to, `quiet_hops` how long the input has been silent.
    pub fn update(&mut self, bank: &TempoBank, beat_novelty: f32, quiet_hops: u32) -> BeatState {
        let novelty = if beat_novelty.is_finite() {
            beat_novelty.max(0.0)
        } else {
            0.0
        };
        self.novelty_mean += (novelty - self.novelty_mean) * self.mean_rate;
        let activation = novelty / (novelty + ACTIVATION_SCALE * self.novelty_mean + 1e-6);
        self.frame_activation = self.frame_activation.max(activation);
        self.frame_hop += 1;
        if self.frame_hop >= self.frame_hops {
            self.space.update(self.frame_activation, bank.magnitudes());
            self.frame_activation = 0.0;
            self.frame_hop = 0;
        }
        let (model_bpm, pos, period_frames) = self.space.best();
        // The reported tempo: smoothed over about two seconds while the model stays within 5 %
        // of it (the model alternates between neighbouring whole-frame periods). Any other
        // change must persist for half a second before it is taken, so a brief flicker of the
        // model's best state elsewhere moves neither the tempo nor the phase; a move to another
        // metrical level of the same pulse (×2, ×½, ×3/2, ×2/3) then keeps the smoothed tempo,
        // scaled.
        let previous = self.state.bpm;
        let same = |p: f32| p > 0.0 && (model_bpm / p - 1.0).abs() <= SAME_TEMPO;
        let (bpm, follow) = if same(previous) {
            self.pending_hops = 0;
            (previous + (model_bpm - previous) * self.tempo_rate, true)
        } else {
            if same(self.pending_bpm) {
                self.pending_hops += 1;
            } else {
                self.pending_bpm = model_bpm;
                self.pending_hops = 1;
            }
            if previous <= 0.0 || self.pending_hops as f32 >= PERSIST_SECONDS * self.hop_rate {
                // Taken. Another metrical level of the same pulse keeps the smoothed tempo,
                // scaled, rather than the model's coarser one.
                let scaled = LEVELS.iter().map(|&r| previous * r).find(|&p| same(p));
                (scaled.unwrap_or(model_bpm), true)
            } else {
                (previous, false)
            }
        };
        let period = (period_frames as u32 * self.frame_hops) as f32;
        let model_phase = (pos as u32 * self.frame_hops + self.frame_hop) as f32 / period;

        // A pulse at the tempo or at its double counts: at half tempo the bank's own peak is
        // at the double.
        let strength =
            interpolate(bank.magnitudes(), bpm).max(interpolate(bank.magnitudes(), 2.0 * bpm));
        let forget = quiet_hops as f32 > SILENCE_FORGET_SECONDS * self.hop_rate;
        let steady = (bpm / self.state.bpm.max(1.0) - 1.0).abs() < 0.04;
        self.stability += ((steady as u8 as f32) - self.stability) * self.stability_rate;
        let mut confidence = if forget {
            0.0
        } else {
            (strength / FULL_STRENGTH).min(1.0) * self.stability * self.stability
        };

        let step = 1.0 / period;
        let model_target = model_phase + LEAD_HOPS * step;
        // The output phase runs at the reported tempo and is pulled towards the model's (which
        // moves in whole frames and alternates between neighbouring periods); a large error is
        // a new phase, taken at once. Where the model sits at half or double the reported
        // tempo, its phase still places the reported beats: every second beat is one of the
        // model's, or every model beat is one of two reported ones (the nearer is taken).
        let advanced = self.state.phase + bpm / 60.0 / self.hop_rate;
        let ratio = model_bpm / bpm.max(1.0);
        let target = if follow || (ratio - 1.0).abs() <= SAME_TEMPO {
            Some(model_target)
        } else if (ratio - 0.5).abs() <= 0.5 * SAME_TEMPO {
            Some(2.0 * model_target)
        } else if (ratio - 2.0).abs() <= 2.0 * SAME_TEMPO {
            let half = 0.5 * model_target;
            let other = half + 0.5;
            Some(
                if wrap(half - advanced).abs() <= wrap(other - advanced).abs() {
                    half
                } else {
                    other
                },
            )
        } else {
            None
        };
        let phase = match target {
            None => advanced,
            Some(t) => {
                let err = wrap(t - advanced);
                if err.abs() > SNAP_CYCLES {
                    t
                } else {
                    advanced + PHASE_GAIN * err
                }
            }
        };
        let phase = phase - libm::floorf(phase);

        // On or off the beat by the phase predicted before this hop's activation was seen: the
        // corrected phase is pulled onto whatever just sounded, so random clicks would all look
        // on the beat by it; by the prediction, only a pulse that keeps time does.
        let predicted = advanced - libm::floorf(advanced);
        let near = !(CONTRAST_WINDOW..=1.0 - CONTRAST_WINDOW).contains(&predicted);
        // Each mean moves only on its own hops, at a rate that gives both the same time
        // constant in seconds of music.
        if near {
            let rate = (self.contrast_rate * ON_RATE_SCALE).min(1.0);
            self.on_mean += (activation - self.on_mean) * rate;
        } else {
            self.off_mean += (activation - self.off_mean) * self.contrast_rate;
        }
        if self.on_mean < MIN_CONTRAST * self.off_mean + 1e-3 {
            confidence = confidence.min(NO_PULSE_CONFIDENCE);
        }

        self.hops_since_beat = self.hops_since_beat.saturating_add(1);
        // The phase wrapped: it fell by more than half a cycle since the last hop.
        let wrapped = phase < self.state.phase - 0.5;
        let beat = wrapped
            && confidence >= MIN_BEAT_CONFIDENCE
            && self.hops_since_beat as f32 >= 0.5 * period;
        if beat {
            self.hops_since_beat = 0;
        }
        self.state = BeatState {
            bpm,
            confidence,
            phase,
            beat,
        };
        self.state
    }
}

/// Wraps a phase difference into -0.5..0.5 cycles.
fn wrap(x: f32) -> f32 {
    x - libm::floorf(x + 0.5)
}

/// Linear interpolation of a per-hypothesis value at `bpm`, clamped to the bank's range.
fn interpolate(values: &[f32; NUM_TEMPI], bpm: f32) -> f32 {
    let pos = (bpm - tempo_bpm(0)).clamp(0.0, (NUM_TEMPI - 1) as f32);
    let lo = (pos as usize).min(NUM_TEMPI - 2);
    let t = pos - lo as f32;
    values[lo] * (1.0 - t) + values[lo + 1] * t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `seconds` of a pulse train at `bpm` (novelty 1, 0.6, 0.3 on the three hops from a
    /// beat, as a drum hit's novelty decays; 0.05 elsewhere) and returns the hops where beats
    /// fired and the last state.
    fn run(bpm: f32, seconds: f32, hop_rate: f32) -> (Vec<u32>, BeatState) {
        let mut bank = TempoBank::new(hop_rate);
        let mut tracker = BeatTracker::new(hop_rate);
        let period = 60.0 / bpm * hop_rate;
        let mut beats = Vec::new();
        let mut last = BeatState::default();
        for n in 0..(seconds * hop_rate) as u32 {
            let t = n as f32;
            let since =
                |d: f32| libm::floorf((t - d) / period) != libm::floorf((t - d - 1.0) / period);
            let x = if since(0.0) {
                1.0
            } else if since(1.0) {
                0.6
            } else if since(2.0) {
                0.3
            } else {
                0.05
            };
            bank.update(x);
            last = tracker.update(&bank, x, 0);
            if last.beat {
                beats.push(n);
            }
        }
        (beats, last)
    }

    extern crate std;
    use std::vec::Vec;

    #[test]
    fn a_pulse_train_is_tracked_on_its_beats() {
        let hop_rate = 200.0;
        for bpm in [90.0, 100.0, 128.0, 150.0] {
            let (beats, last) = run(bpm, 20.0, hop_rate);
            assert!(
                (last.bpm / bpm - 1.0).abs() < 0.03,
                "{bpm}: tracked {}",
                last.bpm
            );
            assert!(
                last.confidence > 0.5,
                "{bpm}: confidence {}",
                last.confidence
            );
            let period = 60.0 / bpm * hop_rate;
            // After 5 s every beat fires within 8 hops (40 ms) of a pulse, well inside the ±70 ms
            // that beat scores allow. It is not exact: the model's periods are whole 10 ms
            // frames, so a tempo between two of them alternates between both.
            let late: Vec<_> = beats
                .iter()
                .filter(|&&b| b as f32 > 5.0 * hop_rate)
                .map(|&b| {
                    let k = libm::roundf(b as f32 / period) * period;
                    (b as f32 - libm::ceilf(k)).abs()
                })
                .collect();
            assert!(
                late.len() as f32 >= 14.0 * bpm / 60.0,
                "{bpm}: {} beats",
                late.len()
            );
            assert!(late.iter().all(|&d| d <= 8.0), "{bpm}: {late:?}");
        }
    }

    /// Feeds `seconds` of a syncopated bar at `bpm`, given as the novelty of each eighth note
    /// of a 4/4 bar (each hit decays as in [`run`]), and returns the last state.
    fn run_bar(bpm: f32, bar: [f32; 8], seconds: f32, hop_rate: f32) -> BeatState {
        let mut bank = TempoBank::new(hop_rate);
        let mut tracker = BeatTracker::new(hop_rate);
        let eighth = 30.0 / bpm * hop_rate;
        let mut last = BeatState::default();
        for n in 0..(seconds * hop_rate) as u32 {
            let k = libm::floorf(n as f32 / eighth);
            let since = n as f32 - libm::ceilf(k * eighth);
            let level = bar[k as usize % 8];
            let decay = [1.0, 0.6, 0.3];
            let x = decay
                .get(since as usize)
                .map_or(0.05, |d| (level * d).max(0.05));
            bank.update(x);
            last = tracker.update(&bank, x, 0);
        }
        last
    }

    #[test]
    fn a_fast_backbeat_is_tracked_at_its_tempo_not_half() {
        // A rock bar at 160 BPM: kicks on 1 and 3, softer snares on 2 and 4. A model whose
        // per-beat weights (prior, evidence) are not rate-normalised costs the fast tempo more,
        // as it has twice the beats, and settled at 80 here (as it did on rockshuffle_160).
        let bar = [1.0, 0.0, 0.6, 0.0, 1.0, 0.0, 0.6, 0.0];
        for hop_rate in [200.0, 125.0] {
            let last = run_bar(160.0, bar, 30.0, hop_rate);
            assert!(
                (last.bpm / 160.0 - 1.0).abs() < 0.03,
                "{hop_rate}: tracked {}",
                last.bpm
            );
        }
        // A 2-step bar at 134 BPM, with beats 1 and 4 nearly or wholly silent, stays at 134.
        let last = run_bar(134.0, [0.3, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.5], 30.0, 200.0);
        assert!(
            (last.bpm / 134.0 - 1.0).abs() < 0.03,
            "2-step: {}",
            last.bpm
        );
    }

    #[test]
    fn no_novelty_fires_no_beats() {
        let mut bank = TempoBank::new(200.0);
        let mut tracker = BeatTracker::new(200.0);
        for _ in 0..4000 {
            bank.update(0.0);
            let s = tracker.update(&bank, 0.0, 0);
            assert!(!s.beat);
            assert!(s.phase.is_finite() && (0.0..1.0).contains(&s.phase));
        }
    }

    #[test]
    fn non_finite_novelty_is_ignored() {
        let mut bank = TempoBank::new(200.0);
        let mut tracker = BeatTracker::new(200.0);
        for n in 0..2000 {
            let x = if n % 50 == 0 { f32::NAN } else { f32::INFINITY };
            bank.update(0.0);
            let s = tracker.update(&bank, x, 0);
            assert!(s.bpm.is_finite() && s.confidence.is_finite() && s.phase.is_finite());
        }
    }
}
