//! Timelines: how many events of a set start in each day, ISO week, month or year, in date
//! order, with the empty periods between the first and the last.

use super::{EventSet, EventTally};
use crate::graph::KnowledgeGraph;
use crate::model::{DatePrecision, EntityKind};
use chrono::{Datelike, Days, Months, NaiveDate};

/// The length of a timeline's periods. Weeks are ISO weeks (Monday to Sunday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bucket {
    Day,
    Week,
    Month,
    Year,
}

/// One period of a timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
    /// How many events start in it (an event known to a month or a year counts at its first
    /// possible day).
    pub count: u32,
    /// Of `count`, the events known less precisely than the period.
    pub imprecise: u32,
}

/// A timeline with more periods than are served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooManyPeriods {
    /// The periods it would have.
    pub periods: usize,
    /// The first and last days of the events it counts.
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Bucket {
    /// Every bucket, finest first.
    pub const ALL: [Bucket; 4] = [Bucket::Day, Bucket::Week, Bucket::Month, Bucket::Year];

    /// The first day of the period holding `d`.
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Day => d,
            Bucket::Week => d - Days::new(u64::from(d.weekday().num_days_from_monday())),
            Bucket::Month => d.with_day(1).unwrap_or(d),
            Bucket::Year => d.with_ordinal(1).unwrap_or(d),
        }
    }

    /// The first day of the period after the one starting on `start`.
    fn next(self, start: NaiveDate) -> NaiveDate {
        let next = match self {
            Bucket::Day => start.checked_add_days(Days::new(1)),
            Bucket::Week => start.checked_add_days(Days::new(7)),
            Bucket::Month => start.checked_add_months(Months::new(1)),
            Bucket::Year => start.checked_add_months(Months::new(12)),
        };
        next.unwrap_or(NaiveDate::MAX)
    }

    /// How many periods after the one holding `from` the one holding `d` comes.
    fn index(self, from: NaiveDate, d: NaiveDate) -> usize {
        let (a, b) = (self.start_of(from), self.start_of(d));
        let months = |x: NaiveDate| i64::from(x.year()) * 12 + i64::from(x.month0());
        let n = match self {
            Bucket::Day => (b - a).num_days(),
            Bucket::Week => (b - a).num_days() / 7,
            Bucket::Month => months(b) - months(a),
            Bucket::Year => i64::from(b.year() - a.year()),
        };
        n.max(0) as usize
    }

    /// How many periods run from the one holding `first` to the one holding `last`.
    pub fn periods(self, first: NaiveDate, last: NaiveDate) -> usize {
        self.index(first, last) + 1
    }

    /// The ISO 8601 name of the period starting on `start`: `2021-06-08`, `2021-W23`,
    /// `2021-06`, `2021`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Bucket::Day => crate::model::iso_day(start),
            Bucket::Week => {
                let w = start.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Bucket::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Bucket::Year => format!("{:04}", start.year()),
        }
    }

    /// True when a date known to `precision` is known less precisely than this bucket.
    pub fn is_imprecise(self, precision: DatePrecision) -> bool {
        match self {
            Bucket::Day | Bucket::Week => precision != DatePrecision::Day,
            Bucket::Month => precision == DatePrecision::Year,
            Bucket::Year => false,
        }
    }

    /// Of the events `t` tallies, how many are known less precisely than this bucket.
    fn imprecise(self, t: &EventTally) -> u32 {
        DatePrecision::ALL.iter().zip(&t.precisions).filter(|(&p, _)| self.is_imprecise(p)).map(|(_, &c)| c).sum()
    }
}

/// The empty periods from the one holding `first` to the one holding `last`.
fn empty_periods(bucket: Bucket, first: NaiveDate, n: usize) -> Vec<Period> {
    let mut out = Vec::with_capacity(n);
    let mut start = bucket.start_of(first);
    for _ in 0..n {
        let next = bucket.next(start);
        out.push(Period { start, end: next.pred_opt().unwrap_or(next), count: 0, imprecise: 0 });
        start = next;
    }
    out
}

impl KnowledgeGraph {
    /// How many events of `set` start in each period of `bucket`, from the period of the
    /// earliest start to that of the latest (none when the set is empty); refused when that
    /// is more than `max` periods.
    pub fn event_timeline(&self, set: EventSet<'_>, bucket: Bucket, max: usize) -> Result<Vec<Period>, TooManyPeriods> {
        let order = self.all(EntityKind::Event);
        let start_at = |pos: usize| order.get(pos).and_then(|&n| self.event(n)).map(|e| e.when.start);
        let Some(super::Positions { p, q, ongoing }) = self.positions(&set) else {
            return self.list_timeline(set, bucket, max);
        };
        let (first_pos, last_pos) = match &ongoing {
            super::Ongoing::Listed(l) => (l.first().copied(), l.last().copied()),
            super::Ongoing::Counted { first, last, .. } => (Some(*first), Some(*last)),
        };
        let first_pos = first_pos.unwrap_or(p);
        let last_pos = if p < q { q - 1 } else { last_pos.unwrap_or(0) };
        let (Some(first), Some(last)) = (start_at(first_pos), start_at(last_pos)) else { return Ok(Vec::new()) };
        if p >= q && matches!(&ongoing, super::Ongoing::Listed(l) if l.is_empty()) {
            return Ok(Vec::new());
        }
        let n = bucket.periods(first, last);
        if n > max {
            return Err(TooManyPeriods { periods: n, first, last });
        }
        let a = &self.analytics;
        let mut periods = empty_periods(bucket, first, n);
        for period in &mut periods {
            let from = a.first_starting(super::day(period.start));
            let to = a.first_starting(super::day(period.end).saturating_add(1));
            let t = a.tally_run(from.clamp(p, q), to.clamp(p, q));
            period.count = t.kinds.iter().sum();
            period.imprecise = bucket.imprecise(&t);
            // The ongoing events starting in this period, counted per precision.
            if let super::Ongoing::Counted { end, from: day, .. } = ongoing {
                let per = a.ending_from(from.min(end), to.min(end), day);
                for (&precision, &k) in DatePrecision::ALL.iter().zip(&per) {
                    period.count += k;
                    period.imprecise += if bucket.is_imprecise(precision) { k } else { 0 };
                }
            }
        }
        if let super::Ongoing::Listed(ongoing) = ongoing {
            for pos in ongoing {
                if let Some(e) = order.get(pos).and_then(|&n| self.event(n)) {
                    count(&mut periods, bucket, first, e.when.start, e.when.precision);
                }
            }
        }
        Ok(periods)
    }

    /// [`Self::event_timeline`] of a list, walked.
    fn list_timeline(&self, set: EventSet<'_>, bucket: Bucket, max: usize) -> Result<Vec<Period>, TooManyPeriods> {
        let spans = || set.iter().filter_map(|n| self.event(n)).map(|e| e.when);
        let (Some(first), Some(last)) = (spans().map(|w| w.start).min(), spans().map(|w| w.start).max()) else {
            return Ok(Vec::new());
        };
        let n = bucket.periods(first, last);
        if n > max {
            return Err(TooManyPeriods { periods: n, first, last });
        }
        let mut periods = empty_periods(bucket, first, n);
        for w in spans() {
            count(&mut periods, bucket, first, w.start, w.precision);
        }
        Ok(periods)
    }
}

/// Counts an event starting on `start`, known to `precision`, in its period.
fn count(periods: &mut [Period], bucket: Bucket, first: NaiveDate, start: NaiveDate, precision: DatePrecision) {
    if let Some(p) = periods.get_mut(bucket.index(first, start)) {
        p.count += 1;
        p.imprecise += u32::from(bucket.is_imprecise(precision));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a day")
    }

    #[test]
    fn periods_are_named_in_iso_8601() {
        let day = d("2021-06-08");
        assert_eq!(Bucket::Day.label(Bucket::Day.start_of(day)), "2021-06-08");
        assert_eq!(Bucket::Week.start_of(day), d("2021-06-07"), "ISO weeks start on Monday");
        assert_eq!(Bucket::Week.label(Bucket::Week.start_of(day)), "2021-W23");
        assert_eq!(Bucket::Month.label(Bucket::Month.start_of(day)), "2021-06");
        assert_eq!(Bucket::Year.label(Bucket::Year.start_of(day)), "2021");
        // January 3, 2021 is a Sunday of the last ISO week of 2020.
        assert_eq!(Bucket::Week.label(Bucket::Week.start_of(d("2021-01-03"))), "2020-W53");
    }

    #[test]
    fn day_labels_are_written_as_chrono_writes_them_at_any_year() {
        for day in [d("2021-06-08"), d("0001-01-01"), d("9999-12-31")]
            .into_iter()
            .chain(NaiveDate::from_ymd_opt(10000, 2, 29))
            .chain(NaiveDate::from_ymd_opt(-1, 3, 4))
        {
            assert_eq!(Bucket::Day.label(day), day.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn periods_count_both_ends() {
        assert_eq!(Bucket::Day.periods(d("2021-06-08"), d("2021-06-08")), 1);
        assert_eq!(Bucket::Week.periods(d("2021-06-06"), d("2021-06-07")), 2, "a Sunday and the next Monday");
        assert_eq!(Bucket::Month.periods(d("2021-12-31"), d("2022-01-01")), 2);
        assert_eq!(Bucket::Year.periods(d("2021-01-01"), d("2023-12-31")), 3);
    }

    #[test]
    fn imprecise_means_coarser_than_the_bucket() {
        assert!(Bucket::Day.is_imprecise(DatePrecision::Month));
        assert!(Bucket::Week.is_imprecise(DatePrecision::Month));
        assert!(!Bucket::Month.is_imprecise(DatePrecision::Month));
        assert!(Bucket::Month.is_imprecise(DatePrecision::Year));
        assert!(!Bucket::Year.is_imprecise(DatePrecision::Year));
        assert!(!Bucket::Day.is_imprecise(DatePrecision::Day));
    }
}
