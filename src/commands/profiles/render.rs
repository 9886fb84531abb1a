//! How `profiles list` and `profiles show` print: a table or a detail block for people, JSON for
//! scripts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;
use serde::Serialize;

use super::inventory::Profile;
use crate::models;

/// A profile as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct ProfileJson {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub status: String,
    pub created_at: Option<String>,
    pub description: Option<String>,
    /// What it was copied from (from cc-bedrock's source tag) or the model it wraps.
    pub model: String,
    pub model_id: Option<String>,
    pub model_arns: Vec<String>,
    pub managed: bool,
    pub tags: BTreeMap<String, String>,
    pub cached: bool,
    /// End of the last local run that used it (RFC 3339), from the ledger.
    pub last_used: Option<String>,
    pub runs: u64,
    pub cost_usd: Option<f64>,
}

impl From<&Profile> for ProfileJson {
    fn from(p: &Profile) -> Self {
        Self {
            name: p.remote.name.clone(),
            arn: p.remote.arn.clone(),
            id: p.remote.id.clone(),
            status: p.remote.status.clone(),
            created_at: p.remote.created_at.clone(),
            description: p.remote.description.clone(),
            model: p.model(),
            model_id: p.remote.model_arns.first().map(|m| models::model_id_of(m)),
            model_arns: p.remote.model_arns.clone(),
            managed: p.managed(),
            tags: p.tags.iter().cloned().collect(),
            cached: p.cached,
            last_used: p.usage.last_used.map(|t| t.to_string()),
            runs: p.usage.runs,
            cost_usd: p.usage.cost_usd,
        }
    }
}

/// JSON text of several profiles.
pub fn json_list(profiles: &[Profile]) -> String {
    let v: Vec<ProfileJson> = profiles.iter().map(ProfileJson::from).collect();
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// JSON text of one profile.
pub fn json_one(p: &Profile) -> String {
    serde_json::to_string_pretty(&ProfileJson::from(p)).unwrap_or_default() + "\n"
}

/// `2026-11-28 13:25` (UTC), or `never`.
pub fn when(t: Option<Timestamp>) -> String {
    match t {
        Some(t) => t.strftime("%Y-%m-%d %H:%M").to_string(),
        None => "never".to_string(),
    }
}

/// The `profiles list` table.
pub fn table(profiles: &[Profile]) -> String {
    let rows: Vec<[String; 4]> = profiles
        .iter()
        .map(|p| {
            let tags: Vec<String> = p.user_tags().map(|(k, v)| format!("{k}={v}")).collect();
            [
                p.remote.name.clone(),
                p.model(),
                when(p.usage.last_used),
                tags.join(" "),
            ]
        })
        .collect();
    let header = ["NAME", "MODEL", "LAST USED (UTC)", "TAGS"].map(String::from);
    let mut widths = [0usize; 4];
    for r in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<a$}  {:<b$}  {:<c$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            a = widths[0],
            b = widths[1],
            c = widths[2]
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// The `profiles show` block.
pub fn detail(p: &Profile) -> String {
    let mut o = String::new();
    let mut row = |k: &str, v: &str| {
        let _ = writeln!(o, "{k:<13} {v}");
    };
    row("name", &p.remote.name);
    row("arn", &p.remote.arn);
    row("status", &p.remote.status);
    row(
        "created",
        p.remote.created_at.as_deref().unwrap_or("unknown"),
    );
    if let Some(d) = &p.remote.description {
        row("description", d);
    }
    row("model", &p.model());
    for (i, m) in p.remote.model_arns.iter().enumerate() {
        row(if i == 0 { "routes to" } else { "" }, m);
    }
    row(
        "managed",
        if p.managed() {
            "yes (tagged cc-bedrock:managed)"
        } else {
            "no: not created by cc-bedrock"
        },
    );
    for (i, (k, v)) in p.tags.iter().enumerate() {
        row(if i == 0 { "tags" } else { "" }, &format!("{k} = {v}"));
    }
    row(
        "cached",
        if p.cached {
            "yes (launches here use it without asking AWS)"
        } else {
            "no"
        },
    );
    let cost = match p.usage.cost_usd {
        Some(c) => format!(", ${c:.2}"),
        None if p.usage.runs > 0 => ", cost unknown".to_string(),
        None => String::new(),
    };
    let runs = p.usage.runs;
    if runs == 0 {
        row("local use", "never (no run in this machine's ledger)");
    } else {
        row(
            "local use",
            &format!(
                "{runs} run{}{cost}, last {}",
                if runs == 1 { "" } else { "s" },
                when(p.usage.last_used)
            ),
        );
    }
    o
}
