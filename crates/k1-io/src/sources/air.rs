//! The air band, measured at the source's own rate before it is resampled to the engine rate.
//!
//! The engine analyses 12.8 kHz audio, whose Nyquist limit (6.4 kHz) is below most of a closed
//! hat's or a shaker's energy. The onset detector hears them through the *air band*: the octave
//! from the engine rate's Nyquist limit to the engine rate (6.4 to 12.8 kHz), band-passed here
//! from the native-rate input (a fourth-order Butterworth high-pass, and a second-order low-pass
//! where the native rate leaves room for one) and its power averaged over each output sample's
//! interval. Output sample `n` (time `n / output_rate`, as the delay-compensated resampler
//! delivers it) gets the mean power of the filtered input samples nearest to it, so a click's
//! air lands on the output sample that holds the click, or up to two later: the band-pass
//! filters delay the energy by about 0.1 ms, 2 % of a 5 ms hop, which is left as it is. The
//! engine signal itself is not touched: it comes from the resampler exactly as before.

use std::collections::VecDeque;

/// A native rate must exceed the engine rate by this factor to carry any of the air band: its
/// Nyquist limit is then at least 10 % above the band's lower edge (14.08 kHz for 12.8 kHz).
const MIN_RATE_RATIO: f64 = 1.1;
/// The low-pass at the band's upper edge is used only when that edge is below this fraction of
/// the native rate (a biquad's corner must sit well under the Nyquist limit).
const MAX_CORNER: f64 = 0.45;
/// Q of the two sections of a fourth-order Butterworth filter.
const BUTTERWORTH_4: [f64; 2] = [0.541_196_1, 1.306_563];
/// Q of a second-order Butterworth filter.
const BUTTERWORTH_2: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// One second-order section (transposed direct form II), coefficients normalised by `a0`.
#[derive(Clone, Copy, Debug)]
struct Section {
    b: [f32; 3],
    a: [f32; 2],
    s: [f32; 2],
}

impl Section {
    /// A high-pass (`high`) or low-pass with corner `corner` Hz at `rate` Hz and quality `q`
    /// (the audio EQ cookbook's bilinear design).
    fn new(high: bool, corner: f64, rate: f64, q: f64) -> Self {
        let w0 = 2.0 * std::f64::consts::PI * corner / rate;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q);
        let a0 = 1.0 + alpha;
        let (b0, b1) = if high {
            ((1.0 + cos) / 2.0, -(1.0 + cos))
        } else {
            ((1.0 - cos) / 2.0, 1.0 - cos)
        };
        Self {
            b: [(b0 / a0) as f32, (b1 / a0) as f32, (b0 / a0) as f32],
            a: [(-2.0 * cos / a0) as f32, ((1.0 - alpha) / a0) as f32],
            s: [0.0; 2],
        }
    }

    fn run(&mut self, x: f32) -> f32 {
        let y = self.b[0] * x + self.s[0];
        self.s[0] = self.b[1] * x - self.a[0] * y + self.s[1];
        self.s[1] = self.b[2] * x - self.a[1] * y;
        y
    }
}

/// Measures the air band's power per output sample from native-rate input. Feed it the input
/// as it comes ([`AirMeter::push`]); take one value per output sample as the resampler emits
/// them ([`AirMeter::take`]).
#[derive(Clone, Debug)]
pub struct AirMeter {
    sections: Vec<Section>,
    input_rate: u64,
    output_rate: u64,
    /// Input samples seen.
    inputs: u64,
    /// The output sample whose interval is being summed.
    current: u64,
    /// The first input sample of the next output sample's interval.
    next_start: u64,
    /// Sum of squares and count of the input samples in `current`'s interval.
    energy: f32,
    count: u32,
    /// Mean powers of finished intervals not yet taken, oldest first.
    ready: VecDeque<f32>,
    /// Values taken before they were finished (given as 0): that many finished ones are
    /// dropped, so later values stay on their own output samples.
    owed: u64,
}

impl AirMeter {
    /// A meter for input at `input_rate` Hz resampled to `output_rate` Hz, or `None` when the
    /// input rate cannot carry the band (at most 1.1 times the output rate).
    pub fn new(input_rate: u32, output_rate: u32) -> Option<Self> {
        let (fs, out) = (f64::from(input_rate), f64::from(output_rate));
        if output_rate == 0 || fs <= MIN_RATE_RATIO * out {
            return None;
        }
        let mut sections: Vec<Section> = BUTTERWORTH_4
            .iter()
            .map(|&q| Section::new(true, out / 2.0, fs, q))
            .collect();
        if out < MAX_CORNER * fs {
            sections.push(Section::new(false, out, fs, BUTTERWORTH_2));
        }
        let mut meter = Self {
            sections,
            input_rate: u64::from(input_rate),
            output_rate: u64::from(output_rate),
            inputs: 0,
            current: 0,
            next_start: 0,
            energy: 0.0,
            count: 0,
            ready: VecDeque::new(),
            owed: 0,
        };
        meter.next_start = meter.first_input_of(1);
        Some(meter)
    }

    /// The first input sample whose nearest output sample (`round(i · output_rate /
    /// input_rate)`, halves up) is `m` or later: `ceil(input_rate · (2m − 1) / (2 · output_rate))`.
    fn first_input_of(&self, m: u64) -> u64 {
        let num = u128::from(self.input_rate) * u128::from((2 * m).saturating_sub(1));
        let den = 2 * u128::from(self.output_rate);
        u64::try_from(num.div_ceil(den)).unwrap_or(u64::MAX)
    }

    /// Filters `input` (native rate, finite samples) and finishes the output intervals it
    /// completes.
    pub fn push(&mut self, mut input: &[f32]) {
        while !input.is_empty() {
            // The samples left in the current output sample's interval, filtered in one run.
            let left =
                usize::try_from(self.next_start.saturating_sub(self.inputs)).unwrap_or(usize::MAX);
            let (run, rest) = input.split_at(left.min(input.len()));
            for &x in run {
                // A non-finite sample is silence here, as in the analyser: once in the filters'
                // state it would leave the band dead for the rest of the stream.
                let x = if x.is_finite() { x } else { 0.0 };
                let y = self.sections.iter_mut().fold(x, |v, s| s.run(v));
                self.energy += y * y;
            }
            self.count += run.len() as u32;
            self.inputs += run.len() as u64;
            input = rest;
            if self.inputs >= self.next_start {
                self.close();
            }
        }
    }

    /// Finishes every interval up to `outputs` output samples in all: the one being summed,
    /// then empty ones (the resampler's flushed tail holds no new input).
    pub fn finish(&mut self, outputs: u64) {
        while self.current < outputs {
            self.close();
        }
    }

    /// Ends the interval of `current` and moves on to the next output sample.
    fn close(&mut self) {
        let power = if self.count == 0 {
            0.0
        } else {
            self.energy / self.count as f32
        };
        self.energy = 0.0;
        self.count = 0;
        self.current += 1;
        self.next_start = self.first_input_of(self.current + 1);
        if self.owed > 0 {
            self.owed -= 1;
        } else {
            self.ready
                .push_back(if power.is_finite() { power } else { 0.0 });
        }
    }

    /// Appends the air power of the next `n` output samples to `out`, oldest first. The
    /// resampler's output lags its input, so they are normally finished; any that are not are
    /// given as 0 (and their values dropped when they come).
    pub fn take<A: Extend<f32>>(&mut self, n: usize, out: &mut A) {
        let have = n.min(self.ready.len());
        out.extend(self.ready.drain(..have));
        let missing = n - have;
        if missing > 0 {
            self.owed += missing as u64;
            out.extend(std::iter::repeat_n(0.0, missing));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IN: u32 = 44_100;
    const OUT: u32 = 12_800;

    /// Air power per output sample of `input`, all intervals finished.
    fn measure(input: &[f32], from: u32) -> Vec<f32> {
        let mut m = AirMeter::new(from, OUT).unwrap();
        for piece in input.chunks(333) {
            m.push(piece);
        }
        let outputs = (input.len() as u64 * u64::from(OUT)).div_ceil(u64::from(from));
        m.finish(outputs);
        let mut out = Vec::new();
        m.take(m.ready.len(), &mut out);
        assert_eq!(out.len() as u64, outputs);
        out
    }

    /// Mean air power of a unit sine at `freq` Hz, after the filters settle.
    fn sine_power(freq: f32, from: u32) -> f32 {
        let input: Vec<f32> = (0..from)
            .map(|i| (2.0 * std::f32::consts::PI * freq * i as f32 / from as f32).sin())
            .collect();
        let air = measure(&input, from);
        let settled = &air[1000..air.len() - 10];
        settled.iter().sum::<f32>() / settled.len() as f32
    }

    #[test]
    fn the_band_is_the_octave_above_the_engine_nyquist_limit() {
        for from in [IN, 48_000, 96_000] {
            // A unit sine has power 0.5.
            let hat = sine_power(9_000.0, from);
            assert!((0.35..=0.55).contains(&hat), "9 kHz at {from}: {hat}");
            let tone = sine_power(1_000.0, from);
            assert!(tone < 1e-5, "1 kHz at {from}: {tone}");
            let snare = sine_power(3_000.0, from);
            assert!(snare < 5e-3, "3 kHz at {from}: {snare}");
        }
        // Above the band, where the low-pass fits.
        let sizzle = sine_power(19_000.0, 48_000);
        assert!(sizzle < 0.05, "19 kHz: {sizzle}");
    }

    /// A NaN or an infinity in the input counts as silence: the band still measures the hats
    /// that come after it.
    #[test]
    fn a_bad_sample_does_not_silence_the_band_for_good() {
        let mut input: Vec<f32> = (0..IN)
            .map(|i| (2.0 * std::f32::consts::PI * 9_000.0 * i as f32 / IN as f32).sin())
            .collect();
        input[5_000] = f32::NAN;
        input[6_000] = f32::INFINITY;
        let air = measure(&input, IN);
        assert!(air.iter().all(|p| p.is_finite()));
        let late = &air[air.len() / 2..air.len() - 10];
        let mean = late.iter().sum::<f32>() / late.len() as f32;
        assert!(
            (0.35..=0.55).contains(&mean),
            "9 kHz after the bad samples: {mean}"
        );
    }

    #[test]
    fn rates_that_cannot_carry_the_band_have_no_meter() {
        assert!(AirMeter::new(12_800, OUT).is_none());
        assert!(AirMeter::new(11_025, OUT).is_none());
        assert!(AirMeter::new(14_000, OUT).is_none());
        assert!(AirMeter::new(16_000, OUT).is_some());
        assert!(AirMeter::new(IN, 0).is_none());
    }

    #[test]
    fn a_click_lands_on_its_output_sample() {
        for from in [IN, 48_000, 22_050, 192_000] {
            for at in [10_000usize, 10_001, 10_002, 10_003, 12_345] {
                let mut input = vec![0.0f32; from as usize];
                input[at] = 1.0;
                let air = measure(&input, from);
                let peak = (0..air.len())
                    .max_by(|&a, &b| air[a].total_cmp(&air[b]))
                    .unwrap();
                let truth = at as f64 * f64::from(OUT) / f64::from(from);
                // Up to two output samples late: the filters' delay (see the module doc).
                assert!(
                    (-1.0..=2.0).contains(&(peak as f64 - truth)),
                    "{from}: click at output {truth}, air peak at {peak}"
                );
                // Nearly all of it on the few output samples around the click's.
                let total: f32 = air.iter().sum();
                let near: f32 = air[peak.saturating_sub(2)..=peak + 2].iter().sum();
                assert!(
                    near > 0.9 * total,
                    "{from}: {near} of {total} near the click"
                );
            }
        }
    }

    #[test]
    fn values_taken_early_keep_the_rest_in_place() {
        let mut m = AirMeter::new(IN, OUT).unwrap();
        let mut out = Vec::new();
        m.take(3, &mut out);
        assert_eq!(out, [0.0; 3]);
        let mut input = vec![0.0f32; 4410];
        input[1000] = 1.0;
        m.push(&input);
        m.finish(1280);
        m.take(1277, &mut out);
        assert_eq!(out.len(), 1280);
        let peak = (0..out.len())
            .max_by(|&a, &b| out[a].total_cmp(&out[b]))
            .unwrap();
        assert!((289..=291).contains(&peak), "peak at {peak}");
    }
}
