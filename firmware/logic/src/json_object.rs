//! A reader for the flat JSON objects the API's POST bodies are: `{"key": value, ...}` where a
//! value is a number, `true`, `false`, `null`, a string without escapes, or one nested object
//! of the same kind (`pattern_params`). serde-json-core, which the rest of the API uses, cannot
//! read a value whose type the key does not fix (it has no `deserialize_any`), and the host's
//! API takes either a number or a boolean or a name for the same key; hence this reader.
//!
//! It never panics and never allocates: [`Entries`] walks the bytes once, and any malformed
//! input ends it with [`Malformed`].

/// One value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum JsonValue<'a> {
    /// A finite number.
    Number(f32),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A string's contents (no escapes).
    Str(&'a str),
    /// A nested object's text, braces included; read it with [`Entries::new`].
    Object(&'a [u8]),
}

/// The body is not a flat JSON object of the kind above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed;

/// The entries of an object, in order.
pub struct Entries<'a> {
    bytes: &'a [u8],
    at: usize,
    done: bool,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'a> Entries<'a> {
    /// Starts reading `bytes`, which must hold one object and nothing else but whitespace.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Malformed> {
        let mut e = Entries {
            bytes,
            at: 0,
            done: false,
        };
        e.skip_space();
        e.expect(b'{')?;
        e.skip_space();
        if e.peek() == Some(b'}') {
            e.at += 1;
            e.finish()?;
        }
        Ok(e)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.at += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Malformed> {
        if self.peek() == Some(b) {
            self.at += 1;
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    /// After the closing brace: only whitespace may follow.
    fn finish(&mut self) -> Result<(), Malformed> {
        self.done = true;
        self.skip_space();
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    fn string(&mut self) -> Result<&'a str, Malformed> {
        self.expect(b'"')?;
        let start = self.at;
        loop {
            match self.peek() {
                Some(b'"') => break,
                Some(b'\\') | None => return Err(Malformed),
                Some(c) if c < 0x20 => return Err(Malformed),
                Some(_) => self.at += 1,
            }
        }
        let text = core::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| Malformed)?;
        self.at += 1;
        Ok(text)
    }

    fn word(&mut self, w: &[u8]) -> Result<(), Malformed> {
        match self.bytes.get(self.at..self.at + w.len()) {
            Some(s) if s == w => {
                self.at += w.len();
                Ok(())
            }
            _ => Err(Malformed),
        }
    }

    fn number(&mut self) -> Result<f32, Malformed> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.at += 1;
        }
        let text = core::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| Malformed)?;
        match text.parse::<f32>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(Malformed),
        }
    }

    /// A nested object, skipped over (one level only, no strings with braces needed here).
    fn object(&mut self) -> Result<&'a [u8], Malformed> {
        let start = self.at;
        self.expect(b'{')?;
        loop {
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    let inner = &self.bytes[start..self.at];
                    // Check it now, so the caller's reading of it cannot fail differently.
                    for item in Entries::new(inner)? {
                        if matches!(item?.1, JsonValue::Object(_)) {
                            return Err(Malformed);
                        }
                    }
                    return Ok(inner);
                }
                Some(b'{') | None => return Err(Malformed),
                Some(b'"') => {
                    self.string()?;
                }
                Some(_) => self.at += 1,
            }
        }
    }

    fn value(&mut self) -> Result<JsonValue<'a>, Malformed> {
        Ok(match self.peek().ok_or(Malformed)? {
            b'"' => JsonValue::Str(self.string()?),
            b't' => self.word(b"true").map(|()| JsonValue::Bool(true))?,
            b'f' => self.word(b"false").map(|()| JsonValue::Bool(false))?,
            b'n' => self.word(b"null").map(|()| JsonValue::Null)?,
            b'{' => JsonValue::Object(self.object()?),
            _ => JsonValue::Number(self.number()?),
        })
    }

    fn entry(&mut self) -> Result<(&'a str, JsonValue<'a>), Malformed> {
        self.skip_space();
        let key = self.string()?;
        self.skip_space();
        self.expect(b':')?;
        self.skip_space();
        let value = self.value()?;
        self.skip_space();
        match self.peek() {
            Some(b',') => self.at += 1,
            Some(b'}') => {
                self.at += 1;
                self.finish()?;
            }
            _ => return Err(Malformed),
        }
        Ok((key, value))
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<(&'a str, JsonValue<'a>), Malformed>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.entry();
        if item.is_err() {
            self.done = true;
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    fn all(text: &[u8]) -> Result<Vec<(&str, JsonValue<'_>)>, Malformed> {
        Entries::new(text)?.collect()
    }

    #[test]
    fn reads_every_kind_of_value() {
        let got = all(
            br#" {"a": 0.5, "b":true,"c" : false, "d":null, "e":"Ocean", "f":-1e2,
            "g": {"style": "wave", "x": 3}} "#,
        )
        .unwrap();
        assert_eq!(got.len(), 7);
        assert_eq!(got[0], ("a", JsonValue::Number(0.5)));
        assert_eq!(got[1], ("b", JsonValue::Bool(true)));
        assert_eq!(got[3], ("d", JsonValue::Null));
        assert_eq!(got[4], ("e", JsonValue::Str("Ocean")));
        assert_eq!(got[5], ("f", JsonValue::Number(-100.0)));
        let JsonValue::Object(inner) = got[6].1 else {
            panic!()
        };
        assert_eq!(all(inner).unwrap()[0], ("style", JsonValue::Str("wave")));
        assert_eq!(all(b"{}").unwrap(), []);
    }

    #[test]
    fn refuses_what_it_does_not_read() {
        for bad in [
            &b""[..],
            b"[]",
            b"{",
            b"{\"a\"}",
            b"{\"a\":}",
            b"{\"a\":1,}",
            b"{\"a\":1} x",
            b"{\"a\":tru}",
            b"{\"a\":1e99}",
            b"{\"a\":\"x\\\"\"}",
            b"{\"a\":[1]}",
            b"{\"a\":{\"b\":{}}}",
            b"{a:1}",
            b"{\"a\":1 \"b\":2}",
            b"{\"a\":\"\xff\"}",
        ] {
            assert!(all(bad).is_err(), "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let seed = br#"{"brightness":0.5,"mirror":true,"palette_id":null,"pattern_params":{"style":"wave"}}"#;
        let mut x = 0x1234_5678u32;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let mut v = seed.to_vec();
            let n = (x % 4 + 1) as usize;
            for k in 0..n {
                let at = (x.rotate_left(7 * k as u32) as usize) % v.len();
                v[at] = (x >> (8 * k)) as u8;
            }
            v.truncate((x as usize >> 3) % (v.len() + 1));
            let _ = all(&v);
        }
    }
}
