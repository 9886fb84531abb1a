//! Shared helpers for the `report` integration tests: a throw-away sandbox (cc-bedrock's three
//! directories and a Claude Code config root), transcript and ledger writers, and a way to run a
//! report and get its table, JSON or CSV.
//!
//! Reports run through the library with an explicit [`ReportEnv`] (roots, user, dirs), so the
//! tests never read or change the process environment (tests run in parallel threads).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use cc_bedrock::cache::{CachedProfile, ProfileCache};
use cc_bedrock::dirs::Dirs;
use cc_bedrock::models::Scope;
use cc_bedrock::report::{self, Report, ReportArgs, ReportEnv, render};
use clap::Parser;

pub const SONNET_ARN: &str =
    "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123xyz";
pub const HAIKU_ARN: &str =
    "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/haiku999";
pub const SONNET_ID: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
pub const HAIKU_ID: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";

#[derive(Parser)]
struct Wrap {
    #[command(flatten)]
    args: ReportArgs,
}

/// Parses `report` arguments exactly as the CLI does.
pub fn args(argv: &[&str]) -> ReportArgs {
    Wrap::try_parse_from(std::iter::once("report").chain(argv.iter().copied()))
        .unwrap_or_else(|e| panic!("bad test arguments {argv:?}: {e}"))
        .args
}

/// A sandbox with its own cache/config/data dirs and one Claude Code config root.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
    pub env: ReportEnv,
    /// `<root>/projects`.
    pub projects: PathBuf,
}

impl Sandbox {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = tmp.path().canonicalize().expect("canonical");
        let root = base.join("claude");
        let projects = root.join("projects");
        std::fs::create_dir_all(&projects).expect("mkdir");
        let env = ReportEnv {
            dirs: Dirs {
                config: base.join("config"),
                cache: base.join("cache"),
                data: base.join("data"),
            },
            claude_roots: vec![root],
            user: "alice".into(),
            threads: 2,
        };
        Self { tmp, env, projects }
    }

    pub fn index_dir(&self) -> PathBuf {
        self.env.dirs.cache.join(report::INDEX_DIR)
    }

    /// Copies a fixture's `projects/` tree into the sandbox's config root.
    pub fn copy_history(&self, fixture: &str) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/report")
            .join(fixture)
            .join("projects");
        copy_dir(&from, &self.projects);
    }

    /// Writes a transcript file (creating its directory) and returns its path.
    pub fn write_transcript(&self, rel: &str, lines: &[String]) -> PathBuf {
        let p = self.projects.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(&p, text).expect("write transcript");
        p
    }

    /// Puts profiles in cc-bedrock's profile cache: (ARN, name, model id, scope).
    pub fn cache_profiles(&self, entries: &[(&str, &str, &str, Scope)]) {
        let mut c = ProfileCache::empty();
        for (i, (arn, name, model, scope)) in entries.iter().enumerate() {
            c.insert(
                format!("k{i}"),
                CachedProfile {
                    name: name.to_string(),
                    arn: arn.to_string(),
                    source: format!("global.{model}"),
                    source_arn: "arn:aws:bedrock:us-west-2::foundation-model/x".into(),
                    model_id: model.to_string(),
                    scope: scope.clone(),
                    region: "us-west-2".into(),
                    account: Some("123456789012".into()),
                    identity: "default".into(),
                    created: true,
                    validated_at: 0,
                },
            );
        }
        c.save(&self.env.dirs.profile_cache()).expect("save cache");
    }

    /// Writes the ledger (one JSON record per line).
    pub fn write_ledger(&self, lines: &[String]) {
        std::fs::create_dir_all(&self.env.dirs.data).expect("mkdir");
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(self.env.dirs.ledger(), text).expect("write ledger");
    }

    pub fn report(&self, argv: &[&str]) -> Report {
        report::build(&args(argv), &self.env).unwrap_or_else(|e| panic!("report {argv:?}: {e:#}"))
    }

    pub fn json(&self, argv: &[&str]) -> serde_json::Value {
        let text = render::json(&self.report(argv));
        serde_json::from_str(&text).expect("report JSON parses")
    }

    pub fn csv(&self, argv: &[&str]) -> String {
        render::csv(&self.report(argv))
    }

    pub fn table(&self, argv: &[&str]) -> String {
        render::table(&self.report(argv))
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture dir") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// One assistant line in Claude Code's shape.
pub struct Line<'a> {
    pub msg: &'a str,
    pub req: Option<&'a str>,
    pub ts: &'a str,
    pub model: &'a str,
    pub requested: Option<&'a str>,
    pub session: &'a str,
    pub cwd: &'a str,
    pub branch: &'a str,
    pub input: u64,
    pub output: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    pub cache_read: u64,
}

impl Default for Line<'_> {
    fn default() -> Self {
        Self {
            msg: "msg_1",
            req: Some("req_1"),
            ts: "2026-11-10T12:00:00.000Z",
            model: "claude-sonnet-4-5-20250929",
            requested: None,
            session: "11111111-1111-4111-8111-111111111111",
            cwd: "/home/dev/src/payments",
            branch: "main",
            input: 1000,
            output: 100,
            cache_write_5m: 0,
            cache_write_1h: 0,
            cache_read: 0,
        }
    }
}

impl Line<'_> {
    pub fn json(&self) -> String {
        let req = self
            .req
            .map(|r| format!(r#""requestId":"{r}","#))
            .unwrap_or_default();
        let requested = self
            .requested
            .map(|r| format!(r#""requestedModel":"{r}","#))
            .unwrap_or_default();
        format!(
            r#"{{"parentUuid":null,"isSidechain":false,"message":{{"id":"{}","type":"message","role":"assistant","model":"{}","content":[{{"type":"text","text":"ok"}}],"usage":{{"input_tokens":{},"cache_creation_input_tokens":{},"cache_read_input_tokens":{},"output_tokens":{},"cache_creation":{{"ephemeral_5m_input_tokens":{},"ephemeral_1h_input_tokens":{}}}}}}},{req}{requested}"type":"assistant","timestamp":"{}","sessionId":"{}","cwd":"{}","gitBranch":"{}","version":"2.1.332"}}"#,
            self.msg,
            self.model,
            self.input,
            self.cache_write_5m + self.cache_write_1h,
            self.cache_read,
            self.output,
            self.cache_write_5m,
            self.cache_write_1h,
            self.ts,
            self.session,
            self.cwd,
            self.branch
        )
    }
}

/// A user line with a tool result of `n` bytes (no usage).
pub fn tool_result(n: usize) -> String {
    format!(
        r#"{{"parentUuid":"p","isSidechain":false,"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","content":"{}"}}]}},"timestamp":"2026-11-10T12:00:01.000Z"}}"#,
        "x".repeat(n)
    )
}

/// Token totals per (period, model) from a report's JSON: (input, output, cache write, read).
pub fn per_period_model(v: &serde_json::Value) -> Vec<(String, String, u64, u64, u64, u64)> {
    v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let t = &r["tokens"];
            let n = |k: &str| t[k].as_u64().expect("count");
            (
                r["period"].as_str().expect("period").to_string(),
                r["groups"]["model"].as_str().unwrap_or("").to_string(),
                n("input"),
                n("output"),
                n("cache_write_5m") + n("cache_write_1h"),
                n("cache_read"),
            )
        })
        .collect()
}

/// `report --json` minus the fields that describe the scan itself (which differ between a cold
/// and a warm run by design).
pub fn without_scan(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("scan");
    }
    v
}

impl Sandbox {
    /// `cc-bedrock report ARGS` as a process: HOME and every directory inside the sandbox, and
    /// every `AWS_*`, `ANTHROPIC_*`, `CLAUDE_*`, `CC_BEDROCK_*`, `XDG_*` variable of the test
    /// process removed first.
    pub fn command(&self, argv: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cc-bedrock"));
        for (k, _) in std::env::vars_os() {
            let name = k.to_string_lossy();
            if ["AWS_", "ANTHROPIC_", "CLAUDE_", "CC_BEDROCK_", "XDG_"]
                .iter()
                .any(|p| name.starts_with(p))
            {
                c.env_remove(&k);
            }
        }
        let base = self.tmp.path().canonicalize().expect("canonical");
        let home = base.join("home");
        std::fs::create_dir_all(&home).expect("mkdir home");
        c.arg("report")
            .args(argv)
            .env("HOME", &home)
            .env("USER", "alice")
            .env("NO_COLOR", "1")
            .env("CC_BEDROCK_CONFIG_DIR", &self.env.dirs.config)
            .env("CC_BEDROCK_CACHE_DIR", &self.env.dirs.cache)
            .env("CC_BEDROCK_DATA_DIR", &self.env.dirs.data)
            .env("CLAUDE_CONFIG_DIR", &self.env.claude_roots[0]);
        c
    }

    pub fn run(&self, argv: &[&str]) -> std::process::Output {
        self.command(argv).output().expect("run cc-bedrock")
    }
}
