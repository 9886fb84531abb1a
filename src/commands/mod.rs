//! One file per cc-bedrock command. `run` is the launcher (the default when no subcommand is
//! given); the others are cc-bedrock's own subcommands.

pub mod env;
pub mod prepare;
pub mod run;
pub mod trust;
