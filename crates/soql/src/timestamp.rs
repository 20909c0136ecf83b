//! Reads ISO 8601 timestamp literals (`'2020-01-20'`, `'2020-01-20T08:30'`)
//! into milliseconds, for text compared with a timestamp column.

const MS_PER_SECOND: i64 = 1_000;
const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Milliseconds since 1970-01-01T00:00:00 of a wall-clock time such as
/// `2020-01-20`, `2020-01-20T08:30`, `2020-01-20 08:30:15.250`.
pub(crate) fn parse_floating(text: &str) -> Option<i64> {
    let mut cursor = Cursor { rest: text };
    let ms = cursor.date_time()?;
    cursor.rest.is_empty().then_some(ms)
}

/// Milliseconds since the Unix epoch. A trailing `Z` or `±HH:MM` offset is
/// honoured; without one the time is read as UTC.
// FIXME: without an offset the city's zone would be the better reading, but
// this crate knows no zones; `check` would need the zone passed in.
pub(crate) fn parse_fixed(text: &str) -> Option<i64> {
    let mut cursor = Cursor { rest: text };
    let local = cursor.date_time()?;
    let offset = cursor.offset()?;
    cursor.rest.is_empty().then_some(local - offset)
}

/// Days from 1970-01-01 to the given date in the proleptic Gregorian
/// calendar (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Count years from March so the leap day falls at the end of a year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// Exactly `len` ASCII digits as a number no bigger than `max`.
    fn digits(&mut self, len: usize, max: i64) -> Option<i64> {
        let head = self.rest.get(..len)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = &self.rest[len..];
        head.parse().ok().filter(|&n| n <= max)
    }

    fn date_time(&mut self) -> Option<i64> {
        let days = self.date()?;
        let time = if self.eat('T') || self.eat('t') || self.eat(' ') {
            self.time()?
        } else {
            0
        };
        Some(days * MS_PER_DAY + time)
    }

    fn date(&mut self) -> Option<i64> {
        let year = self.digits(4, 9999)?;
        self.eat('-').then_some(())?;
        let month = self.digits(2, 12).filter(|&m| m >= 1)?;
        self.eat('-').then_some(())?;
        let day = self
            .digits(2, days_in_month(year, month))
            .filter(|&d| d >= 1)?;
        Some(days_from_civil(year, month, day))
    }

    /// `HH:MM[:SS[.fff]]`; digits past milliseconds are dropped.
    fn time(&mut self) -> Option<i64> {
        let hours = self.digits(2, 23)?;
        self.eat(':').then_some(())?;
        let minutes = self.digits(2, 59)?;
        let mut ms = hours * MS_PER_HOUR + minutes * MS_PER_MINUTE;
        if self.eat(':') {
            ms += self.digits(2, 59)? * MS_PER_SECOND;
            if self.eat('.') {
                ms += self.milliseconds()?;
            }
        }
        Some(ms)
    }

    fn milliseconds(&mut self) -> Option<i64> {
        let len = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&len) {
            return None;
        }
        let padded = format!("{:0<3}", &self.rest[..len.min(3)]);
        self.rest = &self.rest[len..];
        padded.parse().ok()
    }

    /// The zone offset in milliseconds east of UTC; 0 when none is written.
    fn offset(&mut self) -> Option<i64> {
        if self.eat('Z') || self.eat('z') || self.rest.is_empty() {
            return Some(0);
        }
        let sign = if self.eat('+') {
            1
        } else if self.eat('-') {
            -1
        } else {
            return None;
        };
        let hours = self.digits(2, 23)?;
        self.eat(':');
        let minutes = self.digits(2, 59)?;
        Some(sign * (hours * MS_PER_HOUR + minutes * MS_PER_MINUTE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        // 30 years of 365 days plus the leap days 1972..1996 (7) and 2000.
        assert_eq!(days_from_civil(2000, 3, 1), 30 * 365 + 8 + 31 + 28);
        assert_eq!(days_from_civil(1900, 1, 1), -25_567);
    }

    #[test]
    fn floating_timestamps() {
        let day = 18_281 * MS_PER_DAY; // 2020-01-20
        assert_eq!(parse_floating("2020-01-20"), Some(day));
        assert_eq!(
            parse_floating("2020-01-20T08:30"),
            Some(day + 8 * MS_PER_HOUR + 30 * MS_PER_MINUTE)
        );
        assert_eq!(parse_floating("2020-01-20 00:00:01.5"), Some(day + 1_500));
        assert_eq!(
            parse_floating("2020-01-20T00:00:00.123456"),
            Some(day + 123)
        );
    }

    #[test]
    fn fixed_timestamps_honour_offsets() {
        // 2021-03-14T09:30-07:00 is 16:30 UTC.
        let day = days_from_civil(2021, 3, 14) * MS_PER_DAY;
        let utc = day + 16 * MS_PER_HOUR + 30 * MS_PER_MINUTE;
        assert_eq!(parse_fixed("2021-03-14T09:30:00-07:00"), Some(utc));
        assert_eq!(parse_fixed("2021-03-14T16:30Z"), Some(utc));
        assert_eq!(parse_fixed("2021-03-14T16:30"), Some(utc));
        assert_eq!(parse_fixed("2021-03-14T18:00+0130"), Some(utc));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in [
            "2021-02-29",
            "2020-13-01",
            "2020-00-10",
            "2020-01-32",
            "2020-1-1",
            "2020-01-20T24:00",
            "2020-01-20T",
            "20-01-20",
            "2020-01-20Z",
            "yesterday",
            "",
        ] {
            assert_eq!(parse_floating(text), None, "{text}");
        }
        assert_eq!(parse_fixed("2020-01-20T10:00+5"), None);
    }
}
