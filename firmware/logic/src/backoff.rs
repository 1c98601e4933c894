//! Exponential backoff for Wi-Fi reconnects: 1 s, 2 s, 4 s … capped at a minute, never given
//! up. Field reports on similar devices are of Wi-Fi dropping overnight and never coming back;
//! here the station keeps trying for as long as the device runs, and a success resets the wait.

/// The first wait, in milliseconds.
pub const FIRST_MS: u32 = 1_000;
/// The longest wait, in milliseconds.
pub const MAX_MS: u32 = 60_000;

/// Waits between attempts: doubling from [`FIRST_MS`] up to [`MAX_MS`], with up to 25 % jitter
/// from a caller's seed, so that many devices rebooted by one power cut do not retry in step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
    seed: u32,
}

impl Backoff {
    /// A backoff with no failures yet. `seed` varies the jitter (the MAC address is a good one).
    pub const fn new(seed: u32) -> Backoff {
        Backoff {
            failures: 0,
            seed: if seed == 0 { 0x9e37_79b9 } else { seed },
        }
    }

    /// Failures since the last success.
    pub const fn failures(&self) -> u32 {
        self.failures
    }

    /// Records a failure and returns how long to wait before the next attempt, in milliseconds.
    pub fn fail(&mut self) -> u32 {
        let base = FIRST_MS
            .checked_shl(self.failures.min(16))
            .unwrap_or(MAX_MS)
            .min(MAX_MS);
        self.failures = self.failures.saturating_add(1);
        // xorshift32: the jitter only has to differ between devices, not be unpredictable.
        let mut x = self.seed;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.seed = x;
        base - (x % (base / 4 + 1))
    }

    /// Records a success: the next failure waits [`FIRST_MS`] again.
    pub fn succeed(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_cap_with_bounded_jitter_and_resets() {
        let mut b = Backoff::new(42);
        let mut bases = [0u32; 12];
        for (i, base) in bases.iter_mut().enumerate() {
            *base = (FIRST_MS << i.min(16)).min(MAX_MS);
            let w = b.fail();
            assert!(
                w <= *base && w >= *base - *base / 4,
                "attempt {i}: {w} vs {base}"
            );
        }
        assert_eq!(bases[11], MAX_MS);
        for _ in 0..1000 {
            assert!(b.fail() <= MAX_MS);
        }
        b.succeed();
        assert!(b.fail() <= FIRST_MS);
    }

    #[test]
    fn different_seeds_spread_out() {
        let w: [u32; 4] = core::array::from_fn(|s| {
            let mut b = Backoff::new(s as u32 + 1);
            b.fail();
            b.fail();
            b.fail()
        });
        assert!(w.iter().any(|&x| x != w[0]), "{w:?}");
    }
}
