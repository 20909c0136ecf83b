//! Aggregation rules, pass-through clauses, and `$query` error positions.

use super::check::{assert_error, call, checked, col, refused};
use soql::ErrorCode::*;
use soql::SoqlType::*;
use soql::{Clause, Func, WithoutSpans, check, parse_query};

#[test]
fn grouped_queries_read_columns_through_keys_or_aggregates() {
    let accepted: &[&[(&str, &str)]] = &[
        &[("$select", "county, count(*)"), ("$group", "county")],
        &[
            ("$select", "upper(county), count(*)"),
            ("$group", "upper(county)"),
        ],
        &[
            ("$select", "upper(county) as c, count(*)"),
            ("$group", "c"),
            ("$order", "c"),
        ],
        &[
            (
                "$select",
                "upper(county), max(month_number) - min(month_number)",
            ),
            ("$group", "county"),
        ],
        &[("$select", "count(*), 1 + 1")],
        &[
            ("$select", "county"),
            ("$group", "county"),
            ("$having", "county != 'KINGS'"),
        ],
        &[("$select", "county"), ("$order", ":id")],
    ];
    for params in accepted {
        checked(params);
    }
}

#[test]
fn ungrouped_columns_are_refused() {
    let message = |name: &str| {
        format!(
            "column `{name}` is neither grouped nor aggregated; add it to the group-by or use it \
             inside an aggregate such as max({name})"
        )
    };
    let err = refused(&[("$select", "county, count(*)")]);
    assert_error(
        &err,
        Clause::Select,
        ColumnNotInGroupBys,
        &message("county"),
        "county, count(*)",
        "county",
    );
    let err = refused(&[("$select", "county"), ("$group", "upper(county)")]);
    assert_error(
        &err,
        Clause::Select,
        ColumnNotInGroupBys,
        &message("county"),
        "county",
        "county",
    );
    let err = refused(&[
        ("$select", "county, count(*)"),
        ("$group", "county"),
        ("$order", "offense_description"),
    ]);
    let text = "offense_description";
    assert_error(
        &err,
        Clause::Order,
        ColumnNotInGroupBys,
        &message(text),
        text,
        text,
    );
    let err = refused(&[
        ("$select", "county"),
        ("$group", "county"),
        ("$having", "month_number > 1"),
    ]);
    let text = "month_number > 1";
    assert_error(
        &err,
        Clause::Having,
        ColumnNotInGroupBys,
        &message("month_number"),
        text,
        "month_number",
    );
    let err = refused(&[("$select", "count(*)"), ("$order", ":id")]);
    assert_error(
        &err,
        Clause::Order,
        ColumnNotInGroupBys,
        &message(":id"),
        ":id",
        ":id",
    );
    // A star stands for every column; the first one is reported at the star.
    let err = refused(&[("$select", "*"), ("$group", "county")]);
    assert_error(
        &err,
        Clause::Select,
        ColumnNotInGroupBys,
        &message("full_complaint_id"),
        "*",
        "*",
    );
    // Ordering by an aggregate aggregates the query too.
    let err = refused(&[("$select", "county"), ("$order", "count(*)")]);
    assert_error(
        &err,
        Clause::Select,
        ColumnNotInGroupBys,
        &message("county"),
        "county",
        "county",
    );
}

#[test]
fn aggregates_stay_out_of_row_clauses() {
    let err = refused(&[("$where", "count(*) > 1")]);
    let message = "expected a row value in $where (use $having to filter on aggregates), found the aggregate `count`";
    assert_error(
        &err,
        Clause::Where,
        AggregateInUngroupedContext,
        message,
        "count(*) > 1",
        "count(*)",
    );
    let err = refused(&[
        ("$select", "county"),
        ("$group", "county, sum(month_number)"),
    ]);
    let message = "expected a row value in $group, found the aggregate `sum`";
    let text = "county, sum(month_number)";
    assert_error(
        &err,
        Clause::Group,
        AggregateInUngroupedContext,
        message,
        text,
        "sum(month_number)",
    );
    let err = refused(&[("$select", "count(*) as n"), ("$group", "n")]);
    assert_eq!(
        (err.clause, err.error.code),
        (Clause::Group, AggregateInUngroupedContext)
    );
    let err = refused(&[("$select", "sum(count(*))")]);
    let message = "expected a row value inside `sum`, found another aggregate";
    assert_error(
        &err,
        Clause::Select,
        AggregateInUngroupedContext,
        message,
        "sum(count(*))",
        "count(*)",
    );
}

#[test]
fn search_limit_offset_and_distinct_pass_through() {
    let query = parse_query("SELECT DISTINCT county SEARCH 'gnu' LIMIT 5 OFFSET 10").unwrap();
    let typed = check(&query, &super::hate_crimes()).unwrap();
    assert!(typed.distinct);
    let search = typed.search.as_ref().unwrap();
    assert_eq!(search.terms, "gnu");
    assert!(search.columns.iter().any(|c| c == "county"));
    assert!(!search.columns.iter().any(|c| c == "complaint_year_number"));
    assert_eq!((typed.limit, typed.offset), (Some(5), Some(10)));
    assert!(!typed.is_aggregated());
    assert_eq!(typed.selection[0].expr.without_spans(), col("county", Text));
}

#[test]
fn query_errors_point_into_the_statement() {
    let text = "SELECT county, count(*)\nWHERE cnty = 'x'\nGROUP BY county";
    let err = check(&parse_query(text).unwrap(), &super::hate_crimes()).unwrap_err();
    assert_eq!((err.clause, err.code()), (Clause::Where, NoSuchColumn));
    let position = err.error.position(text);
    assert_eq!((position.line, position.column), (2, 7));
    let typed = check(
        &parse_query("SELECT count(*) AS n HAVING n > 2").unwrap(),
        &super::hate_crimes(),
    )
    .unwrap();
    let count = call(Func::CountStar, vec![], Number);
    assert_eq!(typed.selection[0].expr.without_spans(), count);
    assert!(typed.is_aggregated());
}
