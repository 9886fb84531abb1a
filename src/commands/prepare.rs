//! What every launch-like command (run, env, status) shares: config, target, plan and the
//! profiles, resolved from the cache or, on a miss, from AWS.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::aws::{EnsureOptions, ensure_profiles};
use crate::cache::{CachedProfile, ProfileCache};
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

/// Config, target and plan: everything known without AWS.
#[derive(Debug)]
pub struct Loaded {
    pub dirs: Dirs,
    pub cwd: PathBuf,
    pub settings: Settings,
    pub target: Target,
    pub who: Identity,
    pub repo_root: Option<PathBuf>,
    pub plan: Vec<PlannedProfile>,
}

/// A launch, ready to go: the plan and its profiles (`profiles[i]` serves `plan[i]`).
#[derive(Debug)]
pub struct Prepared {
    pub loaded: Loaded,
    pub profiles: Vec<CachedProfile>,
    /// The profile cache as read (or written) while preparing.
    pub cache: ProfileCache,
}

impl std::ops::Deref for Prepared {
    type Target = Loaded;
    fn deref(&self) -> &Loaded {
        &self.loaded
    }
}

/// Loads config and works out the plan, without touching AWS.
pub fn load(opts: &PrepareOptions) -> Result<Loaded> {
    let dirs = Dirs::from_env()?;
    let cwd = std::env::current_dir()
        .map_err(|e| anyhow::anyhow!("cannot read the working directory: {e}"))?;
    let settings = config::load(&cwd, &dirs.user_config(), opts.config.as_deref())?;
    crate::trust::check(&settings, &dirs)?;
    let target = Target::resolve(&settings)?;
    let repo_root = config::find_git_root(&cwd);
    let who = Identity {
        user: plan::current_user(),
        repo: repo_name(&cwd, repo_root.as_deref(), &settings),
    };
    let plan = plan::plan(&settings, &target, &who);
    Ok(Loaded {
        dirs,
        cwd,
        settings,
        target,
        who,
        repo_root,
        plan,
    })
}

/// Loads config and ensures the profiles exist (cache first; AWS only on a miss).
pub fn prepare(opts: &PrepareOptions) -> Result<Prepared> {
    let loaded = load(opts)?;
    let progress = Progress::new(opts.quiet);
    let ensure = EnsureOptions {
        refresh: opts.refresh,
        revalidate_days: loaded.settings.revalidate_days.value,
    };
    let ensured = ensure_profiles(
        &loaded.plan,
        &loaded.target,
        &loaded.dirs.profile_cache(),
        ensure,
        &|m| progress.set(m),
    );
    progress.finish();
    let (profiles, cache) = ensured?;
    if let Some(want) = &loaded.settings.account {
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
    Ok(Prepared {
        loaded,
        profiles,
        cache,
    })
}

/// `{repo}`: the git work tree's name, else the directory of the project config, else the cwd's.
fn repo_name(cwd: &Path, repo_root: Option<&Path>, settings: &Settings) -> String {
    let dir = repo_root
        .map(Path::to_path_buf)
        .or_else(|| {
            settings
                .project_file()
                .and_then(|f| f.path.parent().map(Path::to_path_buf))
        })
        .unwrap_or_else(|| cwd.to_path_buf());
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "root".to_string())
}
