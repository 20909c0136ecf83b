//! The clock engine against worked examples on Aurora's calendar: each test
//! checks the due date and the lines that explain it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::America::Denver;
use records::calendar::Calendar;
use records::clock::{
    Clock, ClockError, ClockName, ClockStatus, Clocks, Event, ExtensionRefused, Timeliness,
    check_extension, compute_clocks, deadline_changes, timeliness,
};
use records::jurisdiction::Jurisdiction;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a test date")
}

/// A local time in Denver, "2025-11-26 10:15:00", as an instant.
fn denver(text: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("a test time");
    Denver
        .from_local_datetime(&local)
        .single()
        .expect("an unambiguous local time")
        .with_timezone(&Utc)
}

fn clocks(events: &[Event]) -> Clocks {
    clocks_on(events, &Jurisdiction::aurora().calendar())
}

fn clocks_on(events: &[Event], calendar: &Calendar) -> Clocks {
    compute_clocks(events, &Jurisdiction::aurora(), calendar).expect("the clocks compute")
}

fn clock(clocks: &Clocks, name: ClockName) -> &Clock {
    clocks.get(name).expect("the clock has started")
}

/// Asserts that the explanation has each line, in this order.
fn assert_explains(clock: &Clock, expected: &[&str]) {
    let lines = clock.explanation.lines();
    let mut rest = lines.iter();
    for line in expected {
        assert!(
            rest.any(|have| have == line),
            "missing or out of order: {line:?}\nexplanation:\n{}",
            clock.explanation
        );
    }
}

fn received(text: &str) -> Event {
    Event::Received { at: denver(text) }
}

#[test]
fn worked_example_wednesday_before_thanksgiving() {
    let clocks = clocks(&[received("2025-11-26 10:15:00")]);
    let response = clock(&clocks, ClockName::Response);

    assert_eq!(response.due, date("2025-12-03"));
    assert_eq!(response.status, ClockStatus::Running);
    assert_eq!(
        response.explanation.to_string(),
        "Day 0: Wed 26 Nov 2025, received 10:15 MST\n\
         Thu 27 Nov 2025 skipped: closure day (Thanksgiving Day)\n\
         Fri 28 Nov 2025 skipped: closure day (Day after Thanksgiving)\n\
         Sat 29 Nov 2025 skipped: weekend\n\
         Sun 30 Nov 2025 skipped: weekend\n\
         Working day 1: Mon 1 Dec 2025\n\
         Working day 2: Tue 2 Dec 2025\n\
         Working day 3: Wed 3 Dec 2025\n\
         Due: Wed 3 Dec 2025 — 3 working days after the day of receipt (C.R.S. 24-72-203(3)(b))"
    );
    // The end of Wed 3 Dec in Denver.
    assert_eq!(response.deadline, denver("2025-12-04 00:00:00"));
    assert_eq!(
        clock(&clocks, ClockName::ExtensionNotice).due,
        date("2025-12-03")
    );
}

#[test]
fn worked_example_longest_extension() {
    let clocks = clocks(&[
        received("2025-11-26 10:15:00"),
        Event::ExtensionFindingSent {
            at: denver("2025-12-03 16:00:00"),
            working_days: 7,
        },
    ]);
    let response = clock(&clocks, ClockName::Response);

    assert_eq!(response.due, date("2025-12-12"));
    assert!(response.extended);
    assert_explains(
        response,
        &[
            "Working day 3: Wed 3 Dec 2025",
            "Original due date: Wed 3 Dec 2025, 3 working days after the day of receipt",
            "Extended by 7 working days: written finding of extenuating circumstances sent \
             Wed 3 Dec 2025 16:00 MST, within the 3 working days allowed",
            "Sat 6 Dec 2025 skipped: weekend",
            "Working day 10: Fri 12 Dec 2025",
            "Due: Fri 12 Dec 2025 — 3 working days after the day of receipt, extended by 7 \
             working days on a written finding of extenuating circumstances (C.R.S. \
             24-72-203(3)(b))",
        ],
    );
    let notice = clock(&clocks, ClockName::ExtensionNotice);
    assert_eq!(notice.status, ClockStatus::Met);
    assert_explains(
        notice,
        &["Met: written finding sent Wed 3 Dec 2025 16:00 MST, on time"],
    );
}

#[test]
fn a_request_received_on_a_friday_counts_over_the_weekend() {
    let clocks = clocks(&[received("2025-03-14 09:00:00")]);
    let response = clock(&clocks, ClockName::Response);

    assert_eq!(response.due, date("2025-03-19"));
    assert_explains(
        response,
        &[
            "Day 0: Fri 14 Mar 2025, received 09:00 MDT",
            "Sat 15 Mar 2025 skipped: weekend",
            "Sun 16 Mar 2025 skipped: weekend",
            "Working day 1: Mon 17 Mar 2025",
            "Due: Wed 19 Mar 2025 — 3 working days after the day of receipt (C.R.S. \
             24-72-203(3)(b))",
        ],
    );
}

#[test]
fn a_request_received_one_second_after_the_cutoff_on_a_friday_counts_from_monday() {
    let late = clocks(&[received("2025-03-07 17:00:01")]);
    let response = clock(&late, ClockName::Response);

    assert_eq!(response.day_zero, date("2025-03-10"));
    assert_eq!(response.due, date("2025-03-13"));
    assert_explains(
        response,
        &[
            "Received: Fri 7 Mar 2025 17:00:01 MST, after the 17:00 intake cut-off, so it \
             counts from the next working day",
            "Sat 8 Mar 2025 skipped: weekend",
            "Sun 9 Mar 2025 skipped: weekend",
            "Day 0: Mon 10 Mar 2025, the next working day",
            "Working day 1: Tue 11 Mar 2025",
            "Due: Thu 13 Mar 2025 — 3 working days after the day of receipt (C.R.S. \
             24-72-203(3)(b))",
        ],
    );

    let on_the_minute = clocks(&[received("2025-03-07 17:00:00")]);
    assert_eq!(
        clock(&on_the_minute, ClockName::Response).due,
        date("2025-03-12")
    );
}

#[test]
fn daylight_saving_time_changes_in_denver() {
    // 23:30 UTC is 16:30 in winter, before the cut-off...
    let winter = clocks(&[Event::Received {
        at: "2025-03-07T23:30:00Z".parse().unwrap(),
    }]);
    let response = clock(&winter, ClockName::Response);
    assert_eq!(response.due, date("2025-03-12"));
    assert_explains(response, &["Day 0: Fri 7 Mar 2025, received 16:30 MST"]);
    // ...and the deadline, after clocks spring forward on 9 March, is
    // midnight MDT.
    assert_eq!(
        response.deadline,
        "2025-03-13T06:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );

    // ...but 17:30 in summer, after it.
    let summer = clocks(&[Event::Received {
        at: "2025-03-10T23:30:00Z".parse().unwrap(),
    }]);
    let response = clock(&summer, ClockName::Response);
    assert_eq!(response.day_zero, date("2025-03-11"));
    assert_eq!(response.due, date("2025-03-14"));

    // Saturday 1 Nov 2025 is still MDT; clocks fall back on Sunday 2 Nov.
    let autumn = clocks(&[Event::Received {
        at: "2025-11-01T22:30:00Z".parse().unwrap(),
    }]);
    let response = clock(&autumn, ClockName::Response);
    assert_eq!(response.due, date("2025-11-06"));
    assert_explains(
        response,
        &[
            "Received: Sat 1 Nov 2025 16:30 MDT",
            "Sat 1 Nov 2025 skipped: weekend",
            "Sun 2 Nov 2025 skipped: weekend",
            "Day 0: Mon 3 Nov 2025, the next working day",
            "Working day 3: Thu 6 Nov 2025",
        ],
    );
    assert_eq!(
        response.deadline,
        "2025-11-07T07:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
}

#[test]
fn christmas_eve_counts_over_christmas() {
    let clocks = clocks(&[
        received("2025-12-24 11:00:00"),
        Event::ExtensionFindingSent {
            at: denver("2025-12-29 10:00:00"),
            working_days: 7,
        },
    ]);
    let response = clock(&clocks, ClockName::Response);

    assert_eq!(response.due, date("2026-01-09"));
    assert_explains(
        response,
        &[
            "Day 0: Wed 24 Dec 2025, received 11:00 MST",
            "Thu 25 Dec 2025 skipped: closure day (Christmas Day)",
            "Working day 1: Fri 26 Dec 2025",
            "Original due date: Tue 30 Dec 2025, 3 working days after the day of receipt",
            "Thu 1 Jan 2026 skipped: closure day (New Year's Day, projected)",
            "Working day 10: Fri 9 Jan 2026",
        ],
    );
}

#[test]
fn new_years_eve_counts_over_the_projected_new_years_day() {
    let clocks = clocks(&[received("2025-12-31 14:00:00")]);
    let response = clock(&clocks, ClockName::Response);

    assert_eq!(response.due, date("2026-01-06"));
    assert_explains(
        response,
        &[
            "Day 0: Wed 31 Dec 2025, received 14:00 MST",
            "Thu 1 Jan 2026 skipped: closure day (New Year's Day, projected)",
            "Working day 1: Fri 2 Jan 2026",
            "Sat 3 Jan 2026 skipped: weekend",
            "Working day 3: Tue 6 Jan 2026",
        ],
    );
}

#[test]
fn a_closure_day_added_after_filing_moves_the_due_date_and_the_report_names_it() {
    let events = [received("2025-12-01 10:00:00")];
    let before = Jurisdiction::aurora().calendar();
    let mut after = before.clone();
    after
        .add_closure(date("2025-12-02"), "Snow closure", "clerk.ortiz")
        .unwrap();

    assert_eq!(
        clock(&clocks_on(&events, &before), ClockName::Response).due,
        date("2025-12-04")
    );
    let moved = clocks_on(&events, &after);
    let response = clock(&moved, ClockName::Response);
    assert_eq!(response.due, date("2025-12-05"));
    assert_explains(
        response,
        &["Tue 2 Dec 2025 skipped: closure day (Snow closure)"],
    );

    let changes = deadline_changes(&events, &Jurisdiction::aurora(), &before, &after).unwrap();
    let names: Vec<ClockName> = changes.iter().map(|change| change.clock).collect();
    assert_eq!(names, [ClockName::Response, ClockName::ExtensionNotice]);
    assert_eq!(changes[0].before, date("2025-12-04"));
    assert_eq!(changes[0].after, date("2025-12-05"));
    assert_eq!(
        changes[0].to_string(),
        "response due Thu 4 Dec 2025, now Fri 5 Dec 2025 because Tue 2 Dec 2025 is now a \
         closure day (Snow closure)"
    );

    let unrelated = [received("2025-12-08 10:00:00")];
    let none = deadline_changes(&unrelated, &Jurisdiction::aurora(), &before, &after).unwrap();
    assert!(none.is_empty());
}

#[test]
fn a_litigation_notice_ending_on_a_closed_day_ends_on_the_next_working_day() {
    let clocks = clocks(&[
        received("2025-11-03 10:00:00"),
        Event::Denied {
            at: denver("2025-11-05 10:00:00"),
        },
        Event::NoticeOfIntent {
            at: denver("2025-12-11 09:30:00"),
            expedited: false,
        },
    ]);
    let notice = clock(&clocks, ClockName::LitigationNotice);

    assert_eq!(notice.due, date("2025-12-26"));
    assert_explains(
        notice,
        &[
            "Day 0: Thu 11 Dec 2025, notice of intent received 09:30 MST",
            "14 calendar days later: Thu 25 Dec 2025",
            "Thu 25 Dec 2025 skipped: closure day (Christmas Day)",
            "Due: Fri 26 Dec 2025 — 14 days' written notice of intent to apply to court, \
             ending on the next working day when the last day is closed (C.R.S. 24-72-204(5)); \
             this value is not yet verified",
        ],
    );
    assert_eq!(clock(&clocks, ClockName::Response).status, ClockStatus::Met);
}

#[test]
fn an_expedited_litigation_notice_counts_three_working_days() {
    let clocks = clocks(&[
        received("2025-11-17 10:00:00"),
        Event::Denied {
            at: denver("2025-11-19 10:00:00"),
        },
        Event::NoticeOfIntent {
            at: denver("2025-11-26 15:00:00"),
            expedited: true,
        },
        Event::Conferred {
            at: denver("2025-12-02 11:00:00"),
        },
    ]);
    let notice = clock(&clocks, ClockName::LitigationNotice);

    assert_eq!(notice.due, date("2025-12-03"));
    assert_eq!(notice.status, ClockStatus::Met);
    assert_explains(
        notice,
        &[
            "Day 0: Wed 26 Nov 2025, notice of intent received 15:00 MST",
            "Thu 27 Nov 2025 skipped: closure day (Thanksgiving Day)",
            "Due: Wed 3 Dec 2025 — 3 working days' notice of intent to apply to court, the \
             requester having stated an expedited need (C.R.S. 24-72-204(5)); this value is \
             not yet verified",
            "Met: conferred with the requester Tue 2 Dec 2025 11:00 MST, on time",
        ],
    );
}

#[test]
fn records_go_out_within_three_working_days_of_payment() {
    let clocks = clocks(&[
        received("2025-06-30 09:00:00"),
        Event::DepositRequested {
            at: denver("2025-07-01 15:00:00"),
        },
        Event::PaymentReceived {
            at: denver("2025-07-03 15:00:00"),
        },
        Event::Released {
            at: denver("2025-07-09 16:59:00"),
        },
    ]);
    let transmission = clock(&clocks, ClockName::Transmission);

    assert_eq!(transmission.due, date("2025-07-09"));
    assert_eq!(transmission.status, ClockStatus::Met);
    assert_explains(
        transmission,
        &[
            "Day 0: Thu 3 Jul 2025, payment received 15:00 MDT",
            "Fri 4 Jul 2025 skipped: closure day (Independence Day)",
            "Working day 1: Mon 7 Jul 2025",
            "Due: Wed 9 Jul 2025 — 3 working days after the day of payment (C.R.S. \
             24-72-205(1)(b))",
            "Met: records released Wed 9 Jul 2025 16:59 MDT, on time",
        ],
    );
    let deposit = clock(&clocks, ClockName::Deposit);
    assert_eq!(
        (deposit.due, deposit.status),
        (date("2025-07-03"), ClockStatus::Met)
    );
    let response = clock(&clocks, ClockName::Response);
    assert_explains(
        response,
        &["Met: fee estimate and deposit request sent Tue 1 Jul 2025 15:00 MDT, on time"],
    );
}

#[test]
fn an_extension_finding_sent_after_the_first_three_days_is_refused() {
    let events = [received("2025-11-26 10:15:00")];
    let profile = Jurisdiction::aurora();
    let calendar = profile.calendar();

    let late = check_extension(
        &events,
        &profile,
        &calendar,
        denver("2025-12-04 09:00:00"),
        5,
    );
    let Err(ClockError::Extension(ExtensionRefused::TooLate { window_end, .. })) = &late else {
        panic!("expected a refusal, got {late:?}");
    };
    assert_eq!(*window_end, date("2025-12-03"));
    assert_eq!(
        late.unwrap_err().to_string(),
        "extension refused: the written finding was sent Thu 4 Dec 2025 09:00 MST, but it \
         must reach the requester within 3 working days after day 0, which ended Wed 3 Dec \
         2025 (C.R.S. 24-72-203(3)(b))"
    );

    let long = check_extension(
        &events,
        &profile,
        &calendar,
        denver("2025-12-01 09:00:00"),
        8,
    );
    assert_eq!(
        long.unwrap_err().to_string(),
        "extension refused: 8 more working days would extend the response by 8, more than \
         the 7 working days allowed (C.R.S. 24-72-203(3)(b))"
    );
    let last_minute = denver("2025-12-03 23:59:59");
    assert!(check_extension(&events, &profile, &calendar, last_minute, 7).is_ok());
}

#[test]
fn two_findings_together_stay_within_the_maximum() {
    let first = [
        received("2025-11-26 10:15:00"),
        Event::ExtensionFindingSent {
            at: denver("2025-12-01 09:00:00"),
            working_days: 4,
        },
    ];
    let profile = Jurisdiction::aurora();
    let calendar = profile.calendar();

    let too_many = check_extension(
        &first,
        &profile,
        &calendar,
        denver("2025-12-02 09:00:00"),
        4,
    );
    assert!(matches!(
        too_many,
        Err(ClockError::Extension(ExtensionRefused::TooLong {
            already: 4,
            ..
        }))
    ));
    let mut both = first.to_vec();
    both.push(Event::ExtensionFindingSent {
        at: denver("2025-12-02 09:00:00"),
        working_days: 3,
    });
    assert_eq!(
        clock(&clocks(&both), ClockName::Response).due,
        date("2025-12-12")
    );
}

#[test]
fn the_response_clock_keeps_running_while_waiting_unless_the_requester_agrees() {
    let waiting = [received("2025-12-01 10:00:00")];
    let now = denver("2025-12-10 12:00:00");
    assert_eq!(timeliness(&clocks(&waiting), now), Timeliness::Overdue);

    let agreed = [
        received("2025-12-01 10:00:00"),
        Event::RequesterAgreedTo {
            date: date("2025-12-19"),
        },
    ];
    let clocks = clocks(&agreed);
    let response = clock(&clocks, ClockName::Response);

    assert_eq!(response.due, date("2025-12-19"));
    assert_explains(
        response,
        &[
            "Working day 3: Thu 4 Dec 2025",
            "The requester agreed to a new response date: Fri 19 Dec 2025",
            "Due: Fri 19 Dec 2025 — the date the requester agreed to, in place of the \
             statutory period (C.R.S. 24-72-203(3)(b))",
        ],
    );
    assert_eq!(timeliness(&clocks, now), Timeliness::ExtendedOnTime);
}

#[test]
fn a_narrowed_request_restarted_as_new_counts_from_a_new_day_zero() {
    let clocks = clocks(&[
        received("2025-11-26 10:15:00"),
        Event::RestartedAsNewRequest {
            at: denver("2025-12-02 14:00:00"),
        },
    ]);
    let response = clock(&clocks, ClockName::Response);

    assert_eq!(response.day_zero, date("2025-12-02"));
    assert_eq!(response.due, date("2025-12-05"));
    assert_eq!(
        response.explanation.lines()[..2],
        [
            "Restarted as a new request: the narrowed request counts from a new day 0 (the \
             original was received Wed 26 Nov 2025 10:15 MST)",
            "Day 0: Tue 2 Dec 2025, narrowed request received 14:00 MST",
        ]
    );
    assert_explains(
        response,
        &["Due: Fri 5 Dec 2025 — 3 working days after the new day 0 (C.R.S. 24-72-203(3)(b))"],
    );
    assert_eq!(
        clock(&clocks, ClockName::ExtensionNotice).due,
        date("2025-12-05")
    );
}

#[test]
fn the_statement_of_grounds_is_due_forthwith_read_as_three_working_days() {
    let clocks = clocks(&[
        received("2025-11-03 10:00:00"),
        Event::Denied {
            at: denver("2025-11-05 10:00:00"),
        },
        Event::GroundsRequested {
            at: denver("2025-11-07 12:00:00"),
        },
        Event::GroundsStatementSent {
            at: denver("2025-11-13 09:00:00"),
        },
    ]);
    let grounds = clock(&clocks, ClockName::GroundsStatement);

    // Veterans Day, Tue 11 Nov, is skipped.
    assert_eq!(grounds.due, date("2025-11-13"));
    assert_eq!(grounds.status, ClockStatus::Met);
    assert_explains(
        grounds,
        &[
            "Tue 11 Nov 2025 skipped: closure day (Veterans Day)",
            "Due: Thu 13 Nov 2025 — the written grounds of the denial, furnished forthwith, \
             read as 3 working days (C.R.S. 24-72-204(4)); this value is not yet verified",
        ],
    );
    assert_eq!(
        clock(&clocks, ClockName::ExtensionNotice).status,
        ClockStatus::Stopped
    );
}

#[test]
fn a_late_release_misses_the_response_and_closing_stops_the_rest() {
    let clocks = clocks(&[
        received("2025-11-26 10:15:00"),
        Event::Released {
            at: denver("2025-12-04 08:00:00"),
        },
        Event::NoticeOfIntent {
            at: denver("2025-12-05 08:00:00"),
            expedited: false,
        },
        Event::Closed {
            at: denver("2025-12-08 08:00:00"),
        },
    ]);

    let response = clock(&clocks, ClockName::Response);
    assert_eq!(response.status, ClockStatus::Missed);
    assert_explains(
        response,
        &["Missed: records released Thu 4 Dec 2025 08:00 MST, after the deadline"],
    );
    let notice = clock(&clocks, ClockName::LitigationNotice);
    assert_eq!(notice.status, ClockStatus::Stopped);
    assert_explains(
        notice,
        &["Stopped: request closed Mon 8 Dec 2025 08:00 MST"],
    );
    assert_eq!(
        timeliness(&clocks, denver("2026-02-01 00:00:00")),
        Timeliness::OnTrack
    );
}

#[test]
fn timeliness_goes_from_on_track_to_due_soon_to_overdue() {
    let clocks = clocks(&[received("2025-11-26 10:15:00")]);

    assert_eq!(
        timeliness(&clocks, denver("2025-12-01 16:00:00")),
        Timeliness::OnTrack
    );
    assert_eq!(
        timeliness(&clocks, denver("2025-12-02 00:00:00")),
        Timeliness::DueSoon
    );
    assert_eq!(
        timeliness(&clocks, denver("2025-12-03 23:59:59")),
        Timeliness::DueSoon
    );
    assert_eq!(
        timeliness(&clocks, denver("2025-12-04 00:00:00")),
        Timeliness::Overdue
    );

    let extended = compute_clocks(
        &[
            received("2025-11-26 10:15:00"),
            Event::ExtensionFindingSent {
                at: denver("2025-12-02 10:00:00"),
                working_days: 7,
            },
        ],
        &Jurisdiction::aurora(),
        &Jurisdiction::aurora().calendar(),
    )
    .unwrap();
    let after_original = denver("2025-12-05 10:00:00");
    assert_eq!(
        timeliness(&extended, after_original),
        Timeliness::ExtendedOnTime
    );
}

#[test]
fn a_request_starts_with_its_receipt() {
    let profile = Jurisdiction::aurora();
    let calendar = profile.calendar();

    let no_receipt = [Event::Denied {
        at: denver("2025-11-26 10:15:00"),
    }];
    let err = compute_clocks(&no_receipt, &profile, &calendar).unwrap_err();
    assert_eq!(err, ClockError::NotReceived);
    let twice = [
        received("2025-11-26 10:15:00"),
        received("2025-11-27 10:15:00"),
    ];
    let err = compute_clocks(&twice, &profile, &calendar).unwrap_err();
    assert_eq!(err, ClockError::ReceivedTwice);
    let too_early = [received("2010-01-04 10:00:00")];
    let err = compute_clocks(&too_early, &profile, &calendar).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the profile has no value of `response_working_days` in force on 2010-01-04"
    );
}

#[test]
fn events_round_trip_through_serde_tagged_by_name() {
    // The web layer stores events, tagged by their snake_case name.
    let event = Event::NoticeOfIntent {
        at: denver("2025-12-11 09:30:00"),
        expedited: true,
    };
    let text = toml::to_string(&event).unwrap();
    assert!(text.contains("event = \"notice_of_intent\""), "{text}");
    assert_eq!(toml::from_str::<Event>(&text).unwrap(), event);
}
