//! The parameter object of `GET/POST /api/params`, in the host's shape. The shape itself
//! (names, `palette_id` an index or `null`, `dithering` 0 or 1, stored numbers as the shortest
//! decimal that reads back, the current pattern's own parameters under `pattern_params` with
//! computed values to 6 decimals) is `k1_core::params::api`'s, which
//! the host's API (`crates/k1-api/src/params.rs`) writes too; this module writes its fields with
//! serde. A POST is a partial update, checked by `k1_core::params` and applied all or nothing:
//! the first bad field is named in the error and nothing changes.

use core::fmt::Write;

use heapless::String;
use k1_core::params::api::{self, ApiValue};
use k1_core::params::{CustomParam, GLOBAL, ParamError, Params, Value};
use k1_core::render::PatternId;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{Refusal, refusal};
use crate::json_object::{Entries, JsonValue};

pub use k1_core::params::api::{PATTERN_PARAMS, api_field};

/// The parameter object for `params` with `pattern` showing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamsBody {
    /// The parameters.
    pub params: Params,
    /// The pattern whose own parameters are listed.
    pub pattern: PatternId,
}

impl ParamsBody {
    /// The object for `params` with `pattern` showing.
    pub fn new(params: &Params, pattern: PatternId) -> Self {
        ParamsBody {
            params: *params,
            pattern,
        }
    }
}

/// A pattern's own parameters as a JSON object.
struct PatternParams<'a>(&'a Params, &'static [CustomParam]);

fn put<M: SerializeMap>(map: &mut M, key: &str, value: ApiValue) -> Result<(), M::Error> {
    match value {
        ApiValue::Number(v) => map.serialize_entry(key, &v),
        ApiValue::Integer(i) => map.serialize_entry(key, &i),
        ApiValue::Bool(b) => map.serialize_entry(key, &b),
        ApiValue::Text(t) => map.serialize_entry(key, t),
        ApiValue::Null => map.serialize_entry(key, &()),
    }
}

impl Serialize for PatternParams<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (key, value) in api::pattern_fields(self.0, self.1) {
            put(&mut map, key, value)?;
        }
        map.end()
    }
}

impl Serialize for ParamsBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = &self.params;
        let mut map = s.serialize_map(None)?;
        for (key, value) in api::global_fields(p) {
            put(&mut map, key, value)?;
        }
        map.serialize_entry(
            PATTERN_PARAMS,
            &PatternParams(p, self.pattern.info().custom),
        )?;
        map.end()
    }
}

/// The host's error for a `k1_core::params` refusal: `unknown_field` or `invalid_value`, the
/// field as the client wrote it, and the core's sentence.
fn param_refusal(e: &ParamError, key: &str) -> Refusal {
    let code = match e {
        ParamError::UnknownName { .. } => "unknown_field",
        _ => "invalid_value",
    };
    let mut r = refusal(400, code, None, "");
    let _ = write!(r.message, "{e}");
    r.field = String::try_from(key).ok();
    r
}

fn set_one(
    next: &mut Params,
    key: &str,
    value: JsonValue<'_>,
    custom: &'static [CustomParam],
) -> Result<(), Refusal> {
    let name = api::core_name(key);
    let v = match (value, api::null_value(key)) {
        (JsonValue::Number(x), _) => Value::Number(x),
        (JsonValue::Bool(b), _) => Value::Bool(b),
        (JsonValue::Str(t), _) => Value::Text(t.trim()),
        // `null` is a value for some fields (no palette).
        (JsonValue::Null, Some(none)) => none,
        (JsonValue::Null | JsonValue::Object(_), _) => {
            let known =
                custom.iter().any(|c| c.name == name) || GLOBAL.iter().any(|p| p.name == name);
            let mut r = if known {
                refusal(
                    400,
                    "invalid_value",
                    None,
                    "must be a number, a boolean or a string",
                )
            } else {
                refusal(400, "unknown_field", None, "unknown parameter")
            };
            r.field = String::try_from(key).ok();
            return Err(r);
        }
    };
    next.set_value(name, v, custom)
        .map_err(|e| param_refusal(&e, key))
}

/// `POST /api/params`: `body` applied to `current` for `pattern`, all or nothing.
pub fn post_params(body: &[u8], current: &Params, pattern: PatternId) -> Result<Params, Refusal> {
    let invalid = || {
        refusal(
            400,
            "invalid_json",
            None,
            "the body must be a JSON object of parameters",
        )
    };
    let custom = pattern.info().custom;
    let mut next = *current;
    for entry in Entries::new(body).map_err(|_| invalid())? {
        let (key, value) = entry.map_err(|_| invalid())?;
        if key == PATTERN_PARAMS {
            let JsonValue::Object(inner) = value else {
                let mut r = refusal(
                    400,
                    "invalid_value",
                    None,
                    "pattern_params must be an object",
                );
                r.field = String::try_from(key).ok();
                return Err(r);
            };
            for inner_entry in Entries::new(inner).map_err(|_| invalid())? {
                let (name, v) = inner_entry.map_err(|_| invalid())?;
                if !custom.iter().any(|c| c.name == name) {
                    let mut r = refusal(
                        400,
                        "unknown_field",
                        None,
                        "the current pattern has no such parameter",
                    );
                    r.field = String::try_from(name).ok();
                    return Err(r);
                }
                set_one(&mut next, name, v, custom)?;
            }
            continue;
        }
        set_one(&mut next, key, value, custom)?;
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::tests::json;

    #[test]
    fn the_hosts_names_and_shapes() {
        let text = json(&ParamsBody::new(&Params::DEFAULT, PatternId::Spectrum));
        for part in [
            r#""brightness":1.0"#,
            r#""color":0.33"#,
            r#""palette_id":0"#,
            r#""dithering":1"#,
            r#""mirror":true"#,
            r#""custom_param_1":0.5"#,
            r#""pattern_params":{"#,
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(!text.contains(r#""palette":"#), "{text}");
        let mut none = Params::DEFAULT;
        none.set("palette", "none", &[]).unwrap();
        assert!(
            json(&ParamsBody::new(&none, PatternId::Spectrum)).contains(r#""palette_id":null"#)
        );
    }

    #[test]
    fn partial_updates_are_all_or_nothing() {
        let p = post_params(
            br#"{"brightness": 0.5, "palette_id": 3, "mirror": false}"#,
            &Params::DEFAULT,
            PatternId::Spectrum,
        )
        .unwrap();
        assert_eq!(
            (p.brightness, p.palette_index(), p.mirror),
            (0.5, Some(3), 0)
        );
        let p = post_params(br#"{"palette_id": null}"#, &p, PatternId::Spectrum).unwrap();
        assert_eq!(p.palette_index(), None);

        let e = post_params(
            br#"{"brightness": 0.5, "speed": 7}"#,
            &Params::DEFAULT,
            PatternId::Spectrum,
        )
        .unwrap_err();
        assert_eq!(
            (e.status, e.error, e.field.as_deref()),
            (400, "invalid_value", Some("speed"))
        );
        let e =
            post_params(br#"{"sparkle": 1}"#, &Params::DEFAULT, PatternId::Spectrum).unwrap_err();
        assert_eq!(
            (e.error, e.field.as_deref()),
            ("unknown_field", Some("sparkle"))
        );
        let e = post_params(
            br#"{"brightness": "x"}"#,
            &Params::DEFAULT,
            PatternId::Spectrum,
        )
        .unwrap_err();
        assert_eq!(
            (e.error, e.field.as_deref()),
            ("invalid_value", Some("brightness"))
        );
        assert!(!e.message.is_empty());
        let e = post_params(
            br#"{"brightness": 0.5"#,
            &Params::DEFAULT,
            PatternId::Spectrum,
        )
        .unwrap_err();
        assert_eq!((e.status, e.error), (400, "invalid_json"));
        let e = post_params(
            br#"{"pattern_params": {"nope": 1}}"#,
            &Params::DEFAULT,
            PatternId::Spectrum,
        )
        .unwrap_err();
        assert_eq!(
            (e.error, e.field.as_deref()),
            ("unknown_field", Some("nope"))
        );
    }

    #[test]
    fn a_patterns_own_parameters_by_name() {
        let mut tried = 0;
        for pattern in (0..k1_core::render::PATTERNS.len()).filter_map(PatternId::from_index) {
            for c in pattern.info().custom {
                tried += 1;
                let text = json(&ParamsBody::new(&Params::DEFAULT, pattern));
                let mut key = String::<64>::new();
                let _ = write!(key, r#""pattern_params":{{"#);
                assert!(
                    text.contains(key.as_str()) && text.contains(c.name),
                    "{text}"
                );
                let mut body = String::<128>::new();
                if let Some(label) = c.labels.last() {
                    let _ = write!(body, r#"{{"pattern_params": {{"{}": "{label}"}}}}"#, c.name);
                    let p = post_params(body.as_bytes(), &Params::DEFAULT, pattern).unwrap();
                    let mut want = String::<64>::new();
                    let _ = write!(want, r#""{}":"{label}""#, c.name);
                    assert!(
                        json(&ParamsBody::new(&p, pattern)).contains(want.as_str()),
                        "{body}"
                    );
                } else {
                    let at = |v: f32| {
                        let mut b = String::<128>::new();
                        let _ = write!(b, r#"{{"{}": {v}}}"#, c.name);
                        post_params(b.as_bytes(), &Params::DEFAULT, pattern)
                            .unwrap()
                            .custom[c.slot]
                    };
                    assert!(at(c.min) != at(c.max), "{}", c.name);
                }
            }
        }
        assert!(tried > 0, "no pattern has its own parameters");
    }

    /// The example the host's API checks too (`crates/k1-api/src/params.rs` reads the same
    /// files): the POST body applied to the defaults with `void_trail` showing gives exactly the
    /// GET text, so the host and the device answer the same settings with the same object.
    #[test]
    fn the_example_shared_with_the_host_gives_the_same_text() {
        let post = include_str!(
            "../../../../crates/k1-core/tests/fixtures/api-params-void_trail-post.json"
        );
        let get = include_str!(
            "../../../../crates/k1-core/tests/fixtures/api-params-void_trail-get.json"
        );
        let p = post_params(post.as_bytes(), &Params::DEFAULT, PatternId::VoidTrail).unwrap();
        let text = json(&ParamsBody::new(&p, PatternId::VoidTrail));
        assert_eq!(text.as_str(), get.trim_end());
    }
}
