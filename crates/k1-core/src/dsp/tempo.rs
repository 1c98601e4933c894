//! The tempo bank: one complex resonator per tempo hypothesis (60..=180 BPM, 1 BPM apart), all of
//! them updated on every hop.
//!
//! Each resonator is an exponentially windowed DFT of the novelty curve at its beat frequency:
//! `S ← r·e^{jω}·S + x`. For a pulse that came `d` hops ago, `S = r^d·e^{jωd}`, so `arg S / 2π` is
//! the fraction of a beat elapsed since the pulses: the beat phase, with no delay. `|S|` divided by
//! the same exponential sum of `|x|` is 1 for novelty that is perfectly periodic at that tempo and
//! near 0 for novelty with no such period. The window's time constant is 4 s: long enough to
//! resolve tempi a few BPM apart, short enough to follow a tempo change within a few seconds.

use crate::{NUM_TEMPI, tempo_bpm};
use core::f32::consts::PI;

/// Time constant of the resonators' exponential window, in seconds.
pub const WINDOW_SECONDS: f32 = 4.0;
/// Time constant of the novelty mean that is removed before the resonators.
const MEAN_SECONDS: f32 = 2.0;

/// A bank of resonators at a fixed set of frequencies.
#[derive(Clone, Debug)]
struct Resonators {
    re: [f32; NUM_TEMPI],
    im: [f32; NUM_TEMPI],
    rot_re: [f32; NUM_TEMPI],
    rot_im: [f32; NUM_TEMPI],
}

impl Resonators {
    fn new(hop_rate: f32, r: f32) -> Self {
        let mut rot_re = [0.0; NUM_TEMPI];
        let mut rot_im = [0.0; NUM_TEMPI];
        for i in 0..NUM_TEMPI {
            let omega = 2.0 * PI * tempo_bpm(i) / 60.0 / hop_rate;
            rot_re[i] = r * libm::cosf(omega);
            rot_im[i] = r * libm::sinf(omega);
        }
        Self {
            re: [0.0; NUM_TEMPI],
            im: [0.0; NUM_TEMPI],
            rot_re,
            rot_im,
        }
    }

    #[inline(always)]
    fn update(&mut self, x: f32) {
        for i in 0..NUM_TEMPI {
            let (re, im) = (self.re[i], self.im[i]);
            self.re[i] = self.rot_re[i] * re - self.rot_im[i] * im + x;
            self.im[i] = self.rot_im[i] * re + self.rot_re[i] * im;
        }
    }

    #[inline(always)]
    fn magnitude(&self, i: usize) -> f32 {
        crate::math::sqrt(self.re[i] * self.re[i] + self.im[i] * self.im[i])
    }
}

/// The tempo bank. Call [`TempoBank::update`] once per hop with the novelty.
#[derive(Clone, Debug)]
pub struct TempoBank {
    base: Resonators,
    r: f32,
    hop_rate: f32,
    norm: f32,
    mean: f32,
    mean_rate: f32,
    magnitude: [f32; NUM_TEMPI],
    phase: [f32; NUM_TEMPI],
}

impl TempoBank {
    /// A bank updated `hop_rate` times a second.
    pub fn new(hop_rate: f32) -> Self {
        let r = libm::expf(-1.0 / (WINDOW_SECONDS * hop_rate));
        Self {
            base: Resonators::new(hop_rate, r),
            r,
            hop_rate,
            norm: 0.0,
            mean: 0.0,
            mean_rate: 1.0 - libm::expf(-1.0 / (MEAN_SECONDS * hop_rate)),
            magnitude: [0.0; NUM_TEMPI],
            phase: [0.0; NUM_TEMPI],
        }
    }

    /// Feeds one hop's novelty and refreshes every hypothesis.
    pub fn update(&mut self, novelty: f32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = crate::cpu::Avx2::detect() {
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { self.update_avx2(avx2, novelty) };
            return;
        }
        self.update_body(novelty);
    }

    /// [`TempoBank::update`] compiled for AVX2 (see `crate::cpu`): the same bits. Callers not
    /// compiled with AVX2 need `unsafe`: the token is their proof that the CPU has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn update_avx2(&mut self, _: crate::cpu::Avx2, novelty: f32) {
        self.update_body(novelty)
    }

    /// The work of [`TempoBank::update`].
    #[inline(always)]
    fn update_body(&mut self, novelty: f32) {
        self.mean += (novelty - self.mean) * self.mean_rate;
        let x = novelty - self.mean;
        self.base.update(x);
        self.norm = self.r * self.norm + x.abs();
        let inv = if self.norm > 1e-9 {
            1.0 / self.norm
        } else {
            0.0
        };
        // Selects, not `f32::min` (whose NaN rule costs extra instructions per lane): the
        // magnitudes are finite, and the loop vectorises.
        let unit = |m: f32| if m < 1.0 { m } else { 1.0 };
        for i in 0..NUM_TEMPI {
            self.magnitude[i] = unit(self.base.magnitude(i) * inv);
        }
        // The phases in a loop of their own: on x86 the two loops vectorise into fewer
        // instructions than one (26,128 against 26,543 per hop, callgrind).
        for ((p, &im), &re) in self.phase.iter_mut().zip(&self.base.im).zip(&self.base.re) {
            *p = turns(im, re);
        }
    }

    /// Strength of each hypothesis, 0..=1.
    pub fn magnitudes(&self) -> &[f32; NUM_TEMPI] {
        &self.magnitude
    }

    /// Beat phase of each hypothesis in cycles, 0..1.
    pub fn phases(&self) -> &[f32; NUM_TEMPI] {
        &self.phase
    }

    /// The beat phase (cycles, 0..1) at an arbitrary tempo `bpm` between hypotheses, from the two
    /// nearest resonators with their known phase offset removed: a resonator at `ω_i` driven by a
    /// periodicity at `ω` lags it by `atan2(r·sin Δ, 1 − r·cos Δ)` with `Δ = ω_i − ω`.
    pub fn phase_at(&self, bpm: f32) -> f32 {
        let pos = (bpm - tempo_bpm(0)).clamp(0.0, (NUM_TEMPI - 1) as f32);
        let lo = (pos as usize).min(NUM_TEMPI - 2);
        let omega = 2.0 * PI * bpm / 60.0 / self.hop_rate;
        let (mut re, mut im) = (0.0, 0.0);
        for i in [lo, lo + 1] {
            let omega_i = 2.0 * PI * tempo_bpm(i) / 60.0 / self.hop_rate;
            let d = omega_i - omega;
            // Multiply S_i by (1 − r·e^{jΔ}) to undo the resonator's response at this offset.
            let (cr, ci) = (1.0 - self.r * libm::cosf(d), -self.r * libm::sinf(d));
            let (sr, si) = (self.base.re[i], self.base.im[i]);
            re += sr * cr - si * ci;
            im += sr * ci + si * cr;
        }
        let turns = libm::atan2f(im, re) / (2.0 * PI);
        if turns < 0.0 { turns + 1.0 } else { turns }
    }
}

/// `atan2(y, x) / 2π` wrapped to 0..1, to within 1e-5 of a turn: a minimax polynomial for
/// `atan` on 0..1 with octant folding. The bank needs 121 phases per hop; libm's `atan2f` was a
/// tenth of the analyser's cost.
///
/// Branch-free (every fold is a select), so the bank's loop over all tempi vectorises.
#[inline(always)]
pub fn turns(y: f32, x: f32) -> f32 {
    let (ax, ay) = (x.abs(), y.abs());
    let steep = ay > ax;
    // den = 0 only when x = y = 0: then num = 0 too, and the tiny denominator gives 0 turns.
    let (num, den) = if steep { (ax, ay) } else { (ay, ax) };
    let den = if den > f32::MIN_POSITIVE {
        den
    } else {
        f32::MIN_POSITIVE
    };
    let t = num / den;
    let t2 = t * t;
    let a = t
        * (0.999_866
            + t2 * (-0.330_299_5 + t2 * (0.180_141 + t2 * (-0.085_133 + t2 * 0.020_835_1))));
    let a = if steep {
        core::f32::consts::FRAC_PI_2 - a
    } else {
        a
    };
    let a = if x < 0.0 { PI - a } else { a };
    let a = if y < 0.0 { -a } else { a };
    let turns = a / (2.0 * PI);
    if turns < 0.0 { turns + 1.0 } else { turns }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pulse_train_peaks_at_its_tempo_with_the_right_phase() {
        // Pulses at 123.4 BPM on a 200 Hz hop clock, between the 1 BPM hypotheses.
        let hop_rate = 200.0;
        let period = 60.0 / 123.4 * hop_rate;
        let mut bank = TempoBank::new(hop_rate);
        let mut last_pulse = 0.0;
        for n in 0..(hop_rate as usize * 12) {
            let t = n as f32;
            let pulse = libm::floorf(t / period) != libm::floorf((t - 1.0) / period);
            if pulse {
                last_pulse = t;
            }
            bank.update(if pulse { 1.0 } else { 0.0 });
        }
        let mag = bank.magnitudes();
        let best = (0..NUM_TEMPI)
            .max_by(|&a, &b| mag[a].total_cmp(&mag[b]))
            .unwrap();
        assert!(
            tempo_bpm(best) == 123.0 || tempo_bpm(best) == 124.0,
            "peak at {}",
            tempo_bpm(best)
        );
        // The phase since the last pulse, from the two neighbouring resonators.
        let now = (hop_rate * 12.0) - 1.0;
        let want = (now - last_pulse) / period;
        let got = bank.phase_at(123.4);
        let err = (got - want) - libm::floorf(got - want + 0.5);
        assert!(err.abs() < 0.02, "phase {got}, want {want}");
        // An uncorrected neighbour is visibly off: the correction matters.
        let raw = bank.phases()[best];
        let raw_err = (raw - want) - libm::floorf(raw - want + 0.5);
        assert!(raw_err.abs() > err.abs());
    }

    /// The AVX2 build of the update gives the same bits as the baseline one.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_path_gives_the_same_bits() {
        let Some(avx2) = crate::cpu::avx2_for_tests() else {
            return; // portable forced, or a CPU without AVX2 (checked against std's detection)
        };
        let (mut a, mut b) = (TempoBank::new(200.0), TempoBank::new(200.0));
        for n in 0..3000 {
            let x = if n % 97 < 3 {
                1.0
            } else {
                0.1 * libm::sinf(n as f32)
            };
            a.update_body(x);
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { b.update_avx2(avx2, x) };
        }
        assert_eq!(a.magnitude, b.magnitude);
        assert_eq!(a.phase, b.phase);
        assert!(a.magnitude.iter().any(|&m| m > 0.1));
    }

    #[test]
    fn fast_turns_match_atan2_everywhere() {
        let mut worst = 0.0f32;
        for i in 0..3600 {
            let angle = i as f32 / 3600.0 * 2.0 * PI;
            for r in [1e-6f32, 1.0, 1e6] {
                let (y, x) = (r * libm::sinf(angle), r * libm::cosf(angle));
                let want = libm::atan2f(y, x) / (2.0 * PI);
                let want = if want < 0.0 { want + 1.0 } else { want };
                let mut d = (turns(y, x) - want).abs();
                d = d.min(1.0 - d);
                worst = worst.max(d);
            }
        }
        assert!(worst < 2e-5, "worst error {worst} turns");
        assert_eq!(turns(0.0, 0.0), 0.0);
    }
}
