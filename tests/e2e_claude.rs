//! End to end with the real Claude Code CLI (pinned 2.1.332, installed by `.ci/run` with npm and
//! found through `CC_BEDROCK_E2E_CLAUDE`) against the loopback fake Bedrock: the runtime as AWS
//! event-stream frames, the control plane for both cc-bedrock and Claude Code.
//!
//! When no Claude Code is available each test says so loudly on stderr and passes: the rest of the
//! suite still proves our side with the fake `claude`.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::*;

fn real_claude() -> Option<PathBuf> {
    let found = std::env::var_os("CC_BEDROCK_E2E_CLAUDE")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| {
            let home = std::env::var_os("HOME")?;
            let p = PathBuf::from(home).join(".cache/cc-bedrock-e2e/node_modules/.bin/claude");
            p.is_file().then_some(p)
        });
    if found.is_none() {
        eprintln!(
            "\n*** SKIPPED: the real Claude Code CLI is not installed (set CC_BEDROCK_E2E_CLAUDE, or run .ci/run \
             which installs @anthropic-ai/claude-code@2.1.332). This end-to-end test did not run. ***\n"
        );
    }
    found
}

/// A sandbox where cc-bedrock launches the real claude, both pointed at the fake.
fn sandbox(claude: &PathBuf) -> TestEnv {
    let mut env = TestEnv::new();
    let url = env.fake.url();
    env.set("CC_BEDROCK_CLAUDE", claude)
        .set("ANTHROPIC_BEDROCK_BASE_URL", &url)
        .set("CLAUDE_CODE_SKIP_BEDROCK_AUTH", "1")
        .set("DISABLE_AUTOUPDATER", "1")
        .set("DISABLE_TELEMETRY", "1")
        .set("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env
}

fn ledger(env: &TestEnv) -> Vec<Value> {
    let path = env.home.join(".local/share/cc-bedrock/ledger.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("ledger line is JSON"))
        .collect()
}

fn app_arns(env: &TestEnv) -> HashSet<String> {
    env.fake
        .application_profiles()
        .into_iter()
        .map(|p| p.arn)
        .collect()
}

fn arn_of(env: &TestEnv, name_suffix: &str) -> String {
    env.fake
        .application_profiles()
        .into_iter()
        .find(|p| p.name.ends_with(name_suffix))
        .expect("profile")
        .arn
}

/// Requests cc-bedrock itself sent (the Rust SDK), as opposed to Claude Code's (the JS SDK).
fn ours(env: &TestEnv) -> usize {
    env.fake
        .requests()
        .iter()
        .filter(|r| {
            !r.op.is_runtime() && r.header("user-agent").is_some_and(|ua| ua.contains("rust"))
        })
        .count()
}

/// The tokens the fake served, per requested id, from its own request log.
fn served(env: &TestEnv) -> BTreeMap<String, [u64; 5]> {
    let mut out: BTreeMap<String, [u64; 5]> = BTreeMap::new();
    for id in env.fake.invoked_model_ids() {
        let u = env.fake.usage_for(&id).expect("known id");
        let e = out.entry(id).or_default();
        for (slot, v) in e.iter_mut().zip([
            u.input,
            u.output,
            u.cache_write_5m,
            u.cache_write_1h,
            u.cache_read,
        ]) {
            *slot += v;
        }
    }
    out
}

fn tokens_of(model: &Value) -> [u64; 5] {
    let t = &model["tokens"];
    [
        "input",
        "output",
        "cache_write_5m",
        "cache_write_1h",
        "cache_read",
    ]
    .map(|k| t[k].as_u64().unwrap())
}

fn record_tokens(rec: &Value) -> BTreeMap<String, [u64; 5]> {
    rec["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| tokens_of(m).iter().any(|&v| v > 0))
        .map(|m| {
            (
                m["requested_id"].as_str().unwrap().to_string(),
                tokens_of(m),
            )
        })
        .collect()
}

fn run_ok(env: &TestEnv, args: &[&str]) -> std::process::Output {
    let o = env.run(args);
    assert!(o.status.success(), "{}", text(&o));
    o
}

#[test]
fn every_request_goes_to_our_profiles_and_the_record_matches() {
    let Some(claude) = real_claude() else { return };
    let env = sandbox(&claude);
    let o = run_ok(&env, &["-p", "hello"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Hello from the fake Bedrock runtime."),
        "{}",
        text(&o)
    );

    // 1. No untagged traffic: every model request went to a profile cc-bedrock created.
    let arns = app_arns(&env);
    let invoked = env.fake.invoked_model_ids();
    assert!(!invoked.is_empty());
    for id in &invoked {
        assert!(
            arns.contains(id),
            "request to {id}, not one of our profiles {arns:?}"
        );
    }

    // 3. The record equals what the fake served, and is priced by hand.
    let recs = ledger(&env);
    assert_eq!(recs.len(), 1);
    let rec = &recs[0];
    assert_eq!(rec["exit_code"], 0);
    assert_eq!(rec["basis"], "cost-state");
    assert_eq!(record_tokens(rec), served(&env));
    let sonnet = arn_of(&env, "-sonnet");
    assert_eq!(served(&env).keys().collect::<Vec<_>>(), [&sonnet]);
    // Sonnet 4.5, global: 1234 in × $3 + 42 out × $15 + 1500 5m-writes × $3.75 + 500 1h-writes × $6
    // + 3000 reads × $0.30, per million.
    let expected = (1234.0 * 3.0 + 42.0 * 15.0 + 1500.0 * 3.75 + 500.0 * 6.0 + 3000.0 * 0.30) / 1e6;
    let cost = rec["total_cost_usd"].as_f64().unwrap();
    assert!((cost - expected).abs() < 1e-9, "{cost} vs {expected}");
    // Claude Code's own cost-state agrees on tokens (and, with GetInferenceProfile allowed, on cost).
    let claude_cost = rec["claude_cost_usd"].as_f64().unwrap();
    assert!(
        (claude_cost - expected).abs() < 1e-6,
        "claude says {claude_cost}"
    );
    let stderr = stderr(&o);
    assert!(
        stderr.contains("cc-bedrock: $0.0139 · Claude Sonnet 4.5"),
        "{stderr}"
    );

    // 2. A second launch makes no control-plane call from cc-bedrock.
    env.fake.clear_requests();
    run_ok(&env, &["-p", "again"]);
    assert_eq!(ours(&env), 0, "warm launch called AWS");
    for id in env.fake.invoked_model_ids() {
        assert!(arns.contains(&id), "request to {id}");
    }
}

#[test]
fn resume_and_continue_are_recorded_per_run() {
    let Some(claude) = real_claude() else { return };
    let env = sandbox(&claude);
    run_ok(&env, &["-p", "first"]);
    let session = ledger(&env)[0]["session_ids"][0]
        .as_str()
        .unwrap()
        .to_string();
    run_ok(&env, &["--continue", "-p", "second"]);
    run_ok(&env, &["--resume", &session, "-p", "third"]);
    let recs = ledger(&env);
    assert_eq!(recs.len(), 3);
    let one = [1234, 42, 1500, 500, 3000];
    let sonnet = arn_of(&env, "-sonnet");
    for (i, rec) in recs.iter().enumerate() {
        assert_eq!(
            rec["session_ids"][0],
            session.as_str(),
            "run {i} is the same session"
        );
        assert_eq!(
            record_tokens(rec),
            BTreeMap::from([(sonnet.clone(), one)]),
            "run {i} counts one request, not the session"
        );
    }
    let first = recs[0]["total_cost_usd"].as_f64().unwrap();
    for rec in &recs[1..] {
        assert!((rec["total_cost_usd"].as_f64().unwrap() - first).abs() < 1e-12);
    }
}

#[test]
fn a_haiku_subagent_is_attributed_to_the_haiku_profile() {
    let Some(claude) = real_claude() else { return };
    let env = sandbox(&claude);
    run_ok(&env, &["-p", "please CCFAKE_SUBAGENT now"]);
    let arns = app_arns(&env);
    let haiku = arn_of(&env, "-haiku");
    let invoked = env.fake.invoked_model_ids();
    assert!(
        invoked.contains(&haiku),
        "the subagent ran on the haiku profile: {invoked:?}"
    );
    for id in &invoked {
        assert!(arns.contains(id), "request to {id}");
    }
    let rec = &ledger(&env)[0];
    let tokens = record_tokens(rec);
    assert_eq!(
        tokens,
        served(&env),
        "every request of the run, main and subagent"
    );
    let haiku_model = rec["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["requested_id"] == haiku.as_str())
        .unwrap();
    assert_eq!(haiku_model["name"], "Claude Haiku 4.5");
    // Haiku 4.5 global: input $1, output $5 per million.
    let n = invoked.iter().filter(|i| **i == haiku).count() as f64;
    let expected = n * (100.0 * 1.0 + 7.0 * 5.0) / 1e6;
    assert!((haiku_model["cost_usd"].as_f64().unwrap() - expected).abs() < 1e-12);
}

#[test]
fn a_403_exits_1_and_records_zero() {
    let Some(claude) = real_claude() else { return };
    let env = sandbox(&claude);
    // Warm the cache so the fault hits Claude Code's request, not cc-bedrock's setup.
    run_ok(&env, &["-p", "warm"]);
    env.fake
        .fail_next(Op::InvokeStream, 100, Fault::access_denied());
    env.fake.fail_next(Op::Invoke, 100, Fault::access_denied());
    let o = env.run(&["-p", "denied"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let recs = ledger(&env);
    assert_eq!(recs.len(), 2);
    let rec = &recs[1];
    assert_eq!(rec["exit_code"], 1);
    assert!(record_tokens(rec).is_empty(), "{rec}");
    assert_eq!(rec["total_cost_usd"].as_f64().unwrap_or(0.0), 0.0);
}

#[test]
fn sigterm_gives_143_and_leaves_no_claude_running() {
    let Some(claude) = real_claude() else { return };
    let env = sandbox(&claude);
    run_ok(&env, &["-p", "warm"]);
    env.fake
        .fail_next(Op::InvokeStream, 5, Fault::Delay(Duration::from_secs(60)));
    let mut child = env.cmd().args(["-p", "slow"]).spawn().unwrap();
    // Wait until claude is waiting on the fake.
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.fake.count(Op::InvokeStream) < 2 {
        assert!(Instant::now() < deadline, "claude never sent its request");
        std::thread::sleep(Duration::from_millis(50));
    }
    let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", child.id()))
        .unwrap_or_default();
    let claude_pid: i32 = children
        .split_whitespace()
        .next()
        .expect("claude is our child")
        .parse()
        .unwrap();
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        unsafe { libc::kill(claude_pid, 0) } != 0,
        "claude {claude_pid} still running"
    );
}
