//! Controls of the audio side that a controller can change while the engine runs: the input gain
//! and a noise calibration. The audio loop polls them once per hop with relaxed atomic loads and
//! publishes a finished calibration with `try_lock`, so it never waits for a controller.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use k1_core::NoiseFloor;

/// The lowest input gain a controller may set (the original device's range).
pub const MIN_GAIN: f32 = 0.5;
/// The highest input gain.
pub const MAX_GAIN: f32 = 2.0;
/// The longest noise calibration, seconds.
pub const MAX_CALIBRATION_SECONDS: f32 = 60.0;

/// Why a gain or calibration request was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AudioControlError {
    /// The gain is out of range or not a number.
    #[error("gain must be a number from {MIN_GAIN} to {MAX_GAIN}, got {0}")]
    Gain(f32),
    /// The calibration length is out of range or not a number.
    #[error("calibration seconds must be a number from 0.5 to {MAX_CALIBRATION_SECONDS}, got {0}")]
    Seconds(f32),
}

/// What a calibration is doing, as a controller sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum CalibrationState {
    /// None has run since the engine started.
    Idle,
    /// Requested or running.
    Running,
    /// Finished: the floor it measured (already in use by the analysis).
    Done(Box<NoiseFloor>),
}

/// The audio controls shared between controllers and the audio loop.
#[derive(Debug)]
pub struct AudioControl {
    gain: AtomicU32,
    /// Requested calibration length in ms (0: none pending); the audio loop takes it with `swap`.
    calibrate_ms: AtomicU32,
    running: AtomicBool,
    result: Mutex<Option<NoiseFloor>>,
}

impl Default for AudioControl {
    fn default() -> Self {
        Self {
            gain: AtomicU32::new(1.0f32.to_bits()),
            calibrate_ms: AtomicU32::new(0),
            running: AtomicBool::new(false),
            result: Mutex::new(None),
        }
    }
}

impl AudioControl {
    /// The input gain: every sample is multiplied by it before analysis.
    pub fn gain(&self) -> f32 {
        f32::from_bits(self.gain.load(Ordering::Relaxed))
    }

    /// Sets the input gain (from the next hop).
    pub fn set_gain(&self, gain: f32) -> Result<(), AudioControlError> {
        if !(MIN_GAIN..=MAX_GAIN).contains(&gain) {
            return Err(AudioControlError::Gain(gain));
        }
        self.gain.store(gain.to_bits(), Ordering::Relaxed);
        Ok(())
    }

    /// Asks the audio loop to learn the noise floor from the next `seconds` of audio (the room
    /// should be quiet). A running calibration is restarted.
    pub fn start_calibration(&self, seconds: f32) -> Result<(), AudioControlError> {
        if !(0.5..=MAX_CALIBRATION_SECONDS).contains(&seconds) {
            return Err(AudioControlError::Seconds(seconds));
        }
        self.running.store(true, Ordering::Relaxed);
        self.calibrate_ms
            .store((seconds * 1000.0) as u32, Ordering::Relaxed);
        Ok(())
    }

    /// What the calibration is doing.
    pub fn calibration(&self) -> CalibrationState {
        if self.running.load(Ordering::Relaxed) {
            return CalibrationState::Running;
        }
        match *self.result.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(floor) => CalibrationState::Done(Box::new(floor)),
            None => CalibrationState::Idle,
        }
    }

    /// Audio loop: a pending calibration request, in seconds, taken (so it is seen once).
    pub(super) fn take_request(&self) -> Option<f32> {
        match self.calibrate_ms.swap(0, Ordering::Relaxed) {
            0 => None,
            ms => Some(ms as f32 / 1000.0),
        }
    }

    /// Audio loop: the calibration finished with `floor`. If a controller holds the result lock
    /// at this instant, the loop tries again next hop (`false`) rather than wait.
    pub(super) fn try_finish(&self, floor: NoiseFloor) -> bool {
        match self.result.try_lock() {
            Ok(mut r) => {
                *r = Some(floor);
                self.running.store(false, Ordering::Relaxed);
                true
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gain_is_checked() {
        let c = AudioControl::default();
        assert_eq!(c.gain(), 1.0);
        c.set_gain(1.5).unwrap();
        assert_eq!(c.gain(), 1.5);
        for bad in [0.0, 2.5, f32::NAN, f32::INFINITY] {
            assert!(c.set_gain(bad).is_err(), "{bad}");
        }
        assert_eq!(c.gain(), 1.5);
    }

    #[test]
    fn a_calibration_is_requested_once_and_reported() {
        let c = AudioControl::default();
        assert_eq!(c.calibration(), CalibrationState::Idle);
        assert!(c.start_calibration(0.1).is_err());
        assert!(c.start_calibration(f32::NAN).is_err());
        c.start_calibration(2.0).unwrap();
        assert_eq!(c.calibration(), CalibrationState::Running);
        assert_eq!(c.take_request(), Some(2.0));
        assert_eq!(c.take_request(), None);
        let floor = NoiseFloor::DEFAULT;
        assert!(c.try_finish(floor));
        assert_eq!(c.calibration(), CalibrationState::Done(Box::new(floor)));
    }
}
