//! Output of a report: an aligned table (comfy-table) with a totals row and footnotes, JSON, or
//! CSV. Nothing here computes; it only formats a [`Report`].
//!
//! A cost that is partly unknown is shown as a lower bound (`≥ $1.23 *`, total "at least"),
//! never as a plain figure, and transcript-derived costs are labelled as estimates. Styling (bold
//! header and total) is only applied on a terminal and never when `NO_COLOR` is set.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement, Table};
use serde_json::{Map, Value, json};

use super::all_usage::Unknown;
use super::args::{GroupBy, Period};
use super::group::{Coverage, Row, Sum};
use super::period::DayRange;
use super::scan::ScanStats;
use crate::usage::Tokens;

/// Where the figures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// cc-bedrock's ledger: per wrapped run, priced at the end of the run.
    Ledger,
    /// Every Claude Code transcript: estimates.
    Transcripts,
}

/// Lines that were skipped, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub ledger_lines: u64,
    pub ledger_bad_start: u64,
    pub transcript_malformed: u64,
    pub transcript_api_errors: u64,
    pub transcript_oversized: u64,
}

impl Skipped {
    fn is_empty(&self) -> bool {
        *self == Skipped::default()
    }
}

/// A computed report, ready to print.
#[derive(Clone, Debug)]
pub struct Report {
    pub source: Source,
    pub period: Period,
    pub by: Vec<GroupBy>,
    pub time_zone: String,
    pub range: DayRange,
    pub rows: Vec<Row>,
    pub total: Sum,
    /// Transcript scans only.
    pub coverage: Option<Coverage>,
    /// The price-table version(s) behind the costs.
    pub prices_versions: Vec<String>,
    pub unknown: Unknown,
    pub skipped: Skipped,
    pub scan: Option<ScanStats>,
    /// Where the ledger is (for the empty-ledger hint).
    pub ledger_path: Option<String>,
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `$12.34`; amounts under a dollar keep four decimals (single runs often cost cents).
pub fn dollars(x: f64) -> String {
    if x > 0.0 && x < 1.0 {
        format!("${x:.4}")
    } else {
        format!("${x:.2}")
    }
}

fn cost_cell(s: &Sum) -> String {
    if s.cost_unknown {
        format!("≥ {} *", dollars(s.cost()))
    } else {
        dollars(s.cost())
    }
}

fn period_header(p: Period) -> &'static str {
    match p {
        Period::Daily => "Date",
        Period::Weekly => "Week of",
        Period::Monthly => "Month",
        Period::Session => "Session",
        Period::Runs => "Run",
    }
}

fn has_started_column(p: Period) -> bool {
    matches!(p, Period::Session | Period::Runs)
}

fn local_time(ms: i64, tz: &str) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return "-".into();
    };
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or_else(|_| jiff::tz::TimeZone::system());
    ts.to_zoned_datetime(zone)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn rfc3339(ms: i64) -> Value {
    jiff::Timestamp::from_millisecond(ms).map_or(Value::Null, |t| Value::String(t.to_string()))
}

fn styled() -> bool {
    crate::ui::colour_allowed()
}

/// The human table with its footnotes.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    if r.rows.is_empty() {
        out.push_str(&empty_message(r));
        out.push('\n');
        footnotes(r, &mut out);
        return out;
    }
    let style = styled();
    let bold = |c: Cell| {
        if style {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    };
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    let mut header = vec![period_header(r.period).to_string()];
    if has_started_column(r.period) {
        header.push("Started".into());
    }
    header.extend(r.by.iter().map(|g| title(&g.to_string())));
    let lead = header.len();
    header.extend(
        [
            "Input",
            "Output",
            "Cache write",
            "Cache read",
            "Total tokens",
            if r.source == Source::Transcripts {
                "Est. cost"
            } else {
                "Cost"
            },
            count_header(r.source),
        ]
        .map(String::from),
    );
    t.set_header(
        header
            .into_iter()
            .map(|h| bold(Cell::new(h)))
            .collect::<Vec<_>>(),
    );
    for row in &r.rows {
        let mut cells = vec![Cell::new(&row.period)];
        if has_started_column(r.period) {
            cells.push(Cell::new(local_time(row.first_ms, &r.time_zone)));
        }
        cells.extend(row.groups.iter().map(Cell::new));
        cells.extend(number_cells(&row.sum, r.source));
        t.add_row(cells);
    }
    let mut total = vec![bold(Cell::new("Total"))];
    total.extend((1..lead).map(|_| Cell::new("")));
    let mut nums = number_cells(&r.total, r.source);
    if r.total.cost_unknown {
        nums[5] = Cell::new(format!("at least {} *", dollars(r.total.cost())));
    }
    total.extend(nums.into_iter().map(bold));
    t.add_row(total);
    for i in lead..lead + 7 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let _ = writeln!(out, "{t}");
    footnotes(r, &mut out);
    out
}

fn count_header(s: Source) -> &'static str {
    match s {
        Source::Ledger => "Runs",
        Source::Transcripts => "Requests",
    }
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn number_cells(s: &Sum, src: Source) -> Vec<Cell> {
    let t = &s.tokens;
    vec![
        Cell::new(thousands(t.input)),
        Cell::new(thousands(t.output)),
        Cell::new(thousands(t.cache_write())),
        Cell::new(thousands(t.cache_read)),
        Cell::new(thousands(t.total())),
        Cell::new(cost_cell(s)),
        Cell::new(thousands(match src {
            Source::Ledger => s.runs,
            Source::Transcripts => s.requests,
        })),
    ]
}

fn empty_message(r: &Report) -> String {
    let (since, until) = r.range.labels();
    let when = match (since, until) {
        (Some(s), Some(u)) => format!(" between {s} and {u}"),
        (Some(s), None) => format!(" since {s}"),
        (None, Some(u)) => format!(" until {u}"),
        (None, None) => String::new(),
    };
    match r.source {
        Source::Ledger if r.total == Sum::default() && r.ledger_path.is_some() => format!(
            "No runs recorded{when} in the ledger ({}).\nRuns through cc-bedrock are recorded when claude exits; `cc-bedrock report --all-usage` reads every Claude Code transcript on this machine instead.",
            r.ledger_path.as_deref().unwrap_or("")
        ),
        _ => format!("No usage{when}."),
    }
}

fn footnotes(r: &Report, out: &mut String) {
    if r.total.cost_unknown {
        let mut why = Vec::new();
        if !r.unknown.models.is_empty() {
            why.push(format!(
                "no price for {} (add it to prices.toml in the config directory)",
                join(&r.unknown.models)
            ));
        }
        if !r.unknown.arns.is_empty() {
            why.push(format!(
                "application profile(s) not in cc-bedrock's profile cache, so their model is unknown: {}",
                join(&r.unknown.arns)
            ));
        }
        if why.is_empty() {
            why.push("some usage has no price".into());
        }
        let _ = writeln!(
            out,
            "* Cost unknown for part of this usage: {}. Figures marked * are lower bounds.",
            why.join("; ")
        );
    }
    if r.source == Source::Transcripts {
        let _ = writeln!(
            out,
            "Estimates: computed from transcript token counts with cc-bedrock's price table ({}); not billed figures.",
            r.prices_versions.join(", ")
        );
    }
    if let Some(c) = &r.coverage {
        let _ = writeln!(out, "{}", coverage_line(c));
    }
    if !r.skipped.is_empty() {
        let s = &r.skipped;
        let mut parts = Vec::new();
        for (n, what) in [
            (s.ledger_lines, "malformed ledger line(s)"),
            (
                s.ledger_bad_start,
                "ledger record(s) without a valid start time",
            ),
            (s.transcript_malformed, "malformed transcript line(s)"),
            (s.transcript_api_errors, "API-error line(s) (no usage)"),
            (s.transcript_oversized, "oversized tool-result line(s)"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let _ = writeln!(out, "Skipped: {}.", parts.join(", "));
    }
    if let Some(s) = &r.scan {
        let _ = writeln!(
            out,
            "Scanned {} transcript(s), {} ({} read now; {} unchanged, {} appended, {} read in full).",
            s.files,
            bytes(s.bytes_total),
            bytes(s.bytes_read),
            s.files_unchanged,
            s.files_appended,
            s.files_full
        );
        if let Some(e) = &s.index_error {
            let _ = writeln!(out, "Warning: the scan index was not saved: {e}");
        }
    }
}

fn join(s: &std::collections::BTreeSet<String>) -> String {
    s.iter().cloned().collect::<Vec<_>>().join(", ")
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut x = n as f64;
    let mut u = 0;
    while x >= 1000.0 && u + 1 < UNITS.len() {
        x /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{x:.1} {}", UNITS[u])
    }
}

/// "Coverage: …" — how much of the spend went through cc-bedrock's profiles.
pub fn coverage_line(c: &Coverage) -> String {
    let known = c.profile.cost() + c.outside.cost();
    let pct = |x: f64| {
        if known > 0.0 {
            format!(" ({:.0}%)", 100.0 * x / known)
        } else {
            String::new()
        }
    };
    let mut s = format!(
        "Coverage: {}{} through cc-bedrock's profiles, {}{} outside them",
        dollars(c.profile.cost()),
        pct(c.profile.cost()),
        dollars(c.outside.cost()),
        pct(c.outside.cost())
    );
    if c.unknown_arn.requests > 0 {
        let _ = write!(
            s,
            ", plus {} request(s) ({} tokens) through application profiles cc-bedrock does not know (cost unknown)",
            thousands(c.unknown_arn.requests),
            thousands(c.unknown_arn.tokens.total())
        );
    }
    s.push('.');
    s
}

fn tokens_json(t: &Tokens) -> Value {
    json!({
        "input": t.input,
        "output": t.output,
        "cache_write_5m": t.cache_write_5m,
        "cache_write_1h": t.cache_write_1h,
        "cache_read": t.cache_read,
        "web_search_requests": t.web_search_requests,
        "total": t.total(),
    })
}

fn sum_json(s: &Sum, src: Source) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("tokens".into(), tokens_json(&s.tokens));
    m.insert("cost_usd".into(), json!(s.cost()));
    m.insert("cost_complete".into(), json!(!s.cost_unknown));
    match src {
        Source::Ledger => m.insert("runs".into(), json!(s.runs)),
        Source::Transcripts => m.insert("requests".into(), json!(s.requests)),
    };
    m
}

/// The JSON document.
pub fn json(r: &Report) -> String {
    let rows: Vec<Value> = r
        .rows
        .iter()
        .map(|row| {
            let mut m = Map::new();
            m.insert("period".into(), json!(row.period));
            m.insert("first".into(), rfc3339(row.first_ms));
            m.insert("last".into(), rfc3339(row.last_ms));
            let groups: Map<String, Value> =
                r.by.iter()
                    .zip(&row.groups)
                    .map(|(g, v)| (g.to_string(), json!(v)))
                    .collect();
            m.insert("groups".into(), Value::Object(groups));
            m.extend(sum_json(&row.sum, r.source));
            Value::Object(m)
        })
        .collect();
    let (since, until) = r.range.labels();
    let mut doc = json!({
        "source": match r.source { Source::Ledger => "ledger", Source::Transcripts => "transcripts" },
        "estimate": r.source == Source::Transcripts,
        "period": r.period.as_str(),
        "group_by": r.by.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "time_zone": r.time_zone,
        "since": since,
        "until": until,
        "prices_versions": r.prices_versions,
        "rows": rows,
        "total": Value::Object(sum_json(&r.total, r.source)),
        "unknown_cost": {
            "models": r.unknown.models,
            "arns": r.unknown.arns,
        },
        "skipped": r.skipped,
    });
    if let Some(c) = &r.coverage {
        doc["coverage"] = json!({
            "profiles": Value::Object(sum_json(&c.profile, Source::Transcripts)),
            "outside": Value::Object(sum_json(&c.outside, Source::Transcripts)),
            "unknown_arns": Value::Object(sum_json(&c.unknown_arn, Source::Transcripts)),
        });
    }
    if let Some(s) = &r.scan {
        doc["scan"] = json!(s);
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// CSV: a header and one line per row (no totals line, so the rows can be summed).
pub fn csv(r: &Report) -> String {
    let mut out = String::new();
    let mut header = vec!["period".to_string()];
    if has_started_column(r.period) {
        header.push("started".into());
    }
    header.extend(r.by.iter().map(ToString::to_string));
    header.extend(
        [
            "input",
            "output",
            "cache_write_5m",
            "cache_write_1h",
            "cache_read",
            "web_search_requests",
            "total_tokens",
            "cost_usd",
            "cost_complete",
            match r.source {
                Source::Ledger => "runs",
                Source::Transcripts => "requests",
            },
        ]
        .map(String::from),
    );
    line(&mut out, &header);
    for row in &r.rows {
        let mut f = vec![row.period.clone()];
        if has_started_column(r.period) {
            f.push(rfc3339(row.first_ms).as_str().unwrap_or("").to_string());
        }
        f.extend(row.groups.iter().cloned());
        let t = &row.sum.tokens;
        f.extend(
            [
                t.input,
                t.output,
                t.cache_write_5m,
                t.cache_write_1h,
                t.cache_read,
                t.web_search_requests,
                t.total(),
            ]
            .map(|v| v.to_string()),
        );
        f.push(format!("{:.6}", row.sum.cost()));
        f.push((!row.sum.cost_unknown).to_string());
        f.push(
            match r.source {
                Source::Ledger => row.sum.runs,
                Source::Transcripts => row.sum.requests,
            }
            .to_string(),
        );
        line(&mut out, &f);
    }
    out
}

fn line(out: &mut String, fields: &[String]) {
    let escaped: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    out.push_str(&escaped.join(","));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(0.013857), "$0.0139");
        assert_eq!(dollars(12.345), "$12.35");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1_500_000_000), "1.5 GB");
    }

    #[test]
    fn csv_escapes() {
        let mut s = String::new();
        line(&mut s, &["a,b".into(), "say \"hi\"".into(), "plain".into()]);
        assert_eq!(s, "\"a,b\",\"say \"\"hi\"\"\",plain\n");
    }
}
