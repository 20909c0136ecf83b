//! The working-day calendar: listed, generated and added closure days.

use chrono::NaiveDate;
use records::calendar::{CalendarError, ClosureOrigin, DayKind};
use records::jurisdiction::{AURORA_PROFILE, Jurisdiction};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a test date")
}

fn closures(year: i32, profile: &Jurisdiction) -> Vec<(NaiveDate, String)> {
    let calendar = profile.calendar();
    let days = calendar.closures_in(year);
    days.into_iter().map(|day| (day.date, day.reason)).collect()
}

#[test]
fn holidays_of_a_year_the_profile_does_not_list_come_from_the_rules() {
    let got = closures(2027, &Jurisdiction::aurora());

    let expected = [
        ("2027-01-01", "New Year's Day"),
        ("2027-01-18", "Martin Luther King Jr. Day"),
        ("2027-02-15", "Presidents Day"),
        ("2027-05-31", "Memorial Day"),
        ("2027-06-18", "Juneteenth (observed)"),
        ("2027-07-05", "Independence Day (observed)"),
        ("2027-09-06", "Labor Day"),
        ("2027-11-11", "Veterans Day"),
        ("2027-11-25", "Thanksgiving Day"),
        ("2027-11-26", "Day after Thanksgiving"),
        ("2027-12-24", "Christmas Day (observed)"),
        ("2027-12-31", "New Year's Day (observed)"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(day, reason)| (date(day), reason.to_string()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn a_saturday_holiday_closes_the_friday_before_and_a_sunday_one_the_monday_after() {
    let calendar = Jurisdiction::aurora().calendar();

    // Juneteenth 2027 is a Saturday, Independence Day 2027 a Sunday.
    assert!(!calendar.is_working_day(date("2027-06-18")));
    assert!(calendar.is_working_day(date("2027-06-21")));
    assert!(!calendar.is_working_day(date("2027-07-05")));
    assert!(calendar.is_working_day(date("2027-07-02")));
    // New Year's Day 2028 is a Saturday: the offices close on 31 Dec 2027.
    assert_eq!(
        calendar
            .closure_on(date("2027-12-31"))
            .map(|day| day.reason),
        Some("New Year's Day (observed)".to_string())
    );
}

#[test]
fn the_observance_rule_is_a_setting_of_the_profile() {
    let text = AURORA_PROFILE.replace(
        r#"value = { saturday = "friday_before", sunday = "monday_after" }"#,
        r#"value = { saturday = "no_day_off", sunday = "monday_after" }"#,
    );
    let profile = Jurisdiction::parse(&text).unwrap();
    let calendar = profile.calendar();

    assert!(calendar.is_working_day(date("2027-06-18")));
    assert!(calendar.is_working_day(date("2027-12-24")));
    assert!(!calendar.is_working_day(date("2027-07-05")));
}

#[test]
fn listed_years_are_confirmed_or_projected_as_the_profile_says_and_generated_ones_projected() {
    let mut calendar = Jurisdiction::aurora().calendar();

    let day = |calendar: &records::calendar::Calendar, d: &str| {
        calendar.closure_on(date(d)).expect("a closure day")
    };
    assert!(!day(&calendar, "2025-11-28").projected);
    assert!(!day(&calendar, "2024-11-29").projected);
    assert!(day(&calendar, "2026-07-03").projected);
    assert_eq!(
        day(&calendar, "2026-07-03").reason,
        "Independence Day (observed)"
    );
    let generated = day(&calendar, "2027-11-25");
    assert!(generated.projected);
    assert_eq!(generated.origin, ClosureOrigin::Rule);

    calendar.confirm_year(2026);
    calendar.confirm_year(2027);

    assert!(!day(&calendar, "2026-07-03").projected);
    assert!(!day(&calendar, "2027-11-25").projected);
    assert!(calendar.closures_in(2027).iter().all(|day| !day.projected));
}

#[test]
fn listed_years_follow_the_list_rather_than_the_rules() {
    let calendar = Jurisdiction::aurora().calendar();

    // Independence Day 2026 is a Saturday; the list closes Friday 3 July.
    assert_eq!(calendar.closures_in(2026).len(), 11);
    assert!(!calendar.is_working_day(date("2026-07-03")));
    // Juneteenth was added in 2022, so a generated 2021 has no closure for it.
    assert!(calendar.is_working_day(date("2021-06-18")));
    assert!(!calendar.is_working_day(date("2022-06-20")));
}

#[test]
fn a_one_off_closure_can_be_added_on_a_working_day_only() {
    let mut calendar = Jurisdiction::aurora().calendar();

    let added = calendar
        .add_closure(date("2025-12-02"), "Snow closure", "clerk.ortiz")
        .unwrap()
        .clone();
    assert_eq!(
        added.origin,
        ClosureOrigin::Added {
            by: "clerk.ortiz".into()
        }
    );
    assert!(!added.projected);
    assert_eq!(
        calendar.day_kind(date("2025-12-02")).to_string(),
        "closure day (Snow closure)"
    );

    let weekend = calendar.add_closure(date("2025-12-06"), "Snow", "clerk.ortiz");
    assert!(matches!(weekend, Err(CalendarError::Weekend { .. })));
    let twice = calendar.add_closure(date("2025-12-25"), "Snow", "clerk.ortiz");
    assert_eq!(
        twice.unwrap_err().to_string(),
        "2025-12-25 is already closed: Christmas Day"
    );

    assert_eq!(
        calendar.remove_added_closure(date("2025-12-02")),
        Some(added)
    );
    assert_eq!(calendar.day_kind(date("2025-12-02")), DayKind::Working);
}

#[test]
fn working_days_skip_weekends_and_closure_days() {
    let calendar = Jurisdiction::aurora().calendar();

    assert_eq!(
        calendar.add_working_days(date("2025-11-26"), 3),
        date("2025-12-03")
    );
    assert_eq!(
        calendar.add_working_days(date("2025-11-26"), 0),
        date("2025-11-26")
    );
    assert_eq!(
        calendar.next_working_day(date("2025-12-24")),
        date("2025-12-26")
    );
    assert_eq!(
        calendar.previous_working_day(date("2025-12-01")),
        date("2025-11-26")
    );
}
