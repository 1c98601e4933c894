//! Onset strength (novelty) and onset events, from the energy flux of sixteen bands.
//!
//! The semitone spectrum is the wrong input for onsets: its low bins use windows of up to half a
//! second, which smear an attack over many hops. Instead sixteen IIR bands, half an octave wide
//! from 70 Hz to 4 kHz (a low-pass below, a high-pass above), are squared and summed per hop; low
//! bands over a few hops (up to 25 ms) so a bass note's own waveform does not look like an attack.
//! The novelty is the sum over bands of the rise in `ln(1 + E/floor)`, where each band's floor is
//! 30 dB under its own recent peak (and never under the noise floor): a relative measure that does
//! not depend on the level and ignores changes in faint bands. Broadband attacks (kick, snare,
//! clap) rise in many bands at once and so count more than a hi-hat, which rises in two or three:
//! with sixteen bands instead of eight the beat tracker's mean F on the corpus went from 0.54 to
//! 0.57 and funk_94's tempo came right.
//!
//! Closed hats, shakers and rides put most of their energy above the analysed signal's Nyquist
//! limit (6.4 kHz at 12.8 kHz), where the sixteen bands cannot see them. A host that reads the
//! source at its native rate can measure that octave (the *air band*, from the analysed rate's
//! Nyquist limit to twice it) and hand its power in per hop ([`OnsetDetector::set_air`]). The
//! air band's rise adds to the onset novelty and has an onset rule of its own, but it never
//! reaches the tempo bank or the beat novelty: the beat tracker sees exactly what it sees
//! without air.
//!
//! An onset fires on the first hop where the novelty rises above an adaptive threshold (recent
//! mean plus four times the recent mean deviation), or where the air band alone rises above its
//! own (a hat's few dB there are too little for the sum), at most once per rise and at least
//! 50 ms apart, so it is reported in the hop that holds the attack.

use super::biquad::{Biquad, BiquadBank};

/// Number of onset bands.
pub const BANDS: usize = 16;
/// Longest per-band energy window, in hops.
const MAX_WINDOW: usize = 8;
/// Per-band energy window in milliseconds.
const WINDOW_MS: [f32; BANDS] = [
    25.0, 25.0, 25.0, 25.0, 15.0, 15.0, 15.0, 10.0, 10.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0,
];
/// Band edges in Hz: band 0 is below the first edge, band 7 above the last.
const EDGES: [f32; BANDS - 1] = [
    70.0, 93.5, 124.8, 166.6, 222.4, 296.9, 396.4, 529.2, 706.4, 943.1, 1259.1, 1681.0, 2244.2,
    2996.1, 4000.0,
];
/// Each band's floor sits this far (power ratio, -30 dB) under its recent peak.
const RELATIVE_FLOOR: f32 = 1e-3;
/// Smallest novelty that can be an onset (a 3 dB rise in one band is 0.69).
const MIN_ONSET: f32 = 0.6;
/// How many mean deviations above the recent mean the novelty must rise for an onset.
const THRESHOLD_DEVIATIONS: f32 = 4.0;

/// The air band's own onset rule: its rise must pass its recent mean plus this many mean
/// deviations...
const AIR_DEVIATIONS: f32 = 1.0;
/// ...plus this (`ln` units: 0.6 is a rise of about 2.6 dB). Tuned on the corpus and the tuning
/// grooves (see `docs/beat-tracking.md`).
const AIR_MIN_RISE: f32 = 0.6;

/// Weight of each band in the beat novelty: the bass bands (to 222 Hz) and the top ones (above
/// 1.7 kHz: hats, cymbals, the noise of a snare) at 0.5, the middle (snare and clap bodies,
/// chords) at 0.6. Tuned on the tuning part of the generated grooves and the corpus (see
/// `docs/beat-tracking.md`).
const BEAT_WEIGHT: [f32; BANDS] = [
    0.5, 0.5, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5,
];
/// How fast a band's held peak falls back, in `ln(1 + E/floor)` per hop (about 9 dB a second
/// at 200 hops a second): a rise counts for the beat only above it. Per hop, not per second:
/// at 16 kHz (125 hops a second) it falls slower, and a per-second rate there loses beats of
/// the 140 BPM tempo test, so the two rates are tuned as they are.
const HOLD_RELEASE: f32 = 0.01;

/// One band: the energy history that smooths it (its filter is in the detector's bank).
#[derive(Clone, Debug)]
struct Band {
    /// Mean power of the last `MAX_WINDOW` hops, a ring indexed by the detector's `ring_pos`.
    ring: [f32; MAX_WINDOW],
    /// Hops averaged for this band.
    window: usize,
    /// Recent peak power, for the relative floor.
    peak: f32,
    /// `ln(1 + E/floor)` of the previous hop.
    prev_log: f32,
    /// Peak-held `ln(1 + E/floor)`, falling slowly: the reference the beat novelty rises from.
    hold: f32,
}

/// The air band: its power per hop comes from the host, measured before resampling, and it has
/// its own onset rule. One hop of energy window (hats are short).
#[derive(Clone, Debug)]
struct AirBand {
    /// This hop's mean power, if the host measured it.
    power: Option<f32>,
    /// Recent peak power, for the relative floor.
    peak: f32,
    /// `ln(1 + E/floor)` of the previous hop with air.
    prev_log: f32,
    /// Recent mean of the rise, for the air rule.
    mean: f32,
    /// Recent mean deviation of the rise.
    dev: f32,
}

impl AirBand {
    const SILENT: Self = Self {
        power: None,
        peak: 0.0,
        prev_log: 0.0,
        mean: 0.0,
        dev: 0.0,
    };

    /// Closes the hop: the rise of `ln(1 + E/floor)` (0 without air) and whether it passes the
    /// air rule. `peak_decay` and `track` are the detector's.
    fn end_hop(&mut self, floor_power: f32, peak_decay: f32, track: f32) -> (f32, bool) {
        let Some(e) = self.power.take() else {
            return (0.0, false);
        };
        self.peak = (self.peak * peak_decay).max(e);
        let floor = floor_power.max(self.peak * RELATIVE_FLOOR);
        let l = crate::math::ln_at_least_one(1.0 + e / floor);
        let rise = (l - self.prev_log).max(0.0);
        self.prev_log = l;
        if !rise.is_finite() {
            return (0.0, false);
        }
        let hit = rise > self.mean + AIR_DEVIATIONS * self.dev + AIR_MIN_RISE;
        self.dev += ((rise - self.mean).abs() - self.dev) * track;
        self.mean += (rise - self.mean) * track;
        (rise, hit)
    }
}

/// Band-energy flux onset detector.
#[derive(Clone, Debug)]
pub struct OnsetDetector {
    filters: BiquadBank<BANDS>,
    /// Sum of squares of each band so far in this hop.
    acc: [f32; BANDS],
    bands: [Band; BANDS],
    ring_pos: usize,
    mean: f32,
    dev: f32,
    track: f32,
    peak: f32,
    peak_decay: f32,
    armed: bool,
    since_onset: u32,
    refractory: u32,
    beat_novelty: f32,
    air: AirBand,
}

impl OnsetDetector {
    /// A detector for `sample_rate` with `hop_rate` hops per second.
    pub fn new(sample_rate: f32, hop_rate: f32) -> Self {
        let bands = core::array::from_fn(|b| {
            let window = libm::roundf(WINDOW_MS[b] * hop_rate / 1000.0) as usize;
            Band {
                ring: [0.0; MAX_WINDOW],
                window: window.clamp(1, MAX_WINDOW),
                peak: 0.0,
                prev_log: 0.0,
                hold: 0.0,
            }
        });
        let filters = BiquadBank::new(core::array::from_fn(|b| match b {
            0 => Biquad::low_pass(EDGES[0], sample_rate),
            b if b == BANDS - 1 => Biquad::high_pass(EDGES[BANDS - 2], sample_rate),
            b => Biquad::band_pass(EDGES[b - 1], EDGES[b], sample_rate),
        }));
        Self {
            filters,
            acc: [0.0; BANDS],
            bands,
            ring_pos: 0,
            mean: 0.0,
            dev: 0.0,
            track: 1.0 - libm::expf(-1.0 / (1.0 * hop_rate)),
            peak: 1.0,
            peak_decay: libm::expf(-1.0 / (3.0 * hop_rate)),
            armed: true,
            since_onset: u32::MAX,
            refractory: libm::ceilf(0.05 * hop_rate) as u32,
            beat_novelty: 0.0,
            air: AirBand::SILENT,
        }
    }

    /// The beat novelty of the last hop, which the beat tracker listens to: each band's rise
    /// above its own held peak (so a sustained note's flutter does not count), weighted by
    /// [`BEAT_WEIGHT`].
    pub fn beat_novelty(&self) -> f32 {
        self.beat_novelty
    }

    /// Maps each sample of `xs` through `pre` (in order, once, writing the result back) and feeds
    /// the mapped block (oldest first) into the band filters: the same as mapping the block and
    /// then filtering it, with the map fused into the filters' pass where that is faster (see
    /// [`BiquadBank::accumulate_block_with`]). The analyser's DC blocker is its `pre`.
    pub fn push_block_with(&mut self, xs: &mut [f32], pre: impl FnMut(f32) -> f32) {
        self.filters.accumulate_block_with(xs, &mut self.acc, pre);
    }

    /// Sets this hop's air-band power: the mean power, per analysed sample, of the octave above
    /// the analysed signal's Nyquist limit, measured by the host before resampling. Without it
    /// (or with a value that is not a finite power) the air band is silent this hop and the
    /// detector works exactly as it would without one.
    pub fn set_air(&mut self, power: Option<f32>) {
        self.air.power = power.filter(|p| p.is_finite() && *p >= 0.0);
    }

    /// Closes the hop: returns (tempo novelty, scaled onset novelty, onset). The tempo novelty
    /// is the sixteen bands' sum, for the tempo bank; the onset novelty adds the air band's
    /// rise. `floor` is the noise RMS, which sets the energy below which changes do not count;
    /// `silent` suppresses onsets.
    pub fn end_hop(&mut self, hop_len: usize, floor: f32, silent: bool) -> (f32, f32, bool) {
        let floor_power = (floor * floor).max(1e-10);
        let pos = self.ring_pos;
        // First every band's level relative to its floor, then all the logarithms at once (an
        // elementwise map the compiler runs in vectors), then the rises in band order.
        let mut ratio = [0.0f32; BANDS];
        for ((band, acc), x) in self.bands.iter_mut().zip(&mut self.acc).zip(&mut ratio) {
            band.ring[pos] = *acc / hop_len as f32;
            *acc = 0.0;
            let w = band.window;
            let e = (0..w)
                .map(|i| band.ring[(pos + MAX_WINDOW - i) % MAX_WINDOW])
                .sum::<f32>();
            let e = e / w as f32;
            band.peak = (band.peak * self.peak_decay).max(e);
            let floor = floor_power.max(band.peak * RELATIVE_FLOOR);
            *x = 1.0 + e / floor;
        }
        let logs = ratio.map(crate::math::ln_at_least_one);
        let mut novelty = 0.0;
        let mut beat = 0.0;
        for (b, (band, l)) in self.bands.iter_mut().zip(logs).enumerate() {
            let rise = (l - band.prev_log).max(0.0);
            novelty += rise;
            band.prev_log = l;
            // Vibrato and flutter suppression: a rise counts only above the recent peak level,
            // which falls back by `HOLD_RELEASE` per hop.
            let held = band.hold;
            band.hold = l.max(held - HOLD_RELEASE);
            beat += (l - held).max(0.0) * BEAT_WEIGHT[b];
        }
        self.beat_novelty = if beat.is_finite() { beat } else { 0.0 };
        self.ring_pos = (self.ring_pos + 1) % MAX_WINDOW;
        if !novelty.is_finite() {
            novelty = 0.0;
        }
        let (air_rise, air_hit) = self.air.end_hop(floor_power, self.peak_decay, self.track);
        // Without air the rise is 0 and `onset_novelty` is `novelty`, bit for bit.
        let onset_novelty = novelty + air_rise;

        let threshold = self.mean + THRESHOLD_DEVIATIONS * self.dev + MIN_ONSET;
        self.since_onset = self.since_onset.saturating_add(1);
        let mut onset = false;
        if onset_novelty > threshold || air_hit {
            if self.armed && !silent && self.since_onset >= self.refractory {
                onset = true;
                self.since_onset = 0;
            }
            // A silent hop blocks the onset but must not use up the rise: the attack that ends
            // the silence fires on the next hop.
            if !silent {
                self.armed = false;
            }
        } else {
            self.armed = true;
        }
        self.dev += ((onset_novelty - self.mean).abs() - self.dev) * self.track;
        self.mean += (onset_novelty - self.mean) * self.track;
        self.peak = (self.peak * self.peak_decay).max(onset_novelty).max(1.0);
        (novelty, (onset_novelty / self.peak).min(1.0), onset)
    }
}
