//! Shared integration-test support: a throw-away HOME, a fake `claude` that records its argv and
//! environment (and can write transcript lines like the real one), and the loopback fake Bedrock.
#![allow(dead_code)]

pub mod fake_bedrock;

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[allow(unused_imports)]
pub use fake_bedrock::{FakeBedrock, Fault, Op};

/// The compiled binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cc-bedrock"))
}

/// A fake `claude`: records argv (NUL-separated, byte exact) and env, optionally appends a
/// transcript template (`@SESSION@` and `@NOW@` filled in) to
/// `$FAKE_CLAUDE_PROJECT_DIR/<--session-id>.jsonl`, sleeps, exits.
const FAKE_CLAUDE: &str = r#"#!/bin/sh
rec="${FAKE_CLAUDE_OUT:?}/$$"
printf '%s\0' "$@" > "$rec.args.tmp" && mv "$rec.args.tmp" "$rec.args"
env -0 > "$rec.env"
sid=""
prev=""
for a in "$@"; do
  if [ "$prev" = "--session-id" ]; then sid="$a"; fi
  prev="$a"
done
if [ -n "${FAKE_CLAUDE_TRANSCRIPT:-}" ]; then
  [ -n "$sid" ] || sid="${FAKE_CLAUDE_SESSION:?no session id}"
  mkdir -p "$FAKE_CLAUDE_PROJECT_DIR"
  now=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
  sed -e "s/@SESSION@/$sid/g" -e "s/@NOW@/$now/g" "$FAKE_CLAUDE_TRANSCRIPT" >> "$FAKE_CLAUDE_PROJECT_DIR/$sid.jsonl"
fi
if [ -n "${FAKE_CLAUDE_STDOUT:-}" ]; then printf '%s\n' "$FAKE_CLAUDE_STDOUT"; fi
if [ -n "${FAKE_CLAUDE_SLEEP:-}" ]; then exec sleep "$FAKE_CLAUDE_SLEEP"; fi
exit "${FAKE_CLAUDE_EXIT:-0}"
"#;

/// One recorded run of the fake claude.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub pid: u32,
    pub args: Vec<OsString>,
    pub env: HashMap<String, String>,
}

/// A sandbox: HOME, a working directory, a PATH with the fake claude, and the fake Bedrock.
pub struct TestEnv {
    pub root: tempfile::TempDir,
    pub home: PathBuf,
    pub work: PathBuf,
    pub bin_dir: PathBuf,
    pub out: PathBuf,
    pub fake: FakeBedrock,
    pub extra_env: Vec<(OsString, Option<OsString>)>,
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        // Canonical, so paths compare equal to what the binary computes (e.g. /tmp symlinks).
        let base = root.path().canonicalize().expect("canonical tempdir");
        let home = base.join("home");
        let work = base.join("home/src/payments");
        let bin_dir = base.join("bin");
        let out = base.join("claude-runs");
        for d in [&home, &work, &bin_dir, &out] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        write_executable(&bin_dir.join("claude"), FAKE_CLAUDE);
        Self {
            root,
            home,
            work,
            bin_dir,
            out,
            fake: FakeBedrock::start(),
            extra_env: Vec::new(),
        }
    }

    /// The path of the temp root (canonical).
    pub fn base(&self) -> PathBuf {
        self.home.parent().expect("home has a parent").to_path_buf()
    }

    /// Claude Code's config dir in this sandbox.
    pub fn claude_dir(&self) -> PathBuf {
        self.home.join(".claude")
    }

    pub fn set(&mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> &mut Self {
        self.extra_env
            .push((k.as_ref().to_owned(), Some(v.as_ref().to_owned())));
        self
    }

    pub fn unset(&mut self, k: impl AsRef<OsStr>) -> &mut Self {
        self.extra_env.push((k.as_ref().to_owned(), None));
        self
    }

    /// A command for the binary with a clean environment pointed into the sandbox.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.current_dir(&self.work);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().into_owned();
            if ["AWS_", "ANTHROPIC_", "CLAUDE_", "CC_BEDROCK_", "XDG_"]
                .iter()
                .any(|p| k.starts_with(p))
                || k == "NO_COLOR"
            {
                c.env_remove(&k);
            }
        }
        c.env("HOME", &self.home)
            .env("USER", "alice")
            .env(
                "PATH",
                format!("{}:/usr/local/bin:/usr/bin:/bin", self.bin_dir.display()),
            )
            .env("CC_BEDROCK_CEILING_DIRECTORIES", self.base())
            .env("FAKE_CLAUDE_OUT", &self.out)
            .env("AWS_ACCESS_KEY_ID", "AKIDTESTFAKE")
            .env("AWS_SECRET_ACCESS_KEY", "fake-secret-key")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL_BEDROCK", self.fake.url())
            .env("AWS_ENDPOINT_URL_STS", self.fake.url())
            .env("CC_BEDROCK_AWS_TIMEOUT", "5");
        for (k, v) in &self.extra_env {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    }

    /// Runs the binary with `args` and returns its output.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        self.cmd().args(args).output().expect("run cc-bedrock")
    }

    /// Writes a file relative to the sandbox root (`home/...`, `home/src/payments/...`).
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.base().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Writes the repo config `.cc-bedrock.toml` in the working directory and trusts it (as
    /// the user would with `cc-bedrock trust`) when it is valid.
    pub fn project_config(&self, text: &str) -> PathBuf {
        let p = self.untrusted_project_config(text);
        let _ = self.run(&["trust"]);
        p
    }

    /// Writes the repo config without trusting it.
    pub fn untrusted_project_config(&self, text: &str) -> PathBuf {
        let p = self.work.join(".cc-bedrock.toml");
        std::fs::write(&p, text).expect("write config");
        p
    }

    /// Every recorded fake-claude run, in pid order.
    pub fn invocations(&self) -> Vec<Invocation> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.out).expect("read out dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let Some(pid) = name.strip_suffix(".args") else {
                continue;
            };
            let args = split_nul(&std::fs::read(&path).expect("args"));
            let env_bytes = std::fs::read(self.out.join(format!("{pid}.env"))).unwrap_or_default();
            let env = split_nul(&env_bytes)
                .into_iter()
                .filter_map(|kv| {
                    let kv = kv.to_string_lossy().into_owned();
                    kv.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                })
                .collect();
            out.push(Invocation {
                pid: pid.parse().unwrap_or(0),
                args,
                env,
            });
        }
        out.sort_by_key(|i| i.pid);
        out
    }

    /// The only recorded run (panics unless exactly one).
    pub fn invocation(&self) -> Invocation {
        let mut all = self.invocations();
        assert_eq!(all.len(), 1, "expected exactly one claude run, got {all:?}");
        all.remove(0)
    }
}

fn split_nul(bytes: &[u8]) -> Vec<OsString> {
    let mut parts: Vec<OsString> = bytes
        .split(|&b| b == 0)
        .map(|p| OsString::from_vec(p.to_vec()))
        .collect();
    if bytes.ends_with(&[0]) || bytes.is_empty() {
        parts.pop();
    }
    parts
}

pub fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write executable");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// stdout and stderr as text, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn os(s: &[u8]) -> OsString {
    OsStr::from_bytes(s).to_owned()
}
