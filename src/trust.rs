//! Trust of repository config files: a `.cc-bedrock.toml` that arrived with a clone can create
//! AWS resources in the user's account and changes the environment of a program that runs shell
//! commands, so it acts only after the user allowed it (`cc-bedrock trust`, or a prompt on a
//! terminal). Trust is keyed on the file's path and content hash: an edited file is untrusted
//! again, and the prompt shows what changed. User config and `--config FILE` are always trusted.
//!
//! The store (`<data dir>/trust.json`, 0600) keeps a copy of each allowed file so a later prompt
//! can show the difference; config files hold no secrets.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache::hex;
use crate::config::{ConfigFile, FileKind, Settings};
use crate::dirs::Dirs;
use crate::fsutil::{self, LockFile};

const SCHEMA: u32 = 1;

/// Tag keys that claim who is responsible for the spend.
const IDENTITY_TAGS: &[&str] = &[
    "owner",
    "user",
    "username",
    "created-by",
    "createdby",
    "email",
    "author",
];

/// One allowed file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrustEntry {
    pub sha256: String,
    pub content: String,
    pub trusted_at: String,
}

/// The trust store.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TrustStore {
    pub schema: u32,
    pub files: BTreeMap<PathBuf, TrustEntry>,
}

impl TrustStore {
    pub fn path(dirs: &Dirs) -> PathBuf {
        dirs.data.join("trust.json")
    }

    pub fn load(dirs: &Dirs) -> Self {
        std::fs::read(Self::path(dirs))
            .ok()
            .and_then(|b| serde_json::from_slice::<TrustStore>(&b).ok())
            .filter(|s| s.schema == SCHEMA)
            .unwrap_or(TrustStore {
                schema: SCHEMA,
                files: BTreeMap::new(),
            })
    }

    /// Applies `change` to the store under a lock and saves it atomically.
    pub fn update(dirs: &Dirs, change: impl FnOnce(&mut TrustStore)) -> Result<()> {
        let path = Self::path(dirs);
        let _lock = LockFile::acquire(&path.with_extension("lock"))?;
        let mut store = Self::load(dirs);
        change(&mut store);
        fsutil::write_atomic(&path, &serde_json::to_vec_pretty(&store)?)
            .context("cannot save the trust store")
    }
}

/// The state of a repository config.
#[derive(Debug, PartialEq)]
pub enum Status {
    Trusted,
    New,
    /// Changed since allowed; holds the allowed content.
    Changed(String),
}

/// Hash of a config text.
pub fn digest(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// The canonical key of a config path.
pub fn key(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

pub fn status(store: &TrustStore, file: &ConfigFile) -> Status {
    match store.files.get(&key(&file.path)) {
        Some(e) if e.sha256 == digest(&file.text) => Status::Trusted,
        Some(e) => Status::Changed(e.content.clone()),
        None => Status::New,
    }
}

/// Records `file` as trusted.
pub fn allow(dirs: &Dirs, path: &Path, text: &str) -> Result<()> {
    let entry = TrustEntry {
        sha256: digest(text),
        content: text.to_string(),
        trusted_at: jiff::Timestamp::now().to_string(),
    };
    TrustStore::update(dirs, |s| {
        s.files.insert(key(path), entry);
    })
}

/// Forgets `path`; returns whether it was trusted.
pub fn revoke(dirs: &Dirs, path: &Path) -> Result<bool> {
    let mut removed = false;
    TrustStore::update(dirs, |s| removed = s.files.remove(&key(path)).is_some())?;
    Ok(removed)
}

/// Refuses (or, on a terminal, asks about) a repository config the user has not allowed.
pub fn check(settings: &Settings, dirs: &Dirs) -> Result<()> {
    let Some(file) = settings.files.iter().find(|f| f.kind == FileKind::Project) else {
        return Ok(());
    };
    let store = TrustStore::load(dirs);
    let state = status(&store, file);
    if state != Status::Trusted {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !interactive || !ask(file, &state)? {
            let why = match state {
                Status::Changed(_) => "has changed since you allowed it",
                _ => "has not been allowed yet",
            };
            bail!(
                "the repository config {} {why}.\n\
                 It can create AWS resources and sets Claude Code's environment. Review it, then allow it \
                 with `cc-bedrock trust` (run in that directory).",
                file.path.display()
            );
        }
        allow(dirs, &file.path, &file.text)?;
    }
    warn_identity_tags(settings, file);
    Ok(())
}

fn ask(file: &ConfigFile, state: &Status) -> Result<bool> {
    let mut err = std::io::stderr().lock();
    match state {
        Status::Changed(old) => {
            writeln!(
                err,
                "cc-bedrock: {} changed since you allowed it:",
                file.path.display()
            )?;
            for line in line_diff(old, &file.text) {
                writeln!(err, "  {line}")?;
            }
        }
        _ => {
            writeln!(
                err,
                "cc-bedrock: {} is not trusted yet. It says:",
                file.path.display()
            )?;
            for line in file.text.lines() {
                writeln!(err, "  | {line}")?;
            }
        }
    }
    write!(
        err,
        "Allow cc-bedrock to use it (creates tagged Bedrock profiles in your account)? [y/N] "
    )?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// A minimal line diff (`- old`, `+ new`), by longest common subsequence.
pub fn line_diff(old: &str, new: &str) -> Vec<String> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(format!("+ {}", b[j]));
            j += 1;
        } else {
            out.push(format!("- {}", a[i]));
            i += 1;
        }
    }
    out
}

/// Warns when a repository config sets an identity-like tag to someone other than the caller.
fn warn_identity_tags(settings: &Settings, project: &ConfigFile) {
    let user = crate::plan::current_user();
    for (k, v) in &settings.tags {
        let from_repo = matches!(&v.origin, crate::config::Origin::File(p) if p == &project.path);
        if !from_repo
            || !IDENTITY_TAGS.contains(&k.to_ascii_lowercase().as_str())
            || v.value.uses("user")
        {
            continue;
        }
        let value = v.value.source();
        if !value.eq_ignore_ascii_case(&user)
            && !value
                .to_ascii_lowercase()
                .starts_with(&format!("{}@", user.to_ascii_lowercase()))
        {
            eprintln!(
                "cc-bedrock: warning: {} tags profiles `{k} = \"{value}\"`, but you are `{user}`; \
                 spend will be attributed to `{value}`. Use `{{user}}` to tag with the caller.",
                project.path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changes() {
        assert_eq!(
            line_diff("a\nb\nc\n", "a\nB\nc\nd\n"),
            ["+ B", "- b", "+ d"]
        );
        assert!(line_diff("same\n", "same\n").is_empty());
    }

    #[test]
    fn store_round_trip_and_change_detection() {
        let d = tempfile::tempdir().unwrap();
        let dirs = Dirs {
            config: d.path().join("c"),
            cache: d.path().join("k"),
            data: d.path().join("d"),
        };
        let path = d.path().join(".cc-bedrock.toml");
        std::fs::write(&path, "region = \"us-east-1\"\n").unwrap();
        let file = ConfigFile {
            path: path.clone(),
            kind: FileKind::Project,
            text: "region = \"us-east-1\"\n".into(),
        };
        assert_eq!(status(&TrustStore::load(&dirs), &file), Status::New);
        allow(&dirs, &path, &file.text).unwrap();
        assert_eq!(status(&TrustStore::load(&dirs), &file), Status::Trusted);
        let changed = ConfigFile {
            text: "region = \"eu-west-1\"\n".into(),
            ..file.clone()
        };
        assert_eq!(
            status(&TrustStore::load(&dirs), &changed),
            Status::Changed(file.text.clone())
        );
        assert!(revoke(&dirs, &path).unwrap());
        assert_eq!(status(&TrustStore::load(&dirs), &file), Status::New);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(TrustStore::path(&dirs))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
}
