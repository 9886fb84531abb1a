//! `cc-bedrock profiles list | show | delete | prune`: the application inference profiles
//! cc-bedrock manages in this account and Region (recognised by the `cc-bedrock:managed` tag),
//! with their model, tags and last local use; deleting them keeps the local cache in step so no
//! launch reuses a deleted ARN.

mod inventory;
mod prune;
mod render;

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

use super::prepare::PrepareOptions;
use super::prompt::Prompter;
use crate::aws::{Aws, AwsError, Explained};
use crate::cache::ProfileCache;
use crate::config::{self, Origin, Value};
use crate::dirs::Dirs;
use crate::fsutil::LockFile;
use crate::target::Target;
use crate::ui::Progress;

pub use inventory::{Profile, Usage};

const EXAMPLES: &str = "\
Examples:
  cc-bedrock profiles                          the same as `profiles list`
  cc-bedrock profiles list --json
  cc-bedrock profiles show cc-alice-payments-sonnet
  cc-bedrock profiles delete cc-alice-payments-opus
  cc-bedrock profiles prune --older-than 60    asks before deleting
  cc-bedrock profiles prune --yes              for scripts
  cc-bedrock profiles list --region eu-west-1";

/// List, show, delete and prune the inference profiles cc-bedrock created.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct ProfilesArgs {
    /// AWS Region to look in (default: the Region a launch here would use).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    #[command(subcommand)]
    pub command: Option<ProfilesCommand>,
}

/// What to do with the profiles.
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List the profiles cc-bedrock manages, with model, last local use and tags.
    List(ListArgs),
    /// Show one profile: ARN, model, routing, tags, cache and local use.
    Show(ShowArgs),
    /// Delete one profile cc-bedrock manages, and forget it in the cache.
    Delete(DeleteArgs),
    /// Delete the managed profiles this machine has not used for a while (asks first).
    Prune(PruneArgs),
}

#[derive(Debug, Default, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The profile's name, id or ARN.
    #[arg(value_name = "NAME|ARN")]
    pub profile: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The profile's name, id or ARN.
    #[arg(value_name = "NAME|ARN")]
    pub profile: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Delete profiles whose last local run (or, if never run here, whose creation) is older
    /// than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub older_than: u32,
    /// Do not ask for confirmation (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Only list what would be deleted.
    #[arg(long)]
    pub dry_run: bool,
    /// Also consider managed profiles this machine has never used or cached (other people's,
    /// other machines'): the local ledger knows nothing of their use.
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: &ProfilesArgs, opts: &PrepareOptions) -> Result<i32> {
    let (dirs, target) = target(opts, args.region.as_deref())?;
    let progress = Progress::new(opts.quiet);
    progress.set("connecting to Amazon Bedrock");
    let aws = Aws::connect(&target);
    progress.finish();
    let aws = aws?;
    let default_list = ProfilesCommand::List(ListArgs::default());
    let result = match args.command.as_ref().unwrap_or(&default_list) {
        ProfilesCommand::List(a) => list(a, &aws, &dirs, &progress),
        ProfilesCommand::Show(a) => show(a, &aws, &dirs, &progress),
        ProfilesCommand::Delete(a) => delete(a, &aws, &dirs, &progress),
        ProfilesCommand::Prune(a) => {
            let managed = managed(&aws, &dirs, &progress);
            progress.finish();
            prune::run(a, &aws, &dirs, &managed?, &progress)
        }
    };
    progress.finish();
    result
}

/// The Region and credentials to work in: the launch's, unless `--region` says otherwise.
fn target(opts: &PrepareOptions, region: Option<&str>) -> Result<(Dirs, Target)> {
    let dirs = Dirs::from_env()?;
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let mut settings = config::load(&cwd, &dirs.user_config(), opts.config.as_deref())?;
    crate::trust::check(&settings, &dirs)?;
    if let Some(r) = region {
        let r = super::init::check_region(r)
            .map_err(anyhow::Error::msg)
            .context("--region")?;
        settings.region = Some(Value {
            value: r,
            origin: Origin::Default,
        });
    }
    let mut target = Target::resolve(&settings)?;
    if region.is_some() {
        target.region_origin = "--region".to_string();
    }
    Ok((dirs, target))
}

/// Every managed profile, with local use and cache state.
fn managed(aws: &Aws, dirs: &Dirs, progress: &Progress) -> Result<Vec<Profile>> {
    let all = inventory::list_all(aws, progress)?;
    let usage = inventory::usage_by_arn(&dirs.ledger());
    let cache = ProfileCache::load(&dirs.profile_cache());
    let mut out: Vec<Profile> = all
        .into_iter()
        .map(|(remote, tags)| Profile {
            usage: usage.get(&remote.arn).cloned().unwrap_or_default(),
            cached: cache.by_arn(&remote.arn).is_some(),
            remote,
            tags,
        })
        .filter(Profile::managed)
        .collect();
    out.sort_by(|a, b| a.remote.name.cmp(&b.remote.name));
    Ok(out)
}

fn list(args: &ListArgs, aws: &Aws, dirs: &Dirs, progress: &Progress) -> Result<i32> {
    let profiles = managed(aws, dirs, progress)?;
    progress.finish();
    let text = if args.json {
        render::json_list(&profiles)
    } else if profiles.is_empty() {
        format!(
            "No inference profiles managed by cc-bedrock in {}.\n",
            aws.target.region
        )
    } else {
        let account = profiles
            .first()
            .and_then(|p| crate::models::account_of_arn(&p.remote.arn))
            .unwrap_or("?");
        let n = profiles.len();
        format!(
            "{}\n{n} profile{} managed by cc-bedrock in {} (account {account}); last use is from this machine's ledger.\n",
            render::table(&profiles).trim_end(),
            if n == 1 { "" } else { "s" },
            aws.target.region
        )
    };
    print_out(&text)?;
    Ok(0)
}

/// One profile by name, id or ARN (managed or not), with local use and cache state.
fn lookup(ident: &str, aws: &Aws, dirs: &Dirs, progress: &Progress) -> Result<Profile> {
    let (remote, tags) = inventory::find(aws, ident, progress)?;
    let usage = inventory::usage_by_arn(&dirs.ledger())
        .remove(&remote.arn)
        .unwrap_or_default();
    let cached = ProfileCache::load(&dirs.profile_cache())
        .by_arn(&remote.arn)
        .is_some();
    Ok(Profile {
        remote,
        tags,
        usage,
        cached,
    })
}

fn show(args: &ShowArgs, aws: &Aws, dirs: &Dirs, progress: &Progress) -> Result<i32> {
    let p = lookup(&args.profile, aws, dirs, progress)?;
    progress.finish();
    print_out(&if args.json {
        render::json_one(&p)
    } else {
        render::detail(&p)
    })?;
    Ok(0)
}

fn delete(args: &DeleteArgs, aws: &Aws, dirs: &Dirs, progress: &Progress) -> Result<i32> {
    let p = lookup(&args.profile, aws, dirs, progress)?;
    progress.finish();
    if !p.managed() {
        bail!(
            "`{}` was not created by cc-bedrock (it has no `{}` tag); refusing to delete it.\n\
             If you mean to, delete it with `aws bedrock delete-inference-profile --inference-profile-identifier {}`.",
            p.remote.name,
            crate::names::TAG_MANAGED,
            p.remote.arn
        );
    }
    // Naming the profile is the confirmation for a script; a person at a terminal is asked.
    if !args.yes
        && let Some(mut prompter) = Prompter::from_stdin()
    {
        let question = format!(
            "Delete {} ({}, last used {})?",
            p.remote.name,
            p.model(),
            render::when(p.usage.last_used)
        );
        if !prompter.confirm(&question, false)? {
            print_out("Nothing deleted.\n")?;
            return Ok(1);
        }
    }
    progress.set(&format!("deleting {}", p.remote.name));
    let deleted = crate::aws::delete_profile(aws, &p.remote.arn);
    progress.finish();
    if let Err(e) = deleted {
        bail!("cannot delete {}: {}", p.remote.name, delete_error_text(&e));
    }
    let forgotten = forget_in_cache(dirs, std::slice::from_ref(&p.remote.arn))?;
    print_out(&format!(
        "Deleted {} ({}){}.\nA launch that needs it creates it again.\n",
        p.remote.name,
        p.remote.arn,
        if forgotten > 0 {
            "; removed from the local cache"
        } else {
            ""
        }
    ))?;
    Ok(0)
}

/// The error of a delete; access denied also names the action deleting needs.
fn delete_error_text(e: &Explained) -> String {
    match &e.error {
        AwsError::AccessDenied { .. } => {
            format!("{e}\nDeleting also needs bedrock:DeleteInferenceProfile.")
        }
        _ => e.to_string(),
    }
}

/// Removes the ARNs from the profile cache, under the lock launches take to write it; returns
/// how many entries were removed.
fn forget_in_cache(dirs: &Dirs, arns: &[String]) -> Result<usize> {
    if arns.is_empty() {
        return Ok(0);
    }
    let path = dirs.profile_cache();
    if !path.exists() {
        return Ok(0);
    }
    let _lock = LockFile::acquire(&path.with_extension("lock"))?;
    let mut cache = ProfileCache::load(&path);
    let removed: usize = arns.iter().map(|a| cache.remove_arn(a)).sum();
    if removed > 0 {
        cache
            .save(&path)
            .context("cannot write the profile cache")?;
    }
    Ok(removed)
}

fn print_out(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
