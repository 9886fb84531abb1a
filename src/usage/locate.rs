//! Where Claude Code keeps a session's transcripts: the project-dir encoding of the cwd, the
//! session file, its subagent files, and the per-process `sessions/<pid>.json`.

use std::path::{Path, PathBuf};

/// Longest encoded project-dir name Claude Code uses before switching to the hashed form.
const MAX_PLAIN: usize = 200;

/// Claude Code's project-dir name for a (real) path: every UTF-16 code unit that is not
/// `[A-Za-z0-9]` becomes `-`; a result longer than 200 characters is cut to 200 and suffixed
/// with `-` + base36(|Java `String.hashCode` of the path|).
pub fn encode_project_dir(path: &str) -> String {
    let units: Vec<u16> = path.encode_utf16().collect();
    let encoded: String = units
        .iter()
        .map(|&u| match u {
            0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A => u as u8 as char,
            _ => '-',
        })
        .collect();
    if encoded.len() <= MAX_PLAIN {
        return encoded;
    }
    // Java's hashCode: int32 arithmetic over UTF-16 units. JavaScript's Math.abs of i32::MIN is
    // 2^31 (doubles), hence the widening before abs.
    let h = units
        .iter()
        .fold(0i32, |h, &u| h.wrapping_mul(31).wrapping_add(i32::from(u)));
    format!(
        "{}-{}",
        &encoded[..MAX_PLAIN],
        base36(i64::from(h).unsigned_abs())
    )
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// `<config dir>/projects`.
pub fn projects_dir(claude_config_dir: &Path) -> PathBuf {
    claude_config_dir.join("projects")
}

/// `<config dir>/projects/<enc(realpath(cwd))>`. `real_cwd` must already be resolved.
pub fn project_dir(claude_config_dir: &Path, real_cwd: &Path) -> PathBuf {
    projects_dir(claude_config_dir).join(encode_project_dir(&real_cwd.to_string_lossy()))
}

/// `<project dir>/<session>.jsonl`.
pub fn session_file(project_dir: &Path, session_id: &str) -> PathBuf {
    project_dir.join(format!("{session_id}.jsonl"))
}

/// `<project dir>/<session>/subagents`.
pub fn subagents_dir(project_dir: &Path, session_id: &str) -> PathBuf {
    project_dir.join(session_id).join("subagents")
}

/// `<config dir>/sessions/<pid>.json`.
pub fn pid_file(claude_config_dir: &Path, pid: u32) -> PathBuf {
    claude_config_dir
        .join("sessions")
        .join(format!("{pid}.json"))
}

/// The transcript of `session_id`: in `project_dir` if it is there, else in any other project
/// dir (a session resumed from another directory keeps its file where it started). One readdir
/// of `projects/`, only when the expected file is missing.
pub fn find_session_file(
    claude_config_dir: &Path,
    project_dir: &Path,
    session_id: &str,
) -> Option<PathBuf> {
    if !is_safe_id(session_id) {
        return None;
    }
    let p = session_file(project_dir, session_id);
    if p.is_file() {
        return Some(p);
    }
    let entries = std::fs::read_dir(projects_dir(claude_config_dir)).ok()?;
    entries
        .flatten()
        .map(|e| session_file(&e.path(), session_id))
        .find(|p| p.is_file())
}

/// Session ids become file names: refuse anything that could leave the directory.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `*.jsonl` files of a directory, sorted by name.
pub fn jsonl_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_documented_examples() {
        assert_eq!(
            encode_project_dir("/home/dev/src/my_proj.v2"),
            "-home-dev-src-my-proj-v2"
        );
        assert_eq!(
            encode_project_dir("/home/dev/With Space/ünï_cödé.dir"),
            "-home-dev-With-Space--n--c-d--dir"
        );
        // An astral character is two UTF-16 units, so two dashes.
        assert_eq!(encode_project_dir("/a/😀b"), "-a---b");
    }

    #[test]
    fn long_paths_are_cut_and_hashed() {
        // 231 characters. Java hashCode (computed independently): 1119566929 = base36 "iik7dd".
        let p = format!("/home/dev/{}/proj", "a_very_long_directory_name_".repeat(8));
        let e = encode_project_dir(&p);
        let plain: String = p
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        assert_eq!(e, format!("{}-iik7dd", &plain[..200]));
        // A negative hash (-388021046 = -"6f0mye" in base36) and an astral character.
        let p = format!("/tmp/😀{}", "x".repeat(250));
        let e = encode_project_dir(&p);
        assert_eq!(e.len(), 200 + 1 + 6);
        assert!(e.starts_with("-tmp---xxx"), "{e}");
        assert!(e.ends_with("-6f0mye"), "{e}");
        // Exactly 200 stays plain.
        let p = format!("/{}", "y".repeat(199));
        assert_eq!(encode_project_dir(&p).len(), 200);
        assert_eq!(base36(2_147_483_648), "zik0zk");
    }

    #[test]
    fn finds_a_session_in_another_project_dir() {
        let d = tempfile::tempdir().unwrap();
        let here = project_dir(d.path(), Path::new("/here"));
        let there = project_dir(d.path(), Path::new("/there"));
        std::fs::create_dir_all(&here).unwrap();
        std::fs::create_dir_all(&there).unwrap();
        std::fs::write(session_file(&there, "abc"), "").unwrap();
        assert_eq!(
            find_session_file(d.path(), &here, "abc"),
            Some(session_file(&there, "abc"))
        );
        assert_eq!(find_session_file(d.path(), &here, "nope"), None);
        assert_eq!(find_session_file(d.path(), &here, "../x"), None);
    }
}
