//! The price table: the embedded `prices.toml`, a user override file merged over it, the mapping
//! of a requested model id (profile ARN, system profile, foundation model, Anthropic name) to a
//! priced model and scope, and the cost of tokens under Bedrock's rules (scope multiplier,
//! 5-minute / 1-hour cache writes, the long-context tier).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::cache::ProfileCache;
use crate::models::{self, ModelSource, Scope};
use crate::usage::Tokens;

/// The default table, shipped in the binary.
const EMBEDDED: &str = include_str!("prices.toml");

/// Tokens per price unit (prices are USD per million tokens).
const PER_TOKENS: f64 = 1_000_000.0;

/// USD per million tokens for each kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    pub input: f64,
    pub output: f64,
    pub cache_write_5m: f64,
    pub cache_write_1h: f64,
    pub cache_read: f64,
}

impl Rates {
    fn scaled(&self, k: f64) -> Rates {
        Rates {
            input: self.input * k,
            output: self.output * k,
            cache_write_5m: self.cache_write_5m * k,
            cache_write_1h: self.cache_write_1h * k,
            cache_read: self.cache_read * k,
        }
    }

    /// Cost in USD of `t` at these rates (web-search requests are not priced: Bedrock has no
    /// per-search price for Claude).
    pub fn cost(&self, t: &Tokens) -> f64 {
        (t.input as f64 * self.input
            + t.output as f64 * self.output
            + t.cache_write_5m as f64 * self.cache_write_5m
            + t.cache_write_1h as f64 * self.cache_write_1h
            + t.cache_read as f64 * self.cache_read)
            / PER_TOKENS
    }
}

/// The long-context tier of a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongContext {
    /// A request whose input side (input + cache writes + cache reads) exceeds this is billed
    /// entirely at `rates`.
    pub threshold_input_tokens: u64,
    pub rates: Rates,
}

/// One model's prices.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPrice {
    pub name: String,
    pub rates: Rates,
    /// Whether geographic and in-region use costs `geo_multiplier` × base.
    pub geo_premium: bool,
    pub long_context: Option<LongContext>,
}

/// The cost of one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostDetail {
    pub cost_usd: f64,
    /// The effective rates used (after the scope multiplier, long-context tier if it applied).
    pub rates: Rates,
    pub long_context: bool,
}

/// What a requested model id maps to.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The price-table key when the model is in the table, else the best-known model id.
    pub model_id: Option<String>,
    /// The display name from the table.
    pub name: Option<String>,
    pub scope: Scope,
    pub known_price: bool,
}

/// The effective price table.
#[derive(Debug, Clone)]
pub struct PriceTable {
    version: String,
    geo_multiplier: f64,
    govcloud_multiplier: f64,
    models: BTreeMap<String, ModelPrice>,
    /// Normalised id ([`normalise`]) -> table key.
    index: HashMap<String, String>,
}

impl PriceTable {
    /// The table compiled into the binary.
    pub fn embedded() -> Self {
        // The embedded file is tested (`embedded_table_parses`); a failure here is a build bug.
        Self::from_parts(EMBEDDED, None).expect("the embedded prices.toml is valid")
    }

    /// The embedded table with `path` merged over it per model and per field (new models may be
    /// added). A missing file is the embedded table.
    pub fn with_overrides(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::embedded()),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read price file {}", path.display()));
            }
        };
        Self::from_parts(EMBEDDED, Some((path, &text)))
    }

    fn from_parts(base: &str, over: Option<(&Path, &str)>) -> Result<Self> {
        let base_file: PriceFile = toml::from_str(base).context("invalid embedded price table")?;
        let mut t = Self {
            version: String::new(),
            geo_multiplier: 1.0,
            govcloud_multiplier: 1.0,
            models: BTreeMap::new(),
            index: HashMap::new(),
        };
        t.merge(base_file, "embedded prices.toml", base)?;
        if let Some((path, text)) = over {
            let file: PriceFile = toml::from_str(text)
                .with_context(|| format!("invalid price file {}", path.display()))?;
            let base_version = t.version.clone();
            let user_version = file.prices_version.as_ref().map(|v| v.get_ref().clone());
            t.merge(file, &path.display().to_string(), text)?;
            t.version = format!(
                "{base_version}+{}",
                user_version.as_deref().unwrap_or("local")
            );
        }
        t.index = t.models.keys().map(|k| (normalise(k), k.clone())).collect();
        Ok(t)
    }

    /// Merges one parsed file over `self`; `label` and `text` locate errors.
    fn merge(&mut self, f: PriceFile, label: &str, text: &str) -> Result<()> {
        let loc = |span: std::ops::Range<usize>, key: &str| {
            format!("{label}, line {}, key `{key}`", line_of(text, span.start))
        };
        if let Some(v) = f.prices_version {
            self.version = v.into_inner();
        }
        if let Some(s) = f.scopes {
            if let Some(m) = s.geo_multiplier {
                self.geo_multiplier = check_price(&m, || loc(m.span(), "scopes.geo_multiplier"))?;
            }
            if let Some(m) = s.govcloud_multiplier {
                self.govcloud_multiplier =
                    check_price(&m, || loc(m.span(), "scopes.govcloud_multiplier"))?;
            }
        }
        for (id, spanned) in f.models {
            let span = spanned.span();
            let p = spanned.into_inner();
            let key = |field: &str| format!("models.\"{id}\".{field}");
            let rates = RateOverrides::read(
                [
                    &p.input,
                    &p.output,
                    &p.cache_write_5m,
                    &p.cache_write_1h,
                    &p.cache_read,
                ],
                |v, field| loc(v, &key(field)),
            )?;
            if !self.models.contains_key(&id) {
                // A new model needs at least input and output; the geo premium defaults to
                // true, as for every Claude model since Sonnet 4.5.
                let Some(new) = rates.new_rates() else {
                    bail!(
                        "{}: a new model needs `input` and `output` prices",
                        loc(span, &format!("models.\"{id}\""))
                    );
                };
                let price = ModelPrice {
                    name: id.clone(),
                    rates: new,
                    geo_premium: true,
                    long_context: None,
                };
                self.models.insert(id.clone(), price);
            }
            let Some(entry) = self.models.get_mut(&id) else {
                continue;
            };
            if let Some(n) = p.name {
                entry.name = n;
            }
            rates.apply(&mut entry.rates);
            if let Some(g) = p.geo_premium {
                entry.geo_premium = g;
            }
            if let Some(lc) = p.long_context {
                let lrates = RateOverrides::read(
                    [
                        &lc.input,
                        &lc.output,
                        &lc.cache_write_5m,
                        &lc.cache_write_1h,
                        &lc.cache_read,
                    ],
                    |v, field| loc(v, &key(&format!("long_context.{field}"))),
                )?;
                let mut next = match (
                    entry.long_context,
                    lc.threshold_input_tokens,
                    lrates.new_rates(),
                ) {
                    (Some(current), _, _) => current,
                    // A new long-context tier: threshold and input/output are required.
                    (None, Some(threshold_input_tokens), Some(rates)) => LongContext {
                        threshold_input_tokens,
                        rates,
                    },
                    (None, _, _) => bail!(
                        "{}: a new long-context tier needs `threshold_input_tokens`, `input` and `output`",
                        loc(span, &key("long_context"))
                    ),
                };
                if let Some(th) = lc.threshold_input_tokens {
                    next.threshold_input_tokens = th;
                }
                lrates.apply(&mut next.rates);
                entry.long_context = Some(next);
            }
        }
        Ok(())
    }

    /// The prices version (`2026-11-28`, or `2026-11-28+<user version>` with overrides).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The table entry for a model id (exact key, or matched ignoring `anthropic.`, a routing
    /// prefix, an ARN and a `-v1:0` / `-v1` suffix).
    pub fn model(&self, model_id: &str) -> Option<&ModelPrice> {
        self.key_of(model_id).and_then(|k| self.models.get(k))
    }

    /// Every model in the table.
    pub fn models(&self) -> &BTreeMap<String, ModelPrice> {
        &self.models
    }

    fn key_of<'a>(&'a self, model_id: &'a str) -> Option<&'a str> {
        if self.models.contains_key(model_id) {
            return Some(model_id);
        }
        self.index.get(&normalise(model_id)).map(String::as_str)
    }

    /// Maps a requested id to the model and scope that price it. See [`Self::resolve_in`].
    pub fn resolve(&self, requested: &str, cache: &ProfileCache) -> Resolved {
        self.resolve_in(requested, cache, None)
    }

    /// Like [`Self::resolve`], knowing the run's region (a bare foundation-model id invoked in a
    /// `us-gov-` region is GovCloud-priced).
    ///
    /// * application-profile ARN: the profile cache gives its model and scope (unknown if absent);
    /// * system profile id / ARN: its prefix gives the scope;
    /// * foundation model id / ARN: in-region (GovCloud in the `aws-us-gov` partition);
    /// * an Anthropic API name (`claude-sonnet-4-5-20250929`): matched to the table, scope global.
    pub fn resolve_in(
        &self,
        requested: &str,
        cache: &ProfileCache,
        region: Option<&str>,
    ) -> Resolved {
        let (model_id, scope) = if models::is_application_profile_arn(requested) {
            match cache.by_arn(requested) {
                Some(p) => (Some(p.model_id.clone()), p.scope.clone()),
                None => (None, Scope::Global),
            }
        } else {
            match ModelSource::parse(requested) {
                Ok(src) => {
                    let scope = match src.scope {
                        Scope::InRegion if region.is_some_and(|r| r.starts_with("us-gov-")) => {
                            Scope::GovCloud
                        }
                        s => s,
                    };
                    (Some(src.model_id), scope)
                }
                Err(_) if !requested.is_empty() => (Some(requested.to_string()), Scope::Global),
                Err(_) => (None, Scope::Global),
            }
        };
        match model_id {
            Some(m) => self.resolve_model(&m, scope),
            None => Resolved {
                model_id: None,
                name: None,
                scope,
                known_price: false,
            },
        }
    }

    /// A known model id in a known scope (e.g. the launcher's own profile list).
    pub fn resolve_model(&self, model_id: &str, scope: Scope) -> Resolved {
        match self.key_of(model_id) {
            Some(key) => Resolved {
                model_id: Some(key.to_string()),
                name: self.models.get(key).map(|p| p.name.clone()),
                scope,
                known_price: true,
            },
            None => Resolved {
                model_id: Some(model_id.to_string()),
                name: None,
                scope,
                known_price: false,
            },
        }
    }

    fn multiplier(&self, p: &ModelPrice, scope: &Scope) -> f64 {
        match scope {
            Scope::Global => 1.0,
            Scope::GovCloud => self.govcloud_multiplier,
            Scope::Geographic(_) | Scope::InRegion if p.geo_premium => self.geo_multiplier,
            Scope::Geographic(_) | Scope::InRegion => 1.0,
        }
    }

    /// The effective standard-tier rates for `model_id` in `scope` (after the multiplier).
    pub fn rates(&self, model_id: &str, scope: &Scope) -> Option<Rates> {
        let p = self.model(model_id)?;
        Some(p.rates.scaled(self.multiplier(p, scope)))
    }

    /// The cost of ONE request: when its input side exceeds the model's long-context threshold
    /// the whole request is billed at the long-context rates. `None` when the model is unpriced.
    pub fn request_cost(&self, model_id: &str, scope: &Scope, t: &Tokens) -> Option<CostDetail> {
        let p = self.model(model_id)?;
        let k = self.multiplier(p, scope);
        let (base, long_context) = match p.long_context {
            Some(lc) if t.input_side() > lc.threshold_input_tokens => (lc.rates, true),
            _ => (p.rates, false),
        };
        let rates = base.scaled(k);
        Some(CostDetail {
            cost_usd: rates.cost(t),
            rates,
            long_context,
        })
    }

    /// The cost of aggregate usage without per-request detail, at the standard tier.
    pub fn bulk_cost(&self, model_id: &str, scope: &Scope, t: &Tokens) -> Option<f64> {
        Some(self.rates(model_id, scope)?.cost(t))
    }
}

/// The rates one tier of a price file sets (input, output, cache write 5m / 1h, cache read),
/// checked; `None` where the file leaves a rate alone.
#[derive(Debug, Clone, Copy)]
struct RateOverrides([Option<f64>; 5]);

impl RateOverrides {
    /// Checks the five fields; `loc(span, field)` names one for an error.
    fn read(
        fields: [&Option<Spanned<f64>>; 5],
        loc: impl Fn(std::ops::Range<usize>, &str) -> String,
    ) -> Result<Self> {
        const NAMES: [&str; 5] = [
            "input",
            "output",
            "cache_write_5m",
            "cache_write_1h",
            "cache_read",
        ];
        let mut out = [None; 5];
        for ((slot, field), name) in out.iter_mut().zip(fields).zip(NAMES) {
            if let Some(v) = field {
                *slot = Some(check_price(v, || loc(v.span(), name))?);
            }
        }
        Ok(Self(out))
    }

    /// Complete rates for a tier the table did not have: needs input and output; cache rates
    /// follow Anthropic's rule (1.25x / 2x / 0.1x input) unless the file sets them.
    fn new_rates(&self) -> Option<Rates> {
        let [Some(i), Some(o), ..] = self.0 else {
            return None;
        };
        let mut r = Rates {
            input: i,
            output: o,
            cache_write_5m: i * 1.25,
            cache_write_1h: i * 2.0,
            cache_read: i * 0.1,
        };
        self.apply(&mut r);
        Some(r)
    }

    /// Overwrites the rates the file sets.
    fn apply(&self, r: &mut Rates) {
        let slots = [
            &mut r.input,
            &mut r.output,
            &mut r.cache_write_5m,
            &mut r.cache_write_1h,
            &mut r.cache_read,
        ];
        for (slot, v) in slots.into_iter().zip(self.0) {
            if let Some(v) = v {
                *slot = v;
            }
        }
    }
}

/// A price must be a finite, non-negative number. `location` is only built for an error: this
/// runs for every rate of the embedded table on every launch, so the happy path stays cheap.
fn check_price(v: &Spanned<f64>, location: impl FnOnce() -> String) -> Result<f64> {
    let x = *v.get_ref();
    if x.is_finite() && x >= 0.0 {
        Ok(x)
    } else {
        bail!("{}: must be a non-negative number, got {x}", location())
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A model id reduced to what identifies the model: no ARN, routing prefix, `anthropic.`,
/// `[1m]` marker or `-vN[:M]` suffix. `anthropic.claude-opus-4-6-v1` and `claude-opus-4-6` meet.
pub fn normalise(id: &str) -> String {
    let id = models::model_id_of(id);
    let id = id.strip_prefix("anthropic.").unwrap_or(&id);
    let id = id.strip_suffix("[1m]").unwrap_or(id);
    let id = strip_version_suffix(id);
    id.to_ascii_lowercase()
}

/// Strips a trailing `-v<digits>` or `-v<digits>:<digits>`.
fn strip_version_suffix(id: &str) -> &str {
    let Some(pos) = id.rfind("-v") else {
        return id;
    };
    let tail = &id[pos + 2..];
    let (major, minor) = match tail.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (tail, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(major) && minor.is_none_or(digits) {
        &id[..pos]
    } else {
        id
    }
}

/// The file format, every field optional so the same type reads the embedded table and a
/// partial user file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceFile {
    #[serde(default)]
    #[allow(dead_code)]
    schema: Option<u32>,
    #[serde(default)]
    prices_version: Option<Spanned<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    currency: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    per_tokens: Option<u64>,
    #[serde(default)]
    scopes: Option<ScopesFile>,
    #[serde(default)]
    models: BTreeMap<String, Spanned<ModelFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopesFile {
    geo_multiplier: Option<Spanned<f64>>,
    govcloud_multiplier: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    name: Option<String>,
    input: Option<Spanned<f64>>,
    output: Option<Spanned<f64>>,
    cache_write_5m: Option<Spanned<f64>>,
    cache_write_1h: Option<Spanned<f64>>,
    cache_read: Option<Spanned<f64>>,
    geo_premium: Option<bool>,
    long_context: Option<LongContextFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongContextFile {
    threshold_input_tokens: Option<u64>,
    input: Option<Spanned<f64>>,
    output: Option<Spanned<f64>>,
    cache_write_5m: Option<Spanned<f64>>,
    cache_write_1h: Option<Spanned<f64>>,
    cache_read: Option<Spanned<f64>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::CachedProfile;

    const SONNET_45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    const APP_ARN: &str =
        "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123xyz";

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    fn cache_with(arn: &str, model_id: &str, scope: Scope) -> ProfileCache {
        let mut c = ProfileCache::empty();
        c.insert(
            "k".into(),
            CachedProfile {
                name: "cc-alice-payments-sonnet".into(),
                arn: arn.into(),
                source: "global.x".into(),
                source_arn: "arn:x".into(),
                model_id: model_id.into(),
                scope,
                region: "us-west-2".into(),
                account: Some("123456789012".into()),
                identity: "default".into(),
                created: true,
                validated_at: 0,
            },
        );
        c
    }

    #[test]
    fn embedded_table_parses() {
        let t = PriceTable::embedded();
        assert_eq!(t.version(), "2026-11-28");
        assert_eq!(t.models().len(), 12);
        let s = t.model(SONNET_45).unwrap();
        assert_eq!(s.name, "Claude Sonnet 4.5");
        assert_eq!(s.long_context.unwrap().threshold_input_tokens, 200_000);
    }

    #[test]
    fn resolves_every_kind_of_id() {
        let t = PriceTable::embedded();
        let cache = cache_with(APP_ARN, SONNET_45, Scope::Geographic("us".into()));
        let r = t.resolve(APP_ARN, &cache);
        assert_eq!(r.model_id.as_deref(), Some(SONNET_45));
        assert_eq!(r.name.as_deref(), Some("Claude Sonnet 4.5"));
        assert_eq!(r.scope, Scope::Geographic("us".into()));
        assert!(r.known_price);

        let r = t.resolve(
            "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/unknown",
            &cache,
        );
        assert_eq!((r.model_id, r.known_price), (None, false));

        let r = t.resolve("global.anthropic.claude-haiku-4-5-20251001-v1:0", &cache);
        assert_eq!(r.name.as_deref(), Some("Claude Haiku 4.5"));
        assert_eq!(r.scope, Scope::Global);

        let r = t.resolve(
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-opus-4-6-v1",
            &cache,
        );
        assert_eq!(r.name.as_deref(), Some("Claude Opus 4.6"));
        assert_eq!(r.scope, Scope::Geographic("eu".into()));

        let r = t.resolve("anthropic.claude-3-5-haiku-20241022-v1:0", &cache);
        assert_eq!(r.scope, Scope::InRegion);
        let r = t.resolve_in(
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            &cache,
            Some("us-gov-west-1"),
        );
        assert_eq!(r.scope, Scope::GovCloud);
        let r = t.resolve(
            "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
            &cache,
        );
        assert_eq!(r.scope, Scope::GovCloud);

        let r = t.resolve("claude-sonnet-4-5-20250929", &cache);
        assert_eq!(r.model_id.as_deref(), Some(SONNET_45));
        assert_eq!(r.scope, Scope::Global);
        let r = t.resolve("claude-opus-4-6", &cache);
        assert_eq!(r.model_id.as_deref(), Some("anthropic.claude-opus-4-6-v1"));
        let r = t.resolve("claude-sonnet-4-5-20250929[1m]", &cache);
        assert!(r.known_price);

        let r = t.resolve("claude-opus-9", &cache);
        assert_eq!(r.model_id.as_deref(), Some("claude-opus-9"));
        assert!(!r.known_price);
        assert_eq!(
            t.request_cost("claude-opus-9", &Scope::Global, &Tokens::default()),
            None
        );
    }

    fn fixture_tokens() -> Tokens {
        Tokens {
            input: 1234,
            output: 42,
            cache_write_5m: 1500,
            cache_write_1h: 500,
            cache_read: 3000,
            web_search_requests: 0,
        }
    }

    #[test]
    fn global_vs_geographic_vs_govcloud() {
        let t = PriceTable::embedded();
        let tok = fixture_tokens();
        // Global: base Sonnet 4.5 rates, 1-hour writes at 6.00.
        let global = 1234.0 * 3.00 / 1e6
            + 42.0 * 15.00 / 1e6
            + 1500.0 * 3.75 / 1e6
            + 500.0 * 6.00 / 1e6
            + 3000.0 * 0.30 / 1e6;
        close(global, 0.013857);
        let c = t.request_cost(SONNET_45, &Scope::Global, &tok).unwrap();
        close(c.cost_usd, global);
        assert!(!c.long_context);
        // Geographic and in-region: +10 %.
        let geo = 1234.0 * 3.30 / 1e6
            + 42.0 * 16.50 / 1e6
            + 1500.0 * 4.125 / 1e6
            + 500.0 * 6.60 / 1e6
            + 3000.0 * 0.33 / 1e6;
        let g = t
            .request_cost(SONNET_45, &Scope::Geographic("us".into()), &tok)
            .unwrap();
        close(g.cost_usd, geo);
        close(g.rates.input, 3.30);
        close(
            t.request_cost(SONNET_45, &Scope::InRegion, &tok)
                .unwrap()
                .cost_usd,
            geo,
        );
        // GovCloud: +20 %.
        close(
            t.request_cost(SONNET_45, &Scope::GovCloud, &tok)
                .unwrap()
                .cost_usd,
            global * 1.2,
        );
        // No geo premium for Sonnet 4.
        let s4 = "anthropic.claude-sonnet-4-20250514-v1:0";
        close(
            t.request_cost(s4, &Scope::Geographic("us".into()), &tok)
                .unwrap()
                .cost_usd,
            global,
        );
    }

    #[test]
    fn long_context_applies_to_the_whole_request() {
        let t = PriceTable::embedded();
        let at = Tokens {
            input: 150_000,
            cache_read: 50_000,
            output: 1000,
            ..Default::default()
        };
        // Exactly 200,000 on the input side: standard.
        let c = t.request_cost(SONNET_45, &Scope::Global, &at).unwrap();
        assert!(!c.long_context);
        close(
            c.cost_usd,
            150_000.0 * 3.00 / 1e6 + 50_000.0 * 0.30 / 1e6 + 1000.0 * 15.00 / 1e6,
        );
        let over = Tokens {
            input: 150_001,
            ..at
        };
        let c = t.request_cost(SONNET_45, &Scope::Global, &over).unwrap();
        assert!(c.long_context);
        close(
            c.cost_usd,
            150_001.0 * 6.00 / 1e6 + 50_000.0 * 0.60 / 1e6 + 1000.0 * 22.50 / 1e6,
        );
        // Geographic long-context: both rules.
        let c = t
            .request_cost(SONNET_45, &Scope::Geographic("eu".into()), &over)
            .unwrap();
        close(
            c.cost_usd,
            (150_001.0 * 6.00 / 1e6 + 50_000.0 * 0.60 / 1e6 + 1000.0 * 22.50 / 1e6) * 1.1,
        );
        // The same tokens in bulk stay at the standard tier.
        close(
            t.bulk_cost(SONNET_45, &Scope::Global, &over).unwrap(),
            150_001.0 * 3.00 / 1e6 + 50_000.0 * 0.30 / 1e6 + 1000.0 * 15.00 / 1e6,
        );
        // Haiku 4.5 has no long-context tier.
        let h = t
            .request_cost(
                "anthropic.claude-haiku-4-5-20251001-v1:0",
                &Scope::Global,
                &over,
            )
            .unwrap();
        assert!(!h.long_context);
    }

    #[test]
    fn overrides_merge_per_field_and_add_models() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("prices.toml");
        assert_eq!(
            PriceTable::with_overrides(&p).unwrap().version(),
            "2026-11-28"
        );
        std::fs::write(
            &p,
            r#"prices_version = "team-1"
[scopes]
geo_multiplier = 1.5
[models."anthropic.claude-sonnet-4-5-20250929-v1:0"]
output = 20.0
[models."anthropic.claude-sonnet-4-5-20250929-v1:0".long_context]
output = 30.0
[models."anthropic.claude-opus-5"]
name = "Claude Opus 5"
input = 4.0
output = 20.0
"#,
        )
        .unwrap();
        let t = PriceTable::with_overrides(&p).unwrap();
        assert_eq!(t.version(), "2026-11-28+team-1");
        let s = t.model(SONNET_45).unwrap();
        assert_eq!((s.rates.input, s.rates.output), (3.0, 20.0));
        assert_eq!(s.long_context.unwrap().rates.output, 30.0);
        assert_eq!(s.long_context.unwrap().rates.input, 6.0);
        close(
            t.rates(SONNET_45, &Scope::Geographic("us".into()))
                .unwrap()
                .input,
            4.5,
        );
        let o = t.model("anthropic.claude-opus-5").unwrap();
        assert_eq!(o.rates.cache_write_5m, 5.0);
        assert_eq!(o.rates.cache_write_1h, 8.0);
        close(o.rates.cache_read, 0.4);
        assert_eq!(
            t.resolve("claude-opus-5", &ProfileCache::empty())
                .name
                .as_deref(),
            Some("Claude Opus 5")
        );
    }

    #[test]
    fn override_errors_name_file_line_and_key() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("prices.toml");
        std::fs::write(
            &p,
            "[models.\"anthropic.claude-opus-4-6-v1\"]\n\ninput = -1.0\n",
        )
        .unwrap();
        let e = format!("{:#}", PriceTable::with_overrides(&p).unwrap_err());
        assert!(e.contains(&p.display().to_string()), "{e}");
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("input"), "{e}");

        std::fs::write(&p, "[models.\"x.new\"]\ninput = 1.0\n").unwrap();
        let e = format!("{:#}", PriceTable::with_overrides(&p).unwrap_err());
        assert!(
            e.contains("line 1") && e.contains("x.new") && e.contains("output"),
            "{e}"
        );

        std::fs::write(&p, "[models.\"x.new\"]\ninput = 1.0\noutptu = 2.0\n").unwrap();
        let e = format!("{:#}", PriceTable::with_overrides(&p).unwrap_err());
        assert!(
            e.contains(&p.display().to_string()) && e.contains("outptu") && e.contains("line 3"),
            "{e}"
        );

        std::fs::write(&p, "[models.\"x.new\"]\ninput = \"cheap\"\n").unwrap();
        let e = format!("{:#}", PriceTable::with_overrides(&p).unwrap_err());
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn normalises_ids() {
        assert_eq!(normalise("anthropic.claude-opus-4-6-v1"), "claude-opus-4-6");
        assert_eq!(
            normalise("us.anthropic.claude-haiku-4-5-20251001-v1:0"),
            "claude-haiku-4-5-20251001"
        );
        assert_eq!(
            normalise("anthropic.claude-3-5-sonnet-20241022-v2:0"),
            "claude-3-5-sonnet-20241022"
        );
        assert_eq!(normalise("claude-sonnet-4-6"), "claude-sonnet-4-6");
        assert_eq!(normalise("a-vx"), "a-vx");
    }
}
