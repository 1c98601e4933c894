//! The noise profile file: a [`NoiseFloor`] as JSON, `{"bins": [64 floats], "rms": f, "calibrated": bool}`.
//!
//! `k1 calibrate` writes it (atomically, see [`crate::atomic`]); `k1 analyze --noise-profile`
//! reads it. Loading checks every value, so a hand-edited file cannot feed NaN into the core.

use std::path::{Path, PathBuf};

use k1_core::{NUM_BINS, NoiseFloor};
use serde::{Deserialize, Serialize};

/// The JSON shape of a noise profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoiseProfile {
    bins: Vec<f32>,
    rms: f32,
    calibrated: bool,
}

/// A noise profile could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum NoiseError {
    /// Reading or writing the file failed.
    #[error("noise profile {}: {err}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why (part of the message, not a separate cause).
        err: std::io::Error,
    },
    /// The file is not valid noise-profile JSON.
    #[error("noise profile {}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Reads and checks a noise profile: 64 finite, non-negative bins and a finite, non-negative rms.
pub fn load(path: &Path) -> Result<NoiseFloor, NoiseError> {
    let text = std::fs::read_to_string(path).map_err(|err| NoiseError::Io {
        path: path.to_path_buf(),
        err,
    })?;
    parse(&text).map_err(|reason| NoiseError::Invalid {
        path: path.to_path_buf(),
        reason,
    })
}

/// Parses and checks the JSON text of a noise profile.
pub fn parse(text: &str) -> Result<NoiseFloor, String> {
    let profile: NoiseProfile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let bins: [f32; NUM_BINS] = profile.bins.as_slice().try_into().map_err(|_| {
        format!(
            "\"bins\" has {} values, expected {NUM_BINS}",
            profile.bins.len()
        )
    })?;
    if let Some(k) = bins.iter().position(|b| !(b.is_finite() && *b >= 0.0)) {
        return Err(format!("bin {k} is negative or not finite"));
    }
    if !(profile.rms.is_finite() && profile.rms >= 0.0) {
        return Err("\"rms\" is negative or not finite".into());
    }
    Ok(NoiseFloor {
        bins,
        rms: profile.rms,
        calibrated: profile.calibrated,
    })
}

/// The JSON text of `floor`.
pub fn to_json(floor: &NoiseFloor) -> String {
    let profile = NoiseProfile {
        bins: floor.bins.to_vec(),
        rms: floor.rms,
        calibrated: floor.calibrated,
    };
    // Serialising plain numbers and a bool cannot fail; non-finite floats become null, which
    // `parse` then rejects.
    let mut text = serde_json::to_string_pretty(&profile).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `floor` to `path` atomically.
pub fn save(path: &Path, floor: &NoiseFloor) -> Result<(), NoiseError> {
    crate::atomic::write(path, to_json(floor).as_bytes()).map_err(|err| NoiseError::Io {
        path: path.to_path_buf(),
        err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floor() -> NoiseFloor {
        let mut bins = [0.0f32; NUM_BINS];
        for (k, b) in bins.iter_mut().enumerate() {
            *b = k as f32 * 1e-4;
        }
        NoiseFloor {
            bins,
            rms: 0.003,
            calibrated: true,
        }
    }

    #[test]
    fn round_trips() {
        assert_eq!(parse(&to_json(&floor())).unwrap(), floor());
    }

    #[test]
    fn rejects_bad_profiles() {
        assert!(parse("not json").is_err());
        assert!(
            parse(r#"{"bins":[0.0],"rms":0.1,"calibrated":true}"#)
                .unwrap_err()
                .contains("expected 64")
        );
        let mut bad = floor();
        bad.bins[3] = -1.0;
        assert!(parse(&to_json(&bad)).unwrap_err().contains("bin 3"));
        let mut nan = floor();
        nan.rms = f32::NAN;
        assert!(parse(&to_json(&nan)).is_err());
    }

    #[test]
    fn save_then_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.json");
        save(&path, &floor()).unwrap();
        assert_eq!(load(&path).unwrap(), floor());
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
