//! [`CustomParam`]: a pattern's own parameter, stored in one of three shared slots.

use super::{Display, NUM_CUSTOM, Params};

/// A parameter that only some pattern understands, with its name, range and meaning.
///
/// [`Params`] keeps three custom slots (`custom_param_1..3` in the HTTP API), each a normalised
/// 0..=1 value shared by all patterns, as the original did; a pattern's `CustomParam` says which
/// slot it reads and what the slot means for it. A continuous parameter maps 0..=1 linearly onto
/// `min..=max`; one with `labels` is a choice among them (slot value `x` picks
/// `floor(x · labels.len())`, the last label at 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CustomParam {
    /// The name used on the command line and in the API (`style`, `threshold`).
    pub name: &'static str,
    /// What it changes, in one sentence.
    pub description: &'static str,
    /// The slot (0..=2) it is stored in.
    pub slot: usize,
    /// The value at slot value 0.
    pub min: f32,
    /// The value at slot value 1.
    pub max: f32,
    /// The choices, if this is a choice; empty for a continuous value.
    pub labels: &'static [&'static str],
    /// How a value in `min..=max` reads to a person (unused for a choice).
    pub display: Display,
}

impl CustomParam {
    /// The slot value (0..=1) of this parameter in `params` (0.5 if the slot does not exist).
    pub fn slot_value(&self, params: &Params) -> f32 {
        params.custom.get(self.slot).copied().unwrap_or(0.5)
    }

    /// The value in this parameter's own range `min..=max`.
    pub fn value(&self, params: &Params) -> f32 {
        let x = self.slot_value(params).clamp(0.0, 1.0);
        self.min + (self.max - self.min) * x
    }

    /// The chosen label's index (0 for a continuous parameter).
    pub fn choice(&self, params: &Params) -> usize {
        let n = self.labels.len();
        if n == 0 {
            return 0;
        }
        let x = self.slot_value(params).clamp(0.0, 1.0);
        ((x * n as f32) as usize).min(n - 1)
    }

    /// The slot value that gives `value` (in `min..=max`), or `None` if it is outside the range or
    /// not finite.
    pub fn slot_for(&self, value: f32) -> Option<f32> {
        let (lo, hi) = if self.min <= self.max {
            (self.min, self.max)
        } else {
            (self.max, self.min)
        };
        if !value.is_finite() || value < lo || value > hi {
            return None;
        }
        if self.max == self.min {
            return Some(0.5);
        }
        Some(((value - self.min) / (self.max - self.min)).clamp(0.0, 1.0))
    }

    /// The slot value that picks choice `index` (the middle of its share of 0..=1).
    pub fn slot_for_choice(&self, index: usize) -> Option<f32> {
        let n = self.labels.len();
        (index < n).then(|| (index as f32 + 0.5) / n as f32)
    }
}

/// Checks at compile time that a pattern's custom parameters use existing, distinct slots.
pub const fn slots_are_valid(custom: &[CustomParam]) -> bool {
    let mut i = 0;
    while i < custom.len() {
        if custom[i].slot >= NUM_CUSTOM {
            return false;
        }
        let mut j = i + 1;
        while j < custom.len() {
            if custom[i].slot == custom[j].slot {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEVEL: CustomParam = CustomParam {
        name: "threshold",
        description: "",
        slot: 1,
        min: 0.1,
        max: 0.9,
        labels: &[],
        display: Display::PERCENT,
    };
    const STYLE: CustomParam = CustomParam {
        name: "style",
        description: "",
        slot: 0,
        min: 0.0,
        max: 2.0,
        labels: &["trail", "ripples", "stream"],
        display: Display::NUMBER,
    };

    #[test]
    fn continuous_values_map_linearly() {
        let mut p = Params::DEFAULT;
        assert!((LEVEL.value(&p) - 0.5).abs() < 1e-6);
        p.custom[1] = LEVEL.slot_for(0.3).unwrap();
        assert!((LEVEL.value(&p) - 0.3).abs() < 1e-6);
        assert_eq!(LEVEL.slot_for(0.95), None);
        assert_eq!(LEVEL.slot_for(f32::NAN), None);
    }

    #[test]
    fn choices_split_the_slot_evenly() {
        let mut p = Params::DEFAULT;
        assert_eq!(STYLE.choice(&p), 1); // 0.5 picks the middle of three, as the original did
        for (i, x) in [(0, 0.0), (0, 0.33), (1, 0.34), (2, 0.67), (2, 1.0)] {
            p.custom[0] = x;
            assert_eq!(STYLE.choice(&p), i, "{x}");
        }
        for i in 0..3 {
            p.custom[0] = STYLE.slot_for_choice(i).unwrap();
            assert_eq!(STYLE.choice(&p), i);
        }
        assert_eq!(STYLE.slot_for_choice(3), None);
    }

    #[test]
    fn slot_check() {
        assert!(slots_are_valid(&[LEVEL, STYLE]));
        assert!(!slots_are_valid(&[LEVEL, LEVEL]));
        assert!(!slots_are_valid(&[CustomParam { slot: 3, ..LEVEL }]));
    }
}
