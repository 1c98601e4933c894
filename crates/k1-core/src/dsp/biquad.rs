//! Second-order IIR sections (RBJ cookbook), used to split the signal into onset bands.

use core::f32::consts::PI;

/// A biquad filter in transposed direct form II.
#[derive(Clone, Copy, Debug, Default)]
pub struct Biquad {
    b0: f32,
    b1: f32,
    b2: f32,
    a1: f32,
    a2: f32,
    z1: f32,
    z2: f32,
}

impl Biquad {
    fn from_raw(b: [f32; 3], a: [f32; 3]) -> Self {
        Self {
            b0: b[0] / a[0],
            b1: b[1] / a[0],
            b2: b[2] / a[0],
            a1: a[1] / a[0],
            a2: a[2] / a[0],
            z1: 0.0,
            z2: 0.0,
        }
    }

    /// Butterworth-style low-pass (Q = 0.707) at `f` Hz.
    pub fn low_pass(f: f32, fs: f32) -> Self {
        let (cw, alpha) = Self::prewarp(f, fs, core::f32::consts::FRAC_1_SQRT_2);
        Self::from_raw(
            [(1.0 - cw) / 2.0, 1.0 - cw, (1.0 - cw) / 2.0],
            [1.0 + alpha, -2.0 * cw, 1.0 - alpha],
        )
    }

    /// Butterworth-style high-pass (Q = 0.707) at `f` Hz.
    pub fn high_pass(f: f32, fs: f32) -> Self {
        let (cw, alpha) = Self::prewarp(f, fs, core::f32::consts::FRAC_1_SQRT_2);
        Self::from_raw(
            [(1.0 + cw) / 2.0, -(1.0 + cw), (1.0 + cw) / 2.0],
            [1.0 + alpha, -2.0 * cw, 1.0 - alpha],
        )
    }

    /// Band-pass from `lo` to `hi` Hz (0 dB peak gain at their geometric mean).
    pub fn band_pass(lo: f32, hi: f32, fs: f32) -> Self {
        let centre = libm::sqrtf(lo * hi);
        let q = centre / (hi - lo);
        let (cw, alpha) = Self::prewarp(centre, fs, q);
        Self::from_raw([alpha, 0.0, -alpha], [1.0 + alpha, -2.0 * cw, 1.0 - alpha])
    }

    fn prewarp(f: f32, fs: f32, q: f32) -> (f32, f32) {
        let w = 2.0 * PI * (f / fs).min(0.49);
        (libm::cosf(w), libm::sinf(w) / (2.0 * q))
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let y = self.b0 * x + self.z1;
        self.z1 = self.b1 * x - self.a1 * y + self.z2;
        self.z2 = self.b2 * x - self.a2 * y;
        y
    }
}

/// `N` biquads fed the same input, stored as structure-of-arrays so one sample updates all of
/// them in a few vector instructions.
#[derive(Clone, Copy, Debug)]
pub struct BiquadBank<const N: usize> {
    b0: [f32; N],
    b1: [f32; N],
    b2: [f32; N],
    a1: [f32; N],
    a2: [f32; N],
    z1: [f32; N],
    z2: [f32; N],
}

impl<const N: usize> BiquadBank<N> {
    /// Gathers `N` designed sections into a bank (their state starts at zero).
    pub fn new(sections: [Biquad; N]) -> Self {
        Self {
            b0: sections.map(|s| s.b0),
            b1: sections.map(|s| s.b1),
            b2: sections.map(|s| s.b2),
            a1: sections.map(|s| s.a1),
            a2: sections.map(|s| s.a2),
            z1: [0.0; N],
            z2: [0.0; N],
        }
    }

    /// Filters one sample through every section and adds each output's square to `energy`.
    #[inline]
    pub fn accumulate_power(&mut self, x: f32, energy: &mut [f32; N]) {
        self.accumulate_block(core::slice::from_ref(&x), energy);
    }
}

impl<const N: usize> BiquadBank<N> {
    /// Runs a block of samples through every section and adds each section's output power to
    /// `energy`: exactly [`BiquadBank::accumulate_power`] on each sample in turn (the same
    /// operations in the same order, so the same bits), with the state held in registers across
    /// the block instead of loaded and stored per sample.
    ///
    /// The sections run four at a time: one vector each where the CPU has vector registers, and
    /// on the Cortex-M4F also the fewest instructions (M4F instructions per hop with 2, 4 and 8
    /// at a time, and one at a time: 97,060, 96,379, 99,482 and 100,087).
    pub fn accumulate_block(&mut self, xs: &[f32], energy: &mut [f32; N]) {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = crate::cpu::Avx2::detect() {
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { self.accumulate_block_avx2(avx2, xs, energy) };
            return;
        }
        let done = self.accumulate_lanes::<4>(0, xs, energy);
        self.accumulate_lanes::<1>(done, xs, energy);
    }

    /// [`BiquadBank::accumulate_block`] compiled for AVX2 (see `crate::cpu`), eight sections per
    /// vector and sixteen per pass: each section does the same operations in the same order, so
    /// the same bits. A section's recursion is a chain of dependent multiplies and adds (about
    /// 12 cycles per sample), so one vector at a time waits on that chain; two independent
    /// vectors in the same loop fill each other's wait (the analyser's hop went from 2,250 to
    /// 2,100 ns in `k1 bench analyze`).
    ///
    /// Callers not compiled with AVX2 need `unsafe`: the token is their proof that the CPU has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn accumulate_block_avx2(&mut self, _: crate::cpu::Avx2, xs: &[f32], energy: &mut [f32; N]) {
        let done = self.accumulate_lanes::<16>(0, xs, energy);
        self.accumulate_lanes::<1>(done, xs, energy);
    }

    /// Sections from `from` on, `W` at a time in lanes that the compiler maps to one vector each,
    /// while a whole `W` remain; returns where it stopped.
    #[inline(always)]
    fn accumulate_lanes<const W: usize>(
        &mut self,
        from: usize,
        xs: &[f32],
        energy: &mut [f32; N],
    ) -> usize {
        let mut i = from;
        while i + W <= N {
            let mut lanes = Lanes::<W>::load(self, energy, i);
            for &x in xs {
                lanes.step(x);
            }
            lanes.store(self, energy, i);
            i += W;
        }
        i
    }

    /// Like [`BiquadBank::accumulate_block`], but each sample first goes through `pre` (in
    /// order, once) and the block is left holding what `pre` returned: the same bits as mapping
    /// the block and then accumulating it. With AVX2 and at least sixteen sections the map runs
    /// inside the first pass, so a recursive `pre` (the analyser's DC blocker) waits on its
    /// dependency chain in the shadow of the sections' own chains instead of before them.
    pub fn accumulate_block_with(
        &mut self,
        xs: &mut [f32],
        energy: &mut [f32; N],
        mut pre: impl FnMut(f32) -> f32,
    ) {
        #[cfg(target_arch = "x86_64")]
        if N >= 16
            && let Some(avx2) = crate::cpu::Avx2::detect()
        {
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { self.accumulate_with_avx2(avx2, xs, energy, &mut pre) };
            return;
        }
        for x in xs.iter_mut() {
            *x = pre(*x);
        }
        self.accumulate_block(xs, energy);
    }

    /// [`BiquadBank::accumulate_block_with`] for AVX2, `pre` fused into the first sixteen
    /// sections' pass. Callers not compiled with AVX2 need `unsafe`: the token is their proof
    /// that the CPU has it. `N` must be at least 16 (else the first pass panics on an index).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn accumulate_with_avx2(
        &mut self,
        _: crate::cpu::Avx2,
        xs: &mut [f32],
        energy: &mut [f32; N],
        pre: &mut impl FnMut(f32) -> f32,
    ) {
        let mut lanes = Lanes::<16>::load(self, energy, 0);
        for x in xs.iter_mut() {
            *x = pre(*x);
            lanes.step(*x);
        }
        lanes.store(self, energy, 0);
        let done = self.accumulate_lanes::<16>(16, xs, energy);
        self.accumulate_lanes::<1>(done, xs, energy);
    }
}

/// `W` sections of a bank held in registers across a block: coefficients, state and energy.
struct Lanes<const W: usize> {
    b0: [f32; W],
    b1: [f32; W],
    b2: [f32; W],
    a1: [f32; W],
    a2: [f32; W],
    z1: [f32; W],
    z2: [f32; W],
    e: [f32; W],
}

impl<const W: usize> Lanes<W> {
    /// Sections `i..i + W` of `bank`.
    #[inline(always)]
    fn load<const N: usize>(bank: &BiquadBank<N>, energy: &[f32; N], i: usize) -> Self {
        let lane = |a: &[f32; N]| -> [f32; W] { core::array::from_fn(|l| a[i + l]) };
        Self {
            b0: lane(&bank.b0),
            b1: lane(&bank.b1),
            b2: lane(&bank.b2),
            a1: lane(&bank.a1),
            a2: lane(&bank.a2),
            z1: lane(&bank.z1),
            z2: lane(&bank.z2),
            e: lane(energy),
        }
    }

    /// One sample through every lane: the operations of [`Biquad::process`] and a square added.
    #[inline(always)]
    fn step(&mut self, x: f32) {
        for l in 0..W {
            let y = self.b0[l] * x + self.z1[l];
            self.z1[l] = self.b1[l] * x - self.a1[l] * y + self.z2[l];
            self.z2[l] = self.b2[l] * x - self.a2[l] * y;
            self.e[l] += y * y;
        }
    }

    /// Writes the state and energy back to sections `i..i + W`.
    #[inline(always)]
    fn store<const N: usize>(&self, bank: &mut BiquadBank<N>, energy: &mut [f32; N], i: usize) {
        bank.z1[i..i + W].copy_from_slice(&self.z1);
        bank.z2[i..i + W].copy_from_slice(&self.z2);
        energy[i..i + W].copy_from_slice(&self.e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_matches_single_sections() {
        let fs = 12_800.0;
        let sections = [
            Biquad::low_pass(100.0, fs),
            Biquad::band_pass(400.0, 800.0, fs),
            Biquad::high_pass(2800.0, fs),
        ];
        let mut singles = sections;
        let mut bank = BiquadBank::new(sections);
        let mut e_bank = [0.0; 3];
        let mut e_single = [0.0f32; 3];
        for n in 0..2000u32 {
            let x = libm::sinf(n as f32 * 0.37) + if n.is_multiple_of(97) { 1.0 } else { 0.0 };
            bank.accumulate_power(x, &mut e_bank);
            for (s, e) in singles.iter_mut().zip(&mut e_single) {
                let y = s.process(x);
                *e += y * y;
            }
        }
        for i in 0..3 {
            assert!(
                (e_bank[i] - e_single[i]).abs() <= 1e-4 * e_single[i].max(1.0),
                "band {i}"
            );
        }
    }

    #[test]
    fn a_fused_map_equals_mapping_first() {
        let fs = 12_800.0;
        let sections: [Biquad; 16] = core::array::from_fn(|i| {
            Biquad::band_pass(60.0 * (i + 1) as f32, 90.0 * (i + 1) as f32, fs)
        });
        let mut fused = BiquadBank::new(sections);
        let mut plain = BiquadBank::new(sections);
        let (mut ef, mut ep) = ([0.0; 16], [0.0; 16]);
        // A recursive map with state, like the analyser's DC blocker.
        let (mut sf, mut sp) = (0.0f32, 0.0f32);
        for hop in 0..50u32 {
            let block: [f32; 64] =
                core::array::from_fn(|i| libm::sinf((hop * 64 + i as u32) as f32 * 0.21) + 0.3);
            let (mut a, mut b) = (block, block);
            fused.accumulate_block_with(&mut a, &mut ef, |x| {
                sf = x - 0.9 * sf;
                sf
            });
            for x in b.iter_mut() {
                sp = *x - 0.9 * sp;
                *x = sp;
            }
            plain.accumulate_block(&b, &mut ep);
            assert_eq!(a, b, "hop {hop}: the mapped block");
            assert_eq!(ef, ep, "hop {hop}: the energies");
        }
    }

    #[test]
    fn block_equals_sample_by_sample() {
        let fs = 12_800.0;
        let sections: [Biquad; 6] = core::array::from_fn(|i| {
            Biquad::band_pass(100.0 * (i + 1) as f32, 150.0 * (i + 1) as f32, fs)
        });
        let mut a = BiquadBank::new(sections);
        let mut b = BiquadBank::new(sections);
        let mut c = BiquadBank::new(sections);
        let (mut ea, mut eb, mut ec) = ([0.0; 6], [0.0; 6], [0.0; 6]);
        let mut n = 0u32;
        for len in [64usize, 1, 0, 13, 128, 3] {
            let mut storage = [0.0f32; 128];
            let block = &mut storage[..len];
            for x in block.iter_mut() {
                n += 1;
                *x = libm::sinf(n as f32 * 0.37) + if n.is_multiple_of(97) { 1.0 } else { 0.0 };
            }
            for &x in block.iter() {
                a.accumulate_power(x, &mut ea);
            }
            b.accumulate_block(block, &mut eb);
            assert_eq!(ea, eb, "after a block of {len}");
            // The four-lane path too, whichever one `accumulate_block` picked on this CPU.
            let done = c.accumulate_lanes::<4>(0, block, &mut ec);
            c.accumulate_lanes::<1>(done, block, &mut ec);
            assert_eq!(ea, ec, "four lanes, after a block of {len}");
        }
    }

    /// The AVX2 builds (sixteen sections a pass, and the fused map) give the same bits as the
    /// portable four-lane path, on a bank with a tail past the last sixteen.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_paths_give_the_same_bits() {
        let Some(avx2) = crate::cpu::avx2_for_tests() else {
            return; // portable forced, or a CPU without AVX2 (checked against std's detection)
        };
        let fs = 12_800.0;
        let sections: [Biquad; 19] = core::array::from_fn(|i| {
            Biquad::band_pass(50.0 * (i + 1) as f32, 75.0 * (i + 1) as f32, fs)
        });
        let (mut portable, mut wide, mut fused) = (
            BiquadBank::new(sections),
            BiquadBank::new(sections),
            BiquadBank::new(sections),
        );
        let (mut ep, mut ew, mut ef) = ([0.0; 19], [0.0; 19], [0.0; 19]);
        for hop in 0..40u32 {
            let block: [f32; 64] =
                core::array::from_fn(|i| libm::sinf((hop * 64 + i as u32) as f32 * 0.29) + 0.1);
            let done = portable.accumulate_lanes::<4>(0, &block, &mut ep);
            portable.accumulate_lanes::<1>(done, &block, &mut ep);
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { wide.accumulate_block_avx2(avx2, &block, &mut ew) };
            let mut mapped = block;
            // SAFETY: as above.
            unsafe { fused.accumulate_with_avx2(avx2, &mut mapped, &mut ef, &mut |x| x) };
            assert_eq!(ep, ew, "hop {hop}: sixteen a pass");
            assert_eq!(ep, ef, "hop {hop}: the fused map");
            assert_eq!(mapped, block);
        }
        assert!(ep.iter().all(|&e| e > 0.0));
    }
}
