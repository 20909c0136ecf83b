//! Parsers for the text forms of values that ingest recognises: exact
//! decimals, checkboxes, timestamps and WKT points. Callers trim and
//! null-check first.

use chrono::NaiveDate;

/// The largest number of decimal digits a `number` holds.
pub(crate) const MAX_DIGITS: i64 = 38;

/// A decimal as written: `digits × 10^-scale`, sign apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub negative: bool,
    /// The significant digits; meaningless once `significant` passes 38.
    pub digits: u128,
    /// How many digits `digits` has, leading zeros not counted.
    pub significant: i64,
    /// Fraction digits as written, less the exponent; negative for
    /// `1E5`-style values.
    pub scale: i64,
    /// The integer part has a redundant leading zero (`00501`, `07.5`).
    pub leading_zero: bool,
}

impl Decimal {
    /// Fraction digits the value needs in a column: never below 0.
    pub fn fraction_digits(&self) -> i64 {
        self.scale.max(0)
    }

    /// Digits before the point.
    pub fn integer_digits(&self) -> i64 {
        (self.significant - self.scale).max(0)
    }

    /// The value as a Decimal128 at `scale`, if it fits 38 digits there.
    pub fn to_i128(self, scale: i8) -> Option<i128> {
        let shift = i64::from(scale) - self.scale;
        if shift < 0
            || self.significant > MAX_DIGITS
            || self.integer_digits() + i64::from(scale) > MAX_DIGITS
        {
            return None;
        }
        let magnitude = self
            .digits
            .checked_mul(10u128.checked_pow(u32::try_from(shift).ok()?)?)?;
        let magnitude = i128::try_from(magnitude).ok()?;
        Some(if self.negative { -magnitude } else { magnitude })
    }
}

/// Parses `[+-] (digits [. digits] | . digits) [(e|E) [+-] digits]`.
/// No thousands separators, no `inf` or `NaN`.
pub(crate) fn parse_decimal(s: &str) -> Option<Decimal> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };

    let mut dec = Decimal {
        negative,
        digits: 0,
        significant: 0,
        scale: 0,
        leading_zero: false,
    };
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        dec.push_digit(b[i]);
        i += 1;
    }
    let int_len = i - int_start;
    dec.leading_zero = int_len > 1 && b[int_start] == b'0';

    let mut frac_len = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            dec.push_digit(b[i]);
            frac_len += 1;
            i += 1;
        }
        if frac_len == 0 {
            return None;
        }
    }
    if int_len == 0 && frac_len == 0 {
        return None;
    }
    dec.scale = frac_len;

    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let (exponent, used) = parse_exponent(&b[i + 1..])?;
        dec.scale -= exponent;
        i += 1 + used;
    }
    (i == b.len()).then_some(dec)
}

impl Decimal {
    fn push_digit(&mut self, digit: u8) {
        let d = u128::from(digit - b'0');
        if self.significant == 0 && d == 0 {
            return;
        }
        self.significant += 1;
        if self.significant <= MAX_DIGITS {
            self.digits = self.digits * 10 + d;
        }
    }
}

/// `[+-] digits`, saturating far beyond any exponent that could fit.
fn parse_exponent(b: &[u8]) -> Option<(i64, usize)> {
    let (negative, start) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let magnitude = b[start..start + digits]
        .iter()
        .fold(0i64, |n, &c| (n * 10 + i64::from(c - b'0')).min(1_000_000));
    Some((
        if negative { -magnitude } else { magnitude },
        start + digits,
    ))
}

/// `true` or `false`, any case: the only forms inference accepts.
pub(crate) fn parse_checkbox(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The wider set accepted when a column is forced to `checkbox`:
/// also `yes`/`no`, `y`/`n`, `t`/`f`, `1`/`0`.
pub(crate) fn parse_checkbox_lenient(s: &str) -> Option<bool> {
    parse_checkbox(s).or_else(|| {
        const YES: [&str; 4] = ["yes", "y", "t", "1"];
        const NO: [&str; 4] = ["no", "n", "f", "0"];
        if YES.iter().any(|y| s.eq_ignore_ascii_case(y)) {
            Some(true)
        } else if NO.iter().any(|n| s.eq_ignore_ascii_case(n)) {
            Some(false)
        } else {
            None
        }
    })
}

/// A time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Clock {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub milli: u32,
}

/// A date written `A/B/YYYY`: which of `a` and `b` is the month is decided
/// for the whole column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SlashDate {
    pub a: u32,
    pub b: u32,
    pub year: i32,
    pub clock: Clock,
}

impl SlashDate {
    /// Milliseconds since the epoch of the wall-clock time, read month-first
    /// or day-first; `None` when that reading is not a real date.
    pub fn millis(&self, day_first: bool) -> Option<i64> {
        let (month, day) = if day_first {
            (self.b, self.a)
        } else {
            (self.a, self.b)
        };
        wall_millis(self.year, month, day, self.clock)
    }
}

/// A recognised timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    /// An ISO date or date-time with no zone: wall-clock milliseconds.
    Floating(i64),
    /// An ISO date-time with `Z` or an offset: milliseconds of the instant.
    Fixed(i64),
    Slash(SlashDate),
}

/// Parses ISO `YYYY-MM-DD[(T| )HH:MM[:SS[.f…]]][Z|±HH[:MM]]` or US
/// `M/D/YYYY[ h:mm[:ss] AM|PM | HH:MM[:SS]]`. Fraction digits past the
/// millisecond are dropped.
pub(crate) fn parse_stamp(s: &str) -> Option<Stamp> {
    let mut c = Cursor::new(s);
    let first = c.digits(1, 4)?;
    if c.eat(b'-') {
        return if c.at == 5 { parse_iso(first, c) } else { None };
    }
    if c.at <= 2 && c.eat(b'/') {
        return parse_slash(first, c);
    }
    None
}

fn parse_iso(year: u32, mut c: Cursor) -> Option<Stamp> {
    let month = c.exact(2)?;
    c.expect(b'-')?;
    let day = c.exact(2)?;
    let year = i32::try_from(year).ok()?;
    if c.done() {
        return wall_millis(year, month, day, Clock::default()).map(Stamp::Floating);
    }

    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let clock = c.clock(false)?;
    let wall = wall_millis(year, month, day, clock)?;
    if c.done() {
        return Some(Stamp::Floating(wall));
    }

    let offset_minutes = c.offset()?;
    c.done()
        .then(|| Stamp::Fixed(wall - offset_minutes * 60_000))
}

fn parse_slash(a: u32, mut c: Cursor) -> Option<Stamp> {
    let b = c.digits(1, 2)?;
    c.expect(b'/')?;
    let year = i32::try_from(c.exact(4)?).ok()?;
    let clock = if c.done() {
        Clock::default()
    } else {
        c.expect(b' ')?;
        c.clock(true)?
    };
    c.done()
        .then_some(Stamp::Slash(SlashDate { a, b, year, clock }))
}

/// Milliseconds since the epoch of a wall-clock time read as UTC.
fn wall_millis(year: i32, month: u32, day: u32, t: Clock) -> Option<i64> {
    let dt = NaiveDate::from_ymd_opt(year, month, day)?
        .and_hms_milli_opt(t.hour, t.minute, t.second, t.milli)?;
    Some(dt.and_utc().timestamp_millis())
}

/// WKT `POINT (lon lat)`, any case, with or without the space.
pub(crate) fn parse_point(s: &str) -> Option<(f64, f64)> {
    let head = s.get(..5)?;
    if !head.eq_ignore_ascii_case("point") {
        return None;
    }
    let inner = s[5..].trim_start().strip_prefix('(')?.strip_suffix(')')?;
    let mut parts = inner.split_ascii_whitespace();
    let lon: f64 = parts.next()?.parse().ok()?;
    let lat: f64 = parts.next()?.parse().ok()?;
    let finite = lon.is_finite() && lat.is_finite();
    (parts.next().is_none() && finite).then_some((lon, lat))
}

/// A `number` value at a column's scale.
pub(crate) fn to_number(s: &str, scale: i8) -> Option<i128> {
    parse_decimal(s)?.to_i128(scale)
}

/// A `floating_timestamp` value: an ISO form without a zone, or a slash
/// date read in the column's order.
pub(crate) fn to_floating(s: &str, day_first: bool) -> Option<i64> {
    match parse_stamp(s)? {
        Stamp::Floating(ms) => Some(ms),
        Stamp::Slash(date) => date.millis(day_first),
        Stamp::Fixed(_) => None,
    }
}

/// A `fixed_timestamp` value: an ISO form with `Z` or an offset.
pub(crate) fn to_fixed(s: &str) -> Option<i64> {
    match parse_stamp(s)? {
        Stamp::Fixed(ms) => Some(ms),
        _ => None,
    }
}

/// A byte cursor for the timestamp grammar.
struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            b: s.as_bytes(),
            at: 0,
        }
    }

    fn done(&self) -> bool {
        self.at == self.b.len()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.b.get(self.at) == Some(&byte);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        let mut n = 0u32;
        while self.at - start < max {
            match self.b.get(self.at) {
                Some(d @ b'0'..=b'9') => n = n * 10 + u32::from(d - b'0'),
                _ => break,
            }
            self.at += 1;
        }
        (self.at - start >= min).then_some(n)
    }

    fn exact(&mut self, count: usize) -> Option<u32> {
        self.digits(count, count)
    }

    /// `HH:MM[:SS[.f…]]`, or with `twelve_hour` also `h:mm[:ss] AM|PM`.
    fn clock(&mut self, twelve_hour: bool) -> Option<Clock> {
        let mut t = Clock {
            hour: self.digits(if twelve_hour { 1 } else { 2 }, 2)?,
            ..Clock::default()
        };
        self.expect(b':')?;
        t.minute = self.exact(2)?;
        if self.eat(b':') {
            t.second = self.exact(2)?;
            if self.eat(b'.') {
                let start = self.at;
                let fraction = self.digits(1, 9)?;
                let width = (self.at - start) as u32;
                t.milli = fraction / 10u32.pow(width.saturating_sub(3))
                    * 10u32.pow(3u32.saturating_sub(width));
            }
        }
        if twelve_hour && self.eat(b' ') {
            let pm = self.meridiem()?;
            if !(1..=12).contains(&t.hour) {
                return None;
            }
            t.hour = t.hour % 12 + if pm { 12 } else { 0 };
        }
        Some(t)
    }

    /// `AM` or `PM`, any case; true for PM.
    fn meridiem(&mut self) -> Option<bool> {
        let word = self.b.get(self.at..self.at + 2)?;
        self.at += 2;
        if word.eq_ignore_ascii_case(b"AM") {
            Some(false)
        } else if word.eq_ignore_ascii_case(b"PM") {
            Some(true)
        } else {
            None
        }
    }

    /// `Z`, or `±HH[:MM]` / `±HHMM`, in minutes east of UTC.
    fn offset(&mut self) -> Option<i64> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let hours = self.exact(2)?;
        let minutes = if self.done() {
            0
        } else {
            self.eat(b':');
            self.exact(2)?
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        Some(sign * i64::from(hours * 60 + minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str, scale: i8) -> Option<i128> {
        parse_decimal(s)?.to_i128(scale)
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(dec("1.50", 2), Some(150));
        assert_eq!(dec("-1.5", 3), Some(-1500));
        assert_eq!(dec("+.5", 1), Some(5));
        assert_eq!(dec("1.5E3", 0), Some(1500));
        assert_eq!(dec("15e-1", 1), Some(15));
        assert_eq!(dec("202206012204617", 0), Some(202206012204617));
        assert_eq!(
            dec("12345678901234567890.12", 2),
            Some(1234567890123456789012)
        );
        assert_eq!(dec("1.25", 1), None);
        assert_eq!(dec(&"9".repeat(38), 0), Some(10i128.pow(38) - 1));
        assert_eq!(dec(&"9".repeat(38), 1), None);
        assert_eq!(dec(&"9".repeat(39), 0), None);
    }

    #[test]
    fn what_is_not_a_decimal() {
        for s in [
            "", "-", ".", "1.", "1,000", "1e", "0x10", "inf", "NaN", "1 2", "--1",
        ] {
            assert_eq!(parse_decimal(s), None, "{s:?}");
        }
    }

    #[test]
    fn leading_zeros_are_flagged() {
        let flag = |s: &str| parse_decimal(s).unwrap().leading_zero;
        assert!(flag("00501") && flag("-0123") && flag("00.5"));
        assert!(!flag("0") && !flag("0.5") && !flag("10"));
    }

    fn floating(s: &str) -> i64 {
        match parse_stamp(s) {
            Some(Stamp::Floating(ms)) => ms,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn iso_timestamps() {
        assert_eq!(floating("1970-01-02"), 86_400_000);
        assert_eq!(floating("1970-01-01T00:01"), 60_000);
        assert_eq!(floating("1970-01-01 00:00:01.5"), 1_500);
        assert_eq!(floating("1970-01-01T00:00:00.123456"), 123);
        assert_eq!(
            parse_stamp("1970-01-01T01:00:00+01:00"),
            Some(Stamp::Fixed(0))
        );
        assert_eq!(parse_stamp("1970-01-01T00:00:00Z"), Some(Stamp::Fixed(0)));
        assert_eq!(parse_stamp("1969-12-31T19:00-0500"), Some(Stamp::Fixed(0)));
        for s in [
            "1970-13-01",
            "1970-02-30",
            "70-01-01",
            "1970-01-01T25:00",
            "1970-01-01Z",
        ] {
            assert_eq!(parse_stamp(s), None, "{s}");
        }
    }

    #[test]
    fn slash_dates_and_clocks() {
        let Some(Stamp::Slash(d)) = parse_stamp("03/07/2022 12:30:05 AM") else {
            panic!("not a slash date");
        };
        assert_eq!((d.a, d.b, d.year), (3, 7, 2022));
        assert_eq!(
            d.clock,
            Clock {
                hour: 0,
                minute: 30,
                second: 5,
                milli: 0
            }
        );
        let Some(Stamp::Slash(d)) = parse_stamp("1/2/1970 1:00 pm") else {
            panic!("not a slash date");
        };
        assert_eq!(d.millis(false), Some((24 + 13) * 3_600_000));
        assert_eq!(d.millis(true), Some((31 * 24 + 13) * 3_600_000));
        for s in [
            "1/2/70",
            "1/2/1970 13:00 PM",
            "123/1/1970",
            "1/2/1970T10:00",
        ] {
            assert_eq!(parse_stamp(s), None, "{s}");
        }
    }

    #[test]
    fn wkt_points() {
        assert_eq!(parse_point("POINT (-118.27 34.05)"), Some((-118.27, 34.05)));
        assert_eq!(parse_point("point(1 2)"), Some((1.0, 2.0)));
        assert_eq!(parse_point("POINT (1)"), None);
        assert_eq!(parse_point("POINT (1 2 3)"), None);
        assert_eq!(parse_point("POINT (inf 2)"), None);
    }
}
