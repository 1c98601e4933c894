//! FNV-1a, 64-bit: the one small non-cryptographic hash K1 uses wherever it needs a stable
//! fingerprint of some bytes (golden frame checksums, the firmware's host-versus-QEMU checksums,
//! the E1.31 sender's CID). It only has to change when any input bit does, be the same on every
//! target and release, and cost nothing to carry: no tables, no allocation, `const`.
//!
//! ```
//! use k1_core::hash::{Fnv1a, fnv1a};
//!
//! let mut h = Fnv1a::new();
//! h.update(b"foo");
//! h.update(b"bar");
//! assert_eq!(h.value(), fnv1a(b"foobar"));
//! assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
//! ```

/// A running FNV-1a hash (64-bit): feed it bytes in as many pieces as you like; the value is
/// that of all of them in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a(u64);

impl Fnv1a {
    /// FNV's 64-bit offset basis: the hash of no bytes.
    pub const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    /// FNV's 64-bit prime, 2⁴⁰ + 2⁸ + 0xb3.
    pub const PRIME: u64 = 0x0000_0100_0000_01b3;

    /// The hash of no bytes.
    pub const fn new() -> Fnv1a {
        Fnv1a(Self::OFFSET_BASIS)
    }

    /// A hash that starts from `basis` instead of the offset basis: a second, independent
    /// hash of the same bytes (as for the 128 bits of a CID).
    pub const fn with_basis(basis: u64) -> Fnv1a {
        Fnv1a(basis)
    }

    /// Mixes `bytes` in, one at a time: xor, then multiply by the prime.
    #[inline]
    pub const fn update(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut i = 0;
        while i < bytes.len() {
            h = (h ^ bytes[i] as u64).wrapping_mul(Self::PRIME);
            i += 1;
        }
        self.0 = h;
    }

    /// The hash of everything so far.
    pub const fn value(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

/// As a [`core::hash::Hasher`], e.g. for a `HashMap` keyed by short strings on a host.
impl core::hash::Hasher for Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.value()
    }
}

/// The FNV-1a hash (64-bit) of `bytes`.
pub const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::new();
    h.update(bytes);
    h.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published FNV-1a 64 test vectors (Fowler, Noll and Vo's `test_fnv.c`).
    #[test]
    fn known_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
        const AT_COMPILE_TIME: u64 = fnv1a(b"a");
        assert_eq!(AT_COMPILE_TIME, 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn pieces_and_bases() {
        let mut h = Fnv1a::default();
        for piece in [&b"fo"[..], b"", b"ob", b"ar"] {
            h.update(piece);
        }
        assert_eq!(h.value(), fnv1a(b"foobar"));
        assert_eq!(core::hash::Hasher::finish(&h), h.value());
        let mut other = Fnv1a::with_basis(1);
        other.update(b"foobar");
        assert_ne!(other.value(), h.value());
        assert_eq!(Fnv1a::with_basis(Fnv1a::OFFSET_BASIS), Fnv1a::new());
    }
}
