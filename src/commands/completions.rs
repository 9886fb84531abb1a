//! `cc-bedrock completions <shell>`: the shell completion script, generated from the clap
//! definition by clap_complete. The same scripts are checked into `completions/` (a test fails
//! when they drift from the CLI), and `install.sh` installs them from the built binary.

use std::io::Write;

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::{Generator, Shell};

use crate::cli::Cli;

/// The binary name completions are registered for.
pub const BIN: &str = "cc-bedrock";

/// Every shell a script is generated (and checked in) for.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

const EXAMPLES: &str = "\
Examples:
  cc-bedrock completions bash > ~/.local/share/bash-completion/completions/cc-bedrock
  cc-bedrock completions zsh > ~/.zfunc/_cc-bedrock      # with fpath=(~/.zfunc $fpath) in ~/.zshrc
  cc-bedrock completions fish > ~/.config/fish/completions/cc-bedrock.fish
install.sh installs the bash, zsh and fish scripts for you.";

/// Print a shell completion script.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> Result<i32> {
    let text = script(args.shell);
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        // `cc-bedrock completions bash | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        other => other.map(|()| 0).map_err(Into::into),
    }
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut cmd = completion_command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        Shell::Bash => fix_bash_hyphenated_bin(&text),
        _ => text,
    }
}

/// The CLI as completions see it: everything but the trailing `claude` arguments. With that
/// optional positional in front of the subcommands, clap_complete's zsh script takes
/// `cc-bedrock profiles <TAB>` as "claude argument `profiles`, then a subcommand" and offers the
/// subcommand names again; claude's own arguments are not ours to complete anyway.
fn completion_command() -> clap::Command {
    let full = Cli::command();
    let mut cmd = clap::Command::new(BIN)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    if let Some(about) = full.get_about() {
        cmd = cmd.about(about.clone());
    }
    for arg in full.get_arguments().filter(|a| !a.is_positional()) {
        cmd = cmd.arg(arg.clone());
    }
    for sub in full.get_subcommands() {
        cmd = cmd.subcommand(sub.clone());
    }
    cmd
}

/// clap_complete 4.6's bash script calls the state of `cc-bedrock profiles`
/// `cc__bedrock__subcmd__profiles` while it walks the words, but labels the matching `case` arm
/// `cc__subcmd__bedrock__subcmd__profiles` (the bin name's hyphen is escaped as the subcommand
/// separator), so nothing after a subcommand ever completes (clap-rs/clap#6421). Relabel the arms
/// the way the walk spells them; once clap is fixed the broken spelling no longer appears and
/// this does nothing.
fn fix_bash_hyphenated_bin(text: &str) -> String {
    let walk = BIN.replace('-', "__");
    let broken = BIN.replace('-', "__subcmd__");
    text.replace(
        &format!("        {broken}__subcmd__"),
        &format!("        {walk}__subcmd__"),
    )
}

/// The conventional file name of the script for `shell` (`cc-bedrock.bash`, `_cc-bedrock`, ...).
pub fn file_name(shell: Shell) -> String {
    shell.file_name(BIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_names_the_binary() {
        for shell in SHELLS {
            let s = script(shell);
            assert!(s.contains(BIN), "{shell}: {s}");
        }
        assert_eq!(file_name(Shell::Bash), "cc-bedrock.bash");
        assert_eq!(file_name(Shell::Zsh), "_cc-bedrock");
        assert_eq!(file_name(Shell::Fish), "cc-bedrock.fish");
    }
}
