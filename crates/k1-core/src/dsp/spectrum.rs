//! The 64-note spectrum: one Hann-windowed DFT per note, each centred exactly on its note's
//! frequency, computed on an octave cascade of decimated signals so low notes stay cheap.
//!
//! # Design
//!
//! * **Exact centres.** Bin `k` evaluates the DTFT at exactly `f_k = A4·2^((midi-69)/12)`; there is
//!   no integer DFT index, so there is no rounding of the centre frequency (the C++ original rounded
//!   to integer `k` and was up to 5 % off).
//! * **Window length.** Each bin's Hann window lasts `RESOLUTION / Δf_k` seconds, where `Δf_k` is the
//!   gap to the next semitone up (`f_k·(2^(1/12) − 1)`). With `RESOLUTION = 1.75` the nearest
//!   neighbour (the lower one, 0.943 `Δf_k` away) lands 1.65 Hann bins off centre, about 20 dB down,
//!   and a tone half-way between two notes reads about 4.5 dB down in both. The price is latency: the
//!   window's centre, where the estimate "is", trails the newest sample by half the window (270 ms at
//!   A1 = 55 Hz, 34 ms at A4, 7 ms at C7); see `docs/spectrum.md` for the table.
//! * **Decimation.** Bin `k` is computed at the lowest rate `fs/2^s` that keeps `f_k ≤ 0.3·fs/2^s`,
//!   i.e. inside the flat pass band of the half-band cascade. Every bin's window is then 100 to 200
//!   samples long whatever its note, so the whole spectrum costs about 5,000 multiply-adds per hop.
//! * **Update cadence.** A bin is recomputed once its stage has taken in [`UPDATE_SAMPLES`] new
//!   samples, not every hop: a bin on a 400 Hz stage with a 300 ms window would otherwise be
//!   recomputed on windows that differ by two samples in 150. Bins of the three highest octaves
//!   still update every hop; A1..A#2 every 8 or 16 hops (40 or 80 ms), always at least six
//!   times per window length, so the output is still sampled well above the window's bandwidth.
//!   Bins with the same cadence are spread over the hops so every hop does about the same work
//!   (the worst hop matters on a microcontroller). This cuts the spectrum's work per hop by ~40 %.
//! * **Symmetric kernels.** The window is centred on a sample, so `w·cos` is even and `w·sin` odd
//!   about the centre: one table entry serves two samples, halving memory and work.
//!
//! Magnitudes are linear amplitudes: a sine of amplitude `A` exactly on a note reads `A` in that bin.

use super::halfband::HalfBand;
use super::history::History;
use super::window::Window;
use crate::cpu::Avx2;
use crate::{Config, ConfigError, NUM_BINS};
use core::f32::consts::PI;

/// Window length in units of `1/Δf`, where `Δf` is the gap to the next semitone.
pub const RESOLUTION: f32 = 1.75;
/// Most decimation stages (stage `s` runs at `fs / 2^s`).
pub const MAX_STAGES: usize = 8;
/// Sample history kept per stage; the longest window must fit.
const STAGE_CAP: usize = 512;
/// Kernel table entries shared by all bins (each bin uses `half` of them).
pub const KERNEL_CAP: usize = 8192;
/// A bin is computed at the lowest stage rate where `f ≤ PASS_FRACTION · rate`.
const PASS_FRACTION: f32 = 0.3;
/// A bin is recomputed after its stage has taken in this many new samples (or every hop, if a hop
/// brings more). Windows are 100 to 200 stage samples, so this is 1/6 to 1/12 of a window.
pub const UPDATE_SAMPLES: usize = 16;
/// Longest update period in hops (a power of two); also the length of the load-balancing cycle.
const MAX_PERIOD: usize = 32;

/// Where and how one bin is computed.
#[derive(Clone, Copy, Debug, Default)]
pub struct BinPlan {
    /// Decimation stage: the bin runs at `fs / 2^stage`.
    pub stage: u8,
    /// Window half-length in stage samples; the window spans `2·half + 1` samples.
    pub half: u16,
    /// First entry of this bin's kernel in the shared tables.
    offset: u16,
    /// Centre weight of the window (1 for Hann).
    centre: f32,
    /// The bin is recomputed every `period` hops (a power of two)...
    pub period: u8,
    /// ...on the hops where `hop % period == slot`.
    pub slot: u8,
}

impl BinPlan {
    /// Window length in seconds for a stage rate.
    pub fn window_seconds(&self, sample_rate: u32) -> f32 {
        let rate = sample_rate as f32 / (1u32 << self.stage) as f32;
        (2.0 * self.half as f32 + 2.0) / rate
    }
}

/// The 64-note spectrum analyser. Feed every input sample with [`Spectrum::push`], then call
/// [`Spectrum::compute`] once per hop.
pub struct Spectrum {
    decimators: [HalfBand; MAX_STAGES - 1],
    stages: [History<STAGE_CAP>; MAX_STAGES],
    used_stages: usize,
    plan: [BinPlan; NUM_BINS],
    /// `w_m·cos(ω m)` for m = 1..=half, per bin.
    kcos: [f32; KERNEL_CAP],
    /// `w_m·sin(ω m)` for m = 1..=half, per bin.
    ksin: [f32; KERNEL_CAP],
    magnitude: [f32; NUM_BINS],
    /// `re² + im²` of each bin's last evaluation, before the square root.
    power: [f32; NUM_BINS],
    /// `2 / Σw` per bin: turns the windowed sum into the amplitude of a sine.
    scale: [f32; NUM_BINS],
    /// Hops computed so far, modulo [`MAX_PERIOD`]: picks the bins due this hop.
    tick: usize,
    /// `due[t]` has bit `k` set when bin `k` is recomputed on hops `≡ t (mod MAX_PERIOD)`.
    due: [u64; MAX_PERIOD],
}

// One bit per bin in `Spectrum::due`.
const _: () = assert!(NUM_BINS <= 64);

impl Spectrum {
    /// Plans every bin for `config` and precomputes its kernel.
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        let mut s = Spectrum {
            decimators: core::array::from_fn(|_| HalfBand::new()),
            stages: core::array::from_fn(|_| History::new()),
            used_stages: 1,
            plan: [BinPlan::default(); NUM_BINS],
            kcos: [0.0; KERNEL_CAP],
            ksin: [0.0; KERNEL_CAP],
            magnitude: [0.0; NUM_BINS],
            power: [0.0; NUM_BINS],
            scale: [0.0; NUM_BINS],
            tick: 0,
            due: [0; MAX_PERIOD],
        };
        let fs = config.sample_rate as f32;
        let semitone = libm::exp2f(1.0 / 12.0) - 1.0;
        let mut offset = 0usize;
        for k in 0..NUM_BINS {
            let f = config.bin_frequency(k);
            // Lowest rate whose pass band still holds f.
            let mut stage = 0;
            while stage + 1 < MAX_STAGES && f <= PASS_FRACTION * fs / (1u32 << (stage + 1)) as f32 {
                stage += 1;
            }
            let rate = fs / (1u32 << stage) as f32;
            let half = half_length(f, rate, semitone);
            if 2 * half + 1 > STAGE_CAP || offset + half > KERNEL_CAP {
                return Err(ConfigError::TooLarge);
            }
            let omega = 2.0 * PI * f / rate;
            let mut sum_w = 1.0;
            for m in 1..=half {
                let w = 0.5 + 0.5 * libm::cosf(PI * m as f32 / (half + 1) as f32);
                let phase = omega * m as f32;
                s.kcos[offset + m - 1] = w * libm::cosf(phase);
                s.ksin[offset + m - 1] = w * libm::sinf(phase);
                sum_w += 2.0 * w;
            }
            s.plan[k] = BinPlan {
                stage: stage as u8,
                half: half as u16,
                offset: offset as u16,
                centre: 1.0,
                period: update_period(config.hop, stage) as u8,
                slot: 0,
            };
            s.scale[k] = 2.0 / sum_w;
            offset += half;
            s.used_stages = s.used_stages.max(stage + 1);
        }
        assign_slots(&mut s.plan);
        for (t, due) in s.due.iter_mut().enumerate() {
            for (k, plan) in s.plan.iter().enumerate() {
                if t % plan.period as usize == plan.slot as usize {
                    *due |= 1 << k;
                }
            }
        }
        Ok(s)
    }

    /// The plan of every bin: its decimation stage and window length.
    pub fn plan(&self) -> &[BinPlan; NUM_BINS] {
        &self.plan
    }

    /// Feeds one input sample through the decimation cascade.
    #[inline]
    pub fn push(&mut self, x: f32) {
        self.push_block(&[x]);
    }

    /// Feeds a block of input samples (oldest first) through the decimation cascade, stage by
    /// stage: the same result as [`Spectrum::push`] on each sample, for less work per sample.
    pub fn push_block(&mut self, xs: &[f32]) {
        const CHUNK: usize = 64;
        for chunk in xs.chunks(CHUNK) {
            let mut buf = [0.0f32; CHUNK];
            let mut len = chunk.len();
            buf[..len].copy_from_slice(chunk);
            self.stages[0].extend(&buf[..len]);
            for s in 1..self.used_stages {
                len = self.decimators[s - 1].decimate_in_place(&mut buf[..len]);
                if len == 0 {
                    break;
                }
                self.stages[s].extend(&buf[..len]);
            }
        }
    }

    /// Recomputes the bins due this hop (see [`UPDATE_SAMPLES`]) on the newest samples and returns
    /// the magnitudes; the others keep their last value. Call once per hop.
    pub fn compute(&mut self) -> &[f32; NUM_BINS] {
        let tick = self.tick;
        self.tick = (tick + 1) % MAX_PERIOD;
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = Avx2::detect() {
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { self.update_due_avx2(avx2, tick) };
            return &self.magnitude;
        }
        self.update_due(None, tick);
        &self.magnitude
    }

    /// Recomputes the bins due on hop `tick` (modulo [`MAX_PERIOD`]).
    ///
    /// The square roots wait until every due bin's power is in: on x86-64 one vectorised pass
    /// over all 64 bins (a bin not due gets the same root of the same power again), which costs
    /// less than a scalar root at the end of each bin's dependency chain; elsewhere one root per
    /// due bin, as the FPU has no vector root. Either way each magnitude is bit for bit
    /// `√power · scale`.
    ///
    /// With the AVX2 token the dot products use the AVX2 intrinsics ([`Window::power`]); the
    /// caller passes a constant, which inlining folds.
    #[inline(always)]
    fn update_due(&mut self, avx2: Option<Avx2>, tick: usize) {
        let mut rest = self.due[tick % MAX_PERIOD];
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            self.power[k] = self.window(k).power(avx2);
            #[cfg(not(target_arch = "x86_64"))]
            {
                self.magnitude[k] = crate::math::sqrt(self.power[k]) * self.scale[k];
            }
        }
        #[cfg(target_arch = "x86_64")]
        for ((m, &p), &s) in self.magnitude.iter_mut().zip(&self.power).zip(&self.scale) {
            *m = crate::math::sqrt(p) * s;
        }
    }

    /// [`Spectrum::update_due`] compiled for AVX2 (see `crate::cpu`): the same bits, in 8-wide
    /// vectors.
    ///
    /// Callers not compiled with AVX2 need `unsafe`: the token is their proof that the CPU has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn update_due_avx2(&mut self, avx2: Avx2, tick: usize) {
        self.update_due(Some(avx2), tick)
    }

    /// Recomputes every bin on the newest samples, whatever its cadence, and returns the
    /// magnitudes: the spectrum of exactly the current windows (for tests and one-off reads).
    pub fn compute_all(&mut self) -> &[f32; NUM_BINS] {
        for k in 0..NUM_BINS {
            self.power[k] = self.window(k).power(None);
            self.magnitude[k] = crate::math::sqrt(self.power[k]) * self.scale[k];
        }
        &self.magnitude
    }

    /// Bin `k`'s window on the newest samples of its stage, with its kernel.
    #[inline(always)]
    fn window(&self, k: usize) -> Window<'_> {
        let plan = &self.plan[k];
        let half = plan.half as usize;
        let stage = &self.stages[plan.stage as usize];
        // Window x[0 ..= 2h], centre x[h]: `after` is x[h+1 ..= 2h] forwards and `before`
        // is x[h-1], x[h-2], … x[0]: both run away from the centre.
        let forwards = stage.latest(half);
        let backwards = &stage.latest_reversed(2 * half + 1)[half..];
        let off = plan.offset as usize;
        Window::new(
            forwards,
            backwards,
            &self.kcos[off..off + half],
            &self.ksin[off..off + half],
            plan.centre,
        )
    }
}

/// Hops between updates of a bin on `stage`: the largest power of two (at most [`MAX_PERIOD`])
/// whose hops bring the stage no more than [`UPDATE_SAMPLES`] new samples.
fn update_period(hop: usize, stage: usize) -> usize {
    let mut period = 1;
    while period < MAX_PERIOD && (2 * period * hop) >> stage <= UPDATE_SAMPLES {
        period *= 2;
    }
    period
}

/// Spreads the bins over the hops of their period so that the busiest hop does as little work as
/// possible: each bin (longest period first) takes the slot whose busiest hop is least loaded,
/// weighing a bin by its window length.
fn assign_slots(plan: &mut [BinPlan; NUM_BINS]) {
    let mut load = [0usize; MAX_PERIOD];
    let mut order: [usize; NUM_BINS] = core::array::from_fn(|k| k);
    order.sort_unstable_by_key(|&k| core::cmp::Reverse((plan[k].period, plan[k].half)));
    for k in order {
        let period = plan[k].period as usize;
        let busiest = |slot: usize| (slot..MAX_PERIOD).step_by(period).map(|h| load[h]).max();
        let slot = (0..period).min_by_key(|&s| busiest(s)).unwrap_or(0);
        for h in (slot..MAX_PERIOD).step_by(period) {
            load[h] += plan[k].half as usize;
        }
        plan[k].slot = slot as u8;
    }
}

/// Half-length (in samples at `rate`) of the window for a note at `f`, rounded to a multiple of
/// eight so the dot products run in whole vector chunks. The rounding moves the window length by
/// at most 4 of its ~70 half-samples (±6 %): the resolution stays within 1.65 to 1.85, and the
/// nearest neighbour at least 14 dB down.
fn half_length(f: f32, rate: f32, semitone: f32) -> usize {
    let seconds = RESOLUTION / (f * semitone);
    // The Hann window of half-length h spans 2(h + 1) sample periods between its zeros.
    let h = seconds * rate / 2.0 - 1.0;
    (libm::roundf(h / 8.0) as usize).max(1) * 8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX2 build of the per-hop update gives the same bits as the baseline one.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_path_gives_the_same_bits() {
        let Some(avx2) = crate::cpu::avx2_for_tests() else {
            return; // portable forced, or a CPU without AVX2 (checked against std's detection)
        };
        let config = Config::DEFAULT;
        let mut a = Spectrum::new(&config).unwrap();
        let mut b = Spectrum::new(&config).unwrap();
        for hop in 0..400usize {
            let block: [f32; 64] = core::array::from_fn(|i| {
                let n = (hop * 64 + i) as f32;
                libm::sinf(n * 0.0713) * 0.4 + libm::sinf(n * 0.0021) * 0.3
            });
            a.push_block(&block);
            b.push_block(&block);
            a.update_due(None, hop % MAX_PERIOD);
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { b.update_due_avx2(avx2, hop % MAX_PERIOD) };
            assert_eq!(a.magnitude, b.magnitude, "hop {hop}");
        }
        assert!(a.magnitude.iter().any(|&m| m > 0.01));
    }
}
