//! Output names: implicit aliases, duplicates, and aliases used by later
//! clauses.

use super::check::{assert_error, call, checked, col, number, refused};
use soql::ErrorCode::*;
use soql::SoqlType::*;
use soql::{Clause, Func, TypedExpr, WithoutSpans};

#[test]
fn aliases_are_explicit_first_then_implicit() {
    let names = |select: &str| -> Vec<String> {
        checked(&[("$select", select)])
            .selection
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    assert_eq!(
        names("count(*), sum(complaint_precinct_code), count(distinct county), avg(month_number)"),
        [
            "count",
            "sum_complaint_precinct_code",
            "count_distinct_county",
            "avg_month_number"
        ]
    );
    assert_eq!(
        names("upper(county), upper(county), upper(county) as upper_county_1"),
        ["upper_county", "upper_county_2", "upper_county_1"]
    );
    // An implicit name never takes a dataset column's name.
    assert_eq!(
        names("county || '', month_number + 0"),
        ["county_1", "month_number_0"]
    );
    assert_eq!(
        names(":id, :id + 1, `county` AS `County Name`"),
        [":id", "id_1", "County Name"]
    );
    let all = checked(&[("$select", ":*, *")]);
    assert_eq!(all.selection.len(), 3 + super::hate_crimes().columns.len());
    assert_eq!(
        (
            all.selection[0].name.as_str(),
            all.selection[3].name.as_str()
        ),
        (":id", "full_complaint_id")
    );
    let every = checked(&[]);
    assert_eq!(every.selection.len(), super::hate_crimes().columns.len());
    assert_eq!(every.selection[6].expr.without_spans(), col("county", Text));
}

#[test]
fn duplicate_names_are_refused() {
    let cases = [
        ("county as c, offense_description as c", "c"),
        ("county, county", "county"),
        ("*, upper(offense_description) as county", "county"),
    ];
    for (select, at) in cases {
        let err = refused(&[("$select", select)]);
        assert_eq!(
            (err.clause, err.error.code),
            (Clause::Select, DuplicateAlias)
        );
        assert_eq!(&select[err.error.span.start..err.error.span.end], at);
        let message = format!(
            "duplicate alias `{at}`: the selection already has an output column of that name; rename one with AS"
        );
        assert_eq!(err.error.message, message);
    }
    assert_eq!(
        refused(&[("$select", "county, county")]).error.span.start,
        8
    );
}

#[test]
fn aliases_stand_for_their_expressions_in_later_clauses() {
    let typed = checked(&[
        (
            "$select",
            "date_trunc_ym(record_create_date) as month, count(*) as n",
        ),
        ("$group", "month"),
        ("$having", "n > 10"),
        ("$order", "n desc, month"),
    ]);
    let month = call(
        Func::DateTruncYm,
        vec![col("record_create_date", FloatingTimestamp)],
        FloatingTimestamp,
    );
    let count = call(Func::CountStar, vec![], Number);
    assert_eq!(typed.group_by.without_spans(), vec![month.clone()]);
    assert_eq!(
        typed.having.without_spans(),
        Some(call(Func::Gt, vec![count.clone(), number("10")], Checkbox))
    );
    let order: Vec<(TypedExpr, bool, bool)> = typed
        .order_by
        .without_spans()
        .into_iter()
        .map(|o| (o.expr, o.descending, o.nulls_first))
        .collect();
    assert_eq!(
        order,
        vec![(count.clone(), true, true), (month, false, false)]
    );
    // Implicit names work too when no column has that name.
    let by_count = checked(&[
        ("$select", "county, count(*)"),
        ("$group", "county"),
        ("$order", "count desc null last"),
    ]);
    assert_eq!(by_count.order_by[0].expr.without_spans(), count);
    assert!(!by_count.order_by[0].nulls_first);
    // An explicit alias wins over a column of the same name.
    let shadow = checked(&[
        ("$select", "upper(offense_description) as county, count(*)"),
        ("$group", "county"),
    ]);
    assert_eq!(
        shadow.group_by[0].without_spans(),
        call(Func::Upper, vec![col("offense_description", Text)], Text)
    );
    // The alias reference keeps its own span, inside `$group`.
    assert_eq!(
        (shadow.group_by[0].span.start, shadow.group_by[0].span.end),
        (0, 6)
    );
    // `$where` sees columns only.
    let err = refused(&[("$select", "county as c"), ("$where", "c = 'KINGS'")]);
    assert_error(
        &err,
        Clause::Where,
        NoSuchColumn,
        "no such column: `c`",
        "c = 'KINGS'",
        "c",
    );
}
