//! Per-run cost records through the binary: the fake claude writes transcript lines in the real
//! format (from the Claude Code 2.1.332 fixtures), cc-bedrock appends one ledger record per run.

mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::*;

const FIXTURE_ARN: &str =
    "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123xyz";

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/claude-code-2.1.332/projects/-home-dev-src-my-proj-v2")
        .join(name);
    std::fs::read_to_string(p).expect("fixture")
}

/// Turns a real transcript into a template for the fake claude: our session id, the current
/// time, and our profile ARN.
fn template(env: &TestEnv, fixture_name: &str, arn: &str) -> PathBuf {
    let text = fixture(fixture_name);
    let session = fixture_name.trim_end_matches(".jsonl");
    let mut out = String::new();
    for line in text.lines() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        if v.get("timestamp").is_some() {
            v["timestamp"] = Value::String("@NOW@".into());
        }
        let l = serde_json::to_string(&v)
            .unwrap()
            .replace(session, "@SESSION@")
            .replace(FIXTURE_ARN, arn);
        out.push_str(&l);
        out.push('\n');
    }
    env.write("template.jsonl", &out)
}

/// A sandbox whose profiles exist, with the project dir Claude Code would use.
fn sandbox() -> (TestEnv, String) {
    let mut env = TestEnv::new();
    assert!(env.run(&["--", "--version"]).status.success());
    let sonnet = env
        .fake
        .application_profiles()
        .into_iter()
        .find(|p| p.name.ends_with("-sonnet"))
        .unwrap()
        .arn;
    let enc: String = env
        .work
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let project_dir = env.claude_dir().join("projects").join(enc);
    env.set("FAKE_CLAUDE_PROJECT_DIR", &project_dir);
    (env, sonnet)
}

fn ledger(env: &TestEnv) -> Vec<Value> {
    std::fs::read_to_string(env.home.join(".local/share/cc-bedrock/ledger.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_run_appends_one_priced_record_and_prints_the_summary() {
    let (mut env, sonnet) = sandbox();
    let t = template(&env, "fc97c4a7-32ba-4f6d-af16-9dae6b36723b.jsonl", &sonnet);
    env.set("FAKE_CLAUDE_TRANSCRIPT", &t);
    let o = env.run(&["-p", "summarise the README"]);
    assert!(o.status.success(), "{}", text(&o));
    let e = stderr(&o);
    assert!(
        e.contains("cc-bedrock: $0.0139 · Claude Sonnet 4.5 · 1.2k in, 42 out, 2.0k cache write, 3.0k cache read · profile cc-alice-payments-sonnet"),
        "{e}"
    );
    let recs = ledger(&env);
    assert_eq!(recs.len(), 1, "no record for --version, one for the run");
    let r = &recs[0];
    assert_eq!(r["schema"], 1);
    assert_eq!(r["exit_code"], 0);
    assert_eq!(r["user"], "alice");
    assert_eq!(r["region"], "us-east-1");
    assert_eq!(r["account"], env.fake.account().as_str());
    assert_eq!(r["basis"], "cost-state");
    assert_eq!(r["tags"]["repo"], "payments");
    assert_eq!(r["profiles"].as_array().unwrap().len(), 3);
    // 1234 × 3.00 + 42 × 15.00 + 1500 × 3.75 + 500 × 6.00 + 3000 × 0.30, per million (global).
    let expected = (1234.0 * 3.0 + 42.0 * 15.0 + 1500.0 * 3.75 + 500.0 * 6.0 + 3000.0 * 0.3) / 1e6;
    assert!((r["total_cost_usd"].as_f64().unwrap() - expected).abs() < 1e-12);
    assert_eq!(r["tokens"]["cache_write_1h"], 500);
    assert!(
        r["prices_version"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-28")
    );
    let pinned = &env.invocations()[1].args;
    assert_eq!(pinned[0], "--session-id");
    assert_eq!(r["session_ids"][0], pinned[1].to_str().unwrap());

    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.home.join(".local/share/cc-bedrock/ledger.jsonl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn quiet_and_config_silence_the_summary() {
    let (mut env, sonnet) = sandbox();
    let t = template(&env, "fc97c4a7-32ba-4f6d-af16-9dae6b36723b.jsonl", &sonnet);
    env.set("FAKE_CLAUDE_TRANSCRIPT", &t);
    let o = env.run(&["--quiet", "-p", "x"]);
    assert!(!stderr(&o).contains("$0.0139"), "{}", text(&o));
    env.set("CC_BEDROCK_QUIET", "1");
    let o = env.run(&["-p", "x"]);
    assert!(!stderr(&o).contains("$0.0139"), "{}", text(&o));
    assert_eq!(ledger(&env).len(), 2, "silenced, still recorded");
}

#[test]
fn a_run_without_transcript_is_recorded_as_unknown_never_zero() {
    let (env, _) = sandbox();
    let o = env.run(&["-p", "x"]);
    assert!(o.status.success());
    let r = &ledger(&env)[0];
    assert_eq!(r["basis"], "none");
    assert!(r["total_cost_usd"].is_null(), "{r}");
    assert!(!stderr(&o).contains("$0.00"), "{}", text(&o));
}

#[test]
fn a_failing_ledger_is_a_warning_and_keeps_the_exit_code() {
    let (mut env, _) = sandbox();
    let data = env.base().join("not-a-dir");
    std::fs::write(&data, "a file where the data dir should be").unwrap();
    env.set("CC_BEDROCK_DATA_DIR", &data)
        .set("FAKE_CLAUDE_EXIT", "7");
    let o = env.run(&["-p", "x"]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    assert!(
        stderr(&o).contains("warning: could not write the ledger"),
        "{}",
        text(&o)
    );
}

#[test]
fn sixteen_concurrent_runs_give_sixteen_intact_records() {
    let (mut env, sonnet) = sandbox();
    let t = template(&env, "fc97c4a7-32ba-4f6d-af16-9dae6b36723b.jsonl", &sonnet);
    env.set("FAKE_CLAUDE_TRANSCRIPT", &t);
    let children: Vec<_> = (0..16)
        .map(|i| env.cmd().args(["-p", &format!("run {i}")]).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let recs = ledger(&env);
    assert_eq!(recs.len(), 16);
    let mut sessions: Vec<_> = recs
        .iter()
        .map(|r| r["session_ids"][0].as_str().unwrap().to_string())
        .collect();
    sessions.sort();
    sessions.dedup();
    assert_eq!(sessions.len(), 16, "each run got its own session");
    for r in &recs {
        assert_eq!(
            r["tokens"]["input"], 1234,
            "each run counts only its own usage: {r}"
        );
    }
}

#[test]
fn an_unknown_model_is_flagged_not_priced_at_zero() {
    let (mut env, _) = sandbox();
    // A profile ARN that is not in the cache (not ours): its model and price are unknown.
    let t = template(
        &env,
        "fc97c4a7-32ba-4f6d-af16-9dae6b36723b.jsonl",
        FIXTURE_ARN,
    );
    env.set("FAKE_CLAUDE_TRANSCRIPT", &t);
    let o = env.run(&["-p", "x"]);
    let r = &ledger(&env)[0];
    assert!(r["total_cost_usd"].is_null(), "{r}");
    assert_eq!(r["cost_complete"], false);
    assert_eq!(r["models"][0]["price_known"], false);
    assert!(stderr(&o).contains("cost unknown"), "{}", text(&o));
}
