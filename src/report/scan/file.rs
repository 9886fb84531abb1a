//! Scanning one transcript file from a byte offset: chunked reads, a byte pre-filter, and the
//! per-file list of deduplicated requests that the index stores.
//!
//! Memory is bounded whatever the file size: the file is read in 1 MiB chunks into a buffer that
//! only grows to hold one line, up to [`MAX_LINE`]. The pre-filter looks for `"usage"` across a
//! whole chunk (SIMD `memmem`), and only the lines around a hit are parsed; the rest of a
//! transcript (tool results, attachments, request shapes: most of its bytes) is never looked at
//! line by line. A line longer than [`MAX_LINE`] (a giant tool result) is skipped by looking at
//! its head, or streamed through the JSON parser without being buffered when it may carry usage.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;

use memchr::memmem::Finder;
use memchr::{memchr, memrchr};

use super::hash::{Fast, hash_parts};
use super::parse::{self, Parsed, UsageRec};
use crate::usage::Tokens;

/// Bytes read per `pread`.
pub const CHUNK: usize = 1 << 20;
/// The longest line held in memory; longer lines take the streaming path.
pub const MAX_LINE: usize = 4 << 20;
/// How many bytes of a long line's head decide whether it can be an assistant line.
const HEAD: usize = 64 << 10;

/// One deduplicated request, as stored in the index. String fields are ids into the file's
/// string table (0 = none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Req {
    /// Hash of (`message.id`, `requestId`): the dedup key across all files.
    pub key: u64,
    pub ts_ms: i64,
    /// `requestedModel`, else `message.model`: the id that prices it.
    pub priced: u32,
    /// `message.model`.
    pub model: u32,
    pub session: u32,
    pub cwd: u32,
    pub branch: u32,
    pub tokens: Tokens,
}

impl Req {
    /// Whether `self` should replace `other` (same key): the copy with the most output wins
    /// (early content-block lines of older versions carried partial usage); on a tie the
    /// earlier one, so the choice never depends on scan order.
    pub fn beats(&self, other: &Req) -> bool {
        self.tokens.output > other.tokens.output
            || (self.tokens.output == other.tokens.output && self.ts_ms < other.ts_ms)
    }
}

/// What one file contributed: its strings, its requests (deduplicated within the file) and
/// counters of skipped lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileData {
    /// String table; index 0 is the empty string.
    pub strings: Vec<String>,
    pub reqs: Vec<Req>,
    pub malformed: u64,
    pub synthetic: u64,
    /// Lines longer than [`MAX_LINE`] skipped without parsing.
    pub oversized: u64,
}

/// Scratch space reused across the files one thread scans.
pub struct Scratch {
    buf: Vec<u8>,
    finder: Finder<'static>,
}

impl Default for Scratch {
    fn default() -> Self {
        Self {
            buf: vec![0; CHUNK],
            finder: Finder::new(b"\"usage\""),
        }
    }
}

/// The result of reading a file to its end.
#[derive(Debug, Default)]
pub struct ScanEnd {
    /// Offset just past the last complete (newline-terminated) line.
    pub offset: u64,
    /// Requests from a final line without a newline (still being written, or a file that does
    /// not end in one): counted now, not stored, re-read next time.
    pub tail: Vec<Req>,
    pub bytes_read: u64,
}

/// Appends to a [`FileData`], deduplicating by key within the file.
struct Builder<'a> {
    data: &'a mut FileData,
    ids: HashMap<String, u32>,
    by_key: HashMap<u64, u32, Fast>,
    path: &'a [u8],
}

impl<'a> Builder<'a> {
    fn new(data: &'a mut FileData, path: &'a [u8]) -> Self {
        if data.strings.is_empty() {
            data.strings.push(String::new());
        }
        let ids = data
            .strings
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        let mut by_key = HashMap::with_capacity_and_hasher(data.reqs.len(), Fast::default());
        for (i, r) in data.reqs.iter().enumerate() {
            by_key.insert(r.key, i as u32);
        }
        Self {
            data,
            ids,
            by_key,
            path,
        }
    }

    fn intern(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s.filter(|s| !s.is_empty()) else {
            return 0;
        };
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.data.strings.len()).unwrap_or(u32::MAX);
        self.data.strings.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }

    fn req(&mut self, u: &UsageRec<'_>, line_offset: u64) -> Req {
        Req {
            key: dedup_key(u, self.path, line_offset),
            ts_ms: u.ts_ms,
            priced: self.intern(u.requested.as_deref().or(u.model.as_deref())),
            model: self.intern(u.model.as_deref()),
            session: self.intern(u.session.as_deref()),
            cwd: self.intern(u.cwd.as_deref()),
            branch: self.intern(u.branch.as_deref()),
            tokens: u.tokens,
        }
    }

    fn line(&mut self, parsed: Parsed<'_>, offset: u64) {
        match parsed {
            Parsed::Usage(u) => {
                let r = self.req(&u, offset);
                self.push(r);
            }
            Parsed::Synthetic => self.data.synthetic += 1,
            Parsed::Malformed => self.data.malformed += 1,
            Parsed::Other => {}
        }
    }

    fn push(&mut self, r: Req) {
        match self.by_key.get(&r.key) {
            Some(&i) => {
                let old = &mut self.data.reqs[i as usize];
                if r.beats(old) {
                    *old = r;
                }
            }
            None => {
                self.by_key.insert(r.key, self.data.reqs.len() as u32);
                self.data.reqs.push(r);
            }
        }
    }
}

/// The dedup key of a request: (`message.id`, `requestId`), or `message.id` alone; a line with
/// no `message.id` cannot be matched with another copy and gets a key unique to its position.
pub fn dedup_key(u: &UsageRec<'_>, path: &[u8], line_offset: u64) -> u64 {
    match (&u.message_id, &u.request_id) {
        (Some(m), Some(r)) => hash_parts(&[b"m", m.as_bytes(), b"r", r.as_bytes()]),
        (Some(m), None) => hash_parts(&[b"m", m.as_bytes()]),
        (None, _) => hash_parts(&[b"pos", path, &line_offset.to_le_bytes()]),
    }
}

/// Reads `file` from `from` to its end, adding requests to `data`.
pub fn scan(
    file: &File,
    path: &[u8],
    from: u64,
    data: &mut FileData,
    scratch: &mut Scratch,
) -> io::Result<ScanEnd> {
    let mut b = Builder::new(data, path);
    let Scratch { buf, finder } = scratch;
    let mut end = ScanEnd {
        offset: from,
        ..ScanEnd::default()
    };
    // `buf[..filled]` holds the bytes from file offset `pos`.
    let mut pos = from;
    let mut filled = 0usize;
    loop {
        if filled == buf.len() {
            // A full buffer with no newline: grow (up to MAX_LINE) or treat as a long line.
            if buf.len() < MAX_LINE {
                let n = (buf.len() * 2).min(MAX_LINE);
                buf.resize(n, 0);
            } else {
                match long_line(file, pos, &buf[..filled], finder, &mut b)? {
                    Some(next) => {
                        end.bytes_read += next - pos - filled as u64;
                        pos = next;
                        end.offset = next;
                        filled = 0;
                        continue;
                    }
                    // No newline before EOF: a partial last line, re-read next time.
                    None => return Ok(end),
                }
            }
        }
        let n = read_at(file, &mut buf[filled..], pos + filled as u64)?;
        if n == 0 {
            // EOF: whatever is left has no newline.
            // Only a complete request counts; an unfinished line is neither malformed nor stored.
            let rest = &buf[..filled];
            if finder.find(rest).is_some()
                && let Parsed::Usage(u) = parse::parse(rest)
            {
                end.tail.push(b.req(&u, pos));
            }
            return Ok(end);
        }
        end.bytes_read += n as u64;
        filled += n;
        let Some(last_nl) = memrchr(b'\n', &buf[..filled]) else {
            continue;
        };
        let region = &buf[..=last_nl];
        let mut i = 0;
        while let Some(p) = finder.find(&region[i..]) {
            let at = i + p;
            let start = memrchr(b'\n', &region[i..at]).map_or(i, |x| i + x + 1);
            // The region ends with a newline, so there is always one at or after `at`.
            let stop = memchr(b'\n', &region[at..]).map_or(region.len() - 1, |x| at + x);
            b.line(parse::parse(&region[start..stop]), pos + start as u64);
            i = stop + 1;
        }
        let consumed = last_nl + 1;
        buf.copy_within(consumed..filled, 0);
        filled -= consumed;
        pos += consumed as u64;
        end.offset = pos;
    }
}

/// `pread` that retries on EINTR.
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    loop {
        match file.read_at(buf, at) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// Handles a line longer than [`MAX_LINE`] starting at `start`, whose first bytes are `head`.
/// Returns the offset after its newline, or `None` if the file ends first.
fn long_line(
    file: &File,
    start: u64,
    head: &[u8],
    finder: &Finder<'_>,
    b: &mut Builder<'_>,
) -> io::Result<Option<u64>> {
    let not_assistant = head_is_not_assistant(&head[..head.len().min(HEAD)]);
    let mut saw_usage = finder.find(head).is_some();
    // Keep the last few bytes of each chunk so a `"usage"` split across chunks is still seen.
    let keep = finder.needle().len() - 1;
    let mut chunk = vec![0u8; CHUNK + keep];
    chunk[..keep].copy_from_slice(&head[head.len() - keep..]);
    let mut at = start + head.len() as u64;
    let newline = loop {
        let n = read_at(file, &mut chunk[keep..], at)?;
        if n == 0 {
            return Ok(None);
        }
        let data = &chunk[..keep + n];
        let nl = memchr(b'\n', &data[keep..]).map(|x| keep + x);
        let upto = nl.unwrap_or(data.len());
        if !saw_usage && !not_assistant {
            saw_usage = finder.find(&data[..upto]).is_some();
        }
        if let Some(nl) = nl {
            break at + (nl - keep) as u64;
        }
        at += n as u64;
        let len = data.len();
        chunk.copy_within(len - keep..len, 0);
    };
    if not_assistant || !saw_usage {
        b.data.oversized += 1;
    } else {
        let reader = RangeReader {
            file,
            pos: start,
            end: newline,
        };
        let parsed = parse::parse_reader(io::BufReader::with_capacity(64 << 10, reader));
        b.line(parsed, start);
    }
    Ok(Some(newline + 1))
}

/// Whether the head of a long line shows a top-level `type` other than `assistant` before any
/// `message`. Claude Code writes `type` before `message` on user lines (tool results, the usual
/// giant lines) and after it on assistant lines, so a giant tool result is recognised from its
/// first bytes and skipped without reading it.
fn head_is_not_assistant(head: &[u8]) -> bool {
    let msg = memchr::memmem::find(head, b"\"message\":");
    let ty = memchr::memmem::find(head, b"\"type\":\"");
    match (ty, msg) {
        (Some(t), m) if m.is_none_or(|m| t < m) => !head[t + 8..].starts_with(b"assistant\""),
        _ => false,
    }
}

/// Reads `[pos, end)` of a file.
struct RangeReader<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl Read for RangeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn line(msg: &str, req: &str, output: u64, ts: &str) -> String {
        format!(
            r#"{{"parentUuid":"p","isSidechain":false,"message":{{"id":"{msg}","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"hi"}}],"usage":{{"input_tokens":10,"output_tokens":{output},"cache_creation_input_tokens":0,"cache_read_input_tokens":5}}}},"requestId":"{req}","type":"assistant","timestamp":"{ts}","sessionId":"s1","cwd":"/src/app","gitBranch":"main"}}"#
        )
    }

    fn scan_bytes(bytes: &[u8], from: u64, data: &mut FileData) -> ScanEnd {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        scan(&f, b"/x.jsonl", from, data, &mut Scratch::default()).unwrap()
    }

    #[test]
    fn dedupes_blocks_and_keeps_the_largest_output() {
        let text = [
            line("m1", "r1", 1, "2026-11-28T10:00:00.000Z"),
            r#"{"type":"user","message":{"role":"user","content":"no usage here"}}"#.into(),
            line("m1", "r1", 42, "2026-11-28T10:00:00.100Z"),
            line("m1", "r1", 42, "2026-11-28T10:00:00.200Z"),
            line("m2", "r2", 7, "2026-11-28T10:01:00.000Z"),
            "{torn".into(),
            r#"{"type":"assistant","timestamp":"2026-11-28T10:00:00Z","message":{"id":"e","model":"<synthetic>","usage":{"input_tokens":0,"output_tokens":0}}}"#.into(),
        ]
        .join("\n")
            + "\n";
        let mut d = FileData::default();
        let end = scan_bytes(text.as_bytes(), 0, &mut d);
        assert_eq!(end.offset, text.len() as u64);
        assert!(end.tail.is_empty());
        assert_eq!(d.reqs.len(), 2);
        assert_eq!(d.reqs[0].tokens.output, 42);
        // The earliest of the two 42-output copies.
        assert_eq!(
            d.reqs[0].ts_ms,
            parse::parse_ts_ms("2026-11-28T10:00:00.100Z").unwrap()
        );
        assert_eq!(d.synthetic, 1);
        // "{torn" holds no `"usage"`: never parsed, so not counted as malformed.
        assert_eq!(d.malformed, 0);
        assert_eq!(d.strings[d.reqs[0].cwd as usize], "/src/app");
    }

    #[test]
    fn partial_last_line_is_counted_but_not_consumed() {
        let complete = line("m1", "r1", 5, "2026-11-28T10:00:00Z") + "\n";
        let text = complete.clone() + &line("m2", "r2", 6, "2026-11-28T10:00:01Z");
        let mut d = FileData::default();
        let end = scan_bytes(text.as_bytes(), 0, &mut d);
        assert_eq!(end.offset, complete.len() as u64);
        assert_eq!(d.reqs.len(), 1);
        assert_eq!(end.tail.len(), 1);
        assert_eq!(end.tail[0].tokens.output, 6);
        // A torn fragment is neither a request nor stored.
        let torn = complete.clone() + &line("m2", "r2", 6, "2026-11-28T10:00:01Z")[..80];
        let mut d = FileData::default();
        let end = scan_bytes(torn.as_bytes(), 0, &mut d);
        assert_eq!((d.reqs.len(), end.tail.len()), (1, 0));
    }

    #[test]
    fn resumes_from_an_offset_and_merges() {
        let a = line("m1", "r1", 1, "2026-11-28T10:00:00Z") + "\n";
        let b = line("m1", "r1", 9, "2026-11-28T10:00:01Z")
            + "\n"
            + &line("m3", "r3", 2, "2026-11-28T10:00:02Z")
            + "\n";
        let mut d = FileData::default();
        let e1 = scan_bytes(a.as_bytes(), 0, &mut d);
        let whole = a.clone() + &b;
        let e2 = scan_bytes(whole.as_bytes(), e1.offset, &mut d);
        assert_eq!(e2.bytes_read, b.len() as u64);
        let mut fresh = FileData::default();
        scan_bytes(whole.as_bytes(), 0, &mut fresh);
        assert_eq!(d, fresh);
        assert_eq!(d.reqs[0].tokens.output, 9);
    }

    #[test]
    fn long_lines_are_skipped_or_streamed() {
        let big = "x".repeat(MAX_LINE + 100);
        let tool_result = format!(
            r#"{{"parentUuid":"p","type":"user","message":{{"role":"user","content":[{{"type":"tool_result","content":"{big} \"usage\""}}]}}}}"#
        );
        let giant_reply = format!(
            r#"{{"parentUuid":"p","message":{{"id":"big","model":"claude-sonnet-4-5-20250929","content":[{{"type":"tool_use","input":{{"content":"{big}"}}}}],"usage":{{"input_tokens":3,"output_tokens":20000}}}},"requestId":"rb","type":"assistant","timestamp":"2026-11-28T10:00:03Z","sessionId":"s1"}}"#
        );
        let text = [
            line("m1", "r1", 1, "2026-11-28T10:00:00Z"),
            tool_result,
            giant_reply,
            line("m2", "r2", 2, "2026-11-28T10:00:04Z"),
        ]
        .join("\n")
            + "\n";
        let mut d = FileData::default();
        let end = scan_bytes(text.as_bytes(), 0, &mut d);
        assert_eq!(end.offset, text.len() as u64);
        let outs: Vec<u64> = d.reqs.iter().map(|r| r.tokens.output).collect();
        assert_eq!(outs, vec![1, 20000, 2]);
        assert_eq!(d.oversized, 1);
    }

    #[test]
    fn head_detection() {
        assert!(head_is_not_assistant(
            br#"{"parentUuid":"p","type":"user","message":{"#
        ));
        assert!(!head_is_not_assistant(
            br#"{"parentUuid":"p","message":{"type":"message""#
        ));
        assert!(!head_is_not_assistant(
            br#"{"type":"assistant","message":{"#
        ));
        assert!(!head_is_not_assistant(
            br#"{"parentUuid":"p","attachment":"#
        ));
    }
}
