//! The E1.31 CID (a sender's UUID): derived from the machine and the output's URL, so it stays
//! the same across restarts without a state file, or given explicitly as `cid=`.

use k1_core::hash::Fnv1a;

/// A name-based CID: FNV-1a over this machine's id (`/etc/machine-id`, else the host name) and
/// `url`, marked as a version-8 (custom) RFC 9562 UUID. The same machine and URL give the same
/// CID on every run; another URL or machine gives another.
pub fn derived(url: &str) -> [u8; 16] {
    let machine = std::fs::read_to_string("/etc/machine-id")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap_or_default();
    from_name(machine.trim(), url)
}

/// The CID for `machine` and `url`.
pub fn from_name(machine: &str, url: &str) -> [u8; 16] {
    // Two FNV-1a hashes of the same bytes from two bases: 128 bits.
    let hash = |basis: u64| {
        let mut h = Fnv1a::with_basis(basis);
        h.update(machine.as_bytes());
        h.update(&[0]);
        h.update(url.as_bytes());
        h.value()
    };
    let mut cid = [0u8; 16];
    cid[..8].copy_from_slice(&hash(Fnv1a::OFFSET_BASIS).to_be_bytes());
    cid[8..].copy_from_slice(&hash(0x6C62_272E_07BB_0142).to_be_bytes());
    cid[6] = (cid[6] & 0x0F) | 0x80;
    cid[8] = (cid[8] & 0x3F) | 0x80;
    cid
}

/// A UUID in hex, with or without hyphens.
pub fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let hex: Vec<u8> = text.bytes().filter(|b| *b != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        let a = from_name("m1", "e131://10.0.0.1");
        assert_eq!(a, from_name("m1", "e131://10.0.0.1"));
        assert_ne!(a, from_name("m2", "e131://10.0.0.1"));
        assert_ne!(a, from_name("m1", "e131://10.0.0.2"));
        assert_eq!(a[6] >> 4, 8);
        assert_eq!(derived("x"), derived("x"));
    }

    /// A receiver knows a sender by its CID: the same machine and URL must keep giving the same
    /// one across K1 releases, not only across runs.
    #[test]
    fn the_same_cid_as_every_earlier_release() {
        let want = parse_uuid("550468aa-4ea3-8d9d-8d96-222e5a1f1d4e").unwrap();
        assert_eq!(from_name("m1", "e131://10.0.0.1"), want);
    }

    #[test]
    fn uuids_parse() {
        let u = parse_uuid("01234567-89ab-cdef-0123-456789ABCDEF").unwrap();
        assert_eq!((u[0], u[15]), (0x01, 0xEF));
        assert!(parse_uuid("0123").is_none());
        assert!(parse_uuid("zz234567-89ab-cdef-0123-456789ABCDEF").is_none());
    }
}
