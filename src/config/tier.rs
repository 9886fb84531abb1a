//! Claude Code's model tiers, the unit of routing: each tier points at one profile.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Claude Code model tier (`--model opus|sonnet|haiku`, `ANTHROPIC_DEFAULT_<TIER>_MODEL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Opus,
    Sonnet,
    Haiku,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Opus, Tier::Sonnet, Tier::Haiku];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Opus => "opus",
            Tier::Sonnet => "sonnet",
            Tier::Haiku => "haiku",
        }
    }

    /// `ANTHROPIC_DEFAULT_OPUS_MODEL` etc.
    pub fn env_var(self) -> &'static str {
        match self {
            Tier::Opus => "ANTHROPIC_DEFAULT_OPUS_MODEL",
            Tier::Sonnet => "ANTHROPIC_DEFAULT_SONNET_MODEL",
            Tier::Haiku => "ANTHROPIC_DEFAULT_HAIKU_MODEL",
        }
    }

    /// `ANTHROPIC_DEFAULT_OPUS_MODEL_NAME` etc.
    pub fn name_env_var(self) -> &'static str {
        match self {
            Tier::Opus => "ANTHROPIC_DEFAULT_OPUS_MODEL_NAME",
            Tier::Sonnet => "ANTHROPIC_DEFAULT_SONNET_MODEL_NAME",
            Tier::Haiku => "ANTHROPIC_DEFAULT_HAIKU_MODEL_NAME",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "opus" => Ok(Tier::Opus),
            "sonnet" => Ok(Tier::Sonnet),
            "haiku" => Ok(Tier::Haiku),
            _ => Err(format!("`{s}` is not a tier; use opus, sonnet or haiku")),
        }
    }
}
