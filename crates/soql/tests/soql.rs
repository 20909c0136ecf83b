//! SoQL end to end: parsing, printing, checking, and properties over random
//! input. One test binary; each concern is a module under `tests/soql/`.

#[path = "soql/check.rs"]
mod check;
#[path = "soql/errors.rs"]
mod errors;
#[path = "soql/functions.rs"]
mod functions;
#[path = "soql/geo.rs"]
mod geo;
#[path = "soql/grouping.rs"]
mod grouping;
#[path = "soql/names.rs"]
mod names;
#[path = "soql/parse.rs"]
mod parse;
#[path = "soql/props.rs"]
mod props;
#[path = "soql/round_trip.rs"]
mod round_trip;

use soql::{ColumnDef, Schema, SoqlType};

/// The NYPD hate crimes dataset, plus a few columns of the types it lacks.
pub fn hate_crimes() -> Schema {
    let columns = [
        ("full_complaint_id", SoqlType::Text),
        ("complaint_year_number", SoqlType::Number),
        ("month_number", SoqlType::Number),
        ("record_create_date", SoqlType::FloatingTimestamp),
        ("complaint_precinct_code", SoqlType::Number),
        ("patrol_borough_name", SoqlType::Text),
        ("county", SoqlType::Text),
        ("law_code_category_description", SoqlType::Text),
        ("offense_description", SoqlType::Text),
        ("pd_code_description", SoqlType::Text),
        ("bias_motive_description", SoqlType::Text),
        ("offense_category", SoqlType::Text),
        ("arrest_date", SoqlType::FloatingTimestamp),
        ("arrest_id", SoqlType::Text),
        ("is_solved", SoqlType::Checkbox),
        ("location", SoqlType::Point),
        ("reported_at", SoqlType::FixedTimestamp),
    ];
    let columns = columns
        .into_iter()
        .map(|(name, ty)| ColumnDef {
            field_name: name.to_string(),
            ty,
        })
        .collect();
    Schema::new(columns)
}
