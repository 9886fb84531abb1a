//! The profiles a launch needs: one per distinct model source, shared by the tiers that use it,
//! with its rendered name, description, tags and cache key.

use std::collections::BTreeMap;

use crate::cache::cache_key;
use crate::config::{Settings, TemplateVars, Tier};
use crate::models::ModelSource;
use crate::names;
use crate::target::Target;

/// One application inference profile the launch needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedProfile {
    pub key: String,
    pub name: String,
    pub description: String,
    pub source: ModelSource,
    /// Tiers routed to it, in opus, sonnet, haiku order.
    pub tiers: Vec<Tier>,
    /// User tags (rendered); cc-bedrock's own tags are added at creation.
    pub tags: Vec<(String, String)>,
}

/// Who and where: the values of `{user}` and `{repo}`.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: String,
    pub repo: String,
}

/// Plans the profiles for `settings` at `target`.
pub fn plan(settings: &Settings, target: &Target, who: &Identity) -> Vec<PlannedProfile> {
    let mut by_source: BTreeMap<&str, Vec<Tier>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for tier in Tier::ALL {
        let raw = settings.models[&tier].value.raw.as_str();
        if !by_source.contains_key(raw) {
            order.push(raw);
        }
        by_source.entry(raw).or_default().push(tier);
    }
    order
        .into_iter()
        .map(|raw| {
            let tiers = by_source.remove(raw).unwrap_or_default();
            let source = settings.models[&tiers[0]].value.clone();
            let vars: TemplateVars = [
                ("user", names::slug(&who.user)),
                ("repo", names::slug(&who.repo)),
                (
                    "tier",
                    tiers
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join("-"),
                ),
                ("model", source.short_name()),
                ("region", target.region.clone()),
            ]
            .into();
            let name = names::profile_name(&settings.name.value.render(&vars));
            let description = names::description(&settings.description.value.render(&vars));
            let mut raw_vars = vars.clone();
            raw_vars.insert("user", who.user.clone());
            raw_vars.insert("repo", who.repo.clone());
            let tags = settings
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), names::tag_value(&v.value.render(&raw_vars))))
                .collect();
            let key = cache_key(
                target.endpoint.as_deref(),
                &target.region,
                &target.identity,
                &name,
                &source.raw,
            );
            PlannedProfile {
                key,
                name,
                description,
                source,
                tiers,
                tags,
            }
        })
        .collect()
}

/// The current user's login name (`$USER`, else the password database).
pub fn current_user() -> String {
    if let Some(u) = std::env::var("USER").ok().filter(|u| !u.is_empty()) {
        return u;
    }
    // SAFETY: getpwuid returns a pointer into static storage or null; read it immediately.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if !pw.is_null() && !(*pw).pw_name.is_null() {
            return std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_string_lossy()
                .into_owned();
        }
    }
    "user".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, ConfigFile, FileKind};

    fn target() -> Target {
        Target {
            region: "us-east-1".into(),
            region_origin: "test".into(),
            aws_profile: None,
            aws_profile_from_config: false,
            identity: "default".into(),
            endpoint: None,
        }
    }

    #[test]
    fn one_profile_per_distinct_source() {
        let text = "[models]\nopus = \"global.anthropic.claude-sonnet-4-5-20250929-v1:0\"\n[tags]\nowner = \"{user}\"\n";
        let s = config::resolve(vec![ConfigFile {
            path: "/p".into(),
            kind: FileKind::User,
            text: text.into(),
        }])
        .unwrap();
        let who = Identity {
            user: "Alice".into(),
            repo: "my_proj.v2".into(),
        };
        let p = plan(&s, &target(), &who);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].tiers, [Tier::Opus, Tier::Sonnet]);
        assert_eq!(p[0].name, "cc-alice-my_proj-v2-opus-sonnet");
        assert_eq!(p[1].name, "cc-alice-my_proj-v2-haiku");
        assert!(p[0].tags.contains(&("owner".into(), "Alice".into())));
        assert!(p[0].tags.contains(&("repo".into(), "my_proj.v2".into())));
        assert_ne!(p[0].key, p[1].key);
    }
}
