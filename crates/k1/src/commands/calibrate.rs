//! `k1 calibrate`: learn the noise floor from the start of a room-noise recording.
//!
//! Music is no room noise: learnt as the floor, it would be subtracted from everything after and
//! silence detection. So the span is checked first ([`Listen`]): a level that swings widely, or a
//! beat the tracker is sure of, refuses the recording unless `--force` is given.

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
    let mut listen = Listen::new(config.hop_rate());
    let mut fed = 0u64;
    // Feed the requested span, then keep going while the core says it is still learning (it
    // may round the span up to whole hops or blocks of its own).
    while fed < wanted || analyzer.calibrating() {
        let Some(real) = read_hop(&mut *source, hop)? else {
            break;
        };
        let snapshot = analyzer.process_hop(hop)?;
        listen.hop(hop, snapshot.confidence);
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
    if let Some(why) = listen.music() {
        if job.force {
            k1_io::messages::warn(format!(
                "{}: {why}; learning it anyway (--force)",
                job.file.display()
            ));
        } else {
            bail!(
                "{}: this sounds like music, not room noise: {why}. Learnt as the noise floor, it \
                 would silence detection. Record the room without music, or pass --force",
                job.file.display()
            );
        }
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

/// Level blocks for the dynamic range, seconds.
const BLOCK_SECONDS: f64 = 0.05;
/// The widest level swing room noise shows: the 95th over the 10th percentile of the 50 ms
/// blocks' RMS. On the corpus's first 5 s: white and pink noise 0.4 and 6 dB, a steady tone
/// 0 dB; music with drums 11 to 31 dB (dense real mixes 3 to 16 dB, caught by the pulse).
pub const MAX_RANGE_DB: f64 = 12.0;
/// The largest share of hops in which the beat tracker may hear a pulse (confidence above its
/// 0.2 no-pulse ceiling). Noise and tones: 0 %; music from its first 5 s: 30 to 64 %.
pub const MAX_PULSE_SHARE: f64 = 0.2;

/// What the calibration span sounds like: the level of each 50 ms block and how often the beat
/// tracker hears a pulse.
struct Listen {
    block_hops: u32,
    in_block: u32,
    block_power: f64,
    block_samples: usize,
    blocks: Vec<f64>,
    hops: u64,
    pulse_hops: u64,
}

impl Listen {
    fn new(hop_rate: f32) -> Self {
        Self {
            block_hops: ((BLOCK_SECONDS * f64::from(hop_rate)).round() as u32).max(1),
            in_block: 0,
            block_power: 0.0,
            block_samples: 0,
            blocks: Vec::new(),
            hops: 0,
            pulse_hops: 0,
        }
    }

    /// Takes one hop's samples and the tracker's confidence after it.
    fn hop(&mut self, samples: &[f32], confidence: f32) {
        self.hops += 1;
        if confidence > k1_offline::analyze::tempo::MIN_CONFIDENCE {
            self.pulse_hops += 1;
        }
        self.block_power += samples
            .iter()
            .filter(|x| x.is_finite())
            .map(|&x| f64::from(x) * f64::from(x))
            .sum::<f64>();
        self.block_samples += samples.len();
        self.in_block += 1;
        if self.in_block == self.block_hops {
            let power = self.block_power / self.block_samples.max(1) as f64;
            self.blocks.push(power.max(1e-12));
            (self.in_block, self.block_power, self.block_samples) = (0, 0.0, 0);
        }
    }

    /// The level's swing in dB: the 95th over the 10th percentile of the blocks' RMS.
    fn range_db(&self) -> f64 {
        let mut sorted = self.blocks.clone();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        if sorted.is_empty() {
            0.0
        } else {
            10.0 * (at(0.95) / at(0.10)).log10()
        }
    }

    /// Why the span sounds like music, or `None` if it may be room noise.
    fn music(&self) -> Option<String> {
        let range = self.range_db();
        let pulse = self.pulse_hops as f64 / self.hops.max(1) as f64;
        let mut why = Vec::new();
        if range > MAX_RANGE_DB {
            why.push(format!(
                "its level swings {range:.0} dB (room noise: at most {MAX_RANGE_DB:.0})"
            ));
        }
        if pulse > MAX_PULSE_SHARE {
            why.push(format!(
                "the beat tracker hears a pulse in {:.0} % of it (room noise: at most {:.0} %)",
                100.0 * pulse,
                100.0 * MAX_PULSE_SHARE
            ));
        }
        (!why.is_empty()).then(|| why.join(", and "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Listen` over `hops` hops of 64 samples at 200 hops a second.
    fn listen(hops: usize, level: impl Fn(usize) -> f32, confidence: f32) -> Listen {
        let mut l = Listen::new(200.0);
        for h in 0..hops {
            l.hop(&[level(h); 64], confidence);
        }
        l
    }

    #[test]
    fn steady_noise_passes() {
        let l = listen(1000, |h| 0.1 + 0.01 * (h % 7) as f32, 0.2);
        assert!(l.range_db() < 1.0, "{}", l.range_db());
        assert_eq!(l.music(), None);
    }

    #[test]
    fn a_swinging_level_or_a_pulse_is_music() {
        // Loud for 50 ms in every 500 ms, 26 dB down between: drums.
        let l = listen(1000, |h| if h % 100 < 10 { 0.5 } else { 0.025 }, 0.0);
        assert!((l.range_db() - 26.0).abs() < 0.1, "{}", l.range_db());
        assert!(l.music().unwrap().contains("swings 26 dB"));
        // Level steady, but a beat: a dense mix.
        let l = listen(1000, |_| 0.3, 0.7);
        assert!(
            l.music().unwrap().contains("pulse in 100 %"),
            "{:?}",
            l.music()
        );
    }
}
