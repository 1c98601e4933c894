//! Seeded pseudo-random numbers (SplitMix64): tiny, fast, and identical on every platform.

/// A SplitMix64 generator. Not for cryptography; only for repeatable noise and velocities.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub(crate) const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// An independent stream for one part (`stream`) of a seeded whole (`seed`), e.g. one drum hit.
    /// Parts get their own stream so that adding or reordering parts leaves the others unchanged.
    pub(crate) const fn derive(seed: u64, stream: u64) -> Self {
        Self::new(mix(seed ^ mix(stream ^ 0xA076_1D64_78BD_642F)))
    }

    /// The next 64 random bits.
    pub(crate) const fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// Uniform in `[0, 1)`, with 53 bits of resolution.
    pub(crate) fn unit(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[-1, 1)`.
    pub(crate) fn bipolar(&mut self) -> f64 {
        self.unit() * 2.0 - 1.0
    }
}

/// The SplitMix64 finaliser: a bijection on `u64` that scatters nearby inputs far apart.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
        assert_ne!(Rng::derive(1, 0).next_u64(), Rng::derive(1, 1).next_u64());
    }

    #[test]
    fn unit_and_bipolar_stay_in_range_and_average_out() {
        let mut rng = Rng::new(7);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            let b = rng.bipolar();
            assert!((-1.0..1.0).contains(&b));
            sum += b;
        }
        assert!((sum / f64::from(n)).abs() < 0.01);
    }
}
