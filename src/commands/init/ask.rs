//! The questions `init` asks on a terminal: Region, the model of each tier (a numbered list of
//! the account's SYSTEM_DEFINED Anthropic inference profiles in that Region), main tier, tags.
//!
//! Listing the models is the only AWS call; when it fails (no credentials yet, offline) the
//! questions still work with the defaults and any typed model id.

use std::path::Path;

use anyhow::Result;

use super::{Answers, check_model, check_region, parse_tags};
use crate::aws::{self, Aws, RemoteProfile};
use crate::commands::prompt::Prompter;
use crate::config::{self, Origin, Tier, Value};
use crate::models::{self, ModelSource, SourceKind};
use crate::target::Target;
use crate::ui::Progress;

/// Asks every question, starting from `defaults`; `None` when the user declines to write.
pub fn interactive(
    p: &mut Prompter,
    defaults: Answers,
    path: &Path,
    quiet: bool,
) -> Result<Option<Answers>> {
    p.say(&format!(
        "Creating {}. Press Enter to take the [default].",
        path.display()
    ));
    let region = p.ask_parsed("AWS Region", &defaults.region, check_region)?;

    let available = match system_models(&region, defaults.aws_profile.as_deref(), quiet) {
        Ok(list) => Some(list),
        Err(e) => {
            let first = format!("{e:#}");
            let first = first.lines().next().unwrap_or_default().to_string();
            p.say(&format!(
                "Cannot list the models of {region} ({first}).\nOffering the defaults; any model id, system inference profile id or ARN works."
            ));
            None
        }
    };

    let mut models = Vec::new();
    for tier in Tier::ALL {
        let default = defaults
            .models
            .iter()
            .find(|(t, _)| *t == tier)
            .map(|(_, m)| m.clone())
            .unwrap_or_default();
        let chosen = choose_model(p, tier, &default, available.as_deref(), &region)?;
        models.push((tier, chosen));
    }

    let main = p.ask_parsed(
        "Main model tier (opus, sonnet, haiku)",
        defaults.main.as_str(),
        |a| a.parse::<Tier>(),
    )?;
    p.say("Cost-allocation tags go on every profile (user and repo are always added).");
    let tags = p.ask_parsed(
        "Extra tags, KEY=VALUE separated by commas (e.g. team=payments,cost-center=1234)",
        "",
        |a| parse_tags(a.split(',')),
    )?;
    let answers = Answers {
        region,
        aws_profile: defaults.aws_profile,
        models,
        main,
        tags,
    };
    if !p.confirm(&format!("Write {}?", path.display()), true)? {
        return Ok(None);
    }
    Ok(Some(answers))
}

/// Asks for the model of `tier`: a number from the list, or any model source.
fn choose_model(
    p: &mut Prompter,
    tier: Tier,
    default: &str,
    available: Option<&[RemoteProfile]>,
    region: &str,
) -> Result<String> {
    let candidates = available
        .map(|all| candidates(all, tier))
        .unwrap_or_default();
    if candidates.is_empty() {
        return p.ask_parsed(&format!("Model for {tier}"), default, check_model);
    }
    let default = if candidates.iter().any(|c| c.id == default) {
        default.to_string()
    } else {
        // The built-in default is not offered here: prefer a global profile, as the defaults do.
        candidates
            .iter()
            .find(|c| c.id.starts_with("global."))
            .unwrap_or(&candidates[0])
            .id
            .clone()
    };
    p.say(&format!("\nModels for the {tier} tier in {region}:"));
    let width = candidates.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for (i, c) in candidates.iter().enumerate() {
        let mark = if c.id == default { "  (default)" } else { "" };
        p.say(&format!(
            "  {:>2}) {:<width$}  {}{mark}",
            i + 1,
            c.id,
            c.name
        ));
    }
    let chosen =
        p.ask_parsed(
            &format!("Model for {tier} (number or id)"),
            &default,
            |a| match a.parse::<usize>() {
                Ok(n) if (1..=candidates.len()).contains(&n) => Ok(candidates[n - 1].id.clone()),
                Ok(_) => Err(format!(
                    "choose 1 to {}, or type a model id",
                    candidates.len()
                )),
                Err(_) => check_model(a),
            },
        )?;
    let is_system_id =
        ModelSource::parse(&chosen).is_ok_and(|s| s.kind == SourceKind::SystemProfileId);
    if is_system_id && !available.unwrap_or_default().iter().any(|c| c.id == chosen) {
        p.say(&format!("  Note: `{chosen}` is not a system inference profile in {region}; launches will fail until it is."));
    }
    Ok(chosen)
}

/// The Anthropic system profiles serving `tier`, newest version first, `global.` first per model.
fn candidates(all: &[RemoteProfile], tier: Tier) -> Vec<RemoteProfile> {
    let mut out: Vec<RemoteProfile> = all
        .iter()
        .filter(|p| {
            let model = models::model_id_of(&p.id);
            model.starts_with("anthropic.claude") && model.contains(tier.as_str())
        })
        .cloned()
        .collect();
    let global_first = |p: &RemoteProfile| if p.id.starts_with("global.") { 0 } else { 1 };
    out.sort_by(|a, b| {
        let (ma, mb) = (models::model_id_of(&a.id), models::model_id_of(&b.id));
        version(&mb)
            .cmp(&version(&ma))
            .then_with(|| mb.cmp(&ma))
            .then_with(|| global_first(a).cmp(&global_first(b)))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// The SYSTEM_DEFINED inference profiles of `region`.
fn system_models(
    region: &str,
    aws_profile: Option<&str>,
    quiet: bool,
) -> Result<Vec<RemoteProfile>> {
    let mut settings = config::resolve(Vec::new())?;
    settings.region = Some(Value {
        value: region.to_string(),
        origin: Origin::Default,
    });
    if let Some(p) = aws_profile {
        settings.aws_profile = Some(Value {
            value: p.to_string(),
            origin: Origin::Default,
        });
    }
    let target = Target::resolve(&settings)?;
    let progress = Progress::new(quiet);
    progress.set(&format!("listing the models in {region}"));
    let result = Aws::connect(&target).and_then(|aws| Ok(aws::system_profiles(&aws)?));
    progress.finish();
    result
}

/// The version in a Claude model id, for sorting: `anthropic.claude-opus-4-1-20250805-v1:0` ->
/// [4, 1], `anthropic.claude-3-5-sonnet-20240620-v1:0` -> [3, 5] (dates and `v1` are not versions).
fn version(model_id: &str) -> Vec<u32> {
    model_id
        .split(['-', '.', ':'])
        .filter(|p| (1..=2).contains(&p.len()))
        .map_while(|p| p.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(id: &str) -> RemoteProfile {
        RemoteProfile {
            name: id.to_string(),
            arn: format!("arn:aws:bedrock:us-east-1:123456789012:inference-profile/{id}"),
            id: id.to_string(),
            model_arns: vec![],
            status: "ACTIVE".into(),
            description: None,
            created_at: None,
        }
    }

    #[test]
    fn candidates_newest_first_global_first() {
        let all = [
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "us.anthropic.claude-sonnet-4-1-20250805-v1:0",
            "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
            "us.meta.llama3-sonnet-v1:0",
            "eu.anthropic.claude-sonnet-4-6",
        ]
        .map(sys);
        let ids: Vec<String> = candidates(&all, Tier::Sonnet)
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            ids,
            [
                "eu.anthropic.claude-sonnet-4-6",
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "us.anthropic.claude-sonnet-4-1-20250805-v1:0",
                "us.anthropic.claude-sonnet-4-20250514-v1:0",
                "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
            ]
        );
    }
}
