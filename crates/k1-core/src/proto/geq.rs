//! K1's analysis as WLED's audio-sync fields: 64 semitone bins onto 16 GEQ channels, onsets and
//! beats onto `samplePeak`. The same mapping serves the host's sync sender and the firmware.
//!
//! - **GEQ channels.** Channel `c` (0–15) is the loudest of notes `4c..4c+3` of the smoothed
//!   spectrum (a major third each), scaled 0..=1 → 0..=254. K1's 64 notes span A1–C7 (55 Hz to
//!   2.1 kHz by default); WLED's own channels are FFT bins up to about 9 kHz, where K1 hears
//!   nothing, so spreading K1's range evenly over all 16 bars keeps every bar of a WLED effect
//!   alive and keeps bass on the left and treble on the right.
//! - **samplePeak.** 1 when an onset or a beat fell in any hop since the previous packet (the
//!   sender latches them), else 0.
//! - **sampleRaw / sampleSmth.** The VU (0..=1) × 255, unsmoothed and smoothed: WLED's volume
//!   range is 0–255.
//! - **FFT_MajorPeak.** The frequency in Hz of the loudest note (equal temperament, A4 = 440 Hz
//!   from the configured lowest note).
//! - **FFT_Magnitude.** That note's level (amplitude-linear, 0..1 after range control) ×
//!   [`MAGNITUDE_SCALE`] = 1,020: the most that WLED's effects hold without wrapping (Freqmap
//!   divides it by 4 and casts it to a byte). WLED's own microphone path reads up to about 23,400
//!   (a full-volume sine), where those effects wrap and go dark; K1 does not copy that.
//! - **pressure** (WLED-MM). [`sound_pressure`] of the RMS level: WLED-MM's log scale of the peak
//!   sample, for the peak of a sine at that RMS.
//! - **zeroCrossingCount.** K1 does not count zero crossings: always 0.

use super::wled_sync::{self, AudioSync, CHANNELS};
use crate::{NUM_BINS, Snapshot};

/// Notes per GEQ channel.
pub const NOTES_PER_CHANNEL: usize = NUM_BINS / CHANNELS;
/// `FFT_Magnitude` of a full-scale note: 255 × 4, the largest value that WLED's Freqmap effect
/// (which divides it by 4, the least divisor among WLED's effects, and casts it to `uint8_t`)
/// shows without wrapping to dark. WLED's own microphone path goes higher (a full-volume sine
/// reads 255 × 256 × 0.35875 ≈ 23,400 from its 512-point Blackman-Harris FFT) and then wraps.
pub const MAGNITUDE_SCALE: f32 = 255.0 * 4.0;
/// WLED-MM's pressure scale: the natural log of the peak sample (16-bit units) from
/// `ln 2.3` (pressure 0) to `ln 26,623` (pressure 256).
const PRESSURE_LN: (f32, f32) = (0.832_909_1, 10.189_568);

/// Finite and within 0..=1 (NaN becomes 0).
fn unit(v: f32) -> f32 {
    if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) }
}

/// The 16 GEQ channels of a 64-note spectrum (see the module doc).
pub fn geq(spectrum: &[f32; NUM_BINS]) -> [u8; CHANNELS] {
    core::array::from_fn(|c| {
        let notes = &spectrum[c * NOTES_PER_CHANNEL..(c + 1) * NOTES_PER_CHANNEL];
        let loudest = notes.iter().fold(0.0f32, |m, &v| m.max(unit(v)));
        libm::roundf(loudest * 254.0) as u8
    })
}

/// Frequency in Hz of MIDI note `midi`.
pub fn note_hz(midi: f32) -> f32 {
    440.0 * libm::exp2f((midi - 69.0) / 12.0)
}

/// WLED-MM's sound pressure (0..=255) for an RMS level in dBFS: its estimate from the peak
/// sample, here the peak of a sine at that RMS (√2 × RMS, full scale 32,767). Not finite is 0.
pub fn sound_pressure(rms_dbfs: f32) -> f32 {
    if !rms_dbfs.is_finite() {
        return 0.0;
    }
    let peak = 32767.0 * core::f32::consts::SQRT_2 * libm::powf(10.0, rms_dbfs / 20.0);
    if peak <= 2.3 {
        return 0.0;
    }
    let (lo, hi) = PRESSURE_LN;
    (256.0 * (libm::logf(peak) - lo) / (hi - lo)).min(255.0)
}

/// The audio-sync packet for `snap`. `smooth_vu` is the sender's smoothed VU, `peak` whether an
/// onset or beat fell since the last packet, `counter` the packet's frame counter, `lowest_note`
/// the MIDI note of bin 0.
pub fn audio_sync(
    snap: &Snapshot,
    smooth_vu: f32,
    peak: bool,
    counter: u8,
    lowest_note: u8,
) -> AudioSync {
    let (loudest_bin, loudest) =
        snap.spectrum
            .iter()
            .enumerate()
            .fold((0, 0.0f32), |(bi, bv), (i, &v)| {
                if unit(v) > bv { (i, unit(v)) } else { (bi, bv) }
            });
    AudioSync {
        pressure: wled_sync::pressure_fixed(sound_pressure(snap.rms_dbfs)),
        sample_raw: unit(snap.vu) * 255.0,
        sample_smooth: unit(smooth_vu) * 255.0,
        sample_peak: u8::from(peak),
        frame_counter: counter,
        fft: geq(&snap.spectrum_smooth),
        zero_crossings: 0,
        fft_magnitude: loudest * MAGNITUDE_SCALE,
        fft_major_peak: if loudest > 0.0 {
            note_hz(f32::from(lowest_note) + loudest_bin as f32)
        } else {
            0.0
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_channel_is_the_loudest_of_its_four_notes() {
        let mut s = [0.0f32; NUM_BINS];
        s[0] = 0.5;
        s[3] = 1.0;
        s[4] = 0.25;
        s[63] = 2.0;
        s[62] = f32::NAN;
        let g = geq(&s);
        assert_eq!((g[0], g[1], g[15]), (254, 64, 254));
        assert!(g[2..15].iter().all(|&v| v == 0));
    }

    #[test]
    fn packet_fields_follow_the_snapshot() {
        let mut snap = Snapshot::EMPTY;
        snap.vu = 0.5;
        snap.spectrum[36] = 0.8; // A1 + 36 semitones = A4.
        snap.spectrum_smooth[36] = 0.8;
        let p = audio_sync(&snap, 0.25, true, 9, 33);
        assert_eq!((p.sample_raw, p.sample_smooth), (127.5, 63.75));
        assert_eq!((p.sample_peak, p.frame_counter), (1, 9));
        assert!((p.fft_major_peak - 440.0).abs() < 0.01);
        assert_eq!(p.fft[9], 203);
        assert_eq!(p.fft_magnitude, 0.8 * MAGNITUDE_SCALE);
        let silent = audio_sync(&Snapshot::EMPTY, 0.0, false, 0, 33);
        assert_eq!((silent.fft_major_peak, silent.fft), (0.0, [0; 16]));
        assert_eq!((silent.fft_magnitude, silent.pressure), (0.0, 0));
    }

    #[test]
    fn the_loudest_magnitude_never_wraps_a_wled_effect() {
        // WLED's Freqmap, Waterfall and Freqpixels divide FFT_Magnitude by 4, 8 and 16 and cast
        // the result to a byte: the largest value K1 sends must survive every one of them.
        let mut snap = Snapshot::EMPTY;
        snap.spectrum_smooth = [1.0; NUM_BINS];
        snap.spectrum = [1.0; NUM_BINS];
        let p = audio_sync(&snap, 0.0, false, 1, 33);
        for divisor in [4.0f32, 8.0, 16.0] {
            let v = p.fft_magnitude / divisor;
            assert!(
                v <= 255.0,
                "{} / {divisor} = {v} wraps a byte",
                p.fft_magnitude
            );
        }
        assert!(p.fft_magnitude >= 1_000.0, "{}", p.fft_magnitude);
    }

    #[test]
    fn pressure_follows_wled_mms_log_scale() {
        // A full-scale sine (-3.01 dBFS RMS) peaks at 32,767, past WLED-MM's 26,623: 255.
        assert_eq!(sound_pressure(-3.0103), 255.0);
        // -40 dBFS RMS: peak 463.4, 256 × (ln 463.4 - ln 2.3) / (ln 26,623 - ln 2.3) = 145.1.
        assert!(
            (sound_pressure(-40.0) - 145.1).abs() < 0.2,
            "{}",
            sound_pressure(-40.0)
        );
        // Each 20 dB is ln 10 / 9.357 of the range: 63.0 steps.
        assert!((sound_pressure(-40.0) - sound_pressure(-60.0) - 63.0).abs() < 0.2);
        assert_eq!(sound_pressure(-120.0), 0.0);
        assert_eq!(sound_pressure(f32::NAN), 0.0);
        assert_eq!(sound_pressure(f32::NEG_INFINITY), 0.0);
        let mut snap = Snapshot::EMPTY;
        snap.rms_dbfs = -40.0;
        let p = audio_sync(&snap, 0.0, false, 1, 33);
        assert_eq!(p.pressure >> 8, 145, "integer part in byte 6");
    }
}
