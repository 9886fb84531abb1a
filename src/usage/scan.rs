//! Reading the part of one transcript file that belongs to a run: the usage lines it wrote, the
//! last `cost-state` it wrote, and the last `cost-state` before it (the baseline), without reading
//! the session's history.
//!
//! Two ways to find where the run starts in a file:
//! * [`Start::Offset`]: the file's size before the run is known (a resumed or continued session):
//!   everything from there on is the run's, and the baseline is found by a bounded backward search;
//! * [`Start::Cutoff`]: the file is new, or its old size is unknown: the run starts at the first
//!   line stamped at or after the run's start time. A `--fork-session` file begins with copies of
//!   the parent's lines, stamped with their original (older) times: those are never the run's.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use memchr::memmem;

use crate::usage::Tokens;
use crate::usage::attribute::UNKNOWN_MODEL;
use crate::usage::transcript::{self, CostState, DedupKey, Line, UsageLine, dedup_key};

/// Read size for forward and backward scans.
const CHUNK: usize = 1 << 20;

/// How far back (bytes) to look for the baseline `cost-state` before giving up.
pub const BASELINE_BUDGET: u64 = 64 << 20;

/// The run's start time, in the forms lines are compared with.
#[derive(Debug, Clone)]
pub struct Cutoff {
    /// Unix milliseconds (floored, like JavaScript's `Date`).
    pub ms: i64,
    /// The same instant as Claude Code writes it: `2026-11-28T13:25:07.793Z`.
    iso: String,
}

impl Cutoff {
    pub fn new(t: SystemTime) -> Self {
        let ms = match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        };
        let iso = jiff::Timestamp::from_millisecond(ms)
            .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            .unwrap_or_default();
        Self { ms, iso }
    }

    /// Whether an RFC 3339 timestamp is at or after the cutoff; `None` if it cannot be read.
    pub fn is_new(&self, ts: &str) -> Option<bool> {
        // Claude Code always writes `toISOString()` form: then a string comparison is exact and
        // avoids parsing a date per line.
        if ts.len() == 24 && ts.ends_with('Z') && self.iso.len() == 24 {
            return Some(ts >= self.iso.as_str());
        }
        let parsed: jiff::Timestamp = ts.parse().ok()?;
        Some(parsed.as_millisecond() >= self.ms)
    }
}

/// Where the run's part of a file starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The file's size before the run.
    Offset(u64),
    /// Unknown: the first line stamped at/after the cutoff.
    Cutoff,
}

/// The last `cost-state` before the run's part of the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Baseline {
    Found(CostState),
    /// The file has none before the run (a new session, or one whose earlier runs were killed).
    NotInFile,
    /// Not found within [`BASELINE_BUDGET`]: the delta cannot be trusted.
    Unknown,
}

/// What the run's part of one file holds.
#[derive(Debug, Clone)]
pub struct FileScan {
    /// Usage lines written during the run, in file order (not deduplicated).
    pub usage: Vec<UsageLine>,
    pub baseline: Baseline,
    /// The last `cost-state` written during the run.
    pub run_cost_state: Option<CostState>,
    /// Lines before the run's first line in a [`Start::Cutoff`] scan (a fork's copies).
    pub copied_lines: usize,
    /// `sessionId`s of copied usage lines (they may name the parent session).
    pub copied_session_ids: Vec<String>,
    /// Usage lines among the copies.
    pub copied_usage: usize,
    /// The copies' requests (deduplicated), summed per requested id: what the parent had at
    /// least, used to check a guessed parent and a fork's inherited figure.
    pub copied_tokens: BTreeMap<String, Tokens>,
    /// Malformed lines in the run's part (an unterminated last line is not counted).
    pub malformed: usize,
    /// `<synthetic>` API-error lines in the run's part.
    pub synthetic: usize,
    /// Bytes read forward.
    pub bytes_read: u64,
}

/// Scans `path` for the run that started at `cutoff`.
pub fn scan_file(path: &Path, start: Start, cutoff: &Cutoff) -> Result<FileScan> {
    let mut f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = f
        .metadata()
        .with_context(|| format!("cannot stat {}", path.display()))?
        .len();
    let (from, baseline) = match start {
        // A file that shrank was rewritten: its old size means nothing any more.
        Start::Offset(off) if off <= len && off > 0 => {
            let b = last_cost_state_before(&mut f, off, BASELINE_BUDGET)
                .with_context(|| format!("cannot read {}", path.display()))?;
            (off, b)
        }
        _ => (0, Baseline::NotInFile),
    };
    let mut started = matches!(start, Start::Offset(off) if off <= len);
    let mut scan = FileScan {
        usage: Vec::new(),
        baseline,
        run_cost_state: None,
        copied_lines: 0,
        copied_session_ids: Vec::new(),
        copied_usage: 0,
        copied_tokens: BTreeMap::new(),
        malformed: 0,
        synthetic: 0,
        bytes_read: 0,
    };
    let mut copies: HashMap<DedupKey, (String, Tokens)> = HashMap::new();
    f.seek(SeekFrom::Start(from))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let read = for_each_line(&mut f, |line, terminated| {
        let parsed = transcript::parse_line(line);
        if !started {
            let ts = match &parsed {
                Ok(Line::Usage(u)) => u.timestamp.as_deref().and_then(|t| cutoff.is_new(t)),
                _ => raw_timestamp(line).and_then(|t| cutoff.is_new(t)),
            };
            if ts == Some(true) {
                started = true;
            }
        }
        if !started {
            scan.copied_lines += 1;
            match parsed {
                Ok(Line::CostState(c)) => scan.baseline = Baseline::Found(c),
                Ok(Line::Usage(u)) => {
                    scan.copied_usage += 1;
                    let model = u.priced_id().unwrap_or(UNKNOWN_MODEL).to_string();
                    let key = dedup_key(&u).unwrap_or(DedupKey {
                        message_id: format!("#{}", scan.copied_usage),
                        request_id: None,
                    });
                    let e = copies.entry(key).or_insert((model, u.tokens));
                    if u.tokens.output > e.1.output {
                        e.1 = u.tokens;
                    }
                    if let Some(s) = u.session_id
                        && !scan.copied_session_ids.contains(&s)
                    {
                        scan.copied_session_ids.push(s);
                    }
                }
                _ => {}
            }
            return;
        }
        match parsed {
            Ok(Line::Usage(u)) => {
                // A line stamped before the run is never the run's, wherever it sits.
                let old = u.timestamp.as_deref().and_then(|t| cutoff.is_new(t)) == Some(false);
                if !old {
                    scan.usage.push(u);
                }
            }
            Ok(Line::CostState(c)) => scan.run_cost_state = Some(c),
            Ok(Line::Synthetic) => scan.synthetic += 1,
            Ok(Line::Other) => {}
            // Claude Code may still have been writing the last line when it died: an
            // unterminated tail that does not parse is expected, not malformed.
            Err(_) if !terminated => {}
            Err(_) => scan.malformed += 1,
        }
    })
    .with_context(|| format!("cannot read {}", path.display()))?;
    scan.bytes_read = read;
    for (model, t) in copies.into_values() {
        scan.copied_tokens.entry(model).or_default().add(&t);
    }
    Ok(scan)
}

/// The last `cost-state` in the whole file (a fork's parent baseline).
pub fn last_cost_state(path: &Path) -> Result<Baseline> {
    let mut f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = f.metadata()?.len();
    last_cost_state_before(&mut f, len, BASELINE_BUDGET)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Calls `each(line, terminated)` for every line from the current position to EOF (line without
/// its `\n`); returns the bytes read.
fn for_each_line(f: &mut File, mut each: impl FnMut(&[u8], bool)) -> std::io::Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut filled = 0usize;
    // Bytes of `buf[..filled]` already searched for `\n` (a long line spans reads).
    let mut searched = 0usize;
    let mut total = 0u64;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = match f.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            if filled > 0 {
                each(&buf[..filled], false);
            }
            return Ok(total);
        }
        total += n as u64;
        filled += n;
        let mut line_start = 0usize;
        let mut from = searched;
        while let Some(i) = memchr::memchr(b'\n', &buf[from..filled]) {
            let end = from + i;
            each(&buf[line_start..end], true);
            line_start = end + 1;
            from = line_start;
        }
        buf.copy_within(line_start..filled, 0);
        filled -= line_start;
        searched = filled;
    }
}

/// The top-level `"timestamp":"…"` of a line that was not parsed, found without parsing: the
/// last occurrence (Claude Code writes it after the message body, so nested content cannot
/// shadow it).
fn raw_timestamp(line: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"\"timestamp\":\"";
    let at = memmem::rfind(line, KEY)? + KEY.len();
    let len = memchr::memchr(b'"', line.get(at..)?)?;
    std::str::from_utf8(&line[at..at + len]).ok()
}

/// The last `cost-state` line that ends at or before `end`, searching backward at most `budget`
/// bytes.
fn last_cost_state_before(f: &mut File, end: u64, budget: u64) -> std::io::Result<Baseline> {
    const NEEDLE: &[u8] = b"cost-state";
    let finder = memmem::FinderRev::new(NEEDLE);
    // Matches must start before `hi`; each read also covers the needle's length past `hi` so a
    // match straddling two reads is found.
    let mut hi = end;
    let floor = end.saturating_sub(budget);
    let mut buf = Vec::new();
    loop {
        if hi == 0 {
            return Ok(Baseline::NotInFile);
        }
        if hi <= floor {
            return Ok(Baseline::Unknown);
        }
        let lo = hi.saturating_sub(CHUNK as u64).max(floor);
        let top = (hi + NEEDLE.len() as u64 - 1).min(end);
        read_range(f, lo, top, &mut buf)?;
        let found = finder
            .rfind_iter(&buf)
            .map(|m| lo + m as u64)
            .find(|&a| a < hi);
        match found {
            Some(a) => {
                let (line_start, line) = read_line_at(f, a, end)?;
                if let Some(line) = line
                    && let Ok(Line::CostState(c)) = transcript::parse_line(&line)
                {
                    return Ok(Baseline::Found(c));
                }
                // The word inside some other line: keep looking before that line.
                hi = line_start;
            }
            None => hi = lo,
        }
    }
}

/// Reads `[lo, hi)` into `buf`.
fn read_range(f: &mut File, lo: u64, hi: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.clear();
    buf.resize((hi - lo) as usize, 0);
    f.seek(SeekFrom::Start(lo))?;
    f.read_exact(buf)
}

/// The whole line containing byte `at`: its start offset, and its bytes when it ends with `\n`
/// at or before `end` (`None` for a line cut by `end`).
fn read_line_at(f: &mut File, at: u64, end: u64) -> std::io::Result<(u64, Option<Vec<u8>>)> {
    const STEP: u64 = 64 << 10;
    let mut tmp = Vec::new();
    // Backward to the previous `\n`.
    let mut start = 0u64;
    let mut hi = at;
    while hi > 0 {
        let lo = hi.saturating_sub(STEP);
        read_range(f, lo, hi, &mut tmp)?;
        if let Some(i) = memchr::memrchr(b'\n', &tmp) {
            start = lo + i as u64 + 1;
            break;
        }
        hi = lo;
    }
    // Forward to the next `\n`.
    let mut line = Vec::new();
    let mut pos = start;
    while pos < end {
        let hi = (pos + STEP).min(end);
        read_range(f, pos, hi, &mut tmp)?;
        if let Some(i) = memchr::memchr(b'\n', &tmp) {
            line.extend_from_slice(&tmp[..i]);
            return Ok((start, Some(line)));
        }
        line.extend_from_slice(&tmp);
        pos = hi;
    }
    Ok((start, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn at(iso: &str) -> SystemTime {
        let ts: jiff::Timestamp = iso.parse().unwrap();
        SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(ts.as_millisecond() as u64)
    }

    fn usage_line(id: &str, ts: &str, input: u64) -> String {
        format!(
            r#"{{"type":"assistant","sessionId":"s","timestamp":"{ts}","requestId":"r-{id}","requestedModel":"arn:m","message":{{"id":"{id}","model":"x","usage":{{"input_tokens":{input},"output_tokens":1}}}}}}"#
        )
    }

    fn cost_state(input: u64) -> String {
        format!(
            r#"{{"type":"cost-state","sessionId":"s","totalCostUSD":{input}.0,"modelUsage":{{"arn:m":{{"inputTokens":{input},"outputTokens":1}}}}}}"#
        )
    }

    #[test]
    fn cutoff_compares_strings_and_other_forms() {
        let c = Cutoff::new(at("2026-11-28T13:25:07.793Z"));
        assert_eq!(c.is_new("2026-11-28T13:25:07.793Z"), Some(true));
        assert_eq!(c.is_new("2026-11-28T13:25:07.792Z"), Some(false));
        assert_eq!(c.is_new("2026-11-28T14:25:08+01:00"), Some(true));
        assert_eq!(c.is_new("2026-11-28T14:25:07.000+01:00"), Some(false));
        assert_eq!(c.is_new("yesterday"), None);
    }

    #[test]
    fn offset_scan_finds_baseline_and_run_lines() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.jsonl");
        let mut old = String::new();
        old += &usage_line("a", "2026-01-01T00:00:00.000Z", 10);
        old += "\n";
        old += &cost_state(10);
        old += "\n";
        // A line that mentions cost-state in its text is not a cost-state line.
        old += r#"{"type":"user","message":{"content":"what is a cost-state line?"}}"#;
        old += "\n";
        std::fs::write(&p, &old).unwrap();
        let off = old.len() as u64;
        let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
        writeln!(f, "{}", usage_line("b", "2026-01-02T00:00:00.000Z", 20)).unwrap();
        writeln!(
            f,
            r#"{{"type":"assistant","message":{{"usage":{{"input_tokens":"#
        )
        .unwrap();
        writeln!(f, "{}", cost_state(30)).unwrap();
        write!(
            f,
            "{}",
            &usage_line("c", "2026-01-02T00:00:01.000Z", 5)[..40]
        )
        .unwrap();
        let s = scan_file(
            &p,
            Start::Offset(off),
            &Cutoff::new(at("2026-01-01T12:00:00Z")),
        )
        .unwrap();
        let Baseline::Found(b) = &s.baseline else {
            panic!("{:?}", s.baseline)
        };
        assert_eq!(b.model_usage["arn:m"].input, 10);
        assert_eq!(s.usage.len(), 1);
        assert_eq!(s.usage[0].tokens.input, 20);
        assert_eq!(s.run_cost_state.unwrap().model_usage["arn:m"].input, 30);
        assert_eq!(s.malformed, 1, "the torn tail is not counted");
    }

    #[test]
    fn cutoff_scan_skips_copies() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("fork.jsonl");
        let text = [
            r#"{"type":"user","timestamp":"2026-01-01T00:00:00.000Z","sessionId":"parent"}"#
                .to_string(),
            usage_line("a", "2026-01-01T00:00:01.000Z", 10).replace("\"s\"", "\"parent\""),
            r#"{"type":"user","timestamp":"2026-01-02T00:00:00.000Z","sessionId":"fork"}"#
                .to_string(),
            usage_line("b", "2026-01-02T00:00:01.000Z", 20),
            cost_state(30),
        ]
        .join("\n")
            + "\n";
        std::fs::write(&p, text).unwrap();
        let s = scan_file(&p, Start::Cutoff, &Cutoff::new(at("2026-01-01T12:00:00Z"))).unwrap();
        assert_eq!(s.copied_lines, 2);
        assert_eq!(s.copied_usage, 1);
        assert_eq!(s.copied_tokens["arn:m"].input, 10);
        assert_eq!(s.copied_session_ids, vec!["parent".to_string()]);
        assert_eq!(s.baseline, Baseline::NotInFile);
        assert_eq!(s.usage.len(), 1);
        assert_eq!(s.usage[0].tokens.input, 20);
        assert!(s.run_cost_state.is_some());
    }

    #[test]
    fn backward_search_crosses_chunks_and_respects_budget() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big.jsonl");
        let mut text = cost_state(7) + "\n";
        let filler = format!(
            "{{\"type\":\"attachment\",\"pad\":\"{}\"}}\n",
            "x".repeat(1000)
        );
        while text.len() < 3 * CHUNK {
            text += &filler;
        }
        std::fs::write(&p, &text).unwrap();
        let mut f = File::open(&p).unwrap();
        let len = text.len() as u64;
        let Baseline::Found(c) = last_cost_state_before(&mut f, len, BASELINE_BUDGET).unwrap()
        else {
            panic!()
        };
        assert_eq!(c.model_usage["arn:m"].input, 7);
        assert_eq!(
            last_cost_state_before(&mut f, len, CHUNK as u64).unwrap(),
            Baseline::Unknown
        );
        // The needle straddling a chunk boundary is still found.
        for shift in 0..12u64 {
            let mut t = String::new();
            let target = CHUNK as u64 + shift;
            let line = cost_state(9);
            let pad = (target as usize).saturating_sub(line.len() + 10);
            t += &format!("{{\"p\":\"{}\"}}\n", "y".repeat(pad));
            t += &line;
            t += "\n";
            t += &format!("{{\"p\":\"{}\"}}\n", "z".repeat(CHUNK));
            std::fs::write(&p, &t).unwrap();
            let mut f = File::open(&p).unwrap();
            assert!(matches!(
                last_cost_state_before(&mut f, t.len() as u64, BASELINE_BUDGET).unwrap(),
                Baseline::Found(_)
            ));
        }
        std::fs::write(&p, &filler).unwrap();
        assert_eq!(last_cost_state(&p).unwrap(), Baseline::NotInFile);
    }
}
