//! Time for reports: the time zone, the date range, and which period (day, ISO week, month) an
//! instant falls in.
//!
//! Reports bucket hundreds of thousands of requests by local day, so [`DayIndexer`] turns a Unix
//! millisecond into a local day number with a cached UTC offset instead of a full time-zone
//! conversion per request. Days are counted from 1970-01-01 (day 0) in the report's time zone.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;
/// Width of one offset-cache bucket. Offsets are cached per bucket and a bucket is only trusted
/// when its two ends agree, so any transition instant (even an odd-second historical one) is
/// handled exactly; 15 minutes keeps the cache tiny.
const BUCKET_MS: i64 = 15 * 60 * 1000;

/// The report's time zone, with its display name.
#[derive(Clone, Debug)]
pub struct Zone {
    pub tz: TimeZone,
    /// The IANA name (or `local`/`UTC` when the system zone has no name).
    pub name: String,
}

impl Zone {
    /// `--tz NAME`, or the system zone.
    pub fn resolve(name: Option<&str>) -> Result<Self> {
        match name {
            Some(n) => {
                let tz = TimeZone::get(n).with_context(|| {
                    format!("unknown time zone {n:?}; use an IANA name such as Europe/Paris or UTC")
                })?;
                Ok(Self {
                    tz,
                    name: n.to_string(),
                })
            }
            None => {
                let tz = TimeZone::system();
                let name = tz.iana_name().unwrap_or("local").to_string();
                Ok(Self { tz, name })
            }
        }
    }

    pub fn utc() -> Self {
        Self {
            tz: TimeZone::UTC,
            name: "UTC".into(),
        }
    }

    /// The local day number of `now`.
    pub fn today(&self) -> i32 {
        DayIndexer::new(self.tz.clone()).day(Timestamp::now().as_millisecond())
    }
}

/// Maps Unix milliseconds to local day numbers, caching the UTC offset per 15-minute bucket.
pub struct DayIndexer {
    tz: TimeZone,
    /// bucket -> offset in seconds, valid for the whole bucket.
    cache: HashMap<i64, i32>,
    /// The last bucket asked for: consecutive requests are usually minutes apart.
    last: Option<(i64, i32)>,
}

impl DayIndexer {
    pub fn new(tz: TimeZone) -> Self {
        Self {
            tz,
            cache: HashMap::new(),
            last: None,
        }
    }

    /// The UTC offset in effect at `ms`, in seconds.
    pub fn offset_secs(&mut self, ms: i64) -> i32 {
        let bucket = ms.div_euclid(BUCKET_MS);
        if let Some((b, o)) = self.last
            && b == bucket
        {
            return o;
        }
        if let Some(&o) = self.cache.get(&bucket) {
            self.last = Some((bucket, o));
            return o;
        }
        let at = |ms: i64| {
            Timestamp::from_millisecond(ms)
                .map(|t| self.tz.to_offset(t).seconds())
                .unwrap_or(0)
        };
        let start = at(bucket * BUCKET_MS);
        let end = at(bucket * BUCKET_MS + BUCKET_MS - 1);
        if start == end {
            self.cache.insert(bucket, start);
            self.last = Some((bucket, start));
            start
        } else {
            // A transition inside this bucket: never cache it, ask exactly.
            at(ms)
        }
    }

    /// The local day number (days since 1970-01-01 in this zone) of `ms`.
    pub fn day(&mut self, ms: i64) -> i32 {
        let local = ms.saturating_add(i64::from(self.offset_secs(ms)) * 1000);
        clamp_day(local.div_euclid(DAY_MS))
    }
}

fn clamp_day(d: i64) -> i32 {
    d.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// Civil date of a day number (Howard Hinnant's `civil_from_days`).
pub fn civil(day: i32) -> (i32, u8, u8) {
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = if m <= 2 { y + 1 } else { y };
    (y as i32, m, d)
}

/// Day number of a civil date (Howard Hinnant's `days_from_civil`).
pub fn day_of(y: i32, m: u8, d: u8) -> i32 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    clamp_day(era * 146_097 + doe - 719_468)
}

/// Day number of a jiff date.
pub fn day_of_date(d: Date) -> i32 {
    day_of(i32::from(d.year()), d.month() as u8, d.day() as u8)
}

/// `YYYY-MM-DD` of a day number.
pub fn day_label(day: i32) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The Monday on or before `day` (ISO weeks start on Monday; 1970-01-01 was a Thursday).
pub fn week_start(day: i32) -> i32 {
    day - (day + 3).rem_euclid(7)
}

/// A month number (`year * 12 + month - 1`) of a day.
pub fn month_of(day: i32) -> i32 {
    let (y, m, _) = civil(day);
    y * 12 + i32::from(m) - 1
}

/// The first day of a month number.
pub fn month_start(month: i32) -> i32 {
    day_of(month.div_euclid(12), (month.rem_euclid(12) + 1) as u8, 1)
}

/// `YYYY-MM` of a month number.
pub fn month_label(month: i32) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// Parses `YYYY-MM-DD` or `YYYYMMDD` (the forms ccusage accepts too).
pub fn parse_date(s: &str) -> Result<Date> {
    let s = s.trim();
    let dashed;
    let text = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        dashed = format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..]);
        dashed.as_str()
    } else {
        s
    };
    let valid_shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !valid_shape {
        bail!("invalid date {s:?}: expected YYYY-MM-DD or YYYYMMDD");
    }
    text.parse::<Date>()
        .with_context(|| format!("invalid date {s:?}: expected YYYY-MM-DD or YYYYMMDD"))
}

/// An inclusive range of local days; `None` ends are open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayRange {
    pub since: Option<i32>,
    pub until: Option<i32>,
}

impl DayRange {
    pub fn contains(&self, day: i32) -> bool {
        self.since.is_none_or(|s| day >= s) && self.until.is_none_or(|u| day <= u)
    }

    /// `YYYY-MM-DD` of each end, for output.
    pub fn labels(&self) -> (Option<String>, Option<String>) {
        (self.since.map(day_label), self.until.map(day_label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_and_agrees_with_jiff() {
        for day in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil(day);
            assert_eq!(day_of(y, m, d), day);
        }
        let epoch = jiff::civil::date(1970, 1, 1);
        for day in [-1, 0, 1, 59, 60, 365, 11_016, 20_000, 20_785, 24_000] {
            let date = epoch
                .checked_add(jiff::Span::new().days(i64::from(day)))
                .unwrap();
            assert_eq!(day_of_date(date), day, "{date}");
            assert_eq!(day_label(day), date.to_string());
        }
    }

    #[test]
    fn weeks_start_on_monday_and_months_wrap() {
        let d = day_of(2026, 11, 28); // a Saturday
        assert_eq!(day_label(week_start(d)), "2026-11-23");
        assert_eq!(week_start(day_of(2026, 11, 23)), day_of(2026, 11, 23));
        assert_eq!(day_label(week_start(day_of(2026, 11, 22))), "2026-11-16");
        assert_eq!(month_label(month_of(day_of(2026, 1, 31))), "2026-01");
        assert_eq!(day_label(month_start(month_of(d) - 11)), "2025-12-01");
        assert_eq!(day_label(month_start(month_of(d) + 2)), "2027-01-01");
    }

    #[test]
    fn local_day_follows_the_zone() {
        // 2026-11-28T23:30:00Z is the 28th in UTC, the 29th in Tokyo, the 28th in New York.
        let ms = "2026-11-28T23:30:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_millisecond();
        let day = |tz: &str| DayIndexer::new(TimeZone::get(tz).unwrap()).day(ms);
        assert_eq!(day_label(day("UTC")), "2026-11-28");
        assert_eq!(day_label(day("Asia/Tokyo")), "2026-11-29");
        assert_eq!(day_label(day("America/New_York")), "2026-11-28");
        // 04:30Z is still the previous day in New York.
        let early = "2026-11-29T04:30:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_millisecond();
        let mut ny = DayIndexer::new(TimeZone::get("America/New_York").unwrap());
        assert_eq!(day_label(ny.day(early)), "2026-11-28");
    }

    #[test]
    fn offset_cache_is_exact_around_a_transition() {
        // New York left DST at 2026-11-01T06:00:00Z (02:00 EDT -> 01:00 EST).
        let tz = TimeZone::get("America/New_York").unwrap();
        let mut ix = DayIndexer::new(tz.clone());
        let at = "2026-11-01T06:00:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_millisecond();
        for delta in [-3_600_000, -1, 0, 1, 60_000, 3_600_000] {
            let ms = at + delta;
            let want = tz
                .to_offset(Timestamp::from_millisecond(ms).unwrap())
                .seconds();
            assert_eq!(ix.offset_secs(ms), want, "delta {delta}");
            // Asking twice (cached) gives the same.
            assert_eq!(ix.offset_secs(ms), want, "delta {delta} cached");
        }
    }

    #[test]
    fn dates_parse_in_both_forms() {
        assert_eq!(
            parse_date("2026-11-01").unwrap(),
            jiff::civil::date(2026, 11, 1)
        );
        assert_eq!(
            parse_date("20261101").unwrap(),
            jiff::civil::date(2026, 11, 1)
        );
        for bad in [
            "2026-13-01",
            "2026-1-1",
            "yesterday",
            "2026/11/01",
            "2026110",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_are_inclusive() {
        let r = DayRange {
            since: Some(10),
            until: Some(12),
        };
        assert!(!r.contains(9));
        assert!(r.contains(10) && r.contains(12));
        assert!(!r.contains(13));
        assert!(DayRange::default().contains(i32::MIN));
    }
}
