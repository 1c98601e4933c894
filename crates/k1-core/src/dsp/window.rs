//! One spectrum bin's windowed DFT: the dot products of a window's samples with its kernel, on
//! every target in the same lanes and the same order, so every path gives the same bits.
//!
//! The window is centred on a sample, so `w·cos` is even and `w·sin` odd about the centre: the
//! kernel holds one half, and each entry multiplies the sum (cosine) or difference (sine) of the
//! two samples at the same distance either side. The sums run in eight lanes (lane `l` takes the
//! entries `m ≡ l mod 8`), then the lanes are added in order 0 to 7 after the centre sample's term.

use crate::cpu::Avx2;

/// One bin's window, cut so both half-windows and both half-kernels have the same length `h`.
pub struct Window<'a> {
    /// The samples after the centre, nearest first.
    after: &'a [f32],
    /// The samples before the centre, nearest first.
    before: &'a [f32],
    /// `w_m·cos(ω m)` for m = 1..=h.
    kcos: &'a [f32],
    /// `w_m·sin(ω m)` for m = 1..=h.
    ksin: &'a [f32],
    /// The centre sample.
    x0: f32,
    /// The window's weight at the centre.
    centre: f32,
}

impl<'a> Window<'a> {
    /// A window from its half-windows and half-kernels: `backwards[0]` is the centre sample and
    /// `backwards[m]` the sample `m` before it; `after[m - 1]` the sample `m` after it. The
    /// slices are cut to their common length; with no centre sample the window is empty.
    #[inline(always)]
    pub fn new(
        after: &'a [f32],
        backwards: &'a [f32],
        kcos: &'a [f32],
        ksin: &'a [f32],
        centre: f32,
    ) -> Self {
        let (x0, before) = backwards
            .split_first()
            .map_or((0.0, &[][..]), |(&x, b)| (x, b));
        let h = kcos
            .len()
            .min(ksin.len())
            .min(after.len())
            .min(before.len());
        Self {
            after: &after[..h],
            before: &before[..h],
            kcos: &kcos[..h],
            ksin: &ksin[..h],
            x0,
            centre,
        }
    }

    /// `re² + im²` of the windowed DFT, with the AVX2 intrinsics when given the proof that the
    /// CPU has them ([`Avx2::detect`]), else portable code: the same bits either way. Inlined
    /// into a caller compiled with AVX2 (`#[target_feature(enable = "avx2")]`) the intrinsics
    /// inline too; elsewhere they are one call per window.
    #[inline(always)]
    pub fn power(&self, avx2: Option<Avx2>) -> f32 {
        #[cfg(target_arch = "x86_64")]
        let (re, im) = match avx2 {
            // SAFETY: the token exists, so the CPU supports AVX2.
            Some(avx2) => unsafe { self.fused_lanes_avx2(avx2) },
            None => self.two_passes(),
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = avx2; // never `Some` here: only x86-64 CPUs have AVX2
        #[cfg(any(target_arch = "x86", target_arch = "aarch64"))]
        let (re, im) = self.two_passes();
        #[cfg(not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")))]
        let (re, im) = self.fused_lanes();
        self.finish(re, im)
    }

    /// The tail past the last whole chunk, then the lanes, then `re² + im²`.
    #[inline(always)]
    fn finish(&self, re: [f32; 8], im: [f32; 8]) -> f32 {
        let h = self.kcos.len();
        let mut r = self.centre * self.x0;
        let mut i = 0.0;
        for m in (h - h % 8)..h {
            r += self.kcos[m] * (self.after[m] + self.before[m]);
            i += self.ksin[m] * (self.after[m] - self.before[m]);
        }
        let (r, i) = (r + re.iter().sum::<f32>(), i + im.iter().sum::<f32>());
        r * r + i * i
    }

    /// On CPUs with vector registers but without the intrinsics path: two straight passes (one
    /// per output) over the same cached samples, each a plain multiply-accumulate over eight
    /// independent lanes that the compiler turns into packed vector code (one generic fused pass
    /// becomes paired scalar code there).
    #[cfg_attr(
        not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")),
        allow(dead_code)
    )]
    #[inline(always)]
    fn two_passes(&self) -> ([f32; 8], [f32; 8]) {
        (
            lanes(self.after, self.before, self.kcos, |a, b| a + b),
            lanes(self.after, self.before, self.ksin, |a, b| a - b),
        )
    }

    /// Both sums in one pass, which loads each sample once: the choice where there are no
    /// vector registers (the Cortex-M4F).
    #[cfg_attr(
        any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64"),
        allow(dead_code)
    )]
    #[inline(always)]
    fn fused_lanes(&self) -> ([f32; 8], [f32; 8]) {
        let mut re = [0.0f32; 8];
        let mut im = [0.0f32; 8];
        for (((a, b), kc), ks) in self
            .after
            .chunks_exact(8)
            .zip(self.before.chunks_exact(8))
            .zip(self.kcos.chunks_exact(8))
            .zip(self.ksin.chunks_exact(8))
        {
            for l in 0..8 {
                re[l] += kc[l] * (a[l] + b[l]);
                im[l] += ks[l] * (a[l] - b[l]);
            }
        }
        (re, im)
    }

    /// [`Window::fused_lanes`] in AVX2 intrinsics. Written out because the compiler turns the
    /// generic fused pass into paired scalar code on x86 (49,370 instructions per hop, against
    /// 24,959 for two generic passes); this one is about 10 instructions per eight samples for
    /// both outputs, where the two passes take about 16.
    ///
    /// Safe to call from code compiled with AVX2; elsewhere the caller holds the token, which
    /// proves the CPU has AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    fn fused_lanes_avx2(&self, _: Avx2) -> ([f32; 8], [f32; 8]) {
        use core::arch::x86_64::_mm256_setzero_ps;
        let mut re = _mm256_setzero_ps();
        let mut im = _mm256_setzero_ps();
        for j in 0..self.kcos.len() / 8 {
            // SAFETY: `j < h / 8`, so `8j + 8 ≤ h`; and this function is compiled with AVX2.
            unsafe { self.step_avx2(j, &mut re, &mut im) };
        }
        (to_lanes(re), to_lanes(im))
    }

    /// Adds chunk `j` (entries `8j..8j + 8`) to both sums.
    ///
    /// # Safety
    /// `8j + 8 ≤ h`, the length of all four slices ([`Window::new`] cuts them to one length).
    /// A caller not compiled with AVX2 must also know that the CPU has it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn step_avx2(
        &self,
        j: usize,
        re: &mut core::arch::x86_64::__m256,
        im: &mut core::arch::x86_64::__m256,
    ) {
        use core::arch::x86_64::{_mm256_add_ps, _mm256_loadu_ps, _mm256_mul_ps, _mm256_sub_ps};
        let i = 8 * j;
        debug_assert!(i + 8 <= self.kcos.len());
        // SAFETY: every slice has length h ≥ i + 8 (the caller's promise), so each load reads
        // eight `f32`s inside its slice; `loadu` needs no alignment.
        let (va, vb, vc, vs) = unsafe {
            (
                _mm256_loadu_ps(self.after.as_ptr().add(i)),
                _mm256_loadu_ps(self.before.as_ptr().add(i)),
                _mm256_loadu_ps(self.kcos.as_ptr().add(i)),
                _mm256_loadu_ps(self.ksin.as_ptr().add(i)),
            )
        };
        *re = _mm256_add_ps(*re, _mm256_mul_ps(vc, _mm256_add_ps(va, vb)));
        *im = _mm256_add_ps(*im, _mm256_mul_ps(vs, _mm256_sub_ps(va, vb)));
    }
}

/// An AVX vector's eight lanes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn to_lanes(v: core::arch::x86_64::__m256) -> [f32; 8] {
    bytemuck::cast(v)
}

/// `Σ k[m]·f(a[m], b[m])` over whole chunks of eight, in eight lanes (the tail is the caller's).
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")),
    allow(dead_code)
)]
#[inline(always)]
fn lanes(a: &[f32], b: &[f32], k: &[f32], f: impl Fn(f32, f32) -> f32) -> [f32; 8] {
    let mut acc = [0.0f32; 8];
    for ((a, b), k) in a
        .chunks_exact(8)
        .zip(b.chunks_exact(8))
        .zip(k.chunks_exact(8))
    {
        for l in 0..8 {
            acc[l] += k[l] * f(a[l], b[l]);
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(seed: f32, n: usize) -> [f32; 120] {
        core::array::from_fn(|i| {
            if i < n {
                libm::sinf(seed * (i as f32 + 1.0)) * (1.0 + seed)
            } else {
                0.0
            }
        })
    }

    #[test]
    fn every_path_gives_the_same_bits() {
        for n in [77, 64, 112, 8, 3] {
            let (a, b, kc, ks) = (
                series(0.37, n),
                series(1.3, n + 1),
                series(0.011, n),
                series(2.9, n),
            );
            let w = Window::new(&a[..n], &b[..n + 1], &kc[..n], &ks[..n], 1.0);
            let (fr, fi) = w.fused_lanes();
            let (tr, ti) = w.two_passes();
            assert_eq!((fr, fi), (tr, ti), "fused and two passes, n = {n}");
            let p = w.power(None);
            assert!(p > 0.0);
            #[cfg(target_arch = "x86_64")]
            if let Some(avx2) = crate::cpu::avx2_for_tests() {
                // SAFETY: the token proves the CPU has AVX2.
                let fused = unsafe { w.fused_lanes_avx2(avx2) };
                assert_eq!(fused, (fr, fi), "AVX2, n = {n}");
                assert_eq!(w.power(Some(avx2)).to_bits(), p.to_bits());
            }
        }
        let empty = Window::new(&[], &[], &[], &[], 1.0);
        assert_eq!(empty.power(None), 0.0);
        assert_eq!(empty.power(Avx2::detect()), 0.0);
    }
}
