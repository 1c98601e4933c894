//! The analyser: feeds each hop through every stage and fills the snapshot.

use crate::dsp::beat::BeatTracker;
use crate::dsp::chroma::chroma;
use crate::dsp::loudness::{Calibration, RangeControl, SilenceGate, to_dbfs};
use crate::dsp::onset::OnsetDetector;
use crate::dsp::spectrum::Spectrum;
use crate::dsp::tempo::TempoBank;
use crate::{Config, ConfigError, NUM_BINS, NoiseFloor, Snapshot};
use core::f32::consts::PI;

/// Corner of the DC-blocking high-pass at the input, Hz.
const DC_CUTOFF_HZ: f32 = 10.0;
/// Smoothed spectrum: rise and fall time constants, seconds.
const SMOOTH_ATTACK_S: f32 = 0.01;
const SMOOTH_RELEASE_S: f32 = 0.15;

/// A hop of the wrong length was passed to [`Analyzer::process_hop`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("hop has {got} samples, the analyser is configured for {expected}")]
pub struct HopError {
    /// The configured hop size.
    pub expected: usize,
    /// The length that was passed.
    pub got: usize,
}

/// Turns audio, one hop at a time, into [`Snapshot`]s. No allocation, no I/O; about 195 KB of
/// state, all sized at compile time (box it on the host; make it a `static` on a device).
pub struct Analyzer {
    config: Config,
    snapshot: Snapshot,
    dc_x: f32,
    dc_y: f32,
    dc_r: f32,
    spectrum: Spectrum,
    onsets: OnsetDetector,
    bank: TempoBank,
    tracker: BeatTracker,
    floor: NoiseFloor,
    calibration: Option<Calibration>,
    range: RangeControl,
    vu_range: RangeControl,
    gate: SilenceGate,
    smooth_attack: f32,
    smooth_release: f32,
}

impl Analyzer {
    /// Builds an analyser for `config`, precomputing every table.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        config.validate()?;
        let fs = config.sample_rate as f32;
        let hop_rate = config.hop_rate();
        Ok(Self {
            config,
            snapshot: Snapshot::EMPTY,
            dc_x: 0.0,
            dc_y: 0.0,
            dc_r: libm::expf(-2.0 * PI * DC_CUTOFF_HZ / fs),
            spectrum: Spectrum::new(&config)?,
            onsets: OnsetDetector::new(fs, hop_rate),
            bank: TempoBank::new(hop_rate),
            tracker: BeatTracker::new(hop_rate),
            floor: NoiseFloor::DEFAULT,
            calibration: None,
            range: RangeControl::new(hop_rate),
            vu_range: RangeControl::new(hop_rate),
            gate: SilenceGate::new(hop_rate),
            smooth_attack: 1.0 - libm::expf(-1.0 / (SMOOTH_ATTACK_S * hop_rate)),
            smooth_release: 1.0 - libm::expf(-1.0 / (SMOOTH_RELEASE_S * hop_rate)),
        })
    }

    /// The configuration this analyser runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The newest snapshot.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The spectrum's plan: per bin, its decimation stage and window length.
    pub fn spectrum_plan(&self) -> &[crate::dsp::spectrum::BinPlan; NUM_BINS] {
        self.spectrum.plan()
    }

    /// Analyses one hop of mono samples (nominally -1..=1) and returns the new snapshot.
    /// Non-finite samples are replaced by silence and counted in [`Snapshot::bad_samples`].
    /// The same as [`Analyzer::process_hop_with_air`] with no air.
    pub fn process_hop(&mut self, samples: &[f32]) -> Result<&Snapshot, HopError> {
        self.process_hop_with_air(samples, None)
    }

    /// Analyses one hop as [`Analyzer::process_hop`] does, with the hop's air power: the mean
    /// power, per sample of the hop, of the octave above the configured rate's Nyquist limit
    /// (6.4 to 12.8 kHz at 12.8 kHz), which the host measures from the audio before it is
    /// resampled. It lets the onset detector hear closed hats and shakers; the beat tracker
    /// and tempo bank never see it, so beats, tempo and phase are the same with or without.
    /// `None` (a source whose own rate cannot carry that octave) analyses exactly as
    /// [`Analyzer::process_hop`] does; a value that is not a finite power counts as `None`.
    pub fn process_hop_with_air(
        &mut self,
        samples: &[f32],
        air: Option<f32>,
    ) -> Result<&Snapshot, HopError> {
        if samples.len() != self.config.hop {
            return Err(HopError {
                expected: self.config.hop,
                got: samples.len(),
            });
        }
        let snap = &mut self.snapshot;
        let mut power = 0.0;
        let mut block = [0.0f32; crate::MAX_HOP];
        let block = &mut block[..samples.len()];
        block.copy_from_slice(samples);
        // Locals, not fields, so the compiler keeps them in registers through the loop.
        let (mut dc_x, mut dc_y, dc_r) = (self.dc_x, self.dc_y, self.dc_r);
        let mut bad = 0u64;
        // The input stage runs inside the onset filters' pass (the DC blocker's recursion then
        // waits in the shadow of theirs); the spectrum takes the block it leaves.
        self.onsets.push_block_with(block, |raw| {
            let x = if raw.is_finite() {
                raw
            } else {
                bad += 1;
                0.0
            };
            // One-pole DC blocker: y[n] = x[n] - x[n-1] + r·y[n-1].
            let y = x - dc_x + dc_r * dc_y;
            dc_x = x;
            dc_y = y;
            power += y * y;
            y
        });
        (self.dc_x, self.dc_y) = (dc_x, dc_y);
        snap.bad_samples += bad;
        self.spectrum.push_block(block);
        let rms = crate::math::sqrt(power / samples.len() as f32);
        let magnitude = self.spectrum.compute();

        if let Some(floor) = self
            .calibration
            .as_mut()
            .and_then(|c| c.add(magnitude, rms))
        {
            self.floor = floor;
            self.calibration = None;
        }
        let silent = self.gate.update(rms, &self.floor);

        // Spectrum: subtract the floor, then range-control to 0..=1. Each loop is elementwise
        // (or an exact max), so the compiler keeps it in vectors.
        let mut above = [0.0f32; NUM_BINS];
        for ((a, &m), &f) in above.iter_mut().zip(magnitude).zip(&self.floor.bins) {
            *a = (m - f).max(0.0);
        }
        let gain = self.range.update(max_of(&above), silent);
        if silent {
            snap.spectrum = [0.0; NUM_BINS];
        } else {
            for (out, &a) in snap.spectrum.iter_mut().zip(&above) {
                *out = (a * gain).min(1.0);
            }
        }
        let (attack, release) = (self.smooth_attack, self.smooth_release);
        for (s, &v) in snap.spectrum_smooth.iter_mut().zip(&snap.spectrum) {
            let rate = if v > *s { attack } else { release };
            *s += (v - *s) * rate;
        }
        chroma(&snap.spectrum, self.config.lowest_note, &mut snap.chroma);

        let vu_above = (rms - self.floor.rms).max(0.0);
        let vu_gain = self.vu_range.update(vu_above, silent);
        snap.vu = if silent {
            0.0
        } else {
            (vu_above * vu_gain).min(1.0)
        };
        snap.rms_dbfs = to_dbfs(rms);

        self.onsets.set_air(air);
        let (novelty_raw, novelty, onset) =
            self.onsets.end_hop(samples.len(), self.floor.rms, silent);
        snap.novelty = novelty;
        snap.onset = onset;

        self.bank.update(novelty_raw);
        let beat = self.tracker.update(
            &self.bank,
            self.onsets.beat_novelty(),
            self.gate.quiet_hops(),
        );
        snap.tempo_magnitude = *self.bank.magnitudes();
        snap.tempo_phase = *self.bank.phases();
        snap.bpm = beat.bpm;
        snap.confidence = beat.confidence;
        snap.beat_phase = beat.phase;
        snap.beat = beat.beat;
        snap.silent = silent;
        snap.hop += 1;
        snap.sample_index = snap.hop * samples.len() as u64 - 1;
        Ok(&self.snapshot)
    }

    /// Starts learning the noise floor from the next `seconds` of audio (room noise, no music).
    /// When it ends, [`Analyzer::noise_floor`] returns the result; save it to keep it.
    pub fn start_calibration(&mut self, seconds: f32) {
        let hops = libm::ceilf(seconds.clamp(0.1, 600.0) * self.config.hop_rate()) as u32;
        self.calibration = Some(Calibration::new(hops));
    }

    /// True while a noise calibration is running.
    pub fn calibrating(&self) -> bool {
        self.calibration.is_some()
    }

    /// The noise floor in use.
    pub fn noise_floor(&self) -> NoiseFloor {
        self.floor
    }

    /// Replaces the noise floor, for example with one loaded from saved settings. Non-finite or
    /// negative values are replaced by the defaults.
    pub fn set_noise_floor(&mut self, floor: NoiseFloor) {
        self.floor = floor.sanitized();
    }
}

/// The largest of `xs` (0 for none), in eight lanes: `max` is exact, so any order gives the same
/// result as a running maximum, and lanes let it run as vector instructions.
fn max_of(xs: &[f32; NUM_BINS]) -> f32 {
    const _: () = assert!(NUM_BINS.is_multiple_of(8));
    let mut lanes = [0.0f32; 8];
    for chunk in xs.chunks_exact(8) {
        for (l, &x) in lanes.iter_mut().zip(chunk) {
            *l = l.max(x);
        }
    }
    lanes.iter().fold(0.0f32, |a, &b| a.max(b))
}
