//! The `report` subcommand's arguments (clap types only; the help text is the `///` docs).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

const AFTER_LONG_HELP: &str = "\
Examples:
  cc-bedrock report                                   this month, by day, from the ledger
  cc-bedrock report weekly --by profile               the last 12 weeks, per profile
  cc-bedrock report monthly --by tag:project --by user --json
  cc-bedrock report runs --since 2026-11-01 --repo payments --csv
  cc-bedrock report --all-usage --by model            every Claude Code transcript on this machine
  cc-bedrock report session --all-usage --tz UTC

Sources:
  By default the report reads cc-bedrock's ledger: one record per wrapped run, priced when the run
  ended. --all-usage instead scans every Claude Code transcript under every config root
  (CLAUDE_CONFIG_DIR, ~/.claude, ~/.config/claude), deduplicated across files, priced with
  cc-bedrock's price table (application-profile ARNs through the local profile cache): its costs
  are estimates, and it shows how much of the spend went through cc-bedrock's profiles (coverage).
  A persistent index in the cache directory makes repeat scans read only what was appended.

Costs:
  A row that holds usage of a model without a price (or an ARN the profile cache does not know) is
  marked `≥ $x *`: the figure is a lower bound, never a silent $0.

Default range (without --since/--until): daily, session and runs show the current month; weekly
the last 12 weeks; monthly the last 12 months.";

/// Show what Claude Code cost: per day, week, month, session or run, grouped as you need.
#[derive(clap::Args, Debug, Clone)]
#[command(after_long_help = AFTER_LONG_HELP)]
pub struct ReportArgs {
    /// How to split time: daily, weekly (ISO weeks, Monday first), monthly, session, or runs
    /// (one row per wrapped run; ledger only).
    #[arg(value_enum, default_value_t = Period::Daily)]
    pub period: Period,

    /// Group rows by profile, repo, branch, model, user or tag:KEY (a profile tag). Repeat to
    /// combine: --by repo --by model.
    #[arg(long = "by", value_name = "FIELD")]
    pub by: Vec<GroupBy>,

    /// First day to include (YYYY-MM-DD or YYYYMMDD), in the report's time zone.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub since: Option<Date>,

    /// Last day to include (inclusive; YYYY-MM-DD or YYYYMMDD).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub until: Option<Date>,

    /// Time zone for days, weeks and months (an IANA name such as Europe/Paris); default: the
    /// system's.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,

    /// Print JSON instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,

    /// Print CSV (one line per row, no totals line) instead of a table.
    #[arg(long)]
    pub csv: bool,

    /// Only usage in this repository (its directory name or full path).
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,

    /// Scan every Claude Code transcript on this machine instead of reading the ledger
    /// (estimated costs, plus coverage: how much ran through cc-bedrock's profiles).
    #[arg(long)]
    pub all_usage: bool,

    /// With --all-usage: neither read nor update the scan index (a full, slower scan).
    #[arg(long, requires = "all_usage")]
    pub no_index: bool,
}

/// How a report splits time.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Daily,
    Weekly,
    Monthly,
    Session,
    Runs,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
            Period::Session => "session",
            Period::Runs => "runs",
        }
    }
}

/// One `--by` field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    Profile,
    Repo,
    Branch,
    Model,
    User,
    /// `tag:KEY`: the value of the profile tag KEY.
    Tag(String),
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupBy::Profile => f.write_str("profile"),
            GroupBy::Repo => f.write_str("repo"),
            GroupBy::Branch => f.write_str("branch"),
            GroupBy::Model => f.write_str("model"),
            GroupBy::User => f.write_str("user"),
            GroupBy::Tag(k) => write!(f, "tag:{k}"),
        }
    }
}

impl FromStr for GroupBy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "profile" => Ok(GroupBy::Profile),
            "repo" => Ok(GroupBy::Repo),
            "branch" => Ok(GroupBy::Branch),
            "model" => Ok(GroupBy::Model),
            "user" => Ok(GroupBy::User),
            _ => match s.strip_prefix("tag:") {
                Some(k) if !k.is_empty() => Ok(GroupBy::Tag(k.to_string())),
                _ => Err(format!(
                    "unknown field {s:?}: use profile, repo, branch, model, user or tag:KEY"
                )),
            },
        }
    }
}

impl clap::builder::ValueParserFactory for GroupBy {
    type Parser = clap::builder::ValueParser;
    fn value_parser() -> Self::Parser {
        clap::builder::ValueParser::new(|s: &str| s.parse::<GroupBy>())
    }
}

fn parse_date_arg(s: &str) -> Result<Date, String> {
    super::period::parse_date(s).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Parser, Debug)]
    struct Wrap {
        #[command(flatten)]
        args: ReportArgs,
    }

    fn parse(argv: &[&str]) -> Result<ReportArgs, clap::Error> {
        Wrap::try_parse_from(std::iter::once("report").chain(argv.iter().copied())).map(|w| w.args)
    }

    #[test]
    fn definition_is_valid() {
        Wrap::command().debug_assert();
    }

    #[test]
    fn defaults_and_combinations() {
        let a = parse(&[]).unwrap();
        assert_eq!(a.period, Period::Daily);
        assert!(a.by.is_empty() && !a.json && !a.csv && !a.all_usage);
        let a = parse(&[
            "monthly",
            "--by",
            "tag:project",
            "--by",
            "user",
            "--json",
            "--since",
            "20261101",
        ])
        .unwrap();
        assert_eq!(a.period, Period::Monthly);
        assert_eq!(a.by, vec![GroupBy::Tag("project".into()), GroupBy::User]);
        assert_eq!(a.since, Some(jiff::civil::date(2026, 11, 1)));
        assert!(parse(&["--json", "--csv"]).is_err());
        assert!(parse(&["--by", "colour"]).is_err());
        assert!(parse(&["--by", "tag:"]).is_err());
        assert!(parse(&["--since", "2026-02-30"]).is_err());
        assert!(
            parse(&["--no-index"]).is_err(),
            "--no-index needs --all-usage"
        );
        assert!(parse(&["--all-usage", "--no-index"]).is_ok());
    }
}
