//! The JSON of the HTTP API routes that carry data (the firmware serves the host's paths, so
//! the same web UI and clients work against a device):
//!
//! - `GET /api/params` → [`ParamsBody`]; `POST /api/params` takes a [`ParamsPatch`] (any subset)
//!   and answers with the whole object. Out-of-range numbers are clamped, a palette id past the
//!   last is 0, as the reference device did.
//! - `POST /api/select` takes [`SelectRequest`] (`index` or `id`) → [`Selected`].
//! - `GET /api/patterns` → [`PatternsBody`], `GET /api/palettes` → [`PalettesBody`].

use k1_core::palettes::{PALETTE_COUNT, PALETTES};
use k1_core::params::{PALETTE_NONE, Params};
use k1_core::render::{PATTERNS, PatternId};
use serde::{Deserialize, Serialize};

/// The parameters as the API shows them: floats 0..=1, `dithering` and `mirror` as 0 or 1,
/// `palette_id` an index (33 means none: hue from `color`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParamsBody {
    /// Overall brightness.
    pub brightness: f32,
    /// Temporal smoothing.
    pub softness: f32,
    /// Base hue.
    pub color: f32,
    /// Hue sweep across the strip.
    pub color_range: f32,
    /// Saturation.
    pub saturation: f32,
    /// Warm tint.
    pub warmth: f32,
    /// Floor glow.
    pub background: f32,
    /// Dithering, 0 or 1.
    pub dithering: f32,
    /// Motion speed.
    pub speed: f32,
    /// Palette index.
    pub palette_id: u8,
    /// Mirror switch, 0 or 1.
    pub mirror: f32,
    /// Custom slot 1.
    pub custom_param_1: f32,
    /// Custom slot 2.
    pub custom_param_2: f32,
    /// Custom slot 3.
    pub custom_param_3: f32,
}

impl From<&Params> for ParamsBody {
    fn from(p: &Params) -> Self {
        ParamsBody {
            brightness: p.brightness,
            softness: p.softness,
            color: p.color,
            color_range: p.color_range,
            saturation: p.saturation,
            warmth: p.warmth,
            background: p.background,
            dithering: p.dithering as f32,
            speed: p.speed,
            palette_id: p.palette_index().map_or(PALETTE_COUNT as u8, |i| i as u8),
            mirror: p.mirror as f32,
            custom_param_1: p.custom[0],
            custom_param_2: p.custom[1],
            custom_param_3: p.custom[2],
        }
    }
}

/// A partial update: every field optional, unknown keys ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[allow(missing_docs)]
pub struct ParamsPatch {
    pub brightness: Option<f32>,
    pub softness: Option<f32>,
    pub color: Option<f32>,
    pub color_range: Option<f32>,
    pub saturation: Option<f32>,
    pub warmth: Option<f32>,
    pub background: Option<f32>,
    pub dithering: Option<f32>,
    pub speed: Option<f32>,
    pub palette_id: Option<i64>,
    pub mirror: Option<f32>,
    pub custom_param_1: Option<f32>,
    pub custom_param_2: Option<f32>,
    pub custom_param_3: Option<f32>,
}

/// A float for a 0..=1 field: clamped; non-finite keeps the current value.
fn unit(current: f32, new: Option<f32>) -> f32 {
    match new {
        Some(v) if v.is_finite() => v.clamp(0.0, 1.0),
        _ => current,
    }
}

/// A switch sent as a number: on at 0.5 and above (the reference client sends 0/100 scaled).
fn switch(current: u8, new: Option<f32>) -> u8 {
    match new {
        Some(v) if v.is_finite() => u8::from(v >= 0.5),
        _ => current,
    }
}

impl ParamsPatch {
    /// `params` with this patch applied. The result always validates.
    pub fn apply(&self, params: &Params) -> Params {
        let mut p = *params;
        p.brightness = unit(p.brightness, self.brightness);
        p.softness = unit(p.softness, self.softness);
        p.color = unit(p.color, self.color);
        p.color_range = unit(p.color_range, self.color_range);
        p.saturation = unit(p.saturation, self.saturation);
        p.warmth = unit(p.warmth, self.warmth);
        p.background = unit(p.background, self.background);
        p.speed = unit(p.speed, self.speed);
        p.dithering = switch(p.dithering, self.dithering);
        p.mirror = switch(p.mirror, self.mirror);
        p.custom[0] = unit(p.custom[0], self.custom_param_1);
        p.custom[1] = unit(p.custom[1], self.custom_param_2);
        p.custom[2] = unit(p.custom[2], self.custom_param_3);
        if let Some(id) = self.palette_id {
            p.palette = match id {
                0..=32 => id as u8,
                x if x == PALETTE_COUNT as i64 => PALETTE_NONE,
                _ => 0,
            };
        }
        p.sanitized()
    }
}

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
    /// Keyframes in the list.
    pub num_keyframes: usize,
    /// Keyframes as designed.
    pub keyframes: Keyframes,
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

/// A refused request: its status and body.
pub type Refusal = ErrorBody<'static>;

const fn refusal(status: u16, error: &'static str, field: Option<&'static str>, message: &'static str) -> Refusal {
    ErrorBody { error, field, message, status }
}

/// `POST /api/params`: `body` applied to `current`; clamped, as the reference device did.
pub fn post_params(body: &[u8], current: &Params) -> Result<Params, Refusal> {
    match serde_json_core::from_slice::<ParamsPatch>(body) {
        Ok((patch, _)) => Ok(patch.apply(current)),
        Err(_) => Err(refusal(
            400,
            "invalid_json",
            None,
            "the body must be a JSON object of parameters with numeric values",
        )),
    }
}

/// `POST /api/select`: the pattern `body` names.
pub fn post_select(body: &[u8]) -> Result<PatternId, Refusal> {
    let (req, _) = serde_json_core::from_slice::<SelectRequest>(body).map_err(|_| {
        refusal(400, "invalid_json", None, "the body must be a JSON object with `index` or `id`")
    })?;
    req.resolve().map_err(|e| match e {
        SelectError::MissingField => {
            refusal(400, "missing_field", Some("index"), "give `index` (a number) or `id` (a string)")
        }
        SelectError::NotFound => refusal(
            404,
            "pattern_not_found",
            None,
            "no such pattern; GET /api/patterns lists them",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(v: &T) -> heapless::String<16384> {
        let mut buf = [0u8; 16384];
        let n = serde_json_core::to_slice(v, &mut buf).unwrap();
        heapless::String::try_from(core::str::from_utf8(&buf[..n]).unwrap()).unwrap()
    }

    #[test]
    fn params_patch_clamps_and_keeps_the_rest() {
        let (patch, _): (ParamsPatch, _) = serde_json_core::from_str(
            r#"{"brightness":0.5,"speed":7,"warmth":-1,"palette_id":40,"dithering":0,"unknown":3}"#,
        )
        .unwrap();
        let p = patch.apply(&Params::DEFAULT);
        assert_eq!(
            (p.brightness, p.speed, p.warmth, p.palette, p.dithering),
            (0.5, 1.0, 0.0, 0, 0)
        );
        assert_eq!(p.color, Params::DEFAULT.color);
        assert!(p.validate().is_ok());
        let body = json(&ParamsBody::from(&p));
        assert!(
            body.starts_with(r#"{"brightness":0.5,"softness":0.25,"#),
            "{body}"
        );
        assert!(body.contains(r#""palette_id":0,"#), "{body}");
        let (none, _): (ParamsPatch, _) =
            serde_json_core::from_str(r#"{"palette_id":33}"#).unwrap();
        assert_eq!(none.apply(&p).palette_index(), None);
        assert!(serde_json_core::from_str::<ParamsPatch>(r#"{"brightness":"x"}"#).is_err());
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
        assert!(patterns.ends_with(r#""current_pattern":3,"count":17}"#), "{patterns}");
        assert!(patterns.contains(r#""is_audio_reactive":"#));
        let palettes = json(&PalettesBody::new());
        assert!(palettes.contains(r#"{"position":0,"r":"#), "{palettes}");
        assert!(palettes.ends_with(r#""count":33}"#));
        assert!(palettes.starts_with(r#"{"palettes":[{"id":0,"key":""#), "{palettes}");
    }

    #[test]
    fn post_bodies_are_checked() {
        let p = post_params(br#"{"brightness":0.25}"#, &Params::DEFAULT).unwrap();
        assert_eq!(p.brightness, 0.25);
        let e = post_params(b"{\"brightness\":", &Params::DEFAULT).unwrap_err();
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
}
