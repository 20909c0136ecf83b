//! Deciding each column's type: inferred from every value, or forced (by an
//! override or by the format) and then checked against every value.
//!
//! Inference, in order: no values → `text`; all `true`/`false` → `checkbox`;
//! all decimals → `number`, unless one has a redundant leading zero
//! (`00501`) or the column needs more than 38 digits, which keep it `text`;
//! all ISO or slash dates without a zone → `floating_timestamp` (slash dates
//! month-first when every value reads so, day-first only when some first
//! part is over 12 and every value reads so, else `text`); all ISO
//! date-times with `Z` or an offset → `fixed_timestamp`; all WKT points →
//! `point`; anything else `text`. Values are trimmed for these tests and a
//! blank value is null.

use soql::SoqlType;

use crate::table::{RawColumn, is_null};
use crate::values::{
    self, MAX_DIGITS, SlashDate, Stamp, parse_checkbox, parse_checkbox_lenient, parse_decimal,
    parse_point, parse_stamp,
};

/// How a column's text becomes Arrow values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    Text,
    Number {
        scale: i8,
    },
    /// `lenient` accepts `yes`/`no` and friends, for forced columns.
    Checkbox {
        lenient: bool,
    },
    Floating {
        day_first: bool,
    },
    Fixed,
    Point,
    /// A point built from two `number` columns of the raw table.
    PointFrom {
        lon: usize,
        lat: usize,
    },
}

impl Plan {
    pub fn ty(self) -> SoqlType {
        match self {
            Plan::Text => SoqlType::Text,
            Plan::Number { .. } => SoqlType::Number,
            Plan::Checkbox { .. } => SoqlType::Checkbox,
            Plan::Floating { .. } => SoqlType::FloatingTimestamp,
            Plan::Fixed => SoqlType::FixedTimestamp,
            Plan::Point | Plan::PointFrom { .. } => SoqlType::Point,
        }
    }

    pub fn scale(self) -> i8 {
        match self {
            Plan::Number { scale } => scale,
            _ => 0,
        }
    }
}

/// Infers a column's plan from all its values; `notes` hears why a column
/// that looked typed stayed text, and about day-first dates.
pub(crate) fn infer(column: &RawColumn, field: &str, notes: &mut Vec<String>) -> Plan {
    let mut evidence = Evidence::default();
    for row in 0..column.len() {
        let value = column.value(row);
        if !is_null(value) {
            evidence.observe(value.trim());
            if evidence.only_text() {
                return Plan::Text;
            }
        }
    }
    evidence.decide(field, notes)
}

/// The plan for a column forced to `ty`, and the rows whose values do not
/// convert, with the reason.
pub(crate) fn force(ty: SoqlType, column: &RawColumn, field: &str) -> (Plan, Vec<(usize, String)>) {
    let values = (0..column.len())
        .map(|row| (row, column.value(row)))
        .filter(|(_, v)| !is_null(v))
        .map(|(row, v)| (row, v.trim()));

    let plan = match ty {
        SoqlType::Text => return (Plan::Text, Vec::new()),
        SoqlType::Number => {
            let fraction = values
                .clone()
                .filter_map(|(_, v)| parse_decimal(v))
                .map(|d| d.fraction_digits())
                .max()
                .unwrap_or(0);
            Plan::Number {
                scale: fraction.min(MAX_DIGITS) as i8,
            }
        }
        SoqlType::Checkbox => Plan::Checkbox { lenient: true },
        SoqlType::FloatingTimestamp => {
            let mut order = SlashOrder::default();
            for (_, v) in values.clone() {
                if let Some(Stamp::Slash(date)) = parse_stamp(v) {
                    order.observe(date);
                }
            }
            Plan::Floating {
                day_first: order.day_first().unwrap_or(false),
            }
        }
        SoqlType::FixedTimestamp => Plan::Fixed,
        SoqlType::Point => Plan::Point,
        other => {
            let why = format!(
                "column `{field}`: a column cannot be {other}; point is the only geometry \
                 a dataset stores"
            );
            return (
                Plan::Text,
                values.map(|(row, _)| (row, why.clone())).collect(),
            );
        }
    };

    let failures = values
        .filter_map(|(row, v)| {
            refusal(plan, v).map(|why| (row, format!("column `{field}`: `{v}` {why}")))
        })
        .collect();
    (plan, failures)
}

/// Why `value` does not convert under `plan`, or `None` when it does.
fn refusal(plan: Plan, value: &str) -> Option<&'static str> {
    let ok = match plan {
        Plan::Text | Plan::PointFrom { .. } => true,
        Plan::Number { scale } => match parse_decimal(value) {
            Some(d) if d.to_i128(scale).is_none() => return Some("does not fit 38 digits"),
            parsed => parsed.is_some(),
        },
        Plan::Checkbox { lenient } => {
            let parse = if lenient {
                parse_checkbox_lenient
            } else {
                parse_checkbox
            };
            parse(value).is_some()
        }
        Plan::Floating { day_first } => values::to_floating(value, day_first).is_some(),
        Plan::Fixed => values::to_fixed(value).is_some(),
        Plan::Point => parse_point(value).is_some(),
    };
    (!ok).then(|| match plan.ty() {
        SoqlType::Number => "is not a number",
        SoqlType::Checkbox => "is not a checkbox (true or false)",
        SoqlType::FloatingTimestamp => "is not a floating timestamp",
        SoqlType::FixedTimestamp => {
            "is not a fixed timestamp (a date and time with Z or an offset)"
        }
        SoqlType::Point => "is not a point (POINT (lon lat))",
        _ => "is not text",
    })
}

/// What one column's values have shown so far. Every type starts possible;
/// a value that does not fit a type rules it out.
#[derive(Default)]
struct Evidence {
    values: u64,
    not_checkbox: bool,
    not_number: bool,
    not_floating: bool,
    not_fixed: bool,
    not_point: bool,
    /// Largest fraction and integer digit counts among the numbers.
    fraction: i64,
    integer: i64,
    /// The first number with a redundant leading zero.
    leading_zero: Option<String>,
    slash: SlashOrder,
}

impl Evidence {
    fn observe(&mut self, v: &str) {
        self.values += 1;
        self.not_checkbox = self.not_checkbox || parse_checkbox(v).is_none();
        if !self.not_number {
            self.observe_number(v);
        }
        if !(self.not_floating && self.not_fixed) {
            self.observe_stamp(v);
        }
        self.not_point = self.not_point || parse_point(v).is_none();
    }

    fn observe_number(&mut self, v: &str) {
        let Some(d) = parse_decimal(v) else {
            self.not_number = true;
            return;
        };
        self.fraction = self.fraction.max(d.fraction_digits());
        self.integer = self.integer.max(d.integer_digits());
        if d.leading_zero && self.leading_zero.is_none() {
            self.leading_zero = Some(v.to_string());
        }
    }

    fn observe_stamp(&mut self, v: &str) {
        match parse_stamp(v) {
            Some(Stamp::Floating(_)) => self.not_fixed = true,
            Some(Stamp::Fixed(_)) => self.not_floating = true,
            Some(Stamp::Slash(date)) => {
                self.not_fixed = true;
                self.slash.observe(date);
            }
            None => (self.not_floating, self.not_fixed) = (true, true),
        }
    }

    fn only_text(&self) -> bool {
        self.not_checkbox
            && self.not_number
            && self.not_floating
            && self.not_fixed
            && self.not_point
    }

    fn decide(&self, field: &str, notes: &mut Vec<String>) -> Plan {
        if self.values == 0 {
            return Plan::Text;
        }
        if !self.not_checkbox {
            return Plan::Checkbox { lenient: false };
        }
        if !self.not_number {
            return self.number_plan(field, notes);
        }
        if !self.not_floating {
            return match self.slash.day_first() {
                Some(day_first) => {
                    if day_first {
                        notes.push(format!(
                            "column `{field}`: dates read day-first (DD/MM/YYYY)"
                        ));
                    }
                    Plan::Floating { day_first }
                }
                None => {
                    notes.push(format!(
                        "column `{field}` kept as text: its dates read neither all month-first nor all day-first"
                    ));
                    Plan::Text
                }
            };
        }
        if !self.not_fixed {
            return Plan::Fixed;
        }
        if !self.not_point {
            return Plan::Point;
        }
        Plan::Text
    }

    fn number_plan(&self, field: &str, notes: &mut Vec<String>) -> Plan {
        if let Some(sample) = &self.leading_zero {
            notes.push(format!(
                "column `{field}` kept as text: `{sample}` has a leading zero"
            ));
            return Plan::Text;
        }
        if self.fraction > MAX_DIGITS || self.integer + self.fraction > MAX_DIGITS {
            notes.push(format!(
                "column `{field}` kept as text: its numbers need more than 38 digits"
            ));
            return Plan::Text;
        }
        Plan::Number {
            scale: self.fraction as i8,
        }
    }
}

/// Which readings of `A/B/YYYY` dates the column allows.
#[derive(Default)]
struct SlashOrder {
    month_first_fails: bool,
    day_first_fails: bool,
    /// Some first part is over 12, so it can only be a day.
    day_first_proven: bool,
}

impl SlashOrder {
    fn observe(&mut self, date: SlashDate) {
        self.month_first_fails |= date.millis(false).is_none();
        self.day_first_fails |= date.millis(true).is_none();
        self.day_first_proven |= date.a > 12;
    }

    /// `Some(false)` month-first, `Some(true)` day-first, `None` neither.
    fn day_first(&self) -> Option<bool> {
        if !self.month_first_fails {
            Some(false)
        } else if !self.day_first_fails && self.day_first_proven {
            Some(true)
        } else {
            None
        }
    }
}

/// Field names that mean latitude and longitude, most specific first.
const LATITUDE: [&str; 3] = ["latitude", "lat", "y"];
const LONGITUDE: [&str; 5] = ["longitude", "lon", "lng", "long", "x"];

/// The (longitude, latitude) column pair to build a point from: `number`
/// columns named like longitude and latitude whose values are all in
/// range, so projected `x`/`y` coordinates are not mistaken for degrees.
pub(crate) fn lon_lat_pair(
    fields: &[String],
    plans: &[Plan],
    columns: &[RawColumn],
    notes: &mut Vec<String>,
) -> Option<(usize, usize)> {
    let find = |names: &[&str]| {
        names.iter().find_map(|name| {
            (0..fields.len())
                .find(|&i| fields[i] == *name && matches!(plans[i], Plan::Number { .. }))
        })
    };
    let (lon, lat) = (find(&LONGITUDE)?, find(&LATITUDE)?);

    for (index, limit) in [(lon, 180.0), (lat, 90.0)] {
        if !in_range(&columns[index], limit) {
            notes.push(format!(
                "no point column from `{}` and `{}`: `{}` has values beyond ±{limit}",
                fields[lat], fields[lon], fields[index]
            ));
            return None;
        }
    }
    Some((lon, lat))
}

fn in_range(column: &RawColumn, limit: f64) -> bool {
    (0..column.len())
        .map(|row| column.value(row))
        .filter(|v| !is_null(v))
        .all(|v| v.trim().parse::<f64>().is_ok_and(|x| x.abs() <= limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: &[&str]) -> RawColumn {
        let mut c = RawColumn::new("c".into());
        values.iter().for_each(|v| c.push(v));
        c
    }

    fn plan(values: &[&str]) -> Plan {
        infer(&column(values), "c", &mut Vec::new())
    }

    #[test]
    fn inference_table() {
        let cases: &[(&[&str], Plan)] = &[
            (&["", " "], Plan::Text),
            (&["TRUE", "false", ""], Plan::Checkbox { lenient: false }),
            (&["1", "0", "-2"], Plan::Number { scale: 0 }),
            (&["1.50", ".5", "2E3"], Plan::Number { scale: 2 }),
            (&["0.5", "0"], Plan::Number { scale: 1 }),
            (&["00501", "12345"], Plan::Text),
            (&["1", "y"], Plan::Text),
            (
                &["03/07/2022", "12/31/2022"],
                Plan::Floating { day_first: false },
            ),
            (
                &["03/07/2022", "31/12/2022"],
                Plan::Floating { day_first: true },
            ),
            (&["13/01/2020", "01/13/2020"], Plan::Text),
            (
                &["2020-01-01", "2020-01-01T10:00:00"],
                Plan::Floating { day_first: false },
            ),
            (
                &["2020-01-01T10:00Z", "2020-01-01T10:00+02:00"],
                Plan::Fixed,
            ),
            (&["2020-01-01T10:00Z", "2020-01-01T10:00"], Plan::Text),
            (&["POINT (1 2)", "point(3 4)"], Plan::Point),
            (&["1e300"], Plan::Text),
        ];
        for (values, expected) in cases {
            assert_eq!(plan(values), *expected, "{values:?}");
        }
    }

    #[test]
    fn forced_numbers_list_each_bad_value() {
        let (plan, bad) = force(
            SoqlType::Number,
            &column(&["00501", "abc", "", "1.5"]),
            "zip",
        );
        assert_eq!(plan, Plan::Number { scale: 1 });
        assert_eq!(
            bad,
            [(1, "column `zip`: `abc` is not a number".to_string())]
        );
    }

    #[test]
    fn only_points_are_stored_geometry() {
        let shape = "POLYGON ((0 0, 1 0, 1 1, 0 0))";
        let (_, bad) = force(SoqlType::Polygon, &column(&[shape, "", shape]), "area");
        let why = "column `area`: a column cannot be polygon; point is the only geometry a \
                   dataset stores";
        assert_eq!(bad, [(0, why.to_string()), (2, why.to_string())]);
    }
}
