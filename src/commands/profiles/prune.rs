//! `profiles prune`: delete the managed profiles this machine has not used for a while.
//!
//! Candidates are managed profiles whose last local run ended more than `--older-than` days ago,
//! or that this machine cached but never ran and that were created more than that long ago (a
//! profile created a minute ago may belong to a session still running, whose ledger record is
//! not written yet). Profiles this machine has never seen (other people's, other machines') are
//! left alone unless `--all`: the local ledger knows nothing of their use.

use std::io::Write;

use anyhow::{Result, bail};
use jiff::{SignedDuration, Timestamp};

use super::inventory::Profile;
use super::render::when;
use super::{PruneArgs, forget_in_cache};
use crate::aws::Aws;
use crate::commands::prompt::Prompter;
use crate::dirs::Dirs;
use crate::ui::Progress;

/// Why a profile is a candidate, or `None` when it stays.
pub fn reason(p: &Profile, known_locally: bool, cutoff: Timestamp, all: bool) -> Option<String> {
    if !p.managed() {
        return None;
    }
    match p.usage.last_used {
        Some(t) if t < cutoff => Some(format!("last used {}", when(Some(t)))),
        Some(_) => None,
        None if !known_locally && !all => None,
        None => match p.created_at() {
            Some(c) if c >= cutoff => None,
            Some(c) => Some(format!("never used here, created {}", when(Some(c)))),
            None => Some("never used here".to_string()),
        },
    }
}

/// Runs the prune over `profiles` (the managed ones of the account and Region).
pub fn run(
    args: &PruneArgs,
    aws: &Aws,
    dirs: &Dirs,
    profiles: &[Profile],
    progress: &Progress,
) -> Result<i32> {
    let cutoff = Timestamp::now() - SignedDuration::from_hours(24 * i64::from(args.older_than));
    let candidates: Vec<(&Profile, String)> = profiles
        .iter()
        .filter_map(|p| {
            let known = p.cached || p.usage.runs > 0;
            reason(p, known, cutoff, args.all).map(|r| (p, r))
        })
        .collect();
    let region = &aws.target.region;
    let mut out = std::io::stdout().lock();
    if candidates.is_empty() {
        writeln!(
            out,
            "Nothing to prune in {region}: no managed profile{} unused for {} days.",
            if args.all {
                ""
            } else {
                " known to this machine"
            },
            args.older_than
        )?;
        return Ok(0);
    }
    let width = candidates
        .iter()
        .map(|(p, _)| p.remote.name.len())
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "Profiles to delete in {region} (unused for {} days):",
        args.older_than
    )?;
    let model_width = candidates
        .iter()
        .map(|(p, _)| p.model().len())
        .max()
        .unwrap_or(0);
    for (p, why) in &candidates {
        writeln!(
            out,
            "  {:<width$}  {:<model_width$}  {why}",
            p.remote.name,
            p.model()
        )?;
    }
    out.flush()?;
    if args.dry_run {
        writeln!(out, "Dry run: nothing deleted.")?;
        return Ok(0);
    }
    if !args.yes {
        let Some(mut prompter) = Prompter::from_stdin() else {
            bail!(
                "refusing to delete without confirmation: stdin is not a terminal. Pass --yes to prune from a script."
            );
        };
        let n = candidates.len();
        if !prompter.confirm(
            &format!("Delete {n} profile{}?", if n == 1 { "" } else { "s" }),
            false,
        )? {
            writeln!(out, "Nothing deleted.")?;
            return Ok(1);
        }
    }
    let mut failed = 0;
    let mut deleted = Vec::new();
    for (p, _) in &candidates {
        progress.set(&format!("deleting {}", p.remote.name));
        match crate::aws::delete_profile(aws, &p.remote.arn) {
            Ok(()) => deleted.push(p.remote.arn.clone()),
            Err(e) => {
                progress.finish();
                failed += 1;
                eprintln!(
                    "cc-bedrock: error: cannot delete {}: {}",
                    p.remote.name,
                    super::delete_error_text(&e)
                );
            }
        }
    }
    let forgotten = forget_in_cache(dirs, &deleted)?;
    progress.finish();
    writeln!(
        out,
        "Deleted {} profile{}{}.",
        deleted.len(),
        if deleted.len() == 1 { "" } else { "s" },
        if forgotten > 0 {
            format!(
                "; {forgotten} cache entr{} removed",
                if forgotten == 1 { "y" } else { "ies" }
            )
        } else {
            String::new()
        }
    )?;
    if failed > 0 {
        writeln!(out, "{failed} could not be deleted (see above).")?;
        return Ok(1);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::RemoteProfile;
    use crate::commands::profiles::inventory::Usage;

    fn profile(managed: bool, created: &str, last: Option<&str>) -> Profile {
        let mut tags = vec![("team".to_string(), "a".to_string())];
        if managed {
            tags.push((crate::names::TAG_MANAGED.to_string(), "true".to_string()));
        }
        Profile {
            remote: RemoteProfile {
                name: "n".into(),
                arn: "arn".into(),
                id: "id".into(),
                model_arns: vec![],
                status: "ACTIVE".into(),
                description: None,
                created_at: Some(created.into()),
            },
            tags,
            usage: Usage {
                last_used: last.map(|t| t.parse().unwrap()),
                runs: u64::from(last.is_some()),
                cost_usd: None,
            },
            cached: false,
        }
    }

    #[test]
    fn who_is_pruned() {
        let cutoff: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let old = "2026-01-01T00:00:00Z";
        let new = "2026-06-15T00:00:00Z";
        assert!(
            reason(&profile(true, old, Some(old)), true, cutoff, false)
                .unwrap()
                .starts_with("last used 2026-01-01")
        );
        assert_eq!(
            reason(&profile(true, old, Some(new)), true, cutoff, false),
            None,
            "recently used"
        );
        assert_eq!(
            reason(&profile(false, old, Some(old)), true, cutoff, true),
            None,
            "not ours"
        );
        assert!(
            reason(&profile(true, old, None), true, cutoff, false)
                .unwrap()
                .starts_with("never used here")
        );
        assert_eq!(
            reason(&profile(true, new, None), true, cutoff, false),
            None,
            "too new: a session may be running"
        );
        assert_eq!(
            reason(&profile(true, old, None), false, cutoff, false),
            None,
            "never seen here: someone else's"
        );
        assert!(
            reason(&profile(true, old, None), false, cutoff, true).is_some(),
            "--all"
        );
    }
}
