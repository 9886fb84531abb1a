//! Finding the real `claude`: `CC_BEDROCK_CLAUDE`, the `claude` key of the user config, or the
//! first `claude` on `PATH` that is not this binary (cc-bedrock may itself be linked as `claude`).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::env_vars;

/// The real Claude Code binary.
pub fn find_claude(configured: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(env_vars::CLAUDE).filter(|v| !v.is_empty()) {
        return checked(PathBuf::from(p), env_vars::CLAUDE);
    }
    if let Some(p) = configured {
        return checked(p.to_path_buf(), "`claude` in the user config");
    }
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok());
    let path = std::env::var_os("PATH").unwrap_or_default();
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Ok(candidates) = which::which_in_all(OsStr::new("claude"), Some(&path), &cwd) {
        for candidate in candidates {
            let canonical = candidate
                .canonicalize()
                .unwrap_or_else(|_| candidate.clone());
            if Some(&canonical) != me.as_ref() {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "cannot find Claude Code (`claude`) on PATH{}.\n\
         Install it (`npm install -g @anthropic-ai/claude-code`), or set {} to its path.",
        if me.is_some() {
            " other than cc-bedrock itself"
        } else {
            ""
        },
        env_vars::CLAUDE
    )
}

fn checked(path: PathBuf, origin: &str) -> Result<PathBuf> {
    if path.is_file() {
        Ok(path)
    } else {
        bail!("{origin} names `{}`, which is not a file", path.display())
    }
}

/// Refuses to run when this process was itself started as "the real claude" by a cc-bedrock
/// (a copy of cc-bedrock on PATH under the name `claude`): that would loop forever.
pub fn loop_guard() -> Result<()> {
    let Some(marker) = std::env::var_os(env_vars::CHILD_MARKER) else {
        return Ok(());
    };
    let started_as = Path::new(&marker).canonicalize().ok();
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok());
    if started_as.is_some() && started_as == me {
        bail!(
            "cc-bedrock was started by cc-bedrock as the real `claude` ({}): it is a copy of \
             cc-bedrock, not Claude Code.\nSet {} to the real Claude Code binary.",
            Path::new(&marker).display(),
            env_vars::CLAUDE
        );
    }
    Ok(())
}
