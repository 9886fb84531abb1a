//! `report --all-usage`: deduplication across files, config roots, pricing rules, coverage,
//! sessions, filters and the lines that must not count.

mod report_util;

use cc_bedrock::models::Scope;
use report_util::*;

const SINCE: &[&str] = &["--since", "2026-01-01", "--tz", "UTC"];

fn argv<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--all-usage"];
    v.extend_from_slice(extra);
    v.extend_from_slice(SINCE);
    v
}

#[test]
fn fork_copies_and_duplicate_files_count_once() {
    let s = Sandbox::new();
    let parent = "aaaaaaaa-0000-4000-8000-000000000000";
    let fork = "bbbbbbbb-0000-4000-8000-000000000000";
    let l = |msg: &str, out: u64, session: &str, ts: &str| {
        Line {
            msg,
            req: Some(msg),
            output: out,
            session,
            ts,
            ..Line::default()
        }
        .json()
    };
    // The parent: two requests, the first written as three content blocks.
    s.write_transcript(
        &format!("-home-dev-src-payments/{parent}.jsonl"),
        &[
            l("m1", 5, parent, "2026-11-10T10:00:00.000Z"),
            l("m1", 40, parent, "2026-11-10T10:00:00.010Z"),
            l("m1", 40, parent, "2026-11-10T10:00:00.020Z"),
            l("m2", 10, parent, "2026-11-10T10:05:00.000Z"),
        ],
    );
    // `--fork-session`: copies of the parent's lines (same ids and timestamps), then its own.
    s.write_transcript(
        &format!("-home-dev-src-payments/{fork}.jsonl"),
        &[
            l("m1", 40, fork, "2026-11-10T10:00:00.010Z"),
            l("m2", 10, fork, "2026-11-10T10:05:00.000Z"),
            l("m3", 7, fork, "2026-11-11T09:00:00.000Z"),
        ],
    );
    // A stray copy of the whole parent somewhere else (a backup, a second root).
    std::fs::create_dir_all(s.projects.join("-copy")).unwrap();
    std::fs::copy(
        s.projects
            .join(format!("-home-dev-src-payments/{parent}.jsonl")),
        s.projects.join(format!("-copy/{parent}.jsonl")),
    )
    .unwrap();
    let v = s.json(&argv(&["session"]));
    assert_eq!(v["total"]["requests"], 3, "{v:#}");
    assert_eq!(v["total"]["tokens"]["output"], 57);
    assert_eq!(v["total"]["tokens"]["input"], 3000);
    // Sessions: the fork's own request is the fork's; the copies stay with one session.
    let sessions: Vec<(String, u64)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().to_string(),
                r["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    // The copies are identical (same output, same time): the first file in path order keeps
    // them, whichever order the threads finished in.
    assert_eq!(
        sessions,
        vec![(parent.to_string(), 2), (fork.to_string(), 1)]
    );
}

#[test]
fn every_config_root_is_read_and_a_root_listed_twice_counts_once() {
    let mut s = Sandbox::new();
    let second = s.tmp.path().canonicalize().unwrap().join("other-root");
    std::fs::create_dir_all(second.join("projects/-x/s/subagents")).unwrap();
    std::fs::write(
        second.join("projects/-x/s/subagents/agent-1.jsonl"),
        Line {
            msg: "sub",
            output: 3,
            model: "claude-haiku-4-5-20251001",
            ..Line::default()
        }
        .json()
            + "\n",
    )
    .unwrap();
    s.write_transcript("-y/a.jsonl", &[Line::default().json()]);
    let first = s.env.claude_roots[0].clone();
    s.env.claude_roots = vec![first.clone(), second.clone(), first, second.join(".")];
    let v = s.json(&argv(&["--by", "model"]));
    assert_eq!(v["scan"]["files"], 2, "{:#}", v["scan"]);
    assert_eq!(v["total"]["requests"], 2);
    assert_eq!(v["total"]["tokens"]["output"], 103);
}

#[test]
fn requests_without_request_id_dedupe_on_message_id() {
    // claude-code.md §5: fall back to `message.id` alone. (ccusage 20.0.24 does not: it counts
    // both copies; this is a deliberate difference.)
    let s = Sandbox::new();
    let l = |out| {
        Line {
            msg: "m1",
            req: None,
            output: out,
            ..Line::default()
        }
        .json()
    };
    s.write_transcript("-p/a.jsonl", &[l(10), l(25)]);
    let v = s.json(&argv(&[]));
    assert_eq!(v["total"]["requests"], 1);
    assert_eq!(v["total"]["tokens"]["output"], 25);
}

#[test]
fn what_does_not_count() {
    let s = Sandbox::new();
    let synthetic = r#"{"type":"assistant","timestamp":"2026-11-10T10:00:00Z","message":{"id":"e","model":"<synthetic>","usage":{"input_tokens":5,"output_tokens":5}},"isApiErrorMessage":true}"#;
    let user_with_usage = r#"{"type":"user","timestamp":"2026-11-10T10:00:00Z","message":{"role":"user","content":"x"},"toolUseResult":{"usage":{"input_tokens":999,"output_tokens":999}}}"#;
    let malformed = r#"{"type":"assistant","message":{"id":"z","usage":{"input_tokens":-1}},"timestamp":"2026-11-10T10:00:00Z"}"#;
    let no_time = r#"{"type":"assistant","message":{"id":"t","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":1}}}"#;
    s.write_transcript(
        "-p/a.jsonl",
        &[
            synthetic.into(),
            user_with_usage.into(),
            malformed.into(),
            no_time.into(),
            "not json \"usage\"".into(),
            tool_result(10_000),
            Line::default().json(),
        ],
    );
    let v = s.json(&argv(&[]));
    assert_eq!(v["total"]["requests"], 1, "{v:#}");
    assert_eq!(v["total"]["tokens"]["output"], 100);
    assert_eq!(v["skipped"]["transcript_api_errors"], 1);
    assert_eq!(v["skipped"]["transcript_malformed"], 3);
}

#[test]
fn giant_lines_are_skipped_or_streamed_with_bounded_memory() {
    let s = Sandbox::new();
    let big = "y".repeat(6 << 20);
    // A 6 MB tool result, and a 6 MB single-block reply (a huge Write) that carries usage.
    let giant_result = format!(
        r#"{{"parentUuid":"p","isSidechain":false,"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","content":"{big}"}}]}},"timestamp":"2026-11-10T12:00:01.000Z","toolUseResult":{{"usage":{{"input_tokens":1}}}}}}"#
    );
    let giant_reply = Line {
        msg: "big",
        output: 20_000,
        ..Line::default()
    }
    .json()
    .replace(r#""text":"ok""#, &format!(r#""text":"{big}""#));
    s.write_transcript(
        "-p/a.jsonl",
        &[
            giant_result,
            giant_reply,
            Line {
                msg: "after",
                output: 1,
                ..Line::default()
            }
            .json(),
        ],
    );
    let v = s.json(&argv(&[]));
    assert_eq!(v["total"]["requests"], 2, "{v:#}");
    assert_eq!(v["total"]["tokens"]["output"], 20_001);
    assert_eq!(v["skipped"]["transcript_oversized"], 1);
}

#[test]
fn pricing_rules_long_context_scope_and_one_hour_writes() {
    let s = Sandbox::new();
    let geo_arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/geo1";
    s.cache_profiles(&[(geo_arn, "cc-geo", SONNET_ID, Scope::Geographic("eu".into()))]);
    s.write_transcript(
        "-p/a.jsonl",
        &[
            // Anthropic model name, base (global) price: 1000 x 3 + 100 x 15, 1h write x 6.
            Line {
                msg: "a",
                cache_write_1h: 1000,
                ..Line::default()
            }
            .json(),
            // Over 200k input-side tokens: the whole request at long-context rates.
            Line {
                msg: "b",
                input: 1000,
                cache_read: 200_000,
                output: 100,
                ..Line::default()
            }
            .json(),
            // Through a geographic profile: +10 %.
            Line {
                msg: "c",
                model: geo_arn,
                requested: Some(geo_arn),
                ..Line::default()
            }
            .json(),
        ],
    );
    let v = s.json(&argv(&["--by", "profile"]));
    let rows = v["rows"].as_array().unwrap();
    let cost = |profile: &str| {
        rows.iter()
            .find(|r| r["groups"]["profile"] == profile)
            .unwrap()["cost_usd"]
            .as_f64()
            .unwrap()
    };
    let a = (1000.0 * 3.0 + 100.0 * 15.0 + 1000.0 * 6.0) / 1e6;
    let b = (1000.0 * 6.0 + 100.0 * 22.5 + 200_000.0 * 0.6) / 1e6;
    let c = (1000.0 * 3.3 + 100.0 * 16.5) / 1e6;
    assert!((cost("-") - (a + b)).abs() < 1e-9, "{v:#}");
    assert!((cost("cc-geo") - c).abs() < 1e-9, "{v:#}");
    // Coverage splits the spend by route.
    let through = v["coverage"]["profiles"]["cost_usd"].as_f64().unwrap();
    let outside = v["coverage"]["outside"]["cost_usd"].as_f64().unwrap();
    assert!((through - c).abs() < 1e-9 && (outside - a - b).abs() < 1e-9);
    let table = s.table(&argv(&["--by", "profile"]));
    assert!(
        table.contains("(3%) through cc-bedrock's profiles"),
        "{table}"
    );
    assert!(table.contains("(97%) outside them"), "{table}");
}

#[test]
fn a_model_without_a_price_is_unknown_not_zero() {
    let s = Sandbox::new();
    s.write_transcript(
        "-p/a.jsonl",
        &[
            Line {
                msg: "x",
                model: "claude-future-9",
                ..Line::default()
            }
            .json(),
            Line::default().json(),
        ],
    );
    let v = s.json(&argv(&["--by", "model"]));
    assert_eq!(v["total"]["cost_complete"], false);
    assert_eq!(
        v["unknown_cost"]["models"],
        serde_json::json!(["claude-future-9"])
    );
    let table = s.table(&argv(&["--by", "model"]));
    assert!(table.contains("≥ $0.00 *"), "{table}");
    assert!(table.contains("at least $0.0045 *"), "{table}");
    assert!(table.contains("no price for claude-future-9"), "{table}");
}

#[test]
fn repo_branch_user_filters_and_runs_refused() {
    let s = Sandbox::new();
    s.write_transcript(
        "-a/a.jsonl",
        &[
            Line {
                msg: "1",
                cwd: "/src/payments",
                branch: "main",
                ..Line::default()
            }
            .json(),
            Line {
                msg: "2",
                cwd: "/src/web",
                branch: "dev",
                ..Line::default()
            }
            .json(),
            Line {
                msg: "3",
                cwd: "/src/payments",
                branch: "dev",
                ..Line::default()
            }
            .json(),
        ],
    );
    let v = s.json(&argv(&[
        "monthly", "--by", "repo", "--by", "branch", "--by", "user",
    ]));
    let got: Vec<String> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let g = &r["groups"];
            format!(
                "{}/{}/{}:{}",
                g["repo"].as_str().unwrap(),
                g["branch"].as_str().unwrap(),
                g["user"].as_str().unwrap(),
                r["requests"]
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            "payments/dev/alice:1",
            "payments/main/alice:1",
            "web/dev/alice:1"
        ]
    );
    let v = s.json(&argv(&["--repo", "payments"]));
    assert_eq!(v["total"]["requests"], 2);
    let err = cc_bedrock::report::build(&args(&["runs", "--all-usage"]), &s.env).unwrap_err();
    assert!(format!("{err:#}").contains("needs the ledger"), "{err:#}");
}

#[test]
fn profile_tags_from_the_ledger_group_transcript_usage() {
    let s = Sandbox::new();
    s.cache_profiles(&[(
        SONNET_ARN,
        "cc-alice-payments-sonnet",
        SONNET_ID,
        Scope::Global,
    )]);
    // The launcher recorded the profile's tags with a run; transcripts only name the ARN.
    let record = serde_json::json!({
        "schema": 1, "run_id": "r1", "start": "2026-11-10T09:00:00Z", "end": "2026-11-10T09:01:00Z",
        "duration_ms": 60000, "exit_code": 0, "cwd": "/src/payments", "user": "alice",
        "region": "us-west-2",
        "profiles": [{"name": "cc-alice-payments-sonnet", "arn": SONNET_ARN, "model_id": SONNET_ID,
                      "tags": {"team": "core"}}],
        "tags": {"project": "payments", "team": "everyone"},
        "tokens": {"input": 0, "output": 0, "cache_write_5m": 0, "cache_write_1h": 0, "cache_read": 0,
                   "web_search_requests": 0},
        "total_cost_usd": 0.0, "cost_complete": true, "basis": "none", "prices_version": "2026-11-28"
    });
    s.write_ledger(&[record.to_string()]);
    s.write_transcript(
        "-p/a.jsonl",
        &[
            Line {
                msg: "1",
                model: SONNET_ARN,
                requested: Some(SONNET_ARN),
                ..Line::default()
            }
            .json(),
            Line {
                msg: "2",
                ..Line::default()
            }
            .json(),
        ],
    );
    let v = s.json(&argv(&[
        "monthly",
        "--by",
        "tag:project",
        "--by",
        "tag:team",
    ]));
    let got: Vec<String> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}/{}:{}",
                r["groups"]["tag:project"].as_str().unwrap(),
                r["groups"]["tag:team"].as_str().unwrap(),
                r["requests"]
            )
        })
        .collect();
    // The profile's own tag wins over the run's; usage outside the profiles has no tags.
    assert_eq!(got, vec!["-/-:1", "payments/core:1"]);
}
