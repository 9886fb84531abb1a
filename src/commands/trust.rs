//! `cc-bedrock trust`: allow (or revoke) a repository's `.cc-bedrock.toml`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::config::{self, ConfigFile, FileKind};
use crate::dirs::Dirs;
use crate::trust;

/// Allow this repository's .cc-bedrock.toml to act (it is keyed on path and content).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Examples:\n  cc-bedrock trust            # allow the .cc-bedrock.toml that applies here\n  cc-bedrock trust --show     # print it and whether it is trusted\n  cc-bedrock trust --revoke"
)]
pub struct TrustArgs {
    /// The config file (default: the .cc-bedrock.toml found from the working directory).
    pub file: Option<PathBuf>,
    /// Forget the file instead.
    #[arg(long, conflicts_with = "show")]
    pub revoke: bool,
    /// Only show the file and its trust state.
    #[arg(long)]
    pub show: bool,
}

pub fn run(args: &TrustArgs) -> Result<i32> {
    let dirs = Dirs::from_env()?;
    let path = match &args.file {
        Some(p) => p.clone(),
        None => {
            let cwd = std::env::current_dir()?;
            match config::find_project_config(&cwd) {
                Some(p) => p,
                None => bail!("no {} here or in a parent directory", config::PROJECT_FILE),
            }
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let file = ConfigFile {
        path: path.clone(),
        kind: FileKind::Project,
        text: text.clone(),
    };
    if args.revoke {
        let was = trust::revoke(&dirs, &path)?;
        println!(
            "{} {}",
            if was { "revoked:" } else { "was not trusted:" },
            path.display()
        );
        return Ok(0);
    }
    let state = trust::status(&trust::TrustStore::load(&dirs), &file);
    if args.show {
        println!(
            "{}: {}",
            path.display(),
            match state {
                trust::Status::Trusted => "trusted",
                trust::Status::New => "not trusted",
                trust::Status::Changed(_) => "changed since trusted",
            }
        );
        print!("{text}");
        return Ok(if state == trust::Status::Trusted {
            0
        } else {
            1
        });
    }
    // Refuse to trust a file that does not even parse: the error is more useful now.
    config::resolve(vec![file])?;
    trust::allow(&dirs, &path, &text)?;
    println!("trusted: {}", path.display());
    Ok(0)
}
