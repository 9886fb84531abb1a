//! `cc-bedrock report`: what Claude Code cost, per day / week / month / session / run, grouped by
//! profile, repo, branch, model, user or profile tag.
//!
//! Two sources feed the same grouping and output code:
//! * the ledger ([`ledger`]): one record per run made through cc-bedrock, priced at exit;
//! * `--all-usage` ([`scan`] + [`all_usage`]): every Claude Code transcript on the machine,
//!   deduplicated across files and priced with cc-bedrock's table, read incrementally through a
//!   persistent index; its costs are estimates, and it reports coverage.
//!
//! Files: [`args`] (clap), [`period`] (time zones, days, weeks, months), [`items`] (the unit of
//! usage), [`group`] (rows and totals), [`render`] (table / JSON / CSV).

pub mod all_usage;
pub mod args;
pub mod group;
pub mod items;
pub mod ledger;
pub mod period;
pub mod render;
pub mod scan;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

pub use args::{GroupBy, Period, ReportArgs};
pub use render::{Report, Source};

use crate::cache::ProfileCache;
use crate::dirs::Dirs;
use crate::usage::pricing::PriceTable;
use group::{Grouper, Spec};
use items::Pool;
use period::{DayRange, Zone};

/// The index directory inside the cache dir.
pub const INDEX_DIR: &str = "report-index";

/// What a report reads from the outside world (so tests can point it anywhere without touching
/// the process environment).
#[derive(Clone, Debug)]
pub struct ReportEnv {
    pub dirs: Dirs,
    /// Claude Code config roots that `--all-usage` scans.
    pub claude_roots: Vec<PathBuf>,
    /// The user this machine's transcripts belong to (`--by user` with `--all-usage`).
    pub user: String,
    /// Scanner threads; 0 is one per core.
    pub threads: usize,
}

impl ReportEnv {
    /// The real environment: `CLAUDE_CONFIG_DIR`, `HOME`, `XDG_CONFIG_HOME`, `USER`.
    pub fn from_env(dirs: &Dirs) -> Self {
        Self {
            dirs: dirs.clone(),
            claude_roots: scan::roots::config_roots(),
            user: crate::env_vars::get("USER")
                .or_else(|| crate::env_vars::get("LOGNAME"))
                .unwrap_or_default(),
            threads: 0,
        }
    }
}

/// Runs `cc-bedrock report`: computes the report and prints it to stdout. A closed pipe
/// (`| head`) ends quietly with success.
pub fn execute(args: &ReportArgs, dirs: &Dirs) -> Result<ExitCode> {
    let report = build(args, &ReportEnv::from_env(dirs))?;
    let text = if args.json {
        render::json(&report)
    } else if args.csv {
        render::csv(&report)
    } else {
        render::table(&report)
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e).context("cannot write the report to stdout"),
    }
}

/// Computes a report without printing it.
pub fn build(args: &ReportArgs, ctx: &ReportEnv) -> Result<Report> {
    let dirs = &ctx.dirs;
    let zone = Zone::resolve(args.tz.as_deref())?;
    let range = range_of(args, &zone)?;
    if args.all_usage && args.period == Period::Runs {
        bail!(
            "`report runs` needs the ledger: only runs made through cc-bedrock are recorded per run. Drop --all-usage, or use `report session --all-usage`"
        );
    }
    let spec = Spec {
        period: args.period,
        by: &args.by,
        range,
        repo: args.repo.as_deref(),
    };
    if args.all_usage {
        build_all_usage(args, ctx, &zone, &spec)
    } else {
        build_ledger(dirs, &zone, &spec)
    }
}

/// The day range: `--since/--until`, or the default for the period.
pub fn range_of(args: &ReportArgs, zone: &Zone) -> Result<DayRange> {
    if args.since.is_some() || args.until.is_some() {
        let r = DayRange {
            since: args.since.map(period::day_of_date),
            until: args.until.map(period::day_of_date),
        };
        if let (Some(s), Some(u)) = (r.since, r.until)
            && s > u
        {
            bail!(
                "--since ({}) is after --until ({})",
                period::day_label(s),
                period::day_label(u)
            );
        }
        return Ok(r);
    }
    Ok(default_range(args.period, zone.today()))
}

/// Without dates: daily, session and runs show this month; weekly the last 12 weeks; monthly
/// the last 12 months.
pub fn default_range(p: Period, today: i32) -> DayRange {
    let since = match p {
        Period::Daily | Period::Session | Period::Runs => {
            period::month_start(period::month_of(today))
        }
        Period::Weekly => period::week_start(today) - 11 * 7,
        Period::Monthly => period::month_start(period::month_of(today) - 11),
    };
    DayRange {
        since: Some(since),
        until: None,
    }
}

fn build_ledger(dirs: &Dirs, zone: &Zone, spec: &Spec<'_>) -> Result<Report> {
    let path = dirs.ledger();
    let l = ledger::read(&path)?;
    let mut pool = Pool::default();
    let mut g = Grouper::new(spec, zone);
    let bad_start = ledger::items(&l, &mut pool, |it, pool| {
        g.push(it, pool);
    });
    let (rows, total, _) = g.finish(&pool);
    // Unknown-cost ids, and the price versions, of the records that show.
    let mut unknown = all_usage::Unknown::default();
    let mut versions = BTreeSet::new();
    for run in &l.runs {
        versions.insert(run.record.prices_version.clone());
        for m in &run.record.models {
            if m.cost_usd.is_none() && !m.tokens.is_zero() {
                unknown
                    .models
                    .insert(m.model_id.clone().unwrap_or_else(|| m.requested_id.clone()));
            }
        }
    }
    if !total.cost_unknown {
        unknown = all_usage::Unknown::default();
    }
    Ok(Report {
        source: Source::Ledger,
        period: spec.period,
        by: spec.by.to_vec(),
        time_zone: zone.name.clone(),
        range: spec.range,
        rows,
        total,
        coverage: None,
        prices_versions: versions.into_iter().collect(),
        unknown,
        skipped: render::Skipped {
            ledger_lines: l.skipped as u64,
            ledger_bad_start: bad_start as u64,
            ..Default::default()
        },
        scan: None,
        ledger_path: Some(path.display().to_string()),
    })
}

fn build_all_usage(
    args: &ReportArgs,
    ctx: &ReportEnv,
    zone: &Zone,
    spec: &Spec<'_>,
) -> Result<Report> {
    let dirs = &ctx.dirs;
    let table = PriceTable::with_overrides(&dirs.user_prices())?;
    let cache = ProfileCache::load(&dirs.profile_cache());
    // Tags of our profiles come from the ledger (the config at launch); only read it if needed.
    let arn_tags = if spec.by.iter().any(|g| matches!(g, GroupBy::Tag(_))) {
        ledger::tags_by_arn(&ledger::read(&dirs.ledger())?)
    } else {
        HashMap::new()
    };
    let opts = scan::ScanOptions {
        roots: ctx.claude_roots.clone(),
        index_dir: (!args.no_index).then(|| dirs.cache.join(INDEX_DIR)),
        threads: ctx.threads,
    };
    let (scanned, stats) = scan::scan(&opts);
    let pctx = all_usage::PriceCtx {
        table: &table,
        cache: &cache,
        arn_tags: &arn_tags,
        user: &ctx.user,
    };
    let mut pool = Pool::default();
    let mut g = Grouper::new(spec, zone);
    let unknown = all_usage::items(&scanned, &pctx, &mut pool, |it, pool| g.push(it, pool));
    let (rows, total, coverage) = g.finish(&pool);
    let mut skipped = render::Skipped::default();
    for s in &scanned {
        skipped.transcript_malformed += s.entry.data.malformed;
        skipped.transcript_api_errors += s.entry.data.synthetic;
        skipped.transcript_oversized += s.entry.data.oversized;
    }
    Ok(Report {
        source: Source::Transcripts,
        period: spec.period,
        by: spec.by.to_vec(),
        time_zone: zone.name.clone(),
        range: spec.range,
        rows,
        total,
        coverage: Some(coverage),
        prices_versions: vec![table.version().to_string()],
        unknown,
        skipped,
        scan: Some(stats),
        ledger_path: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ranges() {
        let today = period::day_of(2026, 11, 28);
        let since = |p| default_range(p, today).since.map(period::day_label);
        assert_eq!(since(Period::Daily).as_deref(), Some("2026-11-01"));
        assert_eq!(since(Period::Session).as_deref(), Some("2026-11-01"));
        assert_eq!(since(Period::Runs).as_deref(), Some("2026-11-01"));
        assert_eq!(since(Period::Weekly).as_deref(), Some("2026-09-07"));
        assert_eq!(since(Period::Monthly).as_deref(), Some("2025-12-01"));
        assert_eq!(default_range(Period::Daily, today).until, None);
    }
}
