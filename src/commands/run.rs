//! The launcher: prepare the profiles, start the real `claude` with the Bedrock environment and
//! the user's arguments untouched, pass its exit code on, and record what the run cost.

use std::ffi::OsString;
use std::time::SystemTime;

use anyhow::Result;

use super::prepare::{PrepareOptions, Prepared, prepare};
use crate::config;
use crate::env_vars;
use crate::launch::{self, ChildExit, child_env, find_claude, run_child, user_chose_model};
use crate::usage::ledger;
use crate::usage::pricing::PriceTable;
use crate::usage::run::{
    ProfileUse, RunContext, RunWatch, SessionHint, claude_config_dir, plan_session, summary_line,
};

/// Launches claude; returns the exit code to end with.
pub fn run(opts: &PrepareOptions, claude_args: Vec<OsString>) -> Result<i32> {
    launch::loop_guard()?;
    let prepared = prepare(opts)?;
    let claude = find_claude(prepared.settings.claude.as_ref().map(|v| v.value.as_path()))?;
    let env = child_env(
        &prepared.settings,
        &prepared.target,
        &prepared.plan,
        &prepared.profiles,
        user_chose_model(&claude_args),
    );

    // Pin a new session's id where that is safe, so the run's transcript is known exactly.
    let session = plan_session(&claude_args);
    // A pinned `-p` run cannot switch sessions (no /clear, no /resume): watching Claude Code's
    // pid file for switches would only cost the launch a thread.
    let print_mode = claude_args
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "-p" || a == "--print");
    let watch_pid = !(print_mode && matches!(session.hint, SessionHint::Pinned(_)));
    let mut args = session.extra_args;
    args.extend(claude_args);

    if session.no_session {
        // `--help`, `--version`, `mcp list`, ...: no model traffic, nothing to record.
        return Ok(run_child(&claude, &args, &env, |_| {})?.exit_code());
    }
    let mut watch = RunWatch::begin(run_context(&prepared, session.hint, session.fork));
    let exit = run_child(&claude, &args, &env, |pid| {
        if watch_pid {
            watch.child_started(pid);
        }
    })?;
    record(watch, exit, &prepared, opts.quiet);
    Ok(exit.exit_code())
}

fn run_context(p: &Prepared, hint: crate::usage::run::SessionHint, fork: bool) -> RunContext {
    let home = directories::BaseDirs::new()
        .map(|b| b.home_dir().to_path_buf())
        .unwrap_or_default();
    let profiles = p
        .plan
        .iter()
        .zip(&p.profiles)
        .map(|(plan, cached)| {
            let mut tiers: Vec<String> = plan.tiers.iter().map(|t| t.to_string()).collect();
            if plan.tiers.contains(&p.settings.main.value) {
                tiers.push("main".into());
            }
            if plan.tiers.contains(&p.settings.small_fast.value) {
                tiers.push("small-fast".into());
            }
            ProfileUse {
                name: cached.name.clone(),
                arn: cached.arn.clone(),
                model_id: cached.model_id.clone(),
                scope: cached.scope.clone(),
                tiers,
                tags: plan.tags.iter().cloned().collect(),
            }
        })
        .collect();
    RunContext {
        cwd: p.cwd.clone(),
        claude_config_dir: claude_config_dir(
            std::env::var_os(env_vars::CLAUDE_CONFIG_DIR).as_ref(),
            &home,
        ),
        hint,
        fork,
        started_at: SystemTime::now(),
        user: p.who.user.clone(),
        repo_root: p.repo_root.clone(),
        branch: p.repo_root.as_deref().and_then(config::git_branch),
        config_files: p.settings.files.iter().map(|f| f.path.clone()).collect(),
        region: p.target.region.clone(),
        account: p.profiles.iter().find_map(|c| c.account.clone()),
        profiles,
        tags: p
            .plan
            .iter()
            .find(|pl| pl.tiers.contains(&p.settings.main.value))
            .map(|pl| pl.tags.iter().cloned().collect())
            .unwrap_or_default(),
    }
}

/// Accounts for the run and appends it to the ledger. Never fails the launch: a problem here is
/// a warning and claude's exit code stands.
fn record(watch: RunWatch, exit: ChildExit, p: &Prepared, quiet: bool) {
    let prices = PriceTable::with_overrides(&p.dirs.user_prices()).unwrap_or_else(|e| {
        warn(&format!("{e:#}; using the built-in prices"));
        PriceTable::embedded()
    });
    let outcome = match watch.finish(exit.exit_code(), exit.signal(), &prices, &p.cache) {
        Ok(o) => o,
        Err(e) => return warn(&format!("could not account for this run: {e:#}")),
    };
    let rec = outcome.record;
    if let Err(e) = ledger::append(&p.dirs.ledger(), &rec) {
        warn(&format!(
            "could not write the ledger {}: {e:#}",
            p.dirs.ledger().display()
        ));
    }
    let show = !quiet && p.settings.summary.value && !env_vars::flag(env_vars::QUIET);
    if show {
        for w in &outcome.warnings {
            warn(w);
        }
        eprintln!("cc-bedrock: {}", summary_line(&rec));
    }
}

fn warn(msg: &str) {
    eprintln!("cc-bedrock: warning: {msg}");
}
