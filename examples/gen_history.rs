//! Generates a synthetic Claude Code history of realistic shape, for `bench/report.sh`.
//!
//! `cargo run --release --example gen_history -- OUT_DIR [--mb 1000 | --kb N] [--seed 1]
//! [--days 90] [--end 2026-11-28] [--arn-share 0.0] [--fork-share 0.03] [--old-share 0.1]
//! [--compact]` (`--compact`: short lines only, for small test fixtures)
//!
//! Layout and line shapes follow Claude Code 2.1.x (`OUT_DIR/projects/<project>/<session>.jsonl`,
//! `<session>/subagents/agent-<id>.jsonl`): user prompts, attachments, request-shape lines,
//! replies split into one line per content block (thinking + text + tool_use with the same
//! `message.id`/`requestId`, each with the full usage; "old" sessions with partial usage on the
//! early blocks), tool results from a few hundred bytes to several MB (a few longer than the
//! scanner's in-memory line limit), subagent files, `--fork-session` files that start with
//! copies of their parent's lines, `<synthetic>` API-error lines, and a few huge sessions.
//! Models are Anthropic model names (both cc-bedrock and ccusage price them); `--arn-share`
//! makes that share of sessions request an application-profile ARN instead.
//! Deterministic for a seed. Prints a JSON summary of what it wrote.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(n);
        s
    }
}

const WORDS: &[&str] = &[
    "fn",
    "let",
    "mut",
    "self",
    "impl",
    "struct",
    "return",
    "match",
    "Some(x)",
    "None",
    "Ok(())",
    "error",
    "config",
    "profile",
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "request",
    "tokens",
    "cache",
    "read",
    "write",
    "=>",
    "{",
    "}",
    "//",
    "value",
    "path",
    "file",
    "src/lib.rs",
    "assert_eq!",
    "vec![]",
    "String::new()",
    "0x1f",
    "42",
    "user",
    "model",
    "repo",
    "branch",
];

/// JSON-safe filler text of about `n` bytes (with escaped newlines, tabs and quotes, as real
/// tool output has).
fn text(r: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n + 16);
    while s.len() < n {
        let w = WORDS[r.below(WORDS.len() as u64) as usize];
        s.push_str(w);
        match r.below(12) {
            0 => s.push_str("\\n"),
            1 => s.push_str("\\t"),
            2 => s.push_str("\\\"usage\\\" "),
            _ => s.push(' '),
        }
    }
    s
}

const MODELS: &[(&str, u64)] = &[
    ("claude-sonnet-4-5-20250929", 70),
    ("claude-opus-4-1-20250805", 12),
    ("claude-haiku-4-5-20251001", 18),
];
const HAIKU: &str = "claude-haiku-4-5-20251001";

struct Ctx {
    rng: Rng,
    start_ms: i64,
    span_ms: i64,
    arn_share: f64,
    /// Small lines only (for test fixtures): short texts and tool results, no request shapes.
    compact: bool,
    files: u64,
    bytes: u64,
    requests: u64,
    oversized: u64,
    forks: u64,
    subagents: u64,
}

/// One session being written.
struct Session {
    id: String,
    cwd: String,
    branch: String,
    model: String,
    requested: Option<String>,
    ts: i64,
    parent: Option<String>,
    old_version: bool,
}

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| format!("{t:.3}"))
        .unwrap_or_default()
}

/// One request's usage (`output` is set per content-block line).
#[derive(Clone, Copy)]
struct Usage {
    input: u64,
    w5: u64,
    w1: u64,
    read: u64,
    web: u64,
}

fn draw_usage(r: &mut Rng, model: &str) -> Usage {
    let input = r.range(1, 4000);
    let (w5, w1) = match r.below(4) {
        0 => (0, 0),
        1 => (r.range(100, 20_000), 0),
        2 => (r.range(100, 8_000), r.range(100, 8_000)),
        _ => (0, r.range(100, 15_000)),
    };
    // Sonnet sometimes goes over 200k input (the long-context tier).
    let read = if model.contains("sonnet") && r.chance(0.03) {
        r.range(200_000, 400_000)
    } else {
        r.range(0, 150_000)
    };
    let web = if r.chance(0.02) { r.range(1, 3) } else { 0 };
    Usage {
        input,
        w5,
        w1,
        read,
        web,
    }
}

fn usage_json(u: &Usage, output: u64) -> String {
    format!(
        r#"{{"input_tokens":{},"cache_creation_input_tokens":{},"cache_read_input_tokens":{},"output_tokens":{output},"output_tokens_details":{{"thinking_tokens":0}},"server_tool_use":{{"web_search_requests":{},"web_fetch_requests":0}},"service_tier":"standard","cache_creation":{{"ephemeral_1h_input_tokens":{},"ephemeral_5m_input_tokens":{}}},"inference_geo":"","iterations":[],"speed":"standard"}}"#,
        u.input,
        u.w5 + u.w1,
        u.read,
        u.web,
        u.w1,
        u.w5
    )
}

fn common(s: &Session, sidechain: bool, agent: Option<&str>) -> String {
    let agent = agent
        .map(|a| format!(r#""agentId":"{a}","#))
        .unwrap_or_default();
    format!(
        r#""isSidechain":{sidechain},{agent}"userType":"external","entrypoint":"cli","cwd":"{}","sessionId":"{}","version":"{}","gitBranch":"{}""#,
        s.cwd,
        s.id,
        if s.old_version { "1.0.98" } else { "2.1.332" },
        s.branch
    )
}

/// Writes one request's assistant lines (one per content block); returns the lines.
fn reply(
    c: &mut Ctx,
    s: &mut Session,
    sidechain: bool,
    agent: Option<&str>,
    blocks: &[&str],
) -> Vec<String> {
    let msg = format!("msg_bdrk_{}", c.rng.hex(24));
    let req = c.rng.uuid();
    let output = c.rng.range(10, 4000);
    let drawn = draw_usage(&mut c.rng, &s.model);
    let usage_full = usage_json(&drawn, output);
    let requested = s
        .requested
        .as_deref()
        .map(|a| format!(r#""requestedModel":"{a}","#))
        .unwrap_or_default();
    c.requests += 1;
    let mut out = Vec::new();
    for (i, kind) in blocks.iter().enumerate() {
        s.ts += c.rng.range(1, 40) as i64;
        let content = match *kind {
            "thinking" => format!(
                r#"{{"type":"thinking","thinking":"{}","signature":"{}"}}"#,
                txt(c, 200, 3000),
                c.rng.hex(344)
            ),
            "text" => format!(r#"{{"type":"text","text":"{}"}}"#, txt(c, 50, 2500)),
            _ => format!(
                r#"{{"type":"tool_use","id":"toolu_bdrk_{}","name":"{}","input":{{"file_path":"{}/src/lib.rs","content":"{}"}}}}"#,
                c.rng.hex(20),
                if c.rng.chance(0.5) { "Read" } else { "Edit" },
                s.cwd,
                txt(c, 20, 1500)
            ),
        };
        // Old versions wrote partial usage (the output so far) on the early blocks of a reply.
        let usage = if s.old_version && i + 1 < blocks.len() {
            usage_json(&drawn, output * (i as u64 + 1) / (blocks.len() as u64 + 1))
        } else {
            usage_full.clone()
        };
        out.push(format!(
            r#"{{"parentUuid":"{}",{},"message":{{"id":"{msg}","type":"message","role":"assistant","model":"{}","content":[{content}],"stop_reason":"tool_use","stop_sequence":null,"usage":{usage}}},"requestId":"{req}",{requested}"type":"assistant","uuid":"{}","timestamp":"{}"}}"#,
            c.rng.uuid(),
            common(s, sidechain, agent),
            s.model,
            c.rng.uuid(),
            iso(s.ts)
        ));
    }
    out
}

/// Filler text of a random length in `lo..=hi`.
fn txt(c: &mut Ctx, lo: u64, hi: u64) -> String {
    let (lo, hi) = if c.compact {
        (lo.min(20), (hi / 20).max(30))
    } else {
        (lo, hi)
    };
    let n = c.rng_len(lo, hi);
    text(&mut c.rng, n)
}

impl Ctx {
    fn rng_len(&mut self, lo: u64, hi: u64) -> usize {
        self.rng.range(lo, hi) as usize
    }

    /// Size of one tool result: mostly small, some large, rarely giant.
    fn tool_result_len(&mut self) -> usize {
        if self.compact {
            return self.rng_len(50, 400);
        }
        let p = self.rng.below(10_000);
        match p {
            0..=1 => {
                self.oversized += 1;
                self.rng_len(4_300_000, 6_000_000)
            }
            2..=16 => self.rng_len(500_000, 3_000_000),
            17..=416 => self.rng_len(20_000, 80_000),
            _ => self.rng_len(300, 8_000),
        }
    }
}

fn write_lines(path: &Path, lines: &[String], c: &mut Ctx) {
    if let Some(d) = path.parent() {
        fs::create_dir_all(d).expect("create dir");
    }
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).expect("create file"));
    for l in lines {
        w.write_all(l.as_bytes()).expect("write");
        w.write_all(b"\n").expect("write");
        c.bytes += l.len() as u64 + 1;
    }
    w.flush().expect("flush");
    c.files += 1;
}

/// Builds one session of about `target` bytes; returns its lines (and writes subagents).
fn session(
    c: &mut Ctx,
    s: &mut Session,
    dir: &Path,
    target: usize,
    prefix: Vec<String>,
) -> Vec<String> {
    let mut lines = prefix;
    let mut size: usize = lines.iter().map(|l| l.len() + 1).sum();
    let push = |lines: &mut Vec<String>, size: &mut usize, l: String| {
        *size += l.len() + 1;
        lines.push(l);
    };
    if s.parent.is_none() && !c.compact {
        let shape = format!(
            r#"{{"type":"api-request-shape","sessionId":"{}","shape":"{}"}}"#,
            s.id,
            text(&mut c.rng, 38_000)
        );
        push(&mut lines, &mut size, shape);
    }
    while size < target {
        s.ts += c.rng.range(5_000, 600_000) as i64;
        let prompt = format!(
            r#"{{"parentUuid":null,{},"type":"user","message":{{"role":"user","content":"{}"}},"uuid":"{}","timestamp":"{}"}}"#,
            common(s, false, None),
            txt(c, 50, 1500),
            c.rng.uuid(),
            iso(s.ts)
        );
        push(&mut lines, &mut size, prompt);
        for _ in 0..c.rng.below(3) {
            let att = format!(
                r#"{{"parentUuid":"{}",{},"attachment":{{"type":"file","content":"{}"}},"type":"attachment","uuid":"{}","timestamp":"{}"}}"#,
                c.rng.uuid(),
                common(s, false, None),
                txt(c, 400, 14_000),
                c.rng.uuid(),
                iso(s.ts)
            );
            push(&mut lines, &mut size, att);
        }
        if c.rng.chance(0.01) {
            s.ts += 100;
            let syn = format!(
                r#"{{"parentUuid":"{}",{},"message":{{"id":"{}","type":"message","role":"assistant","model":"<synthetic>","content":[{{"type":"text","text":"API Error: 429"}}],"usage":{{"input_tokens":0,"output_tokens":0}}}},"isApiErrorMessage":true,"type":"assistant","uuid":"{}","timestamp":"{}"}}"#,
                c.rng.uuid(),
                common(s, false, None),
                c.rng.uuid(),
                c.rng.uuid(),
                iso(s.ts)
            );
            push(&mut lines, &mut size, syn);
        }
        let rounds = c.rng.range(1, if c.compact { 2 } else { 8 });
        for _ in 0..rounds {
            let blocks: &[&str] = match c.rng.below(3) {
                0 => &["thinking", "text", "tool_use"],
                1 => &["text", "tool_use"],
                _ => &["tool_use"],
            };
            for l in reply(c, s, false, None, blocks) {
                push(&mut lines, &mut size, l);
            }
            // Sometimes the tool is a subagent (Task): its own file, and a result that carries
            // a real `usage` object (the pre-filter hits it; it must still not count).
            let task = c.rng.chance(0.04);
            if task {
                subagent(c, s, dir);
            }
            let n = c.tool_result_len();
            s.ts += c.rng.range(50, 20_000) as i64;
            let extra = if task {
                format!(
                    r#","toolUseResult":{{"status":"completed","usage":{{"input_tokens":{},"output_tokens":{}}}}}"#,
                    c.rng.range(1, 9999),
                    c.rng.range(1, 999)
                )
            } else {
                String::new()
            };
            let result = format!(
                r#"{{"parentUuid":"{}",{},"type":"user","message":{{"role":"user","content":[{{"tool_use_id":"toolu_bdrk_{}","type":"tool_result","content":"{}"}}]}},"uuid":"{}","timestamp":"{}"{extra}}}"#,
                c.rng.uuid(),
                common(s, false, None),
                c.rng.hex(20),
                text(&mut c.rng, n),
                c.rng.uuid(),
                iso(s.ts)
            );
            push(&mut lines, &mut size, result);
        }
        for l in reply(c, s, false, None, &["text"]) {
            push(&mut lines, &mut size, l);
        }
    }
    lines
}

fn subagent(c: &mut Ctx, s: &Session, dir: &Path) {
    let agent = c.rng.hex(17);
    let mut sub = Session {
        id: s.id.clone(),
        cwd: s.cwd.clone(),
        branch: s.branch.clone(),
        model: if c.rng.chance(0.7) {
            HAIKU.into()
        } else {
            s.model.clone()
        },
        requested: s.requested.clone(),
        ts: s.ts,
        parent: None,
        old_version: false,
    };
    let mut lines = Vec::new();
    for _ in 0..c.rng.range(1, 6) {
        lines.extend(reply(
            c,
            &mut sub,
            true,
            Some(&agent),
            &["text", "tool_use"],
        ));
        let n = if c.compact {
            100
        } else {
            c.rng_len(300, 30_000)
        };
        lines.push(format!(
            r#"{{"parentUuid":"{}",{},"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","content":"{}"}}]}},"timestamp":"{}"}}"#,
            c.rng.uuid(),
            common(&sub, true, Some(&agent)),
            text(&mut c.rng, n),
            iso(sub.ts)
        ));
    }
    let path = dir
        .join(&s.id)
        .join("subagents")
        .join(format!("agent-{agent}.jsonl"));
    write_lines(&path, &lines, c);
    c.subagents += 1;
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let (mut kb, mut seed, mut days, mut end) =
        (1_000_000u64, 1u64, 90i64, "2026-11-28".to_string());
    let (mut arn_share, mut fork_share, mut old_share) = (0.0f64, 0.03f64, 0.1f64);
    let mut compact = false;
    while let Some(a) = args.next() {
        let mut val = || args.next().expect("missing value");
        match a.as_str() {
            "--mb" => kb = val().parse::<u64>().expect("--mb N") * 1000,
            "--kb" => kb = val().parse().expect("--kb N"),
            "--fork-share" => fork_share = val().parse().expect("--fork-share X"),
            "--old-share" => old_share = val().parse().expect("--old-share X"),
            "--compact" => compact = true,
            "--seed" => seed = val().parse().expect("--seed N"),
            "--days" => days = val().parse().expect("--days N"),
            "--end" => end = val(),
            "--arn-share" => arn_share = val().parse().expect("--arn-share X"),
            _ if out.is_none() => out = Some(PathBuf::from(a)),
            _ => panic!("unexpected argument {a}"),
        }
    }
    let out =
        out.expect("usage: gen_history OUT_DIR [--mb N] [--seed N] [--days N] [--end YYYY-MM-DD]");
    let end_ms = format!("{end}T23:00:00Z")
        .parse::<jiff::Timestamp>()
        .expect("--end YYYY-MM-DD")
        .as_millisecond();
    let span_ms = days * 86_400_000;
    let mut c = Ctx {
        rng: Rng(seed),
        start_ms: end_ms - span_ms,
        span_ms,
        arn_share,
        compact,
        files: 0,
        bytes: 0,
        requests: 0,
        oversized: 0,
        forks: 0,
        subagents: 0,
    };
    let target = kb * 1000;
    let projects: Vec<(String, String)> = (0..40)
        .map(|i| {
            let cwd = format!("/home/dev/src/project-{i:02}");
            (cwd.replace(['/', '.', '_'], "-"), cwd)
        })
        .collect();
    // A few huge sessions (about 8 % of the total each), then a long tail.
    let mut plan: Vec<usize> = vec![(target / 12) as usize; 3];
    let mut planned: u64 = plan.iter().map(|&x| x as u64).sum();
    while planned < target {
        let n = match c.rng.below(100) {
            0..=69 => c.rng_len(30_000, 2_000_000),
            70..=95 => c.rng_len(2_000_000, 20_000_000),
            _ => c.rng_len(20_000_000, 60_000_000),
        };
        // Small histories (test fixtures) get proportionally small sessions.
        let n = n.min((target / 4) as usize).max(1000);
        plan.push(n);
        planned += n as u64;
    }
    let mut previous: Vec<(PathBuf, Vec<String>, Session)> = Vec::new();
    for size in plan {
        let (enc, cwd) = projects[c.rng.below(projects.len() as u64) as usize].clone();
        let dir = out.join("projects").join(&enc);
        let model = {
            let mut p = c.rng.below(100);
            let mut m = MODELS[0].0;
            for (name, w) in MODELS {
                if p < *w {
                    m = name;
                    break;
                }
                p -= w;
            }
            m.to_string()
        };
        let requested = c.rng.chance(c.arn_share).then(|| {
            "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/bench0sonnet"
                .to_string()
        });
        let ts = c.start_ms + c.rng.below(c.span_ms as u64) as i64;
        let mut s = Session {
            id: c.rng.uuid(),
            cwd,
            branch: ["main", "dev", "feature/x", "HEAD"][c.rng.below(4) as usize].into(),
            model,
            requested,
            ts,
            parent: None,
            old_version: c.rng.chance(old_share),
        };
        // About 3 % of sessions are forks of a small earlier session: they start with copies
        // of its lines (same ids, same timestamps).
        let mut prefix = Vec::new();
        if c.rng.chance(fork_share)
            && let Some((_, lines, parent)) = previous.last()
        {
            prefix = lines.clone();
            s.parent = Some(parent.id.clone());
            s.ts = parent.ts;
            c.forks += 1;
        }
        let lines = session(&mut c, &mut s, &dir, size, prefix);
        let path = dir.join(format!("{}.jsonl", s.id));
        write_lines(&path, &lines, &mut c);
        if size < 3_000_000 {
            let parent_like = Session { parent: None, ..s };
            previous.push((path, lines, parent_like));
            if previous.len() > 4 {
                previous.remove(0);
            }
        }
    }
    println!(
        r#"{{"dir":"{}","files":{},"bytes":{},"assistant_replies":{},"oversized_tool_results":{},"forks":{},"subagent_files":{}}}"#,
        out.display(),
        c.files,
        c.bytes,
        c.requests,
        c.oversized,
        c.forks,
        c.subagents
    );
}
