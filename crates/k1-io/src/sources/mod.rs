//! Where audio comes from: every source yields mono `f32` samples at the engine rate.
//!
//! A source hides the container, the codec, the channel layout and the file's sample rate, so the
//! analysis loop only ever sees what the core wants: mono samples at `Config::sample_rate`, with
//! sample 0 at the start of the original recording (resampler delay already removed).
//!
//! A source read at a native rate above the engine rate can also say, per sample, how much power
//! the input had in the *air band* just above the engine rate's Nyquist limit
//! ([`Source::read_with_air`], [`read_hop_with_air`]): the onset detector's view of hats and
//! shakers, which the engine-rate samples cannot hold.
//!
//! For `k1 run`, a [`SourceSpec`] names a live source (`demo`, `mic`, a file, ...) and the
//! [`SourceFactory`] opens it, at the start and when the API switches sources.

mod air;
mod clip;
mod ended;
mod error;
mod factory;
mod file;
pub mod live;
mod resample;
mod spec;

pub use air::AirMeter;
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

    /// True when [`Source::read_with_air`] measures the air band: the source's native rate is
    /// high enough to carry it. Sources without air (the default) give zeros there.
    fn has_air(&self) -> bool {
        false
    }

    /// [`Source::read`], also writing to `air[i]` the air band's mean power around `buf[i]`
    /// (the octave above the engine rate's Nyquist limit, measured at the native rate; see
    /// [`AirMeter`]) for every sample written. `air` must be at least as long as `buf`; the
    /// samples are exactly those [`Source::read`] would give.
    fn read_with_air(&mut self, buf: &mut [f32], air: &mut [f32]) -> Result<usize, SourceError> {
        let n = self.read(buf)?;
        air.iter_mut().take(n).for_each(|a| *a = 0.0);
        Ok(n)
    }
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
    fn has_air(&self) -> bool {
        (**self).has_air()
    }
    fn read_with_air(&mut self, buf: &mut [f32], air: &mut [f32]) -> Result<usize, SourceError> {
        (**self).read_with_air(buf, air)
    }
}

/// Fills `hop` with the next samples of `source`, padding a final partial hop with zeros.
///
/// Returns the number of real samples in the hop, or `None` once the source is exhausted.
pub fn read_hop<S: Source + ?Sized>(
    source: &mut S,
    hop: &mut [f32],
) -> Result<Option<usize>, SourceError> {
    let filled = fill(hop.len(), |from| match hop.get_mut(from..) {
        Some(rest) => source.read(rest),
        None => Ok(0),
    })?;
    Ok(pad(hop, filled))
}

/// Reads until `len` samples are in or the source ends: `read(from)` reads into the hop from
/// sample `from` and says how many it wrote (0 at the end). Returns how many are in.
fn fill(
    len: usize,
    mut read: impl FnMut(usize) -> Result<usize, SourceError>,
) -> Result<usize, SourceError> {
    let mut filled = 0;
    while filled < len {
        let n = read(filled)?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// `None` for an empty hop (the source had ended); otherwise the hop's tail past `filled`
/// zeroed, and `filled`.
fn pad(hop: &mut [f32], filled: usize) -> Option<usize> {
    if filled == 0 {
        return None;
    }
    if let Some(tail) = hop.get_mut(filled..) {
        tail.fill(0.0);
    }
    Some(filled)
}

/// [`read_hop`], also returning the hop's air power when the source measures it: the mean over
/// the hop's samples of [`Source::read_with_air`]'s values (the zero padding counts as no air),
/// what [`k1_core::Analyzer::process_hop_with_air`] takes. `air` is scratch as long as `hop`.
pub fn read_hop_with_air<S: Source + ?Sized>(
    source: &mut S,
    hop: &mut [f32],
    air: &mut [f32],
) -> Result<Option<(usize, Option<f32>)>, SourceError> {
    if !source.has_air() || air.len() < hop.len() {
        return Ok(read_hop(source, hop)?.map(|filled| (filled, None)));
    }
    let filled = fill(hop.len(), |from| {
        match (hop.get_mut(from..), air.get_mut(from..)) {
            (Some(rest), Some(rest_air)) => source.read_with_air(rest, rest_air),
            _ => Ok(0),
        }
    })?;
    let Some(filled) = pad(hop, filled) else {
        return Ok(None);
    };
    let sum: f32 = air.iter().take(filled).sum();
    Ok(Some((filled, Some(sum / hop.len().max(1) as f32))))
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
