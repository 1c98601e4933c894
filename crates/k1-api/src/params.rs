//! Parameters as JSON: the original device's object (`brightness`, `palette_id`,
//! `custom_param_1..3`, ...) and how a partial update is checked and applied.
//!
//! The object's shape (names, `palette_id` an index or `null`, `dithering` 0/1, stored numbers
//! as the shortest decimal that reads back, a pattern's own parameters under `pattern_params`
//! with computed values to 6 decimals) is `k1_core::params::api`'s, which
//! the firmware's API writes too; this module only turns its fields into serde_json values.

use k1_core::params::api::{self, ApiValue};
use k1_core::params::{CustomParam, Display, ParamKind, Params, Scale, Value as ParamValue};
use k1_core::render::PatternId;
use serde_json::{Map, Value, json};

use super::error::ApiError;

pub use k1_core::params::api::PATTERN_PARAMS;

/// A float as JSON: the shortest decimal that reads back as the same `f32` (0.33f32 is 0.33, not
/// 0.330000013), so a value saved and read again (a backup, a preset) is the same bits. Not
/// finite: `null`.
pub fn num(v: f32) -> Value {
    json_value(ApiValue::Number(api::api_number(v)))
}

/// One field's value as serde_json's.
fn json_value(v: ApiValue) -> Value {
    match v {
        ApiValue::Number(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
        ApiValue::Integer(i) => json!(i),
        ApiValue::Bool(b) => json!(b),
        ApiValue::Text(t) => json!(t),
        ApiValue::Null => Value::Null,
    }
}

/// How a parameter's value reads to a person (`k1_core::params::Display`), for the web UI:
/// `{unit, suffix, scale: "linear", factor, decimals}` (shown = value × factor) or
/// `{unit, suffix, scale: "geometric", from, to, decimals}` (shown = from × (to/from)^value).
pub fn display_json(d: &Display) -> Value {
    let mut out = json!({
        "unit": d.unit.name(),
        "suffix": d.unit.suffix(),
        "decimals": d.decimals,
    });
    match d.scale {
        Scale::Linear(factor) => {
            out["scale"] = json!("linear");
            out["factor"] = num(factor);
        }
        Scale::Geometric { from, to } => {
            out["scale"] = json!("geometric");
            out["from"] = num(from);
            out["to"] = num(to);
        }
    }
    out
}

/// The parameter object for `params` with `pattern` current.
pub fn to_json(params: &Params, pattern: PatternId) -> Map<String, Value> {
    let mut out: Map<String, Value> = api::global_fields(params)
        .map(|(k, v)| (k.to_string(), json_value(v)))
        .collect();
    out.insert(
        PATTERN_PARAMS.into(),
        Value::Object(pattern_params(params, pattern.info().custom)),
    );
    out
}

/// The current pattern's own parameters, in their own ranges (a choice by its label).
pub fn pattern_params(params: &Params, custom: &'static [CustomParam]) -> Map<String, Value> {
    api::pattern_fields(params, custom)
        .map(|(k, v)| (k.to_string(), json_value(v)))
        .collect()
}

/// Applies the partial update `body` to `params` (for a pattern with `custom` parameters). All or
/// nothing: on the first bad field nothing changes and the error names it.
pub fn apply(
    params: &mut Params,
    body: &Map<String, Value>,
    custom: &'static [CustomParam],
) -> Result<(), ApiError> {
    let mut next = *params;
    for (key, value) in body {
        if key == PATTERN_PARAMS {
            let Value::Object(inner) = value else {
                return Err(ApiError::value(key, "pattern_params must be an object"));
            };
            for (name, v) in inner {
                if !custom.iter().any(|c| c.name == name) {
                    return Err(ApiError::Field {
                        code: "unknown_field",
                        field: name.clone(),
                        message: format!("the current pattern has no parameter '{name}'"),
                    });
                }
                set_one(&mut next, name, v, custom)?;
            }
            continue;
        }
        set_one(&mut next, key, value, custom)?;
    }
    *params = next;
    Ok(())
}

fn set_one(
    params: &mut Params,
    key: &str,
    value: &Value,
    custom: &'static [CustomParam],
) -> Result<(), ApiError> {
    let name = api::core_name(key);
    let v = read_value(key, name, value, custom)?;
    params.set_value(name, v, custom).map_err(|e| {
        let mut err = ApiError::from(e);
        if let ApiError::Field { field, .. } = &mut err
            && (field == "palette" || field == api::PALETTE_FIELD || field == name)
        {
            *field = key.to_string();
        }
        err
    })
}

/// `value` read as the parameter `name` takes it, or the 400 that says why it cannot be.
///
/// The JSON types a parameter takes: numbers for the sliders, booleans for the switches
/// (`dithering` also 0/1, as the original sent it), a palette index, name or `null`, a pattern's
/// choice by label or index. A string that looks like a number (`"0.5"`) or a number for a
/// switch (`1`) is a 400, like a boolean for a slider, rather than being read loosely. An
/// unknown name with a scalar value is left to the core, which lists the valid names; with any
/// other value it is reported here.
fn read_value<'v>(
    key: &str,
    name: &str,
    value: &'v Value,
    custom: &'static [CustomParam],
) -> Result<ParamValue<'v>, ApiError> {
    let wrong_type =
        |wanted: &str| ApiError::value(key, format!("{key} must be {wanted}, not {value}"));
    // What the parameter takes; `None` for a name that is no parameter.
    let takes = if let Some(c) = custom.iter().find(|c| c.name == name) {
        Some(if c.labels.is_empty() {
            (value.is_number(), "a number")
        } else {
            (
                value.is_string() || value.is_number(),
                "one of its labels (or its index)",
            )
        })
    } else {
        k1_core::params::info(name).map(|info| match info.kind {
            ParamKind::Float { .. } | ParamKind::Custom(_) => (value.is_number(), "a number"),
            ParamKind::Bool { .. } if name == "dithering" => (
                value.is_boolean() || value.is_number(),
                "0, 1, true or false",
            ),
            ParamKind::Bool { .. } => (value.is_boolean(), "true or false"),
            ParamKind::Palette => (
                value.is_number()
                    || value.is_null()
                    || value
                        .as_str()
                        .is_some_and(|t| t.trim().parse::<f64>().is_err()),
                "a palette index 0 to 32, a palette name, or null",
            ),
        })
    };
    let wanted = match takes {
        Some((true, wanted)) => wanted,
        Some((false, wanted)) => return Err(wrong_type(wanted)),
        // The core names the valid parameters for a scalar.
        None if value.is_number() || value.is_boolean() || value.is_string() => "a value",
        None => {
            return Err(ApiError::Field {
                code: "unknown_field",
                field: key.to_string(),
                message: format!("unknown parameter '{key}'"),
            });
        }
    };
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() && x.abs() <= f64::from(f32::MAX) => {
                Ok(ParamValue::Number(x as f32))
            }
            _ => Err(ApiError::value(
                key,
                format!("{key} must be a finite number"),
            )),
        },
        Value::Bool(b) => Ok(ParamValue::Bool(*b)),
        Value::String(s) => Ok(ParamValue::Text(s.trim())),
        // `null` is a value for some fields (no palette); the check above let nothing else by.
        _ => api::null_value(key).ok_or_else(|| wrong_type(wanted)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_original_names_and_shapes() {
        let j = to_json(&Params::DEFAULT, PatternId::Spectrum);
        assert_eq!(j["brightness"], json!(1.0));
        assert_eq!(j["color"], json!(0.33));
        assert_eq!(j["palette_id"], json!(0));
        assert_eq!(j["dithering"], json!(1));
        assert_eq!(j["mirror"], json!(true));
        assert_eq!(j["custom_param_1"], json!(0.5));
        assert!(!j.contains_key("palette"));
    }

    #[test]
    fn partial_updates_are_all_or_nothing() {
        let mut p = Params::DEFAULT;
        apply(
            &mut p,
            &obj(json!({"brightness": 0.5, "palette_id": 3})),
            &[],
        )
        .unwrap();
        assert_eq!((p.brightness, p.palette), (0.5, 3));
        let e = apply(&mut p, &obj(json!({"speed": 0.1, "warmth": 7})), &[]).unwrap_err();
        assert_eq!(e.body().field.as_deref(), Some("warmth"));
        assert_eq!(p.speed, 0.5, "nothing changed");
        let e = apply(&mut p, &obj(json!({"palette_id": 33})), &[]).unwrap_err();
        assert_eq!(e.body().field.as_deref(), Some("palette_id"));
        let e = apply(&mut p, &obj(json!({"nope": 1})), &[]).unwrap_err();
        assert_eq!(
            (e.code(), e.body().field.as_deref()),
            ("unknown_field", Some("nope"))
        );
        let e = apply(&mut p, &obj(json!({"nope": [1]})), &[]).unwrap_err();
        assert_eq!(e.code(), "unknown_field");
        for strict in [
            json!({"brightness": "0.5"}),
            json!({"brightness": true}),
            json!({"mirror": 1}),
            json!({"mirror": "true"}),
            json!({"custom_param_1": "0.5"}),
        ] {
            let e = apply(&mut p, &obj(strict.clone()), &[]).unwrap_err();
            assert_eq!(e.code(), "invalid_value", "{strict}");
        }
        let e = apply(&mut p, &obj(json!({"speed": [1]})), &[]).unwrap_err();
        assert_eq!(
            (e.code(), e.body().field.as_deref()),
            ("invalid_value", Some("speed"))
        );
        apply(
            &mut p,
            &obj(json!({"palette_id": null, "dithering": 0})),
            &[],
        )
        .unwrap();
        assert_eq!(p.palette_index(), None);
        assert!(!p.dithering());
    }

    /// The example the firmware's API checks too (`firmware/logic/src/api/params.rs` reads the
    /// same files): the POST body applied to the defaults with `void_trail` showing gives the
    /// GET object. The firmware must match its text byte for byte; here serde_json's objects
    /// keep their keys sorted, so the two are compared as JSON values.
    #[test]
    fn the_example_shared_with_the_firmware_gives_the_same_object() {
        let post: Value = serde_json::from_str(include_str!(
            "../../k1-core/tests/fixtures/api-params-void_trail-post.json"
        ))
        .unwrap();
        let want: Value = serde_json::from_str(include_str!(
            "../../k1-core/tests/fixtures/api-params-void_trail-get.json"
        ))
        .unwrap();
        let custom = PatternId::VoidTrail.info().custom;
        let mut p = Params::DEFAULT;
        apply(&mut p, &obj(post), custom).unwrap();
        assert_eq!(Value::Object(to_json(&p, PatternId::VoidTrail)), want);
    }
}
