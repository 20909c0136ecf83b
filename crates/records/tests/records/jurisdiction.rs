//! The jurisdiction profile: effective-dated values, unverified flags and
//! errors that name the key at fault.

use chrono::{NaiveDate, NaiveTime};
use records::jurisdiction::{AURORA_PROFILE, Jurisdiction, ProfileError};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a test date")
}

/// Aurora's profile with one piece of text swapped for another.
fn aurora_with(from: &str, to: &str) -> Result<Jurisdiction, ProfileError> {
    assert!(AURORA_PROFILE.contains(from), "the profile has {from:?}");
    Jurisdiction::parse(&AURORA_PROFILE.replacen(from, to, 1))
}

const RESPONSE: &str = r#"[[response_working_days]]
from = 2014-07-01
value = 3
citation = "C.R.S. 24-72-203(3)(b)"
unverified = false
"#;

#[test]
fn aurora_is_the_built_in_profile() {
    let aurora = Jurisdiction::aurora();

    assert_eq!(aurora.name, "City of Aurora, Colorado");
    assert_eq!(aurora.custodian, "City Clerk");
    assert_eq!(aurora.zone, chrono_tz::America::Denver);
    let cutoff = aurora
        .rules
        .intake_cutoff
        .value_on(date("2025-11-26"))
        .unwrap();
    assert_eq!(cutoff.value, NaiveTime::from_hms_opt(17, 0, 0).unwrap());
    let response = aurora
        .rules
        .response_working_days
        .value_on(date("2025-11-26"))
        .unwrap();
    assert_eq!(response.value, 3);
    assert_eq!(response.citation, "C.R.S. 24-72-203(3)(b)");
}

#[test]
fn value_on_picks_the_value_in_force_on_the_date() {
    let later = format!(
        "{RESPONSE}\n[[response_working_days]]\nfrom = 2026-07-01\nvalue = 5\n\
         citation = \"a future amendment\"\nunverified = true\n"
    );
    let profile = aurora_with(RESPONSE, &later).unwrap();
    let rule = &profile.rules.response_working_days;

    assert_eq!(rule.value_on(date("2014-06-30")), None);
    assert_eq!(rule.value_on(date("2014-07-01")).unwrap().value, 3);
    assert_eq!(rule.value_on(date("2026-06-30")).unwrap().value, 3);
    let amended = rule.value_on(date("2026-07-01")).unwrap();
    assert_eq!((amended.value, amended.unverified), (5, true));
    assert_eq!(
        rule.value_on(date("2030-01-01")).unwrap().citation,
        "a future amendment"
    );
}

#[test]
fn values_resting_on_unchecked_facts_are_flagged() {
    let aurora = Jurisdiction::aurora();
    let flagged: Vec<&str> = aurora
        .rule_entries()
        .into_iter()
        .filter(|entry| entry.unverified)
        .map(|entry| entry.key)
        .collect();

    assert_eq!(
        flagged,
        [
            "intake_cutoff",
            "grounds_statement_working_days",
            "litigation_notice_calendar_days",
            "litigation_notice_expedited_working_days",
            "weekend_holiday_observance",
            "fees.policy_published",
        ]
    );
    let grounds = aurora.rules.grounds_statement_working_days.entries();
    assert_eq!(grounds[0].citation, "C.R.S. 24-72-204(4)");
    assert_eq!(grounds[0].value, 3);
}

#[test]
fn an_administrator_clears_a_flag_by_key_and_date() {
    let mut aurora = Jurisdiction::aurora();

    aurora
        .clear_unverified("grounds_statement_working_days", date("2014-07-01"))
        .unwrap();

    let grounds = aurora
        .rules
        .grounds_statement_working_days
        .value_on(date("2025-01-01"));
    assert!(!grounds.unwrap().unverified);
    let wrong_date = aurora.clear_unverified("weekend_holiday_observance", date("2020-01-01"));
    assert_eq!(
        wrong_date.unwrap_err().to_string(),
        "`weekend_holiday_observance` has no value taking effect on 2020-01-01"
    );
    let unknown = aurora.clear_unverified("response_days", date("2014-07-01"));
    assert_eq!(
        unknown.unwrap_err().to_string(),
        "`response_days`: not a rule of the profile"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_naming_its_key() {
    let err = aurora_with(
        RESPONSE,
        &RESPONSE.replace("value = 3", "value = \"three\""),
    )
    .unwrap_err();

    let ProfileError::Invalid { key, message } = &err else {
        panic!("expected an invalid key, got {err}");
    };
    assert_eq!(key, "response_working_days");
    assert!(
        message.starts_with("entry 1: `value`: invalid type: string \"three\""),
        "{message}"
    );
}

#[test]
fn profile_errors_name_the_key_and_why() {
    let cases = [
        (
            RESPONSE,
            "",
            "`response_working_days`: missing; a records profile must give it",
        ),
        (
            "time_zone = \"America/Denver\"",
            "time_zone = \"Mountain\"",
            "`jurisdiction.time_zone`: `Mountain` is not an IANA time zone",
        ),
        (
            "value = 17:00:00",
            "value = 2025-01-01",
            "`intake_cutoff`: entry 1: expected a local time such as 17:00:00, found 2025-01-01",
        ),
        (
            "from = 2017-05-04\nvalue = 14",
            "from = 2017-05-04\nvalue = 0",
            "`litigation_notice_calendar_days`: entry 1: a period of 0 days leaves no time at \
             all; give at least 1",
        ),
        (
            "weekday = \"monday\"\nnth = 3",
            "weekday = \"moonday\"\nnth = 3",
            "`holidays`: entry 2: `moonday` is not a weekday",
        ),
        (
            "date = 2024-01-01",
            "date = \"New Year\"",
            "`closure_days`: entry 1: `date`: expected a TOML date or time, found \"New Year\"",
        ),
        (
            "[jurisdiction]",
            "extra = 1\n[jurisdiction]",
            "`extra`: not a key a records profile has",
        ),
    ];
    for (from, to, expected) in cases {
        let err = aurora_with(from, to).unwrap_err();
        assert_eq!(err.to_string(), expected, "replacing {from:?}");
    }
}

#[test]
fn values_listed_out_of_order_are_refused() {
    let earlier = format!(
        "{RESPONSE}\n[[response_working_days]]\nfrom = 2010-01-01\nvalue = 5\n\
         citation = \"x\"\nunverified = false\n"
    );
    let err = aurora_with(RESPONSE, &earlier).unwrap_err();

    assert!(
        err.to_string()
            .starts_with("`response_working_days`: values must be listed oldest first"),
        "{err}"
    );
}

#[test]
fn text_that_is_not_toml_is_refused_with_its_line() {
    let err = Jurisdiction::parse("[jurisdiction\nname = 1").unwrap_err();

    assert!(matches!(err, ProfileError::Syntax(_)));
    assert!(err.to_string().contains("line 1"), "{err}");
}
