//! The ledger: one JSON object per run of `claude`, appended to a JSONL file under a lock, and
//! read back (skipping torn or malformed lines) by reports.
//!
//! A record holds ids, names, token counts and dollar figures: never a secret, a prompt or any
//! message text.

use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::models::Scope;
use crate::usage::Tokens;
use crate::usage::pricing::Rates;

/// Schema of [`LedgerRecord`]; bumped on an incompatible change.
pub const LEDGER_SCHEMA: u32 = 1;

/// The ledger file name inside the data dir.
pub const LEDGER_FILE: &str = "ledger.jsonl";

/// Where a record's totals come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The `cost-state` delta (complete: includes subagents, title calls, aborted requests).
    CostState,
    /// Only the assistant lines written during the run (no new `cost-state`, e.g. SIGKILL).
    Transcript,
    /// No usage was found.
    None,
}

/// A profile the launcher set up for the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerProfile {
    pub name: String,
    pub arn: String,
    pub model_id: String,
    #[serde(default)]
    pub model_name: Option<String>,
    /// The tiers it served (`main`, `opus`, `sonnet`, `haiku`, `small-fast`, `subagent`, …).
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Its cost-allocation tags (for `report --by tag:KEY`).
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, String>,
}

/// Usage and cost of one requested model id in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRecord {
    /// The id Claude Code requested (the profile ARN).
    pub requested_id: String,
    /// The price-table model id it resolved to (`None` when unknown).
    #[serde(default)]
    pub model_id: Option<String>,
    /// Display name (`Claude Sonnet 4.5`).
    #[serde(default)]
    pub name: Option<String>,
    pub scope: Scope,
    pub tokens: Tokens,
    /// `None` when the model has no price (never 0 for an unknown price).
    pub cost_usd: Option<f64>,
    pub price_known: bool,
    /// The effective standard-tier rates used (USD per million tokens), for audit.
    #[serde(default)]
    pub rates: Option<Rates>,
    /// Distinct requests seen in the transcript (after deduplication).
    #[serde(default)]
    pub requests: u64,
    /// Of those, requests billed at the long-context tier.
    #[serde(default)]
    pub long_context_requests: u64,
    /// Tokens known only from the `cost-state` delta (no assistant line), priced at the
    /// standard tier.
    #[serde(default)]
    pub residual_tokens: Tokens,
}

/// One run of `claude`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerRecord {
    pub schema: u32,
    pub run_id: String,
    /// RFC 3339, UTC.
    pub start: String,
    /// RFC 3339, UTC.
    pub end: String,
    pub duration_ms: u64,
    pub exit_code: i32,
    /// The signal that ended `claude`, if any.
    #[serde(default)]
    pub signal: Option<i32>,
    pub cwd: String,
    #[serde(default)]
    pub repo_root: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    pub user: String,
    #[serde(default)]
    pub config_files: Vec<String>,
    pub region: String,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub profiles: Vec<LedgerProfile>,
    #[serde(default)]
    pub models: Vec<ModelRecord>,
    /// All models' tokens added up.
    pub tokens: Tokens,
    /// Sum of the priced models; `None` when usage exists but nothing could be priced. When
    /// `cost_complete` is false it is a lower bound.
    pub total_cost_usd: Option<f64>,
    pub cost_complete: bool,
    pub basis: Basis,
    #[serde(default)]
    pub session_ids: Vec<String>,
    #[serde(default)]
    pub claude_version: Option<String>,
    /// Claude Code's own figure (from the `cost-state` delta), for comparison only.
    #[serde(default)]
    pub claude_cost_usd: Option<f64>,
    pub prices_version: String,
    /// Malformed and `<synthetic>` transcript lines skipped.
    #[serde(default)]
    pub skipped_lines: u64,
    /// The cost-allocation tags of the run's profiles (for `report --by tag:KEY`).
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, String>,
}

/// What [`read`] found.
#[derive(Debug, Default, Clone)]
pub struct LedgerRead {
    pub records: Vec<LedgerRecord>,
    /// Malformed or torn lines skipped.
    pub skipped: usize,
}

/// Appends one record as one line, with one `write` under an exclusive lock (file mode 0600).
pub fn append(path: &Path, rec: &LedgerRecord) -> Result<()> {
    let mut line = serde_json::to_vec(rec).context("cannot encode the ledger record")?;
    line.push(b'\n');
    fsutil::append_locked(path, &line)
        .with_context(|| format!("cannot append to the ledger {}", path.display()))
}

/// Reads every record; malformed and torn lines are skipped and counted; a missing file is empty.
pub fn read(path: &Path) -> Result<LedgerRead> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(LedgerRead::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut out = LedgerRead::default();
    let mut r = BufReader::new(f);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        let line = buf.trim_ascii();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<LedgerRecord>(line) {
            Ok(rec) => out.records.push(rec),
            Err(_) => out.skipped += 1,
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    pub(crate) fn sample(i: usize) -> LedgerRecord {
        LedgerRecord {
            schema: LEDGER_SCHEMA,
            run_id: format!("run-{i}"),
            start: "2026-11-28T13:25:07Z".into(),
            end: "2026-11-28T13:25:09Z".into(),
            duration_ms: 2000,
            exit_code: 0,
            signal: None,
            cwd: "/home/dev/src/my_proj.v2".into(),
            repo_root: Some("/home/dev/src/my_proj.v2".into()),
            branch: Some("main".into()),
            user: "alice".into(),
            config_files: vec!["/home/dev/src/my_proj.v2/.cc-bedrock.toml".into()],
            region: "us-west-2".into(),
            account: Some("123456789012".into()),
            profiles: vec![],
            models: vec![ModelRecord {
                requested_id: "arn:x".into(),
                model_id: None,
                name: None,
                scope: Scope::Geographic("us".into()),
                tokens: Tokens {
                    input: i as u64,
                    ..Default::default()
                },
                cost_usd: None,
                price_known: false,
                rates: None,
                requests: 1,
                long_context_requests: 0,
                residual_tokens: Tokens::default(),
            }],
            tokens: Tokens {
                input: i as u64,
                ..Default::default()
            },
            total_cost_usd: None,
            cost_complete: false,
            basis: Basis::Transcript,
            session_ids: vec!["s".into()],
            claude_version: Some("2.1.332".into()),
            claude_cost_usd: Some(0.5),
            prices_version: "2026-11-28".into(),
            skipped_lines: 0,
            tags: Default::default(),
        }
    }

    #[test]
    fn round_trip_and_missing_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("data/ledger.jsonl");
        assert_eq!(read(&p).unwrap().records.len(), 0);
        append(&p, &sample(1)).unwrap();
        let back = read(&p).unwrap();
        assert_eq!(back.records, vec![sample(1)]);
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(r#""cost_usd":null"#), "{text}");
        assert!(text.contains(r#""basis":"transcript""#), "{text}");
    }

    #[test]
    fn torn_and_malformed_lines_are_skipped_and_counted() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ledger.jsonl");
        append(&p, &sample(1)).unwrap();
        let mut bytes = std::fs::read(&p).unwrap();
        bytes.extend_from_slice(b"not json\n{\"schema\":1}\n");
        let whole = serde_json::to_vec(&sample(2)).unwrap();
        bytes.extend_from_slice(&whole[..whole.len() / 2]); // a torn last line
        std::fs::write(&p, &bytes).unwrap();
        append(&p, &sample(3)).unwrap(); // lands on a fresh line after the fragment
        let r = read(&p).unwrap();
        assert_eq!(r.records, vec![sample(1), sample(3)]);
        assert_eq!(r.skipped, 3);
    }

    #[test]
    fn sixteen_concurrent_appends_give_sixteen_records() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ledger.jsonl");
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let p = p.clone();
                std::thread::spawn(move || append(&p, &sample(i)).unwrap())
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let r = read(&p).unwrap();
        assert_eq!(r.skipped, 0);
        let mut ids: Vec<u64> = r.records.iter().map(|x| x.tokens.input).collect();
        ids.sort();
        assert_eq!(ids, (0..16).collect::<Vec<u64>>());
    }
}
