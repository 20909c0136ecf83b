//! Reads WKT (well-known text) into a `Geometry`, refusing anything PostGIS
//! would refuse for these kinds: unclosed or short rings, one-point lines,
//! numbers that are not finite. Errors say what was expected and where.

use std::fmt;

use crate::geometry::{Coord, Geometry, Ring};

/// Why a text is not WKT of a kind SoQL knows; `offset` is the byte in
/// the text where the problem starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WktError {
    pub expected: String,
    pub found: String,
    pub offset: usize,
}

impl fmt::Display for WktError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {} in WKT, found {}", self.expected, self.found)
    }
}

impl std::error::Error for WktError {}

type Result<T> = std::result::Result<T, WktError>;

const KINDS: &str = "a geometry type (POINT, MULTIPOINT, LINESTRING, MULTILINESTRING, POLYGON or \
                     MULTIPOLYGON)";

pub(crate) fn parse(text: &str) -> Result<Geometry> {
    let mut reader = Reader { text, at: 0 };
    let geometry = reader.geometry()?;
    reader.skip_space();
    if reader.at < text.len() {
        return Err(reader.error("the end of the text"));
    }
    Ok(geometry)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn geometry(&mut self) -> Result<Geometry> {
        self.skip_space();
        let start = self.at;
        let word = self.run(|c| c.is_ascii_alphabetic());
        let geometry = match word.to_ascii_uppercase().as_str() {
            "POINT" => Geometry::Point(self.point()?),
            "MULTIPOINT" => Geometry::MultiPoint(self.list(Self::member_point)?),
            "LINESTRING" => Geometry::Line(self.line()?),
            "MULTILINESTRING" => Geometry::MultiLine(self.list(Self::line)?),
            "POLYGON" => Geometry::Polygon(self.polygon()?),
            "MULTIPOLYGON" => Geometry::MultiPolygon(self.list(Self::polygon)?),
            _ => {
                self.at = start;
                return Err(self.error(KINDS));
            }
        };
        Ok(geometry)
    }

    /// `(x y)`.
    fn point(&mut self) -> Result<Coord> {
        self.expect('(')?;
        let coord = self.coord()?;
        self.expect(')')?;
        Ok(coord)
    }

    /// A MULTIPOINT member: `(x y)`, or `x y` as many writers leave it.
    fn member_point(&mut self) -> Result<Coord> {
        self.skip_space();
        if self.text[self.at..].starts_with('(') {
            self.point()
        } else {
            self.coord()
        }
    }

    fn line(&mut self) -> Result<Vec<Coord>> {
        let start = self.position();
        let points = self.list(Self::coord)?;
        if points.len() < 2 {
            return Err(WktError {
                expected: "a line of at least 2 points".into(),
                found: "1".into(),
                offset: start,
            });
        }
        Ok(points)
    }

    fn polygon(&mut self) -> Result<Vec<Ring>> {
        self.list(Self::ring)
    }

    fn ring(&mut self) -> Result<Ring> {
        let start = self.position();
        let mut ends = (start, start);
        let ring = self.list(|r| {
            ends.1 = r.position();
            r.coord()
        })?;
        let (first, last) = (ring[0], ring[ring.len() - 1]);
        if first != last {
            return Err(WktError {
                expected: format!("a closed ring, ending at its first point ({first})"),
                found: format!("`{last}`"),
                offset: ends.1,
            });
        }
        if ring.len() < 4 {
            return Err(WktError {
                expected: "a ring of at least 4 points".into(),
                found: ring.len().to_string(),
                offset: ends.0,
            });
        }
        Ok(ring)
    }

    /// `(item, item, ...)`: at least one item.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        self.expect('(')?;
        let mut items = vec![item(self)?];
        loop {
            self.skip_space();
            match self.text[self.at..].chars().next() {
                Some(',') => self.at += 1,
                Some(')') => {
                    self.at += 1;
                    return Ok(items);
                }
                _ => return Err(self.error("`,` or `)`")),
            }
            items.push(item(self)?);
        }
    }

    /// `x y`: longitude, then latitude.
    fn coord(&mut self) -> Result<Coord> {
        let lon = self.number("a longitude")?;
        let lat = self.number("a latitude")?;
        Ok(Coord { lon, lat })
    }

    fn number(&mut self, what: &str) -> Result<f64> {
        self.skip_space();
        let start = self.at;
        let written = self.run(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
        let value = is_decimal(written)
            .then(|| written.parse::<f64>().ok())
            .flatten();
        match value {
            Some(v) if v.is_finite() => Ok(v),
            _ => {
                self.at = start;
                Err(self.error(what))
            }
        }
    }

    fn expect(&mut self, wanted: char) -> Result<()> {
        self.skip_space();
        if self.text[self.at..].starts_with(wanted) {
            self.at += wanted.len_utf8();
            return Ok(());
        }
        Err(self.error(&format!("`{wanted}`")))
    }

    /// The offset of the next token.
    fn position(&mut self) -> usize {
        self.skip_space();
        self.at
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    /// The longest run of characters from here that `keep` accepts.
    fn run(&mut self, keep: impl Fn(char) -> bool) -> &str {
        let rest = &self.text[self.at..];
        let len = rest.find(|c| !keep(c)).unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    /// "expected `expected`, found" whatever stands at the next token.
    fn error(&mut self, expected: &str) -> WktError {
        self.skip_space();
        let rest = &self.text[self.at..];
        let word_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')))
            .unwrap_or(rest.len());
        let found = match rest.chars().next() {
            None => "end of the text".to_string(),
            Some(c) if word_len == 0 => format!("`{c}`"),
            Some(_) => format!("`{}`", shorten(&rest[..word_len])),
        };
        WktError {
            expected: expected.to_string(),
            found,
            offset: self.at,
        }
    }
}

/// Digits with an optional sign, point and exponent; no `inf` or `NaN`.
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty())
        && digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(30) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_variants_are_read() {
        let cases = [
            ("point(-118.25 34.05)", "POINT (-118.25 34.05)"),
            ("  POINT ( 1e2  -.5 ) ", "POINT (100 -0.5)"),
            ("MULTIPOINT (1 2, 3 4)", "MULTIPOINT ((1 2), (3 4))"),
            ("MultiPoint((1 2),(3 4))", "MULTIPOINT ((1 2), (3 4))"),
            ("LINESTRING(1 2,3 4)", "LINESTRING (1 2, 3 4)"),
            (
                "POLYGON((0 0,1 0,1 1,0 0),(0.1 0.1,0.2 0.1,0.2 0.2,0.1 0.1))",
                "POLYGON ((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))",
            ),
        ];
        for (text, printed) in cases {
            let parsed = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.to_string(), printed);
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        #[rustfmt::skip]
        let cases = [
            ("CIRCLE (1 2)", "expected a geometry type (POINT, MULTIPOINT, LINESTRING, MULTILINESTRING, POLYGON or MULTIPOLYGON) in WKT, found `CIRCLE`", 0),
            ("", "expected a geometry type (POINT, MULTIPOINT, LINESTRING, MULTILINESTRING, POLYGON or MULTIPOLYGON) in WKT, found end of the text", 0),
            ("POINT EMPTY", "expected `(` in WKT, found `EMPTY`", 6),
            ("POINT (1)", "expected a latitude in WKT, found `)`", 8),
            ("POINT (1 2 3)", "expected `)` in WKT, found `3`", 11),
            ("POINT (x 2)", "expected a longitude in WKT, found `x`", 7),
            ("POINT (1e999 2)", "expected a longitude in WKT, found `1e999`", 7),
            ("POINT (nan 2)", "expected a longitude in WKT, found `nan`", 7),
            ("POINT (1 2) x", "expected the end of the text in WKT, found `x`", 12),
            ("LINESTRING (1 2)", "expected a line of at least 2 points in WKT, found 1", 11),
            ("LINESTRING (1 2 3 4)", "expected `,` or `)` in WKT, found `3`", 16),
            ("POLYGON ((0 0, 1 0, 1 1))", "expected a closed ring, ending at its first point (0 0) in WKT, found `1 1`", 20),
            ("POLYGON ((0 0, 1 0, 0 0))", "expected a ring of at least 4 points in WKT, found 3", 9),
            ("MULTIPOLYGON ((0 0, 1 0, 1 1, 0 0))", "expected `(` in WKT, found `0`", 15),
            ("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0))", "expected `,` or `)` in WKT, found end of the text", 36),
        ];
        for (text, message, offset) in cases {
            let error = parse(text).unwrap_err();
            assert_eq!(
                (error.to_string().as_str(), error.offset),
                (message, offset),
                "{text}"
            );
        }
    }

    #[test]
    fn decimals_are_plain() {
        for good in ["1", "-1.5", "+.5", "5.", "1e3", "1E-3", "-0"] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in [
            "", ".", "-", "1e", "e3", "inf", "NaN", "1.2.3", "0x10", "1-2",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
