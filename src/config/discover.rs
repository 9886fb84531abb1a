//! Finding config files: `.cc-bedrock.toml` by walking up from the working directory (stopping at
//! `CC_BEDROCK_CEILING_DIRECTORIES`), and the user config in the config dir.

use std::path::{Path, PathBuf};

use crate::env_vars;

/// The per-repository config file name.
pub const PROJECT_FILE: &str = ".cc-bedrock.toml";

/// The nearest `.cc-bedrock.toml` at or above `cwd`, not above a ceiling directory.
pub fn find_project_config(cwd: &Path) -> Option<PathBuf> {
    let ceilings: Vec<PathBuf> = std::env::var_os(env_vars::CEILING_DIRS)
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    for dir in cwd.ancestors() {
        let candidate = dir.join(PROJECT_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if ceilings.iter().any(|c| c == dir) {
            break;
        }
    }
    None
}

/// The root of the git work tree containing `cwd` (a `.git` directory or file).
pub fn find_git_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The checked-out branch of the work tree at `root` (read from `.git/HEAD`, no git process).
pub fn git_branch(root: &Path) -> Option<String> {
    let dot_git = root.join(".git");
    let git_dir = if dot_git.is_file() {
        // A worktree or submodule: `.git` holds `gitdir: <path>`.
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let dir = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
        if dir.is_absolute() {
            dir
        } else {
            root.join(dir)
        }
    } else {
        dot_git
    };
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    match head.trim().strip_prefix("ref: refs/heads/") {
        Some(branch) => Some(branch.to_string()),
        None => Some("HEAD".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_up_and_stops_at_git_branch() {
        let d = tempfile::tempdir().unwrap();
        let deep = d.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(d.path().join("a").join(PROJECT_FILE), "").unwrap();
        assert_eq!(
            find_project_config(&deep),
            Some(d.path().join("a").join(PROJECT_FILE))
        );
        std::fs::create_dir_all(d.path().join("a/b/.git")).unwrap();
        std::fs::write(d.path().join("a/b/.git/HEAD"), "ref: refs/heads/feat/x\n").unwrap();
        assert_eq!(find_git_root(&deep), Some(d.path().join("a/b")));
        assert_eq!(git_branch(&d.path().join("a/b")).as_deref(), Some("feat/x"));
    }
}
