//! `cc-bedrock completions`: the checked-in scripts in `completions/` match what the binary
//! generates, and each loads in its real shell (where installed) and completes subcommands.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{bin, text};

/// (shell argument, checked-in file).
const SCRIPTS: &[(&str, &str)] = &[
    ("bash", "cc-bedrock.bash"),
    ("zsh", "_cc-bedrock"),
    ("fish", "cc-bedrock.fish"),
    ("powershell", "_cc-bedrock.ps1"),
    ("elvish", "cc-bedrock.elv"),
];

fn completions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions")
}

fn generate(shell: &str) -> String {
    let o = Command::new(bin())
        .args(["completions", shell])
        .output()
        .expect("run cc-bedrock");
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).expect("utf-8 script")
}

#[test]
fn checked_in_scripts_match_the_cli() {
    let mut drifted = Vec::new();
    for (shell, file) in SCRIPTS {
        let path = completions_dir().join(file);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != generate(shell) {
            drifted.push(format!(
                "cargo run -- completions {shell} > completions/{file}"
            ));
        }
    }
    assert!(
        drifted.is_empty(),
        "completions/ is out of date with the CLI. Refresh it from the repository root:\n  {}\n",
        drifted.join("\n  ")
    );
}

#[test]
fn completions_rejects_an_unknown_shell() {
    let o = Command::new(bin())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        support::stderr(&o).contains("possible values"),
        "{}",
        text(&o)
    );
}

/// Whether `shell` runs here; otherwise says loudly that its test is skipped.
fn have(shell: &str) -> bool {
    let ok = Command::new(shell)
        .arg("-c")
        .arg("exit 0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "\n*** SKIPPED: `{shell}` is not installed, so its completion script was not loaded. \
             Install it (apt-get install bash-completion zsh fish) to run this test. ***\n"
        );
    }
    ok
}

/// Runs `cmd` with a deadline, so a shell waiting for input fails the test instead of hanging it.
fn run_with_timeout(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn shell");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output");
            panic!("shell did not finish within {limit:?}\n{}", text(&o));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn words(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn assert_offers(got: &[String], want: &[&str], what: &str) {
    for w in want {
        assert!(
            got.iter().any(|g| g == w),
            "{what}: expected `{w}` among {got:?}"
        );
    }
}

#[test]
fn bash_loads_the_script_and_completes() {
    if !have("bash") {
        return;
    }
    // Call the registered function the way bash's completion machinery does.
    let script = r#"
set -e
source "$1"
func=$(complete -p cc-bedrock | sed -n 's/.*-F \([^ ]*\).*/\1/p')
[ -n "$func" ] || { echo "no completion registered for cc-bedrock" >&2; exit 3; }
c() {
  COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  "$func" cc-bedrock "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  echo "${COMPREPLY[*]}"
}
case "$2" in
  top) c cc-bedrock "" ;;
  profiles) c cc-bedrock profiles "" ;;
  prune) c cc-bedrock profiles prune -- ;;
esac
"#;
    let file = completions_dir().join("cc-bedrock.bash");
    for (case, want) in [
        (
            "top",
            &[
                "status",
                "profiles",
                "init",
                "completions",
                "env",
                "--config",
            ][..],
        ),
        ("profiles", &["list", "show", "delete", "prune"][..]),
        ("prune", &["--older-than", "--yes", "--dry-run"][..]),
    ] {
        let mut cmd = Command::new("bash");
        cmd.args(["--norc", "--noprofile", "-c", script, "bash"])
            .arg(&file)
            .arg(case);
        let o = run_with_timeout(cmd, Duration::from_secs(20));
        assert!(o.status.success() && o.stderr.is_empty(), "{}", text(&o));
        assert_offers(&words(&o), want, &format!("bash `{case}`"));
    }
}

#[test]
fn bash_completion_framework_loads_it_too() {
    // With the bash-completion package, scripts are lazy-loaded by command name from
    // ~/.local/share/bash-completion/completions: install.sh puts ours there.
    let framework = Path::new("/usr/share/bash-completion/bash_completion");
    if !have("bash") {
        return;
    }
    if !framework.exists() {
        eprintln!(
            "\n*** SKIPPED: bash-completion is not installed (apt-get install bash-completion). ***\n"
        );
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("bash-completion/completions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        completions_dir().join("cc-bedrock.bash"),
        dir.join("cc-bedrock"),
    )
    .unwrap();
    let script = r#"
source /usr/share/bash-completion/bash_completion
_comp_load cc-bedrock 2>/dev/null || __load_completion cc-bedrock || exit 3
complete -p cc-bedrock
"#;
    let mut cmd = Command::new("bash");
    cmd.args(["--norc", "--noprofile", "-c", script])
        .env("XDG_DATA_HOME", data.path())
        .env("HOME", data.path());
    let o = run_with_timeout(cmd, Duration::from_secs(20));
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("cc-bedrock"),
        "{}",
        text(&o)
    );
}

#[test]
fn fish_loads_the_script_and_completes() {
    if !have("fish") {
        return;
    }
    let file = completions_dir().join("cc-bedrock.fish");
    for (line, want) in [
        (
            "cc-bedrock ",
            &["status", "profiles", "init", "completions"][..],
        ),
        (
            "cc-bedrock profiles ",
            &["list", "show", "delete", "prune"][..],
        ),
        (
            "cc-bedrock profiles prune --",
            &["--older-than", "--yes", "--dry-run"][..],
        ),
    ] {
        let mut cmd = Command::new("fish");
        cmd.args([
            "--no-config",
            "-c",
            "source $argv[1]; and complete -C $argv[2]",
        ])
        .arg(&file)
        .arg(line)
        .env("HOME", std::env::temp_dir());
        let o = run_with_timeout(cmd, Duration::from_secs(20));
        assert!(o.status.success(), "{}", text(&o));
        // `complete -C` prints `candidate<TAB>description` per line.
        let got: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or("").to_string())
            .collect();
        assert_offers(&got, want, &format!("fish `{line}`"));
    }
}

/// Drives an interactive zsh through a pty (zsh's own zpty module) with the completion system
/// loaded, presses TAB after `line`, and prints each match: `compadd` is wrapped so every
/// candidate zsh would offer is printed between two markers.
const ZSH_SETUP: &str = r#"
PS1='' PROMPT='' RPROMPT=''
fpath=("$CCB_COMPLETIONS" $fpath)
autoload -U compinit && compinit -u -D
bindkey '^I' complete-word
_ccb_mark() { print -r -- '@@MARK@@' }
compprefuncs=(_ccb_mark)
comppostfuncs=(_ccb_mark exit)
compadd() {
  # Calls that only collect matches into an array are internal: pass them through.
  if (( ${@[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi
  local -a __m
  builtin compadd -A __m "$@"
  local w; for w in $__m; do print -r -- "@@MATCH@@$w"; done
}
print -r -- '@@READY@@'
"#;

const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty || exit 4
zpty z zsh -f -i
zpty -w z "source ${(q)1}"
local line
while zpty -r z line; do [[ $line == *@@READY@@* ]] && break; done
zpty -w z "$2"$'\t'
integer marks=0
while zpty -r z line; do
  [[ $line == *@@MATCH@@* ]] && print -r -- "${${line#*@@MATCH@@}%%$'\r'*}"
  if [[ $line == *@@MARK@@* ]]; then (( ++marks == 2 )) && break; fi
done
zpty -d z
(( marks == 2 )) || { print -u2 "completion did not run"; exit 5 }
"#;

#[test]
fn zsh_loads_the_script_and_completes() {
    if !have("zsh") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup.zsh");
    std::fs::write(&setup, ZSH_SETUP).unwrap();
    for (line, want) in [
        (
            "cc-bedrock ",
            &["status", "profiles", "init", "completions"][..],
        ),
        ("cc-bedrock profiles p", &["prune"][..]),
        ("cc-bedrock status --", &["--json", "--offline"][..]),
    ] {
        let mut cmd = Command::new("zsh");
        cmd.args(["-f", "-c", ZSH_DRIVER, "zsh"])
            .arg(&setup)
            .arg(line)
            .env("CCB_COMPLETIONS", completions_dir())
            .env("HOME", dir.path())
            .env("TERM", "dumb");
        let o = run_with_timeout(cmd, Duration::from_secs(30));
        assert!(o.status.success(), "{}", text(&o));
        let got = words(&o);
        assert_offers(&got, want, &format!("zsh `{line}`"));
        assert!(
            !got.iter().any(|g| g == "env") || line == "cc-bedrock ",
            "zsh `{line}` offered subcommands again: {got:?}"
        );
    }
}
