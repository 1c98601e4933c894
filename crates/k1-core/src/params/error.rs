//! [`ParamError`]: what is wrong with a parameter, naming the field.

use core::fmt;

use super::table::{GLOBAL, ParamKind};

/// A parameter that cannot be accepted. Every variant names the field, so the HTTP API can answer
/// `400 {error, field, message}` and the command line can say which `--param` was wrong.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// No parameter has this name. The message lists the valid names.
    #[error("unknown parameter '{name}'; valid: {}", ValidNames(custom_names(.custom)))]
    UnknownName {
        /// The name given (its first 32 bytes).
        name: Name,
        /// The current pattern's custom parameters, listed as valid too.
        custom: &'static [super::CustomParam],
    },
    /// NaN or infinite.
    #[error("{field} must be a finite number")]
    NotFinite {
        /// The field.
        field: &'static str,
    },
    /// Outside the field's range.
    #[error("{field} must be between {min} and {max}, got {value}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value given.
        value: f32,
        /// Smallest allowed value.
        min: f32,
        /// Largest allowed value.
        max: f32,
    },
    /// A text value that does not parse for the field's kind.
    #[error("{field} must be {expected}")]
    BadValue {
        /// The field.
        field: &'static str,
        /// What would have been accepted, in words.
        expected: &'static str,
    },
    /// A switch stored as something other than 0 or 1.
    #[error("{field} must be true or false (stored as 1 or 0), got {value}")]
    NotBool {
        /// The field.
        field: &'static str,
        /// The byte found.
        value: u8,
    },
    /// A palette index that names no palette.
    #[error("{field} must be 0..={} or \"none\", got {value}", crate::palettes::PALETTE_COUNT - 1)]
    NoSuchPalette {
        /// The field (`palette`).
        field: &'static str,
        /// The index found.
        value: u8,
    },
    /// A palette name that names no palette; the message lists them.
    #[error("unknown palette; valid: none, {}", PaletteNames)]
    UnknownPalette {
        /// The field (`palette`).
        field: &'static str,
    },
    /// A choice that is not one of the parameter's labels; the message lists them.
    #[error("{field} must be one of: {}", ValidNames(Labels(labels)))]
    NoSuchChoice {
        /// The field.
        field: &'static str,
        /// The labels it accepts.
        labels: &'static [&'static str],
    },
}

impl ParamError {
    /// The field at fault (the name given, for an unknown one).
    pub fn field(&self) -> &str {
        match self {
            ParamError::UnknownName { name, .. } => name.as_str(),
            ParamError::NotFinite { field }
            | ParamError::OutOfRange { field, .. }
            | ParamError::BadValue { field, .. }
            | ParamError::NotBool { field, .. }
            | ParamError::NoSuchPalette { field, .. }
            | ParamError::UnknownPalette { field }
            | ParamError::NoSuchChoice { field, .. } => field,
        }
    }
}

/// A parameter name kept inside an error without allocating: its first [`Name::CAPACITY`] bytes
/// (cut at a character boundary).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Name {
    bytes: [u8; Name::CAPACITY],
    len: u8,
}

impl Name {
    /// Bytes kept.
    pub const CAPACITY: usize = 32;

    /// Keeps the start of `name`.
    pub fn new(name: &str) -> Name {
        let mut len = name.len().min(Self::CAPACITY);
        while !name.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0; Self::CAPACITY];
        if let (Some(dst), Some(src)) = (bytes.get_mut(..len), name.as_bytes().get(..len)) {
            dst.copy_from_slice(src);
        }
        Name {
            bytes,
            len: len as u8,
        }
    }

    /// The kept name.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.len as usize).unwrap_or(&[]);
        core::str::from_utf8(bytes).unwrap_or("")
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list of names, comma separated.
trait Names {
    fn each(&self, f: &mut dyn FnMut(&str) -> fmt::Result) -> fmt::Result;
}

struct ValidNames<T: Names>(T);

impl<T: Names> fmt::Display for ValidNames<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        self.0.each(&mut |name| {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            f.write_str(name)
        })
    }
}

struct CustomNames(&'static [super::CustomParam]);

fn custom_names(custom: &'static [super::CustomParam]) -> CustomNames {
    CustomNames(custom)
}

impl Names for CustomNames {
    fn each(&self, f: &mut dyn FnMut(&str) -> fmt::Result) -> fmt::Result {
        for p in GLOBAL.iter() {
            if !matches!(p.kind, ParamKind::Custom(_)) {
                f(p.name)?;
            }
        }
        for c in self.0 {
            f(c.name)?;
        }
        for p in GLOBAL.iter() {
            if matches!(p.kind, ParamKind::Custom(_)) {
                f(p.name)?;
            }
        }
        Ok(())
    }
}

struct Labels(&'static [&'static str]);

impl Names for Labels {
    fn each(&self, f: &mut dyn FnMut(&str) -> fmt::Result) -> fmt::Result {
        for l in self.0 {
            f(l)?;
        }
        Ok(())
    }
}

struct PaletteNames;

impl fmt::Display for PaletteNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in crate::palettes::PALETTES.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(p.id)?;
        }
        Ok(())
    }
}
