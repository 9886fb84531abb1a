//! The command line: clap types only, no logic.
//!
//! Anything that is not one of our subcommands or global options goes to `claude` untouched:
//! `cc-bedrock -p hi`, `cc-bedrock --resume`, `cc-bedrock mcp list`. `cc-bedrock -- <args>` always
//! passes through. Our subcommand names avoid every `claude` subcommand (`agents attach auth
//! auto-mode doctor gateway import install logs mcp plugin purge respawn rm setup-token stop kill
//! ultrareview update upgrade`), checked by a test.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Everything else is passed to `claude` unchanged:
  cc-bedrock                          interactive Claude Code, billed to tagged profiles
  cc-bedrock -p \"fix the flaky test\"  one-shot
  cc-bedrock --resume                 any claude argument works
  cc-bedrock -- --help                claude's own help

Configuration: .cc-bedrock.toml (found by walking up from the working directory) merged over
the user config (`cc-bedrock status` shows which files and values apply).";

/// Run Claude Code on Amazon Bedrock through tagged application inference profiles.
#[derive(Debug, Parser)]
#[command(
    name = "cc-bedrock",
    version,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Use this config file instead of searching for .cc-bedrock.toml.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Check cached profiles against AWS before launching (recreates deleted ones).
    #[arg(long)]
    pub refresh: bool,

    /// No spinner and no cost summary on stderr.
    #[arg(long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Arguments for `claude`, passed through byte for byte.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CLAUDE ARGS",
        value_parser = clap::value_parser!(OsString)
    )]
    pub claude_args: Vec<OsString>,
}

/// cc-bedrock's own commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Spend by day, week, month, session or run, grouped by profile, repo, user, tag, ...
    Report(crate::report::ReportArgs),
    /// Write a commented .cc-bedrock.toml at the repository root.
    Init(crate::commands::init::InitArgs),
    /// Show what a launch here would do, and whether it will work.
    Status(crate::commands::status::StatusArgs),
    /// List, show, delete and prune the inference profiles cc-bedrock created.
    Profiles(crate::commands::profiles::ProfilesArgs),
    /// Print the environment a launch would give claude (for `eval` or an IDE).
    Env(crate::commands::env::EnvArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(crate::commands::completions::CompletionsArgs),
    /// Allow this repository's .cc-bedrock.toml to act (keyed on its path and content).
    Trust(crate::commands::trust::TrustArgs),
}

/// Our subcommand names (kept in step with [`Command`] by a test).
pub const OWN_SUBCOMMANDS: &[&str] = &[
    "report",
    "init",
    "status",
    "profiles",
    "env",
    "completions",
    "trust",
];

/// Our options that may come first (global options, help, version).
const OWN_FIRST_OPTIONS: &[&str] = &[
    "--config",
    "--refresh",
    "--quiet",
    "-h",
    "--help",
    "-V",
    "--version",
];

/// Whether a first argument is cc-bedrock's (a subcommand or one of our options); anything else
/// starts claude's arguments.
pub fn is_own_first_arg(arg: &std::ffi::OsStr) -> bool {
    let Some(a) = arg.to_str() else { return false };
    OWN_SUBCOMMANDS.contains(&a) || OWN_FIRST_OPTIONS.contains(&a) || a.starts_with("--config=")
}

/// Subcommands of `claude` itself; ours must never shadow them.
pub const CLAUDE_SUBCOMMANDS: &[&str] = &[
    "agents",
    "attach",
    "auth",
    "auto-mode",
    "doctor",
    "gateway",
    "import",
    "install",
    "logs",
    "mcp",
    "plugin",
    "plugins",
    "purge",
    "respawn",
    "rm",
    "setup-token",
    "stop",
    "kill",
    "ultrareview",
    "update",
    "upgrade",
    "config",
    "migrate-installer",
];

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn own_subcommand_list_matches_clap() {
        let mut from_clap: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        let mut listed: Vec<String> = OWN_SUBCOMMANDS.iter().map(|s| s.to_string()).collect();
        from_clap.sort();
        listed.sort();
        assert_eq!(from_clap, listed);
        for opt in Cli::command().get_arguments().filter_map(|a| a.get_long()) {
            assert!(
                is_own_first_arg(std::ffi::OsStr::new(&format!("--{opt}"))),
                "--{opt}"
            );
        }
        assert!(!is_own_first_arg(std::ffi::OsStr::new("-p")));
        assert!(!is_own_first_arg(std::ffi::OsStr::new("mcp")));
    }

    #[test]
    fn no_subcommand_collides_with_claude() {
        for sub in Cli::command().get_subcommands() {
            for name in std::iter::once(sub.get_name()).chain(sub.get_all_aliases()) {
                assert!(
                    !CLAUDE_SUBCOMMANDS.contains(&name),
                    "`{name}` shadows a claude subcommand"
                );
            }
        }
    }

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("cc-bedrock").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn unknown_arguments_go_to_claude() {
        let cli = parse(&["-p", "hi", "--output-format", "json"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.claude_args, ["-p", "hi", "--output-format", "json"]);
        assert_eq!(parse(&["mcp", "list"]).claude_args, ["mcp", "list"]);
        assert_eq!(parse(&["--resume"]).claude_args, ["--resume"]);
        let cli = parse(&["--config", "x.toml", "-p", "--config", "y"]);
        assert_eq!(cli.config.as_deref(), Some(std::path::Path::new("x.toml")));
        assert_eq!(cli.claude_args, ["-p", "--config", "y"]);
        assert_eq!(parse(&["--", "env"]).claude_args, ["env"]);
        assert!(matches!(parse(&["env"]).command, Some(Command::Env(_))));
        assert_eq!(parse(&["-p", "--", "x"]).claude_args, ["-p", "--", "x"]);
    }
}
