//! install.sh end to end: shellcheck-clean, builds and installs into a throw-away HOME with
//! `--to` (a debug build sharing this checkout's target dir, so no second full build), the
//! installed binary runs, its completions load in bash (and fish), a second run changes nothing,
//! `--uninstall` removes it all, a missing cargo fails with the rustup hint, and a failed build
//! leaves nothing behind.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{text, write_executable};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn script() -> PathBuf {
    repo().join("install.sh")
}

/// The directory of the cargo running these tests (so the install uses the same toolchain).
fn cargo_dir() -> PathBuf {
    let cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"));
    let cargo = if cargo.is_absolute() {
        cargo
    } else {
        which::which(&cargo).expect("cargo on PATH")
    };
    cargo.parent().expect("cargo's directory").to_path_buf()
}

/// The real user's cargo and rustup homes: with HOME pointed elsewhere, cargo would otherwise
/// look for its registry (and rustup for its toolchains) in the empty sandbox.
fn tool_homes() -> Vec<(&'static str, PathBuf)> {
    let home = PathBuf::from(std::env::var_os("HOME").expect("HOME"));
    let pick = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(default))
    };
    vec![
        ("CARGO_HOME", pick("CARGO_HOME", ".cargo")),
        ("RUSTUP_HOME", pick("RUSTUP_HOME", ".rustup")),
    ]
}

struct Sandbox {
    _root: tempfile::TempDir,
    home: PathBuf,
    to: PathBuf,
    tmp: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let base = root.path().canonicalize().unwrap();
        let (home, to, tmp) = (base.join("home"), base.join("bin"), base.join("tmp"));
        for d in [&home, &tmp] {
            std::fs::create_dir_all(d).unwrap();
        }
        Self {
            _root: root,
            home,
            to,
            tmp,
        }
    }

    /// `sh install.sh ARGS` with a clean environment and PATH = `path`.
    fn install(&self, args: &[&str], path: &str) -> Output {
        let mut c = Command::new("sh");
        c.arg(script())
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", path)
            .env("TMPDIR", &self.tmp)
            // Reuse this checkout's build; never touch the network.
            .env("CARGO_TARGET_DIR", repo().join("target"))
            .env("CARGO_NET_OFFLINE", "true")
            .current_dir(&self.home)
            .stdin(Stdio::null());
        for (k, v) in tool_homes() {
            c.env(k, v);
        }
        run_with_timeout(c, Duration::from_secs(20 * 60))
    }

    fn path_with_cargo(&self) -> String {
        format!("{}:/usr/bin:/bin", cargo_dir().display())
    }

    fn bash_file(&self) -> PathBuf {
        self.home
            .join(".local/share/bash-completion/completions/cc-bedrock")
    }
    fn zsh_file(&self) -> PathBuf {
        self.home.join(".zfunc/_cc-bedrock")
    }
    fn fish_file(&self) -> PathBuf {
        self.home.join(".config/fish/completions/cc-bedrock.fish")
    }
}

fn run_with_timeout(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Drain the pipes on threads: a cargo build writes more than a pipe buffer holds.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut b).ok();
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut b).ok();
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("install.sh did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

fn have(program: &str) -> bool {
    let ok = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "\n*** SKIPPED: `{program}` is not installed; part of the install.sh test did not run. ***\n"
        );
    }
    ok
}

#[test]
fn install_sh_is_shellcheck_clean_posix_sh() {
    let o = Command::new("sh").arg("-n").arg(script()).output().unwrap();
    assert!(o.status.success(), "sh -n: {}", text(&o));
    if !have("shellcheck") {
        return;
    }
    let o = Command::new("shellcheck")
        .args(["--shell=sh"])
        .arg(script())
        .output()
        .unwrap();
    assert!(o.status.success(), "shellcheck: {}", text(&o));
}

fn generated(exe: &Path, shell: &str) -> String {
    let o = Command::new(exe)
        .args(["completions", shell])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn installs_runs_completes_reinstalls_and_uninstalls() {
    let sb = Sandbox::new();
    let o = sb.install(
        &["--to", sb.to.to_str().unwrap(), "--debug"],
        &sb.path_with_cargo(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();

    let exe = sb.to.join("cc-bedrock");
    let v = Command::new(&exe).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("cc-bedrock {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        out.contains(&format!("{} is not on your PATH", sb.to.display())),
        "{out}"
    );
    assert!(out.contains("fish_add_path"), "{out}");
    assert!(out.contains("fpath=(~/.zfunc $fpath)"), "{out}");
    for (file, shell) in [
        (sb.bash_file(), "bash"),
        (sb.zsh_file(), "zsh"),
        (sb.fish_file(), "fish"),
    ] {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{} not installed:\n{out}", file.display()));
        assert_eq!(
            text,
            generated(&exe, shell),
            "{shell} completions come from the installed binary"
        );
    }
    assert_eq!(
        std::fs::read_dir(&sb.tmp).unwrap().count(),
        0,
        "the temporary build root is removed"
    );

    // bash-completion lazy-loads it from the user directory, and it completes subcommands.
    if have("bash") && Path::new("/usr/share/bash-completion/bash_completion").exists() {
        let script = r#"
source /usr/share/bash-completion/bash_completion
__load_completion cc-bedrock || exit 3
func=$(complete -p cc-bedrock | sed -n 's/.*-F \([^ ]*\).*/\1/p')
COMP_WORDS=(cc-bedrock st); COMP_CWORD=1; COMP_LINE="cc-bedrock st"; COMP_POINT=${#COMP_LINE}
"$func" cc-bedrock st cc-bedrock
echo "${COMPREPLY[*]}"
"#;
        let o = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", script])
            .env("HOME", &sb.home)
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            "status",
            "{}",
            text(&o)
        );
    } else {
        eprintln!(
            "\n*** SKIPPED: bash-completion is not installed; the installed bash script was not loaded. ***\n"
        );
    }
    // fish autoloads from ~/.config/fish/completions (for a command on PATH).
    if have("fish") {
        let o = Command::new("fish")
            .args(["-c", "complete -C 'cc-bedrock pro'"])
            .env("HOME", &sb.home)
            .env("PATH", format!("{}:/usr/bin:/bin", sb.to.display()))
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&o.stdout).starts_with("profiles\t"),
            "{}",
            text(&o)
        );
    }

    // Idempotent: a second run replaces the same files and leaves nothing else.
    let before = std::fs::read(&exe).unwrap();
    let o = sb.install(
        &["--to", sb.to.to_str().unwrap(), "--debug"],
        &sb.path_with_cargo(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read(&exe).unwrap(), before);
    let in_to: Vec<_> = std::fs::read_dir(&sb.to)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(in_to, ["cc-bedrock"]);
    let zfunc: Vec<_> = std::fs::read_dir(sb.home.join(".zfunc"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(zfunc, ["_cc-bedrock"]);

    // On PATH already: no PATH advice.
    let path = format!("{}:{}", sb.to.display(), sb.path_with_cargo());
    let o = sb.install(&["--to", sb.to.to_str().unwrap(), "--debug"], &path);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("not on your PATH"),
        "{}",
        text(&o)
    );

    // Uninstall needs no cargo, removes everything, and is itself idempotent.
    let o = sb.install(
        &["--uninstall", "--to", sb.to.to_str().unwrap()],
        "/usr/bin:/bin",
    );
    assert!(o.status.success(), "{}", text(&o));
    for f in [exe.clone(), sb.bash_file(), sb.zsh_file(), sb.fish_file()] {
        assert!(!f.exists(), "{} left behind", f.display());
    }
    let o = sb.install(
        &["--uninstall", "--to", sb.to.to_str().unwrap()],
        "/usr/bin:/bin",
    );
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stdout).contains("Nothing to remove"),
        "{}",
        text(&o)
    );
}

#[test]
fn missing_cargo_fails_with_the_rustup_hint() {
    let sb = Sandbox::new();
    if Path::new("/usr/bin/cargo").exists() || Path::new("/bin/cargo").exists() {
        eprintln!(
            "\n*** SKIPPED: cargo is installed system-wide, so it cannot be hidden from PATH. ***\n"
        );
        return;
    }
    let o = sb.install(&["--to", sb.to.to_str().unwrap()], "/usr/bin:/bin");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cargo was not found") && err.contains("https://sh.rustup.rs"),
        "{err}"
    );
    assert!(!sb.to.exists(), "nothing installed");
}

#[test]
fn a_failed_build_leaves_nothing_behind() {
    let sb = Sandbox::new();
    let fake = sb.home.join("fakebin");
    std::fs::create_dir_all(&fake).unwrap();
    // A cargo that starts writing into --root, then fails.
    write_executable(
        &fake.join("cargo"),
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && mkdir -p \"$2/bin\" && : > \"$2/bin/partial\"; shift; done\necho 'error: could not compile' >&2\nexit 101\n",
    );
    let o = sb.install(
        &["--to", sb.to.to_str().unwrap()],
        &format!("{}:/usr/bin:/bin", fake.display()),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the build failed"),
        "{}",
        text(&o)
    );
    assert_eq!(
        std::fs::read_dir(&sb.tmp).unwrap().count(),
        0,
        "temporary files are removed on error"
    );
    assert!(!sb.to.exists());
    assert!(!sb.bash_file().exists());
}

#[test]
fn unknown_options_show_the_usage() {
    let sb = Sandbox::new();
    let o = sb.install(&["--frobnicate"], "/usr/bin:/bin");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Usage: ./install.sh") && err.contains("unknown option: --frobnicate"),
        "{err}"
    );
    let o = sb.install(&["--help"], "/usr/bin:/bin");
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stdout).contains("--uninstall"),
        "{}",
        text(&o)
    );
}
