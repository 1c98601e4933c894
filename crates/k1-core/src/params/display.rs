//! [`Display`]: how a parameter's stored value reads to a person, with its unit.
//!
//! Parameters are stored as the renderer uses them (most are 0..=1), but nobody thinks of a hue
//! as 0.33 or a brightness as 0.8. Each parameter says once, here in the core, how its value is
//! shown (`120°`, `80 %`, `0.04 s`, `1.00×`), so the command line (`k1 params`), the HTTP API
//! and the web UI all read it the same way. Showing is one way only: values are still set in
//! their stored form.

use core::fmt;

/// A unit a value is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A plain number (a count of things).
    Number,
    /// Per cent.
    Percent,
    /// Degrees round the colour wheel.
    Degrees,
    /// Seconds.
    Seconds,
    /// A rate multiplier (`2.00×` is twice as fast).
    Times,
}

impl Unit {
    /// What is written after the number: `" %"`, `"°"`, `" s"`, `"×"`, or nothing.
    pub const fn suffix(self) -> &'static str {
        match self {
            Unit::Number => "",
            Unit::Percent => " %",
            Unit::Degrees => "°",
            Unit::Seconds => " s",
            Unit::Times => "×",
        }
    }

    /// Its name in the HTTP API (`percent`, `degrees`, `seconds`, `times`, `number`).
    pub const fn name(self) -> &'static str {
        match self {
            Unit::Number => "number",
            Unit::Percent => "percent",
            Unit::Degrees => "degrees",
            Unit::Seconds => "seconds",
            Unit::Times => "times",
        }
    }
}

/// How a stored value becomes the number a person reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// `shown = value × factor`.
    Linear(f32),
    /// `shown = from × (to / from)^value`: a stored 0..=1 that sweeps evenly on a log scale from
    /// `from` to `to` (the speed multiplier, the softness time constant).
    Geometric {
        /// Shown at a stored 0.
        from: f32,
        /// Shown at a stored 1.
        to: f32,
    },
}

/// How one parameter is shown: its scale, its unit and how many decimals are worth reading.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Display {
    /// Stored value to shown number.
    pub scale: Scale,
    /// The unit of the shown number.
    pub unit: Unit,
    /// Decimals to print.
    pub decimals: u8,
}

impl Display {
    /// The value itself, as a plain number with two decimals.
    pub const NUMBER: Display = Display::linear(1.0, Unit::Number, 2);
    /// A 0..=1 share as a whole per cent.
    pub const PERCENT: Display = Display::linear(100.0, Unit::Percent, 0);

    /// `shown = value × factor`, in `unit`, with `decimals`.
    pub const fn linear(factor: f32, unit: Unit, decimals: u8) -> Display {
        Display {
            scale: Scale::Linear(factor),
            unit,
            decimals,
        }
    }

    /// A stored 0..=1 that sweeps from `from` to `to` on a log scale, in `unit`, with `decimals`.
    pub const fn geometric(from: f32, to: f32, unit: Unit, decimals: u8) -> Display {
        Display {
            scale: Scale::Geometric { from, to },
            unit,
            decimals,
        }
    }

    /// The number a person reads for the stored `value` (NaN stays NaN).
    pub fn shown(&self, value: f32) -> f32 {
        match self.scale {
            Scale::Linear(factor) => value * factor,
            Scale::Geometric { from, to } => from * libm::powf(to / from, value),
        }
    }

    /// The stored `value` ready to print: `80 %`, `120°`, `0.04 s`.
    pub fn show(&self, value: f32) -> Shown {
        Shown {
            number: self.shown(value),
            display: *self,
        }
    }
}

/// A value in its unit, printed by its [`fmt::Display`] (made by [`Display::show`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shown {
    number: f32,
    display: Display,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decimals = usize::from(self.display.decimals);
        // -0 prints as 0.
        let number = if self.number == 0.0 { 0.0 } else { self.number };
        write!(f, "{number:.decimals$}{}", self.display.unit.suffix())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn linear_values_print_in_their_unit() {
        assert_eq!(Display::PERCENT.show(0.8).to_string(), "80 %");
        assert_eq!(
            Display::linear(360.0, Unit::Degrees, 0)
                .show(0.33)
                .to_string(),
            "119°"
        );
        assert_eq!(
            Display::linear(1.0, Unit::Seconds, 1)
                .show(1.56)
                .to_string(),
            "1.6 s"
        );
        assert_eq!(Display::NUMBER.show(-0.0).to_string(), "0.00");
    }

    #[test]
    fn geometric_values_sweep_on_a_log_scale() {
        let speed = Display::geometric(0.25, 4.0, Unit::Times, 2);
        assert_eq!(speed.show(0.0).to_string(), "0.25×");
        assert_eq!(speed.show(0.5).to_string(), "1.00×");
        assert_eq!(speed.show(1.0).to_string(), "4.00×");
        // Evenly on a log scale: each quarter of the slider doubles the rate.
        for i in 0..4 {
            let a = speed.shown(i as f32 / 4.0);
            let b = speed.shown((i + 1) as f32 / 4.0);
            assert!((b / a - 2.0).abs() < 1e-5, "{a} -> {b}");
        }
    }

    #[test]
    fn unit_names_are_distinct() {
        let all = [
            Unit::Number,
            Unit::Percent,
            Unit::Degrees,
            Unit::Seconds,
            Unit::Times,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.name(), b.name());
            }
        }
    }
}
