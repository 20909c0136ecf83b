//! Tracking numbers: `R25-000123` names a request by the two last digits of
//! its year and its number in that year; `R25-000123-A` names part A of a
//! request split across departments.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most requests a year can number: six digits.
const MAX_NUMBER: u32 = 999_999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingNumber {
    year: u8,
    number: u32,
    part: Option<char>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackingError {
    #[error("expected a tracking number such as R25-000123 or R25-000123-A, found {0:?}")]
    Malformed(String),
    #[error("a request's number is 1 to 999999; found {0}")]
    NumberOutOfRange(u32),
    #[error("a part is a capital letter A to Z; found {0:?}")]
    BadPart(char),
    #[error("{0} is already a part; parts are not split again")]
    AlreadyAPart(TrackingNumber),
}

impl TrackingNumber {
    /// The `number`th request of `year`; the year may be given in full
    /// (2025) or as its two last digits (25).
    pub fn new(year: i32, number: u32) -> Result<TrackingNumber, TrackingError> {
        if !(1..=MAX_NUMBER).contains(&number) {
            return Err(TrackingError::NumberOutOfRange(number));
        }
        // A remainder of 100 always fits.
        let year = year.rem_euclid(100) as u8;
        Ok(TrackingNumber {
            year,
            number,
            part: None,
        })
    }

    /// Part `letter` of this request.
    pub fn part(&self, letter: char) -> Result<TrackingNumber, TrackingError> {
        if self.part.is_some() {
            return Err(TrackingError::AlreadyAPart(*self));
        }
        if !letter.is_ascii_uppercase() {
            return Err(TrackingError::BadPart(letter));
        }
        Ok(TrackingNumber {
            part: Some(letter),
            ..*self
        })
    }

    /// The whole request a part belongs to; None for a whole request.
    pub fn parent(&self) -> Option<TrackingNumber> {
        self.part.map(|_| TrackingNumber {
            part: None,
            ..*self
        })
    }

    /// The two last digits of the year.
    pub fn year(&self) -> u8 {
        self.year
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    pub fn part_letter(&self) -> Option<char> {
        self.part
    }

    /// Reads `R25-000123` or `R25-000123-A`, exactly as they are written.
    pub fn parse(text: &str) -> Result<TrackingNumber, TrackingError> {
        let malformed = || TrackingError::Malformed(text.to_string());
        let rest = text.strip_prefix('R').ok_or_else(malformed)?;
        let (year, rest) = rest.split_once('-').ok_or_else(malformed)?;
        let (number, part) = match rest.split_once('-') {
            Some((number, part)) => (number, Some(part)),
            None => (rest, None),
        };
        if year.len() != 2 || !all_digits(year) || number.len() != 6 || !all_digits(number) {
            return Err(malformed());
        }
        let year: i32 = year.parse().map_err(|_| malformed())?;
        let number: u32 = number.parse().map_err(|_| malformed())?;
        let whole = TrackingNumber::new(year, number)?;
        match part {
            None => Ok(whole),
            Some(part) => {
                let mut letters = part.chars();
                match (letters.next(), letters.next()) {
                    (Some(letter), None) => whole.part(letter),
                    _ => Err(malformed()),
                }
            }
        }
    }
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{:02}-{:06}", self.year, self.number)?;
        match self.part {
            Some(letter) => write!(f, "-{letter}"),
            None => Ok(()),
        }
    }
}

impl FromStr for TrackingNumber {
    type Err = TrackingError;

    fn from_str(text: &str) -> Result<TrackingNumber, TrackingError> {
        TrackingNumber::parse(text)
    }
}

impl Serialize for TrackingNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TrackingNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TrackingNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}
