//! What `status` found, as data (serialised for `--json`) and as text for a person.

use std::fmt::Write as _;
use std::io::IsTerminal;

use serde::Serialize;

/// Everything `status` reports.
#[derive(Debug, Default, Serialize)]
pub struct Status {
    /// No problem found: a launch here should work.
    pub ok: bool,
    /// The config loaded (when false, only `problems` and `paths` are filled in).
    pub loaded: bool,
    pub cwd: String,
    pub config_files: Vec<FileEntry>,
    /// Each resolved setting with the file (or `default`) it came from.
    pub settings: Vec<Setting>,
    pub aws: AwsInfo,
    pub profiles: Vec<ProfileInfo>,
    pub claude: ClaudeInfo,
    pub paths: Paths,
    /// What would make a launch fail, each with its fix.
    pub problems: Vec<Problem>,
    /// Worth fixing, but a launch still works (e.g. STS could not say who the caller is).
    pub warnings: Vec<Problem>,
    /// Worth knowing, not failures.
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FileEntry {
    /// `None`: no project file here or above.
    pub path: Option<String>,
    /// `user`, `project` or `explicit` (`--config`).
    pub kind: &'static str,
    pub found: bool,
}

#[derive(Debug, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub origin: String,
}

#[derive(Debug, Default, Serialize)]
pub struct AwsInfo {
    pub region: Option<String>,
    pub region_origin: Option<String>,
    pub aws_profile: Option<String>,
    /// How credentials are found (never a secret).
    pub credentials: Option<String>,
    pub account: Option<String>,
    /// Where the account id was read from (STS, else the ARNs Bedrock lists, else the cache).
    pub account_source: Option<String>,
    /// The caller's ARN from STS `GetCallerIdentity` (never asked by a launch).
    pub caller_arn: Option<String>,
    /// Why `caller_arn` is missing (`--offline`, a Bedrock API key only, STS failed).
    pub caller_note: Option<String>,
    pub endpoint: Option<String>,
    /// Whether AWS was asked (false with `--offline` or when credentials failed).
    pub checked: bool,
}

/// One profile the launch needs.
#[derive(Debug, Serialize)]
pub struct ProfileInfo {
    pub name: String,
    pub tiers: Vec<String>,
    pub source: String,
    /// `present`, `missing` (created on first launch), `mismatched`, `stale` (the cache names a
    /// deleted profile), `other-account` (cached in an account other than the credentials'),
    /// `cached` / `not-cached` (offline), `unknown` (AWS could not be asked).
    pub state: &'static str,
    pub cached: bool,
    pub arn: Option<String>,
    /// The foundation model the existing profile wraps.
    pub wraps: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct ClaudeInfo {
    pub path: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Paths {
    pub user_config: String,
    pub profile_cache: String,
    pub ledger: String,
    pub ledger_exists: bool,
}

/// Something that would make a launch fail.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub what: String,
    pub fix: Option<String>,
}

impl Problem {
    pub fn new(what: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            fix: Some(fix.into()),
        }
    }

    /// From an error whose first line says what failed and whose rest says how to fix it.
    pub fn from_error(err: &anyhow::Error) -> Self {
        let text = format!("{err:#}");
        match text.split_once('\n') {
            Some((what, fix)) => Self {
                what: what.trim().to_string(),
                fix: Some(fix.trim().to_string()),
            },
            None => Self {
                what: text,
                fix: None,
            },
        }
    }
}

/// Colours for stdout, when it is a terminal and `NO_COLOR` is unset.
struct Paint(bool);

impl Paint {
    fn detect() -> Self {
        Self(crate::ui::colour_allowed() && std::io::stdout().is_terminal())
    }
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn good(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn bad(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn warn(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn head(&self, s: &str) -> String {
        self.wrap("1", s)
    }
}

/// The report as text.
pub fn render(s: &Status) -> String {
    let paint = Paint::detect();
    let mut o = String::new();
    let row = |o: &mut String, k: &str, v: &str| {
        let _ = writeln!(o, "  {k:<16} {v}");
    };
    let _ = writeln!(o, "{} {}", paint.head("cc-bedrock status in"), s.cwd);

    // Without a config nothing else could be worked out: only the problem is worth showing.
    if s.loaded {
        let _ = writeln!(o, "\n{}", paint.head("Config"));
        for f in &s.config_files {
            let text = match (&f.path, f.found) {
                (Some(p), true) => p.clone(),
                (Some(p), false) => format!("{p} (not found)"),
                (None, _) => format!(
                    "no {} here or above (`cc-bedrock init` writes one)",
                    crate::config::PROJECT_FILE
                ),
            };
            row(&mut o, &format!("{} config", f.kind), &text);
        }
        let key_w = s
            .settings
            .iter()
            .map(|x| x.key.len())
            .max()
            .unwrap_or(0)
            .max(16);
        let value_w = s
            .settings
            .iter()
            .map(|x| x.value.len())
            .max()
            .unwrap_or(0)
            .min(48);
        for x in &s.settings {
            let _ = writeln!(o, "  {:<key_w$} {:<value_w$}  {}", x.key, x.value, x.origin);
        }

        let _ = writeln!(o, "\n{}", paint.head("AWS"));
        let a = &s.aws;
        if let (Some(r), Some(origin)) = (&a.region, &a.region_origin) {
            row(&mut o, "region", &format!("{r} ({origin})"));
        }
        if let Some(c) = &a.credentials {
            row(&mut o, "credentials", c);
        }
        match (&a.account, &a.account_source) {
            (Some(acc), Some(src)) => row(&mut o, "account", &format!("{acc} ({src})")),
            _ => row(
                &mut o,
                "account",
                if a.checked { "unknown" } else { "not checked" },
            ),
        }
        let caller = match (&a.caller_arn, &a.caller_note) {
            (Some(arn), _) => arn.as_str(),
            (None, Some(note)) => note.as_str(),
            (None, None) if a.checked => "unknown",
            (None, None) => "not checked",
        };
        row(&mut o, "caller", caller);
        if let Some(e) = &a.endpoint {
            row(&mut o, "endpoint", e);
        }

        let _ = writeln!(o, "\n{}", paint.head("Profiles"));
        let name_w = s.profiles.iter().map(|p| p.name.len()).max().unwrap_or(0);
        let tier_w = s
            .profiles
            .iter()
            .map(|p| p.tiers.join(",").len())
            .max()
            .unwrap_or(0);
        let source_w = s.profiles.iter().map(|p| p.source.len()).max().unwrap_or(0);
        for p in &s.profiles {
            let state = match p.state {
                "present" | "cached" => paint.good(&describe(p)),
                "mismatched" | "stale" | "other-account" => paint.bad(&describe(p)),
                _ => describe(p),
            };
            let _ = writeln!(
                o,
                "  {:<name_w$}  {:<tier_w$}  {:<source_w$}  {state}",
                p.name,
                p.tiers.join(","),
                p.source
            );
        }

        let _ = writeln!(o, "\n{}", paint.head("Claude Code"));
        row(
            &mut o,
            "path",
            s.claude.path.as_deref().unwrap_or("not found"),
        );
        if s.claude.path.is_some() {
            row(
                &mut o,
                "version",
                s.claude.version.as_deref().unwrap_or("unknown"),
            );
        }
    }

    let _ = writeln!(o, "\n{}", paint.head("Files"));
    row(&mut o, "profile cache", &s.paths.profile_cache);
    let ledger_state = if s.paths.ledger_exists {
        ""
    } else {
        " (no runs recorded yet)"
    };
    row(
        &mut o,
        "ledger",
        &format!("{}{ledger_state}", s.paths.ledger),
    );

    if !s.notes.is_empty() {
        let _ = writeln!(o, "\n{}", paint.head("Notes"));
        for n in &s.notes {
            let _ = writeln!(o, "  - {n}");
        }
    }
    if !s.warnings.is_empty() {
        let n = s.warnings.len();
        let head = format!(
            "{n} warning{} (a launch still works):",
            if n == 1 { "" } else { "s" }
        );
        let _ = writeln!(o, "\n{}", paint.warn(&head));
        list(&mut o, &paint.warn("!"), &s.warnings);
    }
    if s.problems.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            paint.good("Ready: `cc-bedrock` will start Claude Code with these profiles.")
        );
    } else {
        let n = s.problems.len();
        let head = format!(
            "{n} problem{} (a launch here would fail):",
            if n == 1 { "" } else { "s" }
        );
        let _ = writeln!(o, "\n{}", paint.bad(&head));
        list(&mut o, &paint.bad("x"), &s.problems);
    }
    o
}

/// Each item as `  <marker> what` with its fix indented below.
fn list(o: &mut String, marker: &str, items: &[Problem]) {
    for p in items {
        let _ = writeln!(o, "  {marker} {}", p.what);
        if let Some(fix) = &p.fix {
            for line in fix.lines() {
                let _ = writeln!(o, "    {line}");
            }
        }
    }
}

fn describe(p: &ProfileInfo) -> String {
    let cached = if p.cached { ", cached" } else { "" };
    match p.state {
        "present" => format!("present{cached}"),
        "missing" => "missing: created on the first launch".to_string(),
        "mismatched" => format!(
            "MISMATCHED: wraps {}",
            p.wraps.as_deref().unwrap_or("another model")
        ),
        "stale" => "STALE: cached, but deleted in AWS".to_string(),
        "other-account" => format!(
            "OTHER ACCOUNT: cached in account {}",
            p.arn
                .as_deref()
                .and_then(crate::models::account_of_arn)
                .unwrap_or("?")
        ),
        "cached" => "cached (not checked: --offline)".to_string(),
        "not-cached" => "not cached: looked up or created on the first launch".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_split_what_and_fix() {
        let p = Problem::from_error(&anyhow::anyhow!("AWS denied x\nAsk your administrator."));
        assert_eq!(p.what, "AWS denied x");
        assert_eq!(p.fix.as_deref(), Some("Ask your administrator."));
        let s = Status {
            problems: vec![p],
            cwd: "/w".into(),
            ..Default::default()
        };
        let text = render(&s);
        assert!(text.contains("1 problem (a launch here would fail):\n  x AWS denied x\n    Ask your administrator."), "{text}");
    }

    #[test]
    fn caller_and_warnings_are_shown_without_failing() {
        let mut s = Status {
            loaded: true,
            cwd: "/w".into(),
            warnings: vec![Problem::new("STS said no", "Launches are not affected.")],
            ..Default::default()
        };
        s.aws.checked = true;
        s.aws.caller_arn = Some("arn:aws:iam::123456789012:user/alice".into());
        let text = render(&s);
        assert!(
            text.contains("  caller           arn:aws:iam::123456789012:user/alice\n"),
            "{text}"
        );
        assert!(
            text.contains("1 warning (a launch still works):\n  ! STS said no\n    Launches are not affected.\n"),
            "{text}"
        );
        assert!(text.contains("Ready:"), "{text}");

        s.aws.caller_arn = None;
        s.aws.caller_note = Some("not checked (--offline)".into());
        assert!(render(&s).contains("  caller           not checked (--offline)\n"));
        s.aws.caller_note = None;
        assert!(render(&s).contains("  caller           unknown\n"));
    }
}
