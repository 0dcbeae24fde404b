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
        let month = digits(&s[5..7])? as u8;
        let day = digits(&s[8..10])? as u8;
        (1..=12).contains(&month).then_some(())?;
        (1..=days_in_month(year, month))
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The date of a Unix timestamp (UTC).
    pub fn from_unix(secs: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today's date (UTC) from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Date::from_unix(secs)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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
