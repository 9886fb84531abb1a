//! `report --all-usage` against ccusage v20 on committed fixtures.
//!
//! `fixtures/report/history` (made by `examples/gen_history.rs --kb 120 --seed 9 --days 3
//! --end 2026-11-03 --fork-share 0.5 --old-share 0.4 --compact`) holds Anthropic model names only,
//! so both tools can price it: forks that start with copies of their parent's lines, subagents,
//! "old version" replies with partial usage on early blocks, an API-error line. The per-day,
//! per-model token figures below are what `ccusage claude daily --offline --json --breakdown
//! -z <tz>` (ccusage 20.0.24, the last v20 with a native binary) printed for it; the test suite
//! itself does not need ccusage.
//!
//! `fixtures/report/arn` is real Claude Code 2.1.332 output (from the shared fixtures) in which
//! `message.model` is the application-profile ARN that was requested. ccusage 20.0.24 prices
//! that at $0.00 (`"missingPricing": true`, totalCost 0.0, checked by hand); cc-bedrock maps the
//! ARN through its profile cache and prices it.

mod report_util;

use cc_bedrock::models::Scope;
use report_util::*;

type Expected = [(&'static str, &'static str, u64, u64, u64, u64)];

/// ccusage 20.0.24, `-z UTC`: (date, model, input, output, cache creation, cache read).
const CCUSAGE_UTC: &Expected = &[
    (
        "2026-10-31",
        "claude-sonnet-4-5-20250929",
        11761,
        11821,
        63881,
        317076,
    ),
    (
        "2026-11-01",
        "claude-sonnet-4-5-20250929",
        26065,
        21548,
        123627,
        1034195,
    ),
    (
        "2026-11-01",
        "claude-haiku-4-5-20251001",
        4237,
        3960,
        29232,
        227595,
    ),
    (
        "2026-11-02",
        "claude-sonnet-4-5-20250929",
        27594,
        24541,
        113367,
        1485744,
    ),
    (
        "2026-11-03",
        "claude-sonnet-4-5-20250929",
        43189,
        44286,
        138174,
        1946714,
    ),
];

/// ccusage 20.0.24, `-z Asia/Tokyo`: the 2026-10-31 (UTC) requests move to the 1st.
const CCUSAGE_TOKYO: &Expected = &[
    (
        "2026-11-01",
        "claude-sonnet-4-5-20250929",
        37826,
        33369,
        187508,
        1351271,
    ),
    (
        "2026-11-01",
        "claude-haiku-4-5-20251001",
        4237,
        3960,
        29232,
        227595,
    ),
    (
        "2026-11-02",
        "claude-sonnet-4-5-20250929",
        27594,
        24541,
        113367,
        1485744,
    ),
    (
        "2026-11-03",
        "claude-sonnet-4-5-20250929",
        43189,
        44286,
        138174,
        1946714,
    ),
];

/// Our model column shows the price table's name; ccusage shows `message.model`.
fn ccusage_name(ours: &str) -> &str {
    match ours {
        "Claude Sonnet 4.5" => "claude-sonnet-4-5-20250929",
        "Claude Haiku 4.5" => "claude-haiku-4-5-20251001",
        other => other,
    }
}

fn check(tz: &str, expected: &Expected) {
    let s = Sandbox::new();
    s.copy_history("history");
    let v = s.json(&[
        "daily",
        "--all-usage",
        "--by",
        "model",
        "--since",
        "2026-10-01",
        "--tz",
        tz,
    ]);
    let mut got: Vec<_> = per_period_model(&v)
        .into_iter()
        .map(|(d, m, i, o, w, r)| (d, ccusage_name(&m).to_string(), i, o, w, r))
        .collect();
    let mut want: Vec<_> = expected
        .iter()
        .map(|(d, m, i, o, w, r)| (d.to_string(), m.to_string(), *i, *o, *w, *r))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "per-day token totals differ from ccusage ({tz})");
    assert_eq!(v["estimate"], true);
    assert_eq!(v["skipped"]["transcript_api_errors"], 1);
}

#[test]
fn daily_tokens_per_model_equal_ccusage_in_utc() {
    check("UTC", CCUSAGE_UTC);
}

#[test]
fn daily_tokens_per_model_equal_ccusage_in_tokyo() {
    check("Asia/Tokyo", CCUSAGE_TOKYO);
}

/// One request of the real fixture on the sonnet ARN: input 1234, output 42, cache write 1500
/// (5 min) + 500 (1 h), cache read 3000. With the profile copied from a `us.` (geographic)
/// source, Sonnet 4.5 costs 1.10 x base: 3.30 / 16.50 / 4.125 / 6.60 / 0.33 per million.
const SONNET_US_REQUEST: f64 =
    (1234.0 * 3.30 + 42.0 * 16.50 + 1500.0 * 4.125 + 500.0 * 6.60 + 3000.0 * 0.33) / 1e6;
/// One haiku subagent request (input 100, output 7) through a `global.` profile: 1.00 / 5.00.
const HAIKU_GLOBAL_REQUEST: f64 = (100.0 * 1.00 + 7.0 * 5.00) / 1e6;

#[test]
fn arns_are_priced_through_the_profile_cache_where_ccusage_says_zero() {
    let s = Sandbox::new();
    s.copy_history("arn");
    s.cache_profiles(&[
        (
            SONNET_ARN,
            "cc-alice-payments-sonnet",
            SONNET_ID,
            Scope::Geographic("us".into()),
        ),
        (
            HAIKU_ARN,
            "cc-alice-payments-haiku",
            HAIKU_ID,
            Scope::Global,
        ),
    ]);
    let v = s.json(&[
        "--all-usage",
        "--by",
        "profile",
        "--by",
        "model",
        "--since",
        "2026-11-01",
        "--tz",
        "UTC",
    ]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{v:#}");
    let row = |profile: &str| {
        rows.iter()
            .find(|r| r["groups"]["profile"] == profile)
            .unwrap_or_else(|| panic!("no row for {profile}: {v:#}"))
    };
    let sonnet = row("cc-alice-payments-sonnet");
    assert_eq!(sonnet["groups"]["model"], "Claude Sonnet 4.5");
    // Two requests; the first reply's three content-block lines count once.
    assert_eq!(sonnet["requests"], 2);
    assert_eq!(sonnet["tokens"]["input"], 2468);
    let cost = sonnet["cost_usd"].as_f64().unwrap();
    assert!((cost - 2.0 * SONNET_US_REQUEST).abs() < 1e-9, "{cost}");
    assert_eq!(sonnet["cost_complete"], true);
    let haiku = row("cc-alice-payments-haiku");
    assert_eq!(haiku["requests"], 2);
    let cost = haiku["cost_usd"].as_f64().unwrap();
    assert!((cost - 2.0 * HAIKU_GLOBAL_REQUEST).abs() < 1e-9, "{cost}");
    // ccusage 20.0.24 reports totalCost 0.0 for this very history.
    let total = v["total"]["cost_usd"].as_f64().unwrap();
    assert!(total > 0.03, "{total}");
    assert_eq!(v["total"]["cost_complete"], true);
    // Everything ran through cc-bedrock's profiles.
    assert_eq!(v["coverage"]["profiles"]["requests"], 4);
    assert_eq!(v["coverage"]["outside"]["requests"], 0);
    assert_eq!(v["coverage"]["unknown_arns"]["requests"], 0);
}

#[test]
fn an_arn_missing_from_the_cache_is_unknown_cost_never_zero() {
    let s = Sandbox::new();
    s.copy_history("arn");
    // Only the sonnet profile is known.
    s.cache_profiles(&[(
        SONNET_ARN,
        "cc-alice-payments-sonnet",
        SONNET_ID,
        Scope::Global,
    )]);
    let v = s.json(&[
        "--all-usage",
        "--by",
        "profile",
        "--since",
        "2026-11-01",
        "--tz",
        "UTC",
    ]);
    assert_eq!(v["total"]["cost_complete"], false, "{v:#}");
    assert_eq!(v["unknown_cost"]["arns"], serde_json::json!([HAIKU_ARN]));
    assert_eq!(v["coverage"]["unknown_arns"]["requests"], 2);
    let table = s.table(&[
        "--all-usage",
        "--by",
        "profile",
        "--since",
        "2026-11-01",
        "--tz",
        "UTC",
    ]);
    assert!(table.contains("≥ $0.00 *"), "{table}");
    assert!(table.contains("at least $"), "{table}");
    assert!(
        table.contains("not in cc-bedrock's profile cache"),
        "{table}"
    );
    assert!(table.contains(HAIKU_ARN), "{table}");
    assert!(table.contains("Estimates:"), "{table}");
}
