//! File-system primitives that keep data safe: atomic replace, locked append, private modes.
//!
//! Everything cc-bedrock writes that holds account data (cache, ledger, trust store) goes
//! through here, so the 0600-in-0700 rule and the "kill -9 at any point loses nothing" rule are
//! enforced in one place.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use anyhow::{Context, Result};

/// Creates `dir` (and parents) with mode 0700 for any directory it creates.
pub fn private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create directory {}", dir.display()))
}

/// Replaces `path` with `bytes` atomically: a temp file in the same directory (0600), fsync,
/// rename. A reader sees the old content or the new, never a torn file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("path has no parent directory")?;
    private_dir(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let result = (|| -> Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Appends `record` (one line, ending in `\n`) to `path` with a single `write` under an
/// exclusive lock, creating the file 0600. Concurrent appenders never interleave.
pub fn append_locked(path: &Path, record: &[u8]) -> Result<()> {
    debug_assert!(record.ends_with(b"\n"));
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    f.lock()
        .with_context(|| format!("cannot lock {}", path.display()))?;
    // If an earlier writer died mid-record, start on a fresh line so its fragment cannot
    // swallow ours; readers skip the fragment as one malformed line.
    let len = f.metadata()?.len();
    let mut buf = Vec::with_capacity(record.len() + 1);
    if len > 0 && !ends_with_newline(path, len) {
        buf.push(b'\n');
    }
    buf.extend_from_slice(record);
    // One write(2) to an O_APPEND file: a process killed at any point leaves the whole record
    // or none. No fsync: it would cost every launch a disk flush to guard only against power loss.
    f.write_all(&buf)
        .with_context(|| format!("cannot append to {}", path.display()))?;
    Ok(())
}

fn ends_with_newline(path: &Path, len: u64) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut r) = File::open(path) else {
        return true;
    };
    let mut b = [0u8; 1];
    r.seek(SeekFrom::Start(len - 1)).is_ok() && r.read_exact(&mut b).is_ok() && b[0] == b'\n'
}

/// Holds an exclusive advisory lock on `<path>` until dropped (used to serialise profile creation
/// across concurrent launches).
pub struct LockFile(#[allow(dead_code)] File);

impl LockFile {
    pub fn acquire(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            private_dir(dir)?;
        }
        let f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("cannot open lock file {}", path.display()))?;
        f.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(Self(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn atomic_write_is_private_and_replaces() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub/x.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::metadata(p.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
        assert_eq!(
            fs::read_dir(p.parent().unwrap()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn append_recovers_from_a_torn_last_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("l.jsonl");
        fs::write(&p, b"{\"a\":1}\n{\"tor").unwrap();
        append_locked(&p, b"{\"b\":2}\n").unwrap();
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            "{\"a\":1}\n{\"tor\n{\"b\":2}\n"
        );
    }

    #[test]
    fn concurrent_appends_stay_whole() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("l.jsonl");
        std::thread::scope(|s| {
            for i in 0..16 {
                let p = &p;
                s.spawn(move || {
                    let line = format!("{{\"i\":{i},\"pad\":\"{}\"}}\n", "x".repeat(10_000));
                    append_locked(p, line.as_bytes()).unwrap();
                });
            }
        });
        let text = fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 16);
        for l in text.lines() {
            serde_json::from_str::<serde_json::Value>(l).unwrap();
        }
    }
}
