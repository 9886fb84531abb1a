//! The local profile cache: which application inference profile ARN serves which model source,
//! so that a warm launch needs no AWS call at all.
//!
//! Entries are keyed by everything that decides which ARN is right: endpoint, region, the
//! credential identity (AWS profile name, or a hash of the access key id), profile name and model
//! source. Another region, AWS profile or account therefore never reuses a wrong ARN. The file is
//! replaced atomically (0600), and holds ARNs, names and ids only: never a credential.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fsutil;
use crate::models::Scope;

/// Current schema of `profiles.json`.
pub const SCHEMA: u32 = 1;

/// One profile cc-bedrock resolved (created or found) for a model source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedProfile {
    /// The profile's name.
    pub name: String,
    /// The application inference profile ARN that Claude Code invokes.
    pub arn: String,
    /// The model source as configured (`global.anthropic.…`).
    pub source: String,
    /// The `copyFrom` ARN the profile wraps.
    pub source_arn: String,
    /// The foundation model id behind it (the price-table key).
    pub model_id: String,
    /// Routing scope of the source (decides the price multiplier).
    pub scope: Scope,
    pub region: String,
    /// Account id taken from the ARN.
    pub account: Option<String>,
    /// The credential identity label (`profile:<name>`, `key:<hash>`, `default`). No secrets.
    pub identity: String,
    /// Whether this process created it (`false`: found an existing one by name).
    pub created: bool,
    /// Unix seconds when AWS last confirmed it exists.
    pub validated_at: i64,
}

/// The whole cache file.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProfileCache {
    pub schema: u32,
    /// Keyed by [`cache_key`].
    pub entries: BTreeMap<String, CachedProfile>,
}

impl ProfileCache {
    /// Loads the cache; a missing file is an empty cache, and so is an unreadable one (it is only
    /// a cache: the next launch re-resolves and rewrites it).
    pub fn load(path: &Path) -> Self {
        match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice::<ProfileCache>(&bytes) {
                Ok(c) if c.schema == SCHEMA => c,
                _ => Self::empty(),
            },
            Err(_) => Self::empty(),
        }
    }

    pub fn empty() -> Self {
        Self {
            schema: SCHEMA,
            entries: BTreeMap::new(),
        }
    }

    /// Writes the cache atomically, 0600.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).context("cannot encode the profile cache")?;
        fsutil::write_atomic(path, &json)
    }

    pub fn get(&self, key: &str) -> Option<&CachedProfile> {
        self.entries.get(key)
    }

    /// The entry for an application profile ARN (used to price transcript lines).
    pub fn by_arn(&self, arn: &str) -> Option<&CachedProfile> {
        self.entries.values().find(|e| e.arn == arn)
    }

    pub fn insert(&mut self, key: String, entry: CachedProfile) {
        self.entries.insert(key, entry);
    }

    /// Removes every entry for `arn`; returns how many were removed.
    pub fn remove_arn(&mut self, arn: &str) -> usize {
        let before = self.entries.len();
        self.entries.retain(|_, e| e.arn != arn);
        before - self.entries.len()
    }
}

/// The cache key for one profile: a hash over everything that decides which ARN is right.
pub fn cache_key(
    endpoint: Option<&str>,
    region: &str,
    identity: &str,
    name: &str,
    source: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [endpoint.unwrap_or(""), region, identity, name, source] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize()[..16])
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(arn: &str) -> CachedProfile {
        CachedProfile {
            name: "n".into(),
            arn: arn.into(),
            source: "global.anthropic.m".into(),
            source_arn: "arn:x".into(),
            model_id: "anthropic.m".into(),
            scope: Scope::Global,
            region: "us-east-1".into(),
            account: Some("123456789012".into()),
            identity: "default".into(),
            created: true,
            validated_at: 0,
        }
    }

    #[test]
    fn keys_differ_by_every_part() {
        let base = cache_key(None, "us-east-1", "default", "n", "s");
        assert_ne!(
            base,
            cache_key(Some("http://x"), "us-east-1", "default", "n", "s")
        );
        assert_ne!(base, cache_key(None, "us-west-2", "default", "n", "s"));
        assert_ne!(base, cache_key(None, "us-east-1", "profile:p", "n", "s"));
        assert_ne!(base, cache_key(None, "us-east-1", "default", "m", "s"));
        assert_ne!(base, cache_key(None, "us-east-1", "default", "n", "t"));
    }

    #[test]
    fn round_trips_and_tolerates_garbage() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("profiles.json");
        assert!(ProfileCache::load(&p).entries.is_empty());
        let mut c = ProfileCache::empty();
        c.insert("k".into(), entry("arn:a"));
        c.save(&p).unwrap();
        let back = ProfileCache::load(&p);
        assert_eq!(back.by_arn("arn:a"), Some(&entry("arn:a")));
        std::fs::write(&p, b"{not json").unwrap();
        assert!(ProfileCache::load(&p).entries.is_empty());
    }
}
