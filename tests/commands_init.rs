//! `cc-bedrock init`: non-interactive with flags (no AWS call), interactive through the prompt
//! test hook (models listed from the fake's SYSTEM_DEFINED profiles), refusal to overwrite, and
//! a written file that the launcher then uses.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use support::{Fault, Op, TestEnv, stderr, text};

const FILE: &str = ".cc-bedrock.toml";

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", text(o));
}

/// Runs `init` with the prompt hook on and `answers` as stdin, one line each.
fn init_answering(env: &TestEnv, dir: &Path, args: &[&str], answers: &[&str]) -> Output {
    let mut child = env
        .cmd()
        .current_dir(dir)
        .env("CC_BEDROCK_PROMPT_INPUT", "stdin")
        .arg("init")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut input = answers.join("\n");
    input.push('\n');
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn toml_of(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).expect("config written");
    text.parse()
        .unwrap_or_else(|e| panic!("{} is not TOML: {e}\n{text}", path.display()))
}

fn get<'a>(t: &'a toml::Table, dotted: &str) -> Option<&'a str> {
    let mut parts = dotted.split('.');
    let first = t.get(parts.next()?)?;
    parts
        .try_fold(first, |v, p| v.get(p))
        .and_then(|v| v.as_str())
}

/// A git work tree at `work`, run from a subdirectory of it.
fn repo_subdir(env: &TestEnv) -> PathBuf {
    std::fs::create_dir_all(env.work.join(".git")).unwrap();
    let sub = env.work.join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    sub
}

#[test]
fn flags_write_a_valid_commented_file_without_aws() {
    let env = TestEnv::new();
    let sub = repo_subdir(&env);
    let o = env
        .cmd()
        .current_dir(&sub)
        .args([
            "init",
            "--region",
            "us-east-1",
            "--sonnet",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "--main",
            "opus",
            "--tag",
            "team=payments",
            "--tag",
            "cost center={repo}-x",
        ])
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(
        env.fake.requests().len(),
        0,
        "non-interactive init must not call AWS"
    );
    let path = env.work.join(FILE);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!("Wrote {}", path.display())),
        "{}",
        text(&o)
    );
    assert!(
        !sub.join(FILE).exists(),
        "the file goes to the repository root"
    );

    let t = toml_of(&path);
    assert_eq!(get(&t, "region"), Some("us-east-1"));
    assert_eq!(get(&t, "main"), Some("opus"));
    assert_eq!(
        get(&t, "models.sonnet"),
        Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    assert_eq!(
        get(&t, "models.haiku"),
        Some("global.anthropic.claude-haiku-4-5-20251001-v1:0")
    );
    assert_eq!(get(&t, "tags.team"), Some("payments"));
    assert_eq!(get(&t, "tags.cost center"), Some("{repo}-x"));
    let body = std::fs::read_to_string(&path).unwrap();
    for comment in [
        "# AWS Region",
        "# The model of each tier",
        "# Cost-allocation tags",
    ] {
        assert!(body.contains(comment), "missing `{comment}`:\n{body}");
    }

    // The launcher takes it as is (init allowed it: its author wrote it just now).
    let o = env.run(&["status", "--offline", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).expect("status json");
    let main = status["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "main")
        .unwrap()
        .clone();
    assert_eq!(main["value"], "opus");
    assert_eq!(main["origin"], path.display().to_string());
    ok(&env
        .cmd()
        .current_dir(&sub)
        .args(["-p", "hi"])
        .output()
        .unwrap());
    let sonnet = env
        .fake
        .application_profiles()
        .into_iter()
        .find(|p| p.name.ends_with("-sonnet"))
        .expect("sonnet profile");
    assert!(
        sonnet
            .copy_from
            .ends_with("inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    let tag = |k: &str| {
        sonnet
            .tags
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(tag("team"), Some("payments"));
    assert_eq!(tag("cost center"), Some("payments-x"));
}

#[test]
fn refuses_to_overwrite_without_force() {
    let env = TestEnv::new();
    ok(&env.run(&["init", "--yes"]));
    let path = env.work.join(FILE);
    let before = std::fs::read_to_string(&path).unwrap();

    let o = env.run(&["init", "--yes", "--main", "haiku"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("already exists") && stderr(&o).contains("--force"),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);

    ok(&env.run(&["init", "--force", "--main", "haiku"]));
    assert_eq!(get(&toml_of(&path), "main"), Some("haiku"));
    let leftovers: Vec<_> = std::fs::read_dir(&env.work)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, [FILE], "no temp files are left behind");
}

#[test]
fn bad_flags_are_named_and_nothing_is_written() {
    let env = TestEnv::new();
    for (args, says) in [
        (&["init", "--sonnet", "sonnet"][..], "--sonnet"),
        (&["init", "--region", "US East"][..], "--region"),
        (&["init", "--tag", "novalue"][..], "KEY=VALUE"),
        (&["init", "--tag", "cc-bedrock:managed=x"][..], "reserved"),
        (&["init", "--tag", "k={nope}"][..], "placeholder"),
    ] {
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", text(&o));
        assert!(!env.work.join(FILE).exists(), "{args:?} wrote a file");
    }
    let o = env.run(&["init", "--main", "gpt"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "clap rejects the value: {}",
        text(&o)
    );
}

/// The ids `init` listed for a tier, in order, from its prompt text.
fn listed(err: &str, tier: &str) -> Vec<String> {
    let head = format!("Models for the {tier} tier");
    let section = err
        .split(&head)
        .nth(1)
        .unwrap_or_else(|| panic!("no list for {tier}:\n{err}"));
    section
        .lines()
        .skip(1)
        .map_while(|l| {
            let l = l.trim_start();
            let (n, rest) = l.split_once(") ")?;
            n.parse::<usize>().ok()?;
            Some(rest.split_whitespace().next()?.to_string())
        })
        .collect()
}

#[test]
fn interactive_lists_the_accounts_models() {
    let env = TestEnv::new();
    let sub = repo_subdir(&env);
    let o = init_answering(
        &env,
        &sub,
        &[],
        &[
            "",                                            // region: the default (AWS_REGION)
            "2",                                           // opus: the second listed
            "",                                            // sonnet: the default
            "us.anthropic.claude-haiku-4-5-20251001-v1:0", // haiku: typed
            "gpt",                                         // main: invalid, asked again
            "opus",
            "team=payments, env=dev",
            "y",
        ],
    );
    ok(&o);
    let err = stderr(&o);
    assert!(err.contains("AWS Region [us-east-1]"), "{err}");
    let opus = listed(&err, "opus");
    assert!(opus.len() >= 3, "{err}");
    assert!(
        opus.iter().all(|id| id.contains("anthropic.claude-opus")),
        "{opus:?}"
    );
    assert!(
        listed(&err, "sonnet")
            .iter()
            .all(|id| id.contains("sonnet"))
    );
    assert!(err.contains("`gpt` is not a tier"), "{err}");
    let lists = env.fake.requests_for(Op::List);
    assert!(
        lists
            .iter()
            .any(|r| r.query_param("type").as_deref() == Some("SYSTEM_DEFINED")),
        "models come from the account"
    );
    assert_eq!(env.fake.count(Op::Create), 0);

    let t = toml_of(&env.work.join(FILE));
    assert_eq!(get(&t, "region"), Some("us-east-1"));
    assert_eq!(get(&t, "models.opus"), Some(opus[1].as_str()));
    assert_eq!(
        get(&t, "models.sonnet"),
        Some("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    assert_eq!(
        get(&t, "models.haiku"),
        Some("us.anthropic.claude-haiku-4-5-20251001-v1:0")
    );
    assert_eq!(get(&t, "main"), Some("opus"));
    assert_eq!(get(&t, "tags.team"), Some("payments"));
    assert_eq!(get(&t, "tags.env"), Some("dev"));
}

#[test]
fn interactive_decline_and_end_of_input_write_nothing() {
    let env = TestEnv::new();
    let o = init_answering(&env, &env.work, &[], &["", "", "", "", "", "", "n"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stderr(&o).contains("Nothing was written"), "{}", text(&o));
    assert!(!env.work.join(FILE).exists());

    let o = init_answering(&env, &env.work, &[], &["eu-west-1"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stderr(&o).contains("input ended"), "{}", text(&o));
    assert!(!env.work.join(FILE).exists());
}

#[test]
fn interactive_without_aws_access_offers_the_defaults() {
    let env = TestEnv::new();
    env.fake.fail_next(Op::List, 1, Fault::access_denied());
    let o = init_answering(&env, &env.work, &[], &["", "", "", "", "", "", "y"]);
    ok(&o);
    let err = stderr(&o);
    assert!(
        err.contains("Cannot list the models of us-east-1")
            && err.contains("ListInferenceProfiles"),
        "{err}"
    );
    let t = toml_of(&env.work.join(FILE));
    assert_eq!(
        get(&t, "models.opus"),
        Some("global.anthropic.claude-opus-4-5-20251101-v1:0")
    );
}

#[test]
fn flags_mean_no_questions_even_with_the_prompt_hook() {
    let env = TestEnv::new();
    let o = init_answering(&env, &env.work, &["--region", "eu-west-1"], &[]);
    ok(&o);
    assert!(!stderr(&o).contains("AWS Region ["), "{}", text(&o));
    assert_eq!(
        get(&toml_of(&env.work.join(FILE)), "region"),
        Some("eu-west-1")
    );
    assert_eq!(env.fake.requests().len(), 0);
}
