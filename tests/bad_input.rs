//! Bad input never panics and loses nothing: hostile transcript lines, random config text, and
//! working directories with spaces, unicode, invalid UTF-8 or extreme length.

mod support;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use cc_bedrock::config::{self, ConfigFile, FileKind};
use cc_bedrock::usage::transcript::{Line, LineError, parse_line};
use proptest::prelude::*;
use support::*;

#[test]
fn a_50_mb_line_is_handled() {
    // A tool result that mentions "usage" (so it passes the cheap pre-filter) and is 50 MB long.
    let big = "x".repeat(50 * 1024 * 1024);
    let line = format!(r#"{{"type":"user","message":{{"role":"user","content":"usage {big}"}}}}"#);
    assert_eq!(parse_line(line.as_bytes()).unwrap(), Line::Other);
    // The same, torn in the middle: whatever it is, it is not usage.
    assert!(!matches!(
        parse_line(&line.as_bytes()[..line.len() / 2]),
        Ok(Line::Usage(_))
    ));
    // An assistant line with a 50 MB text block still yields its usage.
    let line = format!(
        r#"{{"type":"assistant","requestId":"r","message":{{"id":"m","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"{big}"}}],"usage":{{"input_tokens":7,"output_tokens":3}}}}}}"#
    );
    let Line::Usage(u) = parse_line(line.as_bytes()).unwrap() else {
        panic!("usage line")
    };
    assert_eq!((u.tokens.input, u.tokens.output), (7, 3));
}

#[test]
fn invalid_utf8_and_wrong_types_are_errors() {
    // Invalid UTF-8 in a field we do not read: either rejected or read correctly, never a panic.
    let mut line =
        br#"{"type":"assistant","message":{"id":"m","usage":{"input_tokens":1}},"x":""#.to_vec();
    line.extend_from_slice(b"\xff\xfe\"}");
    match parse_line(&line) {
        Ok(Line::Usage(u)) => assert_eq!(u.tokens.input, 1),
        Ok(other) => panic!("{other:?}"),
        Err(_) => {}
    }
    // Invalid UTF-8 in a field we do read is an error.
    let mut line = br#"{"type":"assistant","message":{"id":"m"#.to_vec();
    line.extend_from_slice(b"\xff\"");
    line.extend_from_slice(br#","usage":{"input_tokens":1}}}"#);
    assert!(
        matches!(
            parse_line(&line),
            Err(LineError::Malformed(_) | LineError::WrongType(_))
        ),
        "{:?}",
        parse_line(&line)
    );
    for bad in [
        r#"-1"#,
        r#""12""#,
        r#"1e400"#,
        r#"[1]"#,
        r#"{"a":1}"#,
        r#"99999999999999999999999"#,
    ] {
        let l = format!(
            r#"{{"type":"assistant","message":{{"id":"m","usage":{{"input_tokens":{bad}}}}}}}"#
        );
        assert!(parse_line(l.as_bytes()).is_err(), "{bad}");
    }
    let cs = r#"{"type":"cost-state","modelUsage":{"a":{"inputTokens":-3}}}"#;
    assert!(parse_line(cs.as_bytes()).is_err());
}

/// Pieces that random config files are made of: valid keys, broken syntax, wrong types.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("region = \"us-east-1\"\n".to_string()),
        Just("region = 5\n".to_string()),
        Just("[models]\n".to_string()),
        Just("[tags]\n".to_string()),
        Just("sonnet = \"global.anthropic.claude-sonnet-4-5-20250929-v1:0\"\n".to_string()),
        Just("sonnet = \"nope\"\n".to_string()),
        Just("main = \"opus\"\n".to_string()),
        Just("name = \"{user}-{nope}\"\n".to_string()),
        Just("\"a,b\" = \"x\"\n".to_string()),
        Just("[[x]]\n".to_string()),
        Just("= =\n".to_string()),
        Just("revalidate-days = -1\n".to_string()),
        "[ -~]{0,30}\n",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn the_config_loader_never_panics_and_locates_its_errors(parts in proptest::collection::vec(fragment(), 0..8)) {
        let text: String = parts.concat();
        let path = PathBuf::from("/repo/.cc-bedrock.toml");
        let file = ConfigFile { path: path.clone(), kind: FileKind::Project, text: text.clone() };
        if let Err(e) = config::resolve(vec![file]) {
            let msg = e.to_string();
            let located = msg.strip_prefix("/repo/.cc-bedrock.toml:").unwrap_or_else(|| panic!("no file in {msg:?}"));
            let line: usize = located.split(':').next().unwrap().parse().unwrap_or_else(|_| panic!("no line in {msg:?}"));
            prop_assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "line {} of {:?}: {}", line, text, msg);
            if let Some(ce) = e.downcast_ref::<config::ConfigError>() {
                // Semantic errors always name the key; syntax errors name it when the line has one.
                let has_key_line = text.lines().nth(ce.line - 1).is_some_and(|l| l.contains('=') && !l.trim_start().starts_with('='));
                if has_key_line || ce.message.contains("unknown field") {
                    prop_assert!(!ce.key.is_empty(), "no key in {}", msg);
                }
            }
        }
    }
}

fn launches_in(env: &TestEnv, dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let o = env
        .cmd()
        .current_dir(dir)
        .args(["-p", "x"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let ledger =
        std::fs::read_to_string(env.home.join(".local/share/cc-bedrock/ledger.jsonl")).unwrap();
    assert!(ledger.lines().count() >= 1);
}

#[test]
fn spaces_and_unicode_in_the_repo_path() {
    let env = TestEnv::new();
    let dir = env.home.join("With Space/ünï_cödé.dir 🦀");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    launches_in(&env, &dir);
    let mut names: Vec<_> = env
        .fake
        .application_profiles()
        .into_iter()
        .map(|p| p.name)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cc-alice-n-c-d-dir-haiku",
            "cc-alice-n-c-d-dir-opus",
            "cc-alice-n-c-d-dir-sonnet"
        ]
    );
}

#[test]
fn a_non_utf8_working_directory() {
    let env = TestEnv::new();
    let dir = env.home.join(OsStr::from_bytes(b"caf\xe9-\xff"));
    launches_in(&env, &dir);
}

#[test]
fn a_very_long_working_directory() {
    let env = TestEnv::new();
    let mut dir = env.home.clone();
    for i in 0..12 {
        dir.push(format!("a-rather-long-directory-name-number-{i}"));
    }
    assert!(dir.as_os_str().len() > 400);
    launches_in(&env, &dir);
    for p in env.fake.application_profiles() {
        assert!(p.name.len() <= 64, "{}", p.name);
    }
}
