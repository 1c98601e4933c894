//! Runs a [`Source`] through the core [`Analyzer`] hop by hop, as the live engine would.
//!
//! Nothing peeks at the future: a beat or onset is reported exactly at the hop where the core
//! flags it, timed at the end of that hop on the source's timeline. The per-hop tempo readings
//! are kept (two floats per hop) for the global summary in [`tempo`].
//!
//! Reading (decoding, mixing, resampling) and analysing take about as long as each other, so
//! they run on two threads, as the live engine's audio and render threads do: one reads blocks
//! of hops ahead into a short bounded queue, the other analyses them in order. The result is the
//! same, hop for hop, as one thread would give; only the time halves where two cores are free.

pub mod tempo;

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use k1_core::{Analyzer, HopError, MAX_HOP, Snapshot};

use k1_io::sources::{Source, SourceError, read_hop_with_air};

pub use tempo::{GlobalTempo, TempoSample, global_tempo};

/// Sees every snapshot as it is produced (feature CSV, progress bar).
pub trait HopObserver {
    /// Called once per hop with the end-of-hop time in seconds.
    fn hop(&mut self, time: f64, snapshot: &Snapshot) -> std::io::Result<()>;
}

/// An observer that wants only the [`Analysis`], not each snapshot.
pub struct IgnoreHops;

impl HopObserver for IgnoreHops {
    fn hop(&mut self, _time: f64, _snapshot: &Snapshot) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything the analysis of one source produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    /// Hops analysed (the last one zero-padded if the source did not fill it).
    pub hops: u64,
    /// Real samples fed at the engine rate (without the padding).
    pub samples: u64,
    /// Beat times in seconds, at the end of each hop the core flagged.
    pub beats: Vec<f64>,
    /// Onset times in seconds, at the end of each hop the core flagged.
    pub onsets: Vec<f64>,
    /// The core's tempo reading at every hop.
    pub tempo: Vec<TempoSample>,
    /// Non-finite samples the core itself replaced (after the source's own clean-up: normally 0).
    pub core_bad_samples: u64,
}

/// Why an analysis stopped.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The source failed.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The core rejected a hop (an internal error: hops are always sized from the config).
    #[error(transparent)]
    Hop(#[from] HopError),
    /// An observer failed to write its output.
    #[error(transparent)]
    Output(#[from] std::io::Error),
}

/// End-of-hop time in seconds of `snapshot` at `rate` Hz: `(sample_index + 1) / rate`.
pub fn hop_end_time(snapshot: &Snapshot, rate: u32) -> f64 {
    (snapshot.sample_index as f64 + 1.0) / f64::from(rate.max(1))
}

/// Hops per block that the reading thread hands to the analysing one.
const BLOCK_HOPS: usize = 128;
/// Blocks that may wait between the two threads: enough to ride out the decoder's uneven
/// pace, small enough (a few hundred KB) not to matter.
const BLOCKS_IN_FLIGHT: usize = 4;

/// A run of hops read ahead: `hop_len` samples per hop, how many of each hop's samples are real
/// (the last hop of a source may be zero-padded), and each hop's air power if the source
/// measures it.
struct Block {
    samples: Vec<f32>,
    real: Vec<usize>,
    air: Vec<Option<f32>>,
}

/// Feeds all of `source` through `analyzer` one hop at a time, telling `observer` about every
/// snapshot. The source is read on a second thread, a few blocks ahead (see the module doc).
pub fn run<S: Source + Send + ?Sized>(
    source: &mut S,
    analyzer: &mut Analyzer,
    observer: &mut dyn HopObserver,
) -> Result<Analysis, AnalyzeError> {
    let hop_len = analyzer.config().hop.min(MAX_HOP);
    std::thread::scope(|scope| {
        let (blocks, queue) = sync_channel(BLOCKS_IN_FLIGHT);
        scope.spawn(move || read_blocks(source, hop_len, blocks));
        // Returning (early on an error, too) drops the queue, which stops the reader.
        analyse_blocks(queue, hop_len, analyzer, observer)
    })
}

/// The reading thread: sends blocks of hops until the source ends, fails (the error follows the
/// hops read before it), or the analysing side hangs up.
fn read_blocks<S: Source + ?Sized>(
    source: &mut S,
    hop_len: usize,
    blocks: SyncSender<Result<Block, SourceError>>,
) {
    let mut buf = [0.0f32; MAX_HOP];
    let hop = buf.get_mut(..hop_len).unwrap_or(&mut []);
    let mut air_buf = [0.0f32; MAX_HOP];
    let air_samples = air_buf.get_mut(..hop_len).unwrap_or(&mut []);
    loop {
        let mut block = Block {
            samples: Vec::with_capacity(BLOCK_HOPS * hop_len),
            real: Vec::with_capacity(BLOCK_HOPS),
            air: Vec::with_capacity(BLOCK_HOPS),
        };
        let mut failed = None;
        let mut ended = false;
        while block.real.len() < BLOCK_HOPS {
            match read_hop_with_air(source, hop, air_samples) {
                Ok(Some((real, air))) => {
                    block.samples.extend_from_slice(hop);
                    block.real.push(real);
                    block.air.push(air);
                }
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if !block.real.is_empty() && blocks.send(Ok(block)).is_err() {
            return;
        }
        if let Some(e) = failed {
            let _ = blocks.send(Err(e));
            return;
        }
        if ended {
            return;
        }
    }
}

/// The analysing side: every hop of every block, in order, through the analyser.
fn analyse_blocks(
    queue: Receiver<Result<Block, SourceError>>,
    hop_len: usize,
    analyzer: &mut Analyzer,
    observer: &mut dyn HopObserver,
) -> Result<Analysis, AnalyzeError> {
    let rate = analyzer.config().sample_rate;
    let mut analysis = Analysis::default();
    for block in queue {
        let block = block?;
        let hops = block.samples.chunks_exact(hop_len.max(1));
        for ((hop, &real), &air) in hops.zip(&block.real).zip(&block.air) {
            let snapshot = analyzer.process_hop_with_air(hop, air)?;
            let time = hop_end_time(snapshot, rate);
            analysis.hops += 1;
            analysis.samples += real as u64;
            if snapshot.beat {
                analysis.beats.push(time);
            }
            if snapshot.onset {
                analysis.onsets.push(time);
            }
            analysis.tempo.push(TempoSample {
                bpm: snapshot.bpm,
                confidence: snapshot.confidence,
            });
            analysis.core_bad_samples = snapshot.bad_samples;
            observer.hop(time, snapshot)?;
        }
    }
    Ok(analysis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k1_core::Config;
    use k1_io::sources::{ClipSource, read_hop};

    #[test]
    fn counts_hops_and_pads_the_last() {
        let samples = vec![0.0f32; 64 * 10 + 5];
        let mut src = ClipSource::new("t".into(), &samples, 12_800, 1, 12_800).unwrap();
        let mut analyzer = Box::new(Analyzer::new(Config::DEFAULT).unwrap());
        let a = run(&mut src, &mut analyzer, &mut IgnoreHops).unwrap();
        assert_eq!(a.hops, 11);
        assert_eq!(a.samples, 64 * 10 + 5);
        assert_eq!(a.tempo.len(), 11);
    }

    /// A source that gives `hops` hops of the demo music and then fails.
    struct FailsAfter {
        inner: ClipSource,
        left: usize,
    }

    impl Source for FailsAfter {
        fn info(&self) -> &k1_io::sources::SourceInfo {
            self.inner.info()
        }
        fn read(&mut self, buf: &mut [f32]) -> Result<usize, SourceError> {
            if self.left == 0 {
                return Err(SourceError::Unsupported {
                    path: "broken.flac".into(),
                    reason: "a test failure".into(),
                });
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            self.inner.read(&mut buf[..n])
        }
        fn stats(&self) -> k1_io::sources::SourceStats {
            self.inner.stats()
        }
    }

    /// Records every snapshot's flags and tempo; fails at hop `fail_at` if set.
    #[derive(Default)]
    struct Recorder {
        seen: Vec<(f64, bool, bool, u32)>,
        fail_at: Option<usize>,
    }

    impl HopObserver for Recorder {
        fn hop(&mut self, time: f64, s: &Snapshot) -> std::io::Result<()> {
            if Some(self.seen.len()) == self.fail_at {
                return Err(std::io::Error::other("disk full"));
            }
            self.seen.push((time, s.beat, s.onset, s.bpm.to_bits()));
            Ok(())
        }
    }

    #[test]
    fn two_threads_give_what_one_thread_gives() {
        let config = Config::DEFAULT;
        let mut analyzer = Box::new(Analyzer::new(config).unwrap());
        let mut two = Recorder::default();
        let mut src = ClipSource::demo(config.sample_rate, 1).unwrap();
        let a = run(&mut src, &mut analyzer, &mut two).unwrap();
        // The same source read and analysed on this thread alone.
        let mut analyzer = Box::new(Analyzer::new(config).unwrap());
        let mut src = ClipSource::demo(config.sample_rate, 1).unwrap();
        let mut hop = vec![0.0f32; config.hop];
        let mut one = Recorder::default();
        while read_hop(&mut src, &mut hop).unwrap().is_some() {
            let s = analyzer.process_hop(&hop).unwrap();
            one.hop(hop_end_time(s, config.sample_rate), s).unwrap();
        }
        assert!(a.hops as usize > 4 * BLOCK_HOPS, "{} hops", a.hops);
        assert_eq!(two.seen, one.seen);
        assert!(a.beats.len() > 4 && !a.onsets.is_empty());
    }

    #[test]
    fn a_source_error_after_some_blocks_is_returned() {
        let config = Config::DEFAULT;
        let inner = ClipSource::demo(config.sample_rate, 1).unwrap();
        // Fails in the middle of the third block.
        let mut src = FailsAfter {
            inner,
            left: (2 * BLOCK_HOPS + 7) * config.hop,
        };
        let mut analyzer = Box::new(Analyzer::new(config).unwrap());
        let mut seen = Recorder::default();
        let err = run(&mut src, &mut analyzer, &mut seen).unwrap_err();
        assert!(matches!(err, AnalyzeError::Source(_)), "{err}");
        // Every hop read before the failure was analysed.
        assert_eq!(seen.seen.len(), 2 * BLOCK_HOPS + 7);
    }

    #[test]
    fn an_observer_error_stops_the_reader_too() {
        let config = Config::DEFAULT;
        // Many blocks, so the reader is still reading (or blocked on the full queue) when the
        // observer fails: the run must return, not wait on it.
        let mut src = ClipSource::demo(config.sample_rate, 4).unwrap();
        let mut analyzer = Box::new(Analyzer::new(config).unwrap());
        let mut seen = Recorder {
            fail_at: Some(10),
            ..Recorder::default()
        };
        let err = run(&mut src, &mut analyzer, &mut seen).unwrap_err();
        assert!(matches!(err, AnalyzeError::Output(_)), "{err}");
        assert_eq!(seen.seen.len(), 10);
    }

    #[test]
    fn an_empty_source_gives_no_hops() {
        let mut src = ClipSource::new("t".into(), &[], 12_800, 1, 12_800).unwrap();
        let mut analyzer = Box::new(Analyzer::new(Config::DEFAULT).unwrap());
        let a = run(&mut src, &mut analyzer, &mut IgnoreHops).unwrap();
        assert_eq!(a.hops, 0);
    }
}
