//! `k1 calibrate`: learn the noise floor from the start of a room-noise recording.

use anyhow::{Context, bail};
use k1_core::MAX_HOP;

use crate::cli::{CalibrateJob, Input};
use k1_io::sources::read_hop;

/// Runs `k1 calibrate`: feeds the first `seconds` of the file through the core's calibration,
/// then writes the learned floor atomically.
pub fn run(job: CalibrateJob) -> anyhow::Result<()> {
    let config = job.config;
    let mut analyzer = super::new_analyzer(config)?;
    let mut source = super::open_source(&Input::File(job.file.clone()), &config)?;

    let rate = f64::from(config.sample_rate);
    let wanted = (job.seconds * rate).ceil() as u64;
    let mut buf = [0.0f32; MAX_HOP];
    let hop = buf.get_mut(..config.hop).unwrap_or(&mut []);
    analyzer.start_calibration(job.seconds as f32);
    let mut fed = 0u64;
    // Feed the requested span, then keep going while the core says it is still learning (it
    // may round the span up to whole hops or blocks of its own).
    while fed < wanted || analyzer.calibrating() {
        let Some(real) = read_hop(&mut *source, hop)? else {
            break;
        };
        analyzer.process_hop(hop)?;
        fed += real as u64;
    }
    let stats = source.stats();
    super::warn_about(&stats, analyzer.snapshot().bad_samples);
    if fed < wanted {
        bail!(
            "{}: only {:.3} s of audio, --seconds asks for {}",
            job.file.display(),
            fed as f64 / rate,
            job.seconds
        );
    }
    if analyzer.calibrating() {
        bail!(
            "{}: the analyser was still calibrating at the end of the file",
            job.file.display()
        );
    }
    let floor = analyzer.noise_floor();
    if !floor.calibrated {
        k1_io::messages::warn("the analyser did not mark the noise floor as calibrated");
    }
    k1_io::noise::save(&job.output, &floor).context("saving the noise profile")?;
    k1_io::messages::note(format!(
        "learned the noise floor from {:.3} s of {}; wrote {}",
        fed as f64 / rate,
        job.file.display(),
        job.output.display()
    ));
    Ok(())
}
