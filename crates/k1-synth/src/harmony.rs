//! Bass line and chords: I–V–vi–IV, one chord per bar, in a key picked by the seed.
//!
//! Chords are sustained triads with a soft attack, voiced inside one octave (G3..F♯4) so that they
//! move by small steps. The bass plays the chord root (plus fifth and octave) in a per-style 8th-note
//! rhythm. Both sit below the drums in the mix, and neither adds to the onset truth.

use crate::Style;
use crate::rng::{Rng, mix};
use crate::voice::{Phasor, add_event, decay, midi_hz, ramp, release, sin_cos_cycles, swell};

/// The progression: semitones from the tonic to each chord's root, and whether the triad is minor.
const PROGRESSION: [(u8, bool); 4] = [(0, false), (7, false), (9, true), (5, false)];

/// Keys to choose from (pitch class of the tonic, C = 0): C, D, E♭, F, G, A, B♭ major.
const KEYS: [u8; 7] = [0, 2, 3, 5, 7, 9, 10];

/// Lowest MIDI note of the chord window (G3); chord tones take the octave that lands in the window.
const CHORD_FLOOR: u8 = 55;
/// MIDI note of the lowest bass root (C2); roots sit in C2..B2.
const BASS_FLOOR: u8 = 36;

/// Peak level of one chord partial; a triad of detuned pairs peaks near 0.5.
const CHORD_LEVEL: f64 = 0.07;
const CHORD_ATTACK_S: f64 = 0.12;
const CHORD_RELEASE_S: f64 = 0.25;
const BASS_LEVEL: f64 = 0.3;
const BASS_RELEASE_S: f64 = 0.03;

/// One bass note: start and length in 8th notes from the bar's start, semitones above the root.
type BassNote = (u8, u8, u8);

const ROCK_BASS: [BassNote; 8] = [
    (0, 1, 0),
    (1, 1, 0),
    (2, 1, 0),
    (3, 1, 0),
    (4, 1, 0),
    (5, 1, 0),
    (6, 1, 7),
    (7, 1, 12),
];
const HOUSE_BASS: [BassNote; 4] = [(1, 1, 0), (3, 1, 0), (5, 1, 12), (7, 1, 0)];
const BREAK_BASS: [BassNote; 2] = [(0, 5, 0), (5, 3, 7)];
const HALF_BASS: [BassNote; 3] = [(0, 4, 0), (4, 2, 0), (6, 2, 12)];

const fn bass_line(style: Style) -> &'static [BassNote] {
    match style {
        Style::Rock => &ROCK_BASS,
        Style::FourOnFloor => &HOUSE_BASS,
        Style::Breakbeat => &BREAK_BASS,
        Style::HalfTime => &HALF_BASS,
    }
}

/// The tonic pitch class (C = 0) that `seed` picks.
pub(crate) fn key_for_seed(seed: u64) -> u8 {
    let index = (mix(seed ^ 0x004B_4559) % KEYS.len() as u64) as usize;
    KEYS.get(index).copied().unwrap_or(0)
}

/// What to play in one bar, and where.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bar {
    /// Bar number from the first downbeat; picks the chord.
    pub(crate) index: u64,
    /// Seeds the bar's random choices (the bar number, or its place in a repeating phrase).
    pub(crate) random_index: u64,
    /// Time of the bar's downbeat, seconds.
    pub(crate) start_s: f64,
    /// Length of a beat, seconds.
    pub(crate) beat_s: f64,
}

/// Which harmony parts play, in which style and key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Parts {
    /// Play the bass line.
    pub(crate) bass: bool,
    /// Play the chords.
    pub(crate) chords: bool,
    /// Chooses the bass rhythm.
    pub(crate) style: Style,
    /// Tonic pitch class, C = 0.
    pub(crate) key: u8,
    /// Seeds the per-note velocity variation.
    pub(crate) seed: u64,
}

/// Adds the bass and chords of one bar (see [`add_event`] for `wrap`).
pub(crate) fn play_bar(out: &mut [f32], sample_rate: u32, bar: Bar, parts: Parts, wrap: bool) {
    let (root, notes) = bar_chord(bar.index, parts.key);
    let bar_s = 4.0 * bar.beat_s;
    if parts.chords {
        chord(out, sample_rate, bar.start_s, bar_s, notes, wrap);
    }
    if parts.bass {
        let eighth_s = bar.beat_s / 2.0;
        let mut rng = Rng::derive(parts.seed, bar.random_index ^ 0xBA55);
        for &(start, len, interval) in bass_line(parts.style) {
            let note = f64::from(BASS_FLOOR + root + interval);
            let accent = if start % 2 == 0 { 1.0 } else { 0.85 };
            let velocity = accent * (0.9 + 0.1 * rng.unit());
            let start_s = bar.start_s + f64::from(start) * eighth_s;
            // Slightly detached: each note lets go just before the next one.
            let hold_s = f64::from(len) * eighth_s * 0.9;
            bass(
                out,
                sample_rate,
                start_s,
                hold_s,
                midi_hz(note),
                velocity,
                wrap,
            );
        }
    }
}

/// The chord of bar `index` in `key`: its root pitch class (C = 0) and its triad as MIDI notes
/// inside the chord window (G3..F♯4).
pub(crate) fn bar_chord(index: u64, key: u8) -> (u8, [f64; 3]) {
    let (degree, minor) = PROGRESSION
        .get((index % 4) as usize)
        .copied()
        .unwrap_or((0, false));
    let root = (key + degree) % 12;
    let third = if minor { 3 } else { 4 };
    let notes = [root, root + third, root + 7].map(|pc| {
        // The octave of pitch class `pc` inside [CHORD_FLOOR, CHORD_FLOOR + 12).
        f64::from(CHORD_FLOOR + (pc + 12 - CHORD_FLOOR % 12) % 12)
    });
    (root, notes)
}

/// MIDI note of bass pitch class `root` (C2..B2) plus `interval` semitones.
pub(crate) fn bass_note(root: u8, interval: u8) -> f64 {
    f64::from(BASS_FLOOR + root + interval)
}

/// A plucked bass: a sine with 2nd and 3rd harmonics that fade faster than the fundamental.
pub(crate) fn bass(
    out: &mut [f32],
    sample_rate: u32,
    start_s: f64,
    hold_s: f64,
    hz: f64,
    velocity: f64,
    wrap: bool,
) {
    add_event(
        out,
        sample_rate,
        start_s,
        hold_s + BASS_RELEASE_S,
        wrap,
        |tau| {
            let (sin, cos) = sin_cos_cycles(hz * tau);
            // sin 2x = 2·sin x·cos x and sin 3x = sin x·(3 − 4·sin² x): one call for three partials.
            let (second, third) = (2.0 * sin * cos, sin * (3.0 - 4.0 * sin * sin));
            let bright = 0.3 + 0.7 * decay(tau, 0.08);
            let tone = sin + bright * (0.35 * second + 0.15 * third);
            let env = ramp(tau, 0.004)
                * (0.65 + 0.35 * decay(tau, 0.12))
                * release(tau, hold_s, BASS_RELEASE_S);
            BASS_LEVEL * velocity * env * tone
        },
    );
}

/// A pad-like triad: each note a pair of oscillators 4 cents apart (a slow chorus) with a soft
/// 2nd harmonic, swelling in over [`CHORD_ATTACK_S`] and ringing [`CHORD_RELEASE_S`] past the bar.
pub(crate) fn chord(
    out: &mut [f32],
    sample_rate: u32,
    start_s: f64,
    hold_s: f64,
    notes: [f64; 3],
    wrap: bool,
) {
    /// Half the frequency ratio between the two oscillators of a note: ±4 cents.
    const DETUNE: f64 = 0.002_31;
    // Each note's pair, sin 2πf(1−d)τ + sin 2πf(1+d)τ, is 2·sin(2πfτ)·cos(2πfdτ): one fast and one
    // slow oscillator instead of two fast ones. The 2nd harmonics follow by double angles.
    let mut fast = notes.map(|note| Phasor::new(midi_hz(note), sample_rate));
    let mut slow = notes.map(|note| Phasor::new(midi_hz(note) * DETUNE, sample_rate));
    add_event(
        out,
        sample_rate,
        start_s,
        hold_s + CHORD_RELEASE_S,
        wrap,
        |tau| {
            let mut sum = 0.0;
            for (fast, slow) in fast.iter_mut().zip(&mut slow) {
                let (sin, cos) = fast.next(tau);
                let (_, beat) = slow.next(tau);
                let fundamental = 2.0 * sin * beat;
                let second = 2.0 * (2.0 * sin * cos) * (2.0 * beat * beat - 1.0);
                sum += fundamental + 0.25 * second;
            }
            let env = swell(tau, CHORD_ATTACK_S)
                * (0.75 + 0.25 * decay(tau, 0.8))
                * release(tau, hold_s, CHORD_RELEASE_S);
            CHORD_LEVEL * env * sum
        },
    );
}

/// A struck keyboard triad (piano-like): each note a sine with 2nd and 3rd harmonics that darken
/// as it decays, a 3 ms attack, held `hold_s` then released over 80 ms. `velocity` 0..1.
pub(crate) fn keys(
    out: &mut [f32],
    sample_rate: u32,
    start_s: f64,
    hold_s: f64,
    notes: [f64; 3],
    velocity: f64,
    wrap: bool,
) {
    const KEYS_LEVEL: f64 = 0.22;
    const KEYS_RELEASE_S: f64 = 0.08;
    let hz = notes.map(midi_hz);
    add_event(
        out,
        sample_rate,
        start_s,
        hold_s + KEYS_RELEASE_S,
        wrap,
        |tau| {
            let bright = 0.2 + 0.8 * decay(tau, 0.15);
            let mut sum = 0.0;
            for f in hz {
                let (sin, cos) = sin_cos_cycles(f * tau);
                let (second, third) = (2.0 * sin * cos, sin * (3.0 - 4.0 * sin * sin));
                sum += sin + bright * (0.5 * second + 0.25 * third);
            }
            let env = ramp(tau, 0.003)
                * (0.35 + 0.65 * decay(tau, 0.35))
                * decay(tau, 2.5)
                * release(tau, hold_s, KEYS_RELEASE_S);
            KEYS_LEVEL * velocity * env * sum
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::sin_cycles;

    #[test]
    fn keys_are_from_the_list_and_vary_with_the_seed() {
        let keys: Vec<u8> = (0..50).map(key_for_seed).collect();
        assert!(keys.iter().all(|k| KEYS.contains(k)));
        assert!(keys.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn the_fast_chord_equals_two_detuned_oscillators_per_note() {
        let rate = 8000;
        let notes = [57.0, 61.0, 64.0];
        let mut fast = vec![0.0f32; 4000];
        chord(&mut fast, rate, 0.0, 0.4, notes, false);
        for (n, &got) in fast.iter().enumerate().take(3000) {
            let tau = n as f64 / f64::from(rate);
            let mut sum = 0.0;
            for hz in notes.map(midi_hz) {
                for detune in [1.0 - 0.002_31, 1.0 + 0.002_31] {
                    let cycles = hz * detune * tau;
                    sum += sin_cycles(cycles) + 0.25 * sin_cycles(2.0 * cycles);
                }
            }
            let env = swell(tau, CHORD_ATTACK_S)
                * (0.75 + 0.25 * decay(tau, 0.8))
                * release(tau, 0.4, CHORD_RELEASE_S);
            assert!(
                (f64::from(got) - CHORD_LEVEL * env * sum).abs() < 1e-5,
                "sample {n}"
            );
        }
    }

    #[test]
    fn chord_tones_stay_in_their_window() {
        for pc in 0..12u8 {
            let note = CHORD_FLOOR + (pc + 12 - CHORD_FLOOR % 12) % 12;
            assert!((CHORD_FLOOR..CHORD_FLOOR + 12).contains(&note));
            assert_eq!(note % 12, pc);
        }
    }

    #[test]
    fn a_bar_of_harmony_is_audible_and_quieter_than_a_kick() {
        let rate = 16_000;
        let mut out = vec![0.0f32; rate as usize * 3];
        let bar = Bar {
            index: 2,
            random_index: 2,
            start_s: 0.0,
            beat_s: 0.5,
        };
        let parts = Parts {
            bass: true,
            chords: true,
            style: Style::Rock,
            key: 9,
            seed: 1,
        };
        play_bar(&mut out, rate, bar, parts, false);
        let peak = out.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.2 && peak < 0.9, "peak {peak}");
        // The chord rings on after the bar, then stops.
        assert!(out[rate as usize * 2 + 100].abs() > 0.0);
        assert!(out[rate as usize * 5 / 2..].iter().all(|&s| s == 0.0));
    }
}
