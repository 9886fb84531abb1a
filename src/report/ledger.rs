//! The ledger as a report source: one [`Item`] per run and model, priced when the run ended.
//!
//! Records are read with [`crate::usage::ledger::read`]; a run's `tags` are its main profile's,
//! and each profile's own `tags` (`profiles[].tags`) win for usage through that profile.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Result;

use super::items::{Dims, Item, NONE, Pool, Route};
use super::scan::parse::parse_ts_ms;
use crate::usage::ledger::LedgerRecord;

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

/// Reads the ledger (through [`crate::usage::ledger::read`]); a missing file is an empty ledger.
pub fn read(path: &Path) -> Result<Ledger> {
    let read = crate::usage::ledger::read(path)?;
    let runs = read
        .records
        .into_iter()
        .map(|record| {
            let run_tags = record.tags.clone();
            let tags_by_arn = record
                .profiles
                .iter()
                .map(|p| {
                    let mut t = run_tags.clone();
                    t.extend(p.tags.clone());
                    (p.arn.clone(), t)
                })
                .collect();
            Run {
                record,
                tags_by_arn,
                run_tags,
            }
        })
        .collect();
    Ok(Ledger {
        runs,
        skipped: read.skipped,
    })
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
