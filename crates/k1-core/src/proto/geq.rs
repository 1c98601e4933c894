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
//!   from the configured lowest note); **FFT_Magnitude** its level × 4096, within the range WLED
//!   shows for a loud peak.
//! - **zeroCrossingCount.** K1 does not count zero crossings: always 0.

use super::wled_sync::{AudioSync, CHANNELS};
use crate::{NUM_BINS, Snapshot};

/// Notes per GEQ channel.
pub const NOTES_PER_CHANNEL: usize = NUM_BINS / CHANNELS;
/// Scale of `FFT_Magnitude` for a full-scale note.
pub const MAGNITUDE_SCALE: f32 = 4096.0;

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
        let silent = audio_sync(&Snapshot::EMPTY, 0.0, false, 0, 33);
        assert_eq!((silent.fft_major_peak, silent.fft), (0.0, [0; 16]));
    }
}
