//! `cc-bedrock status`: config origins, AWS account, each profile's state (missing / present /
//! mismatched / stale), claude and its version, and a non-zero exit with the fix when a launch
//! would fail. Against the loopback fake Bedrock.

mod support;

use std::process::Output;

use support::{Fault, Op, TestEnv, text};

const SONNET: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU: &str = "global.anthropic.claude-haiku-4-5-20251001-v1:0";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn status_json(env: &TestEnv, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["status", "--json"];
    args.extend_from_slice(extra);
    let o = env.run(&args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o)));
    (o.status.code(), v)
}

fn profile<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {v}"))
}

fn problems(v: &serde_json::Value) -> String {
    v["problems"].to_string()
}

#[test]
fn a_fresh_directory_is_ready_and_says_why() {
    let mut env = TestEnv::new();
    env.set("FAKE_CLAUDE_STDOUT", "2.1.332 (Claude Code)");
    let cfg = env.project_config("region = \"us-east-1\"\n[tags]\nteam = \"payments\"\n");
    env.fake.clear_requests();

    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["ok"], true);
    let setting = |k: &str| {
        v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == k)
            .cloned()
            .unwrap()
    };
    assert_eq!(setting("region")["origin"], cfg.display().to_string());
    assert_eq!(setting("tags.team")["value"], "payments");
    assert_eq!(setting("models.sonnet")["origin"], "default");
    assert_eq!(v["aws"]["region"], "us-east-1");
    assert_eq!(v["aws"]["account"], "123456789012");
    assert_eq!(v["aws"]["checked"], true);
    assert!(
        v["aws"]["credentials"]
            .as_str()
            .unwrap()
            .contains("AWS_ACCESS_KEY_ID")
    );
    for name in [
        "cc-alice-payments-opus",
        "cc-alice-payments-sonnet",
        "cc-alice-payments-haiku",
    ] {
        assert_eq!(profile(&v, name)["state"], "missing", "{v}");
    }
    assert_eq!(
        v["claude"]["path"],
        env.bin_dir.join("claude").display().to_string()
    );
    assert_eq!(v["claude"]["version"], "2.1.332 (Claude Code)");
    assert!(
        v["paths"]["ledger"]
            .as_str()
            .unwrap()
            .ends_with("cc-bedrock/ledger.jsonl"),
        "{v}"
    );
    assert_eq!(env.fake.count(Op::Create), 0, "status creates nothing");
    assert_eq!(env.fake.count(Op::Delete), 0);

    let o = env.run(&["status"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = stdout(&o);
    for want in [
        "project config",
        "region in ",
        "123456789012",
        "missing: created on the first launch",
        "2.1.332 (Claude Code)",
        "Ready:",
    ] {
        assert!(out.contains(want), "missing `{want}`:\n{out}");
    }
    assert!(
        !out.contains("fake-secret-key") && !out.contains("AKIDTESTFAKE"),
        "no credential in the output"
    );
}

#[test]
fn after_a_launch_profiles_are_present_and_cached() {
    let env = TestEnv::new();
    assert!(env.run(&["-p", "hi"]).status.success());
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(0), "{v}");
    let sonnet = profile(&v, "cc-alice-payments-sonnet");
    assert_eq!(sonnet["state"], "present");
    assert_eq!(sonnet["cached"], true);
    assert_eq!(sonnet["tiers"], serde_json::json!(["sonnet"]));
    assert!(
        sonnet["arn"]
            .as_str()
            .unwrap()
            .contains(":application-inference-profile/")
    );

    env.fake.clear_requests();
    let (code, v) = status_json(&env, &["--offline"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(env.fake.requests().len(), 0, "--offline makes no AWS call");
    assert_eq!(profile(&v, "cc-alice-payments-haiku")["state"], "cached");
    assert_eq!(v["aws"]["account"], "123456789012");
    assert_eq!(v["aws"]["checked"], false);
}

#[test]
fn a_mismatched_profile_fails_with_the_fix() {
    let env = TestEnv::new();
    // Someone created the sonnet profile's name over Haiku.
    env.fake.add_application_profile(
        "cc-alice-payments-sonnet",
        &env.fake.system_profile_arn(HAIKU),
        &[],
    );
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["ok"], false);
    let p = profile(&v, "cc-alice-payments-sonnet");
    assert_eq!(p["state"], "mismatched");
    assert_eq!(p["wraps"], "anthropic.claude-haiku-4-5-20251001-v1:0");
    assert!(
        problems(&v).contains("cc-bedrock profiles delete cc-alice-payments-sonnet"),
        "{v}"
    );

    let o = env.run(&["status"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("MISMATCHED: wraps anthropic.claude-haiku")
            && out.contains("1 problem (a launch here would fail)"),
        "{out}"
    );
    // And the launcher agrees.
    assert_eq!(env.run(&["-p", "hi"]).status.code(), Some(1));
}

#[test]
fn same_model_other_routing_is_a_mismatch_too() {
    let env = TestEnv::new();
    let us = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    let src = env.fake.system_profile_arn(us);
    env.fake.add_application_profile(
        "cc-alice-payments-sonnet",
        &src,
        &[("cc-bedrock:managed", "true"), ("cc-bedrock:source", &src)],
    );
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(
        profile(&v, "cc-alice-payments-sonnet")["state"],
        "mismatched"
    );
}

#[test]
fn a_cached_profile_deleted_in_aws_is_stale() {
    let env = TestEnv::new();
    assert!(env.run(&["-p", "hi"]).status.success());
    env.fake.delete_all_application_profiles();
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(profile(&v, "cc-alice-payments-opus")["state"], "stale");
    assert!(problems(&v).contains("cc-bedrock --refresh"), "{v}");
}

#[test]
fn access_denied_and_unknown_models_are_problems() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::List, 1, Fault::access_denied());
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(1), "{v}");
    let p = problems(&v);
    assert!(
        p.contains("AWS denied bedrock:ListInferenceProfiles in us-east-1")
            && p.contains("Ask your AWS administrator"),
        "{p}"
    );
    assert_eq!(profile(&v, "cc-alice-payments-sonnet")["state"], "unknown");

    // A system profile id that does not exist in the Region: the same model elsewhere is offered.
    env.project_config(&format!(
        "[models]\nsonnet = \"jp.{}\"\n",
        SONNET.trim_start_matches("global.")
    ));
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(1), "{v}");
    let p = problems(&v);
    assert!(
        p.contains("is not a system inference profile in us-east-1"),
        "{p}"
    );
    assert!(p.contains(SONNET), "same model offered: {p}");
}

#[test]
fn missing_claude_and_bad_config_are_problems() {
    let mut env = TestEnv::new();
    env.set("CC_BEDROCK_CLAUDE", env.base().join("no-such-claude"));
    let (code, v) = status_json(&env, &["--offline"]);
    assert_eq!(code, Some(1), "{v}");
    assert!(problems(&v).contains("no-such-claude"), "{v}");
    assert_eq!(v["claude"]["path"], serde_json::Value::Null);

    let env = TestEnv::new();
    let cfg = env.untrusted_project_config("region = \"us-east-1\"\nregoin = 1\n");
    let o = env.run(&["status"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{}:2:1", cfg.display())) && out.contains("regoin"),
        "{out}"
    );
    assert_eq!(env.fake.requests().len(), 0);
}

#[test]
fn an_account_other_than_the_configured_one_is_a_problem() {
    let env = TestEnv::new();
    env.project_config("account = \"999999999999\"\n");
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert!(
        problems(&v).contains("reach account 123456789012")
            && problems(&v).contains("999999999999"),
        "{v}"
    );
}
