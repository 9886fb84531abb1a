//! `cc-bedrock report` as a process: the same figures as the library, output streams, exit codes,
//! a closed pipe, `NO_COLOR`, and the config roots found from `HOME`.

mod report_util;

use std::process::Stdio;

use report_util::*;

const ARGS: &[&str] = &[
    "--all-usage",
    "--by",
    "model",
    "--since",
    "2026-10-01",
    "--tz",
    "UTC",
];

fn ok_stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn json_from_the_binary_equals_the_library() {
    let s = Sandbox::new();
    s.copy_history("history");
    let mut argv = ARGS.to_vec();
    argv.push("--json");
    let text = ok_stdout(&s.run(&argv));
    let from_bin: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(without_scan(from_bin), without_scan(s.json(&argv)));
}

#[test]
fn table_and_csv_go_to_stdout_without_colour() {
    let s = Sandbox::new();
    s.copy_history("history");
    let out = s.run(ARGS);
    let table = ok_stdout(&out);
    assert!(
        table.contains("Claude Sonnet 4.5") && table.contains("Total"),
        "{table}"
    );
    assert!(
        table.contains("Est. cost") && table.contains("Estimates:"),
        "{table}"
    );
    assert!(!table.contains('\u{1b}'), "NO_COLOR: no escape sequences");
    let mut argv = ARGS.to_vec();
    argv.push("--csv");
    let csv = ok_stdout(&s.run(&argv));
    assert!(csv.starts_with("period,model,input,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 5, "{csv}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let s = Sandbox::new();
    s.copy_history("history");
    let mut child = s
        .command(ARGS)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the reading end before the report is written (`cc-bedrock report | head -0`).
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn errors_exit_non_zero_with_a_message() {
    let s = Sandbox::new();
    let out = s.run(&["runs", "--all-usage"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs the ledger"), "{err}");
    let out = s.run(&["--by", "colour"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("tag:KEY"));
}

#[test]
fn roots_under_home_are_found_without_claude_config_dir() {
    let s = Sandbox::new();
    let home = s.tmp.path().canonicalize().unwrap().join("home");
    let line = |msg: &str| {
        Line {
            msg,
            ..Line::default()
        }
        .json()
            + "\n"
    };
    for (root, msg) in [(".claude", "a"), (".config/claude", "b")] {
        let dir = home.join(root).join("projects/-p");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{msg}.jsonl")), line(msg)).unwrap();
    }
    let mut c = s.command(&[
        "--all-usage",
        "--json",
        "--since",
        "2026-01-01",
        "--tz",
        "UTC",
    ]);
    c.env_remove("CLAUDE_CONFIG_DIR");
    let text = ok_stdout(&c.output().unwrap());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["total"]["requests"], 2, "{v:#}");
    assert_eq!(v["scan"]["files"], 2);
}

#[test]
fn the_ledger_report_by_default() {
    let s = Sandbox::new();
    let out = s.run(&["--since", "2026-01-01", "--tz", "UTC"]);
    let text = ok_stdout(&out);
    assert!(text.contains("No runs recorded since 2026-01-01"), "{text}");
}
