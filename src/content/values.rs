//! Small value types of the content (dates, times) and the format checks for facts.

use std::fmt;

/// A calendar date (proleptic Gregorian), as written in content: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(&s[0..4])? as i32;
        let month = time::Month::try_from(digits(&s[5..7])? as u8).ok()?;
        let date = time::Date::from_calendar_date(year, month, digits(&s[8..10])? as u8).ok()?;
        Some(Date::from(date))
    }

    /// The date of a Unix timestamp (UTC).
    pub fn from_unix(secs: i64) -> Date {
        time::OffsetDateTime::from_unix_timestamp(secs)
            .map_or(Date::EPOCH, |t| Date::from(t.date()))
    }

    /// Today's date (UTC) from the system clock.
    pub fn today() -> Date {
        Date::from(time::OffsetDateTime::now_utc().date())
    }

    /// 1970-01-01.
    pub const EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// Whole months from `self` to `later` (0 if `later` is not later).
    pub fn months_until(self, later: Date) -> u32 {
        let months = (later.year - self.year) * 12 + i32::from(later.month)
            - i32::from(self.month)
            - i32::from(later.day < self.day);
        months.max(0) as u32
    }
}

impl From<time::Date> for Date {
    fn from(d: time::Date) -> Date {
        Date {
            year: d.year(),
            month: u8::from(d.month()),
            day: d.day(),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// When a source stated a fact: a year (`2024`), a month (`2025-07`) or a day
/// (`2025-07-01`), as precise as the source is. Its age counts from the period's last day,
/// so an imprecise source is never taken as older than it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    pub last_day: Date,
}

impl AsOf {
    pub fn parse(s: &str) -> Option<AsOf> {
        let last_day = match s.len() {
            4 => Date::parse(&format!("{s}-12-31"))?,
            7 => {
                let first = Date::parse(&format!("{s}-01"))?;
                let month = time::Month::try_from(first.month).ok()?;
                Date {
                    day: month.length(first.year),
                    ..first
                }
            }
            _ => Date::parse(s)?,
        };
        Some(AsOf { last_day })
    }
}

fn digits(s: &str) -> Option<u32> {
    s.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| s.parse().ok())?
}

/// A time of day, `HH:MM` (24:00 allowed as the end of a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
}

impl Time {
    pub fn parse(s: &str) -> Option<Time> {
        let (h, m) = s.split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let (hour, minute) = (digits(h)? as u8, digits(m)? as u8);
        (minute < 60 && (hour < 24 || (hour == 24 && minute == 0))).then_some(Time { hour, minute })
    }
}

impl fmt::Display for Time {
    /// As printed on the leaflet: `8:30`, `20:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{:02}", self.hour, self.minute)
    }
}

/// A day of the year without the year, `MM-DD` (for yearly closures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u8,
    pub day: u8,
}

impl MonthDay {
    pub fn parse(s: &str) -> Option<MonthDay> {
        let d = Date::parse(&format!("2000-{s}"))?;
        Some(MonthDay {
            month: d.month,
            day: d.day,
        })
    }
}

/// A Japanese phone number as printed: area code, exchange and line joined by hyphens,
/// 10 or 11 digits, starting with 0 (0120-…, 0800-…, 0570-…, 050-…, 0X-…, 0XX-…).
pub fn is_japanese_phone(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let all_digits = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let count: usize = parts.iter().map(|p| p.len()).sum();
    all_digits && parts.len() == 3 && s.starts_with('0') && (10..=11).contains(&count)
}

/// An absolute https URL with a host and no spaces.
pub fn is_https_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2024-12-02"),
            Some(Date {
                year: 2024,
                month: 12,
                day: 2
            })
        );
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2024-2-02"), None);
        assert_eq!(
            Date::from_unix(1_733_097_600),
            Date {
                year: 2024,
                month: 12,
                day: 2
            }
        );
    }

    #[test]
    fn times() {
        assert_eq!(Time::parse("08:30").unwrap().to_string(), "8:30");
        assert!(Time::parse("24:00").is_some());
        assert!(Time::parse("24:30").is_none());
        assert!(Time::parse("8.30").is_none());
    }

    #[test]
    fn phones_and_urls() {
        for ok in [
            "0120-0178-27",
            "0570-064-738",
            "050-3818-1250",
            "011-200-9595",
            "0570-783-578",
        ] {
            assert!(is_japanese_phone(ok), "{ok}");
        }
        for bad in [
            "+81-120-0178-27",
            "0120 0178 27",
            "120-0178-27",
            "0120-0178",
            "0120-0178-2777777",
        ] {
            assert!(!is_japanese_phone(bad), "{bad}");
        }
        assert!(is_https_url("https://www.kojinbango-card.go.jp/en-link/"));
        assert!(!is_https_url("http://myna.go.jp/"));
        assert!(!is_https_url("www.hiecc.or.jp/soudan"));
    }
}
