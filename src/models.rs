//! Model sources: what a tier's `models.<tier>` value names, and what it means for routing and price.
//!
//! A source is a system-defined inference profile id (`global.anthropic.…`, `us.anthropic.…`), a
//! foundation model id (`anthropic.…`), or a full ARN of either. From it we derive the foundation
//! model id (the price-table key) and the [`Scope`] (global / geographic / in-region / GovCloud),
//! which decides the price multiplier.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The geographic prefixes of system-defined inference profiles.
const GEO_PREFIXES: &[&str] = &["us", "eu", "apac", "jp", "au", "ca"];

/// How a request is routed, which is what Bedrock's price depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "prefix")]
pub enum Scope {
    /// A `global.` cross-Region profile: the base price.
    Global,
    /// A geographic cross-Region profile (`us.`, `eu.`, …): base × geo multiplier.
    Geographic(String),
    /// A foundation model invoked in one Region: priced like a geographic profile.
    InRegion,
    /// A `us-gov.` profile or a GovCloud Region: base × GovCloud multiplier.
    GovCloud,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::Geographic(p) => write!(f, "geographic ({p}.)"),
            Scope::InRegion => f.write_str("in-region"),
            Scope::GovCloud => f.write_str("govcloud"),
        }
    }
}

/// What kind of thing a model source string names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// `global.anthropic.…` / `us.anthropic.…`: its ARN carries the account, so it is looked up.
    SystemProfileId,
    /// `anthropic.claude-…`: its ARN is `arn:<partition>:bedrock:<region>::foundation-model/<id>`.
    FoundationModelId,
    /// `arn:…:inference-profile/…`: used as is.
    SystemProfileArn,
    /// `arn:…:foundation-model/…`: used as is.
    FoundationModelArn,
}

/// A parsed model source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSource {
    /// The text as configured.
    pub raw: String,
    pub kind: SourceKind,
    /// The foundation model id behind it, e.g. `anthropic.claude-sonnet-4-5-20250929-v1:0`.
    pub model_id: String,
    pub scope: Scope,
}

/// Why a model source string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("is empty")]
    Empty,
    #[error(
        "is an application inference profile; Bedrock cannot copy one application profile into another. Name the system profile or foundation model it wraps instead"
    )]
    ApplicationProfile,
    #[error("is not a Bedrock model id, system inference profile id, or ARN")]
    Unrecognised,
}

impl ModelSource {
    /// Parses a model source as written in config.
    pub fn parse(raw: &str) -> Result<Self, SourceError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(SourceError::Empty);
        }
        let (kind, id) = if let Some(rest) = raw.strip_prefix("arn:") {
            // arn:<partition>:bedrock:<region>:<account>:<resource-type>/<id>
            let resource = rest
                .splitn(5, ':')
                .nth(4)
                .ok_or(SourceError::Unrecognised)?;
            let (rtype, id) = resource.split_once('/').ok_or(SourceError::Unrecognised)?;
            match rtype {
                "inference-profile" => (SourceKind::SystemProfileArn, id),
                "foundation-model" => (SourceKind::FoundationModelArn, id),
                "application-inference-profile" => return Err(SourceError::ApplicationProfile),
                _ => return Err(SourceError::Unrecognised),
            }
        } else if raw.contains('/') || raw.contains(char::is_whitespace) {
            return Err(SourceError::Unrecognised);
        } else if split_geo_prefix(raw).is_some() {
            (SourceKind::SystemProfileId, raw)
        } else if raw.contains('.') {
            (SourceKind::FoundationModelId, raw)
        } else {
            return Err(SourceError::Unrecognised);
        };
        let (scope, model_id) = match split_geo_prefix(id) {
            Some((prefix, model)) => (scope_of_prefix(prefix), model.to_string()),
            None => {
                let in_gov = raw.starts_with("arn:aws-us-gov:");
                (
                    if in_gov {
                        Scope::GovCloud
                    } else {
                        Scope::InRegion
                    },
                    id.to_string(),
                )
            }
        };
        Ok(Self {
            raw: raw.to_string(),
            kind,
            model_id,
            scope,
        })
    }

    /// The `copyFrom` ARN when it can be derived without asking AWS (everything but a system
    /// profile id, whose ARN carries the account and must come from the API).
    pub fn static_arn(&self, region: &str) -> Option<String> {
        match self.kind {
            SourceKind::SystemProfileArn | SourceKind::FoundationModelArn => Some(self.raw.clone()),
            SourceKind::FoundationModelId => Some(format!(
                "arn:{}:bedrock:{region}::foundation-model/{}",
                partition(region),
                self.raw
            )),
            SourceKind::SystemProfileId => None,
        }
    }

    /// The system profile id to look up (`GetInferenceProfile`), for a [`SourceKind::SystemProfileId`].
    pub fn system_profile_id(&self) -> Option<&str> {
        (self.kind == SourceKind::SystemProfileId).then_some(self.raw.as_str())
    }

    /// A short slug for names: `anthropic.claude-sonnet-4-5-20250929-v1:0` -> `sonnet-4-5`.
    pub fn short_name(&self) -> String {
        short_model_name(&self.model_id)
    }
}

/// Splits `us.anthropic.x` into (`us`, `anthropic.x`); `None` if there is no profile prefix.
fn split_geo_prefix(id: &str) -> Option<(&str, &str)> {
    let (prefix, rest) = id.split_once('.')?;
    let known = prefix == "global" || prefix == "us-gov" || GEO_PREFIXES.contains(&prefix);
    (known && rest.contains('.')).then_some((prefix, rest))
}

fn scope_of_prefix(prefix: &str) -> Scope {
    match prefix {
        "global" => Scope::Global,
        "us-gov" => Scope::GovCloud,
        p => Scope::Geographic(p.to_string()),
    }
}

/// The AWS partition of a region.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    }
}

/// `anthropic.claude-sonnet-4-5-20250929-v1:0` -> `sonnet-4-5`; unknown shapes are kept, trimmed.
pub fn short_model_name(model_id: &str) -> String {
    let id = model_id.rsplit('.').next().unwrap_or(model_id);
    let id = id.strip_prefix("claude-").unwrap_or(id);
    let id = id.split(':').next().unwrap_or(id);
    let parts: Vec<&str> = id
        .split('-')
        .take_while(|p| !(p.len() == 8 && p.chars().all(|c| c.is_ascii_digit())))
        .filter(|p| {
            !(p.starts_with('v') && p[1..].chars().all(|c| c.is_ascii_digit()) && p.len() > 1)
        })
        .collect();
    parts.join("-")
}

/// The foundation model id inside an ARN or id: `…/us.anthropic.x` -> `anthropic.x`.
pub fn model_id_of(id_or_arn: &str) -> String {
    let id = id_or_arn.rsplit('/').next().unwrap_or(id_or_arn);
    match split_geo_prefix(id) {
        Some((_, model)) => model.to_string(),
        None => id.to_string(),
    }
}

/// Whether an id is an application inference profile ARN.
pub fn is_application_profile_arn(id: &str) -> bool {
    id.starts_with("arn:") && id.contains(":application-inference-profile/")
}

/// The account id in an ARN (`arn:aws:bedrock:us-east-1:123456789012:…`).
pub fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let s = ModelSource::parse("global.anthropic.claude-sonnet-4-5-20250929-v1:0").unwrap();
        assert_eq!(s.kind, SourceKind::SystemProfileId);
        assert_eq!(s.scope, Scope::Global);
        assert_eq!(s.model_id, "anthropic.claude-sonnet-4-5-20250929-v1:0");
        assert_eq!(s.static_arn("us-east-1"), None);

        let s = ModelSource::parse("us.anthropic.claude-haiku-4-5-20251001-v1:0").unwrap();
        assert_eq!(s.scope, Scope::Geographic("us".into()));

        let s = ModelSource::parse("us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0").unwrap();
        assert_eq!(s.scope, Scope::GovCloud);

        let s = ModelSource::parse("anthropic.claude-3-5-haiku-20241022-v1:0").unwrap();
        assert_eq!(s.kind, SourceKind::FoundationModelId);
        assert_eq!(s.scope, Scope::InRegion);
        assert_eq!(
            s.static_arn("us-gov-west-1").unwrap(),
            "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"
        );

        let arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0";
        let s = ModelSource::parse(arn).unwrap();
        assert_eq!(s.kind, SourceKind::SystemProfileArn);
        assert_eq!(s.scope, Scope::Geographic("eu".into()));
        assert_eq!(s.static_arn("us-east-1").unwrap(), arn);

        let arn =
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-1-20250805-v1:0";
        let s = ModelSource::parse(arn).unwrap();
        assert_eq!(s.kind, SourceKind::FoundationModelArn);
        assert_eq!(s.model_id, "anthropic.claude-opus-4-1-20250805-v1:0");
    }

    #[test]
    fn refuses_application_profiles_and_junk() {
        assert_eq!(
            ModelSource::parse("arn:aws:bedrock:us-east-1:1:application-inference-profile/x"),
            Err(SourceError::ApplicationProfile)
        );
        assert_eq!(ModelSource::parse(""), Err(SourceError::Empty));
        assert_eq!(ModelSource::parse("sonnet"), Err(SourceError::Unrecognised));
        assert_eq!(ModelSource::parse("a/b.c"), Err(SourceError::Unrecognised));
    }

    #[test]
    fn short_names() {
        assert_eq!(
            short_model_name("anthropic.claude-sonnet-4-5-20250929-v1:0"),
            "sonnet-4-5"
        );
        assert_eq!(short_model_name("anthropic.claude-opus-4-6-v1"), "opus-4-6");
        assert_eq!(
            short_model_name("anthropic.claude-3-5-haiku-20241022-v1:0"),
            "3-5-haiku"
        );
        assert_eq!(
            model_id_of("arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.x-v1:0"),
            "anthropic.x-v1:0"
        );
    }
}
