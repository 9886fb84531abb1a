//! The TOML shape of a config file, as written by users (both `.cc-bedrock.toml` and the user
//! config share it). Values keep their byte spans so errors can name file, line and key.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_spanned::Spanned;

/// One config file, every key optional (files are merged key by key).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// AWS Region of the profiles and of Claude Code's requests.
    pub region: Option<Spanned<String>>,
    /// Named AWS profile (`~/.aws/config`) for credentials; exported as `AWS_PROFILE`.
    pub aws_profile: Option<Spanned<String>>,
    /// Expected AWS account id: a launch in another account is refused.
    pub account: Option<Spanned<String>>,
    /// Profile name template (`{user}`, `{repo}`, `{tier}`, `{model}`, `{region}`).
    pub name: Option<Spanned<String>>,
    /// Profile description template.
    pub description: Option<Spanned<String>>,
    /// Tier used as Claude Code's main model (`ANTHROPIC_MODEL`).
    pub main: Option<Spanned<String>>,
    /// Tier used for background calls (`ANTHROPIC_SMALL_FAST_MODEL`).
    pub small_fast: Option<Spanned<String>>,
    /// Tier forced for every subagent (`CLAUDE_CODE_SUBAGENT_MODEL`); unset lets agents choose.
    pub subagent: Option<Spanned<String>>,
    /// Model source of each tier.
    pub models: Option<RawModels>,
    /// Cost-allocation tags put on created profiles (values are templates).
    pub tags: Option<BTreeMap<String, Spanned<String>>>,
    /// Print the one-line cost summary after each run.
    pub summary: Option<Spanned<bool>>,
    /// Path of the real `claude` binary (user config only).
    pub claude: Option<Spanned<String>>,
    /// Days after which a cached profile is re-checked against AWS (0 = never).
    pub revalidate_days: Option<Spanned<i64>>,
}

/// `[models]`: the model source of each tier.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModels {
    pub opus: Option<Spanned<String>>,
    pub sonnet: Option<Spanned<String>>,
    pub haiku: Option<Spanned<String>>,
}
