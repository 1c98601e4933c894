//! [`estimate_lag`]: where a played signal sits in a recording of it, by generalised
//! cross-correlation.
//!
//! The spectra of the recording and the reference are multiplied (one conjugated) and each bin
//! is divided by a power of its own magnitude (the phase transform, PHAT, with exponent
//! [`PHAT_BETA`] < 1, which keeps some weight on the loud bins): a room's echoes and a
//! loudspeaker's colouring change the magnitudes but hardly the phase slope, so the inverse
//! transform has one sharp peak at the lag. Bins where the reference has no energy are left
//! out, so noise outside the clicks' band adds nothing. Then:
//!
//! - **echoes**: a reflection arrives after the direct sound and can correlate as strongly. The
//!   earliest peak within [`ECHO_WINDOW`] before the largest that reaches [`ECHO_RATIO`] of it
//!   is taken, which is the direct path;
//! - **noise, a missing click**: the whole train correlates at once, so one click lost or buried
//!   lowers the peak a little and moves it not at all. The peak's height over the correlation's
//!   spread elsewhere is the confidence; below [`MIN_CONFIDENCE`] the answer is an error, not a
//!   guess;
//! - **precision**: a parabola through the peak and its neighbours gives a fraction of a sample.

use std::ops::RangeInclusive;

use realfft::RealFftPlanner;
use realfft::num_complex::Complex32;

/// The phase transform's exponent: 1 is pure PHAT (only phase), 0 plain cross-correlation.
pub const PHAT_BETA: f32 = 0.8;
/// An earlier peak at least this fraction of the largest is the direct sound.
pub const ECHO_RATIO: f32 = 0.6;
/// How far before the largest peak an earlier one is looked for, s.
pub const ECHO_WINDOW: f64 = 0.05;
/// The least confidence (peak over the correlation's RMS elsewhere) that is an answer.
pub const MIN_CONFIDENCE: f32 = 8.0;

/// Where the reference was found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LagEstimate {
    /// Samples from the reference's start to where it starts in the recording (a fraction of a
    /// sample from the interpolation): `recording[n + lag] ≈ a · reference[n]`.
    pub lag: f64,
    /// The peak's height over the RMS of the correlation away from it (about 1 for noise).
    pub confidence: f32,
}

/// Why no lag could be found.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LagError {
    /// The recording is silent (or nothing but invalid samples).
    #[error("the recording is silent: is the microphone muted or unplugged?")]
    Silent,
    /// The reference is silent or empty.
    #[error("the signal to look for is silent")]
    NoReference,
    /// No lag stands out from the noise.
    #[error(
        "no clear click train in the recording (confidence {confidence:.1}, at least {MIN_CONFIDENCE} \
         needed): turn the speaker up, bring the microphone nearer, or make the room quieter"
    )]
    Unclear {
        /// The best peak's confidence.
        confidence: f32,
    },
    /// The lags to search do not fit the recording.
    #[error("the lags to search ({0}) do not fit the recording")]
    BadRange(String),
}

/// Finds `reference` (played) in `recording` (heard), both at `rate` Hz, searching `lags`
/// (samples; see [`LagEstimate::lag`]). See the module doc for how.
pub fn estimate_lag(
    reference: &[f32],
    recording: &[f32],
    rate: u32,
    lags: RangeInclusive<i64>,
) -> Result<LagEstimate, LagError> {
    let clean = |x: &[f32]| -> Vec<f32> {
        x.iter()
            .map(|v| if v.is_finite() { *v } else { 0.0 })
            .collect()
    };
    let reference = clean(reference);
    let mut recording = clean(recording);
    if reference.iter().all(|v| *v == 0.0) {
        return Err(LagError::NoReference);
    }
    let n = (recording.len() + reference.len()).next_power_of_two();
    // Lags that the zero-padded circular correlation holds without wrapping round.
    if lags.is_empty()
        || *lags.start() <= -(reference.len() as i64)
        || *lags.end() >= recording.len() as i64
    {
        return Err(LagError::BadRange(format!("{lags:?}")));
    }
    let mean = recording.iter().map(|v| f64::from(*v)).sum::<f64>() / recording.len().max(1) as f64;
    recording.iter_mut().for_each(|v| *v -= mean as f32);
    if recording.iter().all(|v| v.abs() < 1e-9) {
        return Err(LagError::Silent);
    }
    let cc = correlate(&reference, &recording, n);
    // The correlation at lag `k` (negative lags wrap round to the end).
    let at = |k: i64| cc[k.rem_euclid(n as i64) as usize].abs();
    let (mut best, mut peak) = (*lags.start(), 0.0f32);
    for k in lags.clone() {
        if at(k) > peak {
            (best, peak) = (k, at(k));
        }
    }
    // The direct sound: the earliest strong local peak shortly before the largest.
    let window = (ECHO_WINDOW * f64::from(rate)) as i64;
    let distinct = i64::from(rate / 1000).max(1);
    let strongest = best;
    for k in (strongest - window).max(*lags.start() + 1)..strongest - distinct {
        let v = at(k);
        if v >= ECHO_RATIO * peak && v >= at(k - 1) && v >= at(k + 1) {
            best = k;
            break;
        }
    }
    // Confidence: the peak over the RMS of the correlation away from every strong peak.
    let guard = i64::from(rate / 200).max(4);
    let (mut sum, mut count) = (0.0f64, 0usize);
    for k in lags.clone() {
        if (k - best).abs() > guard && (k - strongest).abs() > guard {
            sum += f64::from(at(k)).powi(2);
            count += 1;
        }
    }
    let rms = (sum / count.max(1) as f64).sqrt() as f32;
    let confidence = if rms > 0.0 {
        at(best) / rms
    } else {
        f32::INFINITY
    };
    if confidence < MIN_CONFIDENCE {
        return Err(LagError::Unclear { confidence });
    }
    // A parabola through the peak and its neighbours.
    let (y0, y1, y2) = (at(best - 1), at(best), at(best + 1));
    let curve = y0 - 2.0 * y1 + y2;
    let shift = if curve < 0.0 {
        (0.5 * (y0 - y2) / curve).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    Ok(LagEstimate {
        lag: best as f64 + f64::from(shift),
        confidence,
    })
}

/// The weighted circular cross-correlation of `recording` with `reference`, `n` points (both
/// zero-padded to `n`): index `k` holds lag `k`, index `n - k` lag `-k`.
fn correlate(reference: &[f32], recording: &[f32], n: usize) -> Vec<f32> {
    let mut planner = RealFftPlanner::<f32>::new();
    let forward = planner.plan_fft_forward(n);
    let inverse = planner.plan_fft_inverse(n);
    let spectrum = |x: &[f32]| {
        let mut input = vec![0.0f32; n];
        input[..x.len()].copy_from_slice(x);
        let mut out = forward.make_output_vec();
        // The lengths are the plan's own, so this cannot fail.
        let _ = forward.process(&mut input, &mut out);
        out
    };
    let reference = spectrum(reference);
    let mut cross = spectrum(recording);
    let loudest = reference.iter().fold(0.0f32, |m, c| m.max(c.norm()));
    for (c, r) in cross.iter_mut().zip(&reference) {
        if r.norm() < 1e-3 * loudest {
            *c = Complex32::new(0.0, 0.0);
            continue;
        }
        let x = *c * r.conj();
        let magnitude = x.norm();
        *c = if magnitude > 0.0 {
            x / magnitude.powf(PHAT_BETA)
        } else {
            x
        };
    }
    // A real signal's spectrum has real ends.
    cross[0].im = 0.0;
    if let Some(last) = cross.last_mut() {
        last.im = 0.0;
    }
    let mut out = inverse.make_output_vec();
    let _ = inverse.process(&mut cross, &mut out);
    out
}

#[cfg(test)]
#[path = "lag_tests.rs"]
mod tests;
