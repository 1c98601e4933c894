//! Streaming sample-rate conversion of mono audio to the engine rate, delay removed.
//!
//! Wraps rubato's synchronous FFT resampler (fixed integer ratio, high quality). Input arrives in
//! pieces of any length; output leaves in pieces of any length. The resampler delays its output
//! by [`rubato::Resampler::output_delay`] frames: those first frames are dropped, and at the end
//! the tail is flushed with silence, so output sample `n` sits at time `n / output_rate` on the
//! input's timeline and the total length is `ceil(input_len * output_rate / input_rate)`.
//!
//! The FFT block sizes are chosen here, not left to rubato's default (sub-chunks of about 256
//! input frames): when downsampling, the anti-aliasing filter is as long as the output block, and
//! at 192 kHz to 12.8 kHz the default block is only 18 output frames, a filter so short that C7
//! (2,093 Hz) came out 5.9 dB down. Every block is therefore at least [`MIN_BLOCK_OUT`] output
//! frames (and [`MIN_BLOCK_IN`] input frames), so every rate pair gets the same pass band as
//! 44.1 kHz (see the `resample_levels` test).
//!
//! Built with [`StreamResampler::with_air`], it also measures the air band (the octave above the
//! output's Nyquist limit) from the input, one value per output sample, on the same timeline
//! ([`super::air`]); the output samples are the same either way.

use rubato::audioadapter_buffers::direct::SequentialSlice;
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

use super::air::AirMeter;

/// Chunk size (input frames) asked of the FFT resampler; it rounds to fit the rate ratio.
const CHUNK: usize = 1024;
/// Fewest input frames in one FFT block (rubato's own default target).
const MIN_BLOCK_IN: usize = 256;
/// Fewest output frames in one FFT block: the anti-aliasing filter's length when downsampling.
/// 44.1 kHz to 12.8 kHz gets 128 by default; the delay it adds (half a block, 5 ms at
/// 12.8 kHz) is removed by [`StreamResampler`] anyway.
const MIN_BLOCK_OUT: usize = 128;

/// The resampler could not be built or failed while running.
#[derive(Debug, thiserror::Error)]
pub enum ResampleError {
    /// The rate pair is not usable.
    #[error("cannot resample {from} Hz to {to} Hz: {reason}")]
    Construction {
        /// Input rate.
        from: u32,
        /// Output rate.
        to: u32,
        /// rubato's message.
        reason: String,
    },
    /// rubato reported an error while processing.
    #[error("resampling failed: {0}")]
    Process(String),
}

/// Converts a mono stream from one fixed rate to another, compensating the resampler delay.
/// When both rates are equal it passes samples through untouched.
pub struct StreamResampler {
    inner: Option<Box<Fft<f32>>>,
    /// The air band's meter, when asked for and the input rate carries the band.
    air: Option<AirMeter>,
    input_rate: u32,
    output_rate: u32,
    /// Input not yet consumed by the resampler.
    pending: Vec<f32>,
    /// Output scratch for one resampler call.
    scratch: Vec<f32>,
    /// Zeros for flushing.
    silence: Vec<f32>,
    /// Leading output frames still to drop (the resampler delay).
    to_trim: usize,
    input_total: u64,
    output_total: u64,
    finished: bool,
}

impl StreamResampler {
    /// Builds a resampler from `input_rate` to `output_rate` (both in Hz, non-zero).
    pub fn new(input_rate: u32, output_rate: u32) -> Result<Self, ResampleError> {
        let construction = |reason: String| ResampleError::Construction {
            from: input_rate,
            to: output_rate,
            reason,
        };
        if input_rate == 0 || output_rate == 0 {
            return Err(construction("rates must be non-zero".into()));
        }
        let inner = if input_rate == output_rate {
            None
        } else {
            let (chunk, sub_chunks) = block_plan(input_rate as usize, output_rate as usize);
            let fft = Fft::<f32>::new_custom(
                input_rate as usize,
                output_rate as usize,
                chunk,
                sub_chunks,
                1,
                WindowFunction::BlackmanHarris2,
                FixedSync::Input,
            )
            .map_err(|e| construction(e.to_string()))?;
            Some(Box::new(fft))
        };
        let (scratch, silence, to_trim) = match &inner {
            Some(r) => (
                vec![0.0; r.output_frames_max()],
                vec![0.0; r.input_frames_max()],
                r.output_delay(),
            ),
            None => (Vec::new(), Vec::new(), 0),
        };
        Ok(Self {
            inner,
            air: None,
            input_rate,
            output_rate,
            pending: Vec::new(),
            scratch,
            silence,
            to_trim,
            input_total: 0,
            output_total: 0,
            finished: false,
        })
    }

    /// [`StreamResampler::new`], also measuring the air band when the input rate carries it
    /// (see [`StreamResampler::has_air`] and [`StreamResampler::push_with_air`]).
    pub fn with_air(input_rate: u32, output_rate: u32) -> Result<Self, ResampleError> {
        let mut resampler = Self::new(input_rate, output_rate)?;
        resampler.air = AirMeter::new(input_rate, output_rate);
        Ok(resampler)
    }

    /// True when the air band is measured: built with [`StreamResampler::with_air`] from an
    /// input rate above 1.1 times the output rate.
    pub fn has_air(&self) -> bool {
        self.air.is_some()
    }

    /// Output frames that `input_frames` input frames turn into, rounded up.
    pub fn output_len(&self, input_frames: u64) -> u64 {
        let num = u128::from(input_frames) * u128::from(self.output_rate);
        let den = u128::from(self.input_rate);
        u64::try_from(num.div_ceil(den)).unwrap_or(u64::MAX)
    }

    /// Feeds `input` and appends whatever output is ready to `out` (a `Vec` or a `VecDeque`:
    /// both copy slices in bulk).
    ///
    /// Whole resampler chunks are read straight from `input`; only a chunk split across two
    /// calls is gathered in an internal buffer first.
    pub fn push<O>(&mut self, input: &[f32], out: &mut O) -> Result<(), ResampleError>
    where
        O: for<'a> Extend<&'a f32>,
    {
        self.push_with_air(input, out, &mut Discard)
    }

    /// [`StreamResampler::push`], also appending to `air` the air band's mean power for each
    /// sample appended to `out` (when [`StreamResampler::has_air`]; nothing otherwise).
    pub fn push_with_air<O, A>(
        &mut self,
        input: &[f32],
        out: &mut O,
        air: &mut A,
    ) -> Result<(), ResampleError>
    where
        O: for<'a> Extend<&'a f32>,
        A: Extend<f32>,
    {
        if self.finished {
            return Err(ResampleError::Process(
                "input after the end of the stream".into(),
            ));
        }
        self.input_total += input.len() as u64;
        if let Some(meter) = self.air.as_mut() {
            meter.push(input);
        }
        let Some(need) = self.inner.as_ref().map(|r| r.input_frames_next()) else {
            out.extend(input);
            self.output_total += input.len() as u64;
            return Ok(());
        };
        if need == 0 {
            return Err(ResampleError::Process(
                "the resampler asks for no input".into(),
            ));
        }
        let mut rest = input;
        if !self.pending.is_empty() {
            // Complete the chunk begun by an earlier call.
            let take = (need - self.pending.len().min(need)).min(rest.len());
            let (head, tail) = rest.split_at(take);
            self.pending.extend_from_slice(head);
            rest = tail;
            if self.pending.len() < need {
                return Ok(());
            }
            let pending = std::mem::take(&mut self.pending);
            let result = self.process(&pending, out, air, None);
            self.pending = pending;
            self.pending.clear();
            result?;
        }
        let mut chunks = rest.chunks_exact(need);
        for chunk in chunks.by_ref() {
            self.process(chunk, out, air, None)?;
        }
        self.pending.extend_from_slice(chunks.remainder());
        Ok(())
    }

    /// Ends the stream: resamples what is left, flushes the delay line and appends the last
    /// output to `out`, so that the total output is exactly [`Self::output_len`] of the input.
    pub fn finish<O>(&mut self, out: &mut O) -> Result<(), ResampleError>
    where
        O: for<'a> Extend<&'a f32>,
    {
        self.finish_with_air(out, &mut Discard)
    }

    /// [`StreamResampler::finish`], also appending the air band's power of the last samples
    /// to `air` (as [`StreamResampler::push_with_air`] does).
    pub fn finish_with_air<O, A>(&mut self, out: &mut O, air: &mut A) -> Result<(), ResampleError>
    where
        O: for<'a> Extend<&'a f32>,
        A: Extend<f32>,
    {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        let Some(need) = self.inner.as_ref().map(|r| r.input_frames_next()) else {
            return Ok(());
        };
        let expected = self.output_len(self.input_total);
        if let Some(meter) = self.air.as_mut() {
            meter.finish(expected);
        }
        if !self.pending.is_empty() {
            let mut last = std::mem::take(&mut self.pending);
            last.resize(need.max(last.len()), 0.0);
            self.process(last.get(..need).unwrap_or(&[]), out, air, Some(expected))?;
        }
        // Pump silence until the delayed tail is out. Each call yields at least one frame, and
        // the bound stops a misbehaving resampler from looping forever.
        let mut guard = 0;
        while self.output_total < expected {
            let silence = std::mem::take(&mut self.silence);
            let result = self.process(silence.get(..need).unwrap_or(&[]), out, air, Some(expected));
            self.silence = silence;
            result?;
            guard += 1;
            if guard > 1000 {
                return Err(ResampleError::Process("resampler did not flush".into()));
            }
        }
        Ok(())
    }

    /// Runs one resampler call on `chunk` (exactly the frames it asks for) and emits its output
    /// after trimming the delay, never past `limit` total frames, with their air power if it is
    /// measured.
    fn process<O, A>(
        &mut self,
        chunk: &[f32],
        out: &mut O,
        air: &mut A,
        limit: Option<u64>,
    ) -> Result<(), ResampleError>
    where
        O: for<'a> Extend<&'a f32>,
        A: Extend<f32>,
    {
        let Some(resampler) = self.inner.as_mut() else {
            return Err(ResampleError::Process("no resampler to run".into()));
        };
        if chunk.len() != resampler.input_frames_next() {
            return Err(ResampleError::Process(
                "internal buffer size mismatch".into(),
            ));
        }
        let process_err = |e: &dyn std::fmt::Display| ResampleError::Process(e.to_string());
        // Mono, so the sequential (planar) adapters: rubato copies each side with one memcpy.
        let input = SequentialSlice::new(chunk, 1, chunk.len()).map_err(|e| process_err(&e))?;
        let capacity = self.scratch.len();
        let mut output = SequentialSlice::new_mut(&mut self.scratch, 1, capacity)
            .map_err(|e| process_err(&e))?;
        let (_read, written) = resampler
            .process_into_buffer(&input, &mut output, None)
            .map_err(|e| process_err(&e))?;
        let produced = self.scratch.get(..written).unwrap_or(&[]);
        let skip = self.to_trim.min(produced.len());
        self.to_trim -= skip;
        let mut fresh = produced.get(skip..).unwrap_or(&[]);
        if let Some(limit) = limit {
            let room =
                usize::try_from(limit.saturating_sub(self.output_total)).unwrap_or(usize::MAX);
            fresh = fresh.get(..room.min(fresh.len())).unwrap_or(&[]);
        }
        out.extend(fresh);
        self.output_total += fresh.len() as u64;
        if let Some(meter) = self.air.as_mut() {
            meter.take(fresh.len(), air);
        }
        Ok(())
    }
}

/// An air sink that keeps nothing, for the callers of [`StreamResampler::push`].
struct Discard;

impl Extend<f32> for Discard {
    fn extend<I: IntoIterator<Item = f32>>(&mut self, iter: I) {
        iter.into_iter().for_each(drop);
    }
}

/// The chunk size (input frames) and number of FFT blocks per chunk for `input` to `output` Hz:
/// each block a whole number of the pair's smallest blocks (`rate / gcd` frames on each side),
/// at least [`MIN_BLOCK_IN`] in and [`MIN_BLOCK_OUT`] out, and about [`CHUNK`] frames per call.
fn block_plan(input: usize, output: usize) -> (usize, usize) {
    let gcd = gcd(input, output).max(1);
    let (unit_in, unit_out) = ((input / gcd).max(1), (output / gcd).max(1));
    let units = MIN_BLOCK_IN
        .div_ceil(unit_in)
        .max(MIN_BLOCK_OUT.div_ceil(unit_out));
    let block_in = units * unit_in;
    let sub_chunks = (CHUNK / block_in).max(1);
    (sub_chunks * block_in, sub_chunks)
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Resamples `input` in awkward piece sizes and returns the whole output.
    fn run(input: &[f32], from: u32, to: u32) -> Vec<f32> {
        let mut r = StreamResampler::new(from, to).unwrap();
        let mut out = VecDeque::new();
        for piece in input.chunks(577) {
            r.push(piece, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        out.into_iter().collect()
    }

    fn peak_index(v: &[f32]) -> usize {
        let mut best = 0;
        for (i, x) in v.iter().enumerate() {
            if x.abs() > v[best].abs() {
                best = i;
            }
        }
        best
    }

    #[test]
    fn impulse_lands_at_its_time_for_every_rate() {
        for &from in &[8000u32, 11025, 22050, 44100, 48000, 96000, 192_000, 44_101] {
            for &to in &[12_800u32, 16_000] {
                // An impulse near 0.5 s in a 1.3 s signal must come out within one output sample.
                let len = (f64::from(from) * 1.3) as usize;
                let mut input = vec![0.0f32; len];
                let at = from as usize / 2;
                input[at] = 1.0;
                let truth = at as f64 / f64::from(from);
                let out = run(&input, from, to);
                let expected_len = (len as u64 * u64::from(to)).div_ceil(u64::from(from));
                assert_eq!(out.len() as u64, expected_len, "{from} -> {to}: length");
                let peak = peak_index(&out) as f64 / f64::from(to);
                assert!(
                    (peak - truth).abs() <= 1.0 / f64::from(to),
                    "{from} -> {to}: peak at {peak}, expected {truth}"
                );
            }
        }
    }

    #[test]
    fn piece_sizes_do_not_change_the_output() {
        // Whole chunks are read straight from the caller's slice and split chunks are gathered
        // first: every way of cutting the input must give the same samples, bit for bit, into
        // a `Vec` as into a `VecDeque`.
        let input: Vec<f32> = (0..30_000)
            .map(|i| ((i * 7919 % 1000) as f32 / 500.0) - 1.0)
            .collect();
        for &(from, to) in &[(44_100u32, 12_800u32), (48_000, 16_000), (12_800, 12_800)] {
            let mut whole = StreamResampler::new(from, to).unwrap();
            let mut reference = Vec::new();
            whole.push(&input, &mut reference).unwrap();
            whole.finish(&mut reference).unwrap();
            assert_eq!(reference.len() as u64, whole.output_len(input.len() as u64));
            for piece in [1usize, 63, 1023, 1024, 1025, 4096, 7000] {
                let mut r = StreamResampler::new(from, to).unwrap();
                let mut out = VecDeque::new();
                for part in input.chunks(piece) {
                    r.push(part, &mut out).unwrap();
                }
                r.finish(&mut out).unwrap();
                let out: Vec<f32> = out.into();
                assert!(out == reference, "{from} -> {to} in pieces of {piece}");
            }
        }
    }

    #[test]
    fn every_block_is_long_enough() {
        for from in [
            8_000usize, 11_025, 22_050, 44_100, 48_000, 96_000, 176_400, 192_000,
        ] {
            for to in [12_800usize, 16_000] {
                let (chunk, sub_chunks) = block_plan(from, to);
                let block_in = chunk / sub_chunks;
                assert_eq!(chunk % sub_chunks, 0);
                assert!(block_in >= MIN_BLOCK_IN, "{from} -> {to}");
                assert!(block_in * to / from >= MIN_BLOCK_OUT, "{from} -> {to}");
                assert_eq!(
                    block_in * to % from,
                    0,
                    "{from} -> {to}: whole output frames"
                );
            }
        }
    }

    #[test]
    fn air_comes_one_value_per_sample_and_leaves_the_samples_alone() {
        let input: Vec<f32> = (0..30_000)
            .map(|i| ((i * 7919 % 1000) as f32 / 500.0) - 1.0)
            .collect();
        for &(from, to) in &[(44_100u32, 12_800u32), (48_000, 12_800), (22_050, 12_800)] {
            let mut plain = StreamResampler::new(from, to).unwrap();
            let mut reference = Vec::new();
            plain.push(&input, &mut reference).unwrap();
            plain.finish(&mut reference).unwrap();
            let mut first_air: Option<Vec<f32>> = None;
            for piece in [1usize, 63, 1024, 7000, 30_000] {
                let mut r = StreamResampler::with_air(from, to).unwrap();
                assert!(r.has_air());
                let (mut out, mut air) = (VecDeque::new(), Vec::new());
                for part in input.chunks(piece) {
                    r.push_with_air(part, &mut out, &mut air).unwrap();
                    assert_eq!(out.len(), air.len(), "{from} in pieces of {piece}");
                }
                r.finish_with_air(&mut out, &mut air).unwrap();
                let out: Vec<f32> = out.into();
                assert!(out == reference, "{from}: the samples changed");
                assert_eq!(air.len(), out.len());
                assert!(air.iter().all(|a| a.is_finite() && *a >= 0.0));
                match &first_air {
                    Some(first) => assert!(&air == first, "{from}: air in pieces of {piece}"),
                    None => first_air = Some(air),
                }
            }
        }
        // A rate that cannot carry the band has none, and says so.
        let mut r = StreamResampler::with_air(12_800, 12_800).unwrap();
        assert!(!r.has_air());
        let (mut out, mut air) = (Vec::new(), Vec::<f32>::new());
        r.push_with_air(&input, &mut out, &mut air).unwrap();
        assert_eq!(out.len(), input.len());
        assert!(air.is_empty());
    }

    #[test]
    fn a_clicks_air_lands_in_the_hop_of_its_sample() {
        // Clicks at several phases: each one's air peaks at the output sample where the
        // resampled click peaks (or up to two later: the air filters' 0.1 ms), so both fall in
        // the same 64-sample hop unless the click sits at its edge.
        for &from in &[44_100u32, 48_000] {
            for at in [20_000usize, 20_001, 20_003, 20_111] {
                let mut input = vec![0.0f32; from as usize];
                input[at] = 1.0;
                let mut r = StreamResampler::with_air(from, 12_800).unwrap();
                let (mut out, mut air) = (Vec::new(), Vec::new());
                r.push_with_air(&input, &mut out, &mut air).unwrap();
                r.finish_with_air(&mut out, &mut air).unwrap();
                let click = peak_index(&out);
                let heard = peak_index(&air);
                assert!(
                    (click..=click + 2).contains(&heard) || heard + 1 == click,
                    "{from}: click {click}, air {heard}"
                );
                let hop: f32 = air[click / 64 * 64..click / 64 * 64 + 64].iter().sum();
                let total: f32 = air.iter().sum();
                let edge = click.is_multiple_of(64) || click % 64 >= 61;
                assert!(
                    edge || hop > 0.9 * total,
                    "{from}: {hop} of {total} in its hop"
                );
            }
        }
    }

    #[test]
    fn equal_rates_pass_through() {
        let input: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        assert_eq!(run(&input, 16_000, 16_000), input);
    }

    #[test]
    fn a_sine_keeps_its_level() {
        let from = 44_100;
        let input: Vec<f32> = (0..from)
            .map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / from as f32).sin() * 0.5)
            .collect();
        let out = run(&input, from, 12_800);
        let mid = &out[2000..10000];
        let peak = mid.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!((peak - 0.5).abs() < 0.01, "peak {peak}");
    }

    #[test]
    fn short_input_still_gives_its_length() {
        let out = run(&[0.25; 10], 44_100, 12_800);
        assert_eq!(out.len(), 3);
    }
}
