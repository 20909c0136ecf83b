//! Checker tests: types, operators, timestamp literals, names and grouping.

use soql::ErrorCode::{self, *};
use soql::SoqlType::{self, *};
use soql::{CheckError, Clause, Func, Query, TypedExpr, TypedKind, TypedQuery, Value};
use soql::{WithoutSpans, check, parse_expr, parse_group_by, parse_order_by, parse_selection};

/// A query assembled from SODA parameters, as the web layer does.
pub fn soda(params: &[(&str, &str)]) -> Query {
    let mut query = Query::default();
    for (name, text) in params {
        match *name {
            "$select" => (query.distinct, query.select) = parse_selection(text).unwrap(),
            "$where" => query.filter = Some(parse_expr(text).unwrap()),
            "$group" => query.group_by = parse_group_by(text).unwrap(),
            "$having" => query.having = Some(parse_expr(text).unwrap()),
            "$order" => query.order_by = parse_order_by(text).unwrap(),
            other => panic!("unknown parameter {other}"),
        }
    }
    query
}

pub fn checked(params: &[(&str, &str)]) -> TypedQuery {
    let query = soda(params);
    check(&query, &super::hate_crimes()).unwrap_or_else(|e| panic!("{params:?}: {e:?}"))
}

pub fn refused(params: &[(&str, &str)]) -> CheckError {
    let query = soda(params);
    match check(&query, &super::hate_crimes()) {
        Ok(typed) => panic!("{params:?} was accepted: {typed:?}"),
        Err(e) => e,
    }
}

/// The typed `$where` of a query that has only that.
fn filter(text: &str) -> TypedExpr {
    checked(&[("$where", text)]).filter.unwrap().without_spans()
}

pub fn col(name: &str, ty: SoqlType) -> TypedExpr {
    let kind = TypedKind::Column(name.to_string());
    TypedExpr {
        kind,
        ty,
        span: Default::default(),
    }
}

pub fn lit(value: Value, ty: SoqlType) -> TypedExpr {
    let kind = TypedKind::Literal(value);
    TypedExpr {
        kind,
        ty,
        span: Default::default(),
    }
}

pub fn call(func: Func, args: Vec<TypedExpr>, ty: SoqlType) -> TypedExpr {
    let kind = TypedKind::Call { func, args };
    TypedExpr {
        kind,
        ty,
        span: Default::default(),
    }
}

fn text(value: &str) -> TypedExpr {
    lit(Value::Text(value.to_string()), Text)
}

pub fn number(value: &str) -> TypedExpr {
    lit(Value::Number(value.to_string()), Number)
}

/// Asserts the error's clause, code and message, and where it points in `text`.
pub fn assert_error(
    err: &CheckError,
    clause: Clause,
    code: ErrorCode,
    message: &str,
    text: &str,
    at: &str,
) {
    assert_eq!((err.clause, err.error.code), (clause, code), "{err:?}");
    assert_eq!(err.error.message, message);
    assert_eq!(
        &text[err.error.span.start..err.error.span.end],
        at,
        "{err:?}"
    );
}

#[test]
fn selected_expressions_have_types_and_implicit_names() {
    let typed = checked(&[(
        "$select",
        "county, complaint_year_number * 2, upper(offense_description), length(county), \
         starts_with(county, 'K'), date_trunc_ym(record_create_date), date_extract_y(reported_at), \
         round(month_number, 1), coalesce(arrest_id, 'none'), case(is_solved, 'yes', true, 'no'), \
         county IS NOT NULL, 1e3, -3.50, .5",
    )]);
    let got: Vec<(&str, SoqlType)> = typed
        .selection
        .iter()
        .map(|s| (s.name.as_str(), s.expr.ty))
        .collect();
    assert_eq!(
        got,
        vec![
            ("county", Text),
            ("complaint_year_number_2", Number),
            ("upper_offense_description", Text),
            ("length_county", Number),
            ("starts_with_county_k", Checkbox),
            ("date_trunc_ym_record_create_date", FloatingTimestamp),
            ("date_extract_y_reported_at", Number),
            ("round_month_number_1", Number),
            ("coalesce_arrest_id_none", Text),
            ("case_is_solved_yes_true_no", Text),
            ("county_is_not_null", Checkbox),
            ("_1e3", Number),
            ("_3_50", Number),
            ("_5", Number),
        ]
    );
    let values: Vec<&TypedKind> = typed.selection[11..].iter().map(|s| &s.expr.kind).collect();
    assert_eq!(
        values,
        vec![
            &TypedKind::Literal(Value::Number("1000".into())),
            &TypedKind::Literal(Value::Number("-3.50".into())),
            &TypedKind::Literal(Value::Number("0.5".into())),
        ]
    );
}

#[test]
fn operators_become_functions() {
    assert_eq!(
        filter("county = 'KINGS' and not is_solved"),
        call(
            Func::And,
            vec![
                call(Func::Eq, vec![col("county", Text), text("KINGS")], Checkbox),
                call(Func::Not, vec![col("is_solved", Checkbox)], Checkbox),
            ],
            Checkbox,
        )
    );
    assert_eq!(
        filter("month_number in (1, 2) or offense_description not like '%X%'"),
        call(
            Func::Or,
            vec![
                call(
                    Func::In,
                    vec![col("month_number", Number), number("1"), number("2")],
                    Checkbox
                ),
                call(
                    Func::NotLike,
                    vec![col("offense_description", Text), text("%X%")],
                    Checkbox
                ),
            ],
            Checkbox,
        )
    );
    let power = checked(&[("$select", "-month_number ^ 2 % 1.5e-2, +month_number")]);
    let neg = call(Func::Neg, vec![col("month_number", Number)], Number);
    let pow = call(Func::Pow, vec![neg, number("2")], Number);
    assert_eq!(
        power.selection[0].expr.without_spans(),
        call(Func::Mod, vec![pow, number("0.015")], Number)
    );
    assert_eq!(
        power.selection[1].expr.without_spans(),
        col("month_number", Number)
    );
}

#[test]
fn text_beside_a_timestamp_becomes_a_timestamp() {
    let floating = |ms| lit(Value::FloatingTimestamp(ms), FloatingTimestamp);
    let fixed = |ms| lit(Value::FixedTimestamp(ms), FixedTimestamp);
    let created = col("record_create_date", FloatingTimestamp);
    // 2020-01-20 is 18,281 days after 1970-01-01: 50 years of 365 days plus
    // 12 leap days (1972..2016), plus 19 days of January.
    assert_eq!(
        filter("record_create_date > '2020-01-20'"),
        call(
            Func::Gt,
            vec![created.clone(), floating(18_281 * 86_400_000)],
            Checkbox
        )
    );
    // 2019-01-01 is 18,262 - 365 = 17,897 days in; the end of 2019 is 1 ms
    // before day 18,262.
    assert_eq!(
        filter("record_create_date between '2019-01-01' and '2019-12-31T23:59:59.999'"),
        call(
            Func::Between,
            vec![
                created.clone(),
                floating(1_546_300_800_000),
                floating(1_577_836_799_999)
            ],
            Checkbox,
        )
    );
    // 09:30 at -07:00 is 16:30 UTC on 2021-03-14, day 18,700.
    let instant = 18_700 * 86_400_000 + 16 * 3_600_000 + 30 * 60_000;
    assert_eq!(instant, 1_615_739_400_000);
    let reported = col("reported_at", FixedTimestamp);
    assert_eq!(
        filter("'2021-03-14T09:30:00-07:00' <= reported_at"),
        call(Func::LtEq, vec![fixed(instant), reported.clone()], Checkbox)
    );
    assert_eq!(
        filter(":created_at in ('2021-03-14 16:30Z', '1969-12-31T23:59:59Z')"),
        call(
            Func::In,
            vec![
                col(":created_at", FixedTimestamp),
                fixed(instant),
                fixed(-1_000)
            ],
            Checkbox,
        )
    );
    // Text against text stays text.
    assert_eq!(
        filter("county > '2020-01-01'"),
        call(
            Func::Gt,
            vec![col("county", Text), text("2020-01-01")],
            Checkbox
        )
    );
}

#[test]
fn nulls_take_the_type_of_the_other_side() {
    let typed = filter("complaint_year_number = null and coalesce(null, month_number) > 1");
    let TypedKind::Call { args, .. } = &typed.kind else {
        panic!("{typed:?}")
    };
    assert_eq!(
        args[0],
        call(
            Func::Eq,
            vec![
                col("complaint_year_number", Number),
                lit(Value::Null, Number)
            ],
            Checkbox
        )
    );
    let TypedKind::Call { args: gt, .. } = &args[1].kind else {
        panic!("{typed:?}")
    };
    assert_eq!(
        gt[0],
        call(
            Func::Coalesce,
            vec![lit(Value::Null, Number), col("month_number", Number)],
            Number
        )
    );
}

#[test]
fn type_errors_name_both_types() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str)] = &[
        ("$where", "complaint_year_number", "expected checkbox, found number", "complaint_year_number"),
        ("$where", "county = 1", "expected text, found number", "1"),
        ("$where", "upper(complaint_year_number) = 'A'", "expected text, found number", "complaint_year_number"),
        ("$where", "county || 1 = 'x'", "expected text, found number", "1"),
        ("$where", "-county = 1", "expected number, found text", "county"),
        ("$where", "is_solved and 1", "expected checkbox, found number", "1"),
        ("$where", "location = location", "expected a type that can be compared, found point", "location"),
        ("$where", "date_trunc_ym(reported_at) is null", "expected floating_timestamp, found fixed_timestamp", "reported_at"),
        ("$where", "date_extract_y(county) = 1", "expected floating_timestamp or fixed_timestamp, found text", "county"),
        ("$where", "case(county, 1) = 1", "expected checkbox, found text", "county"),
        ("$where", "case(is_solved, 1, true, 'x') = 1", "expected number, found text", "'x'"),
        ("$where", "coalesce(arrest_id, 1) = 'x'", "expected text, found number", "1"),
        ("$where", "record_create_date = reported_at", "expected floating_timestamp, found fixed_timestamp", "reported_at"),
        ("$where", "record_create_date > 'yesterday'", "expected a floating_timestamp such as '2024-01-31T09:30:00', found 'yesterday'", "'yesterday'"),
        ("$where", "record_create_date > '2020-01-01Z'", "expected a floating_timestamp such as '2024-01-31T09:30:00', found '2020-01-01Z'", "'2020-01-01Z'"),
        ("$where", "reported_at > '2020-02-30'", "expected a fixed_timestamp such as '2024-01-31T09:30:00Z', found '2020-02-30'", "'2020-02-30'"),
        ("$select", "sum(county)", "expected number, found text", "county"),
        ("$select", "min(location)", "expected a type with an order, found point", "location"),
        ("$order", "location", "expected a type with an order, found point", "location"),
    ];
    for (param, text, message, at) in cases {
        let err = refused(&[(param, text)]);
        let clause = match *param {
            "$where" => Clause::Where,
            "$select" => Clause::Select,
            _ => Clause::Order,
        };
        assert_error(&err, clause, TypeMismatch, message, text, at);
    }
    let err = refused(&[("$select", "county"), ("$having", "count(*)")]);
    assert_error(
        &err,
        Clause::Having,
        TypeMismatch,
        "expected checkbox, found number",
        "count(*)",
        "count(*)",
    );
}

#[test]
fn unknown_names_and_wrong_calls() {
    #[rustfmt::skip]
    let cases: &[(&str, ErrorCode, &str, &str)] = &[
        ("conty = 'x'", NoSuchColumn, "no such column: `conty`; did you mean `county`?", "conty"),
        ("zzz", NoSuchColumn, "no such column: `zzz`", "zzz"),
        ("`County` = 'x'", NoSuchColumn, "no such column: `County`; did you mean `county`?", "`County`"),
        ("uper(county) = 'x'", NoSuchFunction, "no such function: `uper`; did you mean `upper`?", "uper(county)"),
        ("upper(county, county) = 'x'", NoSuchFunction, "expected 1 argument to `upper`, found 2", "upper(county, county)"),
        ("round() = 1", NoSuchFunction, "expected 1 or 2 arguments to `round`, found 0", "round()"),
        ("coalesce() = 1", NoSuchFunction, "expected at least 1 argument to `coalesce`, found 0", "coalesce()"),
        ("case(is_solved) = 1", NoSuchFunction, "expected an even number of arguments (condition, value, ...) to `case`, found 1", "case(is_solved)"),
        ("upper(distinct county) = 'x'", NoSuchFunction, "expected `count` before DISTINCT, found `upper`", "upper(distinct county)"),
        ("upper(*) = 'x'", BadParse, "expected an expression, found `*`; only a selection and count(*) may use `*`", "*"),
    ];
    for (text, code, message, at) in cases {
        let err = refused(&[("$where", text)]);
        assert_error(&err, Clause::Where, *code, message, text, at);
    }
}
