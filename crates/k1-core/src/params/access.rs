//! Changing and reading one parameter by name: [`Params::set`], [`Params::set_value`],
//! [`Params::get`].

use super::{CustomParam, GLOBAL, Name, PALETTE_NONE, ParamError, ParamKind, Params, check_float};
use crate::palettes::{self, PALETTE_COUNT};

/// A parameter value as the API or the command line gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A number: a float, a palette index, a choice index or a switch as 0/1.
    Number(f32),
    /// A switch.
    Bool(bool),
    /// Text: a palette or choice name, `none`, or a number or switch written out.
    Text(&'a str),
}

impl Params {
    /// Sets the parameter `name` from text, as `--param name=value` gives it.
    ///
    /// Floats take a number; switches take `true`/`false`, `on`/`off`, `yes`/`no` or `1`/`0`; the
    /// palette takes an index, a palette name or id, or `none`; a custom parameter of the current
    /// pattern (`custom`) takes a value in its own range or one of its labels; `custom_param_N`
    /// takes the raw slot value 0..=1. Nothing changes on error.
    pub fn set(
        &mut self,
        name: &str,
        text: &str,
        custom: &'static [CustomParam],
    ) -> Result<(), ParamError> {
        self.set_value(name, Value::Text(text.trim()), custom)
    }

    /// Sets the parameter `name` to `value` (see [`Params::set`]). Nothing changes on error.
    pub fn set_value(
        &mut self,
        name: &str,
        value: Value<'_>,
        custom: &'static [CustomParam],
    ) -> Result<(), ParamError> {
        if let Some(c) = custom.iter().find(|c| c.name == name) {
            let x = custom_slot(c, value)?;
            if let Some(slot) = self.custom.get_mut(c.slot) {
                *slot = x;
            }
            return Ok(());
        }
        let Some(info) = GLOBAL.iter().find(|p| p.name == name) else {
            return Err(ParamError::UnknownName {
                name: Name::new(name),
                custom,
            });
        };
        let field = info.name;
        match info.kind {
            ParamKind::Float { min, max, .. } => {
                let v = number(field, value, "a number")?;
                check_float(field, v, min, max)?;
                if let Some(f) = self.float_mut(field) {
                    *f = v;
                }
            }
            ParamKind::Custom(slot) => {
                let v = number(field, value, "a number from 0 to 1")?;
                check_float(field, v, 0.0, 1.0)?;
                if let Some(f) = self.custom.get_mut(slot) {
                    *f = v;
                }
            }
            ParamKind::Bool { .. } => {
                let b = boolean(field, value)?;
                if let Some(s) = self.switch_mut(field) {
                    *s = u8::from(b);
                }
            }
            ParamKind::Palette => self.palette = palette(field, value)?,
        }
        Ok(())
    }

    /// The value of the parameter `name` (a custom one of `custom` in its own range, or its label),
    /// or `None` if there is no such parameter.
    pub fn get(&self, name: &str, custom: &'static [CustomParam]) -> Option<Value<'static>> {
        if let Some(c) = custom.iter().find(|c| c.name == name) {
            return Some(match c.labels.get(c.choice(self)) {
                Some(label) if !c.labels.is_empty() => Value::Text(label),
                _ => Value::Number(c.value(self)),
            });
        }
        let info = GLOBAL.iter().find(|p| p.name == name)?;
        Some(match info.kind {
            ParamKind::Float { .. } => Value::Number(self.float(info.name)?),
            ParamKind::Custom(slot) => Value::Number(*self.custom.get(slot)?),
            ParamKind::Bool { .. } => Value::Bool(self.switch(info.name)? != 0),
            ParamKind::Palette => match self.palette_index() {
                Some(i) => Value::Number(i as f32),
                None => Value::Text("none"),
            },
        })
    }
}

fn parse_number(text: &str) -> Option<f32> {
    text.parse::<f32>().ok()
}

fn number(
    field: &'static str,
    value: Value<'_>,
    expected: &'static str,
) -> Result<f32, ParamError> {
    match value {
        Value::Number(v) => Ok(v),
        Value::Bool(_) => Err(ParamError::BadValue { field, expected }),
        Value::Text(t) => parse_number(t).ok_or(ParamError::BadValue { field, expected }),
    }
}

fn boolean(field: &'static str, value: Value<'_>) -> Result<bool, ParamError> {
    let bad = ParamError::BadValue {
        field,
        expected: "true or false",
    };
    match value {
        Value::Bool(b) => Ok(b),
        Value::Number(0.0) => Ok(false),
        Value::Number(1.0) => Ok(true),
        Value::Number(_) => Err(bad),
        Value::Text(t) => {
            const TRUE: [&str; 4] = ["true", "on", "yes", "1"];
            const FALSE: [&str; 4] = ["false", "off", "no", "0"];
            if TRUE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
                Ok(true)
            } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
                Ok(false)
            } else {
                Err(bad)
            }
        }
    }
}

fn palette(field: &'static str, value: Value<'_>) -> Result<u8, ParamError> {
    let index = |v: f32| -> Result<u8, ParamError> {
        if v == libm::truncf(v) && v >= 0.0 && v < PALETTE_COUNT as f32 {
            Ok(v as u8)
        } else {
            Err(ParamError::BadValue {
                field,
                expected: "a palette index 0..=32, a palette name, or none",
            })
        }
    };
    match value {
        Value::Number(v) => index(v),
        Value::Bool(_) => index(f32::NAN),
        Value::Text(t) if t.eq_ignore_ascii_case("none") => Ok(PALETTE_NONE),
        Value::Text(t) => match parse_number(t) {
            Some(v) => index(v),
            None => palettes::find(t)
                .map(|i| i as u8)
                .ok_or(ParamError::UnknownPalette { field }),
        },
    }
}

fn custom_slot(c: &CustomParam, value: Value<'_>) -> Result<f32, ParamError> {
    let field = c.name;
    if !c.labels.is_empty() {
        let choice = match value {
            Value::Text(t) => match c.labels.iter().position(|l| l.eq_ignore_ascii_case(t)) {
                Some(i) => Some(i),
                None => parse_number(t).and_then(as_index),
            },
            Value::Number(v) => as_index(v),
            Value::Bool(_) => None,
        };
        return choice
            .and_then(|i| c.slot_for_choice(i))
            .ok_or(ParamError::NoSuchChoice {
                field,
                labels: c.labels,
            });
    }
    let v = number(field, value, "a number")?;
    if !v.is_finite() {
        return Err(ParamError::NotFinite { field });
    }
    c.slot_for(v).ok_or(ParamError::OutOfRange {
        field,
        value: v,
        min: c.min.min(c.max),
        max: c.max.max(c.min),
    })
}

fn as_index(v: f32) -> Option<usize> {
    (v == libm::truncf(v) && (0.0..256.0).contains(&v)).then_some(v as usize)
}
