//! The fixed test clip: ten seconds of synthetic music at 120 BPM, made sample by sample with
//! plain `f32` arithmetic, so the bare-metal and host builds feed the analyser the same bits.
//!
//! A kick (a decaying 55 Hz sine) on every beat, a noise hi-hat on every off-beat and a
//! three-note chord that changes every two beats (A minor, F major, C major, G major). The
//! oscillators are complex rotations whose coefficients come from `libm` (pure Rust, the same
//! code on every target); the noise is a xorshift generator.

use core::f32::consts::TAU;

/// Beats per minute of the clip.
pub const BPM: f32 = 120.0;

/// The chords, as frequencies in Hz, two beats each, looping.
const CHORDS: [[f32; 3]; 4] = [
    [220.00, 261.63, 329.63], // A minor
    [174.61, 220.00, 261.63], // F major
    [261.63, 329.63, 392.00], // C major
    [196.00, 246.94, 293.66], // G major
];

/// A sine oscillator as a unit phasor turned by a fixed angle per sample.
#[derive(Clone, Copy)]
struct Phasor {
    re: f32,
    im: f32,
    cos: f32,
    sin: f32,
}

impl Phasor {
    fn new(hz: f32, sample_rate: f32) -> Phasor {
        let w = TAU * hz / sample_rate;
        Phasor {
            re: 1.0,
            im: 0.0,
            cos: libm::cosf(w),
            sin: libm::sinf(w),
        }
    }

    /// The next sample of the sine.
    fn next(&mut self) -> f32 {
        let re = self.re * self.cos - self.im * self.sin;
        let im = self.re * self.sin + self.im * self.cos;
        self.re = re;
        self.im = im;
        im
    }
}

/// The clip generator: call [`Clip::fill`] once per hop.
pub struct Clip {
    sample_rate: f32,
    /// Samples per beat.
    beat_len: u32,
    /// Samples generated so far.
    n: u32,
    kick: Phasor,
    kick_env: f32,
    hat_env: f32,
    chord: [Phasor; 3],
    chord_index: usize,
    noise: u32,
}

impl Clip {
    /// A clip at `sample_rate` Hz, starting on a beat.
    pub fn new(sample_rate: u32) -> Clip {
        let fs = sample_rate as f32;
        Clip {
            sample_rate: fs,
            beat_len: (fs * 60.0 / BPM) as u32,
            n: 0,
            kick: Phasor::new(55.0, fs),
            kick_env: 0.0,
            hat_env: 0.0,
            chord: CHORDS[0].map(|hz| Phasor::new(hz, fs)),
            chord_index: 0,
            noise: 0x1234_5678,
        }
    }

    /// Uniform noise in -1..1 from a xorshift32 generator.
    fn noise(&mut self) -> f32 {
        let mut x = self.noise;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.noise = x;
        (x >> 8) as f32 * (1.0 / 8_388_608.0) - 1.0
    }

    /// Writes the next `out.len()` samples of the clip.
    pub fn fill(&mut self, out: &mut [f32]) {
        for sample in out {
            let in_beat = self.n % self.beat_len;
            let beat = self.n / self.beat_len;
            if in_beat == 0 {
                self.kick_env = 0.9;
                self.kick = Phasor::new(55.0, self.sample_rate);
                if beat.is_multiple_of(2) {
                    self.chord_index = (beat as usize / 2) % CHORDS.len();
                    let chord = CHORDS[self.chord_index];
                    self.chord = chord.map(|hz| Phasor::new(hz, self.sample_rate));
                }
            }
            if in_beat == self.beat_len / 2 {
                self.hat_env = 0.25;
            }
            let kick = self.kick.next() * self.kick_env;
            self.kick_env *= 0.9993;
            let hat = self.noise() * self.hat_env;
            self.hat_env *= 0.995;
            let chord: f32 = self.chord.iter_mut().map(|p| p.next()).sum::<f32>() * 0.08;
            let floor = self.noise() * 0.002;
            *sample = kick + hat + chord + floor;
            self.n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_is_bounded_and_repeatable() {
        let mut a = Clip::new(12_800);
        let mut b = Clip::new(12_800);
        let mut x = [0.0f32; 64];
        let mut y = [0.0f32; 64];
        let mut peak = 0.0f32;
        for _ in 0..1000 {
            a.fill(&mut x);
            b.fill(&mut y);
            assert_eq!(x.map(f32::to_bits), y.map(f32::to_bits));
            peak = x.iter().fold(peak, |p, v| p.max(v.abs()));
        }
        assert!(peak > 0.5 && peak < 1.5, "peak {peak}");
    }
}
