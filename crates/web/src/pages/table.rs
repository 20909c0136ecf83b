//! The dataset page's table of rows: a page at a time, sorted by a column
//! header, asked through the same SODA path as the API so the page shows
//! exactly what `/resource/{id}.json` would.

use serde::Serialize;
use soql::SoqlType;
use store::Dataset;

use super::{link, page_count, param, thousands};
use crate::AppState;
use crate::error::ApiError;
use crate::soda::{self, cells::Cells, params};

const PER_PAGE: u64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Ascending,
    Descending,
}

impl Direction {
    fn param(self) -> &'static str {
        match self {
            Direction::Ascending => "asc",
            Direction::Descending => "desc",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Direction::Ascending => "ascending",
            Direction::Descending => "descending",
        }
    }
}

/// `?sort=field&dir=asc|desc`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sort<'a> {
    field: &'a str,
    direction: Direction,
}

impl<'a> Sort<'a> {
    /// The sort asked for; a field that is not a sortable column is ignored.
    pub(super) fn from_params(params: &'a [(String, String)], dataset: &Dataset) -> Option<Self> {
        let field = param(params, "sort")?;
        if !sortable(dataset.column(field)?.ty) {
            return None;
        }
        let direction = match param(params, "dir") {
            Some(d) if d.eq_ignore_ascii_case("desc") => Direction::Descending,
            _ => Direction::Ascending,
        };
        Some(Sort { field, direction })
    }

    /// SoQL's `$order`; the row id breaks ties so pages never overlap.
    fn order(sort: Option<Self>) -> String {
        match sort {
            Some(s) => format!("`{}` {}, :id", s.field, s.direction.param()),
            None => ":id".to_string(),
        }
    }
}

/// Geometries have no order.
fn sortable(ty: SoqlType) -> bool {
    ty.is_ordered()
}

/// One page of rows as SODA's plain text forms; `None` is null.
pub(super) struct Rows {
    pub columns: Vec<(String, SoqlType)>,
    pub values: Vec<Vec<Option<String>>>,
    /// Which page this is (from 1), and how many there are.
    page: u64,
    pages: u64,
    offset: u64,
}

impl Rows {
    /// The first non-null value of a column on this page.
    pub(super) fn first_value(&self, field: &str) -> Option<&str> {
        let i = self.columns.iter().position(|(name, _)| name == field)?;
        self.values.iter().find_map(|row| row[i].as_deref())
    }
}

/// Asks the engine for page `page` (clamped to the pages there are).
pub(super) async fn fetch(
    app: &AppState,
    dataset: &Dataset,
    sort: Option<Sort<'_>>,
    page: u64,
) -> Result<Rows, ApiError> {
    let per_page = PER_PAGE.min(app.settings.max_limit).max(1);
    let pages = page_count(dataset.row_count.max(0) as u64, per_page);
    let page = page.min(pages);
    let offset = (page - 1) * per_page;
    let query = [
        ("$order".to_string(), Sort::order(sort)),
        ("$limit".to_string(), per_page.to_string()),
        ("$offset".to_string(), offset.to_string()),
    ];

    let request = params::parse(&query, dataset, app.settings.max_limit)?;
    let typed = soda::check(&request, dataset)?;
    let answer = soda::run_page(app, dataset, typed, request.limit).await?;

    let mut values = Vec::new();
    for batch in &answer.batches {
        let columns: Vec<Cells> = batch.columns().iter().map(Cells::new).collect();
        for row in 0..batch.num_rows() {
            values.push(columns.iter().map(|c| plain(c, row)).collect());
        }
    }
    Ok(Rows {
        columns: answer.columns,
        values,
        page,
        pages,
        offset,
    })
}

fn plain(cells: &Cells, row: usize) -> Option<String> {
    if cells.is_null(row) {
        return None;
    }
    let mut text = String::new();
    cells.write_plain(row, &mut text);
    Some(text)
}

/// The table as the template draws it.
#[derive(Serialize)]
pub(super) struct Table {
    headers: Vec<Header>,
    rows: Vec<Vec<Cell>>,
    caption: String,
    pager: Pager,
}

#[derive(Serialize)]
struct Header {
    name: String,
    field: String,
    numeric: bool,
    /// The link that sorts by this column, or re-sorts the other way.
    sort_url: Option<String>,
    aria_sort: Option<&'static str>,
    /// What following the link does, for screen readers.
    action: &'static str,
}

#[derive(Serialize)]
struct Cell {
    text: String,
    null: bool,
    numeric: bool,
}

/// Page N of M, with links to the neighbours when they exist.
#[derive(Serialize)]
pub(super) struct Pager {
    pub page: u64,
    pub pages: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Table {
    pub(super) fn new(dataset: &Dataset, sort: Option<Sort<'_>>, rows: &Rows) -> Table {
        let path = format!("/d/{}", dataset.id);
        let headers = rows
            .columns
            .iter()
            .map(|(field, ty)| header(dataset, &path, sort, field, *ty))
            .collect();
        let body = rows
            .values
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&rows.columns)
                    .map(|(value, (_, ty))| Cell {
                        text: value
                            .as_deref()
                            .map(|v| display(v, *ty))
                            .unwrap_or_default(),
                        null: value.is_none(),
                        numeric: *ty == SoqlType::Number,
                    })
                    .collect()
            })
            .collect();
        let page_url = |page: u64| {
            let page = page.to_string();
            link(
                &path,
                &[
                    ("sort", sort.map(|s| s.field)),
                    ("dir", sort.map(|s| s.direction.param())),
                    ("page", Some(&page)),
                ],
            )
        };
        Table {
            headers,
            rows: body,
            caption: caption(dataset, sort, rows),
            pager: Pager {
                page: rows.page,
                pages: rows.pages,
                previous: (rows.page > 1).then(|| page_url(rows.page - 1)),
                next: (rows.page < rows.pages).then(|| page_url(rows.page + 1)),
            },
        }
    }
}

fn header(dataset: &Dataset, path: &str, sort: Option<Sort>, field: &str, ty: SoqlType) -> Header {
    let name = dataset
        .column(field)
        .map_or_else(|| field.to_string(), |c| c.name.clone());
    let current = sort.filter(|s| s.field == field).map(|s| s.direction);
    let next = match current {
        Some(Direction::Ascending) => Direction::Descending,
        _ => Direction::Ascending,
    };
    let can_sort = sortable(ty);
    Header {
        name,
        field: field.to_string(),
        numeric: ty == SoqlType::Number,
        sort_url: can_sort
            .then(|| link(path, &[("sort", Some(field)), ("dir", Some(next.param()))])),
        aria_sort: can_sort.then(|| current.map_or("none", Direction::words)),
        action: match next {
            Direction::Ascending => "sort ascending",
            Direction::Descending => "sort descending",
        },
    }
}

/// `Rows 51–100 of 2,406, sorted by County, descending`.
fn caption(dataset: &Dataset, sort: Option<Sort>, rows: &Rows) -> String {
    let shown = rows.values.len() as u64;
    let mut text = if shown == 0 {
        "No rows".to_string()
    } else {
        format!(
            "Rows {}–{} of {}",
            thousands((rows.offset + 1) as i64),
            thousands((rows.offset + shown) as i64),
            thousands(dataset.row_count)
        )
    };
    if let Some(s) = sort {
        let name = dataset.column(s.field).map_or(s.field, |c| c.name.as_str());
        text.push_str(&format!(", sorted by {name}, {}", s.direction.words()));
    }
    text
}

/// A cell as people read it: timestamps without the `T` and the empty
/// milliseconds, a date alone when it has no time of day.
fn display(value: &str, ty: SoqlType) -> String {
    match ty {
        SoqlType::FloatingTimestamp | SoqlType::FixedTimestamp => {
            let (date, time) = value.split_once('T').unwrap_or((value, ""));
            let zone = if time.ends_with('Z') { " UTC" } else { "" };
            let time = time.trim_end_matches('Z');
            let time = time.strip_suffix(".000").unwrap_or(time);
            if (time == "00:00:00" && zone.is_empty()) || time.is_empty() {
                date.to_string()
            } else {
                format!("{date} {time}{zone}")
            }
        }
        _ => value.to_string(),
    }
}

/// A timestamp as a SoQL literal, short when it is a whole day.
pub(super) fn literal_timestamp(value: &str) -> &str {
    value.strip_suffix("T00:00:00.000").unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_as_dates_when_they_are_whole_days() {
        let floating = SoqlType::FloatingTimestamp;
        assert_eq!(display("2022-03-07T00:00:00.000", floating), "2022-03-07");
        assert_eq!(
            display("2022-03-07T12:30:00.000", floating),
            "2022-03-07 12:30:00"
        );
        assert_eq!(
            display("2022-03-07T12:30:00.250", floating),
            "2022-03-07 12:30:00.250"
        );
        assert_eq!(
            display("2022-03-07T00:00:00.000Z", SoqlType::FixedTimestamp),
            "2022-03-07 00:00:00 UTC"
        );
        assert_eq!(display("KINGS", SoqlType::Text), "KINGS");
        assert_eq!(literal_timestamp("2022-03-07T00:00:00.000"), "2022-03-07");
    }
}
