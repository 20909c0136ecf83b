//! SODA's output formats, written batch by batch so exports stream.

use engine::arrow::record_batch::RecordBatch;
use soql::SoqlType;
use soql::geometry::{Coord, Geometry};

use super::cells::{Cells, JsonKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Csv,
    GeoJson,
}

impl Format {
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "geojson" => Some(Format::GeoJson),
            _ => None,
        }
    }

    /// The format an `Accept` header asks for, JSON when it names none we know.
    pub fn from_accept(accept: &str) -> Format {
        if accept.contains("text/csv") {
            Format::Csv
        } else if accept.contains("application/vnd.geo+json") {
            Format::GeoJson
        } else {
            Format::Json
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json;charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::GeoJson => "application/vnd.geo+json;charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::GeoJson => "geojson",
        }
    }
}

/// Writes rows in one format: `start`, then `rows` for each batch, then `finish`.
pub struct Encoder {
    format: Format,
    names: Vec<String>,
    types: Vec<SoqlType>,
    /// JSON-quoted field names, made once.
    keys: Vec<String>,
    /// Which output column is the GeoJSON geometry: the first of a
    /// geometry type.
    geometry: Option<usize>,
    wrote_row: bool,
    bom: bool,
}

impl Encoder {
    /// An encoder for output columns of these names and SoQL types.
    pub fn new(format: Format, columns: &[(String, SoqlType)], bom: bool) -> Self {
        let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
        let keys = names
            .iter()
            .map(|n| serde_json::to_string(n).expect("a string serialises"))
            .collect();
        Encoder {
            format,
            names,
            types: columns.iter().map(|(_, t)| *t).collect(),
            keys,
            geometry: columns.iter().position(|(_, t)| t.is_geometry()),
            wrote_row: false,
            bom,
        }
    }

    pub fn start(&mut self) -> String {
        let mut out = String::new();
        match self.format {
            Format::Json => out.push('['),
            Format::Csv => {
                if self.bom {
                    out.push('\u{feff}');
                }
                for (i, name) in self.names.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    csv_field(name, &mut out);
                }
                out.push('\n');
            }
            Format::GeoJson => out.push_str(
                r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":["#,
            ),
        }
        out
    }

    pub fn rows(&mut self, batch: &RecordBatch) -> String {
        let typed = batch.columns().iter().zip(&self.types);
        let cells: Vec<Cells> = typed.map(|(a, ty)| Cells::typed(a, *ty)).collect();
        let mut out = String::with_capacity(batch.num_rows() * 64 * cells.len().max(1));
        for row in 0..batch.num_rows() {
            match self.format {
                Format::Json => {
                    out.push_str(if self.wrote_row { ",\n" } else { "\n" });
                    self.json_object(&cells, row, None, &mut out);
                }
                Format::Csv => self.csv_row(&cells, row, &mut out),
                Format::GeoJson => {
                    out.push_str(if self.wrote_row { ",\n" } else { "\n" });
                    self.feature(&cells, row, &mut out);
                }
            }
            self.wrote_row = true;
        }
        out
    }

    pub fn finish(&mut self) -> String {
        match self.format {
            Format::Json => "\n]\n".to_string(),
            Format::Csv => String::new(),
            Format::GeoJson => "\n]}\n".to_string(),
        }
    }

    fn json_object(&self, cells: &[Cells], row: usize, skip: Option<usize>, out: &mut String) {
        out.push('{');
        let mut first = true;
        for (i, c) in cells.iter().enumerate() {
            if Some(i) == skip || c.is_null(row) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&self.keys[i]);
            out.push(':');
            json_value(c, row, out);
        }
        out.push('}');
    }

    fn csv_row(&self, cells: &[Cells], row: usize, out: &mut String) {
        let mut value = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if c.is_null(row) {
                continue;
            }
            match c.text(row) {
                Some(text) => csv_field(text, out),
                None => {
                    value.clear();
                    c.write_plain(row, &mut value);
                    csv_field(&value, out);
                }
            }
        }
        out.push('\n');
    }

    fn feature(&self, cells: &[Cells], row: usize, out: &mut String) {
        out.push_str(r#"{"type":"Feature","geometry":"#);
        match self.geometry {
            Some(g) if !cells[g].is_null(row) => geometry(&cells[g], row, out),
            _ => out.push_str("null"),
        }
        out.push_str(r#","properties":"#);
        self.json_object(cells, row, self.geometry, out);
        out.push('}');
    }
}

fn json_value(c: &Cells, row: usize, out: &mut String) {
    match c.json_kind() {
        JsonKind::Bare => c.write_plain(row, out),
        JsonKind::Geometry => geometry(c, row, out),
        JsonKind::String => match c.text(row) {
            Some(text) => json_string(text, out),
            None if c.plain_is_json_safe() => {
                out.push('"');
                c.write_plain(row, out);
                out.push('"');
            }
            None => {
                let mut plain = String::new();
                c.write_plain(row, &mut plain);
                json_string(&plain, out);
            }
        },
    }
}

/// A GeoJSON geometry object, longitude first; `null` if the cell holds
/// no geometry after all.
fn geometry(c: &Cells, row: usize, out: &mut String) {
    let Some(geometry) = c.geometry(row) else {
        out.push_str("null");
        return;
    };
    out.push_str(r#"{"type":""#);
    out.push_str(geometry.geojson_name());
    out.push_str(r#"","coordinates":"#);
    match &geometry {
        Geometry::Point(c) => position(c, out),
        Geometry::MultiPoint(cs) | Geometry::Line(cs) => positions(cs, out),
        Geometry::MultiLine(lines) | Geometry::Polygon(lines) => nested(lines, out),
        Geometry::MultiPolygon(polygons) => list(polygons, out, |rings, out| nested(rings, out)),
    }
    out.push('}');
}

fn position(c: &Coord, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(out, "[{},{}]", c.lon, c.lat);
}

fn positions(cs: &[Coord], out: &mut String) {
    list(cs, out, position);
}

fn nested(lists: &[Vec<Coord>], out: &mut String) {
    list(lists, out, |cs, out| positions(cs, out));
}

/// A JSON array of `items`, each written by `write`.
fn list<T>(items: &[T], out: &mut String, write: impl Fn(&T, &mut String)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(item, out);
    }
    out.push(']');
}

fn json_string(text: &str, out: &mut String) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// RFC 4180: quote a field that holds a comma, a quote or a line break.
fn csv_field(text: &str, out: &mut String) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}
