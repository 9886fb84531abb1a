//! Which application inference profiles cc-bedrock manages in an account and Region, with their
//! tags and their last local use.
//!
//! Bedrock cannot filter profiles by tag, so every APPLICATION profile is listed and its tags
//! read (ListTagsForResource, a few requests at a time); the `cc-bedrock:managed` tag marks ours.
//! Local use comes from the ledger: a run's record names the profile ARNs it used.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail};
use jiff::Timestamp;

use crate::aws::{self, Aws, AwsError, Explained, RemoteProfile, explain};
use crate::models;
use crate::names;
use crate::ui::Progress;
use crate::usage::ledger;

/// Key-value tags of a resource.
pub type Tags = Vec<(String, String)>;

/// ListTagsForResource requests in flight at once: quick on a large account, gentle on the API.
const TAG_CONCURRENCY: usize = 8;

/// An application profile and what we know about it.
#[derive(Debug, Clone)]
pub struct Profile {
    pub remote: RemoteProfile,
    pub tags: Tags,
    pub usage: Usage,
    /// In the local profile cache (this machine launched with it).
    pub cached: bool,
}

impl Profile {
    /// Tagged `cc-bedrock:managed`.
    pub fn managed(&self) -> bool {
        self.tag(names::TAG_MANAGED).is_some_and(|v| v == "true")
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// What it was copied from: the source tag's id (`global.anthropic.…`), else the model id.
    pub fn model(&self) -> String {
        match self.tag(names::TAG_SOURCE) {
            Some(src) => src.rsplit('/').next().unwrap_or(src).to_string(),
            None => self
                .remote
                .model_arns
                .first()
                .map(|m| models::model_id_of(m))
                .unwrap_or_else(|| "?".into()),
        }
    }

    /// Tags the user configured (not cc-bedrock's own).
    pub fn user_tags(&self) -> impl Iterator<Item = &(String, String)> {
        self.tags
            .iter()
            .filter(|(k, _)| !k.starts_with(names::MANAGED_TAG_PREFIX))
    }

    pub fn created_at(&self) -> Option<Timestamp> {
        self.remote
            .created_at
            .as_deref()
            .and_then(|t| t.parse().ok())
    }
}

/// Local use of one profile, from the ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    /// End of the last run that used it.
    pub last_used: Option<Timestamp>,
    pub runs: u64,
    /// Cost of the priced usage through it; `None` when nothing was priced.
    pub cost_usd: Option<f64>,
}

/// Local use per profile ARN. An unreadable ledger is a warning, not a failure: listing and
/// deleting profiles must not depend on it.
pub fn usage_by_arn(ledger_path: &std::path::Path) -> HashMap<String, Usage> {
    let read = match ledger::read(ledger_path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cc-bedrock: warning: {e:#}; last use is unknown");
            return HashMap::new();
        }
    };
    let mut out: HashMap<String, Usage> = HashMap::new();
    for rec in &read.records {
        let end: Option<Timestamp> = rec.end.parse().ok();
        let mut arns: Vec<&str> = rec.profiles.iter().map(|p| p.arn.as_str()).collect();
        arns.extend(
            rec.models
                .iter()
                .map(|m| m.requested_id.as_str())
                .filter(|id| models::is_application_profile_arn(id)),
        );
        arns.sort_unstable();
        arns.dedup();
        for arn in arns {
            let u = out.entry(arn.to_string()).or_default();
            u.runs += 1;
            if end.is_some() && end > u.last_used {
                u.last_used = end;
            }
            for m in rec.models.iter().filter(|m| m.requested_id == arn) {
                if let Some(c) = m.cost_usd {
                    u.cost_usd = Some(u.cost_usd.unwrap_or(0.0) + c);
                }
            }
        }
    }
    out
}

/// Every APPLICATION profile of the account and Region with its tags.
pub fn list_all(aws: &Aws, progress: &Progress) -> Result<Vec<(RemoteProfile, Tags)>> {
    progress.set("listing application inference profiles");
    let listed = aws::list_profiles(aws)?;
    let arns: Vec<String> = listed.iter().map(|p| p.arn.clone()).collect();
    let tags = tags_of(aws, &arns, progress);
    let mut out = Vec::with_capacity(listed.len());
    for (remote, tags) in listed.into_iter().zip(tags) {
        match tags {
            Ok(t) => out.push((remote, t)),
            // Deleted between the list and the tag read: it is gone, leave it out.
            Err(e) if matches!(e.error, AwsError::NotFound { .. }) => {}
            Err(e) => return Err(anyhow!(e)),
        }
    }
    Ok(out)
}

/// The tags of each ARN, in order, read concurrently.
fn tags_of(aws: &Aws, arns: &[String], progress: &Progress) -> Vec<Result<Tags, Explained>> {
    let region = aws.target.region.clone();
    let total = arns.len();
    aws.block_on(async {
        let mut results: Vec<Option<Result<Tags, Explained>>> = (0..total).map(|_| None).collect();
        let mut set = tokio::task::JoinSet::new();
        let mut next = 0;
        let mut done = 0;
        while next < total || !set.is_empty() {
            while next < total && set.len() < TAG_CONCURRENCY {
                let client = aws.client.clone();
                let arn = arns[next].clone();
                let i = next;
                set.spawn(async move {
                    (
                        i,
                        client
                            .list_tags_for_resource()
                            .resource_arn(arn)
                            .send()
                            .await,
                    )
                });
                next += 1;
            }
            let Some(joined) = set.join_next().await else {
                break;
            };
            done += 1;
            progress.set(&format!("reading profile tags ({done}/{total})"));
            if let Ok((i, resp)) = joined {
                results[i] = Some(
                    resp.map(|r| {
                        r.tags()
                            .iter()
                            .map(|t| (t.key().to_string(), t.value().to_string()))
                            .collect()
                    })
                    .map_err(|e| explain("bedrock:ListTagsForResource", &region, &e)),
                );
            }
        }
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(Explained {
                        error: AwsError::Service {
                            code: "Internal".into(),
                            message: "the tag request did not finish".into(),
                        },
                        region: region.clone(),
                    })
                })
            })
            .collect()
    })
}

/// One application profile by name, id or ARN, with its tags.
pub fn find(aws: &Aws, ident: &str, progress: &Progress) -> Result<(RemoteProfile, Tags)> {
    let found = if ident.starts_with("arn:") {
        progress.set("looking up the profile");
        aws::get_profile(aws, ident)?
    } else {
        progress.set("listing application inference profiles");
        aws::list_profiles(aws)?
            .into_iter()
            .find(|p| p.name == ident || p.id == ident)
    };
    let Some(remote) = found else {
        bail!(
            "there is no application inference profile `{ident}` in {}.\n\
             `cc-bedrock profiles list` shows the ones cc-bedrock manages here (`--region` looks elsewhere).",
            aws.target.region
        );
    };
    if !models::is_application_profile_arn(&remote.arn) {
        bail!(
            "`{ident}` is a system-defined inference profile; cc-bedrock only manages application profiles"
        );
    }
    progress.set("reading its tags");
    let tags = aws::list_tags(aws, &remote.arn)?;
    Ok((remote, tags))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::ledger::LEDGER_SCHEMA;

    fn record(end: &str, arn: &str, cost: Option<f64>) -> serde_json::Value {
        let tokens = serde_json::to_value(crate::usage::Tokens::default()).unwrap();
        serde_json::json!({
            "schema": LEDGER_SCHEMA, "run_id": end, "start": end, "end": end, "duration_ms": 1,
            "exit_code": 0, "cwd": "/w", "user": "alice", "region": "us-east-1",
            "profiles": [{"name": "n", "arn": arn, "model_id": "m"}],
            "models": [{"requested_id": arn, "scope": {"kind": "global"}, "tokens": tokens, "cost_usd": cost, "price_known": cost.is_some()}],
            "tokens": tokens, "total_cost_usd": cost, "cost_complete": true, "basis": "transcript",
            "prices_version": "x"
        })
    }

    #[test]
    fn usage_from_the_ledger() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ledger.jsonl");
        let a = "arn:aws:bedrock:us-east-1:1:application-inference-profile/a";
        let lines = [
            record("2026-01-02T00:00:00Z", a, Some(1.5)).to_string(),
            "garbage".to_string(),
            record("2026-03-04T05:06:07Z", a, Some(0.5)).to_string(),
            record("2026-02-01T00:00:00Z", a, None).to_string(),
        ];
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        let u = usage_by_arn(&p);
        let got = &u[a];
        assert_eq!(got.runs, 3);
        assert_eq!(got.last_used, Some("2026-03-04T05:06:07Z".parse().unwrap()));
        assert_eq!(got.cost_usd, Some(2.0));
        assert!(usage_by_arn(&d.path().join("missing")).is_empty());
    }
}
