//! Learning which session(s) a running `claude` writes, from the `<config dir>/sessions/<pid>.json`
//! file Claude Code keeps while it runs (`{pid, sessionId, cwd, startedAt}`).
//!
//! Needed when the session was not pinned (`--continue`, the `--resume` picker, a fork) and when
//! an interactive session switches sessions (`/clear`, `/resume`). A background thread polls the
//! small file; it never blocks the launcher and is simply abandoned (unparked, told to stop) when
//! the run ends.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

use serde::Deserialize;

/// Fast polls at first (a `-p` run may last well under a second), then slower.
const FAST: Duration = Duration::from_millis(20);
const FAST_FOR: u32 = 50;
const SLOW: Duration = Duration::from_millis(250);

/// Tolerance when comparing the child's `startedAt` with the run's start (clock granularity).
const SLACK_MS: i64 = 50;

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    ids: Mutex<Vec<String>>,
}

/// The polling thread's handle.
pub struct PidWatch {
    shared: Arc<Shared>,
    thread: Option<thread::Thread>,
    path: PathBuf,
    pid: u32,
    started_ms: i64,
}

impl PidWatch {
    /// Starts polling `path` (the child's `sessions/<pid>.json`). If the thread cannot be
    /// spawned, [`PidWatch::finish`] still reads the file once.
    pub fn start(path: PathBuf, pid: u32, started_ms: i64) -> Self {
        let shared = Arc::new(Shared::default());
        let s = Arc::clone(&shared);
        let p = path.clone();
        let thread = thread::Builder::new()
            .name("cc-bedrock-session-watch".into())
            .spawn(move || {
                let mut n = 0u32;
                while !s.stop.load(Ordering::Relaxed) {
                    if let Some(id) = read_pid_file(&p, pid, started_ms) {
                        push_unique(&s, id);
                    }
                    n = n.saturating_add(1);
                    thread::park_timeout(if n < FAST_FOR { FAST } else { SLOW });
                }
            })
            .ok()
            .map(|h| h.thread().clone());
        Self {
            shared,
            thread,
            path,
            pid,
            started_ms,
        }
    }

    /// Stops the thread (without waiting for it) and returns every session id seen, in order.
    pub fn finish(self) -> Vec<String> {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(t) = &self.thread {
            t.unpark();
        }
        // A killed child leaves its file behind: one last look.
        if let Some(id) = read_pid_file(&self.path, self.pid, self.started_ms) {
            push_unique(&self.shared, id);
        }
        self.shared
            .ids
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }
}

fn push_unique(s: &Shared, id: String) {
    if let Ok(mut v) = s.ids.lock()
        && !v.contains(&id)
    {
        v.push(id);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PidFile {
    #[serde(default)]
    pid: Option<u64>,
    #[serde(default)]
    session_id: Option<String>,
    #[serde(default)]
    started_at: Option<serde_json::Value>,
}

/// The session id in a `sessions/<pid>.json`, if the file belongs to this run's child: same pid
/// and started at or after the run (a file left by a killed earlier process with a recycled pid
/// is ignored).
pub fn read_pid_file(path: &Path, pid: u32, started_ms: i64) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let f: PidFile = serde_json::from_slice(&bytes).ok()?;
    if f.pid.is_some_and(|p| p != u64::from(pid)) {
        return None;
    }
    let started = match f.started_at {
        Some(serde_json::Value::Number(n)) => n.as_f64().map(|x| x as i64),
        Some(serde_json::Value::String(s)) => s
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.as_millisecond()),
        _ => None,
    };
    let started = match started {
        Some(ms) => ms,
        None => {
            // No usable startedAt: fall back to when the file was written.
            let m = std::fs::metadata(path).ok()?.modified().ok()?;
            m.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_millis() as i64
        }
    };
    if started < started_ms - SLACK_MS {
        return None;
    }
    f.session_id.filter(|s| crate::usage::locate::is_safe_id(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_this_childs_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("42.json");
        assert_eq!(read_pid_file(&p, 42, 1000), None);
        std::fs::write(
            &p,
            r#"{"pid":42,"sessionId":"abc","cwd":"/x","startedAt":2000}"#,
        )
        .unwrap();
        assert_eq!(read_pid_file(&p, 42, 1000).as_deref(), Some("abc"));
        assert_eq!(read_pid_file(&p, 43, 1000), None, "other pid");
        assert_eq!(read_pid_file(&p, 42, 5000), None, "stale file");
        std::fs::write(&p, r#"{"pid":42,"sessionId":"../etc","startedAt":2000}"#).unwrap();
        assert_eq!(read_pid_file(&p, 42, 1000), None);
        std::fs::write(
            &p,
            r#"{"pid":42,"sessionId":"abc","startedAt":"2026-11-28T13:25:07Z"}"#,
        )
        .unwrap();
        assert_eq!(read_pid_file(&p, 42, 1000).as_deref(), Some("abc"));
        std::fs::write(&p, b"{torn").unwrap();
        assert_eq!(read_pid_file(&p, 42, 1000), None);
    }

    #[test]
    fn the_thread_collects_switches_and_finish_does_not_block() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("7.json");
        let w = PidWatch::start(p.clone(), 7, 0);
        std::fs::write(&p, r#"{"pid":7,"sessionId":"one","startedAt":1}"#).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while w.shared.ids.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        // A switch (`/clear`) just before exit is caught by the final read.
        std::fs::write(&p, r#"{"pid":7,"sessionId":"two","startedAt":1}"#).unwrap();
        let t = std::time::Instant::now();
        assert_eq!(w.finish(), vec!["one".to_string(), "two".to_string()]);
        assert!(t.elapsed() < Duration::from_millis(50));
    }
}
