//! cc-bedrock: run Claude Code on Amazon Bedrock through tagged application inference profiles.
//!
//! `main` is the whole program; `src/main.rs` only calls it. Modules are one concept each.

pub mod aws;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dirs;
pub mod env_vars;
pub mod fsutil;
pub mod launch;
pub mod models;
pub mod names;
pub mod plan;
pub mod report;
pub mod target;
pub mod trust;
pub mod ui;
pub mod usage;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::commands::prepare::PrepareOptions;

/// Runs cc-bedrock with the process arguments and returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    match dispatch(args) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "cc-bedrock: error: {}", error_text(&err));
            ExitCode::from(1)
        }
    }
}

fn dispatch(args: Vec<OsString>) -> anyhow::Result<i32> {
    // Linked as `claude`: a pure drop-in, every argument belongs to claude.
    let invoked_as = args
        .first()
        .and_then(|a| Path::new(a).file_name())
        .map(|n| n.to_owned());
    if invoked_as.as_deref() == Some(std::ffi::OsStr::new("claude")) {
        return commands::run::run(
            &PrepareOptions::default(),
            args.into_iter().skip(1).collect(),
        );
    }
    // The fast path: when the first argument is not cc-bedrock's, everything is claude's and
    // clap (which builds the whole command tree, a large share of a warm launch) is skipped.
    match args.get(1) {
        None => return commands::run::run(&PrepareOptions::default(), Vec::new()),
        Some(first) if first == "--" => {
            return commands::run::run(&PrepareOptions::default(), args[2..].to_vec());
        }
        Some(first) if !cli::is_own_first_arg(first) => {
            return commands::run::run(&PrepareOptions::default(), args[1..].to_vec());
        }
        Some(_) => {}
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Ok(e.exit_code());
        }
    };
    let opts = PrepareOptions {
        config: cli.config.clone(),
        refresh: cli.refresh,
        quiet: cli.quiet,
    };
    match cli.command {
        None => commands::run::run(&opts, cli.claude_args),
        Some(Command::Report(a)) => {
            let code = report::execute(&a, &dirs::Dirs::from_env()?)?;
            Ok(if code == ExitCode::SUCCESS { 0 } else { 1 })
        }
        Some(Command::Env(a)) => commands::env::run(&a, &opts),
        Some(Command::Init(a)) => commands::init::run(&a, &opts),
        Some(Command::Status(a)) => commands::status::run(&a, &opts),
        Some(Command::Profiles(a)) => commands::profiles::run(&a, &opts),
        Some(Command::Completions(a)) => commands::completions::run(&a),
        Some(Command::Trust(a)) => commands::trust::run(&a),
    }
}

/// The error and its causes; causes that repeat the message are left out.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}
