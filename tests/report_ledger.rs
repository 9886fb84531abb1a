//! `report` over the ledger: periods and time-zone boundaries, `--by` combinations (tags too),
//! JSON and CSV shapes, unknown-cost marking, skipped lines, filters.

mod report_util;

use report_util::*;
use serde_json::{Value, json};

struct Run<'a> {
    id: &'a str,
    start: &'a str,
    user: &'a str,
    repo: &'a str,
    branch: &'a str,
    session: &'a str,
    tags: Value,
    /// (profile name, ARN, model name, input tokens, cost; None = unknown price)
    models: Vec<(&'a str, &'a str, &'a str, u64, Option<f64>)>,
}

fn tokens(input: u64) -> Value {
    json!({"input": input, "output": input / 10, "cache_write_5m": 0, "cache_write_1h": 0,
           "cache_read": 0, "web_search_requests": 0})
}

impl Run<'_> {
    fn json(&self) -> String {
        let models: Vec<Value> = self
            .models
            .iter()
            .map(|(_, arn, name, input, cost)| {
                json!({"requested_id": arn, "model_id": format!("anthropic.{name}"), "name": name,
                       "scope": {"kind": "global"}, "tokens": tokens(*input), "cost_usd": cost,
                       "price_known": cost.is_some(), "requests": 1})
            })
            .collect();
        let profiles: Vec<Value> = self
            .models
            .iter()
            .map(|(p, arn, name, _, _)| json!({"name": p, "arn": arn, "model_id": name}))
            .collect();
        let total_in: u64 = self.models.iter().map(|m| m.3).sum();
        let known: f64 = self.models.iter().filter_map(|m| m.4).sum();
        let mut v = json!({
            "schema": 1, "run_id": self.id, "start": self.start, "end": self.start,
            "duration_ms": 1000, "exit_code": 0, "cwd": self.repo, "repo_root": self.repo,
            "branch": self.branch, "user": self.user, "region": "us-west-2",
            "profiles": profiles, "models": models, "tokens": tokens(total_in),
            "total_cost_usd": known, "cost_complete": self.models.iter().all(|m| m.4.is_some()),
            "basis": "cost-state", "session_ids": [self.session], "prices_version": "2026-11-28",
        });
        if !self.tags.is_null() {
            v["tags"] = self.tags.clone();
        }
        v.to_string()
    }
}

const SONNET_P: &str = "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/s1";
const HAIKU_P: &str = "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/h1";

fn ledger() -> Sandbox {
    let s = Sandbox::new();
    let runs = [
        // Sunday 2026-11-29 23:30 UTC = Monday 30th 08:30 in Tokyo.
        Run {
            id: "run-1",
            start: "2026-11-29T23:30:00Z",
            user: "alice",
            repo: "/home/alice/src/payments",
            branch: "main",
            session: "s-1",
            tags: json!({"project": "payments", "team": "core"}),
            models: vec![
                (
                    "cc-alice-payments-sonnet",
                    SONNET_P,
                    "Claude Sonnet 4.5",
                    1000,
                    Some(1.25),
                ),
                (
                    "cc-alice-payments-haiku",
                    HAIKU_P,
                    "Claude Haiku 4.5",
                    100,
                    Some(0.5),
                ),
            ],
        },
        Run {
            id: "run-2",
            start: "2026-11-30T10:00:00Z",
            user: "bob",
            repo: "/home/bob/src/web",
            branch: "dev",
            session: "s-2",
            tags: json!({"project": "web"}),
            models: vec![(
                "cc-bob-web-sonnet",
                SONNET_P,
                "Claude Sonnet 4.5",
                2000,
                Some(2.0),
            )],
        },
        // A model with no price: its cost is unknown, never 0.
        Run {
            id: "run-3",
            start: "2026-12-01T09:00:00Z",
            user: "alice",
            repo: "/home/alice/src/payments",
            branch: "feature/x",
            session: "s-1",
            tags: Value::Null,
            models: vec![(
                "cc-alice-payments-opus",
                "arn:x:future",
                "claude-future-9",
                500,
                None,
            )],
        },
    ];
    let mut lines: Vec<String> = runs.iter().map(Run::json).collect();
    lines.insert(1, "{\"torn".into());
    s.write_ledger(&lines);
    s
}

fn rows(v: &Value) -> Vec<(String, Vec<String>, u64, u64)> {
    let by: Vec<&str> = v["group_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let groups = by
                .iter()
                .map(|g| r["groups"][*g].as_str().unwrap().to_string())
                .collect();
            (
                r["period"].as_str().unwrap().to_string(),
                groups,
                r["tokens"]["input"].as_u64().unwrap(),
                r["runs"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(p: &str, g: &[&str], input: u64, runs: u64) -> (String, Vec<String>, u64, u64) {
    (
        p.into(),
        g.iter().map(|x| x.to_string()).collect(),
        input,
        runs,
    )
}

const RANGE: &[&str] = &["--since", "2026-11-01", "--until", "2026-12-31"];

fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = extra.to_vec();
    v.extend_from_slice(RANGE);
    v
}

#[test]
fn daily_and_monthly_follow_the_time_zone() {
    let s = ledger();
    let utc = s.json(&with(&["daily", "--tz", "UTC"]));
    assert_eq!(
        rows(&utc),
        vec![
            row("2026-11-29", &[], 1100, 1),
            row("2026-11-30", &[], 2000, 1),
            row("2026-12-01", &[], 500, 1)
        ]
    );
    let tokyo = s.json(&with(&["daily", "--tz", "Asia/Tokyo"]));
    assert_eq!(
        rows(&tokyo),
        vec![
            row("2026-11-30", &[], 3100, 2),
            row("2026-12-01", &[], 500, 1)
        ]
    );
    let monthly = s.json(&with(&["monthly", "--tz", "America/New_York"]));
    assert_eq!(
        rows(&monthly),
        vec![row("2026-11", &[], 3100, 2), row("2026-12", &[], 500, 1)]
    );
    assert_eq!(monthly["time_zone"], "America/New_York");
    assert_eq!(monthly["total"]["runs"], 3);
}

#[test]
fn weeks_start_on_monday_in_the_report_zone() {
    let s = ledger();
    let utc = s.json(&with(&["weekly", "--tz", "UTC"]));
    assert_eq!(
        rows(&utc),
        vec![
            row("2026-11-23", &[], 1100, 1),
            row("2026-11-30", &[], 2500, 2)
        ]
    );
    let tokyo = s.json(&with(&["weekly", "--tz", "Asia/Tokyo"]));
    assert_eq!(rows(&tokyo), vec![row("2026-11-30", &[], 3600, 3)]);
}

#[test]
fn sessions_and_runs() {
    let s = ledger();
    let v = s.json(&with(&["session", "--tz", "UTC"]));
    assert_eq!(
        rows(&v),
        vec![row("s-1", &[], 1600, 2), row("s-2", &[], 2000, 1)]
    );
    let v = s.json(&with(&["runs", "--tz", "UTC", "--by", "model"]));
    assert_eq!(
        rows(&v),
        vec![
            row("run-1", &["Claude Haiku 4.5"], 100, 1),
            row("run-1", &["Claude Sonnet 4.5"], 1000, 1),
            row("run-2", &["Claude Sonnet 4.5"], 2000, 1),
            row("run-3", &["claude-future-9"], 500, 1)
        ]
    );
    assert_eq!(v["rows"][0]["first"], "2026-11-29T23:30:00Z");
    let table = s.table(&with(&["runs", "--tz", "UTC"]));
    assert!(
        table.contains("Started") && table.contains("2026-11-29 23:30"),
        "{table}"
    );
}

#[test]
fn by_fields_combine_including_tags() {
    let s = ledger();
    let v = s.json(&with(&[
        "monthly",
        "--tz",
        "UTC",
        "--by",
        "tag:project",
        "--by",
        "user",
    ]));
    assert_eq!(v["group_by"], json!(["tag:project", "user"]));
    assert_eq!(
        rows(&v),
        vec![
            row("2026-11", &["payments", "alice"], 1100, 1),
            row("2026-11", &["web", "bob"], 2000, 1),
            row("2026-12", &["-", "alice"], 500, 1)
        ]
    );
    let v = s.json(&with(&[
        "monthly", "--tz", "UTC", "--by", "profile", "--by", "repo", "--by", "branch",
    ]));
    assert_eq!(
        rows(&v),
        vec![
            row(
                "2026-11",
                &["cc-alice-payments-haiku", "payments", "main"],
                100,
                1
            ),
            row(
                "2026-11",
                &["cc-alice-payments-sonnet", "payments", "main"],
                1000,
                1
            ),
            row("2026-11", &["cc-bob-web-sonnet", "web", "dev"], 2000, 1),
            row(
                "2026-12",
                &["cc-alice-payments-opus", "payments", "feature/x"],
                500,
                1
            )
        ]
    );
    let v = s.json(&with(&["monthly", "--tz", "UTC", "--by", "tag:team"]));
    assert_eq!(rows(&v)[0], row("2026-11", &["-"], 2000, 1));
    assert_eq!(rows(&v)[1], row("2026-11", &["core"], 1100, 1));
}

#[test]
fn unknown_cost_is_marked_and_the_total_is_a_lower_bound() {
    let s = ledger();
    let table = s.table(&with(&["daily", "--tz", "UTC"]));
    assert!(table.contains("$1.75"), "{table}");
    assert!(table.contains("≥ $0.00 *"), "{table}");
    assert!(table.contains("at least $3.75 *"), "{table}");
    assert!(
        table.contains("no price for anthropic.claude-future-9"),
        "{table}"
    );
    assert!(
        !table.contains("Estimates"),
        "ledger figures are not estimates: {table}"
    );
    assert!(
        table.contains("Skipped: 1 malformed ledger line(s)."),
        "{table}"
    );
    let v = s.json(&with(&["daily", "--tz", "UTC"]));
    assert_eq!(v["total"]["cost_complete"], false);
    assert_eq!(v["total"]["cost_usd"], 3.75);
    assert_eq!(v["rows"][2]["cost_complete"], false);
    assert_eq!(v["estimate"], false);
    assert_eq!(v["source"], "ledger");
    assert_eq!(v["skipped"]["ledger_lines"], 1);
}

#[test]
fn json_and_csv_shapes() {
    let s = ledger();
    let v = s.json(&with(&["daily", "--tz", "UTC", "--by", "model"]));
    for key in [
        "source",
        "estimate",
        "period",
        "group_by",
        "time_zone",
        "since",
        "until",
        "prices_versions",
        "rows",
        "total",
        "unknown_cost",
        "skipped",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v:#}");
    }
    let r = &v["rows"][0];
    for key in [
        "period",
        "first",
        "last",
        "groups",
        "tokens",
        "cost_usd",
        "cost_complete",
        "runs",
    ] {
        assert!(r.get(key).is_some(), "missing rows[].{key}: {r:#}");
    }
    for key in [
        "input",
        "output",
        "cache_write_5m",
        "cache_write_1h",
        "cache_read",
        "web_search_requests",
        "total",
    ] {
        assert!(r["tokens"].get(key).is_some(), "missing tokens.{key}");
    }
    assert_eq!(v["since"], "2026-11-01");
    assert_eq!(v["until"], "2026-12-31");
    assert!(v.get("coverage").is_none(), "coverage is for --all-usage");

    let csv = s.csv(&with(&[
        "daily",
        "--tz",
        "UTC",
        "--by",
        "model",
        "--by",
        "tag:project",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "period,model,tag:project,input,output,cache_write_5m,cache_write_1h,cache_read,web_search_requests,total_tokens,cost_usd,cost_complete,runs"
    );
    assert_eq!(lines.len(), 1 + 4, "one line per row, no totals: {csv}");
    assert_eq!(
        lines[1],
        "2026-11-29,Claude Haiku 4.5,payments,100,10,0,0,0,0,110,0.500000,true,1"
    );
    assert!(lines[4].ends_with(",0.000000,false,1"), "{csv}");
    let runs_csv = s.csv(&with(&["runs", "--tz", "UTC"]));
    assert!(runs_csv.starts_with("period,started,"), "{runs_csv}");
}

#[test]
fn repo_filter_and_bad_ranges() {
    let s = ledger();
    let v = s.json(&with(&["monthly", "--tz", "UTC", "--repo", "payments"]));
    assert_eq!(v["total"]["runs"], 2);
    let v = s.json(&with(&[
        "monthly",
        "--tz",
        "UTC",
        "--repo",
        "/home/bob/src/web",
    ]));
    assert_eq!(v["total"]["runs"], 1);
    let v = s.json(&[
        "daily",
        "--tz",
        "UTC",
        "--since",
        "2026-11-30",
        "--until",
        "20261130",
    ]);
    assert_eq!(v["total"]["runs"], 1);
    let err = cc_bedrock::report::build(
        &args(&["--since", "2026-12-02", "--until", "2026-12-01"]),
        &s.env,
    )
    .unwrap_err();
    assert!(format!("{err}").contains("is after --until"), "{err}");
    let err = cc_bedrock::report::build(&args(&["--tz", "Mars/Olympus"]), &s.env).unwrap_err();
    assert!(format!("{err}").contains("unknown time zone"), "{err}");
}

#[test]
fn an_empty_ledger_says_how_to_get_data() {
    let s = Sandbox::new();
    let table = s.table(&with(&["--tz", "UTC"]));
    assert!(
        table.contains("No runs recorded between 2026-11-01 and 2026-12-31"),
        "{table}"
    );
    assert!(table.contains("--all-usage"), "{table}");
    let v = s.json(&with(&["--tz", "UTC"]));
    assert_eq!(v["rows"], json!([]));
    assert_eq!(v["total"]["runs"], 0);
}
