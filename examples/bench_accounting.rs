//! Times post-exit accounting (`RunWatch::begin` + `RunWatch::finish`) on a large session, with
//! and without a large unrelated history next to it. Run by `bench/accounting.sh`.
//!
//! `cargo run --release --example bench_accounting -- [--session-mb 50] [--history-mb 1024] [--runs 9]`
//!
//! Scenarios (each: median over `--runs`, warm page cache):
//! * `resume`: `--resume <id>` of a session file of `--session-mb`; the run appends one turn;
//! * `continue`: the same without knowing the id (`--continue`: the project dir is listed);
//! * `new`: a pinned new session whose whole `--session-mb` file was written by the run
//!   (the worst case: everything must be read).
//!
//! Each runs twice: alone, and with `--history-mb` of other sessions (half in the same project
//! dir, half in 20 other project dirs).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use cc_bedrock::cache::{CachedProfile, ProfileCache};
use cc_bedrock::models::Scope;
use cc_bedrock::usage::locate;
use cc_bedrock::usage::pricing::PriceTable;
use cc_bedrock::usage::run::{ProfileUse, RunContext, RunWatch, SessionHint};

const ARN: &str = "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123xyz";
const MODEL: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const SESSION: &str = "5e551011-0000-4000-8000-000000000050";

/// splitmix64.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Writes one turn of a transcript (user prompt, attachment, a 3-block reply with full usage on
/// each block, a tool result, and sometimes a cost-state); returns bytes written.
fn turn(
    w: &mut impl Write,
    rng: &mut Rng,
    session: &str,
    n: u64,
    ms: i64,
    cost_state: bool,
) -> u64 {
    let ts = iso(ms);
    let mut out = String::new();
    out += &format!(
        r#"{{"parentUuid":null,"isSidechain":false,"type":"user","message":{{"role":"user","content":"please look at module {n} and fix the failing test"}},"uuid":"u{n}","timestamp":"{ts}","cwd":"/repo","sessionId":"{session}","version":"2.1.332","gitBranch":"main"}}"#
    );
    out.push('\n');
    let pad = "a".repeat(rng.range(500, 30_000) as usize);
    out += &format!(
        r#"{{"type":"attachment","attachment":{{"type":"file","content":"{pad}"}},"uuid":"at{n}","timestamp":"{ts}","sessionId":"{session}"}}"#
    );
    out.push('\n');
    for (block, text) in [
        ("thinking", "let me think"),
        ("text", "Here is the fix."),
        ("tool_use", "{}"),
    ] {
        out += &format!(
            r#"{{"parentUuid":"u{n}","isSidechain":false,"message":{{"id":"msg_bdrk_{session}_{n}","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{{"type":"{block}","text":"{text}"}}],"stop_reason":"tool_use","usage":{{"input_tokens":1234,"cache_creation_input_tokens":2000,"cache_read_input_tokens":3000,"output_tokens":42,"server_tool_use":{{"web_search_requests":0,"web_fetch_requests":0}},"service_tier":"standard","cache_creation":{{"ephemeral_1h_input_tokens":500,"ephemeral_5m_input_tokens":1500}}}}}},"requestId":"req_{session}_{n}","requestedModel":"{ARN}","type":"assistant","uuid":"a{n}{block}","timestamp":"{ts}","userType":"external","entrypoint":"cli","cwd":"/repo","sessionId":"{session}","version":"2.1.332","gitBranch":"main"}}"#
        );
        out.push('\n');
    }
    let result = "r".repeat(rng.range(200, 8_000) as usize);
    out += &format!(
        r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","content":"{result} (mentions \"usage\" in text)"}}]}},"uuid":"t{n}","timestamp":"{ts}","sessionId":"{session}"}}"#
    );
    out.push('\n');
    if cost_state {
        out += &format!(
            r#"{{"type":"cost-state","sessionId":"{session}","totalCostUSD":{:.6},"modelUsage":{{"{ARN}":{{"inputTokens":{},"outputTokens":{},"cacheReadInputTokens":{},"cacheCreationInputTokens":{},"cacheCreationEphemeral5mInputTokens":{},"cacheCreationEphemeral1hInputTokens":{},"webSearchRequests":0,"costUSD":{:.6}}}}},"hasUnknownModelCost":false}}"#,
            0.013857 * (n + 1) as f64,
            1234 * (n + 1),
            42 * (n + 1),
            3000 * (n + 1),
            2000 * (n + 1),
            1500 * (n + 1),
            500 * (n + 1),
            0.013857 * (n + 1) as f64
        );
        out.push('\n');
    }
    w.write_all(out.as_bytes()).unwrap();
    out.len() as u64
}

/// Writes a session file of about `mb` MB; returns the number of turns.
fn session_file(path: &Path, session: &str, mb: u64, seed: u64, start_ms: i64) -> u64 {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).unwrap());
    let mut rng = Rng(seed);
    let (mut bytes, mut n) = (0u64, 0u64);
    while bytes < mb << 20 {
        // A cost-state every 20 turns: earlier runs of the session ended there.
        bytes += turn(
            &mut w,
            &mut rng,
            session,
            n,
            start_ms + n as i64 * 1000,
            n % 20 == 19,
        );
        n += 1;
    }
    w.flush().unwrap();
    n
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

struct Setup {
    cwd: PathBuf,
    config: PathBuf,
}

impl Setup {
    fn ctx(&self, hint: SessionHint, started_at: SystemTime) -> RunContext {
        RunContext {
            cwd: self.cwd.clone(),
            claude_config_dir: self.config.clone(),
            hint,
            fork: false,
            started_at,
            user: "bench".into(),
            repo_root: Some(self.cwd.clone()),
            branch: Some("main".into()),
            config_files: vec![],
            region: "us-west-2".into(),
            account: None,
            tags: Default::default(),
            profiles: vec![ProfileUse {
                name: "cc-bench".into(),
                arn: ARN.into(),
                model_id: MODEL.into(),
                scope: Scope::Global,
                tiers: vec!["main".into()],
                tags: Default::default(),
            }],
        }
    }
    fn project(&self) -> PathBuf {
        locate::project_dir(&self.config, &fs::canonicalize(&self.cwd).unwrap())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let session_mb = opt("--session-mb", 50);
    let history_mb = opt("--history-mb", 1024);
    let runs = opt("--runs", 9).max(1) as usize;

    let tmp = tempfile::tempdir().unwrap();
    let s = Setup {
        cwd: tmp.path().join("repo"),
        config: tmp.path().join(".claude"),
    };
    fs::create_dir_all(&s.cwd).unwrap();
    let prices = PriceTable::embedded();
    let mut cache = ProfileCache::empty();
    cache.insert(
        "k".into(),
        CachedProfile {
            name: "cc-bench".into(),
            arn: ARN.into(),
            source: "global.x".into(),
            source_arn: "arn:x".into(),
            model_id: MODEL.into(),
            scope: Scope::Global,
            region: "us-west-2".into(),
            account: None,
            identity: "default".into(),
            created: true,
            validated_at: 0,
        },
    );
    let base_ms = now_ms() - 30 * 86_400_000;
    let t = Instant::now();
    let big = locate::session_file(&s.project(), SESSION);
    let turns = session_file(&big, SESSION, session_mb, 1, base_ms);
    eprintln!(
        "generated a {} MB session ({turns} turns) in {:.1}s",
        fs::metadata(&big).unwrap().len() >> 20,
        t.elapsed().as_secs_f64()
    );

    println!("accounting benchmark: median of {runs} runs, warm page cache, times in ms");
    println!(
        "{:<10} {:>14} {:>10} {:>10} {:>10} {:>8}",
        "scenario", "history", "begin", "finish", "total", "cost ok"
    );
    let mut next_turn = turns;
    for history in [0, history_mb] {
        if history > 0 {
            let t = Instant::now();
            // Half in the same project dir (what `begin` lists for an unpinned run), half in
            // 20 other project dirs.
            let per_file = 5u64;
            let files = history.div_ceil(per_file);
            for i in 0..files {
                let id = format!("0ther000-0000-4000-8000-{i:012}");
                let dir = if i % 2 == 0 {
                    s.project()
                } else {
                    s.config.join("projects").join(format!("-other-{}", i % 20))
                };
                session_file(
                    &locate::session_file(&dir, &id),
                    &id,
                    per_file,
                    i + 7,
                    base_ms,
                );
            }
            eprintln!(
                "generated {history} MB of other history ({files} files) in {:.1}s",
                t.elapsed().as_secs_f64()
            );
        }
        let label = if history > 0 {
            format!("+{history} MB")
        } else {
            "none".to_string()
        };
        for scenario in ["resume", "continue", "new"] {
            let (mut b, mut f, mut tot) = (Vec::new(), Vec::new(), Vec::new());
            let mut ok = true;
            for _ in 0..runs {
                let (hint, started) = match scenario {
                    "resume" => (SessionHint::Named(SESSION.into()), SystemTime::now()),
                    "continue" => (SessionHint::Unknown, SystemTime::now()),
                    _ => (
                        SessionHint::Pinned(SESSION.into()),
                        SystemTime::UNIX_EPOCH + Duration::from_millis(base_ms as u64 - 1000),
                    ),
                };
                let t0 = Instant::now();
                let w = RunWatch::begin(s.ctx(hint, started));
                let t_begin = t0.elapsed();
                if scenario != "new" {
                    // The run: one turn and the cumulative cost-state.
                    let mut file = fs::OpenOptions::new().append(true).open(&big).unwrap();
                    let mut rng = Rng(next_turn);
                    turn(&mut file, &mut rng, SESSION, next_turn, now_ms() + 5, true);
                    next_turn += 1;
                }
                let t1 = Instant::now();
                let out = w.finish(0, None, &prices, &cache).unwrap();
                let t_finish = t1.elapsed();
                let expect = if scenario == "new" { next_turn } else { 1 };
                ok &= out.record.models.first().map(|m| m.requests) == Some(expect);
                b.push(t_begin);
                f.push(t_finish);
                tot.push(t_begin + t_finish);
            }
            println!(
                "{:<10} {:>14} {:>10.3} {:>10.3} {:>10.3} {:>8}",
                scenario,
                label,
                median(b),
                median(f),
                median(tot),
                if ok { "yes" } else { "NO" }
            );
        }
    }
}
