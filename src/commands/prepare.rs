//! What every launch-like command (run, env, status) shares: config, target, plan and the
//! profiles, resolved from the cache or, on a miss, from AWS.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::aws::{EnsureOptions, ensure_profiles};
use crate::cache::CachedProfile;
use crate::config::{self, Settings};
use crate::dirs::Dirs;
use crate::plan::{self, Identity, PlannedProfile};
use crate::target::Target;
use crate::ui::Progress;

/// Options from the command line that shape preparation.
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--refresh`.
    pub refresh: bool,
    /// `--quiet`.
    pub quiet: bool,
}

/// A launch, ready to go: everything but the child itself.
#[derive(Debug)]
pub struct Prepared {
    pub dirs: Dirs,
    pub cwd: PathBuf,
    pub settings: Settings,
    pub target: Target,
    pub who: Identity,
    pub repo_root: Option<PathBuf>,
    pub plan: Vec<PlannedProfile>,
    pub profiles: Vec<CachedProfile>,
}

/// Loads config and works out the plan, without touching AWS.
pub fn load(opts: &PrepareOptions) -> Result<(Dirs, PathBuf, Settings, Target, Identity, Option<PathBuf>, Vec<PlannedProfile>)> {
    let dirs = Dirs::from_env()?;
    let cwd = std::env::current_dir().map_err(|e| anyhow::anyhow!("cannot read the working directory: {e}"))?;
    let settings = config::load(&cwd, &dirs.user_config(), opts.config.as_deref())?;
    crate::trust::check(&settings, &dirs)?;
    let target = Target::resolve(&settings)?;
    let repo_root = config::find_git_root(&cwd);
    let who = Identity { user: plan::current_user(), repo: repo_name(&cwd, repo_root.as_deref(), &settings) };
    let plan = plan::plan(&settings, &target, &who);
    Ok((dirs, cwd, settings, target, who, repo_root, plan))
}

/// Loads config and ensures the profiles exist (cache first; AWS only on a miss).
pub fn prepare(opts: &PrepareOptions) -> Result<Prepared> {
    let (dirs, cwd, settings, target, who, repo_root, plan) = load(opts)?;
    let progress = Progress::new(opts.quiet);
    let ensure = EnsureOptions { refresh: opts.refresh, revalidate_days: settings.revalidate_days.value };
    let profiles = ensure_profiles(&plan, &target, &dirs.profile_cache(), ensure, &|m| progress.set(m));
    progress.finish();
    let profiles = profiles?;
    if let Some(want) = &settings.account {
        for p in &profiles {
            if p.account.as_deref().is_some_and(|a| a != want.value) {
                bail!(
                    "the credentials in use reach account {}, but the config ({}) expects {}.\n\
                     Switch credentials (AWS_PROFILE / `aws-profile`), or fix `account`.",
                    p.account.as_deref().unwrap_or("?"),
                    want.origin,
                    want.value
                );
            }
        }
    }
    Ok(Prepared { dirs, cwd, settings, target, who, repo_root, plan, profiles })
}

/// `{repo}`: the git work tree's name, else the directory of the project config, else the cwd's.
fn repo_name(cwd: &Path, repo_root: Option<&Path>, settings: &Settings) -> String {
    let dir = repo_root
        .map(Path::to_path_buf)
        .or_else(|| settings.project_file().and_then(|f| f.path.parent().map(Path::to_path_buf)))
        .unwrap_or_else(|| cwd.to_path_buf());
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "root".to_string())
}
