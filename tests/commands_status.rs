//! `cc-bedrock status`: config origins, AWS account and caller (STS, answered by the fake through
//! `AWS_ENDPOINT_URL_STS`), each profile's state (missing / present / mismatched / stale /
//! other-account), claude and its version, and a non-zero exit with the fix when a launch would
//! fail (warnings, such as STS failing, do not fail it). Against the loopback fake Bedrock.

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
    assert_eq!(v["aws"]["account_source"], "from STS GetCallerIdentity");
    assert_eq!(
        v["aws"]["caller_arn"],
        "arn:aws:iam::123456789012:user/alice"
    );
    assert_eq!(v["aws"]["caller_note"], serde_json::Value::Null);
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert_eq!(env.fake.count(Op::GetCallerIdentity), 1);
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
        "123456789012 (from STS GetCallerIdentity)",
        "caller           arn:aws:iam::123456789012:user/alice\n",
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
    assert_eq!(
        env.fake.count(Op::GetCallerIdentity),
        0,
        "a launch (cache miss included) never asks STS"
    );
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
    assert_eq!(v["aws"]["caller_arn"], serde_json::Value::Null);
    assert_eq!(v["aws"]["caller_note"], "not checked (--offline)");
    let o = env.run(&["status", "--offline"]);
    assert!(
        stdout(&o).contains("caller           not checked (--offline)\n"),
        "{}",
        text(&o)
    );
    assert_eq!(env.fake.requests().len(), 0, "--offline makes no AWS call");
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

#[test]
fn sts_access_denied_is_a_warning_and_the_account_falls_back_to_arns() {
    let env = TestEnv::new();
    env.fake
        .fail_next(Op::GetCallerIdentity, 1, Fault::access_denied_sts());
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(0), "a launch does not need STS: {v}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["aws"]["caller_arn"], serde_json::Value::Null);
    assert!(
        v["aws"]["caller_note"]
            .as_str()
            .unwrap()
            .contains("GetCallerIdentity failed"),
        "{v}"
    );
    assert_eq!(v["aws"]["account"], "123456789012");
    assert_eq!(
        v["aws"]["account_source"],
        "from the ARNs Bedrock lists for these credentials"
    );
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("AWS denied sts:GetCallerIdentity in us-east-1")
            && warnings.contains("not authorized to perform: sts:GetCallerIdentity")
            && warnings.contains("Launches do not call STS"),
        "{warnings}"
    );
    assert_eq!(problems(&v), "[]");

    env.fake
        .fail_next(Op::GetCallerIdentity, 1, Fault::access_denied_sts());
    let o = env.run(&["status"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = stdout(&o);
    for want in [
        "caller           unknown: STS GetCallerIdentity failed (see warnings)\n",
        "1 warning (a launch still works):\n  ! the caller is unknown: AWS denied sts:GetCallerIdentity",
        "Ready:",
    ] {
        assert!(out.contains(want), "missing `{want}`:\n{out}");
    }
}

#[test]
fn an_sts_endpoint_that_hangs_is_a_warning_in_bounded_time() {
    let mut env = TestEnv::new();
    env.set("CC_BEDROCK_AWS_TIMEOUT", "1");
    env.fake.fail_next(Op::GetCallerIdentity, 5, Fault::Hang);
    let start = std::time::Instant::now();
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(8),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        v["warnings"].to_string().contains("did not answer in time"),
        "{v}"
    );
    assert_eq!(profile(&v, "cc-alice-payments-sonnet")["state"], "missing");
}

#[test]
fn a_bedrock_api_key_alone_cannot_ask_sts_and_says_so() {
    let mut env = TestEnv::new();
    env.unset("AWS_ACCESS_KEY_ID")
        .unset("AWS_SECRET_ACCESS_KEY")
        .set(
            "AWS_BEARER_TOKEN_BEDROCK",
            "ABSKQmVkcm9ja0FQSUtleS1TECRET1234",
        );
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(env.fake.count(Op::GetCallerIdentity), 0);
    assert!(
        v["aws"]["caller_note"]
            .as_str()
            .unwrap()
            .contains("only a Bedrock API key"),
        "{v}"
    );
    assert_eq!(v["aws"]["account"], "123456789012", "from Bedrock's ARNs");
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert!(
        !v.to_string().contains("SECRET1234"),
        "no secret in the output"
    );
}

#[test]
fn sts_and_bedrock_in_different_accounts_is_a_warning() {
    let env = TestEnv::new();
    env.fake.set_caller_account("210987654321");
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["aws"]["account"], "210987654321");
    assert_eq!(
        v["aws"]["caller_arn"],
        "arn:aws:iam::210987654321:user/alice"
    );
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("STS says the credentials are in account 210987654321, but Bedrock lists ARNs of account 123456789012")
            && warnings.contains("AWS_ENDPOINT_URL_STS"),
        "{warnings}"
    );
}

#[test]
fn profiles_cached_in_another_account_are_a_problem_with_the_fix() {
    let env = TestEnv::new();
    assert!(env.run(&["-p", "hi"]).status.success());
    let (_, v) = status_json(&env, &["--offline"]);
    let cache = v["paths"]["profile_cache"].as_str().unwrap().to_string();
    // The same AWS profile name, but it used to point at another account when the cache was made.
    let text_before = std::fs::read_to_string(&cache).unwrap();
    assert!(text_before.contains(":123456789012:"));
    std::fs::write(&cache, text_before.replace("123456789012", "210987654321")).unwrap();

    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["aws"]["account"], "123456789012");
    for name in [
        "cc-alice-payments-opus",
        "cc-alice-payments-sonnet",
        "cc-alice-payments-haiku",
    ] {
        assert_eq!(profile(&v, name)["state"], "other-account", "{v}");
    }
    let p = v["problems"].as_array().unwrap();
    assert_eq!(p.len(), 1, "one problem, not one per profile: {v}");
    let what = p[0]["what"].as_str().unwrap();
    assert!(
        what.contains(
            "are in account 210987654321, but the credentials in use reach account 123456789012"
        ),
        "{what}"
    );
    let fix = p[0]["fix"].as_str().unwrap();
    assert!(fix.contains(&cache) && fix.contains("AWS_PROFILE"), "{fix}");

    let o = env.run(&["status"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("OTHER ACCOUNT: cached in account 210987654321"),
        "{}",
        text(&o)
    );

    // The fix works: without the cache the next launch finds the profiles in this account.
    std::fs::remove_file(&cache).unwrap();
    assert!(env.run(&["-p", "hi"]).status.success());
    let (code, v) = status_json(&env, &[]);
    assert_eq!(code, Some(0), "{v}");
}
