//! The one-line cost summary printed to stderr after a run.

use crate::usage::ledger::{Basis, LedgerRecord};

/// `$0.0139 · Claude Sonnet 4.5 · 1.2k in, 42 out, 2.0k cache write, 3.0k cache read · profile
/// cc-alice-payments-sonnet`. An unknown cost says so (never `$0`); a partial one is a lower
/// bound. The launcher prefixes `cc-bedrock: `.
pub fn summary_line(rec: &LedgerRecord) -> String {
    let used: Vec<_> = rec.models.iter().filter(|m| m.tokens.total() > 0).collect();
    let profile = profile_part(rec);
    if rec.basis == Basis::None {
        return format!("usage unknown (no transcript of this run found){profile}");
    }
    if used.is_empty() {
        return format!("$0.00 · no tokens used{profile}");
    }
    let unknown: Vec<String> = used
        .iter()
        .filter(|m| m.cost_usd.is_none())
        .map(|m| display_name(m))
        .collect();
    let cost = match rec.total_cost_usd {
        None => "cost unknown".to_string(),
        Some(c) if !rec.cost_complete => format!("at least {}", dollars(c)),
        Some(c) => dollars(c),
    };
    let names: Vec<String> = used.iter().map(|m| display_name(m)).collect();
    let t = &rec.tokens;
    let mut line = format!(
        "{cost} · {} · {} in, {} out, {} cache write, {} cache read",
        names.join(" + "),
        count(t.input),
        count(t.output),
        count(t.cache_write()),
        count(t.cache_read),
    );
    if !unknown.is_empty() {
        line += &format!(" · no price for {}", unknown.join(", "));
    }
    line + &profile
}

fn profile_part(rec: &LedgerRecord) -> String {
    let names: Vec<&str> = rec
        .profiles
        .iter()
        .filter(|p| {
            rec.models
                .iter()
                .any(|m| m.requested_id == p.arn && m.tokens.total() > 0)
        })
        .map(|p| p.name.as_str())
        .collect();
    match names.len() {
        0 => String::new(),
        1 => format!(" · profile {}", names[0]),
        _ => format!(" · profiles {}", names.join(", ")),
    }
}

fn display_name(m: &crate::usage::ledger::ModelRecord) -> String {
    m.name
        .clone()
        .or_else(|| m.model_id.clone())
        .unwrap_or_else(|| {
            // An unresolved ARN: its last path segment is enough to recognise it.
            let tail = m.requested_id.rsplit('/').next().unwrap_or(&m.requested_id);
            format!("unknown model {tail}")
        })
}

/// `$0.0139` under a dollar, `$12.35` above.
pub fn dollars(c: f64) -> String {
    if c < 1.0 {
        format!("${c:.4}")
    } else {
        format!("${c:.2}")
    }
}

/// `42`, `1.2k`, `3.4M`.
pub fn count(n: u64) -> String {
    if n < 1000 {
        n.to_string()
    } else if n < 1_000_000 {
        format!("{:.1}k", n as f64 / 1e3)
    } else {
        format!("{:.1}M", n as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Scope;
    use crate::usage::Tokens;
    use crate::usage::ledger::{LedgerProfile, ModelRecord};

    fn rec() -> LedgerRecord {
        let mut r = crate::usage::ledger::tests::sample(0);
        let t = Tokens {
            input: 1234,
            output: 42,
            cache_write_5m: 1500,
            cache_write_1h: 500,
            cache_read: 3000,
            web_search_requests: 0,
        };
        r.basis = Basis::CostState;
        r.tokens = t;
        r.models = vec![ModelRecord {
            requested_id: "arn:p".into(),
            model_id: Some("anthropic.claude-sonnet-4-5-20250929-v1:0".into()),
            name: Some("Claude Sonnet 4.5".into()),
            scope: Scope::Global,
            tokens: t,
            cost_usd: Some(0.013857),
            price_known: true,
            rates: None,
            requests: 1,
            long_context_requests: 0,
            residual_tokens: Tokens::default(),
        }];
        r.profiles = vec![LedgerProfile {
            name: "cc-alice-payments-sonnet".into(),
            arn: "arn:p".into(),
            model_id: "m".into(),
            model_name: None,
            tiers: vec![],
            tags: Default::default(),
        }];
        r.total_cost_usd = Some(0.013857);
        r.cost_complete = true;
        r
    }

    #[test]
    fn matches_the_issue_example() {
        assert_eq!(
            summary_line(&rec()),
            "$0.0139 · Claude Sonnet 4.5 · 1.2k in, 42 out, 2.0k cache write, 3.0k cache read · profile cc-alice-payments-sonnet"
        );
    }

    #[test]
    fn unknown_and_partial_costs_are_never_zero() {
        let mut r = rec();
        r.models[0].cost_usd = None;
        r.models[0].name = None;
        r.models[0].model_id = None;
        r.total_cost_usd = None;
        r.cost_complete = false;
        let s = summary_line(&r);
        assert!(s.starts_with("cost unknown · unknown model arn:p"), "{s}");
        assert!(!s.contains('$'), "{s}");

        let mut r = rec();
        let mut other = r.models[0].clone();
        other.requested_id = "arn:q".into();
        other.name = Some("Claude Opus 9".into());
        other.cost_usd = None;
        r.models.push(other);
        r.cost_complete = false;
        let s = summary_line(&r);
        assert!(
            s.starts_with("at least $0.0139 · Claude Sonnet 4.5 + Claude Opus 9"),
            "{s}"
        );
        assert!(s.contains("no price for Claude Opus 9"), "{s}");

        let mut r = rec();
        r.basis = Basis::None;
        r.models.clear();
        assert!(summary_line(&r).starts_with("usage unknown"));
        let mut r = rec();
        r.models.clear();
        r.tokens = Tokens::default();
        assert_eq!(summary_line(&r), "$0.00 · no tokens used");
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(count(999), "999");
        assert_eq!(count(1234), "1.2k");
        assert_eq!(count(2_500_000), "2.5M");
        assert_eq!(dollars(12.345), "$12.35");
        assert_eq!(dollars(0.0), "$0.0000");
    }
}
