//! `claude --version`, bounded by a timeout: a broken or hanging `claude` must not hang `status`.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long `claude --version` may take.
pub const VERSION_TIMEOUT: Duration = Duration::from_secs(5);

/// The first line `claude --version` prints, or why there is none.
pub fn version(claude: &Path, timeout: Duration) -> Result<String, String> {
    let mut child = Command::new(claude)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", claude.display()))?;
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{} --version` did not answer within {}s",
                    claude.display(),
                    timeout.as_secs()
                ));
            }
            Err(e) => return Err(format!("cannot wait for {}: {e}", claude.display())),
        }
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut out);
    }
    let first = out
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string();
    if !status.success() {
        return Err(format!(
            "`{} --version` failed ({status})",
            claude.display()
        ));
    }
    if first.is_empty() {
        return Err(format!("`{} --version` printed nothing", claude.display()));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, body: &str) -> std::path::PathBuf {
        let p = dir.join(format!("claude-{}", body.len()));
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    #[test]
    fn reads_times_out_and_fails() {
        let d = tempfile::tempdir().unwrap();
        let ok = script(d.path(), "echo '2.1.332 (Claude Code)'");
        assert_eq!(
            version(&ok, VERSION_TIMEOUT).unwrap(),
            "2.1.332 (Claude Code)"
        );
        let slow = script(d.path(), "exec sleep 10");
        let start = Instant::now();
        assert!(
            version(&slow, Duration::from_millis(200))
                .unwrap_err()
                .contains("did not answer")
        );
        assert!(start.elapsed() < Duration::from_secs(5));
        let bad = script(d.path(), "exit 3");
        assert!(
            version(&bad, VERSION_TIMEOUT)
                .unwrap_err()
                .contains("failed")
        );
    }
}
