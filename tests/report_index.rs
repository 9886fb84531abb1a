//! The `--all-usage` scan index: repeat scans read only what was appended, a shrunk or replaced
//! file is read again, and the index is never needed for the right answer (deleted, corrupt or
//! from another version: same report).

mod report_util;

use std::io::Write;

use report_util::*;

const ARGS: &[&str] = &[
    "daily",
    "--all-usage",
    "--by",
    "model",
    "--by",
    "repo",
    "--since",
    "2026-01-01",
    "--tz",
    "UTC",
];

fn scan_stats(v: &serde_json::Value) -> (u64, u64, u64, u64) {
    let s = &v["scan"];
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("scan.{k}: {v:#}"));
    (
        n("bytes_read"),
        n("files_unchanged"),
        n("files_appended"),
        n("files_full"),
    )
}

/// The report computed from scratch, without the index.
fn fresh(s: &Sandbox) -> serde_json::Value {
    let mut argv = ARGS.to_vec();
    argv.push("--no-index");
    without_scan(s.json(&argv))
}

fn line(msg: &str, out: u64, ts: &str) -> String {
    Line {
        msg,
        req: Some(msg),
        ts,
        output: out,
        ..Line::default()
    }
    .json()
}

fn sandbox_with_history() -> Sandbox {
    let s = Sandbox::new();
    s.copy_history("history");
    s
}

#[test]
fn a_warm_scan_reads_nothing_and_gives_the_same_answer() {
    let s = sandbox_with_history();
    let cold = s.json(ARGS);
    let (read, unchanged, _, full) = scan_stats(&cold);
    assert!(
        read > 100_000 && unchanged == 0 && full == 9,
        "{:#}",
        cold["scan"]
    );
    let warm = s.json(ARGS);
    assert_eq!(scan_stats(&warm), (0, 9, 0, 0));
    assert_eq!(without_scan(warm), without_scan(cold.clone()));
    assert_eq!(without_scan(cold), fresh(&s));
}

#[test]
fn an_append_reads_only_the_new_bytes() {
    let s = Sandbox::new();
    let path = s.write_transcript(
        "-home-dev-src-payments/a.jsonl",
        &[line("m1", 10, "2026-11-10T10:00:00Z"), tool_result(50_000)],
    );
    s.write_transcript(
        "-home-dev-src-web/b.jsonl",
        &[line("m9", 5, "2026-11-10T10:00:00Z")],
    );
    s.json(ARGS);
    // Claude Code appends: a reply whose first block was already there, and a new request.
    let more = [
        line("m1", 30, "2026-11-10T10:00:01Z"),
        line("m2", 7, "2026-11-11T09:00:00Z"),
    ]
    .join("\n")
        + "\n";
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(more.as_bytes())
        .unwrap();
    let v = s.json(ARGS);
    assert_eq!(
        scan_stats(&v),
        (more.len() as u64, 1, 1, 0),
        "{:#}",
        v["scan"]
    );
    assert_eq!(without_scan(v.clone()), fresh(&s));
    // m1 counted once, with its largest output (+ m9: same repo, by its cwd); m2 on its own day.
    let rows = per_period_model(&v);
    let outputs: Vec<(String, u64)> = rows.iter().map(|r| (r.0.clone(), r.3)).collect();
    assert_eq!(
        outputs,
        vec![
            ("2026-11-10".to_string(), 35),
            ("2026-11-11".to_string(), 7)
        ]
    );
}

#[test]
fn a_partial_last_line_is_counted_once_when_completed() {
    let s = Sandbox::new();
    let whole = line("m2", 7, "2026-11-10T11:00:00Z");
    let (head, rest) = whole.split_at(whole.len() / 2);
    let path = s.projects.join("-home-dev-src-payments/a.jsonl");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        format!("{}\n{head}", line("m1", 10, "2026-11-10T10:00:00Z")),
    )
    .unwrap();
    let v = s.json(ARGS);
    assert_eq!(v["total"]["requests"], 1);
    // The writer finishes the line: counted now, once, and the next scan reads only the rest.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(format!("{rest}\n").as_bytes())
        .unwrap();
    let v = s.json(ARGS);
    assert_eq!(v["total"]["requests"], 2);
    assert_eq!(v["total"]["tokens"]["output"], 17);
    assert_eq!(scan_stats(&v).0, whole.len() as u64 + 1);
    assert_eq!(without_scan(v), fresh(&s));
    // A final line that is complete JSON without its newline counts (as ccusage does), without
    // being stored: the next scan still agrees.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(line("m3", 1, "2026-11-10T12:00:00Z").as_bytes())
        .unwrap();
    let v = s.json(ARGS);
    assert_eq!(v["total"]["requests"], 3);
    let v = s.json(ARGS);
    assert_eq!(v["total"]["requests"], 3);
    assert_eq!(without_scan(v), fresh(&s));
}

#[test]
fn a_shrunk_file_is_read_again() {
    let s = Sandbox::new();
    let path = s.write_transcript(
        "-home-dev-src-payments/a.jsonl",
        &[
            line("m1", 10, "2026-11-10T10:00:00Z"),
            line("m2", 20, "2026-11-10T10:01:00Z"),
            line("m3", 30, "2026-11-10T10:02:00Z"),
        ],
    );
    s.json(ARGS);
    // Rewritten in place, shorter (same inode).
    let text = line("m4", 4, "2026-11-12T10:00:00Z") + "\n";
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let v = s.json(ARGS);
    assert_eq!(scan_stats(&v), (text.len() as u64, 0, 0, 1));
    assert_eq!(v["total"]["requests"], 1);
    assert_eq!(v["total"]["tokens"]["output"], 4);
    assert_eq!(without_scan(v), fresh(&s));
}

#[test]
fn a_replaced_file_is_read_again_even_when_it_grew() {
    let s = Sandbox::new();
    let path = s.write_transcript(
        "-home-dev-src-payments/a.jsonl",
        &[line("m1", 10, "2026-11-10T10:00:00Z")],
    );
    s.json(ARGS);
    // Another file renamed over it (new inode), longer than the old one.
    let tmp = s.projects.join("-home-dev-src-payments/.new");
    let text = [
        line("n1", 1, "2026-11-13T10:00:00Z"),
        line("n2", 2, "2026-11-13T10:01:00Z"),
    ]
    .join("\n")
        + "\n";
    std::fs::write(&tmp, &text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    let v = s.json(ARGS);
    assert_eq!(scan_stats(&v), (text.len() as u64, 0, 0, 1));
    assert_eq!(v["total"]["tokens"]["output"], 3);
    assert_eq!(without_scan(v), fresh(&s));
}

#[test]
fn same_inode_rewritten_longer_is_caught_by_the_tail_check() {
    let s = Sandbox::new();
    let path = s.write_transcript(
        "-home-dev-src-payments/a.jsonl",
        &[line("m1", 10, "2026-11-10T10:00:00Z")],
    );
    s.json(ARGS);
    // Truncated and rewritten through the same inode with different, longer content.
    let text = [
        line("x1", 1, "2026-11-14T10:00:00Z"),
        line("x2", 2, "2026-11-14T10:01:00Z"),
    ]
    .join("\n")
        + "\n";
    std::fs::write(&path, &text).unwrap();
    let v = s.json(ARGS);
    assert_eq!(v["total"]["tokens"]["output"], 3, "{v:#}");
    assert_eq!(without_scan(v), fresh(&s));
}

#[test]
fn new_and_deleted_transcripts() {
    let s = Sandbox::new();
    let a = s.write_transcript("-p/a.jsonl", &[line("m1", 10, "2026-11-10T10:00:00Z")]);
    s.json(ARGS);
    s.write_transcript("-p/b.jsonl", &[line("m2", 20, "2026-11-10T10:00:00Z")]);
    let v = s.json(ARGS);
    let (_, unchanged, _, full) = scan_stats(&v);
    assert_eq!((unchanged, full), (1, 1));
    assert_eq!(v["total"]["tokens"]["output"], 30);
    std::fs::remove_file(&a).unwrap();
    let v = s.json(ARGS);
    assert_eq!(
        v["total"]["tokens"]["output"], 20,
        "a deleted file's usage is gone"
    );
    assert_eq!(without_scan(v), fresh(&s));
}

#[test]
fn a_deleted_index_gives_the_same_answer() {
    let s = sandbox_with_history();
    let first = without_scan(s.json(ARGS));
    std::fs::remove_dir_all(s.index_dir()).unwrap();
    let v = s.json(ARGS);
    assert_eq!(scan_stats(&v).3, 9, "read in full again");
    assert_eq!(without_scan(v), first);
}

#[test]
fn a_corrupt_index_gives_the_same_answer_and_is_rebuilt() {
    let s = sandbox_with_history();
    let first = without_scan(s.json(ARGS));
    let shards: Vec<_> = std::fs::read_dir(s.index_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!shards.is_empty());
    for (i, p) in shards.iter().enumerate() {
        let mut b = std::fs::read(p).unwrap();
        match i % 4 {
            0 => b.truncate(b.len() / 2),
            1 => {
                let n = b.len();
                b[n - 3] ^= 0xff;
            }
            2 => b[8] = b[8].wrapping_add(1), // another index version
            _ => b = b"not an index at all".to_vec(),
        }
        std::fs::write(p, b).unwrap();
    }
    let v = s.json(ARGS);
    assert_eq!(
        v["scan"]["index_shards_bad"].as_u64(),
        Some(shards.len() as u64)
    );
    assert_eq!(without_scan(v), first);
    // Rewritten: the next scan reads nothing.
    let v = s.json(ARGS);
    assert_eq!(scan_stats(&v), (0, 9, 0, 0));
    assert_eq!(without_scan(v), first);
}

#[test]
fn an_unwritable_index_is_a_warning_not_an_error() {
    let s = sandbox_with_history();
    // The index directory's place is taken by a file.
    std::fs::create_dir_all(&s.env.dirs.cache).unwrap();
    std::fs::write(s.index_dir(), b"").unwrap();
    let v = s.json(ARGS);
    assert!(v["scan"]["index_error"].is_string(), "{:#}", v["scan"]);
    assert_eq!(without_scan(v), fresh(&s));
}
