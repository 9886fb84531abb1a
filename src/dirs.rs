//! Where cc-bedrock keeps its files: user config, profile cache, ledger.
//!
//! Each location is the platform default from `directories` unless overridden by an env var
//! (tests point all three into a throw-away directory).

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::env_vars;

/// The three directories cc-bedrock owns.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// Holds `config.toml` (user-level config) and `prices.toml` (price overrides).
    pub config: PathBuf,
    /// Holds `profiles.json` (the profile cache) and the report index.
    pub cache: PathBuf,
    /// Holds `ledger.jsonl`.
    pub data: PathBuf,
}

impl Dirs {
    /// Resolves the directories from env overrides, then the platform defaults.
    pub fn from_env() -> Result<Self> {
        let project = directories::ProjectDirs::from("", "", "cc-bedrock");
        let pick = |var: &str, default: Option<PathBuf>| -> Result<PathBuf> {
            match std::env::var_os(var).filter(|v| !v.is_empty()) {
                Some(v) => Ok(PathBuf::from(v)),
                None => default
                    .with_context(|| format!("cannot find a home directory; set {var} or HOME")),
            }
        };
        Ok(Self {
            config: pick(
                env_vars::CONFIG_DIR,
                project.as_ref().map(|p| p.config_dir().to_path_buf()),
            )?,
            cache: pick(
                env_vars::CACHE_DIR,
                project.as_ref().map(|p| p.cache_dir().to_path_buf()),
            )?,
            data: pick(
                env_vars::DATA_DIR,
                project.as_ref().map(|p| p.data_dir().to_path_buf()),
            )?,
        })
    }

    /// The user-level config file.
    pub fn user_config(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    /// The user's price override file.
    pub fn user_prices(&self) -> PathBuf {
        env_vars::get(env_vars::PRICES)
            .map(PathBuf::from)
            .unwrap_or_else(|| self.config.join("prices.toml"))
    }

    /// The profile cache file.
    pub fn profile_cache(&self) -> PathBuf {
        self.cache.join("profiles.json")
    }

    /// The ledger file.
    pub fn ledger(&self) -> PathBuf {
        self.data.join("ledger.jsonl")
    }
}
