//! Hashing for the scanner: a stable 64-bit hash (dedup keys and index checksums, which are
//! persisted, so it must not change between builds the way `std`'s `DefaultHasher` may), and a
//! fast `Hasher` for in-memory maps keyed by such hashes or small integers.

use std::hash::{BuildHasherDefault, Hasher};

const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;
const P2: u64 = 0x8ebc_6af0_9c88_c6e3;

/// Multiply and fold (the wyhash primitive).
#[inline]
fn mum(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

/// A stable 64-bit hash of `bytes` with a `seed` (wyhash-style; not cryptographic).
pub fn hash64(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ P0;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mum(h ^ u64::from_le_bytes(w) ^ P1, P2);
    }
    let rest = chunks.remainder();
    let mut w = [0u8; 8];
    w[..rest.len()].copy_from_slice(rest);
    h = mum(h ^ u64::from_le_bytes(w) ^ P1, P2 ^ rest.len() as u64);
    mum(h ^ bytes.len() as u64, P0 ^ P2)
}

/// Hash of several byte strings, unambiguous (each part is length-prefixed by its hash chain).
pub fn hash_parts(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .fold(0x5eed_u64, |h, p| hash64(h, p).wrapping_add(p.len() as u64))
}

/// A fast hasher for keys that are already well mixed (dedup hashes) or small integer tuples.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash64(self.0, bytes);
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = mum(self.0 ^ n ^ P1, P2);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    #[inline]
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// `BuildHasher` for [`FastHasher`].
pub type Fast = BuildHasherDefault<FastHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    const PINNED: u64 = 0xc5a846fb7452b9cf;

    #[test]
    fn stable_and_sensitive() {
        // Pinned: the index persists these values, so a change must bump the index version.
        assert_eq!(hash64(0, b""), hash64(0, b""));
        assert_ne!(hash64(0, b"a"), hash64(0, b"b"));
        assert_ne!(hash64(0, b"a"), hash64(1, b"a"));
        assert_ne!(hash64(0, b"abcdefgh"), hash64(0, b"abcdefgh\0"));
        assert_ne!(hash_parts(&[b"ab", b"c"]), hash_parts(&[b"a", b"bc"]));
        assert_eq!(hash64(7, b"msg_01/req_01"), PINNED);
        let mut seen = std::collections::HashSet::new();
        for i in 0..100_000u32 {
            assert!(seen.insert(hash64(0, format!("msg_{i}").as_bytes())));
        }
    }
}
