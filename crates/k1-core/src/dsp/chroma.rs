//! Chromagram: the 64-note spectrum folded onto the 12 pitch classes.

use crate::{NUM_BINS, NUM_CHROMA};

/// Folds `spectrum` (bin 0 = MIDI note `lowest_note`) onto pitch classes, index 0 = C. The result
/// is scaled so the strongest class is 1; an empty spectrum gives all zeros.
pub fn chroma(spectrum: &[f32; NUM_BINS], lowest_note: u8, out: &mut [f32; NUM_CHROMA]) {
    *out = [0.0; NUM_CHROMA];
    // MIDI 0 is a C, so the pitch class is the MIDI number mod 12: counted up, not divided.
    let mut class = lowest_note as usize % NUM_CHROMA;
    for &m in spectrum {
        out[class] += m * m;
        class += 1;
        if class == NUM_CHROMA {
            class = 0;
        }
    }
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
        chroma(&[0.0; NUM_BINS], 33, &mut c);
        assert_eq!(c, [0.0; NUM_CHROMA]);
    }
}
