//! Chromagram: the 64-note spectrum folded onto the 12 pitch classes.

use crate::{NUM_BINS, NUM_CHROMA};

/// Folds `spectrum` (bin 0 = MIDI note `lowest_note`) onto pitch classes, index 0 = C. The result
/// is scaled so the strongest class is 1; an empty spectrum gives all zeros.
pub fn chroma(spectrum: &[f32; NUM_BINS], lowest_note: u8, out: &mut [f32; NUM_CHROMA]) {
    // Bins come in semitone order, so each run of twelve covers every class once, in the same
    // order: sum the runs position by position in registers (each class still adds its bins from
    // low to high, so the bits are those of a per-bin fold), then rotate positions onto classes.
    // A per-bin `out[class] += …` waits on the store of the previous add to the same array.
    let mut acc = [0.0f32; NUM_CHROMA];
    for run in spectrum.chunks(NUM_CHROMA) {
        for (a, &m) in acc.iter_mut().zip(run) {
            *a += m * m;
        }
    }
    // MIDI 0 is a C, so position `i` holds pitch class `(lowest_note + i) mod 12`.
    let first = lowest_note as usize % NUM_CHROMA;
    out[first..].copy_from_slice(&acc[..NUM_CHROMA - first]);
    out[..first].copy_from_slice(&acc[NUM_CHROMA - first..]);
    let max = out.iter().fold(0.0f32, |a, &b| a.max(b));
    if max > 1e-12 {
        for c in out.iter_mut() {
            *c = crate::math::sqrt(*c / max);
        }
    } else {
        *out = [0.0; NUM_CHROMA];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_and_e_fold_onto_their_classes() {
        let mut s = [0.0; NUM_BINS];
        s[0] = 1.0; // A1 with lowest note 33
        s[12] = 0.5; // A2
        s[7] = 0.5; // E2
        let mut c = [0.0; NUM_CHROMA];
        chroma(&s, 33, &mut c);
        assert_eq!(c[9], 1.0);
        assert!((c[4] - libm::sqrtf(0.25 / 1.25)).abs() < 1e-6);
        assert_eq!(c.iter().filter(|&&v| v > 0.0).count(), 2);
        // Every lowest note, against the fold written out bin by bin.
        let s: [f32; NUM_BINS] = core::array::from_fn(|k| libm::sinf(k as f32 * 1.7).abs());
        for lowest in 0..=127u8 {
            let mut folded = [0.0f32; NUM_CHROMA];
            for (k, &m) in s.iter().enumerate() {
                folded[(lowest as usize + k) % NUM_CHROMA] += m * m;
            }
            let max = folded.iter().fold(0.0f32, |a, &b| a.max(b));
            chroma(&s, lowest, &mut c);
            for (got, f) in c.iter().zip(folded) {
                assert_eq!(
                    got.to_bits(),
                    libm::sqrtf(f / max).to_bits(),
                    "lowest {lowest}"
                );
            }
        }
        chroma(&[0.0; NUM_BINS], 33, &mut c);
        assert_eq!(c, [0.0; NUM_CHROMA]);
    }
}
