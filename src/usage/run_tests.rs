//! End-to-end accounting tests of [`RunWatch`] against copies of real Claude Code 2.1.332
//! transcripts (`tests/fixtures/claude-code-2.1.332/`) and small synthetic lines. Expected dollar
//! figures are computed by hand from `prices.toml`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::*;
use crate::cache::{CachedProfile, ProfileCache};
use crate::usage::Tokens;
use crate::usage::ledger::{Basis, LedgerRecord};
use crate::usage::pricing::PriceTable;

const SONNET_ARN: &str =
    "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123xyz";
const HAIKU_ARN: &str =
    "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/haiku999";
const SONNET_45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU_45: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";

/// One fixture request on Sonnet 4.5 at global prices: input 1234, output 42, cache write 5m
/// 1500 + 1h 500, cache read 3000.
const SONNET_REQ: f64 = 1234.0 * 3.00 / 1e6
    + 42.0 * 15.00 / 1e6
    + 1500.0 * 3.75 / 1e6
    + 500.0 * 6.00 / 1e6
    + 3000.0 * 0.30 / 1e6;
/// One fixture request on Haiku 4.5 at global prices: input 100, output 7.
const HAIKU_REQ: f64 = 100.0 * 1.00 / 1e6 + 7.0 * 5.00 / 1e6;

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

fn fixture(name: &str) -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/claude-code-2.1.332/projects/-home-dev-src-my-proj-v2")
        .join(name);
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

fn at(iso: &str) -> SystemTime {
    let ts: jiff::Timestamp = iso.parse().unwrap();
    SystemTime::UNIX_EPOCH + Duration::from_millis(ts.as_millisecond() as u64)
}

/// A throw-away home with a project directory and a Claude config dir.
struct Env {
    _dir: tempfile::TempDir,
    cwd: PathBuf,
    config: PathBuf,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().join("home/dev/src/my_proj.v2");
        std::fs::create_dir_all(&cwd).unwrap();
        let config = dir.path().join(".claude");
        Self {
            _dir: dir,
            cwd,
            config,
        }
    }

    fn project(&self) -> PathBuf {
        locate::project_dir(&self.config, &std::fs::canonicalize(&self.cwd).unwrap())
    }

    fn session(&self, id: &str) -> PathBuf {
        locate::session_file(&self.project(), id)
    }

    fn ctx(&self, hint: SessionHint, fork: bool, started: &str) -> RunContext {
        RunContext {
            cwd: self.cwd.clone(),
            claude_config_dir: self.config.clone(),
            hint,
            fork,
            started_at: at(started),
            user: "alice".into(),
            repo_root: Some(self.cwd.clone()),
            branch: Some("main".into()),
            config_files: vec![self.cwd.join(".cc-bedrock.toml")],
            region: "us-west-2".into(),
            account: Some("123456789012".into()),
            tags: Default::default(),
            profiles: vec![ProfileUse {
                name: "cc-alice-payments-sonnet".into(),
                arn: SONNET_ARN.into(),
                model_id: SONNET_45.into(),
                scope: Scope::Global,
                tiers: vec!["main".into(), "sonnet".into()],
                tags: Default::default(),
            }],
        }
    }
}

fn append(path: &Path, lines: &[String]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
}

fn cached(arn: &str, model_id: &str, scope: Scope) -> CachedProfile {
    CachedProfile {
        name: format!("cc-alice-{}", model_id.len()),
        arn: arn.into(),
        source: "global.x".into(),
        source_arn: "arn:x".into(),
        model_id: model_id.into(),
        scope,
        region: "us-west-2".into(),
        account: Some("123456789012".into()),
        identity: "default".into(),
        created: true,
        validated_at: 0,
    }
}

/// The profile cache of the fixtures: both ARNs, global sources.
fn cache() -> ProfileCache {
    let mut c = ProfileCache::empty();
    c.insert("s".into(), cached(SONNET_ARN, SONNET_45, Scope::Global));
    c.insert("h".into(), cached(HAIKU_ARN, HAIKU_45, Scope::Global));
    c
}

fn finish(w: RunWatch, cache: &ProfileCache) -> RunOutcome {
    w.finish(0, None, &PriceTable::embedded(), cache).unwrap()
}

fn model<'a>(r: &'a LedgerRecord, arn: &str) -> &'a crate::usage::ledger::ModelRecord {
    r.models
        .iter()
        .find(|m| m.requested_id == arn)
        .unwrap_or_else(|| panic!("no {arn} in {:#?}", r.models))
}

fn sonnet_tokens(n: u64) -> Tokens {
    Tokens {
        input: 1234 * n,
        output: 42 * n,
        cache_write_5m: 1500 * n,
        cache_write_1h: 500 * n,
        cache_read: 3000 * n,
        web_search_requests: 0,
    }
}

/// Runs a pinned session whose whole file (and `extra` files) is written during the run.
fn pinned_run(env: &Env, id: &str, lines: &[String]) -> RunOutcome {
    let w = RunWatch::begin(env.ctx(
        SessionHint::Pinned(id.into()),
        false,
        "2026-11-28T13:00:00Z",
    ));
    append(&env.session(id), lines);
    finish(w, &cache())
}

#[test]
fn one_request_is_priced_from_the_profile() {
    let env = Env::new();
    let id = "fc97c4a7-32ba-4f6d-af16-9dae6b36723b";
    let out = pinned_run(&env, id, &fixture(&format!("{id}.jsonl")));
    let r = &out.record;
    close(SONNET_REQ, 0.013857);
    assert_eq!(r.basis, Basis::CostState);
    assert_eq!(r.tokens, sonnet_tokens(1));
    close(r.total_cost_usd.unwrap(), SONNET_REQ);
    assert!(r.cost_complete);
    close(r.claude_cost_usd.unwrap(), 0.013857);
    assert_eq!(r.session_ids, vec![id.to_string()]);
    assert_eq!(r.claude_version.as_deref(), Some("2.1.332"));
    assert_eq!(r.skipped_lines, 0);
    let m = model(r, SONNET_ARN);
    assert_eq!((m.requests, m.residual_tokens), (1, Tokens::default()));
    assert_eq!(m.name.as_deref(), Some("Claude Sonnet 4.5"));
    assert_eq!(m.rates.unwrap().cache_write_1h, 6.00);
    assert_eq!(r.prices_version, "2026-11-28");
    assert!(r.cwd.ends_with("home/dev/src/my_proj.v2"));
    assert_eq!(
        r.profiles[0].model_name.as_deref(),
        Some("Claude Sonnet 4.5")
    );
    assert_eq!(
        summary_line(r),
        "$0.0139 · Claude Sonnet 4.5 · 1.2k in, 42 out, 2.0k cache write, 3.0k cache read · profile cc-alice-payments-sonnet"
    );
}

#[test]
fn multi_block_replies_count_once() {
    let env = Env::new();
    let id = "449b7481-8df9-40bd-a249-789b2a42a6d2";
    let out = pinned_run(&env, id, &fixture(&format!("{id}.jsonl")));
    let r = &out.record;
    // 4 assistant lines, 2 requests (thinking + text + tool_use share one id).
    assert_eq!(model(r, SONNET_ARN).requests, 2);
    assert_eq!(r.tokens, sonnet_tokens(2));
    close(r.total_cost_usd.unwrap(), 2.0 * SONNET_REQ);
    assert_eq!(model(r, SONNET_ARN).residual_tokens, Tokens::default());
}

#[test]
fn resume_and_continue_give_per_run_records() {
    let env = Env::new();
    let id = "11111111-2222-4333-8444-555555555555";
    let lines = fixture(&format!("{id}.jsonl"));
    let path = env.session(id);

    // Run 1: `--session-id` (lines 0..=20, ending with the first cost-state).
    let w = RunWatch::begin(env.ctx(SessionHint::Named(id.into()), false, "2026-11-28T13:33:00Z"));
    append(&path, &lines[..=20]);
    let r1 = finish(w, &cache()).record;
    assert_eq!(r1.tokens, sonnet_tokens(1));

    // Run 2: `--resume <id>` appends lines 21..=28; its cost-state is cumulative (2 requests).
    let w = RunWatch::begin(env.ctx(
        SessionHint::Named(id.into()),
        false,
        "2026-11-28T13:33:36.000Z",
    ));
    append(&path, &lines[21..=28]);
    let r2 = finish(w, &cache()).record;
    assert_eq!(r2.basis, Basis::CostState);
    assert_eq!(r2.tokens, sonnet_tokens(1), "exactly one request's worth");
    close(r2.total_cost_usd.unwrap(), SONNET_REQ);
    // Claude Code's own figure: 0.027714 - 0.013857.
    close(r2.claude_cost_usd.unwrap(), 0.027714 - 0.013857);

    // Run 3: `--continue` (session not known in advance) appends lines 29..=35.
    let w = RunWatch::begin(env.ctx(SessionHint::Unknown, false, "2026-11-28T13:33:37.000Z"));
    append(&path, &lines[29..]);
    let out = finish(w, &cache());
    let r3 = out.record;
    assert_eq!(r3.session_ids, vec![id.to_string()]);
    assert_eq!(r3.tokens, sonnet_tokens(1));
    close(r3.total_cost_usd.unwrap(), SONNET_REQ);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

/// A fork file: the parent's lines copied with their original times and the fork's session id
/// (`keep_cost_state`: whether the copies include the parent's cost-state), then one new
/// request and a new cumulative cost-state.
fn fork_lines(
    parent: &[String],
    fork_id: &str,
    keep_cost_state: bool,
    parent_id: &str,
) -> Vec<String> {
    let mut v: Vec<String> = parent
        .iter()
        .filter(|l| keep_cost_state || !l.contains("\"type\":\"cost-state\""))
        .map(|l| l.replace(parent_id, fork_id))
        .collect();
    let last = parent
        .iter()
        .find(|l| l.contains("\"type\":\"assistant\""))
        .unwrap()
        .replace(parent_id, fork_id)
        .replace("2026-11-28T13:25:07.793Z", "2026-11-28T14:00:01.000Z")
        .replace(
            "msg_bdrk_adde4a0e73784aac929a0321",
            "msg_bdrk_fork000000000000000001",
        )
        .replace(
            "f19b08b7-db40-4bcf-8709-279fc892d758",
            "f0000000-0000-4000-8000-000000000001",
        );
    v.push(last);
    let cs = parent
        .iter()
        .find(|l| l.contains("\"type\":\"cost-state\""))
        .unwrap()
        .replace(parent_id, fork_id)
        .replace(
            "\"totalCostUSD\":0.013857000000000001",
            "\"totalCostUSD\":0.027714",
        )
        .replace("\"inputTokens\":1234", "\"inputTokens\":2468")
        .replace("\"outputTokens\":42", "\"outputTokens\":84")
        .replace(
            "\"cacheReadInputTokens\":3000",
            "\"cacheReadInputTokens\":6000",
        )
        .replace(
            "\"cacheCreationInputTokens\":2000",
            "\"cacheCreationInputTokens\":4000",
        )
        .replace(
            "\"cacheCreationEphemeral5mInputTokens\":1500",
            "\"cacheCreationEphemeral5mInputTokens\":3000",
        )
        .replace(
            "\"cacheCreationEphemeral1hInputTokens\":500",
            "\"cacheCreationEphemeral1hInputTokens\":1000",
        );
    assert!(cs.contains("2468"));
    v.push(cs);
    v
}

#[test]
fn a_fork_counts_none_of_the_parents_usage() {
    let parent_id = "fc97c4a7-32ba-4f6d-af16-9dae6b36723b";
    let fork_id = "f0f0f0f0-0000-4000-8000-000000000000";
    let parent = fixture(&format!("{parent_id}.jsonl"));
    for (hint_named, keep_cs) in [(true, false), (false, false), (true, true), (false, true)] {
        let env = Env::new();
        append(&env.session(parent_id), &parent);
        let hint = if hint_named {
            SessionHint::Named(parent_id.into()) // --resume <id> --fork-session
        } else {
            SessionHint::Unknown // --continue --fork-session
        };
        let w = RunWatch::begin(env.ctx(hint, true, "2026-11-28T14:00:00Z"));
        append(
            &env.session(fork_id),
            &fork_lines(&parent, fork_id, keep_cs, parent_id),
        );
        let out = finish(w, &cache());
        let r = &out.record;
        let case = format!("named={hint_named} copies-keep-cost-state={keep_cs}");
        assert_eq!(r.session_ids, vec![fork_id.to_string()], "{case}");
        assert_eq!(r.tokens, sonnet_tokens(1), "{case}");
        assert_eq!(r.basis, Basis::CostState, "{case}: {:?}", out.warnings);
        close(r.total_cost_usd.unwrap(), SONNET_REQ);
        close(r.claude_cost_usd.unwrap(), 0.027714 - 0.013857);
    }
}

#[test]
fn a_fork_whose_copies_keep_the_parents_session_id() {
    // Copies still name the parent: it is found from them even for `--continue --fork-session`
    // when the project dir holds other, newer sessions.
    let parent_id = "fc97c4a7-32ba-4f6d-af16-9dae6b36723b";
    let fork_id = "f0f0f0f0-0000-4000-8000-000000000000";
    let env = Env::new();
    let parent = fixture(&format!("{parent_id}.jsonl"));
    append(&env.session(parent_id), &parent);
    append(
        &env.session("15d2eca5-8737-448b-8879-03ce06da3192"),
        &fixture("15d2eca5-8737-448b-8879-03ce06da3192.jsonl"),
    );
    let mut lines = fork_lines(&parent, fork_id, false, parent_id);
    let n = lines.len();
    for l in &mut lines[..n - 2] {
        *l = l.replace(fork_id, parent_id);
    }
    let w = RunWatch::begin(env.ctx(SessionHint::Unknown, true, "2026-11-28T14:00:00Z"));
    append(&env.session(fork_id), &lines);
    let r = finish(w, &cache()).record;
    assert_eq!(r.tokens, sonnet_tokens(1));
    close(r.total_cost_usd.unwrap(), SONNET_REQ);
}

#[test]
fn a_fork_from_an_unidentifiable_parent_is_never_overcounted() {
    // `--continue --fork-session`, copies renamed to the fork, and a newer unrelated session
    // (the 403 run, whose totals are empty) that would be the naive guess for the parent.
    let parent_id = "fc97c4a7-32ba-4f6d-af16-9dae6b36723b";
    let fork_id = "f0f0f0f0-0000-4000-8000-000000000000";
    let env = Env::new();
    let parent = fixture(&format!("{parent_id}.jsonl"));
    append(&env.session(parent_id), &parent);
    append(
        &env.session("15d2eca5-8737-448b-8879-03ce06da3192"),
        &fixture("15d2eca5-8737-448b-8879-03ce06da3192.jsonl"),
    );
    let old = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .append(true)
        .open(env.session(parent_id))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let w = RunWatch::begin(env.ctx(SessionHint::Unknown, true, "2026-11-28T14:00:00Z"));
    append(
        &env.session(fork_id),
        &fork_lines(&parent, fork_id, false, parent_id),
    );
    let out = finish(w, &cache());
    let r = &out.record;
    assert_eq!(r.basis, Basis::Transcript, "{:?}", out.warnings);
    assert_eq!(r.tokens, sonnet_tokens(1));
    close(r.total_cost_usd.unwrap(), SONNET_REQ);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
}

#[test]
fn subagent_on_the_haiku_profile_is_priced_as_haiku() {
    let env = Env::new();
    let id = "5430f4ec-e419-4bbd-adf0-6c4fcb7de5d8";
    let w = RunWatch::begin(env.ctx(
        SessionHint::Pinned(id.into()),
        false,
        "2026-11-28T13:00:00Z",
    ));
    append(&env.session(id), &fixture(&format!("{id}.jsonl")));
    append(
        &env.project()
            .join(id)
            .join("subagents/agent-ad970255ad297c203.jsonl"),
        &fixture(&format!("{id}/subagents/agent-ad970255ad297c203.jsonl")),
    );
    let r = finish(w, &cache()).record;
    let s = model(&r, SONNET_ARN);
    assert_eq!((s.requests, s.tokens), (2, sonnet_tokens(2)));
    close(s.cost_usd.unwrap(), 2.0 * SONNET_REQ);
    let h = model(&r, HAIKU_ARN);
    assert_eq!(h.name.as_deref(), Some("Claude Haiku 4.5"));
    assert_eq!(h.model_id.as_deref(), Some(HAIKU_45));
    assert_eq!((h.requests, h.tokens.input, h.tokens.output), (2, 200, 14));
    assert_eq!(h.residual_tokens, Tokens::default());
    close(HAIKU_REQ * 2.0, 0.00027);
    close(h.cost_usd.unwrap(), 2.0 * HAIKU_REQ);
    close(
        r.total_cost_usd.unwrap(),
        2.0 * SONNET_REQ + 2.0 * HAIKU_REQ,
    );
    close(r.claude_cost_usd.unwrap(), 0.027984);

    // Without the subagent transcript, the cost-state residual still prices the haiku usage
    // (standard tier, same figure here).
    let env = Env::new();
    let r = pinned_run(&env, id, &fixture(&format!("{id}.jsonl"))).record;
    let h = model(&r, HAIKU_ARN);
    assert_eq!(
        (
            h.requests,
            h.residual_tokens.input,
            h.residual_tokens.output
        ),
        (0, 200, 14)
    );
    close(h.cost_usd.unwrap(), 200.0 * 1.00 / 1e6 + 14.0 * 5.00 / 1e6);
}

#[test]
fn a_403_run_records_zero() {
    let env = Env::new();
    let id = "15d2eca5-8737-448b-8879-03ce06da3192";
    let w = RunWatch::begin(env.ctx(
        SessionHint::Pinned(id.into()),
        false,
        "2026-11-28T13:00:00Z",
    ));
    append(&env.session(id), &fixture(&format!("{id}.jsonl")));
    let out = w
        .finish(1, None, &PriceTable::embedded(), &cache())
        .unwrap();
    let r = &out.record;
    assert_eq!(r.exit_code, 1);
    assert_eq!(r.basis, Basis::CostState);
    assert!(r.tokens.is_zero());
    assert!(r.models.is_empty());
    assert_eq!(r.total_cost_usd, Some(0.0));
    assert!(r.cost_complete);
    assert_eq!(r.skipped_lines, 1, "the <synthetic> line");
    assert_eq!(out.skipped_lines, 1);
    assert_eq!(summary_line(r), "$0.00 · no tokens used");
}

#[test]
fn sigkill_falls_back_to_transcript_lines() {
    let env = Env::new();
    let id = "fb1003e8-c235-4eb3-98ba-b31b685aa322";
    let w = RunWatch::begin(env.ctx(
        SessionHint::Pinned(id.into()),
        false,
        "2026-11-28T13:00:00Z",
    ));
    append(&env.session(id), &fixture(&format!("{id}.jsonl")));
    let r = w
        .finish(137, Some(9), &PriceTable::embedded(), &cache())
        .unwrap()
        .record;
    assert_eq!((r.exit_code, r.signal), (137, Some(9)));
    assert_eq!(r.basis, Basis::Transcript);
    assert_eq!(r.tokens, sonnet_tokens(1));
    close(r.total_cost_usd.unwrap(), SONNET_REQ);
    assert_eq!(r.claude_cost_usd, None);
}

#[test]
fn has_unknown_model_cost_is_priced_from_tokens_anyway() {
    let env = Env::new();
    let id = "fc97c4a7-32ba-4f6d-af16-9dae6b36723b";
    // Claude Code could not look the profile up: its own figure is wrong (0.5 here).
    let lines: Vec<String> = fixture(&format!("{id}.jsonl"))
        .into_iter()
        .map(|l| {
            l.replace(
                "\"hasUnknownModelCost\":false",
                "\"hasUnknownModelCost\":true",
            )
            .replace("0.013857000000000001", "0.5")
        })
        .collect();
    let r = pinned_run(&env, id, &lines).record;
    close(r.total_cost_usd.unwrap(), SONNET_REQ);
    close(r.claude_cost_usd.unwrap(), 0.5);
    assert!(r.cost_complete);
}

/// A synthetic assistant line on the Sonnet profile.
fn assistant(session: &str, mid: &str, ts: &str, usage: &str) -> String {
    format!(
        r#"{{"type":"assistant","sessionId":"{session}","timestamp":"{ts}","requestId":"req-{mid}","requestedModel":"{SONNET_ARN}","isSidechain":false,"version":"2.1.332","message":{{"id":"{mid}","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"x"}}],"usage":{{{usage}}}}}}}"#
    )
}

fn cost_state(session: &str, arn: &str, usage: &str, total: f64) -> String {
    format!(
        r#"{{"type":"cost-state","sessionId":"{session}","totalCostUSD":{total},"modelUsage":{{"{arn}":{{{usage}}}}},"hasUnknownModelCost":false}}"#
    )
}

#[test]
fn one_hour_cache_writes_use_their_own_rate() {
    let env = Env::new();
    let id = "aaaaaaaa-0000-4000-8000-000000000001";
    let usage = r#""input_tokens":10,"output_tokens":20,"cache_creation_input_tokens":10000,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":10000}"#;
    let lines = vec![assistant(id, "m1", "2026-11-28T13:00:01.000Z", usage)];
    let r = pinned_run(&env, id, &lines).record;
    assert_eq!(r.basis, Basis::Transcript);
    assert_eq!(
        (r.tokens.cache_write_1h, r.tokens.cache_write_5m),
        (10000, 0)
    );
    close(
        r.total_cost_usd.unwrap(),
        10.0 * 3.00 / 1e6 + 20.0 * 15.00 / 1e6 + 10000.0 * 6.00 / 1e6,
    );
}

#[test]
fn a_long_context_request_is_billed_at_long_context_rates() {
    let env = Env::new();
    let id = "aaaaaaaa-0000-4000-8000-000000000002";
    // Request 1: 150,000 input + 60,000 cache read = 210,000 > 200,000: whole request at the
    // long-context rates. Request 2: small, standard. The cost-state holds 1,000 more input
    // tokens (the title call): residual, standard tier.
    let lines = vec![
        assistant(
            id,
            "big",
            "2026-11-28T13:00:01.000Z",
            r#""input_tokens":150000,"output_tokens":2000,"cache_creation_input_tokens":0,"cache_read_input_tokens":60000"#,
        ),
        assistant(
            id,
            "small",
            "2026-11-28T13:00:02.000Z",
            r#""input_tokens":100,"output_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0"#,
        ),
        cost_state(
            id,
            SONNET_ARN,
            r#""inputTokens":151100,"outputTokens":2010,"cacheReadInputTokens":60000,"cacheCreationInputTokens":0"#,
            1.0,
        ),
    ];
    let r = pinned_run(&env, id, &lines).record;
    let m = model(&r, SONNET_ARN);
    assert_eq!((m.requests, m.long_context_requests), (2, 1));
    assert_eq!(m.residual_tokens.input, 1000);
    let expected = (150_000.0 * 6.00 / 1e6 + 60_000.0 * 0.60 / 1e6 + 2000.0 * 22.50 / 1e6)
        + (100.0 * 3.00 / 1e6 + 10.0 * 15.00 / 1e6)
        + 1000.0 * 3.00 / 1e6;
    close(expected, 0.981 + 0.00045 + 0.003);
    close(r.total_cost_usd.unwrap(), expected);
}

#[test]
fn geographic_source_costs_ten_percent_more_than_global() {
    let id = "449b7481-8df9-40bd-a249-789b2a42a6d2";
    let lines = fixture(&format!("{id}.jsonl"));
    let run = |scope: Scope| {
        let env = Env::new();
        let mut ctx = env.ctx(
            SessionHint::Pinned(id.into()),
            false,
            "2026-11-28T13:00:00Z",
        );
        ctx.profiles[0].scope = scope;
        let w = RunWatch::begin(ctx);
        append(&env.session(id), &lines);
        finish(w, &cache()).record
    };
    let global = run(Scope::Global);
    let geo = run(Scope::Geographic("us".into()));
    close(global.total_cost_usd.unwrap(), 2.0 * SONNET_REQ);
    let geo_req = 1234.0 * 3.30 / 1e6
        + 42.0 * 16.50 / 1e6
        + 1500.0 * 4.125 / 1e6
        + 500.0 * 6.60 / 1e6
        + 3000.0 * 0.33 / 1e6;
    close(geo.total_cost_usd.unwrap(), 2.0 * geo_req);
    close(
        geo.total_cost_usd.unwrap(),
        1.1 * global.total_cost_usd.unwrap(),
    );
    let rates = model(&geo, SONNET_ARN).rates.unwrap();
    close(rates.input, 3.30);
    assert_eq!(
        model(&geo, SONNET_ARN).scope,
        Scope::Geographic("us".into())
    );
}

#[test]
fn an_unknown_model_is_null_and_flagged_never_zero() {
    let env = Env::new();
    let id = "5430f4ec-e419-4bbd-adf0-6c4fcb7de5d8";
    let mut ctx = env.ctx(
        SessionHint::Pinned(id.into()),
        false,
        "2026-11-28T13:00:00Z",
    );
    ctx.profiles.clear();
    // The cache knows the sonnet profile only: the haiku one is unknown.
    let mut only_sonnet = ProfileCache::empty();
    only_sonnet.insert("s".into(), cached(SONNET_ARN, SONNET_45, Scope::Global));
    let w = RunWatch::begin(ctx);
    append(&env.session(id), &fixture(&format!("{id}.jsonl")));
    let out = finish(w, &only_sonnet);
    let r = &out.record;
    let h = model(r, HAIKU_ARN);
    assert_eq!((h.cost_usd, h.price_known, h.rates), (None, false, None));
    assert_eq!(h.tokens.input, 200);
    assert!(!r.cost_complete);
    close(r.total_cost_usd.unwrap(), 2.0 * SONNET_REQ); // a lower bound
    assert!(
        summary_line(r).starts_with("at least $0.0277"),
        "{}",
        summary_line(r)
    );
    assert!(!out.warnings.is_empty());

    // Nothing priced at all: total null.
    let env = Env::new();
    let mut ctx = env.ctx(
        SessionHint::Pinned(id.into()),
        false,
        "2026-11-28T13:00:00Z",
    );
    ctx.profiles.clear();
    let w = RunWatch::begin(ctx);
    append(&env.session(id), &fixture(&format!("{id}.jsonl")));
    let r = finish(w, &ProfileCache::empty()).record;
    assert_eq!(r.total_cost_usd, None);
    assert!(!r.cost_complete);
    assert!(r.models.iter().all(|m| m.cost_usd.is_none()));
    let s = summary_line(&r);
    assert!(s.starts_with("cost unknown"), "{s}");
    assert!(!s.contains("$0"), "{s}");
}

#[test]
fn two_concurrent_runs_in_one_project_dir_each_get_their_own() {
    let usage = |n: u64| {
        format!(
            r#""input_tokens":{n},"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0"#
        )
    };
    // (a) Both pinned.
    let env = Env::new();
    let (a, b) = (
        "aaaaaaaa-0000-4000-8000-00000000000a",
        "bbbbbbbb-0000-4000-8000-00000000000b",
    );
    let wa = RunWatch::begin(env.ctx(SessionHint::Pinned(a.into()), false, "2026-11-28T13:00:00Z"));
    let wb = RunWatch::begin(env.ctx(SessionHint::Pinned(b.into()), false, "2026-11-28T13:00:00Z"));
    for i in 0..3 {
        let ts = format!("2026-11-28T13:00:0{i}.000Z");
        append(
            &env.session(a),
            &[assistant(a, &format!("a{i}"), &ts, &usage(100))],
        );
        append(
            &env.session(b),
            &[assistant(b, &format!("b{i}"), &ts, &usage(1000))],
        );
    }
    let ra = finish(wa, &cache()).record;
    let rb = finish(wb, &cache()).record;
    assert_eq!((ra.tokens.input, rb.tokens.input), (300, 3000));
    assert_eq!(ra.session_ids, vec![a.to_string()]);
    assert_eq!(rb.session_ids, vec![b.to_string()]);

    // (b) Neither pinned (`--continue` / picker): each learns its session from
    // sessions/<pid>.json.
    let env = Env::new();
    let started = "2026-11-28T13:00:00Z";
    let mut wa = RunWatch::begin(env.ctx(SessionHint::Unknown, false, started));
    let mut wb = RunWatch::begin(env.ctx(SessionHint::Unknown, false, started));
    wa.child_started(4_000_001);
    wb.child_started(4_000_002);
    let sessions = env.config.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let ms = at(started)
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 5;
    for (pid, id) in [(4_000_001, a), (4_000_002, b)] {
        std::fs::write(
            sessions.join(format!("{pid}.json")),
            format!(r#"{{"pid":{pid},"sessionId":"{id}","cwd":"/x","startedAt":{ms}}}"#),
        )
        .unwrap();
    }
    for i in 0..3 {
        let ts = format!("2026-11-28T13:00:0{i}.000Z");
        append(
            &env.session(a),
            &[assistant(a, &format!("a{i}"), &ts, &usage(100))],
        );
        append(
            &env.session(b),
            &[assistant(b, &format!("b{i}"), &ts, &usage(1000))],
        );
    }
    let oa = finish(wa, &cache());
    let ob = finish(wb, &cache());
    assert_eq!(
        (oa.record.tokens.input, ob.record.tokens.input),
        (300, 3000)
    );
    assert!(oa.warnings.is_empty() && ob.warnings.is_empty());

    // (c) Without sessions/<pid>.json the two cannot be told apart: counted, with a warning.
    let env = Env::new();
    let wa = RunWatch::begin(env.ctx(SessionHint::Unknown, false, started));
    append(
        &env.session(a),
        &[assistant(a, "a", "2026-11-28T13:00:01.000Z", &usage(100))],
    );
    append(
        &env.session(b),
        &[assistant(b, "b", "2026-11-28T13:00:01.000Z", &usage(1000))],
    );
    let oa = finish(wa, &cache());
    assert_eq!(oa.record.tokens.input, 1100);
    assert_eq!(oa.warnings.len(), 1, "{:?}", oa.warnings);
}

#[test]
fn malformed_synthetic_and_truncated_lines() {
    let env = Env::new();
    let id = "fc97c4a7-32ba-4f6d-af16-9dae6b36723b";
    let mut lines = fixture(&format!("{id}.jsonl"));
    let cs = lines.pop().unwrap(); // the cost-state
    lines.push(r#"{"type":"assistant","message":{"usage":{"input_tokens":-3}}}"#.into());
    lines.push(r#"{"type":"assistant","message":{"id":"x","usage":"#.into());
    lines.push(fixture("15d2eca5-8737-448b-8879-03ce06da3192.jsonl")[16].clone());
    lines.push(cs);
    let w = RunWatch::begin(env.ctx(
        SessionHint::Pinned(id.into()),
        false,
        "2026-11-28T13:00:00Z",
    ));
    append(&env.session(id), &lines);
    // A partly written last line (no newline): tolerated, not counted.
    let torn = assistant(
        id,
        "late",
        "2026-11-28T13:30:00.000Z",
        r#""input_tokens":5"#,
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(env.session(id))
        .unwrap();
    f.write_all(&torn.as_bytes()[..torn.len() - 20]).unwrap();
    let r = finish(w, &cache()).record;
    assert_eq!(r.skipped_lines, 3, "2 malformed + 1 synthetic");
    assert_eq!(r.tokens, sonnet_tokens(1));
    close(r.total_cost_usd.unwrap(), SONNET_REQ);
}

#[test]
fn a_pinned_session_that_never_wrote_is_basis_none() {
    let env = Env::new();
    let w = RunWatch::begin(env.ctx(
        SessionHint::Pinned("aaaaaaaa-0000-4000-8000-00000000000c".into()),
        false,
        "2026-11-28T13:00:00Z",
    ));
    let r = finish(w, &cache()).record;
    assert_eq!(r.basis, Basis::None);
    assert_eq!((r.total_cost_usd, r.cost_complete), (None, false));
    assert!(summary_line(&r).starts_with("usage unknown"));
}

#[test]
fn resumed_subagent_files_are_read_from_their_old_size() {
    let env = Env::new();
    let id = "5430f4ec-e419-4bbd-adf0-6c4fcb7de5d8";
    let main = fixture(&format!("{id}.jsonl"));
    let sub = fixture(&format!("{id}/subagents/agent-ad970255ad297c203.jsonl"));
    let sub_path = env
        .project()
        .join(id)
        .join("subagents/agent-ad970255ad297c203.jsonl");
    append(&env.session(id), &main);
    append(&sub_path, &sub[..=14]);
    // `--resume <id>`: the agent continues (lines 15..) and one more main request is made.
    let w = RunWatch::begin(env.ctx(
        SessionHint::Named(id.into()),
        false,
        "2026-11-28T13:26:55.490Z",
    ));
    append(&sub_path, &sub[15..]);
    let r = finish(w, &cache()).record;
    let h = model(&r, HAIKU_ARN);
    assert_eq!((h.requests, h.tokens.input), (1, 100));
    assert_eq!(r.basis, Basis::Transcript, "no new cost-state was written");
}

#[test]
fn the_record_serialises_without_message_text() {
    let env = Env::new();
    let id = "449b7481-8df9-40bd-a249-789b2a42a6d2";
    let r = pinned_run(&env, id, &fixture(&format!("{id}.jsonl"))).record;
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("Hello from the fake"), "{json}");
    assert!(json.contains(r#""basis":"cost-state""#));
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ledger.jsonl");
    crate::usage::ledger::append(&p, &r).unwrap();
    assert_eq!(crate::usage::ledger::read(&p).unwrap().records, vec![r]);
}
