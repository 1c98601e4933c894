//! The JSON of the HTTP API routes that carry data (the firmware serves the host's paths, so
//! the same web UI and clients work against a device):
//!
//! - `GET /api/params` → [`ParamsBody`]; `POST /api/params` ([`post_params`]) takes any subset
//!   and answers with the whole object; a bad field is refused and nothing changes, as on the
//!   host ([`params`]).
//! - `POST /api/select` takes [`SelectRequest`] (`index` or `id`) → [`Selected`].
//! - `GET /api/patterns` → [`PatternsBody`], `GET /api/palettes` → [`PalettesBody`].
//! - `GET /api/device/microphone` → [`MicFormat`] (`{"slot":"left","late_bit":false}`);
//!   `POST` ([`post_microphone`]) takes either field and answers with both (device only).

// A refusal carries its field and message inline (about 200 bytes) so the device needs no heap
// on the error path of a request; boxing it to please clippy would add one.
#![allow(clippy::result_large_err)]

pub mod params;

use heapless::String;
use k1_core::palettes::{PALETTE_COUNT, PALETTES};
use k1_core::render::{PATTERNS, PatternId};
use serde::{Deserialize, Serialize};

use crate::mic::{MicFormat, Slot};

pub use params::{ParamsBody, post_params};

/// `POST /api/select`: by index or by id.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
pub struct SelectRequest<'a> {
    /// Pattern index.
    pub index: Option<i64>,
    /// Pattern id (`bloom`) or name.
    pub id: Option<&'a str>,
}

/// Why a select request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectError {
    /// Neither `index` nor `id` given (400 `missing_field`).
    MissingField,
    /// No such pattern (404 `pattern_not_found`).
    NotFound,
}

impl SelectRequest<'_> {
    /// The pattern asked for.
    pub fn resolve(&self) -> Result<PatternId, SelectError> {
        match (self.index, self.id) {
            (Some(i), _) => usize::try_from(i)
                .ok()
                .and_then(PatternId::from_index)
                .ok_or(SelectError::NotFound),
            (None, Some(id)) => PatternId::find(id).ok_or(SelectError::NotFound),
            (None, None) => Err(SelectError::MissingField),
        }
    }
}

/// The reply to a select.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Selected {
    /// Index of the pattern now showing.
    pub current_pattern: usize,
    /// Its id.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
}

impl From<PatternId> for Selected {
    fn from(p: PatternId) -> Self {
        Selected {
            current_pattern: p.index(),
            id: p.info().id,
            name: p.info().name,
        }
    }
}

/// One entry of the pattern list.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PatternEntry {
    /// Index for `select`.
    pub index: usize,
    /// Stable id.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// One sentence.
    pub description: &'static str,
    /// Whether it follows the music (the host's name).
    pub is_audio_reactive: bool,
    /// Its own parameters.
    pub custom_params: CustomParams,
}

/// A pattern's own parameters, serialised as the host lists them: name, description, the
/// `custom_param_N` slot it is stored in, its range and its choices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CustomParams(pub &'static [k1_core::params::CustomParam]);

/// One entry of [`CustomParams`].
#[derive(Serialize)]
struct CustomEntry {
    name: &'static str,
    description: &'static str,
    param: &'static str,
    min: f32,
    max: f32,
    labels: &'static [&'static str],
}

impl Serialize for CustomParams {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const SLOTS: [&str; 3] = ["custom_param_1", "custom_param_2", "custom_param_3"];
        s.collect_seq(self.0.iter().map(|c| CustomEntry {
            name: c.name,
            description: c.description,
            param: SLOTS.get(c.slot).copied().unwrap_or("custom_param_1"),
            min: c.min,
            max: c.max,
            labels: c.labels,
        }))
    }
}

/// `GET /api/patterns`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PatternsBody {
    /// Every pattern, in index order.
    pub patterns: [PatternEntry; PATTERNS.len()],
    /// The one showing.
    pub current_pattern: usize,
    /// How many.
    pub count: usize,
}

impl PatternsBody {
    /// The list with `current` marked.
    pub fn new(current: PatternId) -> Self {
        PatternsBody {
            patterns: core::array::from_fn(|i| {
                let p = &PATTERNS[i];
                PatternEntry {
                    index: i,
                    id: p.id,
                    name: p.name,
                    description: p.description,
                    is_audio_reactive: p.audio_reactive,
                    custom_params: CustomParams(p.custom),
                }
            }),
            current_pattern: current.index(),
            count: PATTERNS.len(),
        }
    }
}

/// One keyframe of a palette: position 0..=255 and colour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Keyframe {
    /// Position along the palette, 0..=255.
    pub position: u8,
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

/// One palette.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PaletteEntry {
    /// Index for `palette_id`.
    pub id: usize,
    /// Stable key.
    pub key: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Five colours along it, for a preview (sRGB).
    pub colors: Preview,
    /// Keyframes in the list.
    pub num_keyframes: usize,
    /// Keyframes as designed.
    pub keyframes: Keyframes,
}

/// Five preview colours, serialised as `[{r, g, b}, ...]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Preview(pub [k1_core::color::Rgb8; 5]);

/// One colour of a [`Preview`].
#[derive(Serialize)]
struct Color {
    r: u8,
    g: u8,
    b: u8,
}

impl Serialize for Preview {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| Color {
            r: c.r,
            g: c.g,
            b: c.b,
        }))
    }
}

/// A palette's keyframes, serialised as a JSON array.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Keyframes(pub &'static [[u8; 4]]);

impl Serialize for Keyframes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|k| Keyframe {
            position: k[0],
            r: k[1],
            g: k[2],
            b: k[3],
        }))
    }
}

/// Every palette, serialised as a JSON array of [`PaletteEntry`] (serde's arrays stop at 32).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaletteList;

impl Serialize for PaletteList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(PALETTES.iter().enumerate().map(|(i, p)| PaletteEntry {
            id: i,
            key: p.id,
            name: p.name,
            colors: Preview(p.preview()),
            num_keyframes: p.keyframes.len(),
            keyframes: Keyframes(p.keyframes),
        }))
    }
}

/// `GET /api/palettes`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PalettesBody {
    /// Every palette, in index order.
    pub palettes: PaletteList,
    /// How many.
    pub count: usize,
}

impl PalettesBody {
    /// The list.
    pub fn new() -> Self {
        PalettesBody {
            palettes: PaletteList,
            count: PALETTE_COUNT,
        }
    }
}

impl Default for PalettesBody {
    fn default() -> Self {
        Self::new()
    }
}

/// The body of every error reply, the host's shape: `{error, field, message, status}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ErrorBody<'a> {
    /// Stable code: `invalid_json`, `missing_field`, `pattern_not_found`, ...
    pub error: &'a str,
    /// The field at fault, if one is.
    pub field: Option<&'a str>,
    /// A sentence for people.
    pub message: &'a str,
    /// The HTTP status, repeated.
    pub status: u16,
}

/// A refused request, in the host's error shape, owning its field and message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Refusal {
    /// Stable code: `invalid_json`, `missing_field`, `invalid_value`, `unknown_field`, ...
    pub error: &'static str,
    /// The field at fault, as the client wrote it.
    pub field: Option<String<32>>,
    /// A sentence for people.
    pub message: String<160>,
    /// The HTTP status, repeated.
    pub status: u16,
}

/// A refusal with a fixed field and message.
pub fn refusal(status: u16, error: &'static str, field: Option<&str>, message: &str) -> Refusal {
    let mut m = String::new();
    // Messages are short; one that did not fit would be cut, never lost.
    for c in message.chars() {
        if m.push(c).is_err() {
            break;
        }
    }
    Refusal {
        error,
        field: field.and_then(|f| String::try_from(f).ok()),
        message: m,
        status,
    }
}

impl From<ErrorBody<'static>> for Refusal {
    fn from(e: ErrorBody<'static>) -> Self {
        refusal(e.status, e.error, e.field, e.message)
    }
}

/// `POST /api/select`: the pattern `body` names.
pub fn post_select(body: &[u8]) -> Result<PatternId, Refusal> {
    let (req, _) = serde_json_core::from_slice::<SelectRequest>(body).map_err(|_| {
        refusal(
            400,
            "invalid_json",
            None,
            "the body must be a JSON object with `index` or `id`",
        )
    })?;
    req.resolve().map_err(|e| match e {
        SelectError::MissingField => refusal(
            400,
            "missing_field",
            Some("index"),
            "give `index` (a number) or `id` (a string)",
        ),
        SelectError::NotFound => refusal(
            404,
            "pattern_not_found",
            None,
            "no such pattern; GET /api/patterns lists them",
        ),
    })
}

/// The body of `POST /api/device/microphone`.
#[derive(Deserialize)]
struct MicRequest<'a> {
    slot: Option<&'a str>,
    late_bit: Option<bool>,
}

/// `POST /api/device/microphone`: `current` with the fields `body` gives; nothing changes if
/// one is bad.
pub fn post_microphone(body: &[u8], current: MicFormat) -> Result<MicFormat, Refusal> {
    let (req, _) = serde_json_core::from_slice::<MicRequest>(body).map_err(|_| {
        refusal(
            400,
            "invalid_json",
            None,
            "the body must be a JSON object with `slot` or `late_bit`",
        )
    })?;
    if req.slot.is_none() && req.late_bit.is_none() {
        return Err(refusal(
            400,
            "missing_field",
            Some("slot"),
            "give `slot` or `late_bit`",
        ));
    }
    let mut next = current;
    if let Some(slot) = req.slot {
        next.slot = match slot {
            "left" => Slot::Left,
            "right" => Slot::Right,
            _ => {
                return Err(refusal(
                    400,
                    "invalid_value",
                    Some("slot"),
                    "`slot` is \"left\" or \"right\"",
                ));
            }
        };
    }
    if let Some(late_bit) = req.late_bit {
        next.late_bit = late_bit;
    }
    Ok(next)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use k1_core::params::Params;

    pub(crate) fn json<T: Serialize>(v: &T) -> heapless::String<16384> {
        let mut buf = [0u8; 16384];
        let n = serde_json_core::to_slice(v, &mut buf).unwrap();
        heapless::String::try_from(core::str::from_utf8(&buf[..n]).unwrap()).unwrap()
    }

    #[test]
    fn select_by_index_or_id() {
        let sel = |s: &str| {
            serde_json_core::from_str::<SelectRequest>(s)
                .unwrap()
                .0
                .resolve()
        };
        assert_eq!(sel(r#"{"index":5}"#), Ok(PatternId::Bloom));
        assert_eq!(sel(r#"{"id":"void_trail"}"#), Ok(PatternId::VoidTrail));
        assert_eq!(sel(r#"{"index":99}"#), Err(SelectError::NotFound));
        assert_eq!(sel(r#"{"index":-1}"#), Err(SelectError::NotFound));
        assert_eq!(sel(r#"{"id":"nope"}"#), Err(SelectError::NotFound));
        assert_eq!(sel(r#"{}"#), Err(SelectError::MissingField));
        assert_eq!(
            json(&Selected::from(PatternId::Bloom)).as_str(),
            r#"{"current_pattern":5,"id":"bloom","name":"Bloom"}"#
        );
    }

    #[test]
    fn lists_serialise() {
        let patterns = json(&PatternsBody::new(PatternId::Spectrum));
        assert!(
            patterns.starts_with(r#"{"patterns":[{"index":0,"id":"departure","#),
            "{patterns}"
        );
        assert!(
            patterns.ends_with(r#""current_pattern":3,"count":17}"#),
            "{patterns}"
        );
        assert!(patterns.contains(r#""is_audio_reactive":"#));
        assert!(
            patterns.contains(r#""custom_params":[{"name":"#),
            "{patterns}"
        );
        assert!(patterns.contains(r#""param":"custom_param_"#), "{patterns}");
        let palettes = json(&PalettesBody::new());
        assert!(palettes.contains(r#"{"position":0,"r":"#), "{palettes}");
        assert!(palettes.ends_with(r#""count":33}"#));
        assert!(
            palettes.starts_with(r#"{"palettes":[{"id":0,"key":""#),
            "{palettes}"
        );
        assert!(palettes.contains(r#""colors":[{"r":"#), "{palettes}");
    }

    #[test]
    fn post_bodies_are_checked() {
        let p = post_params(
            br#"{"brightness":0.25}"#,
            &Params::DEFAULT,
            PatternId::Spectrum,
        )
        .unwrap();
        assert_eq!(p.brightness, 0.25);
        let e =
            post_params(b"{\"brightness\":", &Params::DEFAULT, PatternId::Spectrum).unwrap_err();
        assert_eq!((e.status, e.error), (400, "invalid_json"));
        assert_eq!(post_select(br#"{"id":"bloom"}"#), Ok(PatternId::Bloom));
        assert_eq!(post_select(b"{}").unwrap_err().error, "missing_field");
        assert_eq!(post_select(br#"{"index":400}"#).unwrap_err().status, 404);
        assert_eq!(post_select(b"nope").unwrap_err().status, 400);
        assert_eq!(
            json(&post_select(b"{}").unwrap_err()).as_str(),
            r#"{"error":"missing_field","field":"index","message":"give `index` (a number) or `id` (a string)","status":400}"#
        );
    }

    #[test]
    fn microphone_route() {
        let left = MicFormat::DEFAULT;
        assert_eq!(json(&left).as_str(), r#"{"slot":"left","late_bit":false}"#);
        let right = post_microphone(br#"{"slot":"right"}"#, left).unwrap();
        assert_eq!(
            right,
            MicFormat {
                slot: Slot::Right,
                late_bit: false
            }
        );
        assert_eq!(
            json(&right).as_str(),
            r#"{"slot":"right","late_bit":false}"#
        );
        let late = post_microphone(br#"{"late_bit":true}"#, right).unwrap();
        assert_eq!(
            late,
            MicFormat {
                slot: Slot::Right,
                late_bit: true
            }
        );
        let both = post_microphone(br#"{"slot":"left","late_bit":false}"#, late).unwrap();
        assert_eq!(both, left);
        let e = post_microphone(br#"{"slot":"mono","late_bit":true}"#, left).unwrap_err();
        assert_eq!(
            (e.status, e.error, e.field.as_deref()),
            (400, "invalid_value", Some("slot"))
        );
        let e = post_microphone(br#"{}"#, left).unwrap_err();
        assert_eq!((e.status, e.error), (400, "missing_field"));
        let e = post_microphone(b"slot=left", left).unwrap_err();
        assert_eq!((e.status, e.error), (400, "invalid_json"));
        let e = post_microphone(br#"{"late_bit":"yes"}"#, left).unwrap_err();
        assert_eq!((e.status, e.error), (400, "invalid_json"));
    }
}
