//! Pricing a run's [`Attribution`] and turning it, with the run's context, into a
//! [`LedgerRecord`].

use std::time::SystemTime;

use crate::cache::ProfileCache;
use crate::usage::Tokens;
use crate::usage::attribute::{Attribution, ModelUsage};
use crate::usage::ledger::{LEDGER_SCHEMA, LedgerProfile, LedgerRecord, ModelRecord};
use crate::usage::pricing::{PriceTable, Resolved};
use crate::usage::run::{ProfileUse, RunContext};

/// What a requested id is priced as: the launcher's own profiles first (it knows exactly what
/// it set up), then the profile cache / the id itself.
pub fn resolve_requested(
    prices: &PriceTable,
    cache: &ProfileCache,
    profiles: &[ProfileUse],
    region: &str,
    requested: &str,
) -> Resolved {
    match profiles.iter().find(|p| p.arn == requested) {
        Some(p) => prices.resolve_model(&p.model_id, p.scope.clone()),
        None => prices.resolve_in(requested, cache, Some(region)),
    }
}

/// Prices one model's usage: each request with the long-context rule, the residual in bulk.
pub fn price_model(
    prices: &PriceTable,
    requested: &str,
    r: &Resolved,
    usage: &ModelUsage,
) -> ModelRecord {
    let tokens = usage.tokens();
    let mut long_context_requests = 0u64;
    let priced = r.model_id.as_deref().filter(|_| r.known_price);
    let cost_usd = match priced {
        Some(mid) => {
            let mut sum = 0.0;
            let mut ok = true;
            for t in &usage.requests {
                match prices.request_cost(mid, &r.scope, t) {
                    Some(d) => {
                        sum += d.cost_usd;
                        long_context_requests += u64::from(d.long_context);
                    }
                    None => ok = false,
                }
            }
            match prices.bulk_cost(mid, &r.scope, &usage.residual) {
                Some(c) => sum += c,
                None => ok = false,
            }
            ok.then_some(sum)
        }
        // Zero tokens cost zero whatever the price; anything else is unknown, never $0.
        None if tokens.total() == 0 => Some(0.0),
        None => None,
    };
    ModelRecord {
        requested_id: requested.to_string(),
        model_id: r.model_id.clone(),
        name: r.name.clone(),
        scope: r.scope.clone(),
        tokens,
        cost_usd,
        price_known: r.known_price,
        rates: priced.and_then(|m| prices.rates(m, &r.scope)),
        requests: usage.requests.len() as u64,
        long_context_requests,
        residual_tokens: usage.residual,
    }
}

/// How the run ended.
#[derive(Debug, Clone)]
pub struct RunEnd {
    pub run_id: String,
    pub ended_at: SystemTime,
    pub exit_code: i32,
    pub signal: Option<i32>,
}

/// Builds the ledger record.
pub fn build_record(
    ctx: &RunContext,
    real_cwd: &str,
    end: &RunEnd,
    a: &Attribution,
    prices: &PriceTable,
    cache: &ProfileCache,
) -> LedgerRecord {
    let models: Vec<ModelRecord> = a
        .models
        .iter()
        .map(|(id, u)| {
            let r = resolve_requested(prices, cache, &ctx.profiles, &ctx.region, id);
            price_model(prices, id, &r, u)
        })
        .collect();
    let mut tokens = Tokens::default();
    let mut total = 0.0;
    let mut any_priced = false;
    let mut complete = true;
    for m in &models {
        tokens.add(&m.tokens);
        match m.cost_usd {
            Some(c) => {
                total += c;
                any_priced = true;
            }
            None => complete = false,
        }
    }
    // No transcript at all (e.g. `--no-session-persistence`, or claude failed before writing):
    // the usage is unknown, not zero.
    if a.basis == crate::usage::ledger::Basis::None {
        complete = false;
    }
    let total_cost_usd = (any_priced || complete).then_some(total);
    let profiles = ctx
        .profiles
        .iter()
        .map(|p| LedgerProfile {
            name: p.name.clone(),
            arn: p.arn.clone(),
            model_id: p.model_id.clone(),
            model_name: prices.model(&p.model_id).map(|m| m.name.clone()),
            tiers: p.tiers.clone(),
            tags: p.tags.clone(),
        })
        .collect();
    let duration_ms = end
        .ended_at
        .duration_since(ctx.started_at)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    LedgerRecord {
        schema: LEDGER_SCHEMA,
        run_id: end.run_id.clone(),
        start: rfc3339(ctx.started_at),
        end: rfc3339(end.ended_at),
        duration_ms,
        exit_code: end.exit_code,
        signal: end.signal,
        cwd: real_cwd.to_string(),
        repo_root: ctx
            .repo_root
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        branch: ctx.branch.clone(),
        user: ctx.user.clone(),
        config_files: ctx
            .config_files
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        profiles,
        models,
        tokens,
        total_cost_usd,
        cost_complete: complete,
        basis: a.basis,
        session_ids: a.session_ids.clone(),
        claude_version: a.claude_version.clone(),
        claude_cost_usd: a.claude_cost_usd,
        prices_version: prices.version().to_string(),
        skipped_lines: a.skipped_lines,
        tags: ctx.tags.clone(),
    }
}

/// RFC 3339 in UTC with millisecond precision.
pub fn rfc3339(t: SystemTime) -> String {
    match jiff::Timestamp::try_from(t) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => "1970-01-01T00:00:00.000Z".into(),
    }
}
