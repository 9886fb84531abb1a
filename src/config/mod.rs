//! Configuration: discovery, merging (project over user, key by key), validation, and the
//! resolved [`Settings`] with the origin of every value.
//!
//! With no file at all, the embedded defaults apply: Sonnet 4.5 as the main model, Haiku 4.5 for
//! haiku and small/fast, Opus 4.5 for opus, all through `global.` system profiles.

mod discover;
mod error;
mod schema;
mod template;
mod tier;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_spanned::Spanned;

pub use discover::{PROJECT_FILE, find_git_root, find_project_config, git_branch};
pub use error::ConfigError;
pub use schema::{RawConfig, RawModels};
pub use template::{Template, TemplateVars};
pub use tier::Tier;

use crate::models::ModelSource;

/// Default model source per tier.
pub const DEFAULT_OPUS: &str = "global.anthropic.claude-opus-4-5-20251101-v1:0";
pub const DEFAULT_SONNET: &str = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
pub const DEFAULT_HAIKU: &str = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
/// Default profile name template.
pub const DEFAULT_NAME: &str = "cc-{user}-{repo}-{tier}";
/// Default profile description template.
pub const DEFAULT_DESCRIPTION: &str = "Claude Code {tier} for {user} in {repo} (cc-bedrock)";
/// Default days before a cached profile is re-checked.
pub const DEFAULT_REVALIDATE_DAYS: i64 = 7;

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A setting and its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Value<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Value<T> {
    fn default(value: T) -> Self {
        Self {
            value,
            origin: Origin::Default,
        }
    }
}

/// What kind of file a config came from; decides which keys it may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The user's own config: always trusted, may set every key.
    User,
    /// A `.cc-bedrock.toml` found in the working tree: may not set user-only keys.
    Project,
    /// Named with `--config`: chosen by the user, treated like user config.
    Explicit,
}

/// One config file that was read.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: String,
}

/// Keys a repository file may not set: they choose which program runs (see README, Security).
pub const USER_ONLY_KEYS: &[&str] = &["claude"];

/// The resolved configuration of one launch.
#[derive(Debug, Clone)]
pub struct Settings {
    pub region: Option<Value<String>>,
    pub aws_profile: Option<Value<String>>,
    pub account: Option<Value<String>>,
    pub name: Value<Template>,
    pub description: Value<Template>,
    pub models: BTreeMap<Tier, Value<ModelSource>>,
    pub main: Value<Tier>,
    pub small_fast: Value<Tier>,
    pub subagent: Option<Value<Tier>>,
    pub tags: BTreeMap<String, Value<Template>>,
    pub summary: Value<bool>,
    pub claude: Option<Value<PathBuf>>,
    pub revalidate_days: Value<i64>,
    /// The files that were read, user config first.
    pub files: Vec<ConfigFile>,
}

impl Settings {
    /// The project file, when one applies.
    pub fn project_file(&self) -> Option<&ConfigFile> {
        self.files.iter().find(|f| f.kind == FileKind::Project)
    }
}

/// Reads the user config and either `explicit` or the nearest project config, and resolves them.
pub fn load(cwd: &Path, user_config: &Path, explicit: Option<&Path>) -> Result<Settings> {
    let mut files = Vec::new();
    if user_config.is_file() {
        files.push(read_file(user_config, FileKind::User)?);
    }
    match explicit {
        Some(path) => files.push(read_file(path, FileKind::Explicit)?),
        None => {
            if let Some(path) = find_project_config(cwd) {
                files.push(read_file(&path, FileKind::Project)?);
            }
        }
    }
    resolve(files)
}

fn read_file(path: &Path, kind: FileKind) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    Ok(ConfigFile {
        path: path.to_path_buf(),
        kind,
        text,
    })
}

/// Parses one file (used by `init` to check what it writes, and by the trust prompt).
pub fn parse(file: &ConfigFile) -> Result<RawConfig, ConfigError> {
    toml::from_str::<RawConfig>(&file.text)
        .map_err(|e| ConfigError::from_toml(&file.path, &file.text, &e))
}

/// Merges the files in order (later wins, key by key) and validates the result.
pub fn resolve(files: Vec<ConfigFile>) -> Result<Settings> {
    let mut s = Settings {
        region: None,
        aws_profile: None,
        account: None,
        name: Value::default(Template::parse(DEFAULT_NAME).expect("valid default")),
        description: Value::default(Template::parse(DEFAULT_DESCRIPTION).expect("valid default")),
        models: [
            (Tier::Opus, DEFAULT_OPUS),
            (Tier::Sonnet, DEFAULT_SONNET),
            (Tier::Haiku, DEFAULT_HAIKU),
        ]
        .into_iter()
        .map(|(t, m)| {
            (
                t,
                Value::default(ModelSource::parse(m).expect("valid default")),
            )
        })
        .collect(),
        main: Value::default(Tier::Sonnet),
        small_fast: Value::default(Tier::Haiku),
        subagent: None,
        tags: [("user", "{user}"), ("repo", "{repo}")]
            .into_iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    Value::default(Template::parse(v).expect("valid default")),
                )
            })
            .collect(),
        summary: Value::default(true),
        claude: None,
        revalidate_days: Value::default(DEFAULT_REVALIDATE_DAYS),
        files: Vec::new(),
    };
    for file in &files {
        let raw = parse(file)?;
        merge(&mut s, file, raw)?;
    }
    s.files = files;
    Ok(s)
}

fn merge(s: &mut Settings, file: &ConfigFile, raw: RawConfig) -> Result<(), ConfigError> {
    let origin = Origin::File(file.path.clone());
    let err = |span: std::ops::Range<usize>, key: &str, msg: String| {
        ConfigError::at(&file.path, &file.text, Some(span), key, msg)
    };
    let val = |v: String| Value {
        value: v,
        origin: origin.clone(),
    };

    if let Some(v) = raw.region {
        let region = v.get_ref().trim();
        if region.is_empty()
            || !region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(err(
                v.span(),
                "region",
                format!("`{region}` is not an AWS Region (e.g. us-east-1)"),
            ));
        }
        s.region = Some(val(region.to_string()));
    }
    if let Some(v) = raw.aws_profile {
        if v.get_ref().trim().is_empty() {
            return Err(err(v.span(), "aws-profile", "must not be empty".into()));
        }
        s.aws_profile = Some(val(v.into_inner().trim().to_string()));
    }
    if let Some(v) = raw.account {
        let a = v.get_ref().trim();
        if a.len() != 12 || !a.chars().all(|c| c.is_ascii_digit()) {
            return Err(err(
                v.span(),
                "account",
                format!("`{a}` is not a 12-digit AWS account id"),
            ));
        }
        s.account = Some(val(a.to_string()));
    }
    if let Some(v) = raw.name {
        let t = template_of(&v).map_err(|m| err(v.span(), "name", m))?;
        if !t.uses("user") && !t.uses("repo") {
            return Err(err(
                v.span(),
                "name",
                "must contain {user} or {repo}, or every repo and user would share one profile"
                    .into(),
            ));
        }
        s.name = Value {
            value: t,
            origin: origin.clone(),
        };
    }
    if let Some(v) = raw.description {
        let t = template_of(&v).map_err(|m| err(v.span(), "description", m))?;
        s.description = Value {
            value: t,
            origin: origin.clone(),
        };
    }
    if let Some(models) = raw.models {
        for (tier, v) in [
            (Tier::Opus, models.opus),
            (Tier::Sonnet, models.sonnet),
            (Tier::Haiku, models.haiku),
        ] {
            let Some(v) = v else { continue };
            let key = format!("models.{tier}");
            let source = ModelSource::parse(v.get_ref())
                .map_err(|e| err(v.span(), &key, format!("`{}` {e}", v.get_ref())))?;
            s.models.insert(
                tier,
                Value {
                    value: source,
                    origin: origin.clone(),
                },
            );
        }
    }
    for (key, v) in [("main", raw.main), ("small-fast", raw.small_fast)] {
        let Some(v) = v else { continue };
        let tier: Tier = v.get_ref().parse().map_err(|m| err(v.span(), key, m))?;
        let value = Value {
            value: tier,
            origin: origin.clone(),
        };
        if key == "main" {
            s.main = value
        } else {
            s.small_fast = value
        }
    }
    if let Some(v) = raw.subagent {
        let tier: Tier = v
            .get_ref()
            .parse()
            .map_err(|m| err(v.span(), "subagent", m))?;
        s.subagent = Some(Value {
            value: tier,
            origin: origin.clone(),
        });
    }
    if let Some(tags) = raw.tags {
        for (k, v) in tags {
            let key = format!("tags.{k}");
            crate::names::check_tag_key(&k).map_err(|m| err(v.span(), &key, m))?;
            let t = template_of(&v).map_err(|m| err(v.span(), &key, m))?;
            if k.starts_with(crate::names::MANAGED_TAG_PREFIX) {
                return Err(err(
                    v.span(),
                    &key,
                    format!(
                        "tag keys starting with `{}` are reserved for cc-bedrock",
                        crate::names::MANAGED_TAG_PREFIX
                    ),
                ));
            }
            s.tags.insert(
                k,
                Value {
                    value: t,
                    origin: origin.clone(),
                },
            );
        }
        if s.tags.len() > crate::names::MAX_USER_TAGS {
            return Err(ConfigError::at(
                &file.path,
                &file.text,
                None,
                "tags",
                format!(
                    "at most {} tags (Bedrock allows 50, cc-bedrock adds its own)",
                    crate::names::MAX_USER_TAGS
                ),
            ));
        }
    }
    if let Some(v) = raw.summary {
        s.summary = Value {
            value: *v.get_ref(),
            origin: origin.clone(),
        };
    }
    if let Some(v) = raw.revalidate_days {
        if *v.get_ref() < 0 {
            return Err(err(
                v.span(),
                "revalidate-days",
                "must be 0 (never) or more".into(),
            ));
        }
        s.revalidate_days = Value {
            value: *v.get_ref(),
            origin: origin.clone(),
        };
    }
    if let Some(v) = raw.claude {
        if file.kind == FileKind::Project {
            return Err(err(v.span(), "claude", "a repository's config may not choose which program runs; set `claude` in your user config instead".into()));
        }
        s.claude = Some(Value {
            value: PathBuf::from(v.get_ref()),
            origin: origin.clone(),
        });
    }
    Ok(())
}

fn template_of(v: &Spanned<String>) -> Result<Template, String> {
    Template::parse(v.get_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(kind: FileKind, path: &str, text: &str) -> ConfigFile {
        ConfigFile {
            path: PathBuf::from(path),
            kind,
            text: text.to_string(),
        }
    }

    #[test]
    fn defaults_without_files() {
        let s = resolve(vec![]).unwrap();
        assert_eq!(s.main.value, Tier::Sonnet);
        assert_eq!(s.small_fast.value, Tier::Haiku);
        assert_eq!(s.models[&Tier::Sonnet].value.raw, DEFAULT_SONNET);
        assert_eq!(s.main.origin, Origin::Default);
    }

    #[test]
    fn project_overrides_user_key_by_key() {
        let user = file(
            FileKind::User,
            "/u/config.toml",
            "region = \"us-west-2\"\naws-profile = \"dev\"\n[tags]\nteam = \"a\"\nowner = \"{user}\"\n[models]\nhaiku = \"us.anthropic.claude-haiku-4-5-20251001-v1:0\"\n",
        );
        let proj = file(
            FileKind::Project,
            "/r/.cc-bedrock.toml",
            "region = \"eu-west-1\"\n[tags]\nteam = \"b\"\n[models]\nsonnet = \"eu.anthropic.claude-sonnet-4-5-20250929-v1:0\"\n",
        );
        let s = resolve(vec![user, proj]).unwrap();
        assert_eq!(s.region.as_ref().unwrap().value, "eu-west-1");
        assert_eq!(
            s.region.as_ref().unwrap().origin,
            Origin::File("/r/.cc-bedrock.toml".into())
        );
        assert_eq!(s.aws_profile.as_ref().unwrap().value, "dev");
        assert_eq!(s.tags["team"].value.source(), "b");
        assert_eq!(s.tags["owner"].value.source(), "{user}");
        assert!(s.models[&Tier::Haiku].value.raw.starts_with("us."));
        assert!(s.models[&Tier::Sonnet].value.raw.starts_with("eu."));
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let bad = |text: &str| {
            resolve(vec![file(FileKind::Project, "/r/.cc-bedrock.toml", text)])
                .unwrap_err()
                .to_string()
        };
        let e = bad("region = \"us-east-1\"\nregoin = \"x\"\n");
        assert!(
            e.starts_with("/r/.cc-bedrock.toml:2:1: key `regoin`: unknown field `regoin`"),
            "{e}"
        );
        let e = bad("[models]\nsonnet = \"sonnet\"\n");
        assert!(
            e.starts_with("/r/.cc-bedrock.toml:2:10: key `models.sonnet`: `sonnet` is not"),
            "{e}"
        );
        let e = bad("main = \"gpt\"\n");
        assert!(e.contains(":1:8: key `main`: `gpt` is not a tier"), "{e}");
        let e = bad("region = 5\n");
        assert!(e.contains(":1:10: key `region`: invalid type"), "{e}");
        let e = bad("name = \"cc-{usr}\"\n");
        assert!(e.contains("key `name`") && e.contains("{usr}"), "{e}");
        let e = bad("claude = \"/tmp/evil\"\n");
        assert!(
            e.contains("key `claude`") && e.contains("user config"),
            "{e}"
        );
        let e = bad("[tags]\n\"cc-bedrock:managed\" = \"x\"\n");
        assert!(e.contains("reserved"), "{e}");
        let e = bad("region = \"us-east-1\"\n[models\n");
        assert!(e.starts_with("/r/.cc-bedrock.toml:2:"), "{e}");
    }
}
