//! Faults end in a clear message and a non-zero exit before claude starts, or a working launch;
//! nothing is lost or corrupted; no secret is written or printed.

mod support;

use std::time::Duration;

use support::*;

fn launch_fails(env: &TestEnv, needles: &[&str]) -> String {
    let o = env.run(&["-p", "hi"]);
    assert!(!o.status.success(), "{}", text(&o));
    let e = stderr(&o);
    for n in needles {
        assert!(
            e.to_lowercase().contains(&n.to_lowercase()),
            "stderr lacks {n:?}:\n{e}"
        );
    }
    assert!(env.invocations().is_empty(), "claude must not start");
    e
}

fn launch_works(env: &TestEnv) {
    let o = env.run(&["-p", "hi"]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn server_errors_are_retried_then_reported() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::List, 2, Fault::internal());
    launch_works(&env);

    let env = TestEnv::new();
    env.fake.fail_next(Op::List, 50, Fault::internal());
    launch_fails(&env, &["InternalServerException"]);
}

#[test]
fn a_hanging_endpoint_is_bounded_by_the_timeout() {
    let mut env = TestEnv::new();
    env.set("CC_BEDROCK_AWS_TIMEOUT", "0.5");
    env.fake.fail_next(Op::List, 50, Fault::Hang);
    let started = std::time::Instant::now();
    launch_fails(&env, &["did not answer in time", "CC_BEDROCK_AWS_TIMEOUT"]);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn access_denied_on_create_names_the_actions() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::Create, 1, Fault::access_denied());
    launch_fails(
        &env,
        &[
            "denied bedrock:CreateInferenceProfile",
            "bedrock:TagResource",
        ],
    );
}

#[test]
fn access_denied_on_listing_tags_falls_back_to_the_model_check() {
    let env = TestEnv::new();
    let src = format!(
        "arn:aws:bedrock:us-east-1:{}:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        env.fake.account()
    );
    let arn = env
        .fake
        .add_application_profile("cc-alice-payments-sonnet", &src, &[]);
    env.fake.fail_next(Op::ListTags, 5, Fault::access_denied());
    launch_works(&env);
    assert_eq!(env.invocation().env["ANTHROPIC_MODEL"], arn);
}

#[test]
fn expired_credentials_say_log_in_again() {
    let env = TestEnv::new();
    env.fake.fail_next(
        Op::List,
        1,
        Fault::Status {
            status: 403,
            error_type: "ExpiredTokenException".into(),
            message: "The security token included in the request is expired".into(),
        },
    );
    launch_fails(&env, &["expired", "aws sso login"]);
}

#[test]
fn a_bedrock_api_key_is_used_and_never_written() {
    let mut env = TestEnv::new();
    let token = "ABSKQmVkcm9ja0FQSUtleS1TECRETTOKEN1234567890";
    env.unset("AWS_ACCESS_KEY_ID")
        .unset("AWS_SECRET_ACCESS_KEY")
        .set("AWS_BEARER_TOKEN_BEDROCK", token);
    launch_works(&env);
    let reqs = env.fake.requests();
    assert!(!reqs.is_empty());
    for r in &reqs {
        let auth = r
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.as_str());
        assert_eq!(auth, Some(format!("Bearer {token}").as_str()));
    }
    assert_no_secret_on_disk(&env, &[token]);
}

#[test]
fn a_profile_deleted_out_of_band_is_recreated_with_refresh() {
    let env = TestEnv::new();
    launch_works(&env);
    let before = env.invocation().env["ANTHROPIC_MODEL"].clone();
    env.fake.delete_all_application_profiles();
    let o = env.run(&["--refresh", "-p", "hi"]);
    assert!(o.status.success(), "{}", text(&o));
    let after = env.invocations().pop().unwrap().env["ANTHROPIC_MODEL"].clone();
    assert_ne!(before, after, "a new profile replaced the deleted one");
    assert_eq!(env.fake.application_profiles().len(), 3);
}

fn age_cache(env: &TestEnv, days: i64) {
    let path = env.home.join(".cache/cc-bedrock/profiles.json");
    let mut cache: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for e in cache["entries"].as_object_mut().unwrap().values_mut() {
        e["validated_at"] = serde_json::json!(now - days * 86_400);
    }
    std::fs::write(&path, serde_json::to_vec(&cache).unwrap()).unwrap();
}

#[test]
fn old_cache_entries_are_revalidated_cheaply() {
    let env = TestEnv::new();
    launch_works(&env);
    age_cache(&env, 30);
    env.fake.delete_all_application_profiles();
    env.fake.clear_requests();
    launch_works(&env);
    assert!(
        env.fake.count(Op::Get) >= 3,
        "each stale entry is checked with GetInferenceProfile"
    );
    assert_eq!(
        env.fake.count(Op::Create),
        3,
        "deleted profiles are created again"
    );
    env.fake.clear_requests();
    launch_works(&env);
    assert_eq!(env.fake.requests().len(), 0, "fresh again: no AWS call");
}

#[test]
fn revalidation_falls_back_to_the_cache_when_offline() {
    let mut env = TestEnv::new();
    launch_works(&env);
    let arn = env.invocation().env["ANTHROPIC_MODEL"].clone();
    age_cache(&env, 30);
    // The endpoint is part of the cache key, so "offline" is the same endpoint not answering.
    env.set("CC_BEDROCK_AWS_TIMEOUT", "0.3");
    env.fake.fail_next(Op::Get, 100, Fault::Hang);
    launch_works(&env);
    assert_eq!(env.invocations().pop().unwrap().env["ANTHROPIC_MODEL"], arn);
}

#[test]
fn kill_9_during_first_launches_never_corrupts_the_cache() {
    let env = TestEnv::new();
    env.fake
        .fail_next(Op::Create, 3, Fault::Delay(Duration::from_millis(150)));
    for delay_ms in [5u64, 60, 150, 250, 400] {
        let mut c = env.cmd().args(["-p", "x"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = c.kill();
        let _ = c.wait();
        let path = env.home.join(".cache/cc-bedrock/profiles.json");
        if let Ok(bytes) = std::fs::read(&path) {
            serde_json::from_slice::<serde_json::Value>(&bytes).expect("cache is whole JSON");
        }
    }
    launch_works(&env);
    let creates = env.fake.count(Op::Create);
    assert_eq!(
        env.fake.application_profiles().len(),
        3,
        "one profile per source in the end ({creates} creates)"
    );
}

#[test]
fn files_are_private_in_private_directories() {
    let env = TestEnv::new();
    env.project_config("region = \"us-east-1\"\n");
    launch_works(&env);
    use std::os::unix::fs::PermissionsExt;
    for f in [
        ".cache/cc-bedrock/profiles.json",
        ".local/share/cc-bedrock/trust.json",
    ] {
        let p = env.home.join(f);
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600,
            "{f}"
        );
        assert_eq!(
            std::fs::metadata(p.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700,
            "{f}"
        );
    }
}

#[test]
fn no_secret_reaches_any_file_or_output() {
    let mut env = TestEnv::new();
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
    let session = "FQoGZXIvYXdzSESSIONTOKENSECRET";
    env.set("AWS_SECRET_ACCESS_KEY", secret)
        .set("AWS_SESSION_TOKEN", session);
    env.project_config("[tags]\nteam = \"a\"\n");
    let mut outputs = Vec::new();
    for args in [
        vec!["-p", "x"],
        vec!["-p", "y"],
        vec!["env"],
        vec!["env", "--shell", "json"],
        vec!["trust", "--show"],
    ] {
        let o = env.run(&args);
        outputs.push(
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
        );
    }
    for out in &outputs {
        assert!(!out.contains(secret) && !out.contains(session), "{out}");
    }
    assert_no_secret_on_disk(&env, &[secret, session]);
}

/// Greps every file cc-bedrock may have written (the fake claude's own env dump excluded: it
/// records what claude received, and claude needs the credentials).
fn assert_no_secret_on_disk(env: &TestEnv, secrets: &[&str]) {
    let mut stack = vec![env.home.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let text = String::from_utf8_lossy(&bytes);
                for s in secrets {
                    assert!(!text.contains(s), "{} contains a secret", p.display());
                }
            }
        }
    }
}

#[test]
fn eight_cold_launches_and_sixteen_runs_at_once_lose_nothing() {
    let env = TestEnv::new();
    env.fake
        .fail_next(Op::Create, 1, Fault::Delay(Duration::from_millis(200)));
    let children: Vec<_> = (0..24)
        .map(|i| env.cmd().args(["-p", &format!("run {i}")]).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(env.fake.count(Op::Create), 3, "one create per model source");
    let ledger =
        std::fs::read_to_string(env.home.join(".local/share/cc-bedrock/ledger.jsonl")).unwrap();
    assert_eq!(ledger.lines().count(), 24);
    for line in ledger.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every record intact");
    }
    let cache: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.home.join(".cache/cc-bedrock/profiles.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cache["entries"].as_object().unwrap().len(), 3);
}

#[test]
fn kill_9_during_runs_never_corrupts_the_ledger() {
    let mut env = TestEnv::new();
    assert!(env.run(&["-p", "warm"]).status.success());
    env.set("FAKE_CLAUDE_SLEEP", "0.05");
    for delay_ms in [1u64, 10, 30, 50, 60, 80, 120] {
        let mut c = env.cmd().args(["-p", "x"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = c.kill();
        let _ = c.wait();
    }
    assert!(env.run(&["-p", "after"]).status.success());
    let ledger =
        std::fs::read_to_string(env.home.join(".local/share/cc-bedrock/ledger.jsonl")).unwrap();
    let last = ledger.lines().last().unwrap();
    serde_json::from_str::<serde_json::Value>(last).expect("the last record is whole");
    let whole = ledger
        .lines()
        .filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
        .count();
    assert_eq!(
        whole,
        ledger.lines().count(),
        "a killed run writes a whole record or none"
    );
}
