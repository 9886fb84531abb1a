//! The fake's state: inference profiles (seeded system profiles + application profiles), request
//! tokens, pending faults, recorded requests and the usage served per model.

use std::collections::{HashMap, VecDeque};

use super::util;
use super::{AppProfile, FakeUsage, Fault, Op, Recorded};

/// Claude 4.x models of the price table (`reference/prices.toml`), with display names. Seeded as
/// `global.`, `us.` and `eu.` system profiles (plus `apac.` for Sonnet 4.5).
pub const CLAUDE_4_MODELS: &[(&str, &str)] = &[
    ("anthropic.claude-opus-4-20250514-v1:0", "Claude Opus 4"),
    ("anthropic.claude-opus-4-1-20250805-v1:0", "Claude Opus 4.1"),
    ("anthropic.claude-opus-4-5-20251101-v1:0", "Claude Opus 4.5"),
    ("anthropic.claude-opus-4-6-v1", "Claude Opus 4.6"),
    ("anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4"),
    (
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "Claude Sonnet 4.5",
    ),
    ("anthropic.claude-sonnet-4-6", "Claude Sonnet 4.6"),
    (
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        "Claude Haiku 4.5",
    ),
];

/// Destination regions of geographic system profiles (the real lists are longer; 2-3 suffice).
fn geo_regions(prefix: &str) -> Option<&'static [&'static str]> {
    Some(match prefix {
        "us" => &["us-east-1", "us-east-2", "us-west-2"],
        "eu" => &["eu-central-1", "eu-west-1", "eu-west-3"],
        "apac" => &["ap-northeast-1", "ap-southeast-1", "ap-southeast-2"],
        "jp" => &["ap-northeast-1", "ap-northeast-3"],
        "au" => &["ap-southeast-2", "ap-southeast-4"],
        "ca" => &["ca-central-1", "ca-west-1"],
        "us-gov" => &["us-gov-west-1", "us-gov-east-1"],
        _ => return None,
    })
}

/// Splits `us.anthropic.x` into (`Some("us")`, `anthropic.x`); ids without a routing prefix stay whole.
pub fn split_routing_prefix(id: &str) -> (Option<&str>, &str) {
    match id.split_once('.') {
        Some((p, rest)) if p == "global" || geo_regions(p).is_some() => (Some(p), rest),
        _ => (None, id),
    }
}

/// `anthropic.claude-sonnet-4-5-20250929-v1:0` -> `claude-sonnet-4-5-20250929` (the name the
/// Anthropic API uses), best effort.
pub fn anthropic_model_name(model_id: &str) -> String {
    let s = model_id.strip_prefix("anthropic.").unwrap_or(model_id);
    let s = s.split(':').next().unwrap_or(s);
    match s.rsplit_once("-v") {
        Some((head, v)) if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) => {
            head.to_string()
        }
        _ => s.to_string(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    System,
    Application,
}

impl Kind {
    pub fn wire(self) -> &'static str {
        match self {
            Kind::System => "SYSTEM_DEFINED",
            Kind::Application => "APPLICATION",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Profile {
    /// Creation order; pagination tokens point into it, so pages stay stable across deletes.
    pub seq: u64,
    pub kind: Kind,
    pub name: String,
    pub id: String,
    pub arn: String,
    pub description: Option<String>,
    pub models: Vec<String>,
    /// The `copyFrom` ARN (empty for system profiles).
    pub copy_from: String,
    pub tags: Vec<(String, String)>,
    pub created_at: String,
}

impl Profile {
    /// The summary / GetInferenceProfile shape.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "inferenceProfileName": self.name,
            "inferenceProfileArn": self.arn,
            "inferenceProfileId": self.id,
            "models": self.models.iter().map(|m| serde_json::json!({ "modelArn": m })).collect::<Vec<_>>(),
            "status": "ACTIVE",
            "type": self.kind.wire(),
            "createdAt": self.created_at,
            "updatedAt": self.created_at,
        });
        if let Some(d) = &self.description {
            v["description"] = serde_json::Value::String(d.clone());
        }
        v
    }

    pub fn to_app_profile(&self) -> AppProfile {
        AppProfile {
            name: self.name.clone(),
            arn: self.arn.clone(),
            id: self.id.clone(),
            copy_from: self.copy_from.clone(),
            model_arns: self.models.clone(),
            tags: self.tags.clone(),
            description: self.description.clone(),
        }
    }
}

/// A fault waiting for requests of `op`.
pub struct PendingFault {
    pub op: Op,
    pub remaining: usize,
    pub fault: Fault,
}

/// Why a `copyFrom` was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CopyFromError {
    ApplicationProfile,
    Invalid,
}

pub struct State {
    pub region: String,
    pub account: String,
    /// The account STS `GetCallerIdentity` reports, when not `account`.
    pub caller_account: Option<String>,
    /// System profiles first (seeded), then application profiles, in `seq` order.
    pub profiles: Vec<Profile>,
    next_seq: u64,
    /// clientRequestToken -> (request fingerprint, ARN it created).
    pub tokens: HashMap<String, (String, String)>,
    pub page_size: usize,
    pub quota: usize,
    pub faults: VecDeque<PendingFault>,
    pub conflict_next_create: bool,
    pub requests: Vec<Recorded>,
    /// (model id substring, usage); the last matching entry wins.
    pub usages: Vec<(String, FakeUsage)>,
    pub log: bool,
}

impl State {
    pub fn new(region: &str, account: &str) -> Self {
        let mut s = State {
            region: region.to_string(),
            account: account.to_string(),
            caller_account: None,
            profiles: Vec::new(),
            next_seq: 1,
            tokens: HashMap::new(),
            page_size: 1000,
            quota: 1000,
            faults: VecDeque::new(),
            conflict_next_create: false,
            requests: Vec::new(),
            usages: Vec::new(),
            log: false,
        };
        for (model, _) in CLAUDE_4_MODELS {
            for prefix in ["global", "us", "eu"] {
                s.add_system(&format!("{prefix}.{model}"));
            }
        }
        s.add_system("apac.anthropic.claude-sonnet-4-5-20250929-v1:0");
        s.usages = vec![
            ("sonnet".into(), FakeUsage::sonnet()),
            ("haiku".into(), FakeUsage::haiku()),
            ("opus".into(), FakeUsage::opus()),
        ];
        s
    }

    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq - 1
    }

    pub fn system_arn(&self, id: &str) -> String {
        format!(
            "arn:aws:bedrock:{}:{}:inference-profile/{id}",
            self.region, self.account
        )
    }

    pub fn foundation_arn(&self, region: &str, model: &str) -> String {
        format!("arn:aws:bedrock:{region}::foundation-model/{model}")
    }

    /// Adds a system-defined profile (idempotent).
    pub fn add_system(&mut self, id: &str) {
        if self
            .profiles
            .iter()
            .any(|p| p.kind == Kind::System && p.id == id)
        {
            return;
        }
        let (prefix, model) = split_routing_prefix(id);
        let models = match prefix {
            // A global profile lists a region-less foundation-model ARN.
            Some("global") => vec![self.foundation_arn("", model)],
            Some(p) => geo_regions(p)
                .unwrap_or(&[])
                .iter()
                .map(|r| self.foundation_arn(r, model))
                .collect(),
            None => vec![self.foundation_arn(&self.region, model)],
        };
        let display = CLAUDE_4_MODELS
            .iter()
            .find(|(m, _)| *m == model)
            .map_or_else(|| model.to_string(), |(_, n)| format!("Anthropic {n}"));
        let prefix_label = prefix.unwrap_or("").to_ascii_uppercase();
        let (name, description) = if prefix == Some("global") {
            (
                format!("Global {display}"),
                format!("Routes requests to {display} globally across all supported AWS Regions."),
            )
        } else {
            let regions = models
                .iter()
                .filter_map(|a| a.split(':').nth(3))
                .collect::<Vec<_>>()
                .join(", ");
            (
                format!("{prefix_label} {display}").trim().to_string(),
                format!("Routes requests to {display} in {regions}."),
            )
        };
        let seq = self.seq();
        let arn = self.system_arn(id);
        self.profiles.push(Profile {
            seq,
            kind: Kind::System,
            name,
            id: id.to_string(),
            arn,
            description: Some(description),
            models,
            copy_from: String::new(),
            tags: Vec::new(),
            created_at: "2025-01-15T00:00:00.000Z".into(),
        });
    }

    /// Finds a profile by id or ARN (what Get/Delete accept).
    pub fn find(&self, ident: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.id == ident || p.arn == ident)
    }

    pub fn find_by_arn(&self, arn: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.arn == arn)
    }

    pub fn app_by_name(&self, name: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.kind == Kind::Application && p.name == name)
    }

    pub fn app_count(&self) -> usize {
        self.profiles
            .iter()
            .filter(|p| p.kind == Kind::Application)
            .count()
    }

    /// What a `copyFrom` ARN routes to: a known system profile's models, or a Claude foundation
    /// model of this region.
    pub fn resolve_copy_from(&self, copy_from: &str) -> Result<Vec<String>, CopyFromError> {
        if copy_from.contains(":application-inference-profile/") {
            return Err(CopyFromError::ApplicationProfile);
        }
        if let Some(p) = self.find_by_arn(copy_from) {
            return Ok(p.models.clone());
        }
        let prefix = format!("arn:aws:bedrock:{}::foundation-model/", self.region);
        match copy_from.strip_prefix(&prefix) {
            Some(model) if model.starts_with("anthropic.claude") => Ok(vec![copy_from.to_string()]),
            _ => Err(CopyFromError::Invalid),
        }
    }

    /// Inserts an application profile and returns its ARN.
    pub fn insert_app(
        &mut self,
        name: &str,
        description: Option<&str>,
        copy_from: &str,
        models: Vec<String>,
        tags: Vec<(String, String)>,
    ) -> String {
        let id = util::random_lower_alnum(12);
        let arn = format!(
            "arn:aws:bedrock:{}:{}:application-inference-profile/{id}",
            self.region, self.account
        );
        let seq = self.seq();
        self.profiles.push(Profile {
            seq,
            kind: Kind::Application,
            name: name.to_string(),
            id,
            arn: arn.clone(),
            description: description.map(str::to_string),
            models,
            copy_from: copy_from.to_string(),
            tags,
            created_at: util::now_rfc3339(),
        });
        arn
    }

    /// The foundation model id behind a runtime model id, or `None` for an application profile ARN
    /// this fake does not know (real Bedrock answers that with a ValidationException).
    pub fn backing_model(&self, model_id: &str) -> Option<String> {
        if model_id.contains(":application-inference-profile/") {
            let p = self
                .profiles
                .iter()
                .find(|p| p.kind == Kind::Application && p.arn == model_id)?;
            let first = p.models.first()?;
            return Some(first.rsplit('/').next().unwrap_or(first).to_string());
        }
        let tail = if model_id.starts_with("arn:") {
            model_id.rsplit('/').next().unwrap_or(model_id)
        } else {
            model_id
        };
        Some(split_routing_prefix(tail).1.to_string())
    }

    /// The usage served for a backing model id: the most recently set matching entry.
    pub fn usage_for_backing(&self, backing: &str) -> FakeUsage {
        self.usages
            .iter()
            .rev()
            .find(|(sub, _)| backing.contains(sub.as_str()))
            .map(|(_, u)| u.clone())
            .unwrap_or_else(|| FakeUsage {
                input: 10,
                output: 5,
                model_name: anthropic_model_name(backing),
                ..FakeUsage::default()
            })
    }

    /// Takes one use of the oldest pending fault for `op`.
    pub fn take_fault(&mut self, op: Op) -> Option<Fault> {
        let i = self.faults.iter().position(|f| f.op == op)?;
        let pending = &mut self.faults[i];
        let fault = pending.fault.clone();
        pending.remaining = pending.remaining.saturating_sub(1);
        if pending.remaining == 0 {
            self.faults.remove(i);
        }
        Some(fault)
    }
}
