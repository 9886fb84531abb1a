//! The persistent scan index (`<cache dir>/report-index/`): per transcript file its identity
//! (device + inode), size, mtime, the offset after its last complete line, a hash of the bytes
//! before that offset, and its deduplicated requests. A repeat scan reads only what was appended
//! since; cross-file deduplication still works because requests, not sums, are stored.
//!
//! The index is a cache and never needed for a correct answer: it is split into shards (by a hash
//! of the file path) so that an append to one transcript rewrites one small shard, each shard is
//! written atomically with a version and a checksum, and a shard that is missing, from another
//! version, truncated or corrupt is ignored (its files are rescanned and the shard rewritten).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::file::{FileData, Req};
use super::hash::hash64;
use crate::fsutil;
use crate::usage::Tokens;

/// Bump when the format or the meaning of stored data (parsing or dedup rules) changes.
pub const INDEX_VERSION: u32 = 1;
/// Number of shard files.
pub const SHARDS: usize = 16;
const MAGIC: &[u8; 8] = b"CCBRIDX\0";
const HEADER: usize = 8 + 4 + 8 + 8;
const CHECK_SEED: u64 = 0x1dec_0de5;

/// What the index knows about one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileEntry {
    /// The path as bytes (Unix `OsStr`).
    pub path: Vec<u8>,
    pub dev: u64,
    pub ino: u64,
    /// Size when last scanned.
    pub size: u64,
    /// Modification time when last scanned (ns since the epoch).
    pub mtime_ns: i64,
    /// Offset after the last complete line; the next scan starts here.
    pub offset: u64,
    /// Hash of the (up to) [`TAIL_CHECK`] bytes before `offset`: a file replaced by another of
    /// at least the same size under the same inode is caught by a mismatch here.
    pub tail_hash: u64,
    pub data: FileData,
}

/// Bytes before `offset` covered by `tail_hash`.
pub const TAIL_CHECK: usize = 64;

/// Which shard a path belongs to.
pub fn shard_of(path: &[u8]) -> usize {
    (hash64(0x5a4d, path) % SHARDS as u64) as usize
}

/// The shard file name.
pub fn shard_path(dir: &Path, shard: usize) -> std::path::PathBuf {
    dir.join(format!("shard-{shard:02}.bin"))
}

/// What loading found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: HashMap<Vec<u8>, FileEntry>,
    /// Shards that exist and were read correctly.
    pub good: [bool; SHARDS],
    /// Shards that exist but could not be used (bad version, checksum, truncated).
    pub bad: usize,
}

/// Loads every shard it can; never fails (a bad shard is just not used).
pub fn load(dir: &Path) -> Loaded {
    let mut out = Loaded::default();
    for s in 0..SHARDS {
        let Ok(bytes) = std::fs::read(shard_path(dir, s)) else {
            continue;
        };
        match decode(&bytes) {
            Ok(files) => {
                out.good[s] = true;
                for f in files {
                    if shard_of(&f.path) == s {
                        out.files.insert(f.path.clone(), f);
                    }
                }
            }
            Err(_) => out.bad += 1,
        }
    }
    out
}

/// Writes one shard atomically.
pub fn save_shard(dir: &Path, shard: usize, files: &[&FileEntry]) -> Result<()> {
    let bytes = encode(files);
    fsutil::write_atomic(&shard_path(dir, shard), &bytes)
        .with_context(|| format!("cannot write the report index in {}", dir.display()))
}

/// Encodes a shard.
pub fn encode(files: &[&FileEntry]) -> Vec<u8> {
    let mut p = Vec::with_capacity(files.iter().map(|f| 64 + f.data.reqs.len() * 24).sum());
    put(&mut p, files.len() as u64);
    for f in files {
        put_bytes(&mut p, &f.path);
        put(&mut p, f.dev);
        put(&mut p, f.ino);
        put(&mut p, f.size);
        put(&mut p, zigzag(f.mtime_ns));
        put(&mut p, f.offset);
        p.extend_from_slice(&f.tail_hash.to_le_bytes());
        let d = &f.data;
        put(&mut p, d.malformed);
        put(&mut p, d.synthetic);
        put(&mut p, d.oversized);
        put(&mut p, d.strings.len() as u64);
        for s in &d.strings {
            put_bytes(&mut p, s.as_bytes());
        }
        put(&mut p, d.reqs.len() as u64);
        // Timestamps are stored as deltas: requests come in time order, so most fit one or two
        // bytes.
        let mut prev_ts = 0i64;
        for r in &d.reqs {
            p.extend_from_slice(&r.key.to_le_bytes());
            put(&mut p, zigzag(r.ts_ms.wrapping_sub(prev_ts)));
            prev_ts = r.ts_ms;
            for v in [r.priced, r.model, r.session, r.cwd, r.branch] {
                put(&mut p, u64::from(v));
            }
            let t = &r.tokens;
            for v in [
                t.input,
                t.output,
                t.cache_write_5m,
                t.cache_write_1h,
                t.cache_read,
                t.web_search_requests,
            ] {
                put(&mut p, v);
            }
        }
    }
    let mut out = Vec::with_capacity(HEADER + p.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&INDEX_VERSION.to_le_bytes());
    out.extend_from_slice(&(p.len() as u64).to_le_bytes());
    out.extend_from_slice(&hash64(CHECK_SEED, &p).to_le_bytes());
    out.extend_from_slice(&p);
    out
}

/// Decodes a shard, checking magic, version, length and checksum.
pub fn decode(bytes: &[u8]) -> Result<Vec<FileEntry>> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        bail!("not a report index shard");
    }
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap_or([0; 4]));
    let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
    if u32_at(8) != INDEX_VERSION {
        bail!("report index version {} (want {INDEX_VERSION})", u32_at(8));
    }
    let len = u64_at(12);
    let payload = &bytes[HEADER..];
    if payload.len() as u64 != len {
        bail!("report index shard is truncated");
    }
    if hash64(CHECK_SEED, payload) != u64_at(20) {
        bail!("report index shard checksum mismatch");
    }
    let mut d = Dec { b: payload, i: 0 };
    let n = d.count()?;
    let mut files = Vec::with_capacity(n);
    for _ in 0..n {
        let path = d.bytes()?.to_vec();
        let (dev, ino, size) = (d.u()?, d.u()?, d.u()?);
        let mtime_ns = unzigzag(d.u()?);
        let offset = d.u()?;
        let tail_hash = d.fixed()?;
        let (malformed, synthetic, oversized) = (d.u()?, d.u()?, d.u()?);
        let ns = d.count()?;
        let mut strings = Vec::with_capacity(ns);
        for _ in 0..ns {
            strings
                .push(String::from_utf8(d.bytes()?.to_vec()).context("report index: bad string")?);
        }
        let nr = d.count()?;
        let mut reqs = Vec::with_capacity(nr);
        let mut prev_ts = 0i64;
        for _ in 0..nr {
            let key = d.fixed()?;
            let ts_ms = prev_ts.wrapping_add(unzigzag(d.u()?));
            prev_ts = ts_ms;
            let mut id = || -> Result<u32> {
                let v = d.u()?;
                if v >= ns as u64 {
                    bail!("report index: string id out of range");
                }
                Ok(v as u32)
            };
            let (priced, model, session, cwd, branch) = (id()?, id()?, id()?, id()?, id()?);
            let tokens = Tokens {
                input: d.u()?,
                output: d.u()?,
                cache_write_5m: d.u()?,
                cache_write_1h: d.u()?,
                cache_read: d.u()?,
                web_search_requests: d.u()?,
            };
            reqs.push(Req {
                key,
                ts_ms,
                priced,
                model,
                session,
                cwd,
                branch,
                tokens,
            });
        }
        files.push(FileEntry {
            path,
            dev,
            ino,
            size,
            mtime_ns,
            offset,
            tail_hash,
            data: FileData {
                strings,
                reqs,
                malformed,
                synthetic,
                oversized,
            },
        });
    }
    if d.i != payload.len() {
        bail!("report index: trailing bytes");
    }
    Ok(files)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// LEB128.
fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put(out, b.len() as u64);
    out.extend_from_slice(b);
}

struct Dec<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Dec<'a> {
    #[inline]
    fn u(&mut self) -> Result<u64> {
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let Some(&byte) = self.b.get(self.i) else {
                bail!("report index: truncated number");
            };
            self.i += 1;
            if shift == 63 && byte > 1 {
                bail!("report index: number too large");
            }
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                bail!("report index: number too long");
            }
        }
    }

    /// A length or count, bounded by the bytes left (so garbage cannot make us allocate wildly).
    fn count(&mut self) -> Result<usize> {
        let v = self.u()?;
        if v > (self.b.len() - self.i) as u64 {
            bail!("report index: count out of range");
        }
        Ok(v as usize)
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.count()?;
        let s = &self.b[self.i..self.i + n];
        self.i += n;
        Ok(s)
    }

    fn fixed(&mut self) -> Result<u64> {
        let Some(s) = self.b.get(self.i..self.i + 8) else {
            bail!("report index: truncated");
        };
        self.i += 8;
        Ok(u64::from_le_bytes(s.try_into().unwrap_or([0; 8])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, n: usize) -> FileEntry {
        let reqs = (0..n)
            .map(|i| Req {
                key: hash64(1, &i.to_le_bytes()),
                ts_ms: 1_795_872_307_000 + i as i64 * 1000 - if i == 3 { 50_000 } else { 0 },
                priced: 1,
                model: 2,
                session: 0,
                cwd: 1,
                branch: 2,
                tokens: Tokens {
                    input: i as u64,
                    output: u64::MAX - i as u64,
                    cache_write_5m: 1,
                    cache_write_1h: 2,
                    cache_read: 3,
                    web_search_requests: 4,
                },
            })
            .collect();
        FileEntry {
            path: path.as_bytes().to_vec(),
            dev: 1,
            ino: 99,
            size: 12345,
            mtime_ns: -5,
            offset: 12000,
            tail_hash: 7,
            data: FileData {
                strings: vec!["".into(), "arn:x".into(), "clâude".into()],
                reqs,
                malformed: 1,
                synthetic: 2,
                oversized: 3,
            },
        }
    }

    #[test]
    fn round_trips() {
        let a = entry("/a.jsonl", 10);
        let b = entry("/b.jsonl", 0);
        let bytes = encode(&[&a, &b]);
        assert_eq!(decode(&bytes).unwrap(), vec![a, b]);
    }

    #[test]
    fn every_corruption_is_refused_not_a_panic() {
        let a = entry("/a.jsonl", 5);
        let bytes = encode(&[&a]);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x41;
            assert!(decode(&b).is_err(), "flip at {i}");
        }
        let mut v2 = bytes.clone();
        v2[8] = 2;
        assert!(decode(&v2).is_err());
    }

    #[test]
    fn shards_load_independently() {
        let d = tempfile::tempdir().unwrap();
        let a = entry("/a.jsonl", 3);
        let s = shard_of(&a.path);
        save_shard(d.path(), s, &[&a]).unwrap();
        let l = load(d.path());
        assert!(l.good[s]);
        assert_eq!(l.files[&a.path], a);
        std::fs::write(shard_path(d.path(), (s + 1) % SHARDS), b"garbage").unwrap();
        let l = load(d.path());
        assert_eq!((l.files.len(), l.bad), (1, 1));
    }
}
