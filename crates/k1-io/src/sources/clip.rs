//! A clip in memory, played a number of times, as a [`Source`]: the demo loop needs no files.
//!
//! Use [`super::FileSource`] for audio on disk; this is for synthetic audio such as
//! `k1_synth::demo_loop`.

use super::{Source, SourceError, SourceInfo, SourceStats, StreamResampler};

/// Samples held in memory, repeated `loops` times, delivered at the engine rate.
pub struct ClipSource {
    info: SourceInfo,
    stats: SourceStats,
    /// The clip at the engine rate.
    samples: Vec<f32>,
    /// The air band's power of each sample, when the clip's rate carries it.
    air: Option<Vec<f32>>,
    /// Original length in frames at the input rate (for the duration).
    input_frames: u64,
    loops: u32,
    loop_index: u32,
    pos: usize,
}

impl ClipSource {
    /// Wraps `samples` (mono, at `rate` Hz) to be played `loops` times at `engine_rate`.
    /// Non-finite samples become 0 and are counted.
    pub fn new(
        name: String,
        samples: &[f32],
        rate: u32,
        loops: u32,
        engine_rate: u32,
    ) -> Result<Self, SourceError> {
        let non_finite = samples.iter().filter(|s| !s.is_finite()).count() as u64;
        let clean = samples.iter().map(|&s| if s.is_finite() { s } else { 0.0 });
        let (at_engine_rate, air) = if rate == engine_rate {
            (clean.collect(), None)
        } else {
            let clean: Vec<f32> = clean.collect();
            let mut resampler = StreamResampler::with_air(rate, engine_rate)?;
            let len = usize::try_from(resampler.output_len(clean.len() as u64)).unwrap_or(0);
            let mut out = Vec::with_capacity(len);
            let mut air = Vec::with_capacity(if resampler.has_air() { len } else { 0 });
            resampler.push_with_air(&clean, &mut out, &mut air)?;
            resampler.finish_with_air(&mut out, &mut air)?;
            (out, resampler.has_air().then_some(air))
        };
        let seconds = samples.len() as f64 * f64::from(loops) / f64::from(rate.max(1));
        Ok(Self {
            info: SourceInfo {
                name,
                input_rate: rate,
                channels: 1,
                engine_rate,
                expected_seconds: Some(seconds),
            },
            stats: SourceStats {
                non_finite: non_finite * u64::from(loops),
                ..SourceStats::default()
            },
            samples: at_engine_rate,
            air,
            input_frames: samples.len() as u64,
            loops,
            loop_index: 0,
            pos: 0,
        })
    }

    /// The demo: `k1_synth::demo_loop` rendered at `engine_rate`, played `loops` times.
    pub fn demo(engine_rate: u32, loops: u32) -> Result<Self, SourceError> {
        let clip = k1_synth::demo_loop(engine_rate);
        let name = format!(
            "demo loop (k1-synth, {} x {:.1} s at {} BPM)",
            loops,
            clip.samples.len() as f64 / f64::from(clip.sample_rate.max(1)),
            clip.bpm
        );
        Self::new(name, &clip.samples, clip.sample_rate, loops, engine_rate)
    }
}

impl Source for ClipSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn read(&mut self, buf: &mut [f32]) -> Result<usize, SourceError> {
        self.read_into(buf, None)
    }

    fn stats(&self) -> SourceStats {
        self.stats
    }

    fn has_air(&self) -> bool {
        self.air.is_some()
    }

    fn read_with_air(&mut self, buf: &mut [f32], air: &mut [f32]) -> Result<usize, SourceError> {
        self.read_into(buf, Some(air))
    }
}

impl ClipSource {
    /// [`Source::read`], and [`Source::read_with_air`] when `air` is given.
    fn read_into(
        &mut self,
        buf: &mut [f32],
        mut air: Option<&mut [f32]>,
    ) -> Result<usize, SourceError> {
        let mut written = 0;
        while written < buf.len() && self.loop_index < self.loops {
            let rest = self.samples.get(self.pos..).unwrap_or(&[]);
            if rest.is_empty() {
                self.loop_index += 1;
                self.pos = 0;
                self.stats.input_frames += self.input_frames;
                if self.samples.is_empty() {
                    self.loop_index = self.loops;
                }
                continue;
            }
            let n = rest.len().min(buf.len() - written);
            for (dst, &src) in buf.iter_mut().skip(written).zip(rest.iter().take(n)) {
                *dst = src;
            }
            if let Some(d) = air
                .as_deref_mut()
                .and_then(|a| a.get_mut(written..written + n))
            {
                match self
                    .air
                    .as_ref()
                    .and_then(|a| a.get(self.pos..self.pos + n))
                {
                    Some(s) => d.copy_from_slice(s),
                    None => d.fill(0.0),
                }
            }
            written += n;
            self.pos += n;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::read_hop;

    #[test]
    fn loops_and_counts_frames() {
        let samples: Vec<f32> = (0..100).map(|i| i as f32).collect();
        let mut src = ClipSource::new("t".into(), &samples, 8000, 3, 8000).unwrap();
        let mut hop = [0.0f32; 64];
        let mut total = 0;
        while let Some(n) = read_hop(&mut src, &mut hop).unwrap() {
            total += n;
        }
        assert_eq!(total, 300);
        assert_eq!(src.stats().input_frames, 300);
        assert_eq!(src.info().expected_seconds, Some(300.0 / 8000.0));
    }

    #[test]
    fn non_finite_samples_become_zero() {
        let mut src =
            ClipSource::new("t".into(), &[1.0, f32::NAN, f32::INFINITY], 8000, 1, 8000).unwrap();
        let mut buf = [9.0f32; 3];
        assert_eq!(src.read(&mut buf).unwrap(), 3);
        assert_eq!(buf, [1.0, 0.0, 0.0]);
        assert_eq!(src.stats().non_finite, 2);
    }
}
