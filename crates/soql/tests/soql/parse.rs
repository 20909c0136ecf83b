//! Table-driven parse tests: input text and the text it prints back as.

use soql::{parse_expr, parse_group_by, parse_order_by, parse_query, parse_selection};
use soql::{print_expr, print_group_by, print_order_by, print_query, print_selection};

fn check_table(parse_and_print: impl Fn(&str) -> String, cases: &[(&str, &str)]) {
    for (input, printed) in cases {
        assert_eq!(parse_and_print(input), *printed, "input: {input}");
    }
}

#[test]
fn expressions_print_with_minimal_parentheses() {
    check_table(
        |text| print_expr(&parse_expr(text).unwrap()),
        &[
            ("county='KINGS'", "county = 'KINGS'"),
            ("a or b and c", "a OR b AND c"),
            ("(a or b) and c", "(a OR b) AND c"),
            ("not a = 1", "NOT a = 1"),
            ("not (a and b)", "NOT (a AND b)"),
            ("1 + 2 * 3", "1 + 2 * 3"),
            ("(1 + 2) * 3", "(1 + 2) * 3"),
            ("a - (b - c)", "a - (b - c)"),
            ("a - b - c", "a - b - c"),
            ("2 ^ 3 ^ 2", "2 ^ 3 ^ 2"),
            ("(2 ^ 3) ^ 2", "(2 ^ 3) ^ 2"),
            ("-2 ^ 2", "-2 ^ 2"),
            ("-(2 ^ 2)", "-(2 ^ 2)"),
            ("- -x", "-(-x)"),
            ("a || b || 'c'", "a || b || 'c'"),
            ("a <> b", "a != b"),
            ("a == b", "a = b"),
            ("x is null", "x IS NULL"),
            ("x IS not NULL", "x IS NOT NULL"),
            ("x between 1 and 2 and y", "x BETWEEN 1 AND 2 AND y"),
            ("x not between 1+1 and 2", "x NOT BETWEEN 1 + 1 AND 2"),
            ("x in ('a','b')", "x IN ('a', 'b')"),
            ("x not in (1)", "x NOT IN (1)"),
            ("name like '%gnu%'", "name LIKE '%gnu%'"),
            ("name not like 'a' || b", "name NOT LIKE 'a' || b"),
            ("'it''s'", "'it''s'"),
            ("true and FALSE or null", "TRUE AND FALSE OR NULL"),
            ("COUNT(*)", "count(*)"),
            ("Count( distinct County )", "count(DISTINCT county)"),
            ("upper(`Weird Name`)", "upper(`Weird Name`)"),
            ("`county`", "county"),
            ("`select`", "`select`"),
            ("`a``b`", "`a``b`"),
            (":ID", ":id"),
            (":@computed_region_x", ":@computed_region_x"),
            ("f()", "f()"),
            ("SUBSTRING(a,1 , 2)", "substring(a, 1, 2)"),
            ("Greatest( a,b,-c )", "greatest(a, b, -c)"),
            ("regr_slope(y,x)/2", "regr_slope(y, x) / 2"),
            ("unaccent(a||'é')", "unaccent(a || 'é')"),
            (".5 + 1e3 + 1.5E-2", ".5 + 1e3 + 1.5E-2"),
            ("a = b is null", "a = b IS NULL"),
            ("(a = b) = c", "a = b = c"),
            ("a = (b = c)", "a = (b = c)"),
            ("(x is null) is null", "x IS NULL IS NULL"),
            ("(a or b) is null", "(a OR b) IS NULL"),
            ("-(a) * +b % c / d", "-a * +b % c / d"),
            ("x between (a = b) and c", "x BETWEEN (a = b) AND c"),
            ("case(a, 1, true, 0)", "case(a, 1, TRUE, 0)"),
            ("  county\n=\t'QUEENS'  ", "county = 'QUEENS'"),
        ],
    );
}

#[test]
fn selections_print_items_and_aliases() {
    check_table(
        |text| {
            let (distinct, items) = parse_selection(text).unwrap();
            print_selection(distinct, &items)
        },
        &[
            ("*", "*"),
            (":*, *", ":*, *"),
            ("distinct county", "DISTINCT county"),
            ("county AS Borough", "county AS borough"),
            ("count(*) as `Total Count`", "count(*) AS `Total Count`"),
            (
                "date_trunc_ym(record_create_date) as month, count(*)",
                "date_trunc_ym(record_create_date) AS month, count(*)",
            ),
            ("", ""),
            ("   ", ""),
            ("DISTINCT *", "DISTINCT *"),
        ],
    );
}

#[test]
fn an_empty_distinct_selection_names_every_column() {
    assert_eq!(print_selection(true, &[]), "DISTINCT *");
    assert_eq!(print_selection(false, &[]), "");
}

#[test]
fn group_and_order_lists() {
    check_table(
        |text| print_group_by(&parse_group_by(text).unwrap()),
        &[
            ("county, month", "county, month"),
            ("", ""),
            ("upper(a)", "upper(a)"),
        ],
    );
    check_table(
        |text| print_order_by(&parse_order_by(text).unwrap()),
        &[
            ("county", "county"),
            ("county asc", "county"),
            ("county DESC, :id", "county DESC, :id"),
            ("a desc null first", "a DESC NULL FIRST"),
            ("a NULLS LAST", "a NULL LAST"),
            ("count(*) desc nulls last, b", "count(*) DESC NULL LAST, b"),
            ("", ""),
        ],
    );
}

#[test]
fn statements_print_clauses_in_canonical_order() {
    check_table(
        |text| print_query(&parse_query(text).unwrap()),
        &[
            ("select *", "SELECT *"),
            ("SELECT DISTINCT county", "SELECT DISTINCT county"),
            (
                "select county, count(*) where complaint_year_number = 2020 group by county \
                 having count(*) > 5 order by count(*) desc limit 10 offset 20",
                "SELECT county, count(*) WHERE complaint_year_number = 2020 GROUP BY county \
                 HAVING count(*) > 5 ORDER BY count(*) DESC LIMIT 10 OFFSET 20",
            ),
            (
                "select * search 'gnu' order by a",
                "SELECT * ORDER BY a SEARCH 'gnu'",
            ),
            ("select * offset 5 limit 1", "SELECT * LIMIT 1 OFFSET 5"),
            ("select * search 'it''s'", "SELECT * SEARCH 'it''s'"),
            (
                "Select a As b Where x Order By b Desc",
                "SELECT a AS b WHERE x ORDER BY b DESC",
            ),
        ],
    );
}

#[test]
fn statement_fields_are_filled() {
    let query = parse_query("select * search 'hate' limit 7 offset 3").unwrap();
    assert_eq!(query.search.as_deref(), Some("hate"));
    assert_eq!(query.limit, Some(7));
    assert_eq!(query.offset, Some(3));
    assert!(query.filter.is_none());
    assert!(query.group_by.is_empty());
}

#[test]
fn spans_point_into_the_statement() {
    let text = "SELECT a WHERE b = 'x'";
    let query = parse_query(text).unwrap();
    let filter = query.filter.unwrap();
    assert_eq!(&text[filter.span.start..filter.span.end], "b = 'x'");
    let (_, items) = parse_selection("x, upper(y) AS z").unwrap();
    let (alias, span) = items[1].alias.clone().unwrap();
    assert_eq!((alias.as_str(), span.start, span.end), ("z", 15, 16));
    assert_eq!((items[1].expr.span.start, items[1].expr.span.end), (3, 11));
}
