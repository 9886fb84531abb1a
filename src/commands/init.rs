//! `cc-bedrock init`: writes a commented, valid `.cc-bedrock.toml` at the repository root.
//!
//! On a terminal it asks for the Region, the model of each tier (chosen from the account's
//! SYSTEM_DEFINED Anthropic inference profiles), the main tier and the tags. With any value flag,
//! `--yes`, or a stdin that is not a terminal it asks nothing and makes no AWS call: what the
//! flags don't say takes its default. The text is checked with the real config parser before it
//! is written, and read back after.

mod ask;
mod render;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use super::prepare::PrepareOptions;
use super::prompt::Prompter;
use crate::config::{self, ConfigFile, FileKind, PROJECT_FILE, Template, Tier};
use crate::dirs::Dirs;
use crate::models::ModelSource;
use crate::names;

pub use render::render;

const EXAMPLES: &str = "\
Examples:
  cc-bedrock init                                  ask on the terminal
  cc-bedrock init --yes                            defaults, no questions, no AWS call
  cc-bedrock init --region eu-west-1 \\
      --sonnet eu.anthropic.claude-sonnet-4-5-20250929-v1:0 \\
      --tag team=payments --tag cost-center=1234
  cc-bedrock init --force --main opus              replace the existing file";

/// Write a commented .cc-bedrock.toml at the repository root.
#[derive(Debug, Default, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct InitArgs {
    /// AWS Region of the profiles (default: AWS_REGION, your AWS config, else us-east-1).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Model of the opus tier: a system inference profile id, a model id or an ARN.
    #[arg(long, value_name = "MODEL")]
    pub opus: Option<String>,
    /// Model of the sonnet tier.
    #[arg(long, value_name = "MODEL")]
    pub sonnet: Option<String>,
    /// Model of the haiku tier.
    #[arg(long, value_name = "MODEL")]
    pub haiku: Option<String>,
    /// Tier used as Claude Code's main model.
    #[arg(long, value_name = "TIER", value_parser = ["opus", "sonnet", "haiku"])]
    pub main: Option<String>,
    /// A cost-allocation tag, KEY=VALUE (repeatable; values may use {user}, {repo}, {tier}).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// Named AWS profile (~/.aws/config) whose credentials to use.
    #[arg(long, value_name = "NAME")]
    pub aws_profile: Option<String>,
    /// Ask nothing; what the flags don't say takes its default.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Replace an existing .cc-bedrock.toml.
    #[arg(long)]
    pub force: bool,
}

impl InitArgs {
    /// Whether any flag sets a value (then nothing is asked).
    fn sets_values(&self) -> bool {
        self.region.is_some()
            || self.opus.is_some()
            || self.sonnet.is_some()
            || self.haiku.is_some()
            || self.main.is_some()
            || !self.tags.is_empty()
            || self.aws_profile.is_some()
    }
}

/// Everything the written file says.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub region: String,
    pub aws_profile: Option<String>,
    /// Model source per tier, in opus, sonnet, haiku order.
    pub models: Vec<(Tier, String)>,
    pub main: Tier,
    /// Extra tags (cc-bedrock always adds `user` and `repo`).
    pub tags: Vec<(String, String)>,
}

pub fn run(args: &InitArgs, opts: &PrepareOptions) -> Result<i32> {
    let dirs = Dirs::from_env()?;
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let root = config::find_git_root(&cwd).unwrap_or_else(|| cwd.clone());
    let path = root.join(PROJECT_FILE);
    if path.exists() && !args.force {
        bail!(
            "{} already exists; nothing was written.\n\
             Edit it, or run `cc-bedrock init --force` to replace it.",
            path.display()
        );
    }

    let defaults = flag_answers(args, &dirs)?;
    let prompter = if args.yes || args.sets_values() {
        None
    } else {
        Prompter::from_stdin()
    };
    let answers = match prompter {
        Some(mut p) => {
            let Some(answers) = ask::interactive(&mut p, defaults, &path, opts.quiet)? else {
                eprintln!("Nothing was written.");
                return Ok(1);
            };
            answers
        }
        None => defaults,
    };

    let text = render(&answers);
    check(&path, &text)
        .context("cc-bedrock generated an invalid config (a bug; please report it)")?;
    write_new(&path, &text, args.force)?;
    // Read back what landed on disk: it is what every later launch will parse.
    let on_disk = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read back {}", path.display()))?;
    check(&path, &on_disk)?;
    // The user wrote this file just now: allow it, or the first launch would ask about it.
    crate::trust::allow(&dirs, &path, &on_disk)?;

    let mut out = std::io::stdout().lock();
    writeln!(out, "Wrote {}", path.display())?;
    let main_model = answers
        .models
        .iter()
        .find(|(t, _)| *t == answers.main)
        .map(|(_, m)| m.as_str())
        .unwrap_or("");
    writeln!(
        out,
        "  Region {}, main model {} ({main_model})",
        answers.region, answers.main
    )?;
    if !answers.tags.is_empty() {
        let tags: Vec<String> = answers
            .tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(out, "  tags {} (plus user and repo)", tags.join(", "))?;
    }
    writeln!(
        out,
        "Next: `cc-bedrock status` checks it against AWS; `cc-bedrock` starts Claude Code.\n\
         Commit {PROJECT_FILE} so everyone working in this repository shares it."
    )?;
    Ok(0)
}

/// The answers the flags give, with defaults for the rest; every value is checked here so a bad
/// flag is reported as a flag, not as a line of a file that does not exist yet.
fn flag_answers(args: &InitArgs, dirs: &Dirs) -> Result<Answers> {
    let region = match &args.region {
        Some(r) => check_region(r)
            .map_err(anyhow::Error::msg)
            .context("--region")?,
        None => default_region(dirs),
    };
    let aws_profile = match &args.aws_profile {
        Some(p) if p.trim().is_empty() => bail!("--aws-profile must not be empty"),
        Some(p) => Some(p.trim().to_string()),
        None => None,
    };
    let mut models = Vec::new();
    for (tier, flag, default) in [
        (Tier::Opus, &args.opus, config::DEFAULT_OPUS),
        (Tier::Sonnet, &args.sonnet, config::DEFAULT_SONNET),
        (Tier::Haiku, &args.haiku, config::DEFAULT_HAIKU),
    ] {
        let source = match flag {
            Some(m) => check_model(m)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("--{tier}"))?,
            None => default.to_string(),
        };
        models.push((tier, source));
    }
    let main = match &args.main {
        Some(t) => t
            .parse::<Tier>()
            .map_err(anyhow::Error::msg)
            .context("--main")?,
        None => Tier::Sonnet,
    };
    let tags = parse_tags(args.tags.iter().map(String::as_str))
        .map_err(anyhow::Error::msg)
        .context("--tag")?;
    Ok(Answers {
        region,
        aws_profile,
        models,
        main,
        tags,
    })
}

/// The Region the environment would give a launch (user config, AWS_REGION, AWS config), else
/// us-east-1 (where every `global.` Claude profile is available).
fn default_region(dirs: &Dirs) -> String {
    let user = dirs.user_config();
    let files = std::fs::read_to_string(&user)
        .ok()
        .map(|text| {
            vec![ConfigFile {
                path: user.clone(),
                kind: FileKind::User,
                text,
            }]
        })
        .unwrap_or_default();
    config::resolve(files)
        .ok()
        .and_then(|s| crate::target::Target::resolve(&s).ok())
        .map(|t| t.region)
        .unwrap_or_else(|| "us-east-1".to_string())
}

/// Checks an AWS Region name (the same rule as the config's `region`).
pub fn check_region(raw: &str) -> Result<String, String> {
    let r = raw.trim();
    if r.is_empty()
        || !r
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || !r.contains('-')
    {
        return Err(format!("`{r}` is not an AWS Region (e.g. us-east-1)"));
    }
    Ok(r.to_string())
}

/// Checks a model source.
pub fn check_model(raw: &str) -> Result<String, String> {
    let m = raw.trim();
    ModelSource::parse(m).map_err(|e| format!("`{m}` {e}"))?;
    Ok(m.to_string())
}

/// Parses `KEY=VALUE` tags, checking keys and value templates as the config does.
pub fn parse_tags<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let Some((k, v)) = item.split_once('=') else {
            return Err(format!("`{item}` is not KEY=VALUE"));
        };
        let (k, v) = (k.trim(), v.trim());
        names::check_tag_key(k)?;
        if k.starts_with(names::MANAGED_TAG_PREFIX) {
            return Err(format!(
                "tag keys starting with `{}` are reserved for cc-bedrock",
                names::MANAGED_TAG_PREFIX
            ));
        }
        Template::parse(v)?;
        match out.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.to_string(),
            None => out.push((k.to_string(), v.to_string())),
        }
    }
    if out.len() > names::MAX_USER_TAGS {
        return Err(format!("at most {} tags", names::MAX_USER_TAGS));
    }
    Ok(out)
}

/// Parses and resolves `text` as the project file at `path`.
fn check(path: &Path, text: &str) -> Result<()> {
    let file = ConfigFile {
        path: path.to_path_buf(),
        kind: FileKind::Project,
        text: text.to_string(),
    };
    config::parse(&file)?;
    config::resolve(vec![file])?;
    Ok(())
}

/// Writes `text` to `path` through a temp file. Without `force` the final step is a hard link,
/// which fails if the file appeared meanwhile, so an existing file is never clobbered. Mode is
/// the umask default (the file is meant to be committed), not the 0600 of cc-bedrock's own data.
fn write_new(path: &Path, text: &str, force: bool) -> Result<()> {
    let dir = path.parent().context("the config path has no directory")?;
    let tmp: PathBuf = dir.join(format!(".{PROJECT_FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    let result = if force {
        std::fs::rename(&tmp, path)
    } else {
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        linked
    };
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| {
        format!(
            "cannot write {}{}",
            path.display(),
            if force {
                ""
            } else {
                " (use --force to replace it)"
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_flag_values() {
        assert_eq!(check_region(" eu-west-1 ").unwrap(), "eu-west-1");
        assert!(check_region("EU").is_err());
        assert!(check_model("sonnet").is_err());
        assert!(check_model(config::DEFAULT_SONNET).is_ok());
        let tags = parse_tags(["team=payments", " cost center = {repo} ", "team=core"]).unwrap();
        assert_eq!(
            tags,
            [
                ("team".to_string(), "core".to_string()),
                ("cost center".into(), "{repo}".into())
            ]
        );
        assert!(parse_tags(["novalue"]).is_err());
        assert!(
            parse_tags(["cc-bedrock:managed=x"])
                .unwrap_err()
                .contains("reserved")
        );
        assert!(parse_tags(["a,b=c"]).is_err());
        assert!(
            parse_tags(["k={nope}"])
                .unwrap_err()
                .contains("placeholder")
        );
    }

    #[test]
    fn writes_without_clobbering() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(PROJECT_FILE);
        write_new(&p, "a = 1\n", false).unwrap();
        assert!(
            write_new(&p, "b = 2\n", false)
                .unwrap_err()
                .to_string()
                .contains("--force")
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a = 1\n");
        write_new(&p, "b = 2\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "b = 2\n");
        assert_eq!(
            std::fs::read_dir(d.path()).unwrap().count(),
            1,
            "no temp file left behind"
        );
    }
}
