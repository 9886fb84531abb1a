//! `--all-usage`: the scanned transcripts as report items. Deduplicates requests across files
//! (fork copies, duplicates: one request, the copy with the most output), prices each request
//! with cc-bedrock's table (application-profile ARNs through the profile cache), and sorts its
//! spend into routes for the coverage figure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::items::{Dims, Item, NONE, Pool, Route};
use super::scan::Scanned;
use super::scan::file::Req;
use super::scan::hash::Fast;
use crate::cache::ProfileCache;
use crate::models::{self, Scope};
use crate::usage::Tokens;
use crate::usage::pricing::{PriceTable, Rates};

/// Everything pricing needs.
pub struct PriceCtx<'a> {
    pub table: &'a PriceTable,
    pub cache: &'a ProfileCache,
    /// Tags per profile ARN (from the ledger), for `--by tag:KEY`.
    pub arn_tags: &'a HashMap<String, BTreeMap<String, String>>,
    /// The user all this machine's transcripts belong to.
    pub user: &'a str,
}

/// Ids whose usage could not be priced, for the footnote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// Application-profile ARNs missing from the profile cache.
    pub arns: BTreeSet<String>,
    /// Model ids without a price.
    pub models: BTreeSet<String>,
}

/// The per-request price of one (requested id, reported model) pair, resolved once.
#[derive(Clone, Copy)]
struct PriceFn {
    standard: Rates,
    /// The long-context threshold and rates, for the models that have them.
    long: Option<(u64, Rates)>,
}

impl PriceFn {
    fn new(table: &PriceTable, model_id: &str, scope: &Scope) -> Option<Self> {
        let standard = table.rates(model_id, scope)?;
        let long = table
            .model(model_id)
            .and_then(|p| p.long_context)
            .and_then(|lc| {
                // Ask the table for its long-context rates (scope multiplier included) with a
                // request just over the threshold, so the rule lives in one place.
                let probe = Tokens {
                    input: lc.threshold_input_tokens.saturating_add(1),
                    ..Tokens::default()
                };
                let d = table.request_cost(model_id, scope, &probe)?;
                d.long_context
                    .then_some((lc.threshold_input_tokens, d.rates))
            });
        Some(Self { standard, long })
    }

    fn cost(&self, t: &Tokens) -> f64 {
        match self.long {
            Some((th, r)) if t.input_side() > th => r.cost(t),
            _ => self.standard.cost(t),
        }
    }
}

/// How one (requested id, reported model) pair shows in the report.
#[derive(Clone, Copy)]
struct Resolution {
    route: Route,
    /// What to list in the footnote when `price` is `None`.
    unknown_label: u32,
    profile: u32,
    model: u32,
    tags: u32,
    price: Option<PriceFn>,
}

fn resolve(ctx: &PriceCtx<'_>, requested: &str, reported: &str, pool: &mut Pool) -> Resolution {
    let is_arn = models::is_application_profile_arn(requested);
    let cached = if is_arn {
        ctx.cache.by_arn(requested)
    } else {
        None
    };
    if is_arn && cached.is_none() {
        // Not ours (or the cache was cleared): the model behind it and its scope are unknown.
        return Resolution {
            unknown_label: pool.id(requested),
            route: Route::UnknownArn,
            profile: pool.id(requested),
            model: pool.id(if reported.is_empty() {
                requested
            } else {
                reported
            }),
            tags: pool.tags_id(ctx.arn_tags.get(requested).unwrap_or(&BTreeMap::new())),
            price: None,
        };
    }
    let r = ctx.table.resolve(requested, ctx.cache);
    let price = r
        .model_id
        .as_deref()
        .filter(|_| r.known_price)
        .and_then(|m| PriceFn::new(ctx.table, m, &r.scope));
    let model = r
        .name
        .clone()
        .or(r.model_id.clone())
        .unwrap_or_else(|| requested.to_string());
    Resolution {
        unknown_label: pool.id(r.model_id.as_deref().unwrap_or(requested)),
        route: if cached.is_some() {
            Route::Profile
        } else {
            Route::Outside
        },
        profile: pool.opt(cached.map(|p| p.name.as_str())),
        model: pool.id(&model),
        tags: match cached {
            Some(_) => pool.tags_id(ctx.arn_tags.get(requested).unwrap_or(&BTreeMap::new())),
            None => NONE,
        },
        price,
    }
}

/// Deduplicates across files and calls `sink` with one priced item per request. `sink` returns
/// whether the item was kept (inside the range and filters), so that only ids that show in the
/// report end up in [`Unknown`].
pub fn items(
    scanned: &[Scanned],
    ctx: &PriceCtx<'_>,
    pool: &mut Pool,
    mut sink: impl FnMut(&Item, &Pool) -> bool,
) -> Unknown {
    // 1. The winning copy of every request key. Files are in path order and `Req::beats` is a
    //    strict order on (output, time), so the result does not depend on scan order.
    let total: usize = scanned
        .iter()
        .map(|s| s.entry.data.reqs.len() + s.tail.len())
        .sum();
    let mut best: HashMap<u64, (u32, u32), Fast> =
        HashMap::with_capacity_and_hasher(total, Fast::default());
    let req_at = |f: u32, i: u32| -> &Req {
        let s = &scanned[f as usize];
        let n = s.entry.data.reqs.len();
        let i = i as usize;
        if i < n {
            &s.entry.data.reqs[i]
        } else {
            &s.tail[i - n]
        }
    };
    for (fi, s) in scanned.iter().enumerate() {
        for (ri, r) in s.entry.data.reqs.iter().chain(s.tail.iter()).enumerate() {
            let at = (fi as u32, ri as u32);
            best.entry(r.key)
                .and_modify(|cur| {
                    if r.beats(req_at(cur.0, cur.1)) {
                        *cur = at;
                    }
                })
                .or_insert(at);
        }
    }

    // 2. Each file's strings as pool ids (a handful per file).
    let maps: Vec<Vec<u32>> = scanned
        .iter()
        .map(|s| s.entry.data.strings.iter().map(|x| pool.id(x)).collect())
        .collect();
    let user = pool.id(ctx.user);

    // 3. Price and emit, walking the files in order (sequential memory access; iterating the
    //    map instead would jump around every file's requests).
    let mut winners: Vec<Vec<bool>> = scanned
        .iter()
        .map(|s| vec![false; s.entry.data.reqs.len() + s.tail.len()])
        .collect();
    for &(fi, ri) in best.values() {
        winners[fi as usize][ri as usize] = true;
    }
    drop(best);
    let mut unknown = Unknown::default();
    let mut resolved: HashMap<(u32, u32), Resolution, Fast> = HashMap::default();
    for (fi, s) in scanned.iter().enumerate() {
        let map = &maps[fi];
        let g = |id: u32| map.get(id as usize).copied().unwrap_or(NONE);
        let reqs = s.entry.data.reqs.iter().chain(s.tail.iter());
        for (r, _) in reqs.zip(&winners[fi]).filter(|(_, w)| **w) {
            let (priced, reported) = (g(r.priced), g(r.model));
            let res = *resolved.entry((priced, reported)).or_insert_with(|| {
                let requested = pool.get(priced).to_string();
                let reported = pool.get(reported).to_string();
                resolve(ctx, &requested, &reported, pool)
            });
            let session = match g(r.session) {
                NONE => pool.id(&session_of_path(&s.entry.path)),
                id => id,
            };
            let it = Item {
                ts_ms: r.ts_ms,
                dims: Dims {
                    session,
                    run: NONE,
                    profile: res.profile,
                    repo: g(r.cwd),
                    branch: g(r.branch),
                    model: res.model,
                    user,
                    tags: res.tags,
                },
                tokens: r.tokens,
                cost: res.price.map(|p| p.cost(&r.tokens)),
                requests: 1,
                route: res.route,
            };
            if sink(&it, pool) && res.price.is_none() {
                let label = pool.get(res.unknown_label).to_string();
                if res.route == Route::UnknownArn {
                    unknown.arns.insert(label);
                } else {
                    unknown.models.insert(label);
                }
            }
        }
    }
    unknown
}

/// A session id from a transcript path, for lines without `sessionId`.
fn session_of_path(path: &[u8]) -> String {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(path))
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_price_functions_agree_with_the_price_table() {
        let table = PriceTable::embedded();
        let scopes = [
            Scope::Global,
            Scope::Geographic("eu".into()),
            Scope::InRegion,
            Scope::GovCloud,
        ];
        let samples = [
            Tokens::default(),
            Tokens {
                input: 1234,
                output: 42,
                cache_write_5m: 1500,
                cache_write_1h: 500,
                cache_read: 3000,
                web_search_requests: 1,
            },
            // Exactly at and just over the long-context threshold.
            Tokens {
                input: 100_000,
                cache_read: 100_000,
                output: 10,
                ..Tokens::default()
            },
            Tokens {
                input: 100_001,
                cache_read: 100_000,
                output: 10,
                ..Tokens::default()
            },
        ];
        for model in table.models().keys() {
            for scope in &scopes {
                let f = PriceFn::new(&table, model, scope).expect("priced");
                for t in &samples {
                    let want = table
                        .request_cost(model, scope, t)
                        .expect("priced")
                        .cost_usd;
                    assert!((f.cost(t) - want).abs() < 1e-12, "{model} {scope} {t:?}");
                }
            }
        }
        assert!(PriceFn::new(&table, "anthropic.claude-future-9", &Scope::Global).is_none());
    }

    #[test]
    fn routes_and_labels() {
        let table = PriceTable::embedded();
        let mut cache = ProfileCache::empty();
        let arn = "arn:aws:bedrock:us-east-1:1:application-inference-profile/p1";
        cache.insert(
            "k".into(),
            crate::cache::CachedProfile {
                name: "cc-p1".into(),
                arn: arn.into(),
                source: "us.anthropic.claude-haiku-4-5-20251001-v1:0".into(),
                source_arn: "arn:x".into(),
                model_id: "anthropic.claude-haiku-4-5-20251001-v1:0".into(),
                scope: Scope::Geographic("us".into()),
                region: "us-east-1".into(),
                account: None,
                identity: "default".into(),
                created: true,
                validated_at: 0,
            },
        );
        let tags = HashMap::from([(
            arn.to_string(),
            BTreeMap::from([("team".to_string(), "core".to_string())]),
        )]);
        let ctx = PriceCtx {
            table: &table,
            cache: &cache,
            arn_tags: &tags,
            user: "u",
        };
        let mut pool = Pool::default();
        let r = resolve(&ctx, arn, "whatever", &mut pool);
        assert_eq!(r.route, Route::Profile);
        assert_eq!(pool.get(r.profile), "cc-p1");
        assert_eq!(pool.get(r.model), "Claude Haiku 4.5");
        assert_eq!(pool.tag(r.tags, "team"), Some("core"));
        assert!(r.price.is_some());
        let other = "arn:aws:bedrock:us-east-1:1:application-inference-profile/zz";
        let r = resolve(&ctx, other, "claude-sonnet-4-5-20250929", &mut pool);
        assert_eq!(r.route, Route::UnknownArn);
        assert!(r.price.is_none());
        assert_eq!(pool.get(r.model), "claude-sonnet-4-5-20250929");
        let r = resolve(&ctx, "claude-sonnet-4-5-20250929", "", &mut pool);
        assert_eq!((r.route, r.profile), (Route::Outside, NONE));
        assert_eq!(pool.get(r.model), "Claude Sonnet 4.5");
        let r = resolve(
            &ctx,
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "",
            &mut pool,
        );
        // A geographic source: +10 % (output only, to stay under the long-context threshold).
        let t = Tokens {
            output: 1_000_000,
            ..Tokens::default()
        };
        assert!((r.price.expect("priced").cost(&t) - 16.50).abs() < 1e-9);
    }
}
