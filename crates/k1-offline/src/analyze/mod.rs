//! Runs a [`Source`] through the core [`Analyzer`] hop by hop, as the live engine would.
//!
//! Nothing peeks at the future: a beat or onset is reported exactly at the hop where the core
//! flags it, timed at the end of that hop on the source's timeline. The per-hop tempo readings
//! are kept (two floats per hop) for the global summary in [`tempo`].

pub mod tempo;

use k1_core::{Analyzer, HopError, MAX_HOP, Snapshot};

use k1_io::sources::{Source, SourceError, read_hop};

pub use tempo::{GlobalTempo, TempoSample, global_tempo};

/// Sees every snapshot as it is produced (feature CSV, progress bar).
pub trait HopObserver {
    /// Called once per hop with the end-of-hop time in seconds.
    fn hop(&mut self, time: f64, snapshot: &Snapshot) -> std::io::Result<()>;
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

/// Feeds all of `source` through `analyzer` one hop at a time, telling `observer` about every
/// snapshot.
pub fn run<S: Source + ?Sized>(
    source: &mut S,
    analyzer: &mut Analyzer,
    observer: &mut dyn HopObserver,
) -> Result<Analysis, AnalyzeError> {
    let rate = analyzer.config().sample_rate;
    let hop_len = analyzer.config().hop.min(MAX_HOP);
    let mut buf = [0.0f32; MAX_HOP];
    let hop = buf.get_mut(..hop_len).unwrap_or(&mut []);
    let mut analysis = Analysis::default();
    while let Some(real) = read_hop(source, hop)? {
        let snapshot = analyzer.process_hop(hop)?;
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
    Ok(analysis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k1_core::Config;
    use k1_io::sources::ClipSource;

    /// An observer that ignores everything.
    struct NoObserver;

    impl HopObserver for NoObserver {
        fn hop(&mut self, _time: f64, _snapshot: &Snapshot) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn counts_hops_and_pads_the_last() {
        let samples = vec![0.0f32; 64 * 10 + 5];
        let mut src = ClipSource::new("t".into(), &samples, 12_800, 1, 12_800).unwrap();
        let mut analyzer = Box::new(Analyzer::new(Config::DEFAULT).unwrap());
        let a = run(&mut src, &mut analyzer, &mut NoObserver).unwrap();
        assert_eq!(a.hops, 11);
        assert_eq!(a.samples, 64 * 10 + 5);
        assert_eq!(a.tempo.len(), 11);
    }

    #[test]
    fn an_empty_source_gives_no_hops() {
        let mut src = ClipSource::new("t".into(), &[], 12_800, 1, 12_800).unwrap();
        let mut analyzer = Box::new(Analyzer::new(Config::DEFAULT).unwrap());
        let a = run(&mut src, &mut analyzer, &mut NoObserver).unwrap();
        assert_eq!(a.hops, 0);
    }
}
