//! Find-or-create of the application inference profiles a launch needs.
//!
//! Cache hit: no AWS call. Miss: under a cross-process lock (so 8 concurrent first launches create
//! each profile exactly once), re-read the cache, list the account's APPLICATION profiles (all
//! pages) and match by name; a match must wrap the same model (profiles are immutable); otherwise
//! create it with the configured tags, cc-bedrock's own tags and a deterministic client request
//! token. A `ConflictException` means someone else created it meanwhile: list again and use it.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};

use super::api::{self, RemoteProfile};
use super::client::Aws;
use super::errors::AwsError;
use crate::cache::{CachedProfile, ProfileCache};
use crate::fsutil::LockFile;
use crate::models::{self, ModelSource};
use crate::names;
use crate::plan::PlannedProfile;
use crate::target::Target;

/// How hard to check cached entries.
#[derive(Debug, Clone, Copy)]
pub struct EnsureOptions {
    /// Re-check every cached profile against AWS (`--refresh`).
    pub refresh: bool,
    /// Re-check entries older than this many days (0: never).
    pub revalidate_days: i64,
}

/// The cached profile of every planned one (in plan order), creating what is missing, and the
/// cache as it now stands (the launcher prices the run with it, without reading it again).
/// `progress` is told what is being done (for a spinner); it is only called when AWS is contacted.
pub fn ensure_profiles(
    plan: &[PlannedProfile],
    target: &Target,
    cache_path: &Path,
    opts: EnsureOptions,
    progress: &dyn Fn(&str),
) -> Result<(Vec<CachedProfile>, ProfileCache)> {
    let now = unix_now();
    let cache = ProfileCache::load(cache_path);
    if let Some(hits) = all_fresh(plan, &cache, opts, now) {
        return Ok((hits, cache));
    }

    // Slow path: one process at a time per cache, so concurrent first launches don't race.
    let _lock = LockFile::acquire(&cache_path.with_extension("lock"))?;
    let mut cache = ProfileCache::load(cache_path);
    if let Some(hits) = all_fresh(plan, &cache, opts, now) {
        return Ok((hits, cache));
    }

    progress("connecting to Amazon Bedrock");
    let aws = Aws::connect(target)?;
    let mut listed: Option<Vec<RemoteProfile>> = None;
    let mut out = Vec::with_capacity(plan.len());
    for p in plan {
        // A profile deleted out of band must not be "re-created" with the token that created it
        // (AWS may answer a repeated token with the old, deleted ARN): salt the token with it.
        let mut deleted_arn: Option<String> = None;
        if let Some(entry) = cache.get(&p.key).cloned() {
            if !needs_check(&entry, opts, now) {
                out.push(entry);
                continue;
            }
            progress(&format!("checking profile {}", p.name));
            match api::get_profile(&aws, &entry.arn) {
                Ok(Some(_)) => {
                    let mut entry = entry;
                    entry.validated_at = now;
                    cache.insert(p.key.clone(), entry.clone());
                    out.push(entry);
                    continue;
                }
                Ok(None) => {
                    // Deleted out of band: forget it and create it again below.
                    cache.remove_arn(&entry.arn);
                    listed = None;
                    deleted_arn = Some(entry.arn);
                }
                Err(e)
                    if !opts.refresh
                        && matches!(e.error, AwsError::Unreachable { .. } | AwsError::TimedOut) =>
                {
                    // Offline: the cached ARN is the best we have; look again in a day.
                    let mut entry = entry;
                    entry.validated_at = now - (opts.revalidate_days.max(1) - 1) * 86_400;
                    cache.insert(p.key.clone(), entry.clone());
                    out.push(entry);
                    continue;
                }
                Err(e) => return Err(anyhow!(e)),
            }
        }
        let entry = resolve_one(&aws, p, &mut listed, deleted_arn.as_deref(), progress)?;
        cache.insert(p.key.clone(), entry.clone());
        out.push(entry);
    }
    cache
        .save(cache_path)
        .context("cannot write the profile cache")?;
    Ok((out, cache))
}

/// Every planned profile from the cache, if all are there and none needs a check.
fn all_fresh(
    plan: &[PlannedProfile],
    cache: &ProfileCache,
    opts: EnsureOptions,
    now: i64,
) -> Option<Vec<CachedProfile>> {
    plan.iter()
        .map(|p| {
            cache
                .get(&p.key)
                .filter(|e| !needs_check(e, opts, now))
                .cloned()
        })
        .collect()
}

fn needs_check(entry: &CachedProfile, opts: EnsureOptions, now: i64) -> bool {
    opts.refresh
        || (opts.revalidate_days > 0 && now - entry.validated_at > opts.revalidate_days * 86_400)
}

fn resolve_one(
    aws: &Aws,
    p: &PlannedProfile,
    listed: &mut Option<Vec<RemoteProfile>>,
    replaces: Option<&str>,
    progress: &dyn Fn(&str),
) -> Result<CachedProfile> {
    let source_arn = source_arn(aws, &p.source)?;
    if listed.is_none() {
        progress("listing application inference profiles");
        *listed = Some(api::list_profiles(aws)?);
    }
    let existing = listed
        .as_ref()
        .and_then(|l| l.iter().find(|r| r.name == p.name))
        .cloned();
    let (arn, created) = match existing {
        Some(remote) => {
            verify_backing(aws, &remote, p, &source_arn)?;
            (remote.arn, false)
        }
        None => {
            progress(&format!("creating inference profile {}", p.name));
            let mut tags = p.tags.clone();
            tags.push((names::TAG_MANAGED.to_string(), "true".to_string()));
            tags.push((names::TAG_SOURCE.to_string(), names::tag_value(&source_arn)));
            let salted = format!("{source_arn}{}", replaces.unwrap_or(""));
            let token = names::client_request_token(&p.name, &salted, &aws.target.region);
            let created =
                api::create_profile(aws, &p.name, &p.description, &source_arn, &tags, &token);
            // A repeated token is answered with the first create's ARN, even when that profile
            // has since been deleted (`profiles delete`, the console, another tool): check it is
            // alive, and if not, create again with the dead ARN mixed into the token.
            let created = match created {
                Ok(arn) if !arn.is_empty() && api::get_profile(aws, &arn)?.is_none() => {
                    let token = names::client_request_token(
                        &p.name,
                        &format!("{salted}{arn}"),
                        &aws.target.region,
                    );
                    api::create_profile(aws, &p.name, &p.description, &source_arn, &tags, &token)
                }
                other => other,
            };
            match created {
                Ok(arn) if arn.is_empty() => bail!(
                    "Bedrock created `{}` but returned no ARN; run again with --refresh",
                    p.name
                ),
                Ok(arn) => (arn, true),
                Err(e) if matches!(e.error, AwsError::Conflict { .. }) => {
                    // Created by someone else since we listed: take theirs if it is the same model.
                    let fresh = api::list_profiles(aws)?;
                    let remote = fresh.iter().find(|r| r.name == p.name).cloned().ok_or_else(|| {
                        anyhow!("Bedrock reported a conflict creating `{}` but no profile of that name is listed: {e}", p.name)
                    })?;
                    *listed = Some(fresh);
                    verify_backing(aws, &remote, p, &source_arn)?;
                    (remote.arn, false)
                }
                Err(e) if matches!(e.error, AwsError::Validation { .. }) => {
                    bail!(
                        "{e}\nThe model source was `{}` ({}); check that the model is enabled in this account and Region.",
                        p.source.raw,
                        source_arn
                    )
                }
                Err(e) => return Err(anyhow!(e)),
            }
        }
    };
    Ok(CachedProfile {
        name: p.name.clone(),
        account: models::account_of_arn(&arn).map(str::to_string),
        arn,
        source: p.source.raw.clone(),
        source_arn,
        model_id: p.source.model_id.clone(),
        scope: p.source.scope.clone(),
        region: aws.target.region.clone(),
        identity: aws.target.identity.clone(),
        created,
        validated_at: unix_now(),
    })
}

/// The `copyFrom` ARN of a source; a system profile id is looked up (its ARN carries the account).
fn source_arn(aws: &Aws, source: &ModelSource) -> Result<String> {
    if let Some(arn) = source.static_arn(&aws.target.region) {
        return Ok(arn);
    }
    let id = source.system_profile_id().unwrap_or(&source.raw);
    match api::get_profile(aws, id)? {
        Some(p) => Ok(p.arn),
        None => bail!(
            "`{id}` is not a system inference profile in {}. List the available ones with \
             `aws bedrock list-inference-profiles --type-equals SYSTEM_DEFINED --region {}` and \
             change the model source in the config.",
            aws.target.region,
            aws.target.region
        ),
    }
}

/// An existing profile of the wanted name must wrap the wanted model.
fn verify_backing(
    aws: &Aws,
    remote: &RemoteProfile,
    p: &PlannedProfile,
    source_arn: &str,
) -> Result<()> {
    let recorded_source = match api::list_tags(aws, &remote.arn) {
        Ok(tags) => tags
            .into_iter()
            .find(|(k, _)| k == names::TAG_SOURCE)
            .map(|(_, v)| v),
        Err(e) if matches!(e.error, AwsError::AccessDenied { .. }) => None,
        Err(e) => return Err(anyhow!(e)),
    };
    let matches = match recorded_source {
        Some(src) => src == names::tag_value(source_arn),
        None => remote
            .model_arns
            .iter()
            .all(|m| models::model_id_of(m) == p.source.model_id),
    };
    if matches {
        return Ok(());
    }
    let actual = remote
        .model_arns
        .first()
        .map(|m| models::model_id_of(m))
        .unwrap_or_else(|| "another model".into());
    bail!(
        "the inference profile `{}` already exists in {} but wraps {actual}, not `{}`.\n\
         Profiles cannot be changed. Delete it (`cc-bedrock profiles delete {}`) so it can be created \
         again, or change `name` in the config so the new model gets a profile of its own.",
        p.name,
        aws.target.region,
        p.source.raw,
        p.name
    )
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
