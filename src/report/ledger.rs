//! The ledger as a report source: one [`Item`] per run and model, priced when the run ended.
//!
//! Records are read with [`crate::usage::ledger::LedgerRecord`] (its `tags` are the run's
//! profile tags). A profile's own `tags` (`profiles[].tags`), when a recorder writes them, are read
//! from the same line through a second, lenient view and win over the run's.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::items::{Dims, Item, NONE, Pool, Route};
use super::scan::parse::parse_ts_ms;
use crate::usage::ledger::LedgerRecord;

/// Each profile's own tags, if the record carries them.
#[derive(Deserialize, Default)]
struct TagsView {
    #[serde(default)]
    profiles: Vec<ProfileTags>,
}

#[derive(Deserialize)]
struct ProfileTags {
    #[serde(default)]
    arn: String,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

/// One ledger record with the tags that apply to each requested id.
pub struct Run {
    pub record: LedgerRecord,
    /// Run-level tags merged under each profile's own (keyed by profile ARN).
    pub tags_by_arn: HashMap<String, BTreeMap<String, String>>,
    pub run_tags: BTreeMap<String, String>,
}

/// What reading the ledger found.
#[derive(Default)]
pub struct Ledger {
    pub runs: Vec<Run>,
    /// Malformed or torn lines skipped (the same rule as `usage::ledger::read`).
    pub skipped: usize,
}

/// Reads the ledger; a missing file is an empty ledger.
pub fn read(path: &Path) -> Result<Ledger> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::default()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read the ledger {}", path.display()));
        }
    };
    let mut out = Ledger::default();
    let mut r = BufReader::new(f);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("cannot read the ledger {}", path.display()))?;
        if n == 0 {
            break;
        }
        let line = buf.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let Ok(record) = serde_json::from_slice::<LedgerRecord>(line) else {
            out.skipped += 1;
            continue;
        };
        let view: TagsView = serde_json::from_slice(line).unwrap_or_default();
        let run_tags = record.tags.clone();
        let tags_by_arn = view
            .profiles
            .into_iter()
            .filter(|p| !p.arn.is_empty())
            .map(|p| {
                let mut t = run_tags.clone();
                t.extend(p.tags);
                (p.arn, t)
            })
            .collect();
        out.runs.push(Run {
            record,
            tags_by_arn,
            run_tags,
        });
    }
    Ok(out)
}

/// The latest tags known for each profile ARN (for tagging transcript usage by its ARN).
pub fn tags_by_arn(l: &Ledger) -> HashMap<String, BTreeMap<String, String>> {
    let mut m = HashMap::new();
    for run in &l.runs {
        for p in &run.record.profiles {
            let tags = run.tags_by_arn.get(&p.arn).unwrap_or(&run.run_tags);
            if !tags.is_empty() {
                m.insert(p.arn.clone(), tags.clone());
            }
        }
    }
    m
}

/// Calls `sink` with one item per (run, model); a run without usage gives one empty item so it
/// still counts as a run. Returns how many records had an unreadable start time (skipped).
pub fn items(l: &Ledger, pool: &mut Pool, mut sink: impl FnMut(&Item, &Pool)) -> usize {
    let mut bad_time = 0;
    for run in &l.runs {
        let r = &run.record;
        let Some(ts_ms) = parse_ts_ms(&r.start) else {
            bad_time += 1;
            continue;
        };
        let base = Dims {
            session: pool.opt(r.session_ids.first().map(String::as_str)),
            run: pool.id(&r.run_id),
            profile: NONE,
            repo: pool.id(r.repo_root.as_deref().unwrap_or(&r.cwd)),
            branch: pool.opt(r.branch.as_deref()),
            model: NONE,
            user: pool.id(&r.user),
            tags: pool.tags_id(&run.run_tags),
        };
        if r.models.is_empty() {
            let it = Item {
                ts_ms,
                dims: base,
                tokens: r.tokens,
                cost: r.total_cost_usd.or(r.tokens.is_zero().then_some(0.0)),
                requests: 0,
                route: Route::Profile,
            };
            sink(&it, pool);
            continue;
        }
        for m in &r.models {
            let profile = r.profiles.iter().find(|p| p.arn == m.requested_id);
            let tags = run
                .tags_by_arn
                .get(&m.requested_id)
                .unwrap_or(&run.run_tags);
            let model = m
                .name
                .as_deref()
                .or(m.model_id.as_deref())
                .unwrap_or(&m.requested_id);
            let dims = Dims {
                profile: pool.opt(profile.map(|p| p.name.as_str())),
                model: pool.id(model),
                tags: pool.tags_id(tags),
                ..base
            };
            let it = Item {
                ts_ms,
                dims,
                tokens: m.tokens,
                // A zero-usage model with no price costs nothing; otherwise unknown stays unknown.
                cost: m.cost_usd.or(m.tokens.is_zero().then_some(0.0)),
                requests: 0,
                route: Route::Profile,
            };
            sink(&it, pool);
        }
    }
    bad_time
}
