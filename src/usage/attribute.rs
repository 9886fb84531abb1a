//! Turning the scanned parts of a run's transcript files into the run's usage per requested
//! model: deduplicated requests (per-request detail) plus the `cost-state` residual (usage that
//! has no assistant line: subagents without a transcript, the title call, aborted requests).
//!
//! Pure token arithmetic; pricing happens in [`crate::usage::record`].

use std::collections::{BTreeMap, HashMap};

use crate::usage::Tokens;
use crate::usage::ledger::Basis;
use crate::usage::scan::{Baseline, FileScan};
use crate::usage::transcript::{CostState, DedupKey, UsageLine, dedup_key};

/// Requested id used for usage lines that name no model at all.
pub const UNKNOWN_MODEL: &str = "<unknown>";

/// The scanned files of one session that the run wrote to.
#[derive(Debug, Clone)]
pub struct SessionInput {
    pub session_id: String,
    /// The session's own transcript (`None` if it was never written).
    pub main: Option<FileScan>,
    /// `<session>/subagents/*.jsonl`.
    pub subagents: Vec<FileScan>,
    /// For a fork: the parent session's last `cost-state` (used when the fork's copies carry
    /// none but its new cumulative figure includes the parent's).
    pub parent_baseline: Option<CostState>,
}

/// One requested model's usage in the run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelUsage {
    /// Each distinct request's tokens.
    pub requests: Vec<Tokens>,
    /// `cost-state` delta minus the requests, per field, floored at zero.
    pub residual: Tokens,
}

impl ModelUsage {
    pub fn tokens(&self) -> Tokens {
        let mut t = self.residual;
        for r in &self.requests {
            t.add(r);
        }
        t
    }
}

/// The run's usage.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// Keyed by requested id (the profile ARN).
    pub models: BTreeMap<String, ModelUsage>,
    pub basis: Basis,
    /// Claude Code's own figure: the `totalCostUSD` delta of the sessions with a `cost-state`.
    pub claude_cost_usd: Option<f64>,
    /// Malformed plus `<synthetic>` lines.
    pub skipped_lines: u64,
    pub claude_version: Option<String>,
    /// Sessions that had any usage or `cost-state` in the run.
    pub session_ids: Vec<String>,
    pub warnings: Vec<String>,
}

/// Computes the run's usage from its sessions.
pub fn attribute(sessions: &[SessionInput]) -> Attribution {
    let mut out = Attribution {
        models: BTreeMap::new(),
        basis: Basis::None,
        claude_cost_usd: None,
        skipped_lines: 0,
        claude_version: None,
        session_ids: Vec::new(),
        warnings: Vec::new(),
    };

    // 1. Deduplicate requests across every file of the run, remembering the session of each.
    let mut by_key: HashMap<DedupKey, (usize, &UsageLine)> = HashMap::new();
    let mut keyless: Vec<(usize, &UsageLine)> = Vec::new();
    for (si, s) in sessions.iter().enumerate() {
        for scan in s.main.iter().chain(&s.subagents) {
            out.skipped_lines += (scan.malformed + scan.synthetic) as u64;
            for u in &scan.usage {
                if u.version.is_some() {
                    out.claude_version = u.version.clone();
                }
                match dedup_key(u) {
                    Some(k) => {
                        let e = by_key.entry(k).or_insert((si, u));
                        // Older versions wrote partial usage on early content blocks: keep
                        // the copy that saw the most output.
                        if u.tokens.output > e.1.tokens.output {
                            *e = (si, u);
                        }
                    }
                    None => keyless.push((si, u)),
                }
            }
        }
    }
    let mut requests: Vec<(usize, &UsageLine)> = by_key.into_values().chain(keyless).collect();
    // Deterministic order (file order is lost in the map): by timestamp, then ids.
    requests.sort_by(|a, b| {
        (a.1.timestamp.as_deref(), a.1.message_id.as_deref())
            .cmp(&(b.1.timestamp.as_deref(), b.1.message_id.as_deref()))
    });

    // 2. Per session, per model: the requests' sum.
    let mut line_sums: Vec<BTreeMap<String, Tokens>> = vec![BTreeMap::new(); sessions.len()];
    for (si, u) in &requests {
        let id = model_key(u);
        line_sums[*si].entry(id.clone()).or_default().add(&u.tokens);
        out.models.entry(id).or_default().requests.push(u.tokens);
    }

    // 3. Per session: the cost-state delta, and what it has beyond the requests.
    let mut with_cs = 0usize;
    let mut without_cs = 0usize;
    let mut claude_cost = 0.0f64;
    for (si, s) in sessions.iter().enumerate() {
        let has_lines = !line_sums[si].is_empty();
        let run_cs = s.main.as_ref().and_then(|m| m.run_cost_state.as_ref());
        if has_lines || run_cs.is_some() {
            out.session_ids.push(s.session_id.clone());
        }
        let Some(run_cs) = run_cs else {
            if has_lines {
                without_cs += 1;
            }
            continue;
        };
        let Some(base) = choose_baseline(s, run_cs, &line_sums[si], &mut out.warnings) else {
            without_cs += 1;
            continue;
        };
        with_cs += 1;
        claude_cost += (run_cs.total_cost_usd.unwrap_or(0.0)
            - base.as_ref().and_then(|b| b.total_cost_usd).unwrap_or(0.0))
        .max(0.0);
        for (id, now) in &run_cs.model_usage {
            let before = base
                .as_ref()
                .and_then(|b| b.model_usage.get(id))
                .copied()
                .unwrap_or_default();
            let delta = now.saturating_sub(&before);
            let lines = line_sums[si].get(id).copied().unwrap_or_default();
            let residual = delta.saturating_sub(&lines);
            if !residual.is_zero() {
                out.models
                    .entry(id.clone())
                    .or_default()
                    .residual
                    .add(&residual);
            }
        }
    }
    out.basis = match (with_cs, without_cs) {
        (0, 0) => Basis::None,
        (_, 0) => Basis::CostState,
        (0, _) => Basis::Transcript,
        (_, _) => {
            out.warnings.push(
                "some sessions of this run have no final cost-state (killed?): their usage comes from transcript lines only".into(),
            );
            Basis::Transcript
        }
    };
    if with_cs > 0 {
        out.claude_cost_usd = Some(claude_cost);
    }
    out
}

fn model_key(u: &UsageLine) -> String {
    u.priced_id().unwrap_or(UNKNOWN_MODEL).to_string()
}

/// The `cost-state` to subtract from the run's last one: `Some(None)` means zero (nothing
/// before), `None` means no trustworthy baseline (then only the transcript lines count).
fn choose_baseline<'a>(
    s: &'a SessionInput,
    run_cs: &CostState,
    lines: &BTreeMap<String, Tokens>,
    warnings: &mut Vec<String>,
) -> Option<Option<&'a CostState>> {
    let main = s.main.as_ref()?;
    match &main.baseline {
        Baseline::Found(b) => Some(Some(b)),
        Baseline::Unknown => {
            warnings.push(format!(
                "session {}: no earlier cost-state within the search limit; using transcript lines only",
                s.session_id
            ));
            None
        }
        Baseline::NotInFile if main.copied_lines > 0 => {
            // A fork whose copies carry no cost-state. Its new cumulative figure may include the
            // parent's total: then subtract the parent's last cost-state; if the figure is
            // smaller than parent + this run's requests, it is this run's alone.
            let copied = &main.copied_tokens;
            match &s.parent_baseline {
                // The parent must hold at least what was copied from it (else it was a wrong
                // guess).
                Some(p) if covers(&p.model_usage, copied) => {
                    Some(includes(run_cs, &p.model_usage, lines).then_some(p))
                }
                _ if copied.is_empty() || !includes(run_cs, copied, lines) => Some(None),
                _ => {
                    warnings.push(format!(
                        "session {}: forked from a session whose totals were not found; using transcript lines only",
                        s.session_id
                    ));
                    None
                }
            }
        }
        Baseline::NotInFile => Some(None),
    }
}

/// Whether `now` covers `before` plus `lines` on every model of `before` (input and output).
fn includes(
    now: &CostState,
    before: &BTreeMap<String, Tokens>,
    lines: &BTreeMap<String, Tokens>,
) -> bool {
    before.iter().all(|(id, p)| {
        let n = now.model_usage.get(id).copied().unwrap_or_default();
        let l = lines.get(id).copied().unwrap_or_default();
        n.input >= p.input.saturating_add(l.input) && n.output >= p.output.saturating_add(l.output)
    })
}

/// Whether `big` holds at least `small` on every model of `small` (input and output).
fn covers(big: &BTreeMap<String, Tokens>, small: &BTreeMap<String, Tokens>) -> bool {
    small.iter().all(|(id, s)| {
        let b = big.get(id).copied().unwrap_or_default();
        b.input >= s.input && b.output >= s.output
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        mid: Option<&str>,
        rid: Option<&str>,
        model: &str,
        input: u64,
        output: u64,
    ) -> UsageLine {
        UsageLine {
            message_id: mid.map(str::to_string),
            request_id: rid.map(str::to_string),
            requested_model: Some(model.into()),
            tokens: Tokens {
                input,
                output,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn cs(model: &str, input: u64, output: u64, cost: f64) -> CostState {
        let mut c = CostState {
            total_cost_usd: Some(cost),
            ..Default::default()
        };
        c.model_usage.insert(
            model.into(),
            Tokens {
                input,
                output,
                ..Default::default()
            },
        );
        c
    }

    fn scan(usage: Vec<UsageLine>, baseline: Baseline, run: Option<CostState>) -> FileScan {
        FileScan {
            usage,
            baseline,
            run_cost_state: run,
            copied_lines: 0,
            copied_session_ids: vec![],
            copied_usage: 0,
            copied_tokens: BTreeMap::new(),
            malformed: 0,
            synthetic: 0,
            bytes_read: 0,
        }
    }

    fn session(main: FileScan) -> SessionInput {
        SessionInput {
            session_id: "s".into(),
            main: Some(main),
            subagents: vec![],
            parent_baseline: None,
        }
    }

    #[test]
    fn dedups_keeping_the_largest_output_and_adds_the_residual() {
        let lines = vec![
            line(Some("m1"), Some("r1"), "a", 10, 1),
            line(Some("m1"), Some("r1"), "a", 10, 5),
            line(Some("m1"), Some("r1"), "a", 10, 3),
            line(Some("m2"), None, "a", 20, 2),
            line(Some("m2"), None, "a", 20, 2),
            line(None, None, "a", 1, 1),
            line(None, None, "a", 1, 1),
        ];
        // Baseline 100/50; now 100+10+20+1+1+7 (title call) = 139 / 50+5+2+1+1+3 = 62.
        let s = session(scan(
            lines,
            Baseline::Found(cs("a", 100, 50, 1.0)),
            Some(cs("a", 139, 62, 1.5)),
        ));
        let a = attribute(&[s]);
        assert_eq!(a.basis, Basis::CostState);
        let m = &a.models["a"];
        assert_eq!(m.requests.len(), 4);
        assert_eq!(m.residual.input, 7);
        assert_eq!(m.residual.output, 3);
        assert_eq!(m.tokens().input, 39);
        assert_eq!(m.tokens().output, 12);
        assert_eq!(a.claude_cost_usd, Some(0.5));
    }

    #[test]
    fn no_cost_state_falls_back_to_lines() {
        let s = session(scan(
            vec![line(Some("m"), Some("r"), "a", 10, 1)],
            Baseline::Found(cs("a", 100, 50, 1.0)),
            None,
        ));
        let a = attribute(&[s]);
        assert_eq!(a.basis, Basis::Transcript);
        assert_eq!(a.models["a"].tokens().input, 10);
        assert_eq!(a.claude_cost_usd, None);
    }

    #[test]
    fn unknown_baseline_uses_lines_only() {
        let s = session(scan(
            vec![line(Some("m"), Some("r"), "a", 10, 1)],
            Baseline::Unknown,
            Some(cs("a", 1000, 500, 9.0)),
        ));
        let a = attribute(&[s]);
        assert_eq!(a.basis, Basis::Transcript);
        assert_eq!(a.models["a"].tokens().input, 10);
        assert_eq!(a.warnings.len(), 1);
    }

    #[test]
    fn fork_baseline_is_the_parent_only_when_included() {
        let mut main = scan(
            vec![line(Some("m2"), Some("r2"), "a", 10, 1)],
            Baseline::NotInFile,
            Some(cs("a", 20, 2, 2.0)),
        );
        main.copied_lines = 5;
        main.copied_usage = 1;
        main.copied_tokens.insert(
            "a".into(),
            Tokens {
                input: 10,
                output: 1,
                ..Default::default()
            },
        );
        let mut s = session(main);
        s.parent_baseline = Some(cs("a", 10, 1, 1.0));
        let a = attribute(std::slice::from_ref(&s));
        assert_eq!(a.models["a"].tokens().input, 10);
        assert_eq!(a.claude_cost_usd, Some(1.0));
        // The new figure does not include the parent's (10 < 10 + 10): this run's alone.
        s.main.as_mut().unwrap().run_cost_state = Some(cs("a", 10, 1, 1.0));
        let a = attribute(std::slice::from_ref(&s));
        assert_eq!(a.models["a"].tokens().input, 10);
        assert_eq!(a.claude_cost_usd, Some(1.0));
        // Parent unknown, or a wrong guess (holds less than was copied from it), while the
        // figure includes the copies: transcript lines only.
        for parent in [None, Some(cs("a", 0, 0, 0.0))] {
            s.parent_baseline = parent;
            s.main.as_mut().unwrap().run_cost_state = Some(cs("a", 20, 2, 2.0));
            let a = attribute(std::slice::from_ref(&s));
            assert_eq!(a.basis, Basis::Transcript);
            assert_eq!(a.models["a"].tokens().input, 10);
        }
    }

    #[test]
    fn nothing_found_is_basis_none() {
        let a = attribute(&[SessionInput {
            session_id: "s".into(),
            main: None,
            subagents: vec![],
            parent_baseline: None,
        }]);
        assert_eq!(a.basis, Basis::None);
        assert!(a.models.is_empty());
        assert!(a.session_ids.is_empty());
    }
}
