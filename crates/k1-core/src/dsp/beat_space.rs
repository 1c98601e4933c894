//! The beat-pointer state space, filtered forward in time: a hidden Markov model over (tempo,
//! position in the beat), after Krebs, Böck and Widmer, "An efficient state-space model for joint
//! tempo and meter tracking" (ISMIR 2015), reduced to one beat instead of one bar.
//!
//! * **Frames.** The model steps once every [`hops_per_frame`] hops, so about 100 times a second
//!   (every 2 hops on the default 200 Hz hop clock, every hop at 16 kHz / hop 128); a frame's
//!   activation is the largest of its hops'.
//! * **States.** One ring of `P` positions per tempo, for every whole period `P` (in frames) from
//!   200 BPM down to 50 BPM: 91 tempi and 6,825 states on the default engine, 113 tempi and
//!   10,622 states at 125 frames a second.
//! * **Transitions.** Every frame each state moves one position on. Only at the end of a beat may
//!   the tempo change, to a neighbour with probability `exp(-λ·|P_j/P_i − 1|)` (normalised), and
//!   the arrival is weighted by a prior over metrical levels (log-normal around 120 BPM), so that
//!   a tempo and its double or half do not tie, and by the tempo bank's evidence for the tempo.
//!   Both weights are per beat, so each is raised to the power `P / P₁₂₀` (the beat's length
//!   over that of a 120 BPM beat): they then weigh the same per second at every tempo. Without
//!   that, a weight under 1 costs a fast tempo more (it has more beats a second) and the model
//!   drifts to half tempo: ukgarage_134 at 67 BPM, tempo_change at 69.
//! * **Observation.** The first `P/16` positions of each beat are the beat; there the likelihood
//!   is the beat activation `a`, elsewhere `(1 − a)/15`. Only the ratio matters, so the filter
//!   multiplies just the beat positions by `15·a/(1 − a)`: a strong onset where a hypothesis says
//!   "no beat" costs it as much as one on its beat gains. The factor is at least 1/2: a silent
//!   beat costs little, as syncopated music (2-step, trap) leaves many beats without a hit.
//!
//! Moving every state one position on is a change of each ring's head index, not a copy, and
//! each ring's largest state is kept up to date from the few states that change; the states are
//! rescaled (by the largest) only when they drift 15 decades from 1.
//! So a frame costs a few hundred multiplications, not one per state.
//!
//! Everything here is causal: the estimate at a frame uses only the frames before it.

use crate::{NUM_TEMPI, tempo_bpm};

/// Frame rate the model aims for, frames per second.
const TARGET_FRAME_RATE: f32 = 100.0;

/// Hops per frame of the model at `hop_rate` hops a second: the whole number that brings the
/// frame rate nearest 100 per second, at least 1.
pub fn hops_per_frame(hop_rate: f32) -> u32 {
    (libm::roundf(hop_rate / TARGET_FRAME_RATE) as u32).max(1)
}
/// Most tempi the space can hold.
const MAX_TEMPI: usize = 128;
/// Most states the space can hold (the sum of all periods).
pub const MAX_STATES: usize = 10_752;
/// Slowest and fastest tempo, BPM.
pub const MIN_BPM: f32 = 50.0;
/// Fastest tempo, BPM.
pub const MAX_BPM: f32 = 200.0;
/// Tempo-change stiffness λ at a beat boundary.
const TRANSITION_LAMBDA: f32 = 300.0;
/// Evidence of a tempo with no strength in the bank (so the bank can favour, never forbid).
const EVIDENCE_FLOOR: f32 = 0.05;
/// Centre of the metrical-level prior, BPM.
const PRIOR_CENTRE_BPM: f32 = 120.0;
/// Width (standard deviation) of the prior in octaves: the weight at half or double the centre
/// is `exp(-0.5 · 4)` ≈ 0.14 per beat.
const PRIOR_OCTAVES: f32 = 0.5;
/// How many neighbours on each side a tempo may move to at a beat boundary.
const MAX_STEP: usize = 4;
/// The beat is the first 1/`OBSERVATION_LAMBDA` of each period.
const OBSERVATION_LAMBDA: f32 = 16.0;
/// Least observation factor of a beat position: a beat with no onset at all costs its hypothesis
/// at most this much, so that syncopated music, whose beats are often silent, is not driven to
/// the metrical level that skips them.
const MIN_RATIO: f32 = 0.5;
/// The evidence weights are refreshed every this many frames (the bank moves over seconds).
const WEIGHT_FRAMES: u32 = 4;
/// Tempi within this ratio of the tracked one count as the same tempo for the hysteresis.
const NEIGHBOURHOOD: f32 = 0.03;
/// A state elsewhere must be this many times as likely as the best one near the tracked tempo
/// to move the tracked tempo there.
const SWITCH_RATIO: f32 = 4.0;
/// States below this are set to 0: far too unlikely to matter, and kept out of the subnormal
/// range, where arithmetic is slow on some CPUs.
const FLUSH: f32 = 1e-30;

/// `x`, or 0 if it is below [`FLUSH`].
#[inline(always)]
fn flush(x: f32) -> f32 {
    if x < FLUSH { 0.0 } else { x }
}

/// The forward-filtered beat-pointer model.
#[derive(Clone, Debug)]
pub struct BeatSpace {
    frame_rate: f32,
    n: usize,
    period: [u16; MAX_TEMPI],
    start: [u16; MAX_TEMPI],
    head: [u16; MAX_TEMPI],
    beat_len: [u16; MAX_TEMPI],
    /// `ln prior · P / P₁₂₀` per tempo: the prior's log weight per beat, rate-normalised.
    prior_log: [f32; MAX_TEMPI],
    /// `P / P₁₂₀` per tempo: the power that makes a per-beat weight a per-second one.
    expo: [f32; MAX_TEMPI],
    /// Each tempo's arrival weight: prior and evidence, rate-normalised.
    weight: [f32; MAX_TEMPI],
    /// Frames since the weights were refreshed.
    weight_age: u32,
    /// Transition weights by step: `flow[d][i]` is the probability of moving from tempo `i` to
    /// `i + d - MAX_STEP` at a beat boundary (each `i`'s weights sum to 1).
    flow: [[f32; MAX_TEMPI]; 2 * MAX_STEP + 1],
    /// Where each tempo falls in the tempo bank: the lower hypothesis and the fraction towards
    /// the next, for linear interpolation of its strength.
    bank_lo: [u8; MAX_TEMPI],
    bank_t: [f32; MAX_TEMPI],
    /// Each ring's largest state: its value and ring index.
    ring_max: [f32; MAX_TEMPI],
    ring_arg: [u16; MAX_TEMPI],
    alpha: [f32; MAX_STATES],
    states: usize,
    best: (usize, usize),
}

impl BeatSpace {
    /// A model whose frames come `frame_rate` times a second.
    pub fn new(frame_rate: f32) -> Self {
        let mut s = Self {
            frame_rate,
            n: 0,
            period: [0; MAX_TEMPI],
            start: [0; MAX_TEMPI],
            head: [0; MAX_TEMPI],
            beat_len: [0; MAX_TEMPI],
            prior_log: [0.0; MAX_TEMPI],
            expo: [0.0; MAX_TEMPI],
            weight: [0.0; MAX_TEMPI],
            weight_age: 0,
            flow: [[0.0; MAX_TEMPI]; 2 * MAX_STEP + 1],
            bank_lo: [0; MAX_TEMPI],
            bank_t: [0.0; MAX_TEMPI],
            ring_max: [0.0; MAX_TEMPI],
            ring_arg: [0; MAX_TEMPI],
            alpha: [0.0; MAX_STATES],
            states: 0,
            best: (0, 0),
        };
        let p_min = libm::ceilf(60.0 * frame_rate / MAX_BPM).max(4.0) as usize;
        let p_max = libm::floorf(60.0 * frame_rate / MIN_BPM) as usize;
        let mut total = 0usize;
        for period in p_min..=p_max {
            if s.n == MAX_TEMPI || total + period > MAX_STATES {
                break;
            }
            s.period[s.n] = period as u16;
            s.start[s.n] = total as u16;
            s.beat_len[s.n] = libm::roundf(period as f32 / OBSERVATION_LAMBDA).max(1.0) as u16;
            total += period;
            s.n += 1;
        }
        s.states = total;
        for i in 0..s.n {
            let octaves = libm::log2f(s.bpm_of(i) / PRIOR_CENTRE_BPM) / PRIOR_OCTAVES;
            s.expo[i] = PRIOR_CENTRE_BPM / s.bpm_of(i);
            s.prior_log[i] = -0.5 * octaves * octaves * s.expo[i];
            let mut row = [0.0; 2 * MAX_STEP + 1];
            let mut total = 0.0;
            for (d, w) in row.iter_mut().enumerate() {
                let j = i as isize + d as isize - MAX_STEP as isize;
                if j < 0 || j >= s.n as isize {
                    continue;
                }
                let ratio = s.period[j as usize] as f32 / s.period[i] as f32;
                *w = libm::expf(-TRANSITION_LAMBDA * (ratio - 1.0).abs());
                total += *w;
            }
            for w in &mut row {
                *w /= total;
            }
            for (d, w) in row.iter().enumerate() {
                s.flow[d][i] = *w;
            }
            let pos = (s.bpm_of(i) - tempo_bpm(0)).clamp(0.0, (NUM_TEMPI - 1) as f32);
            let lo = (pos as usize).min(NUM_TEMPI - 2);
            s.bank_lo[i] = lo as u8;
            s.bank_t[i] = pos - lo as f32;
        }
        s.reset();
        s
    }

    /// Forgets everything: every state equally likely.
    pub fn reset(&mut self) {
        let v = 1.0 / self.states as f32;
        self.alpha[..self.states].fill(v);
        self.head = [0; MAX_TEMPI];
        self.ring_max = [v; MAX_TEMPI];
        self.ring_arg = [0; MAX_TEMPI];
        self.best = (0, 0);
        self.weight_age = WEIGHT_FRAMES;
    }

    /// Tempo of tempo state `i`, BPM.
    fn bpm_of(&self, i: usize) -> f32 {
        60.0 * self.frame_rate / self.period[i] as f32
    }

    /// Recomputes each tempo's arrival weight from the prior and the tempo bank's strengths
    /// (`mag`): `(prior · evidence / best evidence)^(P / P₁₂₀)`, with evidence
    /// `EVIDENCE_FLOOR + mag` at the tempo, so the best-supported tempo near 120 BPM weighs
    /// about 1 and every weight is per second, not per beat.
    #[allow(clippy::needless_range_loop)]
    fn refresh_weights(&mut self, mag: &[f32; NUM_TEMPI]) {
        let n = self.n;
        let mut evidence = [0.0f32; MAX_TEMPI];
        let mut top = EVIDENCE_FLOOR;
        for j in 0..n {
            let lo = self.bank_lo[j] as usize;
            let t = self.bank_t[j];
            let strength = mag[lo] + t * (mag[lo + 1] - mag[lo]);
            let e = EVIDENCE_FLOOR + if strength.is_finite() { strength } else { 0.0 };
            evidence[j] = e;
            top = top.max(e);
        }
        for j in 0..n {
            // top / evidence ≥ 1, where the fast logarithm holds.
            let log_ev = -crate::math::ln_at_least_one(top / evidence[j]);
            self.weight[j] = libm::expf(self.prior_log[j] + self.expo[j] * log_ev);
        }
    }

    /// Advances one frame with beat activation `a` (0..1: how much this frame sounds like a beat)
    /// and the tempo bank's strengths at each hypothesis (`mag`), which weigh each tempo's
    /// arrivals (see [`BeatSpace::refresh_weights`]).
    // The loops index several per-tempo arrays by the same tempo; iterators would hide that.
    #[allow(clippy::needless_range_loop)]
    pub fn update(&mut self, a: f32, mag: &[f32; NUM_TEMPI]) {
        if self.weight_age >= WEIGHT_FRAMES {
            self.refresh_weights(mag);
            self.weight_age = 0;
        }
        self.weight_age += 1;
        let a = if a.is_finite() { a } else { 0.0 };
        let a = a.clamp(0.001, 0.99);
        let ratio = ((OBSERVATION_LAMBDA - 1.0) * a / (1.0 - a)).max(MIN_RATIO);
        let n = self.n;
        let mut ends = [0.0f32; MAX_TEMPI];
        let mut dirty = [false; MAX_TEMPI];
        // Every ring turns one position: the state at its last position leaves for position 0.
        for i in 0..n {
            let p = self.period[i];
            let h = if self.head[i] == 0 {
                p - 1
            } else {
                self.head[i] - 1
            };
            self.head[i] = h;
            let e = self.alpha[self.start[i] as usize + h as usize];
            ends[i] = e;
            dirty[i] = self.ring_arg[i] == h;
        }
        // Arrivals at position 0: the leavers spread over the neighbouring tempi, one pass per
        // step so that each pass runs over contiguous slices.
        let mut arrive = [0.0f32; MAX_TEMPI];
        for (d, w) in self.flow.iter().enumerate() {
            let off = d as isize - MAX_STEP as isize;
            let len = n - off.unsigned_abs();
            let (from, to) = if off < 0 {
                (off.unsigned_abs(), 0)
            } else {
                (0, off as usize)
            };
            for ((a, &e), &w) in arrive[to..to + len]
                .iter_mut()
                .zip(&ends[from..from + len])
                .zip(&w[from..from + len])
            {
                *a += e * w;
            }
        }
        // Each arrival is weighed by the prior and by the tempo bank's evidence for its tempo.
        for j in 0..n {
            let x = arrive[j] * self.weight[j];
            self.alpha[self.start[j] as usize + self.head[j] as usize] = flush(x);
        }
        // The observation scales each ring's beat positions (two slices where the ring wraps).
        for j in 0..n {
            let p = self.period[j] as usize;
            let base = self.start[j] as usize;
            let h = self.head[j] as usize;
            let len = self.beat_len[j] as usize;
            let first = len.min(p - h);
            let arg = self.ring_arg[j] as usize;
            let max_in_region = if arg >= h {
                arg - h < len
            } else {
                arg + p - h < len
            };
            if max_in_region && ratio < 1.0 {
                dirty[j] = true;
            }
            let mut m = if max_in_region { 0.0 } else { self.ring_max[j] };
            let mut m_arg = self.ring_arg[j];
            // Position `pos` in the beat gets the factor tapered from `ratio` at the beat itself
            // to 1 at the end of the beat positions, so the most likely phase sits on the hits.
            let taper = (ratio - 1.0) / len as f32;
            let mut pos = 0;
            for range in [h..h + first, 0..len - first] {
                for k in range {
                    let v = self.alpha[base + k];
                    let nv = v * (ratio - taper * pos as f32);
                    pos += 1;
                    let nv = flush(nv);
                    self.alpha[base + k] = nv;
                    if nv > m {
                        m = nv;
                        m_arg = k as u16;
                    }
                }
            }
            if dirty[j] {
                let ring = &self.alpha[base..base + p];
                let (mut bm, mut bk) = (f32::MIN, 0);
                for (k, &v) in ring.iter().enumerate() {
                    if v > bm {
                        bm = v;
                        bk = k;
                    }
                }
                self.ring_max[j] = bm;
                self.ring_arg[j] = bk as u16;
            } else {
                self.ring_max[j] = m;
                self.ring_arg[j] = m_arg;
            }
        }
        // Only ratios between states matter: keep the largest near 1 (f32 has 38 decades on
        // either side), rescaling every state only when it has drifted 15 decades away.
        let mut best = 0;
        for j in 1..n {
            if self.ring_max[j] > self.ring_max[best] {
                best = j;
            }
        }
        let top = self.ring_max[best];
        if !(top.is_finite() && top > 1e-30) {
            self.reset();
            return;
        }
        if !(1e-15..=1e15).contains(&top) {
            let k = 1.0 / top;
            for v in &mut self.alpha[..self.states] {
                *v = flush(*v * k);
            }
            for v in &mut self.ring_max[..n] {
                *v *= k;
            }
        }
        // Hysteresis: the tracked tempo follows the best ring freely among its neighbours
        // (within 3 %), but moves further only when the best ring is clearly more likely than
        // every ring near the tracked one. A brief flicker of the maximum elsewhere then moves
        // neither the tempo nor the phase.
        let cur = self.best.0;
        let near = |j: usize| {
            (self.period[j] as f32 / self.period[cur] as f32 - 1.0).abs() <= NEIGHBOURHOOD
        };
        if !near(best) {
            let mut local = cur;
            for j in 0..n {
                if near(j) && self.ring_max[j] > self.ring_max[local] {
                    local = j;
                }
            }
            if self.ring_max[best] < SWITCH_RATIO * self.ring_max[local] {
                best = local;
            }
        }
        let p = self.period[best] as usize;
        let pos = (self.ring_arg[best] as usize + p - self.head[best] as usize) % p;
        self.best = (best, pos);
    }

    /// The most likely state: (tempo in BPM, position in the beat in frames, period in frames).
    /// The tempo is finer than the whole-frame periods: the mean period of the rings within 3 %
    /// of the best one, each weighted by its largest state.
    pub fn best(&self) -> (f32, usize, usize) {
        let (j, pos) = self.best;
        let p0 = self.period[j] as f32;
        let (mut sum_w, mut sum_p) = (0.0f32, 0.0f32);
        for i in j.saturating_sub(MAX_STEP)..(j + MAX_STEP + 1).min(self.n) {
            let p = self.period[i] as f32;
            if (p / p0 - 1.0).abs() <= NEIGHBOURHOOD {
                sum_w += self.ring_max[i];
                sum_p += self.ring_max[i] * p;
            }
        }
        let period = if sum_w > 0.0 { sum_p / sum_w } else { p0 };
        (
            60.0 * self.frame_rate / period,
            pos,
            self.period[j] as usize,
        )
    }
}
