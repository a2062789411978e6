//! How values print: money, dates and durations, so a fee or a deadline reads the same on every
//! page and board. Parsers reject what they cannot read with a message for the clerk who typed
//! it: what was found and what is accepted.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// No-break space between a number and its unit, so `8.000 đồng` never wraps on a phone.
const NBSP: char = '\u{A0}';

/// A site language; serialised as its code (`"vi"`, `"en"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// Exactly `vi` or `en`.
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// `8.000 đồng` (vi) or `VND 8,000` (en), with a no-break space; 0 prints as `0 đồng`.
pub fn money(amount: u64, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{}{NBSP}đồng", group_thousands(amount, '.')),
        Lang::En => format!("VND{NBSP}{}", group_thousands(amount, ',')),
    }
}

/// Like `money`, but 0 reads `Miễn phí` / `Free`.
pub fn money_or_free(amount: u64, lang: Lang) -> String {
    match (amount, lang) {
        (0, Lang::Vi) => "Miễn phí".into(),
        (0, Lang::En) => "Free".into(),
        _ => money(amount, lang),
    }
}

/// A count: `24.253` (vi), `24,253` (en).
pub fn number(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Vi => group_thousands(n, '.'),
        Lang::En => group_thousands(n, ','),
    }
}

fn group_thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Why a date was rejected; `found` is the trimmed input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    Shape {
        found: String,
    },
    NoSuchMonth {
        found: String,
        month: u8,
    },
    NoSuchDay {
        found: String,
        year: i16,
        month: u8,
        days_in_month: u8,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Shape { found } if found.is_empty() => {
                write!(f, "the date is empty; write it YYYY-MM-DD, e.g. 2019-06-15")
            }
            DateError::Shape { found } => {
                write!(
                    f,
                    "`{found}` is not a date written YYYY-MM-DD, e.g. 2019-06-15"
                )?;
                match dmy_as_iso(found) {
                    Some(iso) => write!(f, "; did you mean {iso}?"),
                    None => Ok(()),
                }
            }
            DateError::NoSuchMonth { found, month } => {
                write!(
                    f,
                    "{found}: there is no month {month:02}; months run from 01 to 12"
                )
            }
            DateError::NoSuchDay {
                found,
                year,
                month,
                days_in_month,
            } => {
                let name = MONTHS[usize::from(*month) - 1];
                write!(f, "{found}: {name} {year} has {days_in_month} days")
            }
        }
    }
}

impl std::error::Error for DateError {}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `15/06/2019` (or `15.6.2019`, `15-06-2019`) → `2019-06-15`: the usual slip, worth a hint.
fn dmy_as_iso(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match parts[..] {
        [d, m, y]
            if d.len() <= 2
                && m.len() <= 2
                && y.len() == 4
                && parts.iter().all(|p| all_digits(p)) =>
        {
            Some(format!("{y}-{m:0>2}-{d:0>2}"))
        }
        _ => None,
    }
}

/// Only ISO `YYYY-MM-DD` (surrounding spaces ignored): `15/06/2019` is ambiguous to foreign
/// tools, and YAML dates arrive here as strings.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let found = s.trim();
    let b = found.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let shape = || DateError::Shape {
        found: found.to_string(),
    };
    if !shaped {
        return Err(shape());
    }
    let num = |from: usize, to: usize| {
        b[from..to]
            .iter()
            .fold(0i16, |n, d| n * 10 + i16::from(d - b'0'))
    };
    let (year, month, day) = (num(0, 4), num(5, 7) as u8, num(8, 10) as u8);
    if !(1..=12).contains(&month) {
        return Err(DateError::NoSuchMonth {
            found: found.to_string(),
            month,
        });
    }
    let days_in_month = Date::new(year, month as i8, 1)
        .map_err(|_| shape())?
        .days_in_month() as u8;
    if day == 0 || day > days_in_month {
        return Err(DateError::NoSuchDay {
            found: found.to_string(),
            year,
            month,
            days_in_month,
        });
    }
    Date::new(year, month as i8, day as i8).map_err(|_| shape())
}

/// `15/06/2019`, in both languages (what Vietnamese forms print; unambiguous enough for readers
/// of the English pages, who are looking at Vietnamese documents).
pub fn date_dmy(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// `2019-06-15`, for `<time datetime>` and data files.
pub fn date_iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Today in Vietnam. Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed
/// offset is exact and no time-zone database is needed.
///
/// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention) overrides the
/// clock, so a build or a test of old content gives the same pages and warnings on any day.
pub fn today_vietnam() -> Date {
    let pinned = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok());
    date_in_vietnam(pinned.unwrap_or_else(Timestamp::now))
}

/// The calendar date in Vietnam (UTC+7) at `at`.
pub fn date_in_vietnam(at: Timestamp) -> Date {
    jiff::tz::Offset::constant(7).to_datetime(at).date()
}

/// Serialised in snake case (`"working_days"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    SameDay,
    WorkingDays,
    Days,
    Hours,
    Months,
}

impl DurationUnit {
    /// The largest count `parse_duration` accepts: beyond it, a typo is likelier than a real
    /// processing time.
    pub fn limit(self) -> u32 {
        match self {
            DurationUnit::SameDay => 0,
            DurationUnit::WorkingDays => 260,
            DurationUnit::Days => 365,
            DurationUnit::Hours => 2000,
            DurationUnit::Months => 60,
        }
    }
}

/// A processing time. `SameDay` always has `value` 0: the unit says everything, and a count
/// of 0 elsewhere is rejected, so 0 never reads as a real count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Duration {
    pub value: u32,
    pub unit: DurationUnit,
}

/// The words accepted after the number, already NFC and lower case.
const UNIT_WORDS: &[(&str, DurationUnit)] = &[
    ("working day", DurationUnit::WorkingDays),
    ("working days", DurationUnit::WorkingDays),
    ("ngày làm việc", DurationUnit::WorkingDays),
    ("day", DurationUnit::Days),
    ("days", DurationUnit::Days),
    ("ngày", DurationUnit::Days),
    ("hour", DurationUnit::Hours),
    ("hours", DurationUnit::Hours),
    ("working hour", DurationUnit::Hours),
    ("working hours", DurationUnit::Hours),
    ("giờ", DurationUnit::Hours),
    ("giờ làm việc", DurationUnit::Hours),
    ("month", DurationUnit::Months),
    ("months", DurationUnit::Months),
    ("tháng", DurationUnit::Months),
];

impl Duration {
    pub const SAME_DAY: Duration = Duration {
        value: 0,
        unit: DurationUnit::SameDay,
    };

    /// vi `3 ngày làm việc`, `Trong ngày`; en `3 working days`, `1 working day`, `Same day`.
    pub fn display(&self, lang: Lang) -> String {
        let n = self.value;
        let (vi, en) = match self.unit {
            DurationUnit::SameDay => ("Trong ngày", "Same day"),
            DurationUnit::WorkingDays => ("ngày làm việc", "working day"),
            DurationUnit::Days => ("ngày", "day"),
            DurationUnit::Hours => ("giờ", "hour"),
            DurationUnit::Months => ("tháng", "month"),
        };
        match (lang, self.unit) {
            (Lang::Vi, DurationUnit::SameDay) => vi.into(),
            (Lang::En, DurationUnit::SameDay) => en.into(),
            (Lang::Vi, _) => format!("{n} {vi}"),
            (Lang::En, _) => format!("{n} {en}{}", if n == 1 { "" } else { "s" }),
        }
    }

    /// Roughly in working hours, so durations in different units compare: an hour is 1, a
    /// working day 8, a calendar day 8 × 5/7 rounded up (6), a month 22 working days (176).
    /// Same day is 5: slower than a few hours, faster than anything counted in days. Strictly
    /// increasing in `value` within a unit; equal keys across units (`same day`, `5 hours`)
    /// are left to the caller's tie-break.
    pub fn sort_key(&self) -> u32 {
        let n = self.value;
        match self.unit {
            DurationUnit::SameDay => 5,
            DurationUnit::Hours => n,
            DurationUnit::WorkingDays => n.saturating_mul(8),
            DurationUnit::Days => n.saturating_mul(40).div_ceil(7),
            DurationUnit::Months => n.saturating_mul(176),
        }
    }
}

/// Why a duration was rejected; `found` is the trimmed input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError {
    pub found: String,
    pub kind: DurationErrorKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationErrorKind {
    /// Not one of the accepted forms.
    Unrecognized,
    Zero,
    Negative,
    Fraction,
    /// More than `unit.limit()`.
    TooLarge {
        unit: DurationUnit,
    },
}

const ACCEPTED: &str = "accepted: `same day` or `trong ngày`; `N working days` or `N ngày làm việc` \
    (e.g. `3 working days`, `03 ngày làm việc`); `N days` or `N ngày` (e.g. `30 ngày`); \
    `N hours`, `N giờ` or `N giờ làm việc` (e.g. `4 giờ`); `N months` or `N tháng` (e.g. `2 tháng`); \
    N is a whole number from 1";

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found = &self.found;
        match self.kind {
            DurationErrorKind::Unrecognized => write!(f, "`{found}` is not a duration; {ACCEPTED}"),
            DurationErrorKind::Zero => write!(
                f,
                "`{found}`: a duration of 0 is not accepted; for service on the day use `same day` (or `trong ngày`)"
            ),
            DurationErrorKind::Negative => {
                write!(f, "`{found}`: a duration cannot be negative; {ACCEPTED}")
            }
            DurationErrorKind::Fraction => write!(
                f,
                "`{found}`: durations are whole numbers; write part of a day in hours (e.g. `4 giờ`); {ACCEPTED}"
            ),
            DurationErrorKind::TooLarge { unit } => {
                let limit = Duration {
                    value: unit.limit(),
                    unit,
                }
                .display(Lang::En);
                write!(
                    f,
                    "`{found}` is longer than the limit of {limit}; check for a typo, or use a larger unit"
                )
            }
        }
    }
}

impl std::error::Error for DurationError {}

/// Reads `same day`, `3 working days`, `03 ngày làm việc`, `30 ngày`, `4 giờ`, `2 tháng`…
/// (case-insensitive, NFC or NFD, any spacing; singular or plural in English).
pub fn parse_duration(s: &str) -> Result<Duration, DurationError> {
    let found = s.trim();
    let text: String = found.nfc().collect::<String>().to_lowercase();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let fail = |kind| {
        Err(DurationError {
            found: found.to_string(),
            kind,
        })
    };
    if matches!(
        text.as_str(),
        "same day" | "trong ngày" | "trong ngày làm việc"
    ) {
        return Ok(Duration::SAME_DAY);
    }
    let starts_with_digit = |t: &str| t.starts_with(|c: char| c.is_ascii_digit());
    if text.strip_prefix(['-', '−']).is_some_and(starts_with_digit) {
        return fail(DurationErrorKind::Negative);
    }
    let (number, rest) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    if number.is_empty() {
        return fail(DurationErrorKind::Unrecognized);
    }
    if rest
        .strip_prefix(['.', ',', '/'])
        .is_some_and(starts_with_digit)
    {
        return fail(DurationErrorKind::Fraction);
    }
    let Some(&(_, unit)) = UNIT_WORDS
        .iter()
        .find(|(words, _)| *words == rest.trim_start())
    else {
        return fail(DurationErrorKind::Unrecognized);
    };
    let value = number.bytes().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    if value == 0 {
        return fail(DurationErrorKind::Zero);
    }
    if value > u64::from(unit.limit()) {
        return fail(DurationErrorKind::TooLarge { unit });
    }
    Ok(Duration {
        value: value as u32,
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use DurationUnit::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn lang_codes_round_trip() {
        for (code, lang) in [
            ("vi", Some(Lang::Vi)),
            ("en", Some(Lang::En)),
            ("VI", None),
            ("fr", None),
            ("", None),
        ] {
            assert_eq!(Lang::parse(code), lang, "{code:?}");
            if let Some(lang) = lang {
                assert_eq!(lang.code(), code);
                assert_eq!(serde_json::to_string(&lang).unwrap(), format!("\"{code}\""));
                assert_eq!(
                    serde_json::from_str::<Lang>(&format!("\"{code}\"")).unwrap(),
                    lang
                );
            }
        }
    }

    #[test]
    fn money_groups_thousands_with_a_no_break_space_before_the_unit() {
        for (amount, lang, expected) in [
            (8_000, Lang::Vi, "8.000\u{A0}đồng"),
            (200_000, Lang::Vi, "200.000\u{A0}đồng"),
            (1_234_567, Lang::Vi, "1.234.567\u{A0}đồng"),
            (999, Lang::Vi, "999\u{A0}đồng"),
            (1_000, Lang::Vi, "1.000\u{A0}đồng"),
            (0, Lang::Vi, "0\u{A0}đồng"), // pure: 0 is a number here
            (8_000, Lang::En, "VND\u{A0}8,000"),
            (10_000_000, Lang::En, "VND\u{A0}10,000,000"),
            (0, Lang::En, "VND\u{A0}0"),
            (u64::MAX, Lang::Vi, "18.446.744.073.709.551.615\u{A0}đồng"),
        ] {
            assert_eq!(money(amount, lang), expected, "{amount} {lang:?}");
        }
    }

    #[test]
    fn money_or_free_names_zero() {
        for (amount, lang, expected) in [
            (0, Lang::Vi, "Miễn phí"),
            (0, Lang::En, "Free"),
            (2_000, Lang::Vi, "2.000\u{A0}đồng"),
            (2_000, Lang::En, "VND\u{A0}2,000"),
        ] {
            assert_eq!(money_or_free(amount, lang), expected, "{amount} {lang:?}");
        }
    }

    #[test]
    fn parse_date_accepts_real_iso_dates() {
        for (input, expected) in [
            ("2019-06-15", date(2019, 6, 15)),
            ("  2019-06-15\n", date(2019, 6, 15)),
            ("2020-02-29", date(2020, 2, 29)),
            ("2000-02-29", date(2000, 2, 29)),
            ("2019-12-31", date(2019, 12, 31)),
            ("2025-07-01", date(2025, 7, 1)),
        ] {
            assert_eq!(parse_date(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn parse_date_names_the_missing_day_or_month() {
        for (input, message) in [
            ("2019-02-30", "2019-02-30: February 2019 has 28 days"),
            ("2019-02-29", "2019-02-29: February 2019 has 28 days"),
            ("1900-02-29", "1900-02-29: February 1900 has 28 days"),
            ("2019-04-31", "2019-04-31: April 2019 has 30 days"),
            ("2019-06-00", "2019-06-00: June 2019 has 30 days"),
            (
                "2019-13-01",
                "2019-13-01: there is no month 13; months run from 01 to 12",
            ),
            (
                "2019-00-10",
                "2019-00-10: there is no month 00; months run from 01 to 12",
            ),
        ] {
            assert_eq!(parse_date(input).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn parse_date_shows_the_accepted_form_and_corrects_day_first_dates() {
        for (input, hint) in [
            ("15/06/2019", "; did you mean 2019-06-15?"),
            ("5.6.2019", "; did you mean 2019-06-05?"),
            ("15-06-2019", "; did you mean 2019-06-15?"),
            ("2019-6-15", ""),
            ("2019/06/15", ""),
            ("2019-06-15T08:00", ""),
            ("20190615", ""),
            ("２０１９-06-15", ""), // full-width digits
            ("15/06/19", ""),       // the century is not guessed
        ] {
            let expected =
                format!("`{input}` is not a date written YYYY-MM-DD, e.g. 2019-06-15{hint}");
            assert_eq!(parse_date(input).unwrap_err().to_string(), expected);
        }
        let empty = parse_date("  ").unwrap_err().to_string();
        assert_eq!(
            empty,
            "the date is empty; write it YYYY-MM-DD, e.g. 2019-06-15"
        );
    }

    #[test]
    fn dates_print_day_first_or_iso() {
        for (d, dmy, iso) in [
            (date(2019, 6, 15), "15/06/2019", "2019-06-15"),
            (date(2025, 1, 1), "01/01/2025", "2025-01-01"),
            (date(999, 12, 9), "09/12/0999", "0999-12-09"),
        ] {
            assert_eq!(date_dmy(d), dmy);
            assert_eq!(date_iso(d), iso);
            assert_eq!(parse_date(iso), Ok(d), "ISO output parses back");
        }
    }

    #[test]
    fn vietnam_is_seven_hours_ahead_of_utc() {
        for (utc, expected) in [
            ("2019-06-14T16:59:59Z", date(2019, 6, 14)),
            ("2019-06-14T17:00:00Z", date(2019, 6, 15)),
            ("2019-12-31T23:00:00Z", date(2020, 1, 1)),
            ("2020-01-01T00:00:00Z", date(2020, 1, 1)),
        ] {
            assert_eq!(date_in_vietnam(utc.parse().unwrap()), expected, "{utc}");
        }
        let today = today_vietnam();
        assert!(today.year() >= 2025, "the clock says {today}");
    }

    #[test]
    fn parse_duration_reads_english_and_vietnamese() {
        let d = |value, unit| Duration { value, unit };
        for (input, expected) in [
            ("same day", Duration::SAME_DAY),
            ("Same Day", Duration::SAME_DAY),
            ("  same   day ", Duration::SAME_DAY),
            ("trong ngày", Duration::SAME_DAY),
            ("Trong ngày", Duration::SAME_DAY),
            ("trong nga\u{300}y", Duration::SAME_DAY), // NFD
            ("trong ngày làm việc", Duration::SAME_DAY),
            ("3 working days", d(3, WorkingDays)),
            ("1 working day", d(1, WorkingDays)),
            ("1 working days", d(1, WorkingDays)),
            ("3 ngày làm việc", d(3, WorkingDays)),
            ("03 ngày làm việc", d(3, WorkingDays)),
            ("03 NGÀY LÀM VIỆC", d(3, WorkingDays)),
            (
                "3 nga\u{300}y la\u{300}m vie\u{323}\u{302}c",
                d(3, WorkingDays),
            ),
            ("3  ngày\tlàm  việc", d(3, WorkingDays)),
            ("3ngày làm việc", d(3, WorkingDays)),
            ("260 working days", d(260, WorkingDays)),
            ("15 days", d(15, Days)),
            ("1 day", d(1, Days)),
            ("30 ngày", d(30, Days)),
            ("365 ngày", d(365, Days)),
            ("4 hours", d(4, Hours)),
            ("1 hour", d(1, Hours)),
            ("8 working hours", d(8, Hours)),
            ("4 giờ", d(4, Hours)),
            ("4 giờ làm việc", d(4, Hours)),
            ("2000 giờ", d(2000, Hours)),
            ("2 months", d(2, Months)),
            ("1 month", d(1, Months)),
            ("2 tháng", d(2, Months)),
            ("60 tháng", d(60, Months)),
        ] {
            assert_eq!(parse_duration(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn parse_duration_rejects_with_a_reason() {
        use DurationErrorKind::*;
        for (input, kind) in [
            ("0 ngày", Zero),
            ("00 working days", Zero),
            ("0 hours", Zero),
            ("-3 days", Negative),
            ("−3 ngày", Negative), // U+2212 minus
            ("1.5 days", Fraction),
            ("1,5 ngày", Fraction),
            ("1/2 ngày", Fraction),
            ("366 ngày", TooLarge { unit: Days }),
            ("61 tháng", TooLarge { unit: Months }),
            ("2001 hours", TooLarge { unit: Hours }),
            ("261 ngày làm việc", TooLarge { unit: WorkingDays }),
            ("99999999999999999999999 days", TooLarge { unit: Days }),
            ("", Unrecognized),
            ("3", Unrecognized),
            ("ba ngày", Unrecognized),
            ("3 weeks", Unrecognized),
            ("3 ngay lam viec", Unrecognized), // diacritics are required
            ("3 ngày làm việc.", Unrecognized),
            ("ngày", Unrecognized),
            ("same-day", Unrecognized),
            ("3 working days, 23 with verification", Unrecognized),
            ("３ ngày", Unrecognized), // full-width digit
        ] {
            assert_eq!(parse_duration(input).unwrap_err().kind, kind, "{input:?}");
        }
    }

    #[test]
    fn duration_errors_read_well() {
        for (input, message) in [
            (
                "0 ngày",
                "`0 ngày`: a duration of 0 is not accepted; for service on the day use `same day` (or `trong ngày`)",
            ),
            (
                "366 ngày",
                "`366 ngày` is longer than the limit of 365 days; check for a typo, or use a larger unit",
            ),
            (
                "61 months",
                "`61 months` is longer than the limit of 60 months; check for a typo, or use a larger unit",
            ),
            (
                "2001 giờ",
                "`2001 giờ` is longer than the limit of 2000 hours; check for a typo, or use a larger unit",
            ),
            (
                " 300 working days ",
                "`300 working days` is longer than the limit of 260 working days; check for a typo, or use a larger unit",
            ),
        ] {
            assert_eq!(
                parse_duration(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
        // every form that fails to parse lists all accepted forms, with examples
        for input in ["3 weeks", "-1 day", "1.5 ngày"] {
            let message = parse_duration(input).unwrap_err().to_string();
            assert!(message.starts_with(&format!("`{input}`")), "{message}");
            for form in [
                "`same day`",
                "`trong ngày`",
                "`3 working days`",
                "`03 ngày làm việc`",
                "`30 ngày`",
                "`4 giờ`",
                "`2 tháng`",
            ] {
                assert!(message.contains(form), "{form} missing from: {message}");
            }
        }
    }

    #[test]
    fn durations_display_in_each_language() {
        let d = |value, unit| Duration { value, unit };
        for (duration, vi, en) in [
            (Duration::SAME_DAY, "Trong ngày", "Same day"),
            (d(3, WorkingDays), "3 ngày làm việc", "3 working days"),
            (d(1, WorkingDays), "1 ngày làm việc", "1 working day"),
            (d(30, Days), "30 ngày", "30 days"),
            (d(1, Days), "1 ngày", "1 day"),
            (d(4, Hours), "4 giờ", "4 hours"),
            (d(1, Hours), "1 giờ", "1 hour"),
            (d(2, Months), "2 tháng", "2 months"),
            (d(1, Months), "1 tháng", "1 month"),
        ] {
            assert_eq!(duration.display(Lang::Vi), vi);
            assert_eq!(duration.display(Lang::En), en);
            // what is displayed parses back to the same duration
            assert_eq!(parse_duration(vi), Ok(duration), "{vi}");
            assert_eq!(parse_duration(en), Ok(duration), "{en}");
        }
    }

    #[test]
    fn sort_keys_order_durations_across_units() {
        let d = |value, unit| Duration { value, unit };
        // ascending; rows on one line tie
        let ordered: [&[Duration]; 11] = [
            &[d(1, Hours)],
            &[d(4, Hours)],
            &[Duration::SAME_DAY, d(5, Hours)],
            &[d(1, Days)],
            &[d(1, WorkingDays), d(8, Hours)],
            &[d(3, WorkingDays)],
            &[d(7, Days), d(5, WorkingDays)],
            &[d(30, Days)],
            &[d(1, Months), d(22, WorkingDays)],
            &[d(23, WorkingDays)],
            &[d(60, Months)],
        ];
        for pair in ordered.windows(2) {
            for a in pair[0] {
                assert!(
                    a.sort_key() < pair[1][0].sort_key(),
                    "{a:?} < {:?}",
                    pair[1][0]
                );
                assert_eq!(
                    a.sort_key(),
                    pair[0][0].sort_key(),
                    "{a:?} ties {:?}",
                    pair[0][0]
                );
            }
        }
        // strictly increasing within a unit, up to each limit
        for unit in [WorkingDays, Days, Hours, Months] {
            for n in 1..unit.limit() {
                assert!(
                    d(n, unit).sort_key() < d(n + 1, unit).sort_key(),
                    "{n} {unit:?}"
                );
            }
        }
    }

    #[test]
    fn durations_serialise_for_templates_and_data_files() {
        let json = serde_json::to_string(&Duration {
            value: 3,
            unit: WorkingDays,
        })
        .unwrap();
        assert_eq!(json, r#"{"value":3,"unit":"working_days"}"#);
        assert_eq!(
            serde_json::to_string(&Duration::SAME_DAY).unwrap(),
            r#"{"value":0,"unit":"same_day"}"#
        );
    }
}
