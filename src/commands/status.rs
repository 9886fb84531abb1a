//! `cc-bedrock status`: what a launch in this directory would do and whether it will work.
//!
//! Config files and the origin of every value, the AWS Region, credentials, account and caller
//! (STS `GetCallerIdentity`: only here, a launch never calls STS), each profile the launch needs
//! (cached / present / missing / mismatched / stale / other-account), the `claude` that would run
//! and its version, the cache and ledger paths. It only reads: nothing is created, deleted or
//! cached. Exits 1 when something would make a launch fail, printing the fix; what does not stop a
//! launch (STS unavailable) is a warning.

mod claude;
mod report;

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;

use super::prepare::{self, PrepareOptions};
use crate::aws::{self, Aws, AwsError, CallerIdentity, Explained, RemoteProfile};
use crate::cache::ProfileCache;
use crate::config::{FileKind, Settings};
use crate::dirs::Dirs;
use crate::launch::find_claude;
use crate::models;
use crate::names;
use crate::plan::PlannedProfile;
use crate::target::Target;
use crate::ui::Progress;

pub use report::{Problem, ProfileInfo, Status};

const EXAMPLES: &str = "\
Examples:
  cc-bedrock status                 check config, AWS identity, profiles and claude here
  cc-bedrock status --offline       no AWS call: config, cache and claude only
  cc-bedrock status --json | jq .problems";

/// Show what a launch here would do, and whether it will work.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct StatusArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Make no AWS call (profiles are reported from the local cache only).
    #[arg(long)]
    pub offline: bool,
}

pub fn run(args: &StatusArgs, opts: &PrepareOptions) -> Result<i32> {
    let status = gather(args, opts);
    let mut out = std::io::stdout().lock();
    let text = if args.json {
        let mut t = serde_json::to_string_pretty(&status).context("cannot encode the status")?;
        t.push('\n');
        t
    } else {
        report::render(&status)
    };
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(if status.ok { 0 } else { 1 })
}

/// Collects the status; every failure becomes a problem in it rather than an error.
pub fn gather(args: &StatusArgs, opts: &PrepareOptions) -> Status {
    let mut s = Status {
        cwd: std::env::current_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        ..Status::default()
    };
    if let Ok(dirs) = Dirs::from_env() {
        fill_paths(&mut s, &dirs);
    }
    let prepare::Loaded {
        dirs,
        settings,
        target,
        plan,
        ..
    } = match prepare::load(opts) {
        Ok(loaded) => loaded,
        Err(e) => {
            s.problems.push(Problem::from_error(&e));
            s.ok = false;
            return s;
        }
    };
    s.loaded = true;
    fill_config(&mut s, &settings, &dirs, opts);
    fill_target(&mut s, &settings, &target);

    let cache = ProfileCache::load(&dirs.profile_cache());
    s.profiles = plan
        .iter()
        .map(|p| {
            let cached = cache.get(&p.key);
            ProfileInfo {
                name: p.name.clone(),
                tiers: p.tiers.iter().map(|t| t.to_string()).collect(),
                source: p.source.raw.clone(),
                state: if cached.is_some() {
                    "cached"
                } else {
                    "not-cached"
                },
                cached: cached.is_some(),
                arn: cached.map(|c| c.arn.clone()),
                wraps: None,
            }
        })
        .collect();
    if args.offline {
        if let Some(acc) = plan
            .iter()
            .find_map(|p| cache.get(&p.key).and_then(|c| c.account.clone()))
        {
            s.aws.account = Some(acc);
            s.aws.account_source = Some("from cached profile ARNs; not checked (--offline)".into());
        }
        s.aws.caller_note = Some("not checked (--offline)".into());
        s.notes
            .push("--offline: AWS was not asked; profiles are as the local cache has them.".into());
    } else {
        check_aws(&mut s, &target, &plan, opts.quiet);
    }
    if let (Some(want), Some(got)) = (&settings.account, &s.aws.account)
        && &want.value != got
    {
        s.problems.push(Problem::new(
            format!(
                "the credentials in use reach account {got}, but `account` in {} expects {}",
                want.origin, want.value
            ),
            "Switch credentials (AWS_PROFILE / `aws-profile`), or fix `account`.",
        ));
    }
    fill_claude(&mut s, &settings);
    s.ok = s.problems.is_empty();
    s
}

fn fill_paths(s: &mut Status, dirs: &Dirs) {
    s.paths.user_config = dirs.user_config().display().to_string();
    s.paths.profile_cache = dirs.profile_cache().display().to_string();
    s.paths.ledger = dirs.ledger().display().to_string();
    s.paths.ledger_exists = dirs.ledger().is_file();
}

fn fill_config(s: &mut Status, settings: &Settings, dirs: &Dirs, opts: &PrepareOptions) {
    use report::{FileEntry, Setting};
    let user = dirs.user_config();
    s.config_files.push(FileEntry {
        path: Some(user.display().to_string()),
        kind: "user",
        found: settings.files.iter().any(|f| f.kind == FileKind::User),
    });
    match settings.files.iter().find(|f| f.kind != FileKind::User) {
        Some(f) => s.config_files.push(FileEntry {
            path: Some(f.path.display().to_string()),
            kind: if f.kind == FileKind::Project {
                "project"
            } else {
                "explicit"
            },
            found: true,
        }),
        None if opts.config.is_none() => s.config_files.push(FileEntry {
            path: None,
            kind: "project",
            found: false,
        }),
        None => {}
    }
    let mut set = |key: &str, value: String, origin: String| {
        s.settings.push(Setting {
            key: key.into(),
            value,
            origin,
        })
    };
    if let Some(v) = &settings.region {
        set("region", v.value.clone(), v.origin.to_string());
    }
    if let Some(v) = &settings.aws_profile {
        set("aws-profile", v.value.clone(), v.origin.to_string());
    }
    if let Some(v) = &settings.account {
        set("account", v.value.clone(), v.origin.to_string());
    }
    set(
        "name",
        settings.name.value.source().into(),
        settings.name.origin.to_string(),
    );
    set(
        "description",
        settings.description.value.source().into(),
        settings.description.origin.to_string(),
    );
    for (tier, v) in &settings.models {
        set(
            &format!("models.{tier}"),
            v.value.raw.clone(),
            v.origin.to_string(),
        );
    }
    set(
        "main",
        settings.main.value.to_string(),
        settings.main.origin.to_string(),
    );
    set(
        "small-fast",
        settings.small_fast.value.to_string(),
        settings.small_fast.origin.to_string(),
    );
    if let Some(v) = &settings.subagent {
        set("subagent", v.value.to_string(), v.origin.to_string());
    }
    for (k, v) in &settings.tags {
        set(
            &format!("tags.{k}"),
            v.value.source().into(),
            v.origin.to_string(),
        );
    }
    set(
        "summary",
        settings.summary.value.to_string(),
        settings.summary.origin.to_string(),
    );
    set(
        "revalidate-days",
        settings.revalidate_days.value.to_string(),
        settings.revalidate_days.origin.to_string(),
    );
    if let Some(v) = &settings.claude {
        set(
            "claude",
            v.value.display().to_string(),
            v.origin.to_string(),
        );
    }
}

fn fill_target(s: &mut Status, settings: &Settings, target: &Target) {
    s.aws.region = Some(target.region.clone());
    s.aws.region_origin = Some(target.region_origin.clone());
    s.aws.aws_profile = target.aws_profile.clone();
    s.aws.endpoint = target.endpoint.clone();
    let profile_origin = match &settings.aws_profile {
        Some(v) => format!("`aws-profile` in {}", v.origin),
        None => "AWS_PROFILE".to_string(),
    };
    s.aws.credentials = Some(match target.identity.split_once(':').map(|(k, _)| k) {
        Some("profile") => format!(
            "AWS profile `{}` ({profile_origin})",
            target.aws_profile.as_deref().unwrap_or("?")
        ),
        Some("key") => "access key from the environment (AWS_ACCESS_KEY_ID)".to_string(),
        Some("bearer") => "Bedrock API key (AWS_BEARER_TOKEN_BEDROCK)".to_string(),
        _ => "the default credential chain (SSO, instance or container role, ~/.aws)".to_string(),
    });
}

/// Asks AWS about the account and every planned profile.
fn check_aws(s: &mut Status, target: &Target, plan: &[PlannedProfile], quiet: bool) {
    let progress = Progress::new(quiet);
    progress.set("connecting to Amazon Bedrock");
    let aws = match Aws::connect(target) {
        Ok(aws) => aws,
        Err(e) => {
            s.problems.push(Problem::from_error(&e));
            mark_unknown(s);
            return;
        }
    };
    s.aws.checked = true;
    progress.set("asking STS who the credentials are");
    let caller = ask_sts(s, &aws);
    if let Some(id) = &caller {
        s.aws.account = Some(id.account.clone());
        s.aws.account_source = Some("from STS GetCallerIdentity".into());
        s.aws.caller_arn = Some(id.arn.clone());
    }
    progress.set("listing system inference profiles");
    match aws::system_profiles(&aws) {
        Ok(system) => {
            if let Some(acc) = system.iter().find_map(|p| models::account_of_arn(&p.arn)) {
                match &caller {
                    // Without STS the ARNs Bedrock lists are the best account evidence.
                    None => {
                        s.aws.account = Some(acc.to_string());
                        s.aws.account_source =
                            Some("from the ARNs Bedrock lists for these credentials".into());
                    }
                    Some(id) if id.account != acc => s.warnings.push(Problem::new(
                        format!(
                            "STS says the credentials are in account {}, but Bedrock lists ARNs of account {acc}",
                            id.account
                        ),
                        "The STS and Bedrock endpoints answer for different accounts: check \
                         AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_BEDROCK and AWS_ENDPOINT_URL. \
                         Profiles are created in the account Bedrock answers for.",
                    )),
                    Some(_) => {}
                }
            }
            for p in plan {
                let Some(id) = p.source.system_profile_id() else {
                    continue;
                };
                if !system.iter().any(|sp| sp.id == id) {
                    s.problems.push(missing_system_profile(
                        id,
                        &p.source.model_id,
                        &system,
                        &target.region,
                    ));
                }
            }
        }
        Err(e) => {
            s.problems.push(explained(e));
            mark_unknown(s);
            return;
        }
    }
    progress.set("listing application inference profiles");
    let listed = match aws::list_profiles(&aws) {
        Ok(l) => l,
        Err(e) => {
            s.problems.push(explained(e));
            mark_unknown(s);
            return;
        }
    };
    // The cache is keyed by the credentials' label (AWS profile name, access key), not by account:
    // a profile name now pointing at another account would reuse ARNs these credentials cannot
    // invoke. Checked first, since "deleted" or "stale" would misname the cause.
    let account = s.aws.account.clone();
    let mut other_account: Vec<(String, String)> = Vec::new();
    for (info, p) in s.profiles.iter_mut().zip(plan) {
        if let (Some(acc), Some(cached_acc)) = (&account, cached_account(info))
            && &cached_acc != acc
        {
            info.state = "other-account";
            other_account.push((p.name.clone(), cached_acc));
            continue;
        }
        let Some(remote) = listed.iter().find(|r| r.name == p.name) else {
            if info.cached {
                info.state = "stale";
                s.problems.push(Problem::new(
                    format!("the cached profile {} was deleted in AWS ({})", p.name, info.arn.as_deref().unwrap_or("?")),
                    "Run `cc-bedrock --refresh` once: it re-checks cached profiles and recreates deleted ones.",
                ));
            } else {
                info.state = "missing";
            }
            continue;
        };
        progress.set(&format!("reading the tags of {}", p.name));
        let tags = aws::list_tags(&aws, &remote.arn).ok();
        info.wraps = remote.model_arns.first().map(|m| models::model_id_of(m));
        if !wraps_source(remote, tags.as_deref(), p) {
            info.state = "mismatched";
            s.problems.push(Problem::new(
                format!(
                    "the profile {} exists but wraps {}, not `{}` (profiles cannot be changed)",
                    p.name,
                    info.wraps.as_deref().unwrap_or("another model"),
                    p.source.raw
                ),
                format!(
                    "Delete it with `cc-bedrock profiles delete {}` so the next launch creates it again, \
                     or change `name` in the config so the new model gets a profile of its own.",
                    p.name
                ),
            ));
            continue;
        }
        info.state = "present";
        if info.cached && info.arn.as_deref() != Some(remote.arn.as_str()) {
            info.state = "stale";
            s.problems.push(Problem::new(
                format!(
                    "the cache maps {} to {}, but AWS has it as {}",
                    p.name,
                    info.arn.as_deref().unwrap_or("?"),
                    remote.arn
                ),
                "Run `cc-bedrock --refresh` once to re-check the cached profiles.",
            ));
        }
        if s.aws.account.is_none() {
            s.aws.account = models::account_of_arn(&remote.arn).map(str::to_string);
            s.aws.account_source = Some("from the profile ARNs".into());
        }
        info.arn = Some(remote.arn.clone());
    }
    if let (Some(acc), false) = (&account, other_account.is_empty()) {
        s.problems.push(other_account_problem(
            &other_account,
            acc,
            &s.paths.profile_cache,
        ));
    }
    progress.finish();
}

/// The caller from STS, or `None` with the reason noted (and a warning when STS failed). Never a
/// problem: a launch does not call STS, so it works without it.
fn ask_sts(s: &mut Status, aws: &Aws) -> Option<CallerIdentity> {
    if !aws::sigv4_credentials(aws) {
        s.aws.caller_note = Some(
            "not available: STS needs SigV4 credentials, and only a Bedrock API key \
             (AWS_BEARER_TOKEN_BEDROCK) is set"
                .into(),
        );
        return None;
    }
    match aws::caller_identity(aws) {
        Ok(id) => Some(id),
        Err(e) => {
            s.aws.caller_note = Some("unknown: STS GetCallerIdentity failed (see warnings)".into());
            s.warnings.push(sts_warning(&e));
            None
        }
    }
}

/// Why STS could not say who the credentials are, and what to do about it.
fn sts_warning(e: &Explained) -> Problem {
    let region = &e.region;
    let (what, fix) = match &e.error {
        AwsError::AccessDenied { action, message } => (
            format!("AWS denied {action} in {region}: {message}"),
            "GetCallerIdentity needs no IAM permission, so a denial usually means expired or \
             invalid credentials (log in again, e.g. `aws sso login`) or a VPC endpoint policy \
             that blocks STS.",
        ),
        AwsError::Unreachable { detail } => (
            format!("cannot reach the STS endpoint for {region} ({detail})"),
            "Check the network, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if you set them.",
        ),
        AwsError::TimedOut => (
            format!("the STS endpoint for {region} did not answer in time"),
            "Check the network, and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL if you set them.",
        ),
        AwsError::Service { code, message } => (
            format!("STS answered {code} in {region}: {message}"),
            "Run `aws sts get-caller-identity` to see the same answer.",
        ),
        AwsError::Validation { message }
        | AwsError::Throttled { message }
        | AwsError::QuotaExceeded { message }
        | AwsError::Conflict { message }
        | AwsError::NotFound { message } => (
            format!("STS GetCallerIdentity failed in {region}: {message}"),
            "Run `aws sts get-caller-identity` to see the same answer.",
        ),
    };
    Problem::new(
        format!("the caller is unknown: {what}"),
        format!(
            "{fix}\nLaunches do not call STS, so they are not affected; the account is taken \
             from Bedrock's ARNs instead."
        ),
    )
}

/// The account of a profile's cached ARN (before it is replaced by what AWS lists).
fn cached_account(info: &ProfileInfo) -> Option<String> {
    if !info.cached {
        return None;
    }
    info.arn
        .as_deref()
        .and_then(models::account_of_arn)
        .map(str::to_string)
}

fn other_account_problem(profiles: &[(String, String)], account: &str, cache: &str) -> Problem {
    let names: Vec<&str> = profiles.iter().map(|(n, _)| n.as_str()).collect();
    let mut accounts: Vec<&str> = profiles.iter().map(|(_, a)| a.as_str()).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let theirs = accounts.join(", ");
    Problem::new(
        format!(
            "the cached profile{} {} {} in account {theirs}, but the credentials in use reach account {account}",
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
        ),
        format!(
            "A launch would use those cached ARNs, which these credentials cannot invoke. Use \
             credentials of account {theirs} again (AWS_PROFILE / `aws-profile`), or remove {cache} \
             (it is only a cache) so the next launch finds or creates the profiles in account {account}."
        ),
    )
}

/// Whether an existing profile wraps the planned source: by the source tag cc-bedrock put on it
/// (exact, routing included), else by the foundation model it lists.
fn wraps_source(
    remote: &RemoteProfile,
    tags: Option<&[(String, String)]>,
    p: &PlannedProfile,
) -> bool {
    let recorded = tags.and_then(|t| {
        t.iter()
            .find(|(k, _)| k == names::TAG_SOURCE)
            .map(|(_, v)| v.as_str())
    });
    match recorded {
        // The tag holds the copyFrom ARN; the planned source may be its id or the ARN itself.
        Some(src) => last_segment(src) == last_segment(&p.source.raw),
        None => {
            !remote.model_arns.is_empty()
                && remote
                    .model_arns
                    .iter()
                    .all(|m| models::model_id_of(m) == p.source.model_id)
        }
    }
}

fn last_segment(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn missing_system_profile(
    id: &str,
    model_id: &str,
    system: &[RemoteProfile],
    region: &str,
) -> Problem {
    let same_model: Vec<&str> = system
        .iter()
        .filter(|sp| models::model_id_of(&sp.id) == model_id)
        .map(|sp| sp.id.as_str())
        .collect();
    let fix = if same_model.is_empty() {
        format!(
            "Choose another model in the config (`cc-bedrock init --force` lists them), or see \
             `aws bedrock list-inference-profiles --type-equals SYSTEM_DEFINED --region {region}`."
        )
    } else {
        format!(
            "The same model is available here as: {}. Change the model in the config.",
            same_model.join(", ")
        )
    };
    Problem::new(
        format!("`{id}` is not a system inference profile in {region}"),
        fix,
    )
}

fn explained(e: Explained) -> Problem {
    let unreachable = matches!(e.error, AwsError::Unreachable { .. } | AwsError::TimedOut);
    let mut p = Problem::from_error(&anyhow::anyhow!(e));
    if unreachable {
        p.fix = Some(format!(
            "{}\nA launch with every profile cached still works offline (`cc-bedrock status --offline`).",
            p.fix.unwrap_or_default()
        ));
    }
    p
}

fn mark_unknown(s: &mut Status) {
    for p in &mut s.profiles {
        p.state = "unknown";
    }
}

fn fill_claude(s: &mut Status, settings: &Settings) {
    match find_claude(settings.claude.as_ref().map(|v| v.value.as_path())) {
        Ok(path) => {
            s.claude.path = Some(path.display().to_string());
            match claude::version(&path, claude::VERSION_TIMEOUT) {
                Ok(v) => s.claude.version = Some(v),
                Err(e) => s.notes.push(e),
            }
        }
        Err(e) => s.problems.push(Problem::from_error(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ModelSource;

    fn planned(source: &str) -> PlannedProfile {
        PlannedProfile {
            key: "k".into(),
            name: "n".into(),
            description: "d".into(),
            source: ModelSource::parse(source).unwrap(),
            tiers: vec![],
            tags: vec![],
        }
    }

    fn remote(model: &str) -> RemoteProfile {
        RemoteProfile {
            name: "n".into(),
            arn: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc".into(),
            id: "abc".into(),
            model_arns: vec![format!("arn:aws:bedrock:::foundation-model/{model}")],
            status: "ACTIVE".into(),
            description: None,
            created_at: None,
        }
    }

    #[test]
    fn matches_by_source_tag_then_by_model() {
        let sonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0";
        let p = planned(&format!("global.{sonnet}"));
        let tag = |v: &str| vec![(names::TAG_SOURCE.to_string(), v.to_string())];
        let global_arn =
            format!("arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.{sonnet}");
        let us_arn =
            format!("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{sonnet}");
        assert!(wraps_source(&remote(sonnet), Some(&tag(&global_arn)), &p));
        assert!(
            !wraps_source(&remote(sonnet), Some(&tag(&us_arn)), &p),
            "same model, other routing"
        );
        assert!(wraps_source(&remote(sonnet), None, &p));
        assert!(!wraps_source(
            &remote("anthropic.claude-haiku-4-5-20251001-v1:0"),
            None,
            &p
        ));
    }
}
