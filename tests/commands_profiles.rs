//! `cc-bedrock profiles list | show | delete | prune` against the loopback fake Bedrock: only
//! profiles tagged `cc-bedrock:managed` are listed (across several list pages), last use comes
//! from the ledger, deleting updates the cache, prune asks first and spares what it cannot judge.

mod support;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

use support::{Fault, Op, TestEnv, stderr, text};

const SONNET: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", text(o));
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    ok(o);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

fn ledger_path(env: &TestEnv) -> PathBuf {
    env.home.join(".local/share/cc-bedrock/ledger.jsonl")
}

fn cache_text(env: &TestEnv) -> String {
    std::fs::read_to_string(env.home.join(".cache/cc-bedrock/profiles.json")).unwrap_or_default()
}

/// Replaces the ledger with one run per (profile ARN, end time, cost).
fn write_ledger(env: &TestEnv, runs: &[(&str, &str, Option<f64>)]) {
    let tokens = serde_json::json!({"input": 10, "output": 1, "cache_write_5m": 0, "cache_write_1h": 0, "cache_read": 0, "web_search_requests": 0});
    let mut text = String::new();
    for (i, (arn, end, cost)) in runs.iter().enumerate() {
        let rec = serde_json::json!({
            "schema": 1, "run_id": format!("run-{i}"), "start": end, "end": end, "duration_ms": 1000,
            "exit_code": 0, "cwd": env.work, "user": "alice", "region": "us-east-1",
            "profiles": [{"name": "x", "arn": arn, "model_id": "anthropic.claude-sonnet-4-5-20250929-v1:0"}],
            "models": [{"requested_id": arn, "scope": {"kind": "global"}, "tokens": tokens, "cost_usd": cost, "price_known": cost.is_some()}],
            "tokens": tokens, "total_cost_usd": cost, "cost_complete": true, "basis": "transcript",
            "prices_version": "test"
        });
        text.push_str(&rec.to_string());
        text.push('\n');
    }
    text.push_str("{torn line\n");
    std::fs::create_dir_all(ledger_path(env).parent().unwrap()).unwrap();
    std::fs::write(ledger_path(env), text).unwrap();
}

fn days_ago(days: i64) -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days)).to_string()
}

/// A sandbox where a launch created the three default profiles, plus `others` unmanaged ones.
fn launched(others: usize) -> (TestEnv, [String; 3]) {
    let env = TestEnv::new();
    ok(&env.run(&["-p", "hi"]));
    let source = env.fake.system_profile_arn(SONNET);
    for i in 0..others {
        env.fake
            .add_application_profile(&format!("team-{i}"), &source, &[("team", "data")]);
    }
    let arn = |n: &str| {
        env.fake
            .application_profiles()
            .into_iter()
            .find(|p| p.name == n)
            .unwrap()
            .arn
    };
    let arns = [
        arn("cc-alice-payments-opus"),
        arn("cc-alice-payments-sonnet"),
        arn("cc-alice-payments-haiku"),
    ];
    (env, arns)
}

/// Runs with the prompt hook and `answers` on stdin.
fn run_answering(env: &TestEnv, args: &[&str], answers: &str) -> Output {
    let mut child = env
        .cmd()
        .env("CC_BEDROCK_PROMPT_INPUT", "stdin")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn list_shows_only_managed_profiles_across_pages() {
    let (env, [opus, sonnet, _haiku]) = launched(5);
    write_ledger(
        &env,
        &[
            (&sonnet, "2026-01-02T03:04:05Z", Some(1.25)),
            (&sonnet, "2026-01-01T00:00:00Z", Some(0.5)),
        ],
    );
    env.fake.set_page_size(2);
    env.fake.clear_requests();

    let list = json(&env.run(&["profiles", "list", "--json"]));
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "cc-alice-payments-haiku",
            "cc-alice-payments-opus",
            "cc-alice-payments-sonnet"
        ]
    );
    assert!(
        env.fake.count(Op::List) >= 4,
        "8 profiles at 2 per page: {} list requests",
        env.fake.count(Op::List)
    );
    assert_eq!(
        env.fake.count(Op::ListTags),
        8,
        "every application profile's tags are read"
    );
    let s = &list[2];
    assert_eq!(s["arn"], sonnet.as_str());
    assert_eq!(s["model"], SONNET);
    assert_eq!(s["managed"], true);
    assert_eq!(s["cached"], true);
    assert_eq!(s["tags"]["repo"], "payments");
    assert_eq!(s["runs"], 2);
    assert_eq!(s["last_used"], "2026-01-02T03:04:05Z");
    assert_eq!(s["cost_usd"], 1.75);
    assert_eq!(list[1]["last_used"], serde_json::Value::Null);

    let o = env.run(&["profiles"]);
    ok(&o);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[0].contains("LAST USED"),
        "{out}"
    );
    let row = lines
        .iter()
        .find(|l| l.starts_with("cc-alice-payments-sonnet"))
        .unwrap();
    assert!(
        row.contains(SONNET)
            && row.contains("2026-01-02 03:04")
            && row.contains("repo=payments user=alice"),
        "{row}"
    );
    assert!(
        !row.contains("cc-bedrock:"),
        "cc-bedrock's own tags are not user tags: {row}"
    );
    assert!(
        lines
            .iter()
            .find(|l| l.starts_with("cc-alice-payments-opus"))
            .unwrap()
            .contains("never")
    );
    assert!(
        !out.contains("team-"),
        "unmanaged profiles are not listed: {out}"
    );
    assert!(
        out.contains("3 profiles managed by cc-bedrock in us-east-1 (account 123456789012)"),
        "{out}"
    );
    let _ = opus;
}

#[test]
fn show_by_name_and_by_arn() {
    let (env, [_opus, sonnet, _haiku]) = launched(0);
    write_ledger(&env, &[(&sonnet, "2026-01-02T03:04:05Z", Some(1.0))]);

    let o = env.run(&["profiles", "show", "cc-alice-payments-sonnet"]);
    ok(&o);
    let out = stdout(&o);
    for want in [
        sonnet.as_str(),
        "routes to",
        "cc-bedrock:managed = true",
        "repo = payments",
        "1 run, $1.00, last 2026-01-02 03:04",
        "cached        yes",
    ] {
        assert!(out.contains(want), "missing `{want}`:\n{out}");
    }
    let by_arn = json(&env.run(&["profiles", "show", &sonnet, "--json"]));
    assert_eq!(by_arn["name"], "cc-alice-payments-sonnet");
    assert_eq!(
        by_arn["model_id"],
        "anthropic.claude-sonnet-4-5-20250929-v1:0"
    );

    let o = env.run(&["profiles", "show", "nope"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("no application inference profile `nope` in us-east-1"),
        "{}",
        text(&o)
    );
    let o = env.run(&["profiles", "show", &env.fake.system_profile_arn(SONNET)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stderr(&o).contains("system-defined"), "{}", text(&o));
}

#[test]
fn delete_removes_the_profile_and_its_cache_entry() {
    let (env, [opus, _sonnet, _haiku]) = launched(1);
    assert!(cache_text(&env).contains(&opus));

    let o = env.run(&["profiles", "delete", "team-0"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("not created by cc-bedrock")
            && stderr(&o).contains("aws bedrock delete-inference-profile"),
        "{}",
        text(&o)
    );
    assert!(
        env.fake
            .application_profiles()
            .iter()
            .any(|p| p.name == "team-0")
    );

    // A person at a terminal is asked; "no" keeps it.
    let o = run_answering(
        &env,
        &["profiles", "delete", "cc-alice-payments-opus"],
        "n\n",
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        env.fake
            .application_profiles()
            .iter()
            .any(|p| p.arn == opus)
    );

    // A script names it: that is the confirmation.
    let o = env.run(&["profiles", "delete", "cc-alice-payments-opus"]);
    ok(&o);
    assert!(
        stdout(&o).contains("Deleted cc-alice-payments-opus")
            && stdout(&o).contains("removed from the local cache"),
        "{}",
        text(&o)
    );
    assert!(
        !env.fake
            .application_profiles()
            .iter()
            .any(|p| p.arn == opus)
    );
    assert!(
        !cache_text(&env).contains(&opus),
        "the cache must forget a deleted ARN"
    );
    assert_eq!(env.fake.count(Op::Delete), 1);

    // Status no longer sees a stale cache entry: the profile is simply missing.
    let st = json(&env.run(&["status", "--json"]));
    let p = st["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "cc-alice-payments-opus")
        .unwrap();
    assert_eq!(p["state"], "missing", "{st}");
}

#[test]
fn prune_asks_and_spares_recent_and_foreign_profiles() {
    let (env, [opus, sonnet, haiku]) = launched(1);
    // Managed, but created elsewhere: this machine knows nothing of its use.
    let foreign = env.fake.add_application_profile(
        "cc-bob-payments-sonnet",
        &env.fake.system_profile_arn(SONNET),
        &[("cc-bedrock:managed", "true"), ("user", "bob")],
    );
    write_ledger(
        &env,
        &[(&sonnet, &days_ago(40), None), (&haiku, &days_ago(1), None)],
    );

    // Default 30 days: only sonnet (last used 40 days ago). Opus was never run but is brand new.
    let o = env.run(&["profiles", "prune", "--dry-run"]);
    ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains("cc-alice-payments-sonnet") && out.contains("last used"),
        "{out}"
    );
    for spared in [
        "cc-alice-payments-opus",
        "cc-alice-payments-haiku",
        "cc-bob-payments-sonnet",
        "team-0",
    ] {
        assert!(!out.contains(spared), "{spared} must be spared:\n{out}");
    }
    assert!(out.contains("Dry run: nothing deleted"), "{out}");

    // No terminal and no --yes: refuse.
    let o = env
        .cmd()
        .args(["profiles", "prune"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stderr(&o).contains("--yes"), "{}", text(&o));
    // Asked, and declined.
    let o = run_answering(&env, &["profiles", "prune"], "n\n");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("Delete 1 profile? [y/N]"),
        "{}",
        text(&o)
    );
    assert_eq!(env.fake.count(Op::Delete), 0);
    // Asked, and accepted.
    let o = run_answering(&env, &["profiles", "prune"], "y\n");
    ok(&o);
    assert!(
        stdout(&o).contains("Deleted 1 profile; 1 cache entry removed"),
        "{}",
        text(&o)
    );
    assert!(
        !env.fake
            .application_profiles()
            .iter()
            .any(|p| p.arn == sonnet)
    );
    assert!(!cache_text(&env).contains(&sonnet));

    // --older-than 0: everything this machine knows is older than now; the foreign one only with --all.
    let o = env.run(&["profiles", "prune", "--older-than", "0", "--yes"]);
    ok(&o);
    let remaining: Vec<String> = env
        .fake
        .application_profiles()
        .into_iter()
        .map(|p| p.arn)
        .collect();
    assert!(
        !remaining.contains(&opus) && !remaining.contains(&haiku),
        "{}",
        text(&o)
    );
    assert!(remaining.contains(&foreign), "{}", text(&o));
    let o = env.run(&["profiles", "prune", "--older-than", "0", "--yes", "--all"]);
    ok(&o);
    let names: Vec<String> = env
        .fake
        .application_profiles()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["team-0"], "unmanaged profiles are never pruned");
    assert!(
        !cache_text(&env).contains("application-inference-profile"),
        "{}",
        cache_text(&env)
    );
}

#[test]
fn access_denied_names_the_missing_permission() {
    let (env, _) = launched(0);
    for (op, action, args) in [
        (
            Op::List,
            "bedrock:ListInferenceProfiles",
            &["profiles", "list"][..],
        ),
        (
            Op::ListTags,
            "bedrock:ListTagsForResource",
            &["profiles", "list"][..],
        ),
        (
            Op::Delete,
            "bedrock:DeleteInferenceProfile",
            &["profiles", "delete", "cc-alice-payments-haiku", "--yes"][..],
        ),
    ] {
        env.fake.fail_next(op, 1, Fault::access_denied());
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("AWS denied {action} in us-east-1")),
            "{args:?}: {err}"
        );
        assert!(err.contains("Ask your AWS administrator"), "{err}");
        assert!(!err.contains("fake-secret-key"), "no secret in messages");
        env.fake.clear_faults();
    }
    assert!(
        env.fake
            .application_profiles()
            .iter()
            .any(|p| p.name == "cc-alice-payments-haiku")
    );
}

#[test]
fn region_flag_looks_elsewhere() {
    let (env, _) = launched(0);
    let o = env.run(&["profiles", "list", "--region", "eu-west-1"]);
    ok(&o);
    // The fake serves one region whatever the client says; the request is signed for eu-west-1.
    let req = env.fake.requests_for(Op::List).pop().unwrap();
    assert!(
        req.header("authorization")
            .unwrap_or("")
            .contains("/eu-west-1/bedrock/"),
        "{:?}",
        req.headers
    );
    let o = env.run(&["profiles", "list", "--region", "Mars"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stderr(&o).contains("--region"), "{}", text(&o));
}

/// After `profiles delete`, the next launch must create the profile again and get a live ARN.
/// Bedrock (and the fake) answer a repeated clientRequestToken with what it created the first
/// time: the deleted ARN. The launcher salts the token only when it finds a cached entry gone,
/// and `delete` removes that entry, so the launch reuses the original token.
#[test]
fn a_launch_after_delete_gets_a_live_profile() {
    let (env, [opus, _, _]) = launched(0);
    ok(&env.run(&["profiles", "delete", "cc-alice-payments-opus", "--yes"]));
    ok(&env.run(&["-p", "again"]));
    let live = env
        .fake
        .application_profiles()
        .into_iter()
        .find(|p| p.name == "cc-alice-payments-opus");
    let live = live.expect("the launch re-created the deleted profile");
    assert_ne!(live.arn, opus);
    assert!(cache_text(&env).contains(&live.arn));
}
