//! Where Claude Code keeps transcripts: its config roots, and every `projects/**/*.jsonl` in them.
//!
//! Roots are the `CLAUDE_CONFIG_DIR` list (comma-separated, as ccusage reads it), `~/.claude`,
//! and `$XDG_CONFIG_HOME/claude` / `~/.config/claude`: all of them, since a machine can hold
//! history in several. Symlinked directories are not followed (no loops); a file reached twice
//! (two roots that are the same directory) is counted once, by device + inode.

use std::collections::HashSet;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::Found;
use crate::env_vars;

/// The config roots to scan, existing or not, without duplicates.
pub fn config_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(list) = env_vars::get(env_vars::CLAUDE_CONFIG_DIR) {
        roots.extend(
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        );
    }
    let home = env_vars::get("HOME").map(PathBuf::from);
    if let Some(h) = &home {
        roots.push(h.join(".claude"));
    }
    if let Some(x) = env_vars::get("XDG_CONFIG_HOME") {
        roots.push(PathBuf::from(x).join("claude"));
    }
    if let Some(h) = &home {
        roots.push(h.join(".config").join("claude"));
    }
    let mut seen = HashSet::new();
    roots
        .into_iter()
        .filter(|r| seen.insert(std::fs::canonicalize(r).unwrap_or_else(|_| r.clone())))
        .collect()
}

/// Every transcript under the roots, sorted by path, each file once.
pub fn discover(roots: &[PathBuf]) -> Vec<Found> {
    let mut out = Vec::new();
    for r in roots {
        walk(&r.join("projects"), &mut out);
    }
    // Byte order (not `Path`'s component order): cheaper, and all that matters is a fixed order.
    out.sort_by(|a, b| {
        a.path
            .as_os_str()
            .as_bytes()
            .cmp(b.path.as_os_str().as_bytes())
    });
    let mut seen = HashSet::new();
    out.retain(|f| seen.insert((f.dev, f.ino)));
    out
}

fn walk(dir: &Path, out: &mut Vec<Found>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        if ft.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|x| x == "jsonl") {
            // `metadata` follows a symlinked file; directories were only entered when real.
            let Ok(m) = std::fs::metadata(&path) else {
                continue;
            };
            if m.is_file() {
                out.push(Found {
                    dev: m.dev(),
                    ino: m.ino(),
                    size: m.len(),
                    mtime_ns: super::mtime_ns(&m),
                    path,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_transcripts_once() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("claude");
        let p = root.join("projects/-home-x");
        std::fs::create_dir_all(p.join("s1/subagents")).unwrap();
        std::fs::write(p.join("s1.jsonl"), b"{}\n").unwrap();
        std::fs::write(p.join("s1/subagents/agent-a.jsonl"), b"{}\n").unwrap();
        std::fs::write(p.join("s1/subagents/agent-a.meta.json"), b"{}").unwrap();
        std::fs::write(p.join("notes.txt"), b"").unwrap();
        // The same root twice, and through a symlink: each file once.
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        let found = discover(&[root.clone(), link, root.clone()]);
        let names: Vec<_> = found
            .iter()
            .map(|f| f.path.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                "projects/-home-x/s1.jsonl",
                "projects/-home-x/s1/subagents/agent-a.jsonl"
            ]
        );
        assert!(discover(&[d.path().join("missing")]).is_empty());
    }
}
