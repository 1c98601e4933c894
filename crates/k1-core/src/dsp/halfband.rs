//! Half-band decimating low-pass filter: halves the sample rate, keeping 0..0.15·fs_in flat and
//! removing 0.35·fs_in..0.5·fs_in by about 70 dB, so nothing aliases onto the notes analysed
//! at the lower rate.

use core::f32::consts::PI;

/// Filter half-length: taps run from `-M` to `+M`. Odd taps are the only non-zero ones besides the
/// centre, which is what makes a half-band filter cheap.
const M: usize = 13;
/// Non-zero odd taps on one side (n = 1, 3, …, M).
const ODD: usize = M.div_ceil(2);
/// Kaiser window shape: about 70 dB of stop-band attenuation.
const KAISER_BETA: f32 = 7.0;

/// Group delay of one stage, in input samples.
pub const DELAY: usize = M;

/// Zeroth-order modified Bessel function of the first kind, by its power series.
fn bessel_i0(x: f32) -> f32 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let q = x * x / 4.0;
    let mut k = 1.0;
    while term > 1e-9 * sum {
        term *= q / (k * k);
        sum += term;
        k += 1.0;
    }
    sum
}

/// Window length of the filter in input samples.
const L: usize = 2 * M + 1;
/// Input samples taken per pass of [`HalfBand::decimate_in_place`].
const CHUNK: usize = 64;

/// A 2:1 decimator. Feed it samples at the input rate; every second one yields an output sample.
#[derive(Clone)]
pub struct HalfBand {
    /// `taps[j]` is the coefficient of offsets ±(2j + 1).
    taps: [f32; ODD],
    /// The newest `L - 1` input samples at the front (oldest first), then room for a chunk: a
    /// chunk is copied in behind the history, filtered in place, and its last `L - 1` samples
    /// moved to the front. No ring, no copies per sample, no zeroing per call.
    work: [f32; L - 1 + CHUNK],
    /// The phase: true when the next input sample is the one that yields no output.
    odd: bool,
}

impl HalfBand {
    /// Designs the filter (Kaiser-windowed sinc, cut-off at a quarter of the input rate).
    pub fn new() -> Self {
        let mut taps = [0.0; ODD];
        let norm = bessel_i0(KAISER_BETA);
        for (j, tap) in taps.iter_mut().enumerate() {
            let n = (2 * j + 1) as f32;
            let sinc = libm::sinf(PI * n / 2.0) / (PI * n);
            let r = n / M as f32;
            let w = bessel_i0(KAISER_BETA * libm::sqrtf((1.0 - r * r).max(0.0))) / norm;
            *tap = sinc * w;
        }
        // Normalise the DC gain to exactly 1: centre tap 0.5 plus both sides.
        let side: f32 = taps.iter().sum::<f32>() * 2.0;
        let scale = 0.5 / side;
        for tap in &mut taps {
            *tap *= scale;
        }
        Self {
            taps,
            work: [0.0; L - 1 + CHUNK],
            odd: false,
        }
    }

    /// Pushes one input sample; returns an output sample on every second call.
    #[inline]
    pub fn push(&mut self, x: f32) -> Option<f32> {
        let mut one = [x];
        (self.decimate_in_place(&mut one) == 1).then_some(one[0])
    }

    /// Filters a block in place and keeps every second output, exactly as [`HalfBand::push`] on
    /// each sample would: returns how many outputs now lead `block`.
    pub fn decimate_in_place(&mut self, block: &mut [f32]) -> usize {
        let mut produced = 0;
        let mut start = 0;
        while start < block.len() {
            let n = (block.len() - start).min(CHUNK);
            self.work[L - 1..L - 1 + n].copy_from_slice(&block[start..start + n]);
            // The newest sample of step i is work[L - 1 + i]; the window is work[i..i + L] and
            // its centre M samples back. Steps alternate: output, none, output, ...
            let first = usize::from(!self.odd);
            for i in (first..n).step_by(2) {
                let w = &self.work[i..i + L];
                let mut acc = 0.5 * w[M];
                for (j, tap) in self.taps.iter().enumerate() {
                    let k = 2 * j + 1;
                    acc += tap * (w[M - k] + w[M + k]);
                }
                // In place: `produced` ≤ (start + i) / 2 + 1, behind the samples still unread.
                block[produced] = acc;
                produced += 1;
            }
            if n % 2 == 1 {
                self.odd = !self.odd;
            }
            self.work.copy_within(n..n + L - 1, 0);
            start += n;
        }
        produced
    }
}

impl Default for HalfBand {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Output amplitude (RMS·√2) of a unit sine of `freq` (cycles per input sample) after settling.
    fn gain(freq: f32) -> f32 {
        let mut f = HalfBand::new();
        let (mut power, mut count) = (0.0f64, 0);
        for n in 0..40_000 {
            let x = libm::sin(2.0 * core::f64::consts::PI * (freq as f64) * n as f64) as f32;
            if let Some(y) = f.push(x).filter(|_| n > 200) {
                power += (y * y) as f64;
                count += 1;
            }
        }
        libm::sqrt(2.0 * power / count as f64) as f32
    }

    #[test]
    fn passband_is_flat_and_stopband_is_deep() {
        for &f in &[0.01, 0.05, 0.1, 0.15] {
            let g = gain(f);
            assert!((g - 1.0).abs() < 0.01, "passband gain {g} at {f}");
        }
        for &f in &[0.35, 0.4, 0.45] {
            let g = gain(f);
            assert!(g < 10f32.powf(-60.0 / 20.0), "stopband gain {g} at {f}");
        }
    }

    #[test]
    fn blocks_of_any_size_equal_the_direct_convolution() {
        // The whole input, generated up front, and the filter written out directly on it:
        // output o is centred on input 2o + 1 - M (zero before the start), with the same
        // operations in the same order, so the bits must match.
        const TOTAL: usize = 502;
        let x: [f32; TOTAL] = core::array::from_fn(|i| {
            let n = i as u32 + 1;
            libm::sinf(n as f32 * 0.21) + if n.is_multiple_of(31) { 0.5 } else { 0.0 }
        });
        let f = HalfBand::new();
        let at = |i: isize| if i < 0 { 0.0 } else { x[i as usize] };
        let direct = |o: usize| {
            let c = (2 * o + 1) as isize - M as isize;
            let mut acc = 0.5 * at(c);
            for (j, tap) in f.taps.iter().enumerate() {
                let k = (2 * j + 1) as isize;
                acc += tap * (at(c - k) + at(c + k));
            }
            acc
        };
        let mut b = HalfBand::new();
        let mut p = HalfBand::new();
        let (mut fed, mut outputs) = (0, 0);
        for len in [64usize, 1, 3, 32, 200, 0, 7, 64, 2, 129] {
            let mut storage = [0.0f32; 200];
            let block = &mut storage[..len];
            block.copy_from_slice(&x[fed..fed + len]);
            // One sample at a time through `push` too.
            let mut pushed = [0.0f32; 200];
            let mut count = 0;
            for &v in block.iter() {
                if let Some(y) = p.push(v) {
                    pushed[count] = y;
                    count += 1;
                }
            }
            let got = b.decimate_in_place(block);
            assert_eq!(got, count, "block of {len}");
            for (i, &y) in block[..got].iter().enumerate() {
                assert_eq!(
                    y,
                    direct(outputs + i),
                    "output {} (block of {len})",
                    outputs + i
                );
                assert_eq!(y, pushed[i]);
            }
            fed += len;
            outputs += got;
        }
        assert_eq!(fed, TOTAL);
        assert_eq!(outputs, TOTAL / 2);
    }
}
