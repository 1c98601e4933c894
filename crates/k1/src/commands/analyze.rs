//! `k1 analyze`: run a file (or the demo loop) through the core and report what it heard.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use k1_core::Snapshot;

use crate::cli::AnalyzeJob;
use crate::progress::Progress;
use k1_offline::analyze::{self, HopObserver, global_tempo};
use k1_offline::report::{self, Report, features::FeatureWriter};

/// Per-hop side outputs: the feature CSV and the progress bar.
struct Observer {
    features: Option<FeatureWriter<BufWriter<File>>>,
    progress: Progress,
    hops: u64,
}

impl HopObserver for Observer {
    fn hop(&mut self, time: f64, snapshot: &Snapshot) -> std::io::Result<()> {
        if let Some(features) = &mut self.features {
            features.row(time, snapshot)?;
        }
        self.hops += 1;
        if self.hops.is_multiple_of(256) {
            self.progress.set(time);
        }
        Ok(())
    }
}

/// Runs `k1 analyze`.
pub fn run(job: AnalyzeJob) -> anyhow::Result<()> {
    let mut analyzer = super::new_analyzer(job.config)?;
    if let Some(floor) = job.noise_floor {
        analyzer.set_noise_floor(floor);
    }
    let mut source = super::open_source(&job.input, &job.config)?;

    let features = match &job.outputs.features_csv {
        Some(path) => Some(
            create(path)
                .and_then(FeatureWriter::new)
                .with_context(|| format!("cannot write {}", path.display()))?,
        ),
        None => None,
    };
    let mut observer = Observer {
        features,
        progress: Progress::new(source.info().expected_seconds),
        hops: 0,
    };
    let result = analyze::run(&mut *source, &mut analyzer, &mut observer);
    observer.progress.finish();
    let analysis = result.map_err(|e| match e {
        analyze::AnalyzeError::Output(io) => match &job.outputs.features_csv {
            Some(path) => {
                anyhow::Error::new(io).context(format!("cannot write {}", path.display()))
            }
            None => anyhow::Error::new(io),
        },
        other => other.into(),
    })?;
    if let (Some(features), Some(path)) = (observer.features.take(), &job.outputs.features_csv) {
        features
            .finish()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }

    let stats = source.stats();
    super::warn_about(&stats, analysis.core_bad_samples);
    let tempo = global_tempo(&analysis.tempo);
    let report = Report::new(source.info(), &stats, job.config.hop, analysis, tempo);

    if let Some(path) = &job.outputs.beats {
        write_file(path, |w| report::times::write(w, &report.beats))?;
    }
    if let Some(path) = &job.outputs.onsets {
        write_file(path, |w| report::times::write(w, &report.onsets))?;
    }
    let stdout = std::io::stdout().lock();
    if job.outputs.json {
        report::json::write(stdout, &report)?;
    } else {
        report::summary::write(stdout, &report)?;
    }
    Ok(())
}

fn create(path: &Path) -> std::io::Result<BufWriter<File>> {
    File::create(path).map(BufWriter::new)
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut w = create(path).with_context(|| format!("cannot write {}", path.display()))?;
    body(&mut w)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}
