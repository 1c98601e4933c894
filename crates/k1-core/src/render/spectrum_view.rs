//! The spectrum view: the smoothed 64-note spectrum drawn from the centre of the strip outwards,
//! mirrored on both halves. A stand-in renderer until the patterns arrive.

use super::Rgb;
use crate::{NUM_BINS, Snapshot};

/// How far round the colour wheel the spectrum reaches, in turns: the lowest note is red and the
/// highest violet, so the two ends never share a colour.
const HUE_SPAN: f32 = 0.8;

/// Draws `snapshot.spectrum_smooth` into `out` (one entry per LED; `out.len()` is the LED count).
///
/// The centre of the strip is the lowest note and both ends are the highest: LED `j` sits at
/// distance `d = |j + 0.5 - n/2|` from the centre, which maps linearly onto the bins (bin `k`'s
/// centre at `d = (k + 0.5) · n / 128`), with linear interpolation between neighbouring bins. So
/// with 128 LEDs, LED `64 + k` and LED `63 - k` show exactly bin `k`. Brightness is the
/// magnitude (0..=1; NaN counts as 0) and the hue follows the note, red at the bottom to violet
/// at the top. The two halves are mirror images. Any length works, 0 and 1 included; nothing
/// allocates.
pub fn spectrum_view(snapshot: &Snapshot, out: &mut [Rgb]) {
    let n = out.len();
    if n == 0 {
        return;
    }
    let half = n as f32 / 2.0;
    let spectrum = &snapshot.spectrum_smooth;
    for (j, led) in out.iter_mut().enumerate() {
        let distance = (j as f32 + 0.5 - half).abs();
        // Bin coordinate: bin k's centre is at x = k.
        let x = (distance / half * NUM_BINS as f32 - 0.5).clamp(0.0, (NUM_BINS - 1) as f32);
        let lo = x as usize;
        let hi = (lo + 1).min(NUM_BINS - 1);
        let frac = x - lo as f32;
        let at = |k: usize| spectrum.get(k).copied().unwrap_or(0.0);
        let magnitude = at(lo) * (1.0 - frac) + at(hi) * frac;
        *led = Rgb::from_hue(x / NUM_BINS as f32 * HUE_SPAN, magnitude);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot_with(f: impl Fn(usize) -> f32) -> Snapshot {
        let mut s = Snapshot::EMPTY;
        for (k, v) in s.spectrum_smooth.iter_mut().enumerate() {
            *v = f(k);
        }
        s
    }

    fn level(c: Rgb) -> f32 {
        c.r.max(c.g).max(c.b)
    }

    #[test]
    fn silence_is_black() {
        let mut out = [Rgb::from_hue(0.2, 1.0); 320];
        spectrum_view(&Snapshot::EMPTY, &mut out);
        assert!(out.iter().all(|&c| c == Rgb::BLACK));
    }

    #[test]
    fn halves_mirror_each_other_for_every_length() {
        let s = snapshot_with(|k| ((k * 37) % 64) as f32 / 63.0);
        let mut buf = [Rgb::BLACK; 161];
        for n in 0..=161 {
            let out = &mut buf[..n];
            spectrum_view(&s, out);
            for j in 0..n {
                assert_eq!(out[j], out[n - 1 - j], "n {n}, led {j}");
            }
        }
    }

    #[test]
    fn one_lit_bin_lands_at_its_distance_from_the_centre() {
        for k in [0usize, 1, 17, 40, 63] {
            let s = snapshot_with(|b| if b == k { 1.0 } else { 0.0 });
            let mut out = [Rgb::BLACK; 128];
            spectrum_view(&s, &mut out);
            // With 128 LEDs each LED is exactly one bin: LED 64 + k and 63 - k, and no other.
            for (j, &c) in out.iter().enumerate() {
                let expected = if j == 64 + k || j == 63 - k { 1.0 } else { 0.0 };
                assert!(
                    (level(c) - expected).abs() < 1e-5,
                    "bin {k}, led {j}: {c:?}"
                );
            }
        }
    }

    #[test]
    fn brightness_is_the_magnitude_and_hue_rises_with_the_note() {
        let s = snapshot_with(|_| 0.5);
        let mut out = [Rgb::BLACK; 64];
        spectrum_view(&s, &mut out);
        assert!(out.iter().all(|&c| (level(c) - 0.5).abs() < 1e-5));
        // The centre LEDs are red (lowest note); the ends are violet-blue (highest).
        assert!(out[32].r > 0.49 && out[32].b < 0.1, "{:?}", out[32]);
        assert!(out[63].b > 0.49 && out[63].g < 0.1, "{:?}", out[63]);
    }

    #[test]
    fn bad_levels_stay_in_range() {
        let s = snapshot_with(|k| match k % 4 {
            0 => f32::NAN,
            1 => 7.0,
            2 => -3.0,
            _ => f32::INFINITY,
        });
        let mut buf = [Rgb::BLACK; 320];
        for n in [1, 2, 3, 320] {
            let out = &mut buf[..n];
            spectrum_view(&s, out);
            for &c in out.iter() {
                for ch in [c.r, c.g, c.b] {
                    assert!((0.0..=1.0).contains(&ch), "{c:?}");
                }
            }
        }
    }
}
