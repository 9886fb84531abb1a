//! Every environment variable cc-bedrock reads or sets, named once.
//!
//! Our own variables start with `CC_BEDROCK_`; the others belong to Claude Code or the AWS SDK
//! and are listed here so the rest of the code never spells a variable name twice.

/// Directory of the user-level config (`config.toml`); default: the platform config dir.
pub const CONFIG_DIR: &str = "CC_BEDROCK_CONFIG_DIR";
/// Directory of the profile cache and the report index; default: the platform cache dir.
pub const CACHE_DIR: &str = "CC_BEDROCK_CACHE_DIR";
/// Directory of the ledger (`ledger.jsonl`); default: the platform data dir.
pub const DATA_DIR: &str = "CC_BEDROCK_DATA_DIR";
/// Stop the upward search for `.cc-bedrock.toml` at this directory (a `:`-separated list).
pub const CEILING_DIRS: &str = "CC_BEDROCK_CEILING_DIRECTORIES";
/// Path of the real Claude Code binary; skips the `PATH` search.
pub const CLAUDE: &str = "CC_BEDROCK_CLAUDE";
/// Set in the child's environment to the path of the `claude` we started: a cc-bedrock that
/// finds itself started under that path knows it was found as `claude` by mistake (a loop).
pub const CHILD_MARKER: &str = "CC_BEDROCK_CHILD";
/// Per-attempt timeout of AWS calls, in seconds (default 20).
pub const AWS_TIMEOUT: &str = "CC_BEDROCK_AWS_TIMEOUT";
/// `1` silences the cost summary line after a run.
pub const QUIET: &str = "CC_BEDROCK_QUIET";
/// A user price file merged over the embedded table (default: `<config dir>/prices.toml`).
pub const PRICES: &str = "CC_BEDROCK_PRICES";

/// Test hook: `stdin` makes `init` ask its questions on stdin even without a terminal.
pub const PROMPT_INPUT: &str = "CC_BEDROCK_PROMPT_INPUT";

// Claude Code's variables.
pub const USE_BEDROCK: &str = "CLAUDE_CODE_USE_BEDROCK";
pub const ANTHROPIC_MODEL: &str = "ANTHROPIC_MODEL";
pub const SMALL_FAST_MODEL: &str = "ANTHROPIC_SMALL_FAST_MODEL";
pub const SMALL_FAST_MODEL_REGION: &str = "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION";
pub const SUBAGENT_MODEL: &str = "CLAUDE_CODE_SUBAGENT_MODEL";
pub const CLAUDE_CONFIG_DIR: &str = "CLAUDE_CONFIG_DIR";

// The AWS SDK's variables.
pub const AWS_REGION: &str = "AWS_REGION";
pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
pub const AWS_PROFILE: &str = "AWS_PROFILE";
pub const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
pub const AWS_BEARER_TOKEN_BEDROCK: &str = "AWS_BEARER_TOKEN_BEDROCK";
pub const AWS_ENDPOINT_URL_BEDROCK: &str = "AWS_ENDPOINT_URL_BEDROCK";
pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";

/// Reads a variable as UTF-8, treating empty as unset.
pub fn get(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// True when a variable is set to something other than empty, `0` or `false`.
pub fn flag(name: &str) -> bool {
    matches!(get(name).as_deref(), Some(v) if v != "0" && !v.eq_ignore_ascii_case("false"))
}
