//! The launcher end to end: the compiled binary, a fake `claude`, the loopback fake Bedrock.

mod support;

use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::time::Duration;

use support::*;

const SONNET: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", text(o));
}

#[test]
fn first_launch_creates_then_warm_launch_makes_no_aws_call() {
    let env = TestEnv::new();
    let o = env.run(&["-p", "hi"]);
    ok(&o);
    assert_eq!(
        env.fake.count(Op::Create),
        3,
        "opus, sonnet, haiku sources differ"
    );
    let profiles = env.fake.application_profiles();
    let names: Vec<_> = profiles.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"cc-alice-payments-sonnet"), "{names:?}");
    assert!(names.contains(&"cc-alice-payments-haiku"), "{names:?}");
    assert!(names.contains(&"cc-alice-payments-opus"), "{names:?}");
    let sonnet = profiles
        .iter()
        .find(|p| p.name == "cc-alice-payments-sonnet")
        .unwrap();
    let tag = |k: &str| {
        sonnet
            .tags
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(tag("user").as_deref(), Some("alice"));
    assert_eq!(tag("repo").as_deref(), Some("payments"));
    assert_eq!(tag("cc-bedrock:managed").as_deref(), Some("true"));
    assert!(
        tag("cc-bedrock:source")
            .unwrap()
            .ends_with(&format!("inference-profile/{SONNET}"))
    );
    assert!(
        sonnet.copy_from.ends_with(SONNET),
        "copyFrom is the system profile ARN from the API"
    );
    assert!(sonnet.copy_from.contains(&env.fake.account()));

    env.fake.clear_requests();
    let o = env.run(&["-p", "again"]);
    ok(&o);
    assert_eq!(
        env.fake.requests().len(),
        0,
        "warm launch must not call AWS"
    );
    assert_eq!(env.invocations().len(), 2);
}

#[test]
fn every_tier_is_pinned_to_a_profile() {
    let env = TestEnv::new();
    ok(&env.run(&["-p", "hi"]));
    let inv = env.invocation();
    let arn = |name: &str| {
        env.fake
            .application_profiles()
            .into_iter()
            .find(|p| p.name == name)
            .unwrap()
            .arn
    };
    let (sonnet, haiku, opus) = (
        arn("cc-alice-payments-sonnet"),
        arn("cc-alice-payments-haiku"),
        arn("cc-alice-payments-opus"),
    );
    let e = &inv.env;
    assert_eq!(e["CLAUDE_CODE_USE_BEDROCK"], "1");
    assert_eq!(e["AWS_REGION"], "us-east-1");
    assert_eq!(e["ANTHROPIC_MODEL"], sonnet);
    assert_eq!(e["ANTHROPIC_DEFAULT_SONNET_MODEL"], sonnet);
    assert_eq!(e["ANTHROPIC_DEFAULT_OPUS_MODEL"], opus);
    assert_eq!(e["ANTHROPIC_DEFAULT_HAIKU_MODEL"], haiku);
    assert_eq!(e["ANTHROPIC_SMALL_FAST_MODEL"], haiku);
    for tier in ["OPUS", "SONNET", "HAIKU"] {
        assert!(
            e[&format!("ANTHROPIC_DEFAULT_{tier}_MODEL_NAME")].contains("cc-alice-payments"),
            "{e:?}"
        );
    }
    for (k, v) in e {
        if k.starts_with("ANTHROPIC_") && k.ends_with("MODEL") {
            assert!(
                v.contains(":application-inference-profile/"),
                "{k}={v} is not a profile"
            );
        }
    }
    assert!(!e.contains_key("AWS_PROFILE"));
}

#[test]
fn user_model_flag_is_respected() {
    let mut env = TestEnv::new();
    env.set(
        "ANTHROPIC_MODEL",
        "us.anthropic.claude-opus-4-5-20251101-v1:0",
    );
    ok(&env.run(&["--model", "opus", "-p", "hi"]));
    let inv = env.invocation();
    assert!(
        !inv.env.contains_key("ANTHROPIC_MODEL"),
        "--model must win, and no bare id may leak"
    );
    assert!(
        inv.args
            .ends_with(&["--model", "opus", "-p", "hi"].map(std::ffi::OsString::from)),
        "{:?}",
        inv.args
    );
    assert!(inv.env["ANTHROPIC_DEFAULT_OPUS_MODEL"].contains("application-inference-profile"));
}

#[test]
fn arguments_pass_through_byte_for_byte() {
    let env = TestEnv::new();
    let args = vec![
        os(b"-p"),
        os(b"caf\xe9 \xff not utf-8"),
        os(b"--config"),
        os(b"x"),
        os(b"--"),
        os(b"--model"),
        os(b""),
        os(b"two words"),
    ];
    ok(&env.run(&args));
    let got = env.invocation().args;
    let tail = &got[got.len() - args.len()..];
    assert_eq!(tail, &args[..]);
    for pre in &got[..got.len() - args.len()] {
        assert!(
            pre == "--session-id" || pre.as_bytes().len() == 36,
            "only a pinned session id may be added: {got:?}"
        );
    }

    ok(&env.run(&["--", "env", "--shell", "json"]));
    let last = env.invocations().pop().unwrap();
    assert!(
        last.args
            .ends_with(&["env".into(), "--shell".into(), "json".into()]),
        "{:?}",
        last.args
    );
    ok(&env.run(&["mcp", "list"]));
    assert_eq!(
        env.invocations().pop().unwrap().args,
        ["mcp", "list"].map(std::ffi::OsString::from).to_vec()
    );
}

#[test]
fn exit_codes_pass_through() {
    let mut env = TestEnv::new();
    env.set("FAKE_CLAUDE_EXIT", "7");
    let o = env.run(&["-p", "x"]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
}

#[test]
fn sigterm_is_forwarded_and_gives_143() {
    let mut env = TestEnv::new();
    ok(&env.run(&["-p", "warm the cache"]));
    env.set("FAKE_CLAUDE_SLEEP", "30");
    let mut child = env.cmd().args(["-p", "long"]).spawn().unwrap();
    // Wait until the fake claude has recorded itself, then TERM cc-bedrock only.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while env.invocations().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "claude never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let claude_pid = env.invocations().last().unwrap().pid;
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    std::thread::sleep(Duration::from_millis(100));
    let alive = unsafe { libc::kill(claude_pid as i32, 0) } == 0;
    assert!(!alive, "claude must not be left running");
}

#[test]
fn linked_as_claude_passes_everything_through_without_recursion() {
    let env = TestEnv::new();
    // cc-bedrock linked as `claude` first on PATH; the real (fake) claude after it.
    let link_dir = env.base().join("linkbin");
    std::fs::create_dir_all(&link_dir).unwrap();
    std::os::unix::fs::symlink(bin(), link_dir.join("claude")).unwrap();
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        link_dir.display(),
        env.bin_dir.display()
    );
    let o = env
        .cmd()
        .arg0("claude")
        .env("PATH", &path)
        .args(["env", "--help"])
        .output()
        .unwrap();
    // Invoked through the link's name: `env --help` is for claude, not ours.
    let mut c = env.cmd();
    c.env("PATH", &path);
    let o2 = std::process::Command::new(link_dir.join("claude"))
        .current_dir(&env.work)
        .envs(
            c.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .args(["env", "--help"])
        .output()
        .unwrap();
    ok(&o);
    ok(&o2);
    let invs = env.invocations();
    assert_eq!(
        invs.len(),
        2,
        "exactly one real claude per launch: {invs:?}"
    );
    for inv in invs {
        assert!(
            inv.args.ends_with(&["env".into(), "--help".into()]),
            "{:?}",
            inv.args
        );
    }
}

#[test]
fn a_copy_found_as_claude_stops_instead_of_looping() {
    let env = TestEnv::new();
    let copy_dir = env.base().join("copybin");
    std::fs::create_dir_all(&copy_dir).unwrap();
    std::fs::copy(bin(), copy_dir.join("claude")).unwrap();
    let o = env
        .cmd()
        .env("PATH", format!("{}:/usr/bin:/bin", copy_dir.display()))
        .args(["-p", "x"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("copy of cc-bedrock"), "{}", text(&o));
}

#[test]
fn existing_profile_is_found_by_name_across_pages() {
    let env = TestEnv::new();
    env.fake.set_page_size(2);
    let sonnet_src = format!(
        "arn:aws:bedrock:us-east-1:{}:inference-profile/{SONNET}",
        env.fake.account()
    );
    for i in 0..5 {
        env.fake
            .add_application_profile(&format!("someone-else-{i}"), &sonnet_src, &[]);
    }
    let existing = env
        .fake
        .add_application_profile("cc-alice-payments-sonnet", &sonnet_src, &[]);
    ok(&env.run(&["-p", "hi"]));
    assert_eq!(env.invocation().env["ANTHROPIC_MODEL"], existing);
    assert_eq!(env.fake.count(Op::Create), 2, "only opus and haiku are new");
    assert!(env.fake.count(Op::List) >= 3, "pagination was followed");
}

#[test]
fn conflict_race_uses_the_winner() {
    let env = TestEnv::new();
    env.fake.conflict_on_next_create();
    ok(&env.run(&["-p", "hi"]));
    let profiles = env.fake.application_profiles();
    assert_eq!(profiles.len(), 3);
    let model = &env.invocation().env["ANTHROPIC_DEFAULT_OPUS_MODEL"];
    assert!(profiles.iter().any(|p| &p.arn == model));
}

#[test]
fn a_profile_with_the_same_name_and_another_model_is_an_error() {
    let env = TestEnv::new();
    let haiku_src = format!(
        "arn:aws:bedrock:us-east-1:{}:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0",
        env.fake.account()
    );
    env.fake
        .add_application_profile("cc-alice-payments-sonnet", &haiku_src, &[]);
    let o = env.run(&["-p", "hi"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("cc-alice-payments-sonnet") && e.contains("already exists"),
        "{e}"
    );
    assert!(
        e.contains("profiles delete") || e.contains("change `name`"),
        "{e}"
    );
    assert!(env.invocations().is_empty(), "claude must not start");
}

#[test]
fn eight_concurrent_first_launches_create_each_profile_once() {
    let env = TestEnv::new();
    env.fake
        .fail_next(Op::Create, 1, Fault::Delay(Duration::from_millis(300)));
    let children: Vec<_> = (0..8)
        .map(|i| env.cmd().args(["-p", &format!("run {i}")]).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(env.fake.count(Op::Create), 3);
    let invs = env.invocations();
    assert_eq!(invs.len(), 8);
    let first = &invs[0].env["ANTHROPIC_MODEL"];
    assert!(invs.iter().all(|i| &i.env["ANTHROPIC_MODEL"] == first));
}

fn fails_before_claude(env: &TestEnv, needle: &[&str]) -> String {
    let o = env.run(&["-p", "hi"]);
    assert!(!o.status.success(), "{}", text(&o));
    let e = stderr(&o);
    for n in needle {
        assert!(e.contains(n), "stderr lacks {n:?}:\n{e}");
    }
    assert!(e.starts_with("cc-bedrock: error: "), "{e}");
    assert!(env.invocations().is_empty(), "claude must not start");
    e
}

#[test]
fn access_denied_lists_the_iam_actions() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::List, 1, Fault::access_denied());
    fails_before_claude(
        &env,
        &[
            "bedrock:ListInferenceProfiles",
            "bedrock:CreateInferenceProfile",
        ],
    );
}

#[test]
fn validation_error_shows_the_source_and_aws_message() {
    let env = TestEnv::new();
    env.fake.fail_next(
        Op::Create,
        1,
        Fault::validation("The provided model identifier is invalid."),
    );
    fails_before_claude(
        &env,
        &[
            "The provided model identifier is invalid.",
            "global.anthropic.claude-opus",
        ],
    );
}

#[test]
fn throttling_is_retried() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::List, 2, Fault::throttling());
    ok(&env.run(&["-p", "hi"]));
    assert_eq!(env.invocations().len(), 1);
}

#[test]
fn persistent_throttling_says_so() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::List, 50, Fault::throttling());
    fails_before_claude(&env, &["throttling"]);
}

#[test]
fn quota_exceeded_names_the_quota() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::Create, 1, Fault::quota());
    fails_before_claude(&env, &["quota", "L-40EC9882", "profiles prune"]);
}

#[test]
fn missing_credentials_name_the_fix() {
    let mut env = TestEnv::new();
    env.unset("AWS_ACCESS_KEY_ID")
        .unset("AWS_SECRET_ACCESS_KEY");
    fails_before_claude(&env, &["credentials", "aws sso login", "AWS_PROFILE"]);
}

#[test]
fn unreachable_endpoint_on_a_cache_miss() {
    let mut env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.set(
        "AWS_ENDPOINT_URL_BEDROCK",
        format!("http://127.0.0.1:{port}"),
    );
    env.set("CC_BEDROCK_AWS_TIMEOUT", "2");
    fails_before_claude(&env, &["cannot reach the Bedrock endpoint", "us-east-1"]);
}

#[test]
fn missing_region_is_an_error() {
    let mut env = TestEnv::new();
    env.unset("AWS_REGION");
    fails_before_claude(&env, &["no AWS Region", "AWS_REGION"]);
}

#[test]
fn config_is_found_upwards_and_merged_over_user_config() {
    let env = TestEnv::new();
    env.write(
        "home/.config/cc-bedrock/config.toml",
        "region = \"us-west-2\"\nname = \"team-{user}-{tier}\"\n[tags]\nteam = \"platform\"\ncost-center = \"42\"\n",
    );
    env.project_config("region = \"eu-west-1\"\n[tags]\nteam = \"payments\"\n[models]\nhaiku = \"eu.anthropic.claude-haiku-4-5-20251001-v1:0\"\n");
    let sub = env.work.join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let o = env
        .cmd()
        .current_dir(&sub)
        .args(["-p", "x"])
        .output()
        .unwrap();
    ok(&o);
    let inv = env.invocation();
    assert_eq!(inv.env["AWS_REGION"], "eu-west-1", "project wins");
    let profiles = env.fake.application_profiles();
    let haiku = profiles
        .iter()
        .find(|p| p.name == "team-alice-haiku")
        .expect("user name template applies");
    assert!(
        haiku
            .copy_from
            .ends_with("inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0")
    );
    let tags: std::collections::HashMap<_, _> = haiku.tags.iter().cloned().collect();
    assert_eq!(tags["team"], "payments");
    assert_eq!(tags["cost-center"], "42");
}

#[test]
fn config_errors_name_file_line_and_key() {
    let env = TestEnv::new();
    let path = env.project_config("region = \"us-east-1\"\n[models]\nsonnet = \"claude-3\"\n");
    let o = env.run(&["-p", "x"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains(&format!("{}:3:10", path.display())), "{e}");
    assert!(e.contains("key `models.sonnet`"), "{e}");
    assert!(env.invocations().is_empty());

    let path = env.project_config("regoin = \"us-east-1\"\n");
    let e = stderr(&env.run(&["-p", "x"]));
    assert!(
        e.contains(&format!("{}:1:1", path.display())) && e.contains("regoin"),
        "{e}"
    );
}

#[test]
fn explicit_config_flag_replaces_discovery() {
    let env = TestEnv::new();
    env.project_config("region = \"eu-west-1\"\n");
    let other = env.write("elsewhere.toml", "region = \"ap-southeast-2\"\n");
    ok(&env.run(&[
        std::ffi::OsStr::new("--config"),
        other.as_os_str(),
        std::ffi::OsStr::new("-p"),
        std::ffi::OsStr::new("x"),
    ]));
    assert_eq!(env.invocation().env["AWS_REGION"], "ap-southeast-2");
}

#[test]
fn another_region_does_not_reuse_the_cached_arn() {
    let mut env = TestEnv::new();
    ok(&env.run(&["-p", "x"]));
    env.fake.clear_requests();
    env.set("AWS_REGION", "us-west-2");
    ok(&env.run(&["-p", "x"]));
    // One fake serves every Region, so the names are found again; what matters is that the
    // cached us-east-1 entries were not used for us-west-2 (AWS was asked again).
    assert!(
        env.fake.count(Op::List) >= 1,
        "a cache miss for the new Region"
    );
    let cache: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.home.join(".cache/cc-bedrock/profiles.json")).unwrap(),
    )
    .unwrap();
    let regions: Vec<_> = cache["entries"]
        .as_object()
        .unwrap()
        .values()
        .map(|e| e["region"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(regions.len(), 6, "{regions:?}");
    assert_eq!(regions.iter().filter(|r| *r == "us-west-2").count(), 3);
    env.fake.clear_requests();
    env.unset("AWS_ACCESS_KEY_ID")
        .set("AWS_ACCESS_KEY_ID", "AKIDOTHERACCOUNT");
    ok(&env.run(&["-p", "x"]));
    assert!(
        env.fake.count(Op::List) >= 1,
        "other credentials, another cache entry"
    );
}

#[test]
fn cache_file_is_private_and_holds_no_secret() {
    let env = TestEnv::new();
    ok(&env.run(&["-p", "x"]));
    let cache = env.home.join(".cache/cc-bedrock/profiles.json");
    let meta = std::fs::metadata(&cache).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(
        !text.contains("fake-secret-key") && !text.contains("AKIDTESTFAKE"),
        "{text}"
    );
}

/// The warm path must not load the AWS config: point the AWS config and credentials files at a
/// FIFO, which blocks whoever opens it until a writer appears.
#[test]
fn warm_launch_does_not_read_the_aws_config() {
    let mut env = TestEnv::new();
    ok(&env.run(&["-p", "cold"]));
    let fifo = env.base().join("aws-config.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    env.set("AWS_CONFIG_FILE", &fifo)
        .set("AWS_SHARED_CREDENTIALS_FILE", &fifo);

    let mut warm = env.cmd().args(["-p", "warm"]).spawn().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = warm.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the warm launch opened the AWS config"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());

    // The detector works: a cache miss does load the AWS config, and blocks on the FIFO.
    std::fs::remove_file(env.home.join(".cache/cc-bedrock/profiles.json")).unwrap();
    let mut cold = env.cmd().args(["-p", "cold again"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        cold.try_wait().unwrap().is_none(),
        "a cold launch reads the AWS config"
    );
    let _ = cold.kill();
    let _ = cold.wait();
}

#[test]
fn the_search_stops_at_a_ceiling_directory() {
    let mut env = TestEnv::new();
    // A config above the working directory, beyond the ceiling, must be ignored.
    env.write("home/src/.cc-bedrock.toml", "region = \"eu-west-1\"\n");
    let work = env.work.clone();
    env.set("CC_BEDROCK_CEILING_DIRECTORIES", &work);
    ok(&env.run(&["-p", "x"]));
    assert_eq!(
        env.invocation().env["AWS_REGION"],
        "us-east-1",
        "the file above the ceiling was used"
    );
}
