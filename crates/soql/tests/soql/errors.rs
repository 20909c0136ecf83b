//! Table-driven error tests: code, message, and 1-based line and column.

use soql::ErrorCode::{self, BadParse, UnexpectedEof, UnterminatedString};
use soql::{SoqlError, parse_expr, parse_order_by, parse_query, parse_selection};

type Parse = fn(&str) -> Result<(), SoqlError>;

fn expr(text: &str) -> Result<(), SoqlError> {
    parse_expr(text).map(drop)
}

fn selection(text: &str) -> Result<(), SoqlError> {
    parse_selection(text).map(drop)
}

fn order(text: &str) -> Result<(), SoqlError> {
    parse_order_by(text).map(drop)
}

fn query(text: &str) -> Result<(), SoqlError> {
    parse_query(text).map(drop)
}

const AFTER_SELECT: &str =
    "`,`, `WHERE`, `GROUP BY`, `HAVING`, `ORDER BY`, `SEARCH`, `LIMIT`, `OFFSET` or end of input";

#[test]
fn parse_errors_say_what_was_expected_and_where() {
    let after_select = format!("expected {AFTER_SELECT}, found `from`");
    #[rustfmt::skip]
    let cases: &[(Parse, &str, ErrorCode, &str, usize, usize)] = &[
        (expr, "", UnexpectedEof, "expected an expression, found end of input", 1, 1),
        (expr, "(a", UnexpectedEof, "expected `)`, found end of input", 1, 3),
        (expr, "a = )", BadParse, "expected an expression, found `)`", 1, 5),
        (expr, "a b", BadParse, "expected an operator or end of input, found `b`", 1, 3),
        (expr, "county = 'KINGS", UnterminatedString, "expected `'` to end the string, found end of input", 1, 10),
        (expr, "`county", UnterminatedString, "expected a back-quote to end the name, found end of input", 1, 1),
        (expr, "a not b", BadParse, "expected `BETWEEN`, `IN` or `LIKE`, found `b`", 1, 7),
        (expr, "a is 1", BadParse, "expected `NOT` or `NULL`, found `1`", 1, 6),
        (expr, "a is not", UnexpectedEof, "expected `NULL`, found end of input", 1, 9),
        (expr, "a between 1 or 2", BadParse, "expected `AND`, found `or`", 1, 13),
        (expr, "a in 1", BadParse, "expected `(`, found `1`", 1, 6),
        (expr, "a in (1, 2", UnexpectedEof, "expected `,` or `)`, found end of input", 1, 11),
        (expr, "a in ()", BadParse, "expected an expression, found `)`", 1, 7),
        (expr, "f(a b)", BadParse, "expected `,` or `)`, found `b`", 1, 5),
        (expr, "a # b", BadParse, "expected an operator or end of input, found `#`", 1, 3),
        (expr, "a = \"b\"", BadParse, "expected an expression, found `\"`", 1, 5),
        (expr, "x = 1e", UnexpectedEof, "expected the digits of an exponent, found end of input", 1, 7),
        (expr, "WHERE", BadParse, "expected an expression, found `WHERE`", 1, 1),
        (expr, "count(distinct *)", BadParse, "expected an expression, found `*`", 1, 16),
        (expr, "a = 1\nand b = )", BadParse, "expected an expression, found `)`", 2, 9),
        (expr, "name = 'é' )", BadParse, "expected an operator or end of input, found `)`", 1, 12),
        (expr, "a 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'", BadParse, "expected an operator or end of input, found `'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa…`", 1, 3),
        (selection, "a,", UnexpectedEof, "expected an expression, found end of input", 1, 3),
        (selection, "a b", BadParse, "expected `,` or end of input, found `b`", 1, 3),
        (selection, "a as select", BadParse, "expected an alias, found `select`", 1, 6),
        (selection, "a as `:b`", BadParse, "expected an alias not starting with `:`, found ``:b``", 1, 6),
        (selection, "a as", UnexpectedEof, "expected an alias, found end of input", 1, 5),
        (selection, "* as x", BadParse, "expected `,` or end of input, found `as`", 1, 3),
        (order, "a desc nulls", UnexpectedEof, "expected `FIRST` or `LAST`, found end of input", 1, 13),
        (order, "a b", BadParse, "expected `,` or end of input, found `b`", 1, 3),
        (query, "county", BadParse, "expected `SELECT`, found `county`", 1, 1),
        (query, "", UnexpectedEof, "expected `SELECT`, found end of input", 1, 1),
        (query, "select * from x", BadParse, &after_select, 1, 10),
        (query, "select * limit 1 where a", BadParse, "expected `OFFSET` or end of input, found `where`", 1, 18),
        (query, "select *\nlimit 1 LIMIT 2", BadParse, "expected `OFFSET` or end of input, found `LIMIT`", 2, 9),
        (query, "select * limit -1", BadParse, "expected a whole number, found `-`", 1, 16),
        (query, "select * limit 1.5", BadParse, "expected a whole number, found `1.5`", 1, 16),
        (query, "select * limit 99999999999999999999", BadParse, "expected a whole number, found `99999999999999999999`", 1, 16),
        (query, "select * group county", BadParse, "expected `BY`, found `county`", 1, 16),
        (query, "select * search county", BadParse, "expected a string, found `county`", 1, 17),
        (query, "select * where a order by b where c", BadParse, "expected `SEARCH`, `LIMIT`, `OFFSET` or end of input, found `where`", 1, 29),
        (query, "select", UnexpectedEof, "expected an expression, found end of input", 1, 7),
        (query, "select a where", UnexpectedEof, "expected an expression, found end of input", 1, 15),
    ];
    for (parse, text, code, message, line, column) in cases {
        let err = parse(text).expect_err(text);
        assert_eq!(
            (err.code, err.message.as_str()),
            (*code, *message),
            "input: {text:?}"
        );
        let position = err.position(text);
        assert_eq!(
            (position.line, position.column),
            (*line, *column),
            "input: {text:?}"
        );
    }
}

#[test]
fn codes_have_socrata_names() {
    let err = parse_expr("'open").unwrap_err();
    assert_eq!(err.code.as_str(), "query.soql.unterminated-string");
    assert_eq!(
        err.to_string(),
        "expected `'` to end the string, found end of input"
    );
    assert_eq!(
        parse_expr("(").unwrap_err().code.as_str(),
        "query.soql.unexpected-eof"
    );
    assert_eq!(
        parse_expr(")").unwrap_err().code.as_str(),
        "query.soql.bad-parse"
    );
}

/// Expressions `depth` nodes deep, in each of the shapes nesting can take.
fn deep_expressions(depth: usize) -> Vec<String> {
    let n = depth - 1;
    vec![
        format!(
            "{}month_number{} = 1",
            "abs(".repeat(n - 1),
            ")".repeat(n - 1)
        ),
        format!("month_number{} = 1", " + 1".repeat(n - 1)),
        format!("is_solved{}", " OR is_solved".repeat(n)),
        format!("{}is_solved", "NOT ".repeat(n)),
        format!("{}month_number = 1", "-".repeat(n - 1)),
        format!("2{} = month_number", " ^ 2".repeat(n - 1)),
    ]
}

#[test]
fn nesting_is_limited_before_the_stack_runs_out() {
    let schema = super::hate_crimes();
    for text in deep_expressions(100) {
        let filter = parse_expr(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let query = soql::Query {
            filter: Some(filter),
            ..soql::Query::default()
        };
        soql::check(&query, &schema).unwrap_or_else(|e| panic!("{e}: {text}"));
        let printed = soql::print_query(&query);
        assert!(parse_query(&printed).is_ok(), "{printed}");
    }
    for text in deep_expressions(101) {
        let err = parse_expr(&text).unwrap_err();
        assert_eq!(err.code, BadParse, "{}", &text[..20]);
        assert_eq!(
            err.message,
            "expected at most 100 levels of nesting, found more"
        );
    }
    // Far deeper input is refused on the way down, before the stack is spent.
    for text in deep_expressions(100_000) {
        let err = parse_expr(&text).unwrap_err();
        assert_eq!(err.code, BadParse, "{}", &text[..20]);
        assert!(
            err.message.ends_with("levels of nesting, found more"),
            "{}",
            err.message
        );
    }
    // Parentheses alone make no depth, but still count towards the stack.
    let parenthesised = |n: usize| format!("{}is_solved{}", "(".repeat(n), ")".repeat(n));
    assert!(parse_expr(&parenthesised(199)).is_ok());
    let err = parse_expr(&parenthesised(200)).unwrap_err();
    assert_eq!(
        err.message,
        "expected at most 200 levels of nesting, found more"
    );
    assert_eq!(err.span.start, 200);
}
