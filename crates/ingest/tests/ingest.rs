//! Loads the bundled samples and small inline files through the public API.
//! Expected values were computed from the files independently of this crate.

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Float64Type, TimestampMillisecondType};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use ingest::{Encoding, Format, IngestError, LoadOptions, Loaded, read_bytes, read_path};
use soql::SoqlType;

macro_rules! sample {
    ($file:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/", $file)
    };
}

fn load_sample(path: &str) -> Loaded {
    read_path(path.as_ref(), &LoadOptions::default(), &mut |_, _| {}).unwrap()
}

fn load_csv(text: &str) -> Loaded {
    read_bytes(text.as_bytes(), Format::Csv, &LoadOptions::default()).unwrap()
}

fn skipping() -> LoadOptions {
    LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    }
}

fn overriding(field: &str, ty: SoqlType) -> LoadOptions {
    LoadOptions {
        type_overrides: vec![(field.to_string(), ty)],
        ..LoadOptions::default()
    }
}

fn refused(result: Result<Loaded, IngestError>) -> ingest::Report {
    match result {
        Err(IngestError::Refused { report }) => *report,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn field_names(loaded: &Loaded) -> Vec<&str> {
    loaded
        .columns
        .iter()
        .map(|c| c.field_name.as_str())
        .collect()
}

fn column<'a>(loaded: &'a Loaded, field: &str) -> &'a ingest::ColumnReport {
    loaded
        .columns
        .iter()
        .find(|c| c.field_name == field)
        .unwrap_or_else(|| panic!("no column {field}"))
}

/// The batch holding row `row` and the row's index inside it.
fn locate(loaded: &Loaded, mut row: usize) -> (&RecordBatch, usize) {
    for batch in &loaded.batches {
        if row < batch.num_rows() {
            return (batch, row);
        }
        row -= batch.num_rows();
    }
    panic!("row {row} past the end");
}

fn array<'a>(loaded: &'a Loaded, field: &str, row: usize) -> (&'a dyn Array, usize) {
    let (batch, i) = locate(loaded, row);
    let array = batch
        .column_by_name(field)
        .unwrap_or_else(|| panic!("no column {field}"));
    (array.as_ref(), i)
}

fn text(loaded: &Loaded, field: &str, row: usize) -> Option<String> {
    let (a, i) = array(loaded, field, row);
    a.is_valid(i)
        .then(|| a.as_string::<i32>().value(i).to_string())
}

fn decimal(loaded: &Loaded, field: &str, row: usize) -> Option<i128> {
    let (a, i) = array(loaded, field, row);
    a.is_valid(i)
        .then(|| a.as_primitive::<Decimal128Type>().value(i))
}

fn millis(loaded: &Loaded, field: &str, row: usize) -> Option<i64> {
    let (a, i) = array(loaded, field, row);
    a.is_valid(i)
        .then(|| a.as_primitive::<TimestampMillisecondType>().value(i))
}

fn point(loaded: &Loaded, field: &str, row: usize) -> Option<(f64, f64)> {
    let (a, i) = array(loaded, field, row);
    let points = a.as_struct();
    let coordinate = |name: &str| {
        points
            .column_by_name(name)
            .unwrap()
            .as_primitive::<Float64Type>()
            .value(i)
    };
    a.is_valid(i)
        .then(|| (coordinate("lon"), coordinate("lat")))
}

fn rows(loaded: &Loaded) -> usize {
    loaded.batches.iter().map(RecordBatch::num_rows).sum()
}

#[test]
fn nypd_hate_crimes() {
    let loaded = load_sample(sample!("nypd_hate_crimes.csv"));
    assert_eq!(loaded.report.rows_read, 2406);
    assert_eq!(loaded.report.rows_loaded, 2406);
    assert_eq!(rows(&loaded), 2406);
    assert_eq!(loaded.report.encoding, Encoding::Utf8);
    assert!(loaded.report.bad_rows.is_empty());

    let id = column(&loaded, "full_complaint_id");
    assert_eq!(
        (id.name.as_str(), id.ty),
        ("Full Complaint ID", SoqlType::Number)
    );
    let schema_id = loaded.schema.field_with_name("full_complaint_id").unwrap();
    assert_eq!(schema_id.data_type(), &DataType::Decimal128(38, 0));
    assert_eq!(schema_id.metadata()["soql.type"], "number");
    assert_eq!(
        decimal(&loaded, "full_complaint_id", 0),
        Some(202206012204617)
    );
    assert_eq!(
        decimal(&loaded, "full_complaint_id", 2405),
        Some(202203412641017)
    );

    let arrest_date = column(&loaded, "arrest_date");
    assert_eq!(
        (arrest_date.ty, arrest_date.null_count),
        (SoqlType::Text, 2406)
    );
    let arrest_id = column(&loaded, "arrest_id");
    assert_eq!((arrest_id.ty, arrest_id.null_count), (SoqlType::Text, 1419));

    assert_eq!(
        column(&loaded, "record_create_date").ty,
        SoqlType::FloatingTimestamp
    );
    assert_eq!(
        millis(&loaded, "record_create_date", 0),
        Some(1_646_611_200_000)
    ); // 03/07/2022
    assert_eq!(
        millis(&loaded, "record_create_date", 1000),
        Some(1_622_678_400_000)
    ); // 06/03/2021
    assert_eq!(
        loaded
            .schema
            .field_with_name("record_create_date")
            .unwrap()
            .data_type(),
        &DataType::Timestamp(TimeUnit::Millisecond, None)
    );
    assert!(!field_names(&loaded).contains(&"location"));
}

#[test]
fn maryland_crime_field_names_and_nulls() {
    let loaded = load_sample(sample!("MD_Crime_Data.csv"));
    assert_eq!(loaded.report.rows_loaded, 1104);
    let names = field_names(&loaded);
    assert_eq!(names.len(), 38);
    assert_eq!(
        names[..8],
        [
            "jurisdiction",
            "year",
            "population",
            "murder",
            "rape",
            "robbery",
            "agg_assault",
            "b_e"
        ]
    );
    assert!(names.contains(&"m_v_theft"));
    assert!(names.contains(&"overall_crime_rate_per_100_000_people"));
    assert!(names.contains(&"murder_rate_percent_change_per_100_000_people"));

    let change = column(&loaded, "percent_change");
    assert_eq!((change.ty, change.null_count), (SoqlType::Number, 24));
    assert_eq!(decimal(&loaded, "percent_change", 0), None);
    assert_eq!(decimal(&loaded, "percent_change", 1), Some(-88)); // -8.8 at scale 1
    let rate = loaded
        .schema
        .field_with_name("overall_crime_rate_per_100_000_people")
        .unwrap();
    assert_eq!(rate.data_type(), &DataType::Decimal128(38, 1));
    assert_eq!(decimal(&loaded, "agg_assault", 0), Some(114));
    assert_eq!(column(&loaded, "jurisdiction").ty, SoqlType::Text);
    assert_eq!(column(&loaded, "population").null_count, 0);
}

#[test]
fn la_riots_get_a_location() {
    let loaded = load_sample(sample!("la-riots.csv"));
    assert_eq!(rows(&loaded), 63);
    let names = field_names(&loaded);
    assert_eq!(names[9..], ["longitude", "latitude", "location"]);
    assert_eq!(column(&loaded, "location").ty, SoqlType::Point);
    assert_eq!(column(&loaded, "location").null_count, 0);
    assert_eq!(
        point(&loaded, "location", 0),
        Some((-118.2739756, 34.0592814))
    );
    assert_eq!(column(&loaded, "age").null_count, 1);
    assert_eq!(decimal(&loaded, "age", 11), None);
    assert_eq!(millis(&loaded, "death_date", 0), Some(704_592_000_000)); // 1992-04-30
    assert!(loaded.report.notes.iter().any(|n| n.contains("`location`")));

    let location = loaded.schema.field_with_name("location").unwrap();
    let DataType::Struct(children) = location.data_type() else {
        panic!("point is not a struct");
    };
    assert!(location.is_nullable());
    assert_eq!(children[0].name(), "lon");
    assert_eq!(children[1].name(), "lat");
    assert!(!children[0].is_nullable() && !children[1].is_nullable());
}

#[test]
fn zip_codes_keep_leading_zeros() {
    let loaded = load_sample(sample!("zipcodes.csv"));
    assert_eq!(rows(&loaded), 42049);
    assert_eq!(
        field_names(&loaded),
        [
            "zip_code",
            "latitude",
            "longitude",
            "city",
            "state",
            "county",
            "location"
        ]
    );
    assert_eq!(column(&loaded, "zip_code").ty, SoqlType::Text);
    assert_eq!(text(&loaded, "zip_code", 0).as_deref(), Some("00501"));
    assert!(
        loaded
            .report
            .notes
            .iter()
            .any(|n| n.contains("`00501` has a leading zero"))
    );
    assert_eq!(decimal(&loaded, "latitude", 0), Some(40_922_326));
    assert_eq!(text(&loaded, "city", 34991).as_deref(), Some("Aurora"));
    assert_eq!(
        point(&loaded, "location", 34991),
        Some((-104.84748, 39.715287))
    );
}

#[test]
fn seattle_weather() {
    let loaded = load_sample(sample!("seattle-weather.csv"));
    assert_eq!(rows(&loaded), 1461);
    assert_eq!(millis(&loaded, "date", 1460), Some(1_451_520_000_000)); // 2015-12-31
    assert_eq!(
        loaded
            .schema
            .field_with_name("precipitation")
            .unwrap()
            .data_type(),
        &DataType::Decimal128(38, 1)
    );
    assert_eq!(column(&loaded, "weather").ty, SoqlType::Text);
}

#[test]
fn batches_split_at_batch_rows() {
    let opts = LoadOptions {
        batch_rows: 10_000,
        ..LoadOptions::default()
    };
    let loaded = read_path(sample!("zipcodes.csv").as_ref(), &opts, &mut |_, _| {}).unwrap();
    let sizes: Vec<usize> = loaded.batches.iter().map(RecordBatch::num_rows).collect();
    assert_eq!(sizes, [10_000, 10_000, 10_000, 10_000, 2_049]);
    assert_eq!(
        text(&loaded, "zip_code", 42048),
        text(&load_sample(sample!("zipcodes.csv")), "zip_code", 42048)
    );
}

#[test]
fn progress_ends_at_the_total() {
    let mut calls = Vec::new();
    let path = sample!("zipcodes.csv");
    read_path(
        path.as_ref(),
        &LoadOptions::default(),
        &mut |done, total| calls.push((done, total)),
    )
    .unwrap();
    let size = std::fs::metadata(path).unwrap().len();
    assert!(calls.len() >= 2, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(calls.last(), Some(&(size, size)));
}

#[test]
fn quoted_line_breaks_and_crlf_keep_line_numbers() {
    let csv = "id,note\r\n1,\"two\r\nlines\"\r\n2,\"say \"\"hi\"\"\"\r\n3\r\n4,ok\r\n";
    let report = refused(read_bytes(
        csv.as_bytes(),
        Format::Csv,
        &LoadOptions::default(),
    ));
    assert_eq!(report.rows_read, 4);
    assert_eq!(report.rows_loaded, 0);
    assert_eq!(report.bad_rows.len(), 1);
    assert_eq!(report.bad_rows[0].line, 5);
    assert_eq!(report.bad_rows[0].reason, "expected 2 fields, found 1");
    assert_eq!(report.bad_rows[0].fields, ["3"]);

    let loaded = read_bytes(csv.as_bytes(), Format::Csv, &skipping()).unwrap();
    assert_eq!((loaded.report.rows_read, loaded.report.rows_loaded), (4, 3));
    assert_eq!(loaded.report.bad_rows.len(), 1);
    assert_eq!(text(&loaded, "note", 0).as_deref(), Some("two\r\nlines"));
    assert_eq!(text(&loaded, "note", 1).as_deref(), Some("say \"hi\""));
    assert_eq!(decimal(&loaded, "id", 2), Some(4));
}

#[test]
fn utf8_bom_is_dropped() {
    let loaded = load_csv("\u{feff}Name,n\nx,1\n");
    assert_eq!(loaded.report.encoding, Encoding::Utf8Bom);
    assert_eq!(loaded.columns[0].name, "Name");
    assert_eq!(field_names(&loaded), ["name", "n"]);
}

#[test]
fn windows_1252_is_decoded_and_reported() {
    let loaded = read_bytes(
        b"name,price\ncaf\xe9,1.5\n",
        Format::Csv,
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(loaded.report.encoding, Encoding::Windows1252);
    assert_eq!(text(&loaded, "name", 0).as_deref(), Some("café"));
    assert!(
        loaded
            .report
            .notes
            .iter()
            .any(|n| n.contains("Windows-1252"))
    );
}

#[test]
fn nul_bytes_are_binary() {
    let err = read_bytes(b"a,b\n1,\x002\n", Format::Csv, &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(err, IngestError::Binary { offset: 6, line: 2 }),
        "{err:?}"
    );
}

#[test]
fn empty_and_header_only_files() {
    for empty in ["", "\n\n", "\u{feff}"] {
        let err = read_bytes(empty.as_bytes(), Format::Csv, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, IngestError::Empty), "{empty:?}: {err:?}");
    }
    let loaded = load_csv("a,b\n");
    assert_eq!(loaded.report.rows_read, 0);
    assert!(loaded.batches.is_empty());
    assert!(loaded.columns.iter().all(|c| c.ty == SoqlType::Text));
    assert_eq!(loaded.schema.fields().len(), 2);
}

#[test]
fn override_of_an_unknown_field() {
    let err = read_bytes(
        b"Zip Code,n\n1,2\n",
        Format::Csv,
        &overriding("zip", SoqlType::Number),
    )
    .unwrap_err();
    match err {
        IngestError::UnknownField { field, valid } => {
            assert_eq!(field, "zip");
            assert_eq!(valid, ["zip_code", "n"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn override_to_number_makes_bad_rows_of_text() {
    let csv = b"zip,city\n00501,Holtsville\nabc,Nowhere\n80010,Aurora\n";
    let report = refused(read_bytes(
        csv,
        Format::Csv,
        &overriding("zip", SoqlType::Number),
    ));
    assert_eq!(report.bad_rows.len(), 1);
    assert_eq!(report.bad_rows[0].line, 3);
    assert_eq!(
        report.bad_rows[0].reason,
        "column `zip`: `abc` is not a number"
    );
    assert_eq!(report.bad_rows[0].fields, ["abc", "Nowhere"]);

    let opts = LoadOptions {
        skip_bad_rows: true,
        ..overriding("zip", SoqlType::Number)
    };
    let loaded = read_bytes(csv, Format::Csv, &opts).unwrap();
    assert_eq!(loaded.report.rows_loaded, 2);
    assert_eq!(column(&loaded, "zip").ty, SoqlType::Number);
    assert_eq!(decimal(&loaded, "zip", 0), Some(501));
    assert_eq!(text(&loaded, "city", 1).as_deref(), Some("Aurora"));
}

#[test]
fn override_to_text_keeps_numbers_as_written() {
    let loaded = read_bytes(b"n\n1.50\n", Format::Csv, &overriding("n", SoqlType::Text)).unwrap();
    assert_eq!(text(&loaded, "n", 0).as_deref(), Some("1.50"));
}

#[test]
fn leading_zeros_stay_text_but_zero_is_a_number() {
    let loaded = load_csv("code,n\n0123,0\n45,0.5\n,10\n");
    assert_eq!(column(&loaded, "code").ty, SoqlType::Text);
    assert_eq!(text(&loaded, "code", 0).as_deref(), Some("0123"));
    assert_eq!(text(&loaded, "code", 2), None);
    assert_eq!(column(&loaded, "n").ty, SoqlType::Number);
    assert_eq!(decimal(&loaded, "n", 1), Some(5));
    assert_eq!(decimal(&loaded, "n", 2), Some(100));
}

#[test]
fn day_first_only_when_proven() {
    let loaded = load_csv("d\n03/07/2022\n25/12/2022\n");
    assert_eq!(column(&loaded, "d").ty, SoqlType::FloatingTimestamp);
    assert_eq!(millis(&loaded, "d", 0), Some(1_656_806_400_000)); // 2022-07-03
    assert!(loaded.report.notes.iter().any(|n| n.contains("day-first")));

    let loaded = load_csv("d\n03/07/2022 1:30 PM\n12/25/2022 23:59:59\n");
    assert_eq!(millis(&loaded, "d", 0), Some(1_646_659_800_000)); // 2022-03-07 13:30
    assert_eq!(millis(&loaded, "d", 1), Some(1_672_012_799_000)); // 2022-12-25 23:59:59

    let loaded = load_csv("d\n13/01/2020\n01/13/2020\n");
    assert_eq!(column(&loaded, "d").ty, SoqlType::Text);
    assert!(loaded.report.notes.iter().any(|n| n.contains("neither")));
}

#[test]
fn fixed_timestamps_are_utc() {
    let loaded = load_csv("t\n2024-03-01T12:00:00Z\n2024-03-01T12:00:00.250-07:00\n");
    assert_eq!(column(&loaded, "t").ty, SoqlType::FixedTimestamp);
    let field = loaded.schema.field_with_name("t").unwrap();
    assert_eq!(
        field.data_type(),
        &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
    );
    assert_eq!(millis(&loaded, "t", 0), Some(1_709_294_400_000));
    assert_eq!(
        millis(&loaded, "t", 1),
        Some(1_709_294_400_000 + 7 * 3_600_000 + 250)
    );
}

#[test]
fn checkboxes_and_wkt_points() {
    let loaded = load_csv("ok,where\nTrue,POINT (-104.8 39.7)\nfalse,\n");
    assert_eq!(column(&loaded, "ok").ty, SoqlType::Checkbox);
    let (a, i) = array(&loaded, "ok", 0);
    assert!(a.as_boolean().value(i));
    assert_eq!(point(&loaded, "where", 0), Some((-104.8, 39.7)));
    assert_eq!(point(&loaded, "where", 1), None);
}

#[test]
fn field_names_are_deduplicated() {
    let loaded = load_csv("A,a,a_1,A,,2010 Census\n1,2,3,4,5,6\n");
    assert_eq!(
        field_names(&loaded),
        ["a", "a_2", "a_1", "a_3", "column", "_2010_census"]
    );
    assert_eq!(loaded.columns[3].name, "A");
}

#[test]
fn latitude_named_location_elsewhere_gets_location_1() {
    let loaded = load_csv("location,lat,lng\nhome,39.7,-104.8\nwork,,-104.9\n");
    assert_eq!(
        field_names(&loaded),
        ["location", "lat", "lng", "location_1"]
    );
    assert_eq!(point(&loaded, "location_1", 0), Some((-104.8, 39.7)));
    assert_eq!(point(&loaded, "location_1", 1), None);
    assert_eq!(column(&loaded, "location_1").null_count, 1);
}

#[test]
fn json_numbers_are_exact() {
    let json = r#"[
  {"id": 12345678901234567890.12, "name": "a", "ok": true, "tags": [1, 2]},
  {"id": 1, "extra": null, "name": "b"}
]"#;
    let loaded = read_bytes(json.as_bytes(), Format::Json, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.report.format, Format::Json);
    assert_eq!(field_names(&loaded), ["id", "name", "ok", "tags", "extra"]);
    assert_eq!(
        loaded.schema.field(0).data_type(),
        &DataType::Decimal128(38, 2)
    );
    assert_eq!(
        decimal(&loaded, "id", 0),
        Some(1_234_567_890_123_456_789_012)
    );
    assert_eq!(decimal(&loaded, "id", 1), Some(100));
    assert_eq!(column(&loaded, "ok").ty, SoqlType::Checkbox);
    assert_eq!(text(&loaded, "tags", 0).as_deref(), Some("[1,2]"));
    assert_eq!(column(&loaded, "extra").null_count, 2);
    assert_eq!(column(&loaded, "ok").null_count, 1);
}

#[test]
fn json_bad_rows_carry_their_line() {
    let json = "[\n{\"n\": \"1\"},\n{\"n\": \"x\"}\n]";
    let report = refused(read_bytes(
        json.as_bytes(),
        Format::Json,
        &overriding("n", SoqlType::Number),
    ));
    assert_eq!(report.bad_rows[0].line, 3);
}

#[test]
fn malformed_json_names_the_line() {
    let err = read_bytes(
        b"[\n{\"a\": 1},\n{\"a\": }\n]",
        Format::Json,
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, IngestError::Malformed { line: 3, .. }),
        "{err:?}"
    );
    let err = read_bytes(b"[1, 2]", Format::Json, &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(err, IngestError::Malformed { line: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn geojson_points() {
    let geojson = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "Aurora", "location": "city hall"},
   "geometry": {"type": "Point", "coordinates": [-104.8319, 39.7294]}},
  {"type": "Feature", "properties": {"name": "nowhere"}, "geometry": null}
]}"#;
    let loaded = read_bytes(geojson.as_bytes(), Format::GeoJson, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.report.format, Format::GeoJson);
    assert_eq!(field_names(&loaded), ["name", "location", "location_1"]);
    assert_eq!(column(&loaded, "location_1").ty, SoqlType::Point);
    assert_eq!(point(&loaded, "location_1", 0), Some((-104.8319, 39.7294)));
    assert_eq!(point(&loaded, "location_1", 1), None);
    assert_eq!(text(&loaded, "location", 1), None);
}

#[test]
fn geojson_other_geometries_are_refused() {
    let geojson = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
  {"type": "Feature", "properties": {},
   "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}
]}"#;
    let err = read_bytes(geojson.as_bytes(), Format::GeoJson, &LoadOptions::default()).unwrap_err();
    let IngestError::Malformed { line, message } = err else {
        panic!("{err:?}");
    };
    assert_eq!(line, 3);
    assert!(message.contains("feature 2"), "{message}");
    assert!(
        message.contains("LineString geometry; only Point geometries are supported"),
        "{message}"
    );
}

#[test]
fn geojson_is_sniffed_from_a_json_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("places.json");
    let geojson = r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": 1}, "geometry": null}]}"#;
    std::fs::write(&path, geojson).unwrap();
    let loaded = read_path(&path, &LoadOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!(loaded.report.format, Format::GeoJson);
    assert_eq!(field_names(&loaded), ["a", "location"]);
}

#[test]
fn missing_file_is_io() {
    let err = read_path(
        "/no/such/file.csv".as_ref(),
        &LoadOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::Io { .. }), "{err:?}");
}

#[test]
fn report_serialises_with_snake_case_keys() {
    let report = refused(read_bytes(
        b"Arrest Date,n\nx\n",
        Format::Csv,
        &LoadOptions::default(),
    ));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["format"], "csv");
    assert_eq!(json["encoding"], "utf8");
    assert_eq!(json["rows_read"], 1);
    assert_eq!(json["columns"][0]["field_name"], "arrest_date");
    assert_eq!(json["columns"][0]["ty"], "text");
    assert_eq!(json["bad_rows"][0]["line"], 2);
    assert_eq!(json["bad_rows"][0]["fields"][0], "x");

    let text = report.to_string();
    assert!(
        text.contains("line 2: expected 2 fields, found 1"),
        "{text}"
    );
    assert!(text.contains("arrest_date"), "{text}");
}
