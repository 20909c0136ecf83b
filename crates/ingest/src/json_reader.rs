//! JSON arrays of objects and GeoJSON FeatureCollections into a
//! [`RawTable`].
//!
//! Values are read as `&RawValue` (serde_json's `raw_value` feature), so a
//! number's text reaches inference exactly as written, never through `f64`.
//! Strings give their contents, `true`/`false` their names, `null` and `""`
//! are null, nested objects and arrays their compact JSON text. Object keys
//! become columns in order of first appearance; a key missing from an
//! object is null there. A row's line is the physical line where its
//! object (or feature) starts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use soql::SoqlType;

use crate::csv_reader::PROGRESS_STEP;
use crate::error::IngestError;
use crate::table::RawTable;

/// Reads a JSON array of objects.
pub(crate) fn read_json(
    text: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<RawTable, IngestError> {
    if !text.trim_start().starts_with('[') {
        return Err(malformed_at(text, "expected a JSON array of objects"));
    }
    let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(json_error)?;

    let mut rows = Rows::default();
    let mut lines = Lines::new(text);
    for (index, element) in elements.iter().enumerate() {
        let line = lines.line_of(element);
        let entries = object(element).ok_or_else(|| IngestError::Malformed {
            line,
            message: format!("element {} is not an object", index + 1),
        })?;
        rows.push(line, entries)?;
        lines.report(progress);
    }
    Ok(rows.into_table(None))
}

/// Reads a GeoJSON FeatureCollection: properties become columns and the
/// geometry a `point` column `location`, added last.
pub(crate) fn read_geojson(
    text: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<RawTable, IngestError> {
    #[derive(Deserialize)]
    struct Collection<'a> {
        #[serde(rename = "type")]
        kind: Option<String>,
        #[serde(borrow, default)]
        features: Vec<&'a RawValue>,
    }
    #[derive(Deserialize)]
    struct Feature<'a> {
        #[serde(borrow, default)]
        properties: Option<&'a RawValue>,
        #[serde(borrow, default)]
        geometry: Option<&'a RawValue>,
    }

    let not_a_collection = || malformed_at(text, "expected a GeoJSON FeatureCollection");
    if !text.trim_start().starts_with('{') {
        return Err(not_a_collection());
    }
    let collection: Collection = serde_json::from_str(text).map_err(json_error)?;
    if collection.kind.as_deref() != Some("FeatureCollection") {
        return Err(not_a_collection());
    }

    let mut rows = Rows::default();
    let mut points = Vec::with_capacity(collection.features.len());
    let mut lines = Lines::new(text);
    for (index, raw) in collection.features.iter().enumerate() {
        let line = lines.line_of(raw);
        let malformed = |message: String| IngestError::Malformed { line, message };
        let feature: Feature = serde_json::from_str(raw.get())
            .map_err(|_| malformed(format!("feature {} is not a GeoJSON Feature", index + 1)))?;

        let properties = match feature.properties {
            Some(p) => object(p).ok_or_else(|| {
                malformed(format!(
                    "feature {}: properties are not an object",
                    index + 1
                ))
            })?,
            None => Vec::new(),
        };
        rows.push(line, properties)?;
        points.push(
            point_text(feature.geometry)
                .map_err(|why| malformed(format!("feature {}: {why}", index + 1)))?,
        );
        lines.report(progress);
    }
    Ok(rows.into_table(Some(points)))
}

/// A Point geometry as WKT with the coordinates' exact text; `""` for a
/// null geometry.
fn point_text(geometry: Option<&RawValue>) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Geometry<'a> {
        #[serde(rename = "type")]
        kind: String,
        #[serde(borrow, default)]
        coordinates: Vec<&'a RawValue>,
    }

    let Some(geometry) = geometry else {
        return Ok(String::new());
    };
    let geometry: Geometry =
        serde_json::from_str(geometry.get()).map_err(|_| "geometry is not a GeoJSON geometry")?;
    if geometry.kind != "Point" {
        return Err(format!(
            "{} geometry; only Point geometries are supported",
            geometry.kind
        ));
    }
    let number = |raw: &&RawValue| {
        raw.get()
            .starts_with(|c: char| c == '-' || c.is_ascii_digit())
    };
    match geometry.coordinates.as_slice() {
        [lon, lat, ..] if number(lon) && number(lat) => {
            Ok(format!("POINT ({} {})", lon.get(), lat.get()))
        }
        _ => Err("Point coordinates are not [longitude, latitude]".to_string()),
    }
}

/// Rows as they are read, with columns discovered along the way.
#[derive(Default)]
struct Rows<'a> {
    names: Vec<String>,
    index: HashMap<String, usize>,
    cells: Vec<Vec<(usize, Cow<'a, str>)>>,
    lines: Vec<u64>,
}

impl<'a> Rows<'a> {
    fn push(
        &mut self,
        line: u64,
        entries: Vec<(Cow<'a, str>, &'a RawValue)>,
    ) -> Result<(), IngestError> {
        let mut row = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let column = match self.index.get(key.as_ref()) {
                Some(&column) => column,
                None => {
                    self.index.insert(key.to_string(), self.names.len());
                    self.names.push(key.into_owned());
                    self.names.len() - 1
                }
            };
            let text =
                scalar_text(value).map_err(|message| IngestError::Malformed { line, message })?;
            row.push((column, text));
        }
        self.cells.push(row);
        self.lines.push(line);
        Ok(())
    }

    /// The table; `points`, for GeoJSON, is one more column of WKT, last.
    fn into_table(self, points: Option<Vec<String>>) -> RawTable {
        let mut names = self.names;
        if points.is_some() {
            names.push("location".to_string());
        }
        let width = names.len();
        let mut table = RawTable::new(names);
        table.rows_read = self.lines.len() as u64;
        if points.is_some() {
            table.columns[width - 1].hint = Some(SoqlType::Point);
        }

        let mut values: Vec<&str> = vec![""; width];
        for (row, cells) in self.cells.iter().enumerate() {
            values.fill("");
            for (column, text) in cells {
                values[*column] = text;
            }
            if let Some(points) = &points {
                values[width - 1] = &points[row];
            }
            for (column, value) in table.columns.iter_mut().zip(&values) {
                column.push(value);
            }
        }
        table.lines = self.lines;
        table
    }
}

/// A value's text as a cell: see the module docs.
fn scalar_text(value: &RawValue) -> Result<Cow<'_, str>, String> {
    let raw = value.get();
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<Text>(raw)
            .map(|t| t.0)
            .map_err(|e| e.to_string()),
        Some(b'n') => Ok(Cow::Borrowed("")),
        Some(b'{' | b'[') => Ok(Cow::Owned(compact(raw))),
        _ => Ok(Cow::Borrowed(raw)),
    }
}

/// JSON text without the white space between tokens.
fn compact(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in raw.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !c.is_ascii_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// An object's entries in document order, or `None` if it is not an object.
fn object(value: &RawValue) -> Option<Vec<(Cow<'_, str>, &RawValue)>> {
    serde_json::from_str::<Entries>(value.get())
        .ok()
        .map(|e| e.0)
}

/// An object's entries in document order (serde_json's own map sorts them).
struct Entries<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(Text(key)) = map.next_key()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(EntriesVisitor)
    }
}

/// A JSON string, borrowed from the input when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(s)))
            }

            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// Physical lines of values borrowed from the document, asked in order.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
    next_report: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text,
            offset: 0,
            line: 1,
            next_report: PROGRESS_STEP,
        }
    }

    /// The line where `value` starts; `value` must be a slice of the text.
    fn line_of(&mut self, value: &RawValue) -> u64 {
        let start = (value.get().as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if (self.offset..=self.text.len()).contains(&start) {
            let newlines = self.text.as_bytes()[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = start;
        }
        self.line
    }

    fn report(&mut self, progress: &mut dyn FnMut(u64)) {
        if self.offset as u64 >= self.next_report {
            progress(self.offset as u64);
            self.next_report = self.offset as u64 + PROGRESS_STEP;
        }
    }
}

fn json_error(e: serde_json::Error) -> IngestError {
    let message = e.to_string();
    let message = match message.rsplit_once(" at line ") {
        Some((head, _)) => format!("{head} (column {})", e.column()),
        None => message,
    };
    IngestError::Malformed {
        line: e.line() as u64,
        message,
    }
}

/// A structural error at the document's first token.
fn malformed_at(text: &str, message: &str) -> IngestError {
    let first = text.len() - text.trim_start().len();
    IngestError::Malformed {
        line: crate::decode::line_at(text.as_bytes(), first),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(table: &RawTable, column: usize) -> Vec<&str> {
        (0..table.rows())
            .map(|r| table.columns[column].value(r))
            .collect()
    }

    #[test]
    fn keys_in_first_appearance_order_and_exact_numbers() {
        let text = "[\n{\"b\": 1.10, \"a\": \"x\\ty\"},\n{\"c\": {\"k\": [1, 2]}, \"a\": null}\n]";
        let table = read_json(text, &mut |_| {}).unwrap();
        let names: Vec<_> = table.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(values(&table, 0), ["1.10", ""]);
        assert_eq!(values(&table, 1), ["x\ty", ""]);
        assert_eq!(values(&table, 2), ["", "{\"k\":[1,2]}"]);
        assert_eq!(table.lines, [2, 3]);
    }

    #[test]
    fn geojson_points_keep_coordinate_text() {
        let text = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "Point", "coordinates": [-104.8, 39.7]}},
            {"type": "Feature", "properties": null, "geometry": null}]}"#;
        let table = read_geojson(text, &mut |_| {}).unwrap();
        assert_eq!(values(&table, 1), ["POINT (-104.8 39.7)", ""]);
        assert_eq!(table.lines, [2, 3]);
    }
}
