//! Running `claude` as a child and passing its end on.
//!
//! Why spawn-and-wait and not `exec`: the ledger is written after claude exits. While it runs:
//! * SIGINT and SIGQUIT are caught by a no-op handler: the terminal sends them to the whole
//!   foreground process group, so claude gets its own copy; we must just not die of them. (A
//!   handler, not SIG_IGN, because handlers reset to default across `exec`, so claude still sees
//!   them; an ignored disposition would be inherited.)
//! * SIGTERM and SIGHUP are forwarded to claude (they are usually sent to us alone).
//!
//! Our exit code is claude's, or 128 + the signal that killed it.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

use anyhow::{Context, Result};

use super::env::{ChildEnv, EnvChange};
use crate::env_vars;

/// How claude ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildExit {
    Code(i32),
    Signal(i32),
}

impl ChildExit {
    /// The exit code cc-bedrock ends with: claude's, or 128 + signal.
    pub fn exit_code(self) -> i32 {
        match self {
            ChildExit::Code(c) => c,
            ChildExit::Signal(s) => 128 + s,
        }
    }

    pub fn signal(self) -> Option<i32> {
        match self {
            ChildExit::Signal(s) => Some(s),
            ChildExit::Code(_) => None,
        }
    }
}

static CHILD_PID: AtomicI32 = AtomicI32::new(0);
static PENDING: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: libc::c_int) {
    let pid = CHILD_PID.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, sig) };
    } else {
        PENDING.store(sig, Ordering::SeqCst);
    }
}

extern "C" fn swallow(_sig: libc::c_int) {}

/// Installs `handler` for `sig` unless the signal is ignored already (e.g. under `nohup`).
fn install(sig: libc::c_int, handler: extern "C" fn(libc::c_int)) {
    // SAFETY: plain sigaction calls with a zeroed struct and an async-signal-safe handler.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old);
        if old.sa_sigaction == libc::SIG_IGN {
            return;
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as *const () as usize;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(sig, &action, std::ptr::null_mut());
    }
}

/// Runs `program` with `args` and the environment changes, calling `started(pid)` once it runs.
pub fn run_child(
    program: &Path,
    args: &[OsString],
    env: &ChildEnv,
    started: impl FnOnce(u32),
) -> Result<ChildExit> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    for change in &env.changes {
        match change {
            EnvChange::Set(k, v) => cmd.env(k, v),
            EnvChange::Remove(k) => cmd.env_remove(k),
        };
    }
    cmd.env(env_vars::CHILD_MARKER, program);

    install(libc::SIGTERM, forward);
    install(libc::SIGHUP, forward);
    install(libc::SIGINT, swallow);
    install(libc::SIGQUIT, swallow);

    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", program.display()))?;
    CHILD_PID.store(child.id() as i32, Ordering::SeqCst);
    let pending = PENDING.swap(0, Ordering::SeqCst);
    if pending != 0 {
        // SAFETY: the pid is our own live child.
        unsafe { libc::kill(child.id() as i32, pending) };
    }
    started(child.id());
    let status = child.wait().context("cannot wait for claude")?;
    CHILD_PID.store(0, Ordering::SeqCst);
    Ok(match (status.code(), status.signal()) {
        (Some(c), _) => ChildExit::Code(c),
        (None, Some(s)) => ChildExit::Signal(s),
        (None, None) => ChildExit::Code(1),
    })
}
