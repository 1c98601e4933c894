//! The parameter object of the HTTP API (`GET/POST /api/params`), defined once for the host
//! (`k1-api`, with serde_json) and the firmware (`k1-fw-logic`, with serde-json-core).
//!
//! The object keeps the original device's shape: every global parameter of [`GLOBAL`] by its
//! name, except that the core's `palette` is the original's [`PALETTE_FIELD`] (an index, or
//! `null` for no palette: hue from `color`); `dithering` is a number 0 or 1 as the original sent
//! it, while the switches K1 added are booleans; a global number is the shortest decimal that
//! reads back as the same `f32` (0.33f32 is 0.33, not 0.330000013, and a backup restores the same
//! bits); the current pattern's own parameters follow under [`PATTERN_PARAMS`], each in its own
//! range (computed in `f32`, so rounded to 6 decimals: 1.5, not 1.5000001) or by its label. The two JSON libraries only write
//! what [`global_fields`] and [`pattern_fields`] yield, in that order, so the host and the
//! device answer the same settings with the same object (`tests/fixtures/api-params-*.json` is
//! the example both check against).

use super::{CustomParam, GLOBAL, ParamKind, Params, Value};

/// The API's name for the core's `palette`, the original device's.
pub const PALETTE_FIELD: &str = "palette_id";

/// The key of the current pattern's own parameters.
pub const PATTERN_PARAMS: &str = "pattern_params";

/// The one global switch that the API writes as a number 0 or 1 (as the original did).
pub const NUMERIC_SWITCH: &str = "dithering";

/// A parameter's value as the API writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ApiValue {
    /// A number, as [`api_number`] or [`rounded_number`] made it.
    Number(f64),
    /// A whole number: a palette index, or [`NUMERIC_SWITCH`] as 0 or 1.
    Integer(u32),
    /// A switch.
    Bool(bool),
    /// A choice, by its label.
    Text(&'static str),
    /// No value: [`PALETTE_FIELD`] when no palette is chosen.
    Null,
}

/// The API's name for the core parameter `name`.
pub fn api_field(name: &str) -> &str {
    if name == "palette" {
        PALETTE_FIELD
    } else {
        name
    }
}

/// The core's name for the API field `key` (the inverse of [`api_field`]).
pub fn core_name(key: &str) -> &str {
    if key == PALETTE_FIELD { "palette" } else { key }
}

/// What a JSON `null` for the API field `key` means, if anything: no palette for
/// [`PALETTE_FIELD`]; for any other field it is not a value.
pub fn null_value(key: &str) -> Option<Value<'static>> {
    (core_name(key) == "palette").then_some(Value::Text("none"))
}

/// `v` as the API writes a stored value: the shortest decimal that reads back as the same `f32`
/// (`core::fmt` finds it; no allocation), as an `f64` so that both JSON writers print that
/// decimal. Not finite: NaN (the writers make it `null`).
pub fn api_number(v: f32) -> f64 {
    use core::fmt::Write;
    /// Enough for any `f32` in plain notation: f32::MAX has 39 digits.
    struct Buf {
        bytes: [u8; 64],
        len: usize,
    }
    impl Write for Buf {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let end = self.len + s.len();
            self.bytes
                .get_mut(self.len..end)
                .ok_or(core::fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    if !v.is_finite() {
        return f64::NAN;
    }
    let mut buf = Buf {
        bytes: [0; 64],
        len: 0,
    };
    if write!(buf, "{v}").is_err() {
        return f64::from(v);
    }
    core::str::from_utf8(&buf.bytes[..buf.len])
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(f64::from(v))
}

/// `v` rounded to 6 decimals, for a value computed in `f32` (a pattern parameter in its own
/// range, 0.2 + 2.8 × slot) that people read: 1.5, not 1.5000001.
pub fn rounded_number(v: f32) -> f64 {
    libm::round(f64::from(v) * 1e6) / 1e6
}

fn from_value(v: Value<'static>, number: fn(f32) -> f64) -> ApiValue {
    match v {
        Value::Number(x) => ApiValue::Number(number(x)),
        Value::Bool(b) => ApiValue::Bool(b),
        Value::Text(t) => ApiValue::Text(t),
    }
}

/// The global parameters of `params` as the API's fields, in [`GLOBAL`]'s order.
pub fn global_fields(params: &Params) -> impl Iterator<Item = (&'static str, ApiValue)> + '_ {
    GLOBAL.iter().filter_map(move |info| {
        let value = match (info.kind, params.get(info.name, &[])?) {
            (ParamKind::Palette, _) => params
                .palette_index()
                .map_or(ApiValue::Null, |i| ApiValue::Integer(i as u32)),
            (ParamKind::Bool { .. }, Value::Bool(b)) if info.name == NUMERIC_SWITCH => {
                ApiValue::Integer(u32::from(b))
            }
            (_, v) => from_value(v, api_number),
        };
        Some((api_field(info.name), value))
    })
}

/// The pattern parameters `custom` of `params` as the API's fields (under [`PATTERN_PARAMS`]),
/// each in its own range or by its label, in `custom`'s order.
pub fn pattern_fields<'a>(
    params: &'a Params,
    custom: &'static [CustomParam],
) -> impl Iterator<Item = (&'static str, ApiValue)> + 'a {
    custom.iter().filter_map(move |c| {
        let value = params.get(c.name, custom)?;
        Some((c.name, from_value(value, rounded_number)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::PALETTE_NONE;
    use std::vec::Vec;

    #[test]
    fn the_originals_names_and_shapes() {
        let mut p = Params::DEFAULT;
        p.palette = 7;
        p.brightness = 0.33;
        let fields: Vec<_> = global_fields(&p).collect();
        assert_eq!(fields.len(), GLOBAL.len());
        let get = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        assert_eq!(get("palette_id"), Some(ApiValue::Integer(7)));
        assert_eq!(get("palette"), None);
        assert_eq!(get("brightness"), Some(ApiValue::Number(0.33)));
        assert!(matches!(get("dithering"), Some(ApiValue::Integer(0 | 1))));
        assert!(matches!(get("mirror"), Some(ApiValue::Bool(_))));
        p.palette = PALETTE_NONE;
        let none = global_fields(&p).find(|(n, _)| *n == PALETTE_FIELD);
        assert_eq!(none, Some((PALETTE_FIELD, ApiValue::Null)));
    }

    #[test]
    fn names_map_both_ways_and_null_means_no_palette() {
        for info in GLOBAL.iter() {
            assert_eq!(core_name(api_field(info.name)), info.name);
        }
        assert_eq!(null_value("palette_id"), Some(Value::Text("none")));
        assert_eq!(null_value("brightness"), None);
    }

    #[test]
    fn stored_numbers_are_the_shortest_decimal_that_reads_back() {
        assert_eq!(api_number(0.33), 0.33);
        assert_eq!(api_number(1.0), 1.0);
        assert_eq!(api_number(-0.25), -0.25);
        assert!(api_number(f32::NAN).is_nan());
        assert_eq!(api_number(f32::MAX) as f32, f32::MAX);
        // A slot that maps to 1.5 in its pattern's range: 6 decimals would lose it.
        let slot = (1.5f32 - 0.2) / 2.8;
        assert_eq!(api_number(slot) as f32, slot);
        assert_ne!(rounded_number(slot) as f32, slot);
    }

    #[test]
    fn computed_numbers_have_at_most_six_decimals() {
        assert_eq!(rounded_number(0.123_456_78), 0.123_457);
        assert_eq!(rounded_number(0.2 + 2.8 * ((1.5f32 - 0.2) / 2.8)), 1.5);
    }
}
