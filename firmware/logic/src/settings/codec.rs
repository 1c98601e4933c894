//! [`Settings`] and its record format: a sequence of `tag, len, bytes` fields. Unknown tags and
//! values that do not parse are skipped, so a record from another firmware version loads.

use core::fmt::Write;

use heapless::String;
use k1_core::params::{GLOBAL, Params, Value};
use k1_core::render::PatternId;

use crate::credentials::Credentials;
use crate::mic::{MicFormat, Slot};

/// Largest encoded record, in bytes.
pub const MAX_ENCODED: usize = 1024;

const TAG_PARAM: u8 = 1;
const TAG_PATTERN: u8 = 2;
const TAG_SSID: u8 = 3;
const TAG_PASSWORD: u8 = 4;
const TAG_TRIAL_BOOTS: u8 = 5;
const TAG_MIC_SLOT: u8 = 6;
const TAG_MIC_LATE_BIT: u8 = 7;

/// Everything the device keeps across power cycles.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The look.
    pub params: Params,
    /// The pattern showing.
    pub pattern: PatternId,
    /// The network to join, if one was set up.
    pub wifi: Option<Credentials>,
    /// Boots of a new OTA image that have not yet confirmed it (see `ota::trial`).
    pub trial_boots: u8,
    /// How the microphone is read (its slot; see [`crate::mic`]).
    pub mic: MicFormat,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            params: Params::DEFAULT,
            pattern: PatternId::Spectrum,
            wifi: None,
            trial_boots: 0,
            mic: MicFormat::DEFAULT,
        }
    }
}

/// A full output buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

struct Writer<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn field(&mut self, tag: u8, data: &[u8]) -> Result<(), Full> {
        let len = u8::try_from(data.len()).map_err(|_| Full)?;
        let end = self.len + 2 + data.len();
        let dst = self.out.get_mut(self.len..end).ok_or(Full)?;
        dst[0] = tag;
        dst[1] = len;
        dst[2..].copy_from_slice(data);
        self.len = end;
        Ok(())
    }
}

impl Settings {
    /// Encodes into `out`; returns the length used.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Full> {
        let mut w = Writer { out, len: 0 };
        for info in GLOBAL.iter() {
            let mut text = String::<64>::new();
            let value = self.params.get(info.name, &[]).ok_or(Full)?;
            match value {
                Value::Number(x) => write!(text, "{}={}", info.name, x),
                Value::Bool(b) => write!(text, "{}={}", info.name, b),
                Value::Text(t) => write!(text, "{}={}", info.name, t),
            }
            .map_err(|_| Full)?;
            w.field(TAG_PARAM, text.as_bytes())?;
        }
        w.field(TAG_PATTERN, self.pattern.info().id.as_bytes())?;
        if let Some(c) = &self.wifi {
            w.field(TAG_SSID, c.ssid.as_bytes())?;
            w.field(TAG_PASSWORD, c.password.as_bytes())?;
        }
        w.field(TAG_TRIAL_BOOTS, &[self.trial_boots])?;
        w.field(TAG_MIC_SLOT, self.mic.slot.as_str().as_bytes())?;
        w.field(TAG_MIC_LATE_BIT, &[u8::from(self.mic.late_bit)])?;
        Ok(w.len)
    }

    /// Decodes a record. Fields that do not parse keep their defaults; this never fails.
    pub fn decode(mut bytes: &[u8]) -> Settings {
        let mut s = Settings::default();
        let (mut ssid, mut password) = (None, "");
        while let [tag, len, rest @ ..] = bytes {
            let Some(data) = rest.get(..*len as usize) else {
                break;
            };
            bytes = &rest[*len as usize..];
            let text = core::str::from_utf8(data).ok();
            match (*tag, text) {
                (TAG_PARAM, Some(t)) => {
                    if let Some((name, value)) = t.split_once('=') {
                        // A value this firmware does not accept keeps the default.
                        let _ = s.params.set(name, value, &[]);
                    }
                }
                (TAG_PATTERN, Some(t)) => {
                    if let Some(p) = PatternId::find(t) {
                        s.pattern = p;
                    }
                }
                (TAG_SSID, Some(t)) => ssid = Some(t),
                (TAG_PASSWORD, Some(t)) => password = t,
                (TAG_TRIAL_BOOTS, _) => s.trial_boots = data.first().copied().unwrap_or(0),
                (TAG_MIC_SLOT, Some("left")) => s.mic.slot = Slot::Left,
                (TAG_MIC_SLOT, Some("right")) => s.mic.slot = Slot::Right,
                (TAG_MIC_LATE_BIT, _) => s.mic.late_bit = data.first() == Some(&1),
                _ => {}
            }
        }
        s.wifi = ssid.and_then(|ssid| Credentials::new(ssid, password).ok());
        s
    }
}
