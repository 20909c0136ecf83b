//! Which reader a file needs: from its extension, or sniffed from its bytes.

use std::fmt;
use std::path::Path;

use serde::Serialize;

/// The kinds of file ingest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    /// RFC 4180 comma-separated values with a header line.
    #[serde(rename = "csv")]
    Csv,
    /// A JSON array of objects.
    #[serde(rename = "json")]
    Json,
    /// A GeoJSON `FeatureCollection` of Point features.
    #[serde(rename = "geojson")]
    GeoJson,
}

impl Format {
    /// The format a file's extension names: `.csv`, `.json`, `.geojson`
    /// (case-insensitive). A `.json` file may still hold GeoJSON, so
    /// [`Format::detect`] sniffs those.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "geojson" => Some(Format::GeoJson),
            _ => None,
        }
    }

    /// Guesses from the content: a document opening with `{` that mentions
    /// `"FeatureCollection"` is GeoJSON, one opening with `[` or `{` is
    /// JSON, anything else CSV.
    pub fn sniff(bytes: &[u8]) -> Format {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') if contains(bytes, b"\"FeatureCollection\"") => Format::GeoJson,
            Some(b'[' | b'{') => Format::Json,
            _ => Format::Csv,
        }
    }

    /// The extension's format, except that a `.json` file holding a
    /// `FeatureCollection` is GeoJSON; without a known extension, sniffed.
    pub fn detect(path: &Path, bytes: &[u8]) -> Format {
        match Format::from_extension(path) {
            Some(Format::Json) if Format::sniff(bytes) == Format::GeoJson => Format::GeoJson,
            Some(format) => format,
            None => Format::sniff(bytes),
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::GeoJson => "GeoJSON",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_decide_and_json_is_sniffed() {
        let geo = br#"{"type": "FeatureCollection", "features": []}"#;
        assert_eq!(Format::detect(Path::new("a.CSV"), geo), Format::Csv);
        assert_eq!(Format::detect(Path::new("a.json"), geo), Format::GeoJson);
        assert_eq!(Format::detect(Path::new("a.json"), b"[]"), Format::Json);
        assert_eq!(Format::detect(Path::new("a.txt"), b" \n[{}]"), Format::Json);
        assert_eq!(
            Format::detect(Path::new("data"), b"a,b\n1,2\n"),
            Format::Csv
        );
    }
}
