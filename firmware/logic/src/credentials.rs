//! Wi-Fi credentials and the provisioning page's form: `application/x-www-form-urlencoded`
//! with `ssid` and `password`, decoded and checked against what WPA2 accepts.

use heapless::String;

/// Longest SSID, in bytes (802.11).
pub const MAX_SSID: usize = 32;
/// Longest password: a 64-digit hex PSK.
pub const MAX_PASSWORD: usize = 64;

/// The network the station joins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// Network name, 1..=32 bytes.
    pub ssid: String<MAX_SSID>,
    /// Empty for an open network, else an 8..=63 character passphrase or 64 hex digits.
    pub password: String<MAX_PASSWORD>,
}

/// Why a submitted form was refused. Each names what the user must fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormError {
    /// No `ssid` field, or an empty one.
    MissingSsid,
    /// The SSID is longer than 32 bytes.
    SsidTooLong,
    /// The password is not empty, 8..=63 characters, or 64 hex digits.
    BadPassword,
    /// A `%` escape is malformed, or the text is not UTF-8.
    BadEncoding,
}

impl FormError {
    /// A sentence for the page.
    pub fn message(self) -> &'static str {
        match self {
            FormError::MissingSsid => "enter the network name",
            FormError::SsidTooLong => "the network name is longer than 32 bytes",
            FormError::BadPassword => {
                "the password must be empty (open network), 8 to 63 characters, or 64 hex digits"
            }
            FormError::BadEncoding => "the form was not encoded correctly",
        }
    }
}

impl Credentials {
    /// Checks and builds credentials.
    pub fn new(ssid: &str, password: &str) -> Result<Credentials, FormError> {
        if ssid.is_empty() {
            return Err(FormError::MissingSsid);
        }
        let ssid = String::try_from(ssid).map_err(|_| FormError::SsidTooLong)?;
        let ok = match password.len() {
            0 => true,
            8..=63 => password.bytes().all(|b| (0x20..0x7f).contains(&b)),
            64 => password.bytes().all(|b| b.is_ascii_hexdigit()),
            _ => false,
        };
        if !ok {
            return Err(FormError::BadPassword);
        }
        let password = String::try_from(password).map_err(|_| FormError::BadPassword)?;
        Ok(Credentials { ssid, password })
    }

    /// Parses the provisioning form's body. Unknown fields are ignored.
    pub fn from_form(body: &[u8]) -> Result<Credentials, FormError> {
        let mut ssid: Option<String<MAX_SSID>> = None;
        let mut password: String<MAX_PASSWORD> = String::new();
        for pair in body.split(|&b| b == b'&') {
            let mut kv = pair.splitn(2, |&b| b == b'=');
            let key = kv.next().unwrap_or_default();
            let value = kv.next().unwrap_or_default();
            match key {
                b"ssid" => {
                    let mut s = String::<MAX_SSID>::new();
                    decode_into(value, &mut s).map_err(|e| match e {
                        Decode::Encoding => FormError::BadEncoding,
                        Decode::Full => FormError::SsidTooLong,
                    })?;
                    ssid = Some(s);
                }
                b"password" => {
                    password.clear();
                    decode_into(value, &mut password).map_err(|e| match e {
                        Decode::Encoding => FormError::BadEncoding,
                        Decode::Full => FormError::BadPassword,
                    })?;
                }
                _ => {}
            }
        }
        let ssid = ssid.ok_or(FormError::MissingSsid)?;
        Credentials::new(&ssid, &password)
    }
}

enum Decode {
    Encoding,
    Full,
}

/// URL-decodes `raw` (`+` is a space, `%XX` a byte) into `out`; the result must be UTF-8.
fn decode_into<const N: usize>(raw: &[u8], out: &mut String<N>) -> Result<(), Decode> {
    let mut bytes = heapless::Vec::<u8, N>::new();
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        let byte = match b {
            b'+' => {
                i += 1;
                b' '
            }
            b'%' => {
                let hex = raw.get(i + 1..i + 3).ok_or(Decode::Encoding)?;
                let text = core::str::from_utf8(hex).map_err(|_| Decode::Encoding)?;
                i += 3;
                u8::from_str_radix(text, 16).map_err(|_| Decode::Encoding)?
            }
            b => {
                i += 1;
                b
            }
        };
        bytes.push(byte).map_err(|_| Decode::Full)?;
    }
    let text = core::str::from_utf8(&bytes).map_err(|_| Decode::Encoding)?;
    out.push_str(text).map_err(|_| Decode::Full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_encoded_form() {
        let c =
            Credentials::from_form(b"ssid=Caf%C3%A9+Wi-Fi&password=hunter2%26more&x=1").unwrap();
        assert_eq!(c.ssid.as_str(), "Café Wi-Fi");
        assert_eq!(c.password.as_str(), "hunter2&more");
        let open = Credentials::from_form(b"password=&ssid=guest").unwrap();
        assert_eq!((open.ssid.as_str(), open.password.as_str()), ("guest", ""));
    }

    #[test]
    fn refuses_what_wpa2_would() {
        let f = Credentials::from_form;
        assert_eq!(f(b"password=12345678"), Err(FormError::MissingSsid));
        assert_eq!(f(b"ssid=&password=12345678"), Err(FormError::MissingSsid));
        assert_eq!(f(b"ssid=home&password=short"), Err(FormError::BadPassword));
        assert_eq!(
            f(&[b"ssid=home&password=".as_slice(), &[b'a'; 64]].concat()),
            Ok(Credentials::new("home", core::str::from_utf8(&[b'a'; 64]).unwrap()).unwrap())
        );
        assert_eq!(
            f(&[b"ssid=home&password=".as_slice(), &[b'g'; 64]].concat()),
            Err(FormError::BadPassword)
        );
        assert_eq!(
            f(&[b"ssid=".as_slice(), &[b'n'; 33]].concat()),
            Err(FormError::SsidTooLong)
        );
        assert_eq!(f(b"ssid=a%zz"), Err(FormError::BadEncoding));
        assert_eq!(f(b"ssid=a%4"), Err(FormError::BadEncoding));
        assert_eq!(f(b"ssid=%ff%fe"), Err(FormError::BadEncoding));
    }
}
