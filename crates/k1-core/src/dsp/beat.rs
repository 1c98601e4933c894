//! Tempo choice and beat tracking on top of the tempo bank.
//!
//! * **Tempo.** Each hypothesis scores its own strength plus half the strength at twice its tempo
//!   (so a tempo whose off-beats are also present beats its own double), times a broad log-normal
//!   preference centred on 120 BPM (one octave wide) that settles the remaining octave ambiguity.
//!   The current tempo is kept until another peak scores 15 % more; within a peak it is refined by
//!   parabolic interpolation, so the estimate is finer than the 1 BPM grid.
//! * **Beat phase.** A phase-locked oscillator advances by `bpm/60` cycles per second every hop and
//!   is pulled towards the bank's phase at the current tempo, so it moves smoothly and keeps going
//!   through short gaps. A beat event fires when it wraps, if the tempo is confident.
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
/// Confidence below which no beat events fire.
pub const MIN_BEAT_CONFIDENCE: f32 = 0.25;
/// Silence longer than this (seconds) drops the tempo confidence to zero.
const SILENCE_FORGET_SECONDS: f32 = 2.5;

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
        }
    }

    /// Updates from the bank after its hop; `quiet_hops` is how long the input has been silent.
    pub fn update(&mut self, bank: &TempoBank, quiet_hops: u32) -> BeatState {
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
                if self.score[best] > SWITCH_MARGIN * self.score[c] { best } else { c }
            }
            None => best,
        };
        self.current = Some(cur);
        let bpm = self.refine(cur);
        let strength = interpolate(mag, bpm);

        let forget = quiet_hops as f32 > SILENCE_FORGET_SECONDS * self.hop_rate;
        let confidence = if forget || self.score[cur] <= 0.0 {
            0.0
        } else {
            ((strength - 0.1) / 0.4).clamp(0.0, 1.0)
        };

        // Advance the oscillator, then pull it towards the bank's phase at this tempo.
        let step = bpm / 60.0 / self.hop_rate;
        let target = bank.phase_at(bpm);
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
        self.state = BeatState { bpm, confidence, phase, beat };
        self.state
    }

    /// Walks uphill from `i` to the local maximum of the score.
    fn climb(&self, mut i: usize) -> usize {
        loop {
            let left = if i > 0 { self.score[i - 1] } else { f32::MIN };
            let right = if i + 1 < NUM_TEMPI { self.score[i + 1] } else { f32::MIN };
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
        let offset = if denom < 0.0 { (0.5 * (a - c) / denom).clamp(-0.5, 0.5) } else { 0.0 };
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
