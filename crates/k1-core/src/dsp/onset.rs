//! Onset strength (novelty) and onset events, from the energy flux of five bands.
//!
//! The semitone spectrum is the wrong input for onsets: its low bins use windows of up to half a
//! second, which smear an attack over many hops. Instead five IIR bands (below 150 Hz, 150–400,
//! 400–1000, 1000–2500, above 2500 Hz) are squared and summed per hop; low bands over a few hops
//! so a bass note's own waveform does not look like an attack. The novelty is the sum over bands of
//! the rise in `ln(1 + E/floor)`: a relative measure, so it does not depend on the level.
//!
//! An onset fires on the first hop where the novelty rises above an adaptive threshold (recent
//! mean plus twice the recent mean deviation), at most once per rise and at least 50 ms apart, so
//! it is reported in the hop that holds the attack.

use super::biquad::Biquad;

/// Number of onset bands.
pub const BANDS: usize = 5;
/// Longest per-band energy window, in hops.
const MAX_WINDOW: usize = 8;
/// Per-band energy window in milliseconds.
const WINDOW_MS: [f32; BANDS] = [20.0, 10.0, 5.0, 5.0, 5.0];
/// Smallest novelty that can be an onset (a 3 dB rise in one band is 0.69).
const MIN_ONSET: f32 = 0.6;

/// Band-energy flux onset detector.
#[derive(Clone, Debug)]
pub struct OnsetDetector {
    filters: [Biquad; BANDS],
    acc: [f32; BANDS],
    ring: [[f32; MAX_WINDOW]; BANDS],
    window: [usize; BANDS],
    ring_pos: usize,
    prev_log: [f32; BANDS],
    mean: f32,
    dev: f32,
    track: f32,
    peak: f32,
    peak_decay: f32,
    armed: bool,
    since_onset: u32,
    refractory: u32,
}

impl OnsetDetector {
    /// A detector for `sample_rate` with `hop_rate` hops per second.
    pub fn new(sample_rate: f32, hop_rate: f32) -> Self {
        let window = core::array::from_fn(|b| {
            let w = libm::roundf(WINDOW_MS[b] * hop_rate / 1000.0) as usize;
            w.clamp(1, MAX_WINDOW)
        });
        Self {
            filters: [
                Biquad::low_pass(150.0, sample_rate),
                Biquad::band_pass(150.0, 400.0, sample_rate),
                Biquad::band_pass(400.0, 1000.0, sample_rate),
                Biquad::band_pass(1000.0, 2500.0, sample_rate),
                Biquad::high_pass(2500.0, sample_rate),
            ],
            acc: [0.0; BANDS],
            ring: [[0.0; MAX_WINDOW]; BANDS],
            window,
            ring_pos: 0,
            prev_log: [0.0; BANDS],
            mean: 0.0,
            dev: 0.0,
            track: 1.0 - libm::expf(-1.0 / (1.0 * hop_rate)),
            peak: 1.0,
            peak_decay: libm::expf(-1.0 / (3.0 * hop_rate)),
            armed: true,
            since_onset: u32::MAX,
            refractory: libm::ceilf(0.05 * hop_rate) as u32,
        }
    }

    /// Feeds one sample into the band filters.
    #[inline]
    pub fn push(&mut self, x: f32) {
        for (f, acc) in self.filters.iter_mut().zip(self.acc.iter_mut()) {
            let y = f.process(x);
            *acc += y * y;
        }
    }

    /// Closes the hop: returns (novelty, scaled novelty, onset). `floor` is the noise RMS, which
    /// sets the energy below which changes do not count; `silent` suppresses onsets.
    pub fn end_hop(&mut self, hop_len: usize, floor: f32, silent: bool) -> (f32, f32, bool) {
        let floor_power = (floor * floor).max(1e-10);
        let mut novelty = 0.0;
        for b in 0..BANDS {
            self.ring[b][self.ring_pos] = self.acc[b] / hop_len as f32;
            self.acc[b] = 0.0;
            let w = self.window[b];
            let mut e = 0.0;
            for i in 0..w {
                e += self.ring[b][(self.ring_pos + MAX_WINDOW - i) % MAX_WINDOW];
            }
            let l = libm::logf(1.0 + e / w as f32 / floor_power);
            novelty += (l - self.prev_log[b]).max(0.0);
            self.prev_log[b] = l;
        }
        self.ring_pos = (self.ring_pos + 1) % MAX_WINDOW;
        if !novelty.is_finite() {
            novelty = 0.0;
        }

        let threshold = self.mean + 2.0 * self.dev + MIN_ONSET;
        self.since_onset = self.since_onset.saturating_add(1);
        let mut onset = false;
        if novelty > threshold {
            if self.armed && !silent && self.since_onset >= self.refractory {
                onset = true;
                self.since_onset = 0;
            }
            self.armed = false;
        } else {
            self.armed = true;
        }
        self.dev += ((novelty - self.mean).abs() - self.dev) * self.track;
        self.mean += (novelty - self.mean) * self.track;
        self.peak = (self.peak * self.peak_decay).max(novelty).max(1.0);
        (novelty, (novelty / self.peak).min(1.0), onset)
    }
}
