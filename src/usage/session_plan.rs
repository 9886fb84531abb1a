//! Deciding, from the user's `claude` arguments, which session a run will write, and pinning a
//! new session's id with `--session-id` where that is safe.
//!
//! Pinning makes attribution exact (the run's file is known before it starts), but an extra
//! `--session-id` must never change what the user asked for: it is added only to an invocation
//! that starts a new conversation. Anything that resumes, continues, forks, names its own id,
//! prints help/version or runs a management subcommand is left alone (the run is then found by
//! other means, see [`crate::usage::run`]). When unsure, don't pin: that only costs precision.

use crate::cli::CLAUDE_SUBCOMMANDS;
use std::ffi::OsString;
use std::io::Read;

/// What the launcher knows, before the run, about its session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionHint {
    /// A new session whose id cc-bedrock chose (`--session-id` was added).
    Pinned(String),
    /// The user named the session: `--resume <uuid>` or their own `--session-id <uuid>`. With
    /// `--fork-session` this is the session forked from (or the fork's own id when the user gave
    /// `--session-id`; accounting tells them apart by whether the file existed before the run).
    Named(String),
    /// `--continue`, the `--resume` picker, or anything else not pinned.
    Unknown,
}

/// The plan for one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPlan {
    /// Prepended by the launcher before the user's args (e.g. `["--session-id", uuid]`).
    pub extra_args: Vec<OsString>,
    pub hint: SessionHint,
    /// `--fork-session` was given: the run writes a new file that starts with the parent's lines.
    pub fork: bool,
    /// Help, version or a management subcommand: no conversation runs, nothing to account.
    pub no_session: bool,
}

/// Long options that resume an existing conversation (their optional value is a session id or
/// a search term).
const RESUMING: &[&str] = &["--resume", "--from-pr", "--teleport"];

/// Long options of claude that take one value (so the value is not mistaken for a subcommand or
/// a flag). Unknown options are fine: subcommand names are matched anywhere (see below).
const TAKES_VALUE: &[&str] = &[
    "--model",
    "--settings",
    "--output-format",
    "--input-format",
    "--permission-mode",
    "--append-system-prompt",
    "--system-prompt",
    "--fallback-model",
    "--agent",
    "--agents",
    "--setting-sources",
    "--max-turns",
    "--max-budget-usd",
    "--json-schema",
    "--permission-prompt-tool",
];

/// Plans the session for `user_args` (the arguments the user gave `claude`, without argv[0]).
pub fn plan_session(user_args: &[OsString]) -> SessionPlan {
    let mut resume = false;
    let mut resume_value: Option<String> = None;
    let mut cont = false;
    let mut fork = false;
    let mut user_id: Option<String> = None;
    let mut user_gave_id = false;
    let mut no_session = false;
    let mut unpinnable = false;
    let mut positionals = 0usize;

    let mut i = 0;
    while i < user_args.len() {
        let arg = user_args[i].as_os_str();
        i += 1;
        let Some(s) = arg.to_str() else {
            continue; // a non-UTF-8 prompt or path: never an option we care about
        };
        if s == "--" {
            break; // everything after is positional (a prompt), never a flag
        }
        if let Some(long) = s.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let flag = format!("--{name}");
            match flag.as_str() {
                "--help" | "--version" => no_session = true,
                "--continue" => cont = true,
                "--fork-session" => fork = true,
                "--session-id" => {
                    user_gave_id = true;
                    user_id = match inline {
                        Some(v) => Some(v.to_string()),
                        None => next_value(user_args, &mut i),
                    };
                }
                f if RESUMING.contains(&f) => {
                    resume = true;
                    let v = match inline {
                        Some(v) => Some(v.to_string()),
                        None => optional_value(user_args, &mut i),
                    };
                    if f == "--resume" {
                        resume_value = v;
                    }
                }
                // Its value is skipped, unless it looks like an option: then it is read as one,
                // the safe reading (`--model --resume` never gets a pin).
                f if TAKES_VALUE.contains(&f) && inline.is_none() => {
                    let _ = optional_value(user_args, &mut i);
                }
                _ => {}
            }
            continue;
        }
        if let Some(shorts) = s.strip_prefix('-').filter(|r| !r.is_empty()) {
            // `-r id`, `-c`, or a cluster such as `-pc`. A value attached to `-r` (`-rID`) or a
            // cluster ending in `r` followed by a value is handled conservatively: resume.
            let first = shorts.chars().next();
            if shorts.len() == 1 || first == Some('r') {
                match first {
                    Some('h') | Some('v') => no_session = true,
                    Some('c') => cont = true,
                    Some('r') => {
                        resume = true;
                        resume_value = if shorts.len() > 1 {
                            Some(shorts[1..].to_string())
                        } else {
                            optional_value(user_args, &mut i)
                        };
                    }
                    _ => {}
                }
            } else {
                for c in shorts.chars() {
                    match c {
                        'h' | 'v' => no_session = true,
                        'c' => cont = true,
                        'r' => resume = true,
                        _ => {}
                    }
                }
            }
            continue;
        }
        // A bare word. A management subcommand is the first positional, but since an unknown
        // option before it might have consumed it (or it might be a one-word prompt), any bare
        // word naming a subcommand stops pinning: a missed pin is harmless, a wrong one is not.
        // As the first positional (`claude mcp list`, `claude --debug update`) claude's parser
        // takes it as the subcommand: nothing to record. Later it is part of a prompt: the run
        // is still accounted for, just not pinned.
        positionals += 1;
        if CLAUDE_SUBCOMMANDS.contains(&s) {
            if positionals == 1 {
                no_session = true;
            } else {
                unpinnable = true;
            }
        }
    }

    let named = |id: Option<String>| match id {
        Some(id) if is_uuid(&id) => SessionHint::Named(id),
        _ => SessionHint::Unknown,
    };
    let hint = if user_gave_id {
        named(user_id)
    } else if resume {
        named(resume_value)
    } else {
        SessionHint::Unknown
    };
    let pin_safe = !resume && !cont && !fork && !user_gave_id && !no_session && !unpinnable;
    let mut plan = SessionPlan {
        extra_args: Vec::new(),
        hint,
        fork,
        no_session,
    };
    if pin_safe && let Some(id) = new_uuid_v4() {
        plan.extra_args = vec![OsString::from("--session-id"), OsString::from(&id)];
        plan.hint = SessionHint::Pinned(id);
    }
    plan
}

/// The value of an option that requires one.
fn next_value(args: &[OsString], i: &mut usize) -> Option<String> {
    let v = args.get(*i)?;
    *i += 1;
    v.to_str().map(str::to_string)
}

/// The value of an option whose value is optional: the next arg unless it looks like an option.
fn optional_value(args: &[OsString], i: &mut usize) -> Option<String> {
    let v = args.get(*i)?.to_str()?;
    if v.starts_with('-') {
        return None;
    }
    *i += 1;
    Some(v.to_string())
}

/// Whether `s` is a UUID in its canonical 8-4-4-4-12 hex form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A random version-4 UUID from `/dev/urandom`; `None` if it cannot be read (then nothing is
/// pinned).
pub fn new_uuid_v4() -> Option<String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .ok()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::cache::hex(&b);
    Some(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    const ID: &str = "11111111-2222-4333-8444-555555555555";

    fn plan(args: &[&str]) -> SessionPlan {
        plan_session(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    fn pinned(p: &SessionPlan) -> bool {
        matches!(p.hint, SessionHint::Pinned(_))
    }

    #[test]
    fn pins_new_conversations() {
        for args in [
            &[][..],
            &["-p", "hello"],
            &["--model", "opus", "-p", "fix it"],
            &["-p", "--", "--resume"],
            &["-p", "update the README"],
            &["--output-format=json", "-p", "hi"],
        ] {
            let p = plan(args);
            assert!(pinned(&p), "{args:?}");
            let SessionHint::Pinned(id) = &p.hint else {
                unreachable!()
            };
            assert!(is_uuid(id));
            assert_eq!(id.as_bytes()[14], b'4');
            assert_eq!(
                p.extra_args,
                vec![OsString::from("--session-id"), OsString::from(id)]
            );
            assert!(!p.fork && !p.no_session);
        }
        assert_ne!(plan(&[]).hint, plan(&[]).hint, "random ids");
    }

    #[test]
    fn never_pins_resume_continue_fork_or_own_id() {
        let cases: &[(&[&str], SessionHint)] = &[
            (&["--resume", ID], SessionHint::Named(ID.into())),
            (&[&format!("--resume={ID}")], SessionHint::Named(ID.into())),
            (&["-r", ID, "-p", "more"], SessionHint::Named(ID.into())),
            (&["--resume"], SessionHint::Unknown),
            (&["--resume", "-p", "x"], SessionHint::Unknown),
            (&["--resume", "search words"], SessionHint::Unknown),
            (&["-r"], SessionHint::Unknown),
            (&["--continue", "-p", "x"], SessionHint::Unknown),
            (&["-c"], SessionHint::Unknown),
            (&["-pc", "x"], SessionHint::Unknown),
            (&["--session-id", ID], SessionHint::Named(ID.into())),
            (
                &[&format!("--session-id={ID}"), "-p", "x"],
                SessionHint::Named(ID.into()),
            ),
            (&["--session-id", "not-a-uuid"], SessionHint::Unknown),
            (&["--from-pr", "12"], SessionHint::Unknown),
        ];
        for (args, hint) in cases {
            let p = plan(args);
            assert_eq!(&p.hint, hint, "{args:?}");
            assert!(p.extra_args.is_empty(), "{args:?}");
            assert!(!p.no_session, "{args:?}");
        }
        let p = plan(&["--resume", ID, "--fork-session"]);
        assert_eq!(p.hint, SessionHint::Named(ID.into()));
        assert!(p.fork && p.extra_args.is_empty());
        let p = plan(&["--continue", "--fork-session"]);
        assert_eq!((p.hint, p.fork), (SessionHint::Unknown, true));
        let p = plan(&["--fork-session"]);
        assert!(p.fork && p.extra_args.is_empty());
    }

    #[test]
    fn never_pins_help_version_or_subcommands() {
        for args in [
            &["--help"][..],
            &["-h"],
            &["--version"],
            &["-v"],
            &["mcp", "list"],
            &["doctor"],
            &["--debug", "update"],
            &["plugin", "install", "x"],
            &["setup-token"],
            &["migrate-installer"],
        ] {
            let p = plan(args);
            assert!(p.extra_args.is_empty() && p.no_session, "{args:?}");
            assert_eq!(p.hint, SessionHint::Unknown, "{args:?}");
        }
        // Later in a prompt: still recorded, just not pinned.
        let p = plan(&["-p", "please", "update", "the deps"]);
        assert!(!p.no_session && p.extra_args.is_empty(), "{p:?}");
        // After `--` they are a prompt.
        assert!(pinned(&plan(&["-p", "--", "mcp"])));
        assert!(pinned(&plan(&["-p", "--", "--help"])));
    }

    #[test]
    fn non_utf8_args_are_fine() {
        let args = vec![
            OsString::from("-p"),
            OsString::from_vec(vec![0xff, 0xfe, b'x']),
        ];
        assert!(pinned(&plan_session(&args)));
        let args = vec![OsString::from("--resume"), OsString::from_vec(vec![0xff])];
        let p = plan_session(&args);
        assert_eq!(p.hint, SessionHint::Unknown);
        assert!(p.extra_args.is_empty());
        let args = vec![
            OsString::from("--session-id"),
            OsString::from_vec(vec![0xff]),
        ];
        assert!(plan_session(&args).extra_args.is_empty());
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid(ID));
        assert!(!is_uuid("11111111-2222-4333-8444-55555555555"));
        assert!(!is_uuid("1111111122224333844455555555555555ab"));
    }

    proptest::proptest! {
        /// Any argument list (options, values, `--`, non-UTF-8) plans without panicking, and a
        /// pin is only ever added when none of the unsafe flags is present before `--`.
        #[test]
        fn never_panics_or_pins_unsafely(
            picks in proptest::collection::vec(0usize..16, 0..8),
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..6),
        ) {
            const WORDS: [&str; 15] = [
                "-p", "hello", "--resume", "-r", "-c", "--continue", "--fork-session",
                "--session-id", ID, "--", "mcp", "--model", "--resume=x", "-h", "--debug",
            ];
            let args: Vec<OsString> = picks
                .iter()
                .map(|&i| match WORDS.get(i) {
                    Some(w) => OsString::from(w),
                    None => OsString::from_vec(raw.clone()),
                })
                .collect();
            let p = plan_session(&args);
            // Tokens claude reads as flags or subcommands: before `--`, and not the value of
            // `--model` (a bare word after it is the model's name).
            let words: Vec<&str> = args
                .iter()
                .take_while(|a| a.as_os_str() != "--")
                .map(|a| a.to_str().unwrap_or(""))
                .collect();
            let risky = words.iter().enumerate().any(|(i, a)| {
                let is_model_value = i > 0 && words[i - 1] == "--model" && !a.starts_with('-');
                !is_model_value
                    && [
                        "--resume", "-r", "-c", "--continue", "--fork-session", "--session-id",
                        "mcp", "-h", "--resume=x",
                    ]
                    .contains(a)
            });
            if risky {
                proptest::prop_assert!(p.extra_args.is_empty(), "{:?}", args);
            }
        }
    }
}
