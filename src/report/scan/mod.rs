//! The `--all-usage` scanner: every Claude Code transcript on the machine, read incrementally.
//!
//! 1. [`roots`] finds the config roots and every `projects/**/*.jsonl` under them (one `stat`
//!    each; a file seen through two roots counts once, by device + inode).
//! 2. The [`index`] says, per file, what was already read. An unchanged file costs nothing; a
//!    grown one is read from its last complete line; a shrunk or replaced one is read again.
//! 3. The files that need reading are scanned on all cores ([`std::thread::scope`]), largest
//!    first so a giant file starts early, each with bounded memory ([`mod@file`]).
//! 4. Changed index shards are rewritten atomically; a failure to write is not an error.
//!
//! Cross-file deduplication and pricing happen afterwards, over the requests kept per file
//! ([`crate::report::all_usage`]).

pub mod file;
pub mod hash;
pub mod index;
pub mod parse;
pub mod roots;

use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use file::{FileData, Req, Scratch};
use index::{FileEntry, SHARDS, TAIL_CHECK};

/// Options of one scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Claude Code config roots (each holding `projects/`).
    pub roots: Vec<PathBuf>,
    /// The index directory; `None` scans everything and stores nothing.
    pub index_dir: Option<PathBuf>,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

/// One transcript after the scan.
#[derive(Debug)]
pub struct Scanned {
    pub entry: FileEntry,
    /// Requests from an unterminated last line (not stored in the index).
    pub tail: Vec<Req>,
}

/// What a scan did, for `--json` and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScanStats {
    pub files: usize,
    /// Sum of the transcripts' sizes.
    pub bytes_total: u64,
    /// Bytes actually read this time.
    pub bytes_read: u64,
    /// Files taken from the index without reading them.
    pub files_unchanged: usize,
    /// Files read from their last indexed offset.
    pub files_appended: usize,
    /// Files read from the start (new, shrunk, replaced, or no usable index entry).
    pub files_full: usize,
    /// Files that could not be read (vanished, no permission).
    pub files_unreadable: usize,
    /// Index shards that existed but were unusable (other version, corrupt).
    pub index_shards_bad: usize,
    pub index_shards_written: usize,
    /// A warning if the index could not be written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_error: Option<String>,
}

/// A transcript found on disk.
#[derive(Clone, Debug)]
pub struct Found {
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i64,
}

/// What to do with one file.
enum Plan {
    /// Unchanged since indexed: reuse.
    Keep(FileEntry),
    /// Read from the stored offset (checking the bytes before it first).
    Append(FileEntry),
    /// Read from 0.
    Full,
}

/// Scans every transcript under `opts.roots`.
pub fn scan(opts: &ScanOptions) -> (Vec<Scanned>, ScanStats) {
    // Walking the directories (one stat per file) and decoding the index are independent:
    // do them at the same time.
    let (found, mut loaded) = std::thread::scope(|s| {
        let loader = s.spawn(|| match &opts.index_dir {
            Some(dir) => index::load(dir),
            None => index::Loaded::default(),
        });
        let found = roots::discover(&opts.roots);
        (found, loader.join().unwrap_or_default())
    });
    let mut stats = ScanStats {
        files: found.len(),
        bytes_total: found.iter().map(|f| f.size).sum(),
        ..ScanStats::default()
    };
    stats.index_shards_bad = loaded.bad;

    let mut keep: Vec<(usize, Scanned)> = Vec::new();
    let mut jobs: Vec<(usize, Plan)> = Vec::new();
    for (i, f) in found.iter().enumerate() {
        let key = f.path.as_os_str().as_bytes();
        let plan = match loaded.files.remove(key) {
            Some(e) if e.dev == f.dev && e.ino == f.ino && f.size >= e.offset => {
                if f.size == e.size && f.mtime_ns == e.mtime_ns && e.offset == e.size {
                    Plan::Keep(e)
                } else {
                    Plan::Append(e)
                }
            }
            _ => Plan::Full,
        };
        match plan {
            Plan::Keep(e) => {
                stats.files_unchanged += 1;
                keep.push((
                    i,
                    Scanned {
                        entry: e,
                        tail: Vec::new(),
                    },
                ));
            }
            p => jobs.push((i, p)),
        }
    }
    // Largest reads first: a giant file must not start last and hold up the whole scan.
    let to_read = |(i, p): &(usize, Plan)| -> u64 {
        let start = match p {
            Plan::Append(e) => e.offset,
            _ => 0,
        };
        found[*i].size.saturating_sub(start)
    };
    jobs.sort_by_key(|j| std::cmp::Reverse(to_read(j)));

    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    }
    .clamp(1, 16)
    .min(jobs.len().max(1));
    let results: Mutex<Vec<(usize, Option<Done>)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    let jobs: Vec<Mutex<Option<(usize, Plan)>>> =
        jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut scratch = Scratch::default();
                let mut local = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = jobs.get(k) else { break };
                    let Some((i, plan)) = slot.lock().ok().and_then(|mut g| g.take()) else {
                        continue;
                    };
                    local.push((i, run_job(&found[i], plan, &mut scratch)));
                }
                if let Ok(mut r) = results.lock() {
                    r.extend(local);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();

    let mut dirty = [false; SHARDS];
    // Shards that held files which are gone, or were unreadable, must be rewritten too.
    for path in loaded.files.keys() {
        dirty[index::shard_of(path)] = true;
    }
    for (s, good) in loaded.good.iter().enumerate() {
        if !good {
            dirty[s] = true;
        }
    }
    let mut all = keep;
    for (i, done) in results {
        match done {
            Some(d) => {
                stats.bytes_read += d.bytes_read;
                if d.appended {
                    stats.files_appended += 1;
                } else {
                    stats.files_full += 1;
                }
                if d.changed {
                    dirty[index::shard_of(&d.scanned.entry.path)] = true;
                }
                all.push((i, d.scanned));
            }
            None => stats.files_unreadable += 1,
        }
    }
    all.sort_by_key(|(i, _)| *i);
    let all: Vec<Scanned> = all.into_iter().map(|(_, s)| s).collect();

    if let Some(dir) = &opts.index_dir {
        let mut shards: Vec<Vec<&FileEntry>> = vec![Vec::new(); SHARDS];
        for s in &all {
            shards[index::shard_of(&s.entry.path)].push(&s.entry);
        }
        for (n, files) in shards.iter().enumerate() {
            // An empty shard that never existed needs no file.
            if !dirty[n] || (files.is_empty() && !index::shard_path(dir, n).exists()) {
                continue;
            }
            match index::save_shard(dir, n, files) {
                Ok(()) => stats.index_shards_written += 1,
                Err(e) => {
                    stats.index_error.get_or_insert_with(|| format!("{e:#}"));
                }
            }
        }
    }
    (all, stats)
}

/// A finished job.
struct Done {
    scanned: Scanned,
    bytes_read: u64,
    appended: bool,
    /// Whether the stored entry changed (the shard must be rewritten).
    changed: bool,
}

/// Scans one file per its plan; `None` when it cannot be read.
fn run_job(f: &Found, plan: Plan, scratch: &mut Scratch) -> Option<Done> {
    let file = File::open(&f.path).ok()?;
    let path = f.path.as_os_str().as_bytes();
    // Re-check identity on the open file: it may have been replaced since the walk.
    let meta = file.metadata().ok()?;
    let (mut data, from, appended, old) = match plan {
        Plan::Append(e)
            if meta.dev() == e.dev
                && meta.ino() == e.ino
                && meta.len() >= e.offset
                && tail_hash(&file, e.offset) == Some(e.tail_hash) =>
        {
            let from = e.offset;
            (e.data.clone(), from, true, Some(e))
        }
        _ => (FileData::default(), 0, false, None),
    };
    let end = file::scan(&file, path, from, &mut data, scratch).ok()?;
    let entry = FileEntry {
        path: path.to_vec(),
        dev: meta.dev(),
        ino: meta.ino(),
        // The file may have grown while we read it: never record a size below what was read.
        size: meta.len().max(end.offset),
        mtime_ns: mtime_ns(&meta),
        offset: end.offset,
        tail_hash: tail_hash(&file, end.offset).unwrap_or(0),
        data,
    };
    let changed = old.as_ref() != Some(&entry);
    Some(Done {
        scanned: Scanned {
            entry,
            tail: end.tail,
        },
        bytes_read: end.bytes_read,
        appended,
        changed,
    })
}

/// Hash of the (up to) [`TAIL_CHECK`] bytes before `offset`.
fn tail_hash(file: &File, offset: u64) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let n = offset.min(TAIL_CHECK as u64) as usize;
    let mut buf = [0u8; TAIL_CHECK];
    file.read_exact_at(&mut buf[..n], offset - n as u64).ok()?;
    Some(hash::hash64(0x7a11, &buf[..n]))
}

/// Modification time in ns since the epoch.
pub fn mtime_ns(m: &std::fs::Metadata) -> i64 {
    m.mtime()
        .saturating_mul(1_000_000_000)
        .saturating_add(m.mtime_nsec())
}
