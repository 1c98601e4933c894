//! An audio file as a [`Source`]: decode packet by packet, mix to mono, resample to the engine rate.
//!
//! Nothing holds the whole file: one decoded packet, one resampler chunk and the resampled output
//! not yet read are all that is buffered. WAV, FLAC, MP3 and OGG Vorbis are decoded by symphonia;
//! encoder delay and padding are trimmed by the decoders, and the resampler's delay by
//! [`StreamResampler`], so sample 0 of the output is sample 0 of the recording.
//!
//! The samples are touched as few times as possible: each packet is mixed plane by plane straight
//! from the decoder's buffer ([`mix`]; a mono packet is one conversion), the resampler reads
//! whole chunks from that mix and appends its output to one contiguous buffer, and
//! [`Source::read`] copies out of it with `copy_from_slice`.
//!
//! Damage is survived, not hidden: damaged OGG pages are dropped before demuxing
//! ([`ogg_pages`]); FLAC frames with a bad CRC are dropped by symphonia's demuxer, which finds
//! the next frame itself; packets that fail to decode are skipped. The frames lost in each case
//! show as a hole in the packet timestamps and are replaced by silence, so every later beat
//! keeps its time. At the end of a damaged file one warning sums up what was lost
//! ([`SourceStats::damage_summary`](super::SourceStats::damage_summary)).

mod mix;
mod ogg_pages;

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

use super::{Source, SourceError, SourceInfo, SourceStats, StreamResampler};

/// Input sample rates accepted, in Hz.
pub const INPUT_RATES: std::ops::RangeInclusive<u32> = 8_000..=192_000;
/// Channel counts accepted.
pub const MAX_CHANNELS: usize = 8;
/// Consecutive undecodable packets after which the file is declared corrupt.
const MAX_BAD_PACKETS_IN_A_ROW: u32 = 64;
/// The longest hole in the timeline (seconds) that is filled with silence; a longer jump of the
/// timestamps is taken for a damaged timestamp and not filled.
const MAX_GAP_SECONDS: u64 = 30;

/// A decoded, mixed and resampled audio file. [`super::ClipSource`] is the in-memory sibling.
pub struct FileSource {
    path: PathBuf,
    info: SourceInfo,
    stats: SourceStats,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    /// Whether packet timestamps count input frames (time base `1 / rate`), so holes in them
    /// can be filled.
    frame_timestamps: bool,
    /// The timestamp the next packet should have: the track's start, then the end of the last
    /// packet that decoded.
    next_ts: Option<i64>,
    /// Packets that failed to decode since the last good one (their frames are in the next hole).
    failed_since_good: u64,
    /// Damaged OGG pages dropped before demuxing (see `ogg_pages`).
    dropped_pages: Arc<AtomicU64>,
    /// One decoded packet mixed to mono.
    mono: Vec<f32>,
    resampler: StreamResampler,
    /// Resampled samples; those before `ready_pos` have been read.
    ready: Vec<f32>,
    /// The air band's power of each sample in `ready`, when the rate carries it.
    ready_air: Vec<f32>,
    ready_pos: usize,
    ended: bool,
    /// Where the time went, when asked for by [`FileSource::measure_stages`].
    stages: Option<StageTimes>,
}

/// Time a [`FileSource`] spent in each of its stages (for `k1 bench analyze`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// Reading packets and decoding them (symphonia).
    pub decode: Duration,
    /// Mixing to mono and resampling to the engine rate.
    pub mix_resample: Duration,
}

/// One decoded packet's shape, after mixing.
struct Block {
    frames: usize,
    channels: usize,
    rate: u32,
    /// Frames of silence put before the packet's audio in `mono`, in place of lost frames.
    filled: usize,
    /// Non-finite samples the mix replaced by 0.
    non_finite: u64,
    /// When decoding ended and mixing began, if the stages are timed.
    decoded_at: Option<Instant>,
}

impl FileSource {
    /// Opens `path`, checks that it holds decodable audio of 1..=8 channels at 8..=192 kHz, and
    /// prepares to deliver it at `engine_rate`.
    pub fn open(path: &Path, engine_rate: u32) -> Result<Self, SourceError> {
        let file = File::open(path).map_err(|err| SourceError::Open {
            path: path.to_path_buf(),
            err,
        })?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(SourceError::Open {
                path: path.to_path_buf(),
                err: std::io::Error::new(ErrorKind::InvalidInput, "is a directory"),
            });
        }
        let unsupported = |reason: String| SourceError::Unsupported {
            path: path.to_path_buf(),
            reason,
        };
        let dropped_pages = Arc::new(AtomicU64::new(0));
        let media: Box<dyn MediaSource> = if starts_with_ogg_page(&file) {
            Box::new(ogg_pages::OggPageFilter::new(
                file,
                Arc::clone(&dropped_pages),
            ))
        } else {
            Box::new(file)
        };
        let mss = MediaSourceStream::new(media, Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let format = symphonia::default::get_probe()
            .probe(
                &hint,
                mss,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|e| match dropped_pages.load(Ordering::Relaxed) {
                0 => unsupported(e.to_string()),
                n => unsupported(format!("{e} (after dropping {n} damaged OGG pages)")),
            })?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| unsupported("no audio track".into()))?;
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| unsupported("no audio codec parameters".into()))?;
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(params, &AudioDecoderOptions::default())
            .map_err(|e| unsupported(e.to_string()))?;
        let track_id = track.id;
        let declared_rate = params.sample_rate;
        let declared_channels = params.channels.as_ref().map(|c| c.count());
        let num_frames = track.num_frames;
        // The first packet is due at the track's start, or at 0 when the start is the negative
        // time of trimmed encoder delay: a first page or frame lost is a hole too.
        let start_ts = track.start_ts.get().max(0);
        let frame_timestamps = track
            .time_base
            .is_some_and(|tb| tb.numer.get() == 1 && Some(tb.denom.get()) == declared_rate);

        if let Some(rate) = declared_rate {
            check_rate(path, rate)?;
        }
        if let Some(channels) = declared_channels {
            check_channels(path, channels)?;
        }

        // The resampler is built once the first packet has confirmed the rate.
        let placeholder = StreamResampler::new(engine_rate, engine_rate)?;
        let mut source = Self {
            path: path.to_path_buf(),
            info: SourceInfo {
                name: path.display().to_string(),
                input_rate: declared_rate.unwrap_or(0),
                channels: declared_channels.unwrap_or(0),
                engine_rate,
                expected_seconds: None,
            },
            stats: SourceStats::default(),
            format,
            decoder,
            track_id,
            frame_timestamps,
            next_ts: Some(start_ts),
            failed_since_good: 0,
            dropped_pages,
            mono: Vec::new(),
            resampler: placeholder,
            ready: Vec::new(),
            ready_air: Vec::new(),
            ready_pos: 0,
            ended: false,
            stages: None,
        };

        let Some(first) = source.next_block()? else {
            return Err(SourceError::Empty {
                path: path.to_path_buf(),
            });
        };
        check_rate(path, first.rate)?;
        check_channels(path, first.channels)?;
        source.info.input_rate = first.rate;
        source.info.channels = first.channels;
        source.info.expected_seconds = num_frames.map(|n| n as f64 / f64::from(first.rate));
        source.resampler = StreamResampler::with_air(first.rate, engine_rate)?;
        source.resample(&first)?;
        Ok(source)
    }

    /// Starts timing the stages (decode; mix + resample) from now on; see
    /// [`FileSource::stage_times`]. Two clock readings per packet: off by default.
    pub fn measure_stages(&mut self) {
        self.stages.get_or_insert_with(StageTimes::default);
    }

    /// The time spent in each stage since [`FileSource::measure_stages`], if it was called.
    pub fn stage_times(&self) -> Option<StageTimes> {
        self.stages
    }

    /// Decodes the next packet of our track and mixes it into `self.mono`. Skips packets that
    /// fail to decode (counted); returns `None` at the end of the stream.
    fn next_block(&mut self) -> Result<Option<Block>, SourceError> {
        let mut bad_in_a_row = 0;
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => return Ok(None),
                Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => {
                    self.stats.truncated = true;
                    return Ok(None);
                }
                Err(SymError::ResetRequired) => {
                    // A chained stream (a new logical OGG stream) starts: stop at the first one.
                    self.stats.truncated = true;
                    return Ok(None);
                }
                Err(SymError::DecodeError(_)) if self.stats.input_frames > 0 => {
                    // Damage inside the container after good audio: treat as the end.
                    self.stats.truncated = true;
                    return Ok(None);
                }
                Err(e) => return Err(self.decode_error(&e)),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let (pts, dur) = (packet.pts.get(), packet.dur.get());
            match self.decoder.decode(&packet) {
                Ok(buf) => {
                    let decoded_at = self.stages.map(|_| Instant::now());
                    let frames = buf.frames();
                    let channels = buf.num_planes();
                    let rate = buf.spec().rate();
                    if frames == 0 {
                        // A priming packet (the first Vorbis packet): the due time moves on, never
                        // back before the start.
                        let end = pts.saturating_add(i64::try_from(dur).unwrap_or(0));
                        self.next_ts = self.next_ts.max(Some(end));
                        continue;
                    }
                    // A channel count out of range is refused by the caller; skip the work.
                    let non_finite = if (1..=MAX_CHANNELS).contains(&channels) {
                        mix::mix_to_mono(&buf, &mut self.mono)
                    } else {
                        self.mono.clear();
                        0
                    };
                    let filled = self.fill_hole(pts, dur, rate);
                    return Ok(Some(Block {
                        frames,
                        channels,
                        rate,
                        filled,
                        non_finite,
                        decoded_at,
                    }));
                }
                Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => {
                    self.stats.skipped_packets += 1;
                    self.failed_since_good += 1;
                    bad_in_a_row += 1;
                    if bad_in_a_row >= MAX_BAD_PACKETS_IN_A_ROW {
                        return Err(SourceError::Decode {
                            path: self.path.clone(),
                            reason: format!("{bad_in_a_row} corrupt packets in a row"),
                        });
                    }
                }
                Err(e) => return Err(self.decode_error(&e)),
            }
        }
    }

    /// Puts silence before the packet just mixed into `mono` for the frames lost before it (the
    /// demuxer dropped damaged frames or pages, or packets failed to decode), so that the
    /// timeline stays whole; counts the lost packets (judged by this one's length) not already
    /// counted as failed. Returns the frames of silence added.
    fn fill_hole(&mut self, pts: i64, dur: u64, rate: u32) -> usize {
        let expected = self.next_ts;
        self.next_ts = Some(pts.saturating_add(i64::try_from(dur).unwrap_or(i64::MAX)));
        let failed = std::mem::take(&mut self.failed_since_good);
        let Some(expected) = expected.filter(|_| self.frame_timestamps) else {
            return 0;
        };
        let hole = u64::try_from(pts.saturating_sub(expected)).unwrap_or(0);
        if hole == 0 || hole > MAX_GAP_SECONDS * u64::from(rate) {
            return 0;
        }
        let lost = hole.div_ceil(dur.max(1));
        self.stats.skipped_packets += lost.saturating_sub(failed);
        let hole = usize::try_from(hole).unwrap_or(0);
        self.mono.splice(0..0, std::iter::repeat_n(0.0, hole));
        hole
    }

    fn decode_error(&self, e: &SymError) -> SourceError {
        if self.stats.input_frames == 0 {
            SourceError::Unsupported {
                path: self.path.clone(),
                reason: e.to_string(),
            }
        } else {
            SourceError::Decode {
                path: self.path.clone(),
                reason: e.to_string(),
            }
        }
    }

    /// Checks the packet's shape, counts it and feeds its mono mix (the mean of the channels,
    /// non-finite samples as 0) to the resampler.
    fn resample(&mut self, block: &Block) -> Result<(), SourceError> {
        if block.rate != self.info.input_rate {
            return Err(SourceError::Decode {
                path: self.path.clone(),
                reason: format!(
                    "sample rate changes from {} Hz to {} Hz mid-stream",
                    self.info.input_rate, block.rate
                ),
            });
        }
        check_channels(&self.path, block.channels)?;
        self.stats.non_finite += block.non_finite;
        self.stats.input_frames += block.frames as u64;
        self.stats.filled_frames += block.filled as u64;
        self.resampler
            .push_with_air(&self.mono, &mut self.ready, &mut self.ready_air)?;
        Ok(())
    }

    /// [`Source::read`], and [`Source::read_with_air`] when `air` is given: copies out of the
    /// ready buffers, refilling them as they run dry.
    fn read_into(
        &mut self,
        buf: &mut [f32],
        mut air: Option<&mut [f32]>,
    ) -> Result<usize, SourceError> {
        let mut written = 0;
        while let Some(dst) = buf.get_mut(written..).filter(|d| !d.is_empty()) {
            self.fill()?;
            let src = self.ready.get(self.ready_pos..).unwrap_or(&[]);
            if src.is_empty() {
                break;
            }
            let n = dst.len().min(src.len());
            if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
                d.copy_from_slice(s);
            }
            if let Some(d) = air
                .as_deref_mut()
                .and_then(|a| a.get_mut(written..written + n))
            {
                // Without a meter the air buffer stays empty: no air.
                let s = self.ready_air.get(self.ready_pos..self.ready_pos + n);
                match s {
                    Some(s) => d.copy_from_slice(s),
                    None => d.fill(0.0),
                }
            }
            self.ready_pos += n;
            written += n;
        }
        Ok(written)
    }

    /// Decodes and resamples until some output is ready or the stream has ended. Called only
    /// once everything ready has been read, so the buffer restarts at its beginning.
    fn fill(&mut self) -> Result<(), SourceError> {
        if self.ready_pos < self.ready.len() {
            return Ok(());
        }
        self.ready.clear();
        self.ready_air.clear();
        self.ready_pos = 0;
        while self.ready.is_empty() && !self.ended {
            let started = self.stages.map(|_| Instant::now());
            let block = self.next_block()?;
            // The end of the stream has no mixing: its flush counts as resampling.
            let decoded = block
                .as_ref()
                .map_or_else(|| started.map(|_| Instant::now()), |b| b.decoded_at);
            match block {
                Some(block) => self.resample(&block)?,
                None => {
                    self.resampler
                        .finish_with_air(&mut self.ready, &mut self.ready_air)?;
                    self.ended = true;
                    let damage = self.stats().damage_summary(self.info.input_rate);
                    if let Some(damage) = damage {
                        crate::messages::warn(format!("{}: {damage}", self.path.display()));
                    }
                }
            }
            if let (Some(stages), Some(started), Some(decoded)) =
                (self.stages.as_mut(), started, decoded)
            {
                stages.decode += decoded.saturating_duration_since(started);
                stages.mix_resample += decoded.elapsed();
            }
        }
        Ok(())
    }
}

impl Source for FileSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn read(&mut self, buf: &mut [f32]) -> Result<usize, SourceError> {
        self.read_into(buf, None)
    }

    fn stats(&self) -> SourceStats {
        SourceStats {
            damaged_pages: self.dropped_pages.load(Ordering::Relaxed),
            ..self.stats
        }
    }

    fn has_air(&self) -> bool {
        self.resampler.has_air()
    }

    fn read_with_air(&mut self, buf: &mut [f32], air: &mut [f32]) -> Result<usize, SourceError> {
        self.read_into(buf, Some(air))
    }
}

/// True if `file` starts with an OGG page's capture pattern (then rewound to its start).
fn starts_with_ogg_page(mut file: &File) -> bool {
    let mut magic = [0u8; 4];
    let is_ogg = file.read_exact(&mut magic).is_ok() && &magic == b"OggS";
    let rewound = file.seek(SeekFrom::Start(0)).is_ok();
    is_ogg && rewound
}

fn check_rate(path: &Path, rate: u32) -> Result<(), SourceError> {
    if INPUT_RATES.contains(&rate) {
        Ok(())
    } else {
        Err(SourceError::Rate {
            path: path.to_path_buf(),
            rate,
        })
    }
}

fn check_channels(path: &Path, channels: usize) -> Result<(), SourceError> {
    if (1..=MAX_CHANNELS).contains(&channels) {
        Ok(())
    } else {
        Err(SourceError::Channels {
            path: path.to_path_buf(),
            channels,
        })
    }
}
