//! Statistics, text functions, `nullif`, `greatest`, `least` and `ln`: their
//! types, implicit names, typed trees, refusals and aggregation rules.

use super::check::{assert_error, call, checked, col, lit, number, refused};
use soql::ErrorCode::{self, *};
use soql::SoqlType::{self, *};
use soql::{Clause, Func, Value, WithoutSpans};

#[test]
fn calls_have_types_and_implicit_names() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, SoqlType)] = &[
        ("stddev_pop(month_number)", "stddev_pop_month_number", Number),
        ("stddev_samp(complaint_year_number)", "stddev_samp_complaint_year_number", Number),
        ("regr_slope(month_number, complaint_year_number)", "regr_slope_month_number_complaint_year_number", Number),
        ("regr_intercept(month_number, 2)", "regr_intercept_month_number_2", Number),
        ("REGR_R2(month_number, complaint_precinct_code)", "regr_r2_month_number_complaint_precinct_code", Number),
        ("round(stddev_pop(month_number), 2)", "round_stddev_pop_month_number_2", Number),
        ("unaccent(county)", "unaccent_county", Text),
        ("substring(county, 2)", "substring_county_2", Text),
        ("substring(county, -1, 3.5)", "substring_county_1_3_5", Text),
        ("replace(county, 'K', 'Q')", "replace_county_k_q", Text),
        ("ln(month_number)", "ln_month_number", Number),
        ("nullif(county, 'KINGS')", "nullif_county_kings", Text),
        ("nullif(null, month_number)", "nullif_null_month_number", Number),
        ("greatest(month_number, 3, null)", "greatest_month_number_3_null", Number),
        ("least(record_create_date, '2020-01-01')", "least_record_create_date_2020_01_01", FloatingTimestamp),
        ("least(reported_at, :created_at)", "least_reported_at_created_at", FixedTimestamp),
        ("greatest(is_solved)", "greatest_is_solved", Checkbox),
        ("least(county, offense_description)", "least_county_offense_description", Text),
    ];
    for (select, name, ty) in cases {
        let typed = checked(&[("$select", select)]);
        let got = &typed.selection[0];
        assert_eq!((got.name.as_str(), got.expr.ty), (*name, *ty), "{select}");
    }
}

#[test]
fn calls_check_to_typed_trees() {
    let select = |text: &str| {
        checked(&[("$select", text)]).selection[0]
            .expr
            .without_spans()
    };
    let county = || col("county", Text);
    let month = || col("month_number", Number);
    assert_eq!(
        select("substring(county, 2)"),
        call(Func::Substring, vec![county(), number("2")], Text)
    );
    assert_eq!(
        select("replace(county, 'K', '')"),
        call(Func::Replace, vec![county(), text("K"), text("")], Text)
    );
    assert_eq!(
        select("regr_slope(month_number, complaint_year_number)"),
        call(
            Func::RegrSlope,
            vec![month(), col("complaint_year_number", Number)],
            Number
        )
    );
    // A bare null takes the type of its neighbours, as in a comparison.
    assert_eq!(
        select("nullif(null, month_number)"),
        call(
            Func::NullIf,
            vec![lit(Value::Null, Number), month()],
            Number
        )
    );
    // Text beside a timestamp is read as a timestamp, as in a comparison:
    // 2020-01-20 is day 18,281 after 1970-01-01.
    assert_eq!(
        select("least(record_create_date, '2020-01-20')"),
        call(
            Func::Least,
            vec![
                col("record_create_date", FloatingTimestamp),
                lit(
                    Value::FloatingTimestamp(18_281 * 86_400_000),
                    FloatingTimestamp
                ),
            ],
            FloatingTimestamp,
        )
    );
    assert_eq!(
        select("greatest(month_number)"),
        call(Func::Greatest, vec![month()], Number)
    );
}

fn text(value: &str) -> soql::TypedExpr {
    lit(Value::Text(value.to_string()), Text)
}

#[test]
fn wrong_argument_types_name_both_types() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str)] = &[
        ("$select", "stddev_pop(county)", "expected number, found text", "county"),
        ("$select", "stddev_samp(record_create_date)", "expected number, found floating_timestamp", "record_create_date"),
        ("$select", "regr_slope(month_number, county)", "expected number, found text", "county"),
        ("$select", "regr_intercept('1', month_number)", "expected number, found text", "'1'"),
        ("$select", "regr_r2(is_solved, month_number)", "expected number, found checkbox", "is_solved"),
        ("$where", "unaccent(month_number) = 'x'", "expected text, found number", "month_number"),
        ("$where", "substring(county, '2') = 'x'", "expected number, found text", "'2'"),
        ("$where", "substring(month_number, 1) = 'x'", "expected text, found number", "month_number"),
        ("$where", "substring(county, 1, is_solved) = 'x'", "expected number, found checkbox", "is_solved"),
        ("$where", "replace(county, 1, 'x') = 'x'", "expected text, found number", "1"),
        ("$where", "replace(county, 'a', 'b') = 1", "expected text, found number", "1"),
        ("$where", "ln(county) > 0", "expected number, found text", "county"),
        ("$where", "ln(month_number) = 'x'", "expected number, found text", "'x'"),
        ("$where", "nullif(county, 1) is null", "expected text, found number", "1"),
        ("$where", "nullif(record_create_date, reported_at) is null", "expected floating_timestamp, found fixed_timestamp", "reported_at"),
        ("$where", "nullif(null, location) is null", "expected a type that can be compared, found point", "location"),
        ("$where", "greatest(month_number, county) > 1", "expected number, found text", "county"),
        ("$where", "least(location) is null", "expected a type that can be compared, found point", "location"),
        ("$where", "greatest(record_create_date, 'soon') is null", "expected a floating_timestamp such as '2024-01-31T09:30:00', found 'soon'", "'soon'"),
        ("$where", "least(month_number, 1) = county", "expected number, found text", "county"),
    ];
    for (param, text, message, at) in cases {
        let err = refused(&[(param, text)]);
        let clause = match *param {
            "$where" => Clause::Where,
            _ => Clause::Select,
        };
        assert_error(&err, clause, TypeMismatch, message, text, at);
    }
}

#[test]
fn wrong_calls_say_what_was_expected() {
    #[rustfmt::skip]
    let cases: &[(&str, ErrorCode, &str, &str)] = &[
        ("substring(county) = 'x'", NoSuchFunction, "expected 2 or 3 arguments to `substring`, found 1", "substring(county)"),
        ("substring(county, 1, 2, 3) = 'x'", NoSuchFunction, "expected 2 or 3 arguments to `substring`, found 4", "substring(county, 1, 2, 3)"),
        ("replace(county, 'a') = 'x'", NoSuchFunction, "expected 3 arguments to `replace`, found 2", "replace(county, 'a')"),
        ("unaccent() = 'x'", NoSuchFunction, "expected 1 argument to `unaccent`, found 0", "unaccent()"),
        ("ln(1, 2) > 1", NoSuchFunction, "expected 1 argument to `ln`, found 2", "ln(1, 2)"),
        ("nullif(county) = 'x'", NoSuchFunction, "expected 2 arguments to `nullif`, found 1", "nullif(county)"),
        ("nullif(county, county, county) = 'x'", NoSuchFunction, "expected 2 arguments to `nullif`, found 3", "nullif(county, county, county)"),
        ("greatest() = 1", NoSuchFunction, "expected at least 1 argument to `greatest`, found 0", "greatest()"),
        ("least() = 1", NoSuchFunction, "expected at least 1 argument to `least`, found 0", "least()"),
        ("regr_slope(month_number) > 1", NoSuchFunction, "expected 2 arguments to `regr_slope`, found 1", "regr_slope(month_number)"),
        ("stddev_pop() > 1", NoSuchFunction, "expected 1 argument to `stddev_pop`, found 0", "stddev_pop()"),
        ("unacent(county) = 'x'", NoSuchFunction, "no such function: `unacent`; did you mean `unaccent`?", "unacent(county)"),
        ("stddev_sample(month_number) > 1", NoSuchFunction, "no such function: `stddev_sample`; did you mean `stddev_samp`?", "stddev_sample(month_number)"),
        ("greatest(distinct county) = 'x'", NoSuchFunction, "expected `count` before DISTINCT, found `greatest`", "greatest(distinct county)"),
    ];
    for (text, code, message, at) in cases {
        let err = refused(&[("$where", text)]);
        assert_error(&err, Clause::Where, *code, message, text, at);
    }
}

/// SODA parameters and their text.
type Params<'a> = &'a [(&'a str, &'a str)];

#[test]
fn statistics_are_aggregates_like_sum() {
    let in_where = "expected a row value in $where (use $having to filter on aggregates), \
                    found the aggregate `stddev_pop`";
    let group = "county, regr_slope(month_number, 1)";
    #[rustfmt::skip]
    let cases: &[(Params, Clause, &str, &str)] = &[
        (&[("$where", "stddev_pop(month_number) > 1")], Clause::Where, in_where, "stddev_pop(month_number)"),
        (&[("$select", "county"), ("$group", group)], Clause::Group, "expected a row value in $group, found the aggregate `regr_slope`", "regr_slope(month_number, 1)"),
        (&[("$select", "stddev_samp(sum(month_number))")], Clause::Select, "expected a row value inside `stddev_samp`, found another aggregate", "sum(month_number)"),
        (&[("$select", "regr_intercept(month_number, count(*))")], Clause::Select, "expected a row value inside `regr_intercept`, found another aggregate", "count(*)"),
        (&[("$select", "sum(regr_r2(month_number, 1))")], Clause::Select, "expected a row value inside `sum`, found another aggregate", "regr_r2(month_number, 1)"),
    ];
    for (params, clause, message, at) in cases {
        let err = refused(params);
        // The error points into the last parameter given.
        let text = params[params.len() - 1].1;
        assert_error(
            &err,
            *clause,
            AggregateInUngroupedContext,
            message,
            text,
            at,
        );
    }
    let err = refused(&[(
        "$select",
        "county, regr_r2(month_number, complaint_year_number)",
    )]);
    assert_eq!(
        (err.clause, err.error.code),
        (Clause::Select, ColumnNotInGroupBys)
    );

    let accepted: &[&[(&str, &str)]] = &[
        &[
            ("$select", "county, stddev_pop(month_number)"),
            ("$group", "county"),
        ],
        &[
            ("$select", "county"),
            ("$group", "county"),
            (
                "$having",
                "regr_r2(month_number, complaint_year_number) > 0.5",
            ),
            ("$order", "stddev_samp(month_number) DESC"),
        ],
        &[(
            "$select",
            "greatest(max(month_number), 3), ln(stddev_pop(month_number))",
        )],
    ];
    for params in accepted {
        assert!(checked(params).is_aggregated(), "{params:?}");
    }
    // The scalar functions are row values and aggregate nothing.
    let rows = checked(&[
        ("$select", "greatest(month_number, 3), nullif(county, 'X')"),
        (
            "$where",
            "ln(month_number) > 1 and substring(county, 1, 1) = 'K'",
        ),
        ("$group", "greatest(month_number, 3), nullif(county, 'X')"),
    ]);
    assert_eq!(rows.group_by.len(), 2);
    let plain = checked(&[("$select", "least(month_number, 3), unaccent(county)")]);
    assert!(!plain.is_aggregated());
}
