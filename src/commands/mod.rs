//! One file per cc-bedrock command. `run` is the launcher (the default when no subcommand is
//! given); the others are cc-bedrock's own subcommands.

pub mod completions;
pub mod env;
pub mod init;
pub mod prepare;
pub mod profiles;
pub mod prompt;
pub mod run;
pub mod status;
pub mod trust;
