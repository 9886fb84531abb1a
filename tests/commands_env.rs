//! `cc-bedrock env`: its output, sourced by real shells, gives exactly the variables a launch
//! would set (compared with `env --shell json`), quoting included.

mod support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use support::{TestEnv, bin, text};

/// A shell command with the sandbox's environment, and cc-bedrock on its PATH.
fn shell(env: &TestEnv, program: &str) -> Command {
    let template = env.cmd();
    let mut c = Command::new(program);
    c.current_dir(&env.work).stdin(Stdio::null());
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let bin_dir = bin().parent().expect("binary dir").to_path_buf();
    c.env(
        "PATH",
        format!(
            "{}:{}:/usr/local/bin:/usr/bin:/bin",
            bin_dir.display(),
            env.bin_dir.display()
        ),
    );
    // Set in the shell before the eval: `env` must remove it.
    c.env("ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION", "eu-west-1");
    c
}

/// What `env --shell json` says to set (`None`: remove).
fn expected(env: &TestEnv) -> BTreeMap<String, Option<String>> {
    let o = env.run(&["env", "--shell", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_slice(&o.stdout).expect("env --shell json is a JSON object")
}

/// `NAME=value` lines for `names`, `NAME` alone when unset, as a shell prints them.
const PRINT_SH: &str = r#"for n in "$@"; do if [ "${!n+set}" = set ]; then printf '%s=%s\n' "$n" "${!n}"; else printf '%s\n' "$n"; fi; done"#;

fn parse_lines(out: &[u8]) -> BTreeMap<String, Option<String>> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (l.to_string(), None),
        })
        .collect()
}

fn have(program: &str) -> bool {
    let ok = Command::new(program)
        .args(["-c", "exit 0"])
        .stdin(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "\n*** SKIPPED: `{program}` is not installed; its `cc-bedrock env` test did not run. ***\n"
        );
    }
    ok
}

#[test]
fn bash_eval_sets_every_variable() {
    let env = TestEnv::new();
    let want = expected(&env);
    assert!(
        want["ANTHROPIC_MODEL"]
            .as_deref()
            .is_some_and(|m| m.contains(":application-inference-profile/"))
    );
    assert!(
        want["ANTHROPIC_DEFAULT_SONNET_MODEL_NAME"]
            .as_deref()
            .is_some_and(|n| n.contains(' ')),
        "a value that needs quoting"
    );
    assert_eq!(
        want.get("ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION"),
        Some(&None)
    );

    let names: Vec<&str> = want.keys().map(String::as_str).collect();
    let script = format!("set -eu\neval \"$(cc-bedrock env)\"\n{PRINT_SH}");
    let o = shell(&env, "bash")
        .args(["--norc", "--noprofile", "-c", &script, "bash"])
        .args(&names)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(parse_lines(&o.stdout), want);

    let sonnet = env
        .fake
        .application_profiles()
        .into_iter()
        .find(|p| p.name == "cc-alice-payments-sonnet")
        .unwrap();
    let o = shell(&env, "bash")
        .args([
            "--norc",
            "--noprofile",
            "-c",
            "eval \"$(cc-bedrock env)\"; echo $ANTHROPIC_MODEL",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        sonnet.arn,
        "{}",
        text(&o)
    );
}

#[test]
fn sh_and_zsh_eval_the_same_output() {
    let env = TestEnv::new();
    let want = expected(&env);
    for program in ["sh", "zsh"] {
        if !have(program) {
            continue;
        }
        // Plain POSIX: no ${!n}; print the variables by name with a fixed list.
        let mut script = String::from("eval \"$(cc-bedrock env)\"\n");
        for k in want.keys() {
            script.push_str(&format!("if [ \"${{{k}+set}}\" = set ]; then printf '%s=%s\\n' {k} \"${k}\"; else echo {k}; fi\n"));
        }
        let mut c = shell(&env, program);
        if program == "zsh" {
            c.arg("-f");
        }
        let o = c.args(["-c", &script]).output().unwrap();
        assert!(o.status.success(), "{program}: {}", text(&o));
        assert_eq!(parse_lines(&o.stdout), want, "{program}");
    }
}

#[test]
fn fish_sources_the_fish_output() {
    let env = TestEnv::new();
    if !have("fish") {
        return;
    }
    let want = expected(&env);
    // fish resets $USER from the password database; keep the sandbox's user (it names profiles).
    let script = "set -gx USER alice; cc-bedrock env --shell fish | source\n\
                  for n in $argv; if set -q $n; printf '%s=%s\\n' $n \"$$n\"; else; echo $n; end; end";
    let names: Vec<&str> = want.keys().map(String::as_str).collect();
    let o = shell(&env, "fish")
        .args(["--no-config", "-c", script])
        .args(&names)
        .env("HOME", &env.home)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(parse_lines(&o.stdout), want);
}
