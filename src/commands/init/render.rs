//! The text of the `.cc-bedrock.toml` that `init` writes: every key it sets explained in a
//! comment, and the optional keys shown commented out with their defaults.
//!
//! Written by hand rather than serialised so the comments survive; values are quoted with JSON
//! string escapes, which TOML basic strings accept unchanged.

use super::Answers;
use crate::config::{self, Tier};

/// The file for `answers`.
pub fn render(a: &Answers) -> String {
    let mut s = String::new();
    let mut line = |text: &str| {
        s.push_str(text);
        s.push('\n');
    };
    line(
        "# cc-bedrock: Claude Code on Amazon Bedrock through tagged application inference profiles.",
    );
    line(
        "# Written by `cc-bedrock init`. It applies in this directory and every one below it, over",
    );
    line(
        "# your user config (key by key). `cc-bedrock status` shows which value comes from where.",
    );
    line("");
    line("# AWS Region of the inference profiles and of Claude Code's requests.");
    line(&format!("region = {}", quote(&a.region)));
    line("");
    line("# Named AWS profile (~/.aws/config) whose credentials to use; unset: the default chain");
    line("# (AWS_PROFILE, environment variables, SSO, instance roles).");
    match &a.aws_profile {
        Some(p) => line(&format!("aws-profile = {}", quote(p))),
        None => line("# aws-profile = \"dev\""),
    }
    line("");
    line("# Refuse to launch with credentials of another AWS account (12 digits).");
    line("# account = \"123456789012\"");
    line("");
    line("# Which tier Claude Code uses as its main model, and which for background work.");
    line(&format!("main = {}", quote(a.main.as_str())));
    line("# small-fast = \"haiku\"");
    line("# Force every subagent onto one tier (unset: each agent picks its own).");
    line("# subagent = \"sonnet\"");
    line("");
    line("# Name and description of each profile. Placeholders: {user}, {repo}, {tier}, {model},");
    line(
        "# {region}. Names are sanitised to Bedrock's rules (letters, digits, - and _; 64 characters).",
    );
    line(&format!("# name = {}", quote(config::DEFAULT_NAME)));
    line(&format!(
        "# description = {}",
        quote(config::DEFAULT_DESCRIPTION)
    ));
    line("");
    line("# Print the one-line cost summary after each run.");
    line("# summary = true");
    line("");
    line("[models]");
    line("# The model of each tier: a system inference profile id (global., us., eu., apac. ...),");
    line(
        "# a foundation model id, or an ARN. Tiers with the same model share one profile. Profiles",
    );
    line(
        "# cannot be changed: after changing a model here, the next launch creates a new profile.",
    );
    for tier in Tier::ALL {
        if let Some((_, m)) = a.models.iter().find(|(t, _)| *t == tier) {
            line(&format!("{tier} = {}", quote(m)));
        }
    }
    line("");
    line("[tags]");
    line("# Cost-allocation tags put on every profile this config creates; values may use the");
    line("# placeholders above. cc-bedrock always adds user = \"{user}\" and repo = \"{repo}\".");
    line("# Activate the keys under Billing > Cost allocation tags to split the bill by them.");
    if a.tags.is_empty() {
        line("# team = \"payments\"");
    }
    for (k, v) in &a.tags {
        line(&format!("{} = {}", key(k), quote(v)));
    }
    s
}

/// A TOML basic string.
fn quote(v: &str) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "\"\"".to_string())
}

/// A TOML key: bare when it can be, quoted otherwise (`cost center`, `team:a`).
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigFile, FileKind, Origin};

    fn answers() -> Answers {
        Answers {
            region: "eu-west-1".into(),
            aws_profile: Some("dev \"team\"".into()),
            models: vec![
                (Tier::Opus, config::DEFAULT_OPUS.into()),
                (
                    Tier::Sonnet,
                    "eu.anthropic.claude-sonnet-4-5-20250929-v1:0".into(),
                ),
                (Tier::Haiku, config::DEFAULT_HAIKU.into()),
            ],
            main: Tier::Opus,
            tags: vec![
                ("team".into(), "pay".into()),
                ("cost center".into(), "{repo}-x".into()),
            ],
        }
    }

    #[test]
    fn the_file_resolves_to_the_answers() {
        let path = std::path::PathBuf::from("/r/.cc-bedrock.toml");
        let text = render(&answers());
        let s = config::resolve(vec![ConfigFile {
            path: path.clone(),
            kind: FileKind::Project,
            text: text.clone(),
        }])
        .unwrap();
        assert_eq!(s.region.as_ref().unwrap().value, "eu-west-1");
        assert_eq!(s.aws_profile.as_ref().unwrap().value, "dev \"team\"");
        assert_eq!(s.main.value, Tier::Opus);
        assert_eq!(s.main.origin, Origin::File(path));
        assert_eq!(
            s.models[&Tier::Sonnet].value.raw,
            "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"
        );
        assert_eq!(s.tags["cost center"].value.source(), "{repo}-x");
        assert_eq!(
            s.tags["user"].value.source(),
            "{user}",
            "the default tags stay"
        );
        assert_eq!(
            s.name.origin,
            Origin::Default,
            "commented keys keep their defaults"
        );

        let mut bare = answers();
        bare.aws_profile = None;
        bare.tags.clear();
        let text = render(&bare);
        assert!(
            text.contains("# aws-profile = \"dev\"") && text.contains("# team = \"payments\""),
            "{text}"
        );
        assert!(
            config::resolve(vec![ConfigFile {
                path: "/x".into(),
                kind: FileKind::Project,
                text
            }])
            .is_ok()
        );
    }
}
