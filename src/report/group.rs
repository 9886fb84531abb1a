//! Grouping: items in, report rows out (period × `--by` fields), with totals and coverage.
//!
//! Items are pushed one at a time ([`Grouper::push`]) so a scan never holds them all. Each item is
//! first folded into a small map keyed by integers (period key + the interned attributes that the
//! requested grouping needs); strings are only looked up once per distinct key at the end.

use std::collections::{HashMap, HashSet};

use super::args::{GroupBy, Period};
use super::items::{Dims, Item, NONE, Pool, Route};
use super::period::{self, DayIndexer, DayRange, Zone};
use super::scan::hash::Fast;
use crate::usage::Tokens;

/// Summed usage and cost of a set of items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sum {
    pub tokens: Tokens,
    /// The sum of the known costs, in nano-dollars: integer sums do not depend on the order
    /// items arrive in, so the same history always gives the same figures to the last digit.
    pub cost_nano: u64,
    /// False when some usage has no known cost: `cost` is then a lower bound.
    pub cost_unknown: bool,
    /// Requests (transcript scans).
    pub requests: u64,
    /// Distinct runs (ledger).
    pub runs: u64,
}

impl Sum {
    /// The known cost in USD.
    pub fn cost(&self) -> f64 {
        self.cost_nano as f64 / 1e9
    }

    fn add_item(&mut self, it: &Item) {
        self.tokens.add(&it.tokens);
        match it.cost.filter(|c| c.is_finite()) {
            // Rounded to the nano-dollar; a negative figure (a corrupt record) counts as 0.
            Some(c) => {
                self.cost_nano = self
                    .cost_nano
                    .saturating_add((c.max(0.0) * 1e9).round() as u64)
            }
            None => self.cost_unknown = true,
        }
        self.requests += it.requests;
    }

    fn merge(&mut self, o: &Sum) {
        self.tokens.add(&o.tokens);
        self.cost_nano = self.cost_nano.saturating_add(o.cost_nano);
        self.cost_unknown |= o.cost_unknown;
        self.requests += o.requests;
        self.runs += o.runs;
    }
}

/// One output row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The period's label: `2026-11-28`, `2026-11-23` (week of), `2026-11`, a session id or run id.
    pub period: String,
    /// First and last instant of the row's usage (Unix ms).
    pub first_ms: i64,
    pub last_ms: i64,
    /// One value per `--by` field, `-` when the item has none.
    pub groups: Vec<String>,
    pub sum: Sum,
}

/// Spend by route (transcript scans): through cc-bedrock's profiles or not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    pub profile: Sum,
    pub unknown_arn: Sum,
    pub outside: Sum,
}

/// What to group and filter by.
pub struct Spec<'a> {
    pub period: Period,
    pub by: &'a [GroupBy],
    pub range: DayRange,
    pub repo: Option<&'a str>,
}

/// Accumulates items into rows.
pub struct Grouper<'a> {
    spec: &'a Spec<'a>,
    days: DayIndexer,
    cells: HashMap<(i64, Dims), Cell, Fast>,
    repo_ok: HashMap<u32, bool, Fast>,
    coverage: Coverage,
    /// Which of the interned dimensions the grouping reads (others are masked to NONE).
    mask: Dims,
}

#[derive(Default)]
struct Cell {
    sum: Sum,
    first_ms: i64,
    last_ms: i64,
}

impl<'a> Grouper<'a> {
    pub fn new(spec: &'a Spec<'a>, zone: &Zone) -> Self {
        let on = |f: bool| if f { u32::MAX } else { 0 };
        let has = |g: &dyn Fn(&GroupBy) -> bool| spec.by.iter().any(g);
        let mask = Dims {
            session: on(spec.period == Period::Session),
            // Kept always: distinct runs are counted per row (and transcripts have none).
            run: u32::MAX,
            profile: on(has(&|g| *g == GroupBy::Profile)),
            repo: on(has(&|g| *g == GroupBy::Repo)),
            branch: on(has(&|g| *g == GroupBy::Branch)),
            model: on(has(&|g| *g == GroupBy::Model)),
            user: on(has(&|g| *g == GroupBy::User)),
            tags: on(has(&|g| matches!(g, GroupBy::Tag(_)))),
        };
        Self {
            spec,
            days: DayIndexer::new(zone.tz.clone()),
            cells: HashMap::default(),
            repo_ok: HashMap::default(),
            coverage: Coverage::default(),
            mask,
        }
    }

    /// Adds one item; returns false when it was dropped (outside the range or the repo filter).
    pub fn push(&mut self, it: &Item, pool: &Pool) -> bool {
        let day = self.days.day(it.ts_ms);
        if !self.spec.range.contains(day) {
            return false;
        }
        if let Some(want) = self.spec.repo {
            let ok = *self
                .repo_ok
                .entry(it.dims.repo)
                .or_insert_with(|| repo_matches(pool.get(it.dims.repo), want));
            if !ok {
                return false;
            }
        }
        let key = match self.spec.period {
            Period::Daily => i64::from(day),
            Period::Weekly => i64::from(period::week_start(day)),
            Period::Monthly => i64::from(period::month_of(day)),
            Period::Session => i64::from(it.dims.session),
            Period::Runs => i64::from(it.dims.run),
        };
        let m = &self.mask;
        let d = &it.dims;
        let dims = Dims {
            session: d.session & m.session,
            run: d.run & m.run,
            profile: d.profile & m.profile,
            repo: d.repo & m.repo,
            branch: d.branch & m.branch,
            model: d.model & m.model,
            user: d.user & m.user,
            tags: d.tags & m.tags,
        };
        let cell = self.cells.entry((key, dims)).or_insert_with(|| Cell {
            first_ms: i64::MAX,
            last_ms: i64::MIN,
            ..Cell::default()
        });
        cell.sum.add_item(it);
        cell.first_ms = cell.first_ms.min(it.ts_ms);
        cell.last_ms = cell.last_ms.max(it.ts_ms);
        match it.route {
            Route::Profile => self.coverage.profile.add_item(it),
            Route::UnknownArn => self.coverage.unknown_arn.add_item(it),
            Route::Outside => self.coverage.outside.add_item(it),
        }
        true
    }

    /// The rows (sorted by period, then group values), the totals and the coverage.
    pub fn finish(self, pool: &Pool) -> (Vec<Row>, Sum, Coverage) {
        let spec = self.spec;
        let mut rows: HashMap<(i64, Vec<String>), Row> = HashMap::new();
        let mut runs_seen: HashSet<(i64, Vec<String>, u32)> = HashSet::new();
        let coverage = self.coverage;
        for ((key, dims), cell) in self.cells {
            let groups: Vec<String> = spec.by.iter().map(|g| value(g, &dims, pool)).collect();
            let row = rows.entry((key, groups.clone())).or_insert_with(|| Row {
                period: period_label(spec.period, key, pool),
                first_ms: i64::MAX,
                last_ms: i64::MIN,
                groups: groups.clone(),
                sum: Sum::default(),
            });
            row.sum.merge(&cell.sum);
            row.first_ms = row.first_ms.min(cell.first_ms);
            row.last_ms = row.last_ms.max(cell.last_ms);
            if dims.run != NONE && runs_seen.insert((key, groups, dims.run)) {
                row.sum.runs += 1;
            }
        }
        let mut rows: Vec<((i64, Vec<String>), Row)> = rows.into_iter().collect();
        // Calendar periods sort by their key; sessions and runs by when they started.
        let by_time = matches!(spec.period, Period::Session | Period::Runs);
        rows.sort_by(|(ka, a), (kb, b)| {
            let (pa, pb) = if by_time {
                (a.first_ms, b.first_ms)
            } else {
                (ka.0, kb.0)
            };
            pa.cmp(&pb)
                .then_with(|| a.period.cmp(&b.period))
                .then_with(|| a.groups.cmp(&b.groups))
        });
        let rows: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
        let mut total = Sum::default();
        for r in &rows {
            total.merge(&r.sum);
        }
        // Distinct runs over the whole report (a run split over rows counts once in the total).
        let mut all_runs: HashSet<u32> = HashSet::new();
        for (_, _, run) in &runs_seen {
            all_runs.insert(*run);
        }
        total.runs = all_runs.len() as u64;
        (rows, total, coverage)
    }
}

/// The `--by` value of a cell, `-` when absent.
fn value(g: &GroupBy, d: &Dims, pool: &Pool) -> String {
    let s = match g {
        GroupBy::Profile => pool.get(d.profile),
        GroupBy::Repo => pool.get(d.repo).rsplit('/').next().unwrap_or(""),
        GroupBy::Branch => pool.get(d.branch),
        GroupBy::Model => pool.get(d.model),
        GroupBy::User => pool.get(d.user),
        GroupBy::Tag(k) => pool.tag(d.tags, k).unwrap_or(""),
    };
    if s.is_empty() {
        "-".to_string()
    } else {
        s.to_string()
    }
}

fn period_label(p: Period, key: i64, pool: &Pool) -> String {
    let day = |k: i64| i32::try_from(k).unwrap_or(0);
    match p {
        Period::Daily | Period::Weekly => period::day_label(day(key)),
        Period::Monthly => period::month_label(day(key)),
        Period::Session | Period::Runs => {
            let s = pool.get(u32::try_from(key).unwrap_or(NONE));
            if s.is_empty() { "-" } else { s }.to_string()
        }
    }
}

/// Whether a repository path matches `--repo NAME`: the whole path, or its last component.
pub fn repo_matches(path: &str, want: &str) -> bool {
    let want = want.trim_end_matches('/');
    if path.is_empty() || want.is_empty() {
        return false;
    }
    let path = path.trim_end_matches('/');
    path == want || path.rsplit('/').next() == Some(want)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ms(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    struct Fx {
        pool: Pool,
        items: Vec<Item>,
    }

    fn fixture() -> Fx {
        let mut pool = Pool::default();
        let mut mk = |ts: &str,
                      profile: &str,
                      repo: &str,
                      model: &str,
                      team: &str,
                      run: &str,
                      input: u64,
                      cost: Option<f64>| {
            let tags = BTreeMap::from([("team".to_string(), team.to_string())]);
            Item {
                ts_ms: ms(ts),
                dims: Dims {
                    session: pool.id("s1"),
                    run: pool.id(run),
                    profile: pool.id(profile),
                    repo: pool.id(repo),
                    branch: pool.id("main"),
                    model: pool.id(model),
                    user: pool.id("alice"),
                    tags: pool.tags_id(&tags),
                },
                tokens: Tokens {
                    input,
                    ..Default::default()
                },
                cost,
                requests: 0,
                route: Route::Profile,
            }
        };
        let items = vec![
            mk(
                "2026-11-02T10:00:00Z",
                "p-sonnet",
                "/src/payments",
                "sonnet-4-5",
                "core",
                "r1",
                100,
                Some(1.0),
            ),
            mk(
                "2026-11-02T10:05:00Z",
                "p-haiku",
                "/src/payments",
                "haiku-4-5",
                "core",
                "r1",
                10,
                Some(0.5),
            ),
            mk(
                "2026-11-02T23:30:00Z",
                "p-sonnet",
                "/src/web",
                "sonnet-4-5",
                "web",
                "r2",
                200,
                None,
            ),
            mk(
                "2026-11-10T09:00:00Z",
                "p-sonnet",
                "/src/payments",
                "sonnet-4-5",
                "core",
                "r3",
                300,
                Some(2.0),
            ),
        ];
        Fx { pool, items }
    }

    fn run(
        fx: &Fx,
        period: Period,
        by: &[GroupBy],
        tz: &str,
        range: DayRange,
        repo: Option<&str>,
    ) -> (Vec<Row>, Sum) {
        let spec = Spec {
            period,
            by,
            range,
            repo,
        };
        let zone = Zone::resolve(Some(tz)).unwrap();
        let mut g = Grouper::new(&spec, &zone);
        for it in &fx.items {
            g.push(it, &fx.pool);
        }
        let (rows, total, _) = g.finish(&fx.pool);
        (rows, total)
    }

    #[test]
    fn daily_rows_follow_the_time_zone() {
        let fx = fixture();
        let (rows, total) = run(&fx, Period::Daily, &[], "UTC", DayRange::default(), None);
        let labels: Vec<_> = rows
            .iter()
            .map(|r| (r.period.as_str(), r.sum.tokens.input))
            .collect();
        assert_eq!(labels, vec![("2026-11-02", 310), ("2026-11-10", 300)]);
        assert_eq!(total.tokens.input, 610);
        assert_eq!(total.runs, 3);
        assert!(total.cost_unknown);
        assert_eq!(total.cost(), 3.5);
        // In Tokyo (+9) the 23:30Z item belongs to the 3rd.
        let (rows, _) = run(
            &fx,
            Period::Daily,
            &[],
            "Asia/Tokyo",
            DayRange::default(),
            None,
        );
        let labels: Vec<_> = rows
            .iter()
            .map(|r| (r.period.as_str(), r.sum.tokens.input))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("2026-11-02", 110),
                ("2026-11-03", 200),
                ("2026-11-10", 300)
            ]
        );
        assert!(!rows[0].sum.cost_unknown && rows[1].sum.cost_unknown);
    }

    #[test]
    fn weekly_monthly_and_runs() {
        let fx = fixture();
        let (rows, _) = run(&fx, Period::Weekly, &[], "UTC", DayRange::default(), None);
        let labels: Vec<_> = rows.iter().map(|r| r.period.as_str()).collect();
        assert_eq!(labels, vec!["2026-11-02", "2026-11-09"]);
        let (rows, _) = run(&fx, Period::Monthly, &[], "UTC", DayRange::default(), None);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].period.as_str(), rows[0].sum.runs), ("2026-11", 3));
        let (rows, _) = run(&fx, Period::Runs, &[], "UTC", DayRange::default(), None);
        let labels: Vec<_> = rows
            .iter()
            .map(|r| (r.period.as_str(), r.sum.tokens.input))
            .collect();
        assert_eq!(labels, vec![("r1", 110), ("r2", 200), ("r3", 300)]);
    }

    #[test]
    fn by_fields_combine_and_tags_group() {
        let fx = fixture();
        let by = [GroupBy::Tag("team".into()), GroupBy::Model];
        let (rows, _) = run(&fx, Period::Monthly, &by, "UTC", DayRange::default(), None);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.groups.join("/"), r.sum.tokens.input, r.sum.runs))
            .collect();
        assert_eq!(
            got,
            vec![
                ("core/haiku-4-5".to_string(), 10, 1),
                ("core/sonnet-4-5".to_string(), 400, 2),
                ("web/sonnet-4-5".to_string(), 200, 1)
            ]
        );
        let by = [GroupBy::Tag("missing".into()), GroupBy::Repo];
        let (rows, _) = run(&fx, Period::Monthly, &by, "UTC", DayRange::default(), None);
        let got: Vec<_> = rows.iter().map(|r| r.groups.join("/")).collect();
        assert_eq!(got, vec!["-/payments", "-/web"]);
    }

    #[test]
    fn range_and_repo_filters() {
        let fx = fixture();
        let range = DayRange {
            since: Some(period::day_of(2026, 11, 3)),
            until: None,
        };
        let (rows, total) = run(&fx, Period::Daily, &[], "UTC", range, None);
        assert_eq!(rows.len(), 1);
        assert_eq!(total.tokens.input, 300);
        let (_, total) = run(
            &fx,
            Period::Daily,
            &[],
            "UTC",
            DayRange::default(),
            Some("payments"),
        );
        assert_eq!(total.tokens.input, 410);
        let (_, total) = run(
            &fx,
            Period::Daily,
            &[],
            "UTC",
            DayRange::default(),
            Some("/src/web"),
        );
        assert_eq!(total.tokens.input, 200);
        let (_, total) = run(
            &fx,
            Period::Daily,
            &[],
            "UTC",
            DayRange::default(),
            Some("pay"),
        );
        assert_eq!(total.tokens.input, 0);
    }
}
