//! Watching one run of `claude` for accounting: [`RunWatch::begin`] notes, cheaply, where the
//! run's transcript will be and how big the candidate files are; [`RunWatch::finish`] reads only
//! what the run wrote, attributes it ([`crate::usage::attribute`]) and prices it into a ledger
//! record ([`crate::usage::record`]).
//!
//! Which files are the run's:
//! * a pinned session (`--session-id` added by us) or a named one (`--resume <id>`, the user's
//!   `--session-id`): `<id>.jsonl` and `<id>/subagents/*.jsonl`;
//! * otherwise (`--continue`, the picker, a fork): the session ids Claude Code reports in
//!   `sessions/<pid>.json` while it runs, else the files of the project dir that are new or grew
//!   since `begin`;
//! * plus any session the process switched to (`/clear`, `/resume`), also from `sessions/<pid>.json`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Result;

use crate::cache::ProfileCache;
use crate::models::Scope;
use crate::usage::attribute::{SessionInput, attribute};
use crate::usage::ledger::LedgerRecord;
use crate::usage::locate;
use crate::usage::pid_watch::PidWatch;
use crate::usage::pricing::PriceTable;
use crate::usage::record::{RunEnd, build_record};
use crate::usage::scan::{self, Baseline, Cutoff, FileScan, Start};
use crate::usage::session_plan::new_uuid_v4;
pub use crate::usage::session_plan::{SessionHint, SessionPlan, plan_session};
pub use crate::usage::summary::summary_line;

/// A file's mtime this long before the run started still counts as "maybe written by the run"
/// (file systems with coarse timestamps).
const MTIME_SLACK: Duration = Duration::from_secs(2);

/// One profile the launcher set up for this run.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileUse {
    pub name: String,
    pub arn: String,
    /// The foundation model id behind it (price-table key).
    pub model_id: String,
    pub scope: Scope,
    /// The tiers it serves (`main`, `opus`, `sonnet`, `haiku`, `small-fast`, `subagent`, …).
    pub tiers: Vec<String>,
    /// Its cost-allocation tags.
    pub tags: std::collections::BTreeMap<String, String>,
}

/// Everything the launcher knows about the run.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// The child's working directory (resolved with `realpath` here, as Claude Code does).
    pub cwd: PathBuf,
    /// `CLAUDE_CONFIG_DIR` as the child sees it, else `~/.claude`.
    pub claude_config_dir: PathBuf,
    pub hint: SessionHint,
    /// `--fork-session` was given.
    pub fork: bool,
    /// Taken just before spawning the child.
    pub started_at: SystemTime,
    pub user: String,
    pub repo_root: Option<PathBuf>,
    pub branch: Option<String>,
    pub config_files: Vec<PathBuf>,
    pub region: String,
    pub account: Option<String>,
    pub profiles: Vec<ProfileUse>,
    /// The cost-allocation tags of the run (its main profile's).
    pub tags: std::collections::BTreeMap<String, String>,
}

/// The result of accounting one run.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub record: LedgerRecord,
    pub skipped_lines: usize,
    /// Things the user may want to know (printed as warnings; never fatal).
    pub warnings: Vec<String>,
}

/// Size and mtime of a file when `begin` looked.
#[derive(Debug, Clone, Copy)]
struct FileState {
    size: u64,
    mtime: Option<SystemTime>,
}

/// A run being watched.
pub struct RunWatch {
    ctx: RunContext,
    real_cwd: PathBuf,
    project_dir: PathBuf,
    /// `*.jsonl` of the project dir at begin (Unknown hint or fork only).
    listing: Option<HashMap<PathBuf, FileState>>,
    /// The named session's file at begin (`None`: absent).
    named_file: Option<FileState>,
    /// The named session's subagent files at begin.
    named_subagents: HashMap<PathBuf, u64>,
    pid_watch: Option<PidWatch>,
}

impl RunWatch {
    /// Notes where the run's files will be. Cheap: a `realpath`, and for an unpinned session one
    /// stat or one listing of the project dir; never reads a transcript.
    pub fn begin(ctx: RunContext) -> RunWatch {
        let real_cwd = std::fs::canonicalize(&ctx.cwd).unwrap_or_else(|_| ctx.cwd.clone());
        let project_dir = locate::project_dir(&ctx.claude_config_dir, &real_cwd);
        let mut w = RunWatch {
            real_cwd,
            project_dir,
            listing: None,
            named_file: None,
            named_subagents: HashMap::new(),
            pid_watch: None,
            ctx,
        };
        if let SessionHint::Named(id) = &w.ctx.hint
            && locate::is_safe_id(id)
        {
            w.named_file = stat(&locate::session_file(&w.project_dir, id));
            if w.named_file.is_some() {
                for p in locate::jsonl_files(&locate::subagents_dir(&w.project_dir, id)) {
                    if let Some(s) = stat(&p) {
                        w.named_subagents.insert(p, s.size);
                    }
                }
            }
        }
        let needs_listing =
            w.ctx.fork || !matches!(w.ctx.hint, SessionHint::Named(_) | SessionHint::Pinned(_));
        if needs_listing {
            w.listing = Some(list(&w.project_dir));
        }
        w
    }

    /// Starts learning the child's session id(s) from `sessions/<pid>.json` on a background
    /// thread. Returns at once.
    pub fn child_started(&mut self, pid: u32) {
        let path = locate::pid_file(&self.ctx.claude_config_dir, pid);
        let ms = Cutoff::new(self.ctx.started_at).ms;
        self.pid_watch = Some(PidWatch::start(path, pid, ms));
    }

    /// After the child exited: reads what the run wrote, prices it, and builds the record.
    pub fn finish(
        self,
        exit_code: i32,
        signal: Option<i32>,
        prices: &PriceTable,
        cache: &ProfileCache,
    ) -> Result<RunOutcome> {
        let ended_at = SystemTime::now();
        let mut warnings = Vec::new();
        let learned = self.pid_watch.map(PidWatch::finish).unwrap_or_default();
        let watch = Finder {
            ctx: &self.ctx,
            project_dir: &self.project_dir,
            listing: self.listing.as_ref(),
            named_file: self.named_file,
            named_subagents: &self.named_subagents,
            cutoff: Cutoff::new(self.ctx.started_at),
        };
        let (ids, parent) = watch.session_ids(&learned, &mut warnings);
        let sessions: Vec<SessionInput> = ids
            .iter()
            .map(|id| watch.session_input(id, parent.as_deref(), &mut warnings))
            .collect();
        let mut a = attribute(&sessions);
        warnings.append(&mut a.warnings);
        let end = RunEnd {
            run_id: new_uuid_v4().unwrap_or_else(|| fallback_run_id(ended_at)),
            ended_at,
            exit_code,
            signal,
        };
        let record = build_record(
            &self.ctx,
            &self.real_cwd.to_string_lossy(),
            &end,
            &a,
            prices,
            cache,
        );
        if record
            .models
            .iter()
            .any(|m| !m.price_known && m.tokens.total() > 0)
        {
            warnings.push(
                "some usage is on a model without a price: its cost is recorded as unknown".into(),
            );
        }
        Ok(RunOutcome {
            skipped_lines: record.skipped_lines as usize,
            record,
            warnings,
        })
    }
}

/// Finds and scans the run's files (the state `finish` works from).
struct Finder<'a> {
    ctx: &'a RunContext,
    project_dir: &'a Path,
    listing: Option<&'a HashMap<PathBuf, FileState>>,
    named_file: Option<FileState>,
    named_subagents: &'a HashMap<PathBuf, u64>,
    cutoff: Cutoff,
}

impl Finder<'_> {
    /// The run's session ids, and for a fork the parent's id when known.
    fn session_ids(
        &self,
        learned: &[String],
        warnings: &mut Vec<String>,
    ) -> (Vec<String>, Option<String>) {
        let mut ids: Vec<String> = Vec::new();
        let mut parent = None;
        match &self.ctx.hint {
            SessionHint::Pinned(id) => ids.push(id.clone()),
            // A fork named by `--resume <id>`: that id is the parent, unless the user gave the
            // fork its own `--session-id` (then the file did not exist before).
            SessionHint::Named(id) if self.ctx.fork && self.named_file.is_some() => {
                parent = Some(id.clone());
            }
            SessionHint::Named(id) => ids.push(id.clone()),
            SessionHint::Unknown => {}
        }
        for id in learned {
            let is_parent = parent.as_deref() == Some(id.as_str());
            // A fork starts from its parent's id before switching: only a new file is the fork.
            let pre_existing_in_fork = self.ctx.fork
                && self
                    .listing
                    .is_some_and(|l| l.contains_key(&locate::session_file(self.project_dir, id)));
            if !ids.contains(id) && !is_parent && !pre_existing_in_fork {
                ids.push(id.clone());
            }
        }
        if ids.is_empty()
            && let Some(before) = self.listing
        {
            // Nothing named or learned: the files that appeared (or, without a fork, grew).
            let now = list(self.project_dir);
            let mut changed: Vec<(PathBuf, String)> = now
                .iter()
                .filter(|(p, st)| match before.get(*p) {
                    None => true,
                    Some(old) => !self.ctx.fork && st.size > old.size,
                })
                .filter_map(|(p, _)| Some((p.clone(), p.file_stem()?.to_str()?.to_string())))
                .collect();
            changed.sort();
            if changed.len() > 1 {
                warnings.push(format!(
                    "{} sessions changed in {} during the run (another claude running here?); counting all of them",
                    changed.len(),
                    self.project_dir.display()
                ));
            }
            ids = changed.into_iter().map(|(_, id)| id).collect();
        }
        (ids, parent)
    }

    /// Scans one session's files.
    fn session_input(
        &self,
        id: &str,
        parent: Option<&str>,
        warnings: &mut Vec<String>,
    ) -> SessionInput {
        let main_path =
            locate::find_session_file(&self.ctx.claude_config_dir, self.project_dir, id);
        let main = main_path.as_ref().and_then(|p| {
            let start = self.start_of(id, p);
            scan_or_warn(p, start, &self.cutoff, warnings)
        });
        let mut subagents = Vec::new();
        if let Some(dir) = main_path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|d| locate::subagents_dir(d, id))
        {
            for p in locate::jsonl_files(&dir) {
                let start = match self.named_subagents.get(&p) {
                    Some(&size) => Start::Offset(size),
                    None => {
                        // Untouched since before the run: nothing of the run's in it.
                        if stat(&p)
                            .and_then(|s| s.mtime)
                            .is_some_and(|m| m + MTIME_SLACK < self.ctx.started_at)
                        {
                            continue;
                        }
                        Start::Cutoff
                    }
                };
                if let Some(s) = scan_or_warn(&p, start, &self.cutoff, warnings) {
                    subagents.push(s);
                }
            }
        }
        let parent_baseline = if self.ctx.fork {
            main.as_ref()
                .and_then(|m| self.parent_baseline(id, parent, m))
        } else {
            None
        };
        SessionInput {
            session_id: id.to_string(),
            main,
            subagents,
            parent_baseline,
        }
    }

    /// Where the run's part of the session file `path` starts.
    fn start_of(&self, id: &str, path: &Path) -> Start {
        if let SessionHint::Named(named) = &self.ctx.hint
            && named == id
            && let Some(st) = self.named_file
            && path == locate::session_file(self.project_dir, id)
        {
            return Start::Offset(st.size);
        }
        match self.listing.and_then(|l| l.get(path)) {
            Some(st) => Start::Offset(st.size),
            // New during the run, or its old size unknown (a session switched to).
            None => Start::Cutoff,
        }
    }

    /// For a fork: the parent session's last `cost-state`, the parent being the named one, the
    /// session its copied lines name, or (for `--continue --fork-session`) the newest session
    /// of the project dir before the run.
    fn parent_baseline(
        &self,
        id: &str,
        parent: Option<&str>,
        main: &FileScan,
    ) -> Option<crate::usage::transcript::CostState> {
        if main.copied_lines == 0 || !matches!(main.baseline, Baseline::NotInFile) {
            return None;
        }
        let from_copies = main.copied_session_ids.iter().find(|s| s.as_str() != id);
        let path = parent
            .or(from_copies.map(String::as_str))
            .and_then(|p| {
                locate::find_session_file(&self.ctx.claude_config_dir, self.project_dir, p)
            })
            .or_else(|| {
                self.listing?
                    .iter()
                    .filter(|(p, _)| p.file_stem().and_then(|s| s.to_str()) != Some(id))
                    .max_by_key(|(_, st)| st.mtime)
                    .map(|(p, _)| p.clone())
            })?;
        match scan::last_cost_state(&path) {
            Ok(Baseline::Found(c)) => Some(c),
            _ => None,
        }
    }
}

fn scan_or_warn(
    path: &Path,
    start: Start,
    cutoff: &Cutoff,
    warnings: &mut Vec<String>,
) -> Option<FileScan> {
    match scan::scan_file(path, start, cutoff) {
        Ok(s) => Some(s),
        Err(e) => {
            warnings.push(format!("{e:#}"));
            None
        }
    }
}

fn stat(p: &Path) -> Option<FileState> {
    let m = std::fs::metadata(p).ok()?;
    m.is_file().then(|| FileState {
        size: m.len(),
        mtime: m.modified().ok(),
    })
}

/// `*.jsonl` files of a directory with their size and mtime (one readdir + one stat each).
fn list(dir: &Path) -> HashMap<PathBuf, FileState> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return HashMap::new();
    };
    rd.flatten()
        .filter(|e| e.file_name().as_encoded_bytes().ends_with(b".jsonl"))
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            m.is_file().then(|| {
                (
                    e.path(),
                    FileState {
                        size: m.len(),
                        mtime: m.modified().ok(),
                    },
                )
            })
        })
        .collect()
}

/// A run id when `/dev/urandom` is unreadable: time and pid.
fn fallback_run_id(t: SystemTime) -> String {
    let ns = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{ns:x}-{:x}", std::process::id())
}

/// The default Claude Code config dir: `CLAUDE_CONFIG_DIR` from the child's environment, else
/// `~/.claude`. `child_env` is what the launcher passes to the child (`None` = unset).
pub fn claude_config_dir(child_env: Option<&OsString>, home: &Path) -> PathBuf {
    match child_env.filter(|v| !v.is_empty()) {
        Some(v) => PathBuf::from(v),
        None => home.join(".claude"),
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
