//! cc-bedrock: run Claude Code on Amazon Bedrock through tagged application inference profiles.
//!
//! `main` is the whole program; `src/main.rs` only calls it. Modules are one concept each.

pub mod cache;
pub mod dirs;
pub mod env_vars;
pub mod fsutil;
pub mod models;
pub mod usage;

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs cc-bedrock with the process arguments and returns the exit code.
pub fn main(_args: impl IntoIterator<Item = OsString>) -> ExitCode {
    ExitCode::SUCCESS
}
