//! Time spans known to a day, a month or a year.

use super::DatePrecision;
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// When something happened, to the precision the sources give: the first and last day it
/// may cover. "2021-05" is May 1st to May 31st with month precision, not May 1st.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeSpan {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub precision: DatePrecision,
}

/// Why a date or time span could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the forms `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `START/END`.
    #[error("`{0}` is not a date: write YYYY-MM-DD, YYYY-MM, YYYY or START/END")]
    Malformed(String),
    /// Well formed but not on the calendar (`2021-02-30`).
    #[error("`{0}` is not a day of the calendar")]
    Impossible(String),
    /// A range whose end comes before its start.
    #[error("the span `{0}` ends before it starts")]
    EndBeforeStart(String),
}

impl TimeSpan {
    /// A single known day.
    pub fn day(date: NaiveDate) -> Self {
        TimeSpan { start: date, end: date, precision: DatePrecision::Day }
    }

    /// Reads `2021-06-08`, `2021-05`, `2021` or `2021-06-06/2021-06-08`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once('/') {
            let start = Self::parse(a)?;
            let end = Self::parse(b)?;
            if end.end < start.start {
                return Err(DateError::EndBeforeStart(text.to_owned()));
            }
            let precision = start.precision.max(end.precision);
            return Ok(TimeSpan { start: start.start, end: end.end, precision });
        }
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| -> Result<u32, DateError> {
            if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DateError::Malformed(text.to_owned()));
            }
            s.parse().map_err(|_| DateError::Malformed(text.to_owned()))
        };
        let impossible = || DateError::Impossible(text.to_owned());
        match parts.as_slice() {
            [y] => {
                let y = number(y, 4)? as i32;
                let start = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(impossible)?;
                let end = NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(impossible)?;
                Ok(TimeSpan { start, end, precision: DatePrecision::Year })
            }
            [y, m] => {
                let (y, m) = (number(y, 4)? as i32, number(m, 2)?);
                let start = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(impossible)?;
                let next =
                    if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
                let end = next.and_then(|d| d.pred_opt()).ok_or_else(impossible)?;
                Ok(TimeSpan { start, end, precision: DatePrecision::Month })
            }
            [y, m, d] => {
                let (y, m, d) = (number(y, 4)? as i32, number(m, 2)?, number(d, 2)?);
                NaiveDate::from_ymd_opt(y, m, d).map(Self::day).ok_or_else(impossible)
            }
            _ => Err(DateError::Malformed(text.to_owned())),
        }
    }

    /// Reads a single calendar day, `2021-06-08`.
    pub fn parse_day(text: &str) -> Result<NaiveDate, DateError> {
        let span = Self::parse(text)?;
        if span.precision != DatePrecision::Day || span.start != span.end {
            return Err(DateError::Malformed(text.to_owned()));
        }
        Ok(span.start)
    }

    /// True when the span shares at least one day with `[from, to]` (open ends allowed).
    pub fn overlaps(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        from.is_none_or(|f| self.end >= f) && to.is_none_or(|t| self.start <= t)
    }
}

impl fmt::Display for TimeSpan {
    /// The ISO 8601 text: `2021-06-08`, `2021-05`, `2021`, `2021-06-06/2021-06-08`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (iso(self.start, self.precision), iso(self.end, self.precision));
        if a.as_str() == b.as_str() {
            f.write_str(a.as_str())
        } else {
            write!(f, "{}/{}", a.as_str(), b.as_str())
        }
    }
}

/// A date written at a precision: ASCII digits and dashes in a small buffer (years
/// 0 to 9999), else (years of five digits, or before year 0) chrono's formatting.
enum Iso {
    Short([u8; 10], usize),
    Long(String),
}

impl Iso {
    fn as_str(&self) -> &str {
        match self {
            // Only ASCII digits and dashes are written into the buffer.
            Iso::Short(bytes, n) => std::str::from_utf8(&bytes[..*n]).unwrap_or_default(),
            Iso::Long(s) => s,
        }
    }
}

/// The ISO 8601 text of day `d`, `2021-06-08`, without `strftime` (a date field, a timeline's
/// day label).
pub fn iso_day(d: NaiveDate) -> String {
    iso(d, DatePrecision::Day).as_str().to_owned()
}

/// `d` at `precision`, without `strftime` (this runs for every date a query returns).
fn iso(d: NaiveDate, precision: DatePrecision) -> Iso {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return Iso::Long(match precision {
            // As chrono's `%Y-%m-%d` writes it: a sign before a year outside 0 to 9999.
            DatePrecision::Day => format!("{}{:04}-{m:02}-{day:02}", if y < 0 { '-' } else { '+' }, y.unsigned_abs()),
            DatePrecision::Month => format!("{y:04}-{m:02}"),
            DatePrecision::Year => format!("{y:04}"),
        });
    }
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let y = y as u32;
    let mut b = [digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), b'-', digit(m / 10), digit(m), b'-', 0, 0];
    b[8] = digit(day / 10);
    b[9] = digit(day);
    let len = match precision {
        DatePrecision::Day => 10,
        DatePrecision::Month => 7,
        DatePrecision::Year => 4,
    };
    Iso::Short(b, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn precision_of_each_form() {
        let day = TimeSpan::parse("2021-06-08").unwrap();
        assert_eq!((day.start, day.end, day.precision), (d("2021-06-08"), d("2021-06-08"), DatePrecision::Day));
        let month = TimeSpan::parse("2021-05").unwrap();
        assert_eq!((month.start, month.end, month.precision), (d("2021-05-01"), d("2021-05-31"), DatePrecision::Month));
        let feb = TimeSpan::parse("2024-02").unwrap();
        assert_eq!(feb.end, d("2024-02-29"));
        let dec = TimeSpan::parse("2023-12").unwrap();
        assert_eq!(dec.end, d("2023-12-31"));
        let year = TimeSpan::parse("2021").unwrap();
        assert_eq!((year.start, year.end, year.precision), (d("2021-01-01"), d("2021-12-31"), DatePrecision::Year));
        let range = TimeSpan::parse("2021-06-06/2021-06-08").unwrap();
        assert_eq!((range.start, range.end, range.precision), (d("2021-06-06"), d("2021-06-08"), DatePrecision::Day));
    }

    #[test]
    fn text_round_trips() {
        for text in [
            "2021-06-08",
            "2021-05",
            "2021",
            "2021-06-06/2021-06-08",
            "2023-12-18/2023-12-24",
            "0999-01-09",
            "2021-01/2021-03",
        ] {
            assert_eq!(TimeSpan::parse(text).unwrap().to_string(), text);
        }
        // Outside four-digit years, as chrono writes them.
        let far = NaiveDate::from_ymd_opt(12345, 6, 7).unwrap();
        assert_eq!(TimeSpan::day(far).to_string(), far.format("%Y-%m-%d").to_string());
    }

    #[test]
    fn rejects_bad_dates() {
        assert_eq!(TimeSpan::parse("2021-02-30"), Err(DateError::Impossible("2021-02-30".into())));
        assert_eq!(TimeSpan::parse("2021-13"), Err(DateError::Impossible("2021-13".into())));
        assert_eq!(TimeSpan::parse("June"), Err(DateError::Malformed("June".into())));
        assert_eq!(TimeSpan::parse("2021-6-8"), Err(DateError::Malformed("2021-6-8".into())));
        assert!(matches!(TimeSpan::parse("2021-06-08/2021-06-01"), Err(DateError::EndBeforeStart(_))));
        assert!(TimeSpan::parse_day("2021-06").is_err());
    }

    #[test]
    fn overlap_includes_both_ends() {
        let may = TimeSpan::parse("2021-05").unwrap();
        assert!(may.overlaps(Some(d("2021-05-31")), None));
        assert!(!may.overlaps(Some(d("2021-06-01")), None));
        assert!(may.overlaps(None, Some(d("2021-05-01"))));
        assert!(may.overlaps(Some(d("2021-04-01")), Some(d("2021-05-01"))));
    }
}
