//! Where audio comes from: every source yields mono `f32` samples at the engine rate.
//!
//! A source hides the container, the codec, the channel layout and the file's sample rate, so the
//! analysis loop only ever sees what the core wants: mono samples at `Config::sample_rate`, with
//! sample 0 at the start of the original recording (resampler delay already removed).
//!
//! For `k1 run`, a [`SourceSpec`] names a live source (`demo`, `mic`, a file, ...) and the
//! [`SourceFactory`] opens it, at the start and when the API switches sources.

mod clip;
mod ended;
mod error;
mod factory;
mod file;
pub mod live;
mod resample;
mod spec;

pub use clip::ClipSource;
pub use ended::Ended;
pub use error::SourceError;
pub use factory::{Install, OpenError, Opened, Playback, SourceFactory};
pub use file::FileSource;
pub use resample::{ResampleError, StreamResampler};
pub use spec::{DEFAULT_PCM, KINDS, SourceSpec};

/// What a source is, for reports.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    /// A name for humans: the file path, or a description of a synthetic clip.
    pub name: String,
    /// Sample rate of the original audio in Hz.
    pub input_rate: u32,
    /// Channels in the original audio (1..=8), mixed to mono by their mean.
    pub channels: usize,
    /// The engine rate the source delivers, in Hz.
    pub engine_rate: u32,
    /// Expected length in seconds, when the container says (for progress bars; may be absent).
    pub expected_seconds: Option<f64>,
}

/// What happened while reading a source; complete once the source is exhausted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SourceStats {
    /// Frames of original audio decoded, at the input rate.
    pub input_frames: u64,
    /// NaN or infinite input samples that were replaced by 0 before mixing.
    pub non_finite: u64,
    /// Packets (codec frames) lost to damage: those that failed to decode, and those the
    /// demuxer dropped (a FLAC frame with a bad CRC, the packets of a dropped OGG page).
    pub skipped_packets: u64,
    /// Frames of silence (at the input rate) put in place of the lost packets, so that the
    /// timeline stays whole; not counted in `input_frames`.
    pub filled_frames: u64,
    /// Damaged OGG pages (bad CRC) dropped before demuxing.
    pub damaged_pages: u64,
    /// True if the stream ended early (a truncated file or an unexpected end of the container).
    pub truncated: bool,
}

impl SourceStats {
    /// Length of the audio delivered in seconds: decoded frames plus silence filled in for lost
    /// ones.
    pub fn duration(&self, input_rate: u32) -> f64 {
        seconds(self.input_frames + self.filled_frames, input_rate)
    }

    /// Seconds of audio actually decoded (without the silence filled in).
    pub fn decoded_seconds(&self, input_rate: u32) -> f64 {
        seconds(self.input_frames, input_rate)
    }

    /// One sentence about the damage met, if any: what was lost, filled or cut short (for one
    /// warning per file).
    pub fn damage_summary(&self, input_rate: u32) -> Option<String> {
        let mut parts = Vec::new();
        if self.damaged_pages > 0 {
            parts.push(format!("dropped {} damaged OGG pages", self.damaged_pages));
        }
        if self.skipped_packets > 0 {
            parts.push(format!(
                "skipped {} damaged or undecodable packets",
                self.skipped_packets
            ));
        }
        if self.filled_frames > 0 {
            parts.push(format!(
                "filled {:.2} s with silence to keep the timing",
                seconds(self.filled_frames, input_rate)
            ));
        }
        if self.truncated {
            parts.push(format!(
                "the stream ended early after {:.2} s",
                self.duration(input_rate)
            ));
        }
        (!parts.is_empty()).then(|| format!("damaged audio: {}", parts.join("; ")))
    }
}

fn seconds(frames: u64, rate: u32) -> f64 {
    if rate == 0 {
        0.0
    } else {
        frames as f64 / f64::from(rate)
    }
}

/// A stream of mono samples at the engine rate. `ClipSource` is the in-memory sibling of
/// `FileSource`; a live capture source will be the third.
pub trait Source {
    /// Describes the source.
    fn info(&self) -> &SourceInfo;

    /// Writes the next samples into `buf` and returns how many it wrote. It writes fewer than
    /// `buf.len()` only at the end of the stream, and 0 once the stream is exhausted.
    fn read(&mut self, buf: &mut [f32]) -> Result<usize, SourceError>;

    /// Counters so far; final once [`Source::read`] has returned 0.
    fn stats(&self) -> SourceStats;
}

impl<T: Source + ?Sized> Source for Box<T> {
    fn info(&self) -> &SourceInfo {
        (**self).info()
    }
    fn read(&mut self, buf: &mut [f32]) -> Result<usize, SourceError> {
        (**self).read(buf)
    }
    fn stats(&self) -> SourceStats {
        (**self).stats()
    }
}

/// Fills `hop` with the next samples of `source`, padding a final partial hop with zeros.
///
/// Returns the number of real samples in the hop, or `None` once the source is exhausted.
pub fn read_hop<S: Source + ?Sized>(
    source: &mut S,
    hop: &mut [f32],
) -> Result<Option<usize>, SourceError> {
    let mut filled = 0;
    while filled < hop.len() {
        let Some(rest) = hop.get_mut(filled..) else {
            break;
        };
        let n = source.read(rest)?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    if filled == 0 {
        return Ok(None);
    }
    if let Some(tail) = hop.get_mut(filled..) {
        tail.fill(0.0);
    }
    Ok(Some(filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out a fixed vector a few samples at a time.
    struct Dribble {
        info: SourceInfo,
        data: Vec<f32>,
        pos: usize,
    }

    impl Source for Dribble {
        fn info(&self) -> &SourceInfo {
            &self.info
        }
        fn read(&mut self, buf: &mut [f32]) -> Result<usize, SourceError> {
            let n = buf.len().min(3).min(self.data.len() - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
        fn stats(&self) -> SourceStats {
            SourceStats::default()
        }
    }

    #[test]
    fn read_hop_fills_whole_hops_and_pads_the_last() {
        let mut src = Dribble {
            info: SourceInfo {
                name: "t".into(),
                input_rate: 8,
                channels: 1,
                engine_rate: 8,
                expected_seconds: None,
            },
            data: (1..=10).map(|v| v as f32).collect(),
            pos: 0,
        };
        let mut hop = [9.0f32; 8];
        assert_eq!(read_hop(&mut src, &mut hop).unwrap(), Some(8));
        assert_eq!(hop, [1., 2., 3., 4., 5., 6., 7., 8.]);
        assert_eq!(read_hop(&mut src, &mut hop).unwrap(), Some(2));
        assert_eq!(hop, [9., 10., 0., 0., 0., 0., 0., 0.]);
        assert_eq!(read_hop(&mut src, &mut hop).unwrap(), None);
    }
}
