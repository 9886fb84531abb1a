//! The launcher: prepare the profiles, start the real `claude` with the Bedrock environment and
//! the user's arguments untouched, pass its exit code on, and record what the run cost.

use std::ffi::OsString;

use anyhow::Result;

use super::prepare::{PrepareOptions, prepare};
use crate::launch::{self, child_env, find_claude, run_child, user_chose_model};

/// Launches claude; returns the exit code to end with.
pub fn run(opts: &PrepareOptions, claude_args: Vec<OsString>) -> Result<i32> {
    launch::loop_guard()?;
    let prepared = prepare(opts)?;
    let claude = find_claude(prepared.settings.claude.as_ref().map(|v| v.value.as_path()))?;
    let env = child_env(
        &prepared.settings,
        &prepared.target,
        &prepared.plan,
        &prepared.profiles,
        user_chose_model(&claude_args),
    );
    let exit = run_child(&claude, &claude_args, &env, |_pid| {})?;
    Ok(exit.exit_code())
}
