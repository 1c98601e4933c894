//! The update key: the 32-byte ed25519 public key that an update's signature must verify
//! against, given to the firmware build as 64 hex digits (`K1_OTA_PUBLIC_KEY`, printed by
//! `k1-ota-sign keygen`) and decoded at compile time, so a malformed key fails the build.

/// Decodes 64 hex digits (either case) into a key. `None` for any other length or a non-hex
/// character. A `const fn`, so `option_env!` can feed it in a `const`.
pub const fn parse_public_key_hex(hex: &str) -> Option<[u8; 32]> {
    let b = hex.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let (Some(hi), Some(lo)) = (nibble(b[2 * i]), nibble(b[2 * i + 1])) else {
            return None;
        };
        key[i] = hi << 4 | lo;
        i += 1;
    }
    Some(key)
}

const fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn decodes_64_hex_digits_and_nothing_else() {
        let hex = "00ff10AbcdEF0123456789abcdef0123456789ABCDEF0123456789abcdef0102";
        let key = parse_public_key_hex(hex).unwrap();
        assert_eq!(&key[..4], &[0x00, 0xff, 0x10, 0xab]);
        assert_eq!(key[31], 0x02);
        assert_eq!(parse_public_key_hex(&hex[..62]), None);
        assert_eq!(parse_public_key_hex(&[hex, "00"].concat()), None);
        let bad = hex.replace('A', "g");
        assert_eq!(parse_public_key_hex(&bad), None);
        assert_eq!(parse_public_key_hex(""), None);
    }
}
