//! Tempo choice and beat tracking on top of the tempo bank.
//!
//! * **Tempo.** Each hypothesis scores its own strength plus half the strength at twice its tempo
//!   (so a tempo whose off-beats are also present beats its own double), times a broad log-normal
//!   preference centred on 120 BPM (one octave wide) that settles the remaining octave ambiguity.
//!   The current tempo is kept until another peak scores 15 % more; within a peak it is refined by
//!   parabolic interpolation, so the estimate is finer than the 1 BPM grid.
//! * **Beat phase.** The phase of a resonator is the circular centroid of all onsets, which off-beat
//!   hats and syncopated kicks pull away from the beat (by up to a third of a beat on the synthetic
//!   corpus). So the phase comes from a *beat histogram* instead: a free-running phase `ψ` advances
//!   at the tempo, and each hop's novelty is added to the bin of the histogram at `ψ` (decaying with
//!   a 4 s time constant). The histogram's peak is where in the cycle the strongest onsets keep
//!   falling; the beat phase is `ψ` minus that peak. An output oscillator is pulled smoothly towards
//!   it, so it moves continuously and keeps going through short gaps, and a beat event fires when
//!   it wraps, if the tempo is confident. A tempo jump of more than 4 % clears the histogram.
//!
//! Everything here is causal: it sees only the past.

use super::tempo::TempoBank;
use crate::{NUM_TEMPI, tempo_bpm};

/// Weight of the strength at twice the tempo in a hypothesis' score.
const DOUBLE_WEIGHT: f32 = 0.5;
/// Centre of the tempo preference, BPM.
const PRIOR_CENTRE: f32 = 120.0;
/// Width (standard deviation) of the tempo preference in octaves.
const PRIOR_OCTAVES: f32 = 1.0;
/// A new tempo must score this much more than the current one to replace it.
const SWITCH_MARGIN: f32 = 1.15;
/// Fraction of the phase error corrected per hop... per second, scaled by the hop rate.
const PLL_RATE: f32 = 4.0;
/// Tempo strength (see [`TempoBank`]) that counts as full confidence. A perfect click track
/// reaches about 0.5; steady dance music 0.1 to 0.3; dense real mixes 0.04 to 0.08.
const FULL_STRENGTH: f32 = 0.1;
/// Time constant of the stability measure (how often the strongest tempo is the tracked one).
const STABILITY_SECONDS: f32 = 3.0;
/// Confidence below which no beat events fire.
pub const MIN_BEAT_CONFIDENCE: f32 = 0.25;
/// Silence longer than this (seconds) drops the tempo confidence to zero.
const SILENCE_FORGET_SECONDS: f32 = 2.5;

/// Bins in the beat histogram.
const HIST_BINS: usize = 48;
/// Time constant of the beat histogram, seconds.
const HIST_SECONDS: f32 = 4.0;
/// The novelty peaks this long after the sound starts (hop-end reporting); beats fire this much
/// earlier than the histogram peak. Measured on the click track.
const NOVELTY_LAG_SECONDS: f32 = 0.004;

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

/// Chooses the tempo and runs the beat oscillator.
#[derive(Clone, Debug)]
pub struct BeatTracker {
    hop_rate: f32,
    prior: [f32; NUM_TEMPI],
    score: [f32; NUM_TEMPI],
    current: Option<usize>,
    state: BeatState,
    hops_since_beat: u32,
    pll_gain: f32,
    stability: f32,
    stability_rate: f32,
    hist: [f32; HIST_BINS],
    hist_decay: f32,
    psi: f32,
    hist_bpm: f32,
}

impl BeatTracker {
    /// A tracker updated `hop_rate` times a second.
    pub fn new(hop_rate: f32) -> Self {
        let prior = core::array::from_fn(|i| {
            let octaves = libm::log2f(tempo_bpm(i) / PRIOR_CENTRE) / PRIOR_OCTAVES;
            libm::expf(-0.5 * octaves * octaves)
        });
        Self {
            hop_rate,
            prior,
            score: [0.0; NUM_TEMPI],
            current: None,
            state: BeatState::default(),
            hops_since_beat: u32::MAX / 2,
            pll_gain: (PLL_RATE / hop_rate).min(1.0),
            stability: 0.0,
            hist: [0.0; HIST_BINS],
            hist_decay: libm::expf(-1.0 / (HIST_SECONDS * hop_rate)),
            psi: 0.0,
            hist_bpm: 0.0,
            stability_rate: 1.0 - libm::expf(-1.0 / (STABILITY_SECONDS * hop_rate)),
        }
    }

    /// Updates from the bank after its hop; `quiet_hops` is how long the input has been silent.
    pub fn update(&mut self, bank: &TempoBank, novelty: f32, quiet_hops: u32) -> BeatState {
        let mag = bank.magnitudes();
        let dbl = bank.magnitudes_double();
        let mut best = 0;
        for i in 0..NUM_TEMPI {
            self.score[i] = self.prior[i] * (mag[i] + DOUBLE_WEIGHT * dbl[i]);
            if self.score[i] > self.score[best] {
                best = i;
            }
        }
        // Keep the current peak (following it if it drifts) unless another is clearly stronger.
        let cur = match self.current {
            Some(c) => {
                let c = self.climb(c);
                if self.score[best] > SWITCH_MARGIN * self.score[c] {
                    best
                } else {
                    c
                }
            }
            None => best,
        };
        self.current = Some(cur);
        let bpm = self.refine(cur);
        let strength = interpolate(mag, bpm);

        let forget = quiet_hops as f32 > SILENCE_FORGET_SECONDS * self.hop_rate;
        // Stable: the strongest hypothesis agrees with the tempo being tracked.
        let agrees = best.abs_diff(cur) <= 2;
        self.stability += ((agrees as u8 as f32) - self.stability) * self.stability_rate;
        let confidence = if forget || self.score[cur] <= 0.0 {
            0.0
        } else {
            (strength / FULL_STRENGTH).min(1.0) * self.stability * self.stability
        };

        let step = bpm / 60.0 / self.hop_rate;
        let target = self.fold(novelty, bpm, step);
        // Advance the output oscillator, then pull it towards the histogram's phase.
        let mut phase = self.state.phase + step;
        let err = wrap(target - phase);
        phase += self.pll_gain * err;
        self.hops_since_beat = self.hops_since_beat.saturating_add(1);
        let mut beat = false;
        if phase >= 1.0 {
            phase -= 1.0;
            let min_gap = 0.5 * self.hop_rate * 60.0 / bpm.max(1.0);
            if confidence >= MIN_BEAT_CONFIDENCE && self.hops_since_beat as f32 >= min_gap {
                beat = true;
                self.hops_since_beat = 0;
            }
        } else if phase < 0.0 {
            phase += 1.0;
        }
        self.state = BeatState {
            bpm,
            confidence,
            phase,
            beat,
        };
        self.state
    }

    /// Folds this hop's novelty into the beat histogram at the free-running phase and returns the
    /// beat phase that puts the histogram's peak on the beat.
    fn fold(&mut self, novelty: f32, bpm: f32, step: f32) -> f32 {
        if (bpm - self.hist_bpm).abs() > 0.04 * self.hist_bpm.max(1.0) {
            self.hist = [0.0; HIST_BINS];
            self.hist_bpm = bpm;
        }
        self.hist_bpm += (bpm - self.hist_bpm) * 0.01;
        self.psi += step;
        self.psi -= libm::floorf(self.psi);
        for h in &mut self.hist {
            *h *= self.hist_decay;
        }
        // Spread the novelty linearly over the two bins around ψ.
        let pos = self.psi * HIST_BINS as f32;
        let lo = (pos as usize) % HIST_BINS;
        let t = pos - libm::floorf(pos);
        self.hist[lo] += novelty * (1.0 - t);
        self.hist[(lo + 1) % HIST_BINS] += novelty * t;
        let mut peak = 0;
        for (i, &h) in self.hist.iter().enumerate() {
            if h > self.hist[peak] {
                peak = i;
            }
        }
        let (a, b, c) = (
            self.hist[(peak + HIST_BINS - 1) % HIST_BINS],
            self.hist[peak],
            self.hist[(peak + 1) % HIST_BINS],
        );
        let denom = a - 2.0 * b + c;
        let offset = if denom < 0.0 {
            (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        let peak_phase = (peak as f32 + offset) / HIST_BINS as f32;
        let lag = NOVELTY_LAG_SECONDS * bpm / 60.0;
        let p = self.psi - peak_phase + lag;
        p - libm::floorf(p)
    }

    /// Walks uphill from `i` to the local maximum of the score.
    fn climb(&self, mut i: usize) -> usize {
        loop {
            let left = if i > 0 { self.score[i - 1] } else { f32::MIN };
            let right = if i + 1 < NUM_TEMPI {
                self.score[i + 1]
            } else {
                f32::MIN
            };
            if left > self.score[i] && left >= right {
                i -= 1;
            } else if right > self.score[i] {
                i += 1;
            } else {
                return i;
            }
        }
    }

    /// Parabolic interpolation of the score peak at `i`, in BPM.
    fn refine(&self, i: usize) -> f32 {
        if i == 0 || i + 1 >= NUM_TEMPI {
            return tempo_bpm(i);
        }
        let (a, b, c) = (self.score[i - 1], self.score[i], self.score[i + 1]);
        let denom = a - 2.0 * b + c;
        let offset = if denom < 0.0 {
            (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        tempo_bpm(i) + offset * crate::TEMPO_STEP_BPM
    }
}

/// Linear interpolation of a per-hypothesis value at `bpm`.
fn interpolate(values: &[f32; NUM_TEMPI], bpm: f32) -> f32 {
    let pos = (bpm - tempo_bpm(0)).clamp(0.0, (NUM_TEMPI - 1) as f32);
    let lo = (pos as usize).min(NUM_TEMPI - 2);
    let t = pos - lo as f32;
    values[lo] * (1.0 - t) + values[lo + 1] * t
}

/// Wraps a phase difference into -0.5..0.5 cycles.
fn wrap(x: f32) -> f32 {
    x - libm::floorf(x + 0.5)
}
