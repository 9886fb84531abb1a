//! The unit every report source produces: an [`Item`] of usage (one request from a transcript,
//! or one model's share of a ledger run) with its attributes interned into a [`Pool`].
//!
//! Interning keeps an item small and `Copy` (a scan produces hundreds of thousands of them), and
//! lets the grouping code hash a handful of integers instead of strings.

use std::collections::{BTreeMap, HashMap};

use super::scan::hash::Fast;
use crate::usage::Tokens;

/// Id of the empty value (`-` in output) in every pool.
pub const NONE: u32 = 0;

/// Interned strings, id 0 being "none".
#[derive(Debug)]
pub struct Pool {
    strings: Vec<String>,
    ids: HashMap<String, u32, Fast>,
    tags: Vec<BTreeMap<String, String>>,
    tag_ids: HashMap<BTreeMap<String, String>, u32>,
}

impl Default for Pool {
    fn default() -> Self {
        Self {
            strings: vec![String::new()],
            ids: HashMap::default(),
            tags: vec![BTreeMap::new()],
            tag_ids: HashMap::new(),
        }
    }
}

impl Pool {
    /// The id of `s` (the empty string is [`NONE`]).
    pub fn id(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return NONE;
        }
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.strings.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }

    /// The id of an optional string.
    pub fn opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }

    /// The string of an id (`""` for [`NONE`] or an unknown id).
    pub fn get(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", String::as_str)
    }

    /// The id of a tag map (an empty map is [`NONE`]).
    pub fn tags_id(&mut self, tags: &BTreeMap<String, String>) -> u32 {
        if tags.is_empty() {
            return NONE;
        }
        if let Some(&id) = self.tag_ids.get(tags) {
            return id;
        }
        let id = u32::try_from(self.tags.len()).unwrap_or(u32::MAX);
        self.tags.push(tags.clone());
        self.tag_ids.insert(tags.clone(), id);
        id
    }

    /// The value of tag `key` in tag map `id`.
    pub fn tag(&self, id: u32, key: &str) -> Option<&str> {
        self.tags.get(id as usize)?.get(key).map(String::as_str)
    }
}

/// The attributes of an item, as pool ids.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Dims {
    pub session: u32,
    /// The ledger run (its id); none for transcript requests.
    pub run: u32,
    pub profile: u32,
    /// The repository: a path (ledger: the repo root; transcripts: the working directory).
    pub repo: u32,
    pub branch: u32,
    pub model: u32,
    pub user: u32,
    /// A tag-map id.
    pub tags: u32,
}

/// Where a request's spend went, for the coverage figure of a transcript scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// An application profile ARN found in cc-bedrock's profile cache.
    Profile,
    /// An application profile ARN the cache does not know (another tool's, or a cleared cache).
    UnknownArn,
    /// A model id or system profile, not an application profile (direct use, Anthropic API).
    Outside,
}

/// One unit of usage.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    /// When it happened (Unix milliseconds); it decides the day.
    pub ts_ms: i64,
    pub dims: Dims,
    pub tokens: Tokens,
    /// Its cost in USD; `None` when unknown (no price), never a silent 0.
    pub cost: Option<f64>,
    /// How many requests (transcripts) it stands for; 0 for ledger items, which count runs.
    pub requests: u64,
    pub route: Route,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable() {
        let mut p = Pool::default();
        assert_eq!(p.id(""), NONE);
        let a = p.id("a");
        assert_eq!(p.id("a"), a);
        assert_ne!(p.id("b"), a);
        assert_eq!(p.get(a), "a");
        assert_eq!(p.get(NONE), "");
        assert_eq!(p.get(999), "");
        let t = BTreeMap::from([("project".to_string(), "x".to_string())]);
        let tid = p.tags_id(&t);
        assert_eq!(p.tags_id(&t.clone()), tid);
        assert_eq!(p.tag(tid, "project"), Some("x"));
        assert_eq!(p.tag(tid, "team"), None);
        assert_eq!(p.tags_id(&BTreeMap::new()), NONE);
    }
}
