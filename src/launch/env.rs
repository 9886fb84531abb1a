//! The environment Claude Code gets: Bedrock on, the Region, and every model tier (main, opus,
//! sonnet, haiku, small/fast, and subagents when configured) pinned to a tagged profile ARN, so
//! no request can reach a bare or system model id.

use std::ffi::{OsStr, OsString};

use crate::cache::CachedProfile;
use crate::config::{Settings, Tier};
use crate::env_vars;
use crate::plan::PlannedProfile;
use crate::target::Target;

/// One change to the inherited environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvChange {
    Set(String, String),
    Remove(String),
}

/// The changes, in order, with the profile serving each tier.
#[derive(Debug, Clone)]
pub struct ChildEnv {
    pub changes: Vec<EnvChange>,
}

/// Whether the user's claude arguments pick a model themselves (`--model X`, `--model=X`).
pub fn user_chose_model(args: &[OsString]) -> bool {
    args.iter()
        .take_while(|a| a.as_os_str() != OsStr::new("--"))
        .any(|a| a == "--model" || a.as_encoded_bytes().starts_with(b"--model="))
}

/// Builds the environment for `claude`. `resolved[i]` is the cached profile of `plan[i]`.
pub fn child_env(
    settings: &Settings,
    target: &Target,
    plan: &[PlannedProfile],
    resolved: &[CachedProfile],
    user_chose_model: bool,
) -> ChildEnv {
    let arn_of = |tier: Tier| -> &CachedProfile {
        let i = plan
            .iter()
            .position(|p| p.tiers.contains(&tier))
            .expect("every tier is planned");
        &resolved[i]
    };
    let label = |tier: Tier| -> String {
        let p = arn_of(tier);
        format!(
            "{} via {}",
            crate::models::short_model_name(&p.model_id),
            p.name
        )
    };
    let mut changes = vec![
        EnvChange::Set(env_vars::USE_BEDROCK.into(), "1".into()),
        EnvChange::Set(env_vars::AWS_REGION.into(), target.region.clone()),
    ];
    if let Some(p) = target
        .aws_profile
        .as_ref()
        .filter(|_| target.aws_profile_from_config)
    {
        changes.push(EnvChange::Set(env_vars::AWS_PROFILE.into(), p.clone()));
    }
    if user_chose_model {
        // The user's --model wins over ANTHROPIC_MODEL; aliases still resolve to our profiles.
        changes.push(EnvChange::Remove(env_vars::ANTHROPIC_MODEL.into()));
    } else {
        changes.push(EnvChange::Set(
            env_vars::ANTHROPIC_MODEL.into(),
            arn_of(settings.main.value).arn.clone(),
        ));
    }
    for tier in Tier::ALL {
        changes.push(EnvChange::Set(
            tier.env_var().into(),
            arn_of(tier).arn.clone(),
        ));
        changes.push(EnvChange::Set(tier.name_env_var().into(), label(tier)));
    }
    changes.push(EnvChange::Set(
        env_vars::SMALL_FAST_MODEL.into(),
        arn_of(settings.small_fast.value).arn.clone(),
    ));
    // A small/fast model in another Region would not be our profile's Region.
    changes.push(EnvChange::Remove(env_vars::SMALL_FAST_MODEL_REGION.into()));
    match &settings.subagent {
        Some(tier) => changes.push(EnvChange::Set(
            env_vars::SUBAGENT_MODEL.into(),
            arn_of(tier.value).arn.clone(),
        )),
        None => {
            // An inherited subagent model that is not a tier alias would bypass the profiles.
            let inherited = env_vars::get(env_vars::SUBAGENT_MODEL);
            if inherited.is_some_and(|m| m.parse::<Tier>().is_err()) {
                changes.push(EnvChange::Remove(env_vars::SUBAGENT_MODEL.into()));
            }
        }
    }
    ChildEnv { changes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_model_flag() {
        let a = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(user_chose_model(&a(&["-p", "x", "--model", "opus"])));
        assert!(user_chose_model(&a(&["--model=haiku"])));
        assert!(!user_chose_model(&a(&["-p", "--", "--model"])));
        assert!(!user_chose_model(&a(&["--models"])));
    }
}
