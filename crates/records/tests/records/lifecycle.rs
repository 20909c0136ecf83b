//! The lifecycle: machine names, the moves allowed between states, what
//! each closing reason requires, and tracking numbers.

use records::lifecycle::{
    Closing, ClosingError, ClosingReason, Requirement, State, TrackingError, TrackingNumber,
    TransitionRefused, can_move, check_move, next_states,
};

fn tracking(text: &str) -> TrackingNumber {
    TrackingNumber::parse(text).expect("a test tracking number")
}

#[test]
fn states_and_reasons_round_trip_through_their_names() {
    for state in State::ALL {
        assert_eq!(State::parse(state.as_str()), Ok(state));
    }
    for reason in ClosingReason::ALL {
        assert_eq!(ClosingReason::parse(reason.as_str()), Ok(reason));
    }
    let names: Vec<&str> = State::ALL.iter().map(|state| state.as_str()).collect();
    assert_eq!(
        names,
        [
            "received",
            "triage",
            "in_progress",
            "awaiting_requester",
            "fee_estimate",
            "awaiting_deposit",
            "in_review",
            "awaiting_payment",
            "released",
            "denied",
            "notice_of_intent",
            "litigation",
            "closed",
            "reopened",
        ]
    );
    assert_eq!(
        State::parse("paused").unwrap_err().to_string(),
        "`paused` is not a request state"
    );
    assert_eq!(
        "lost".parse::<ClosingReason>().unwrap_err().to_string(),
        "`lost` is not a closing reason"
    );
}

#[test]
fn the_moves_of_section_3_2_are_allowed() {
    use State::*;
    let allowed = [
        (Received, Triage),
        (Triage, InProgress),
        (Triage, Closed),
        (InProgress, AwaitingRequester),
        (AwaitingRequester, InProgress),
        (InProgress, FeeEstimate),
        (FeeEstimate, AwaitingDeposit),
        (InProgress, AwaitingDeposit),
        (AwaitingDeposit, InProgress),
        (InProgress, InReview),
        (InReview, AwaitingPayment),
        (AwaitingPayment, Released),
        (InReview, Released),
        (InReview, Denied),
        (Denied, NoticeOfIntent),
        (NoticeOfIntent, Litigation),
        (Litigation, Closed),
        (Released, Closed),
        (Closed, Reopened),
        (Reopened, InProgress),
    ];
    for (from, to) in allowed {
        assert!(can_move(from, to), "{from} → {to}");
        assert_eq!(check_move(from, to), Ok(()));
    }
}

#[test]
fn moves_that_skip_a_step_are_refused_naming_both_states() {
    use State::*;
    let refused = [
        (Received, Released),
        (Triage, Released),
        (AwaitingDeposit, Released),
        (InProgress, Released),
        (Denied, Released),
        (Denied, Litigation),
        (Litigation, Released),
        (Closed, InProgress),
        (Closed, Closed),
        (InProgress, InProgress),
        (Reopened, Reopened),
    ];
    for (from, to) in refused {
        assert!(!can_move(from, to), "{from} → {to}");
        assert_eq!(check_move(from, to), Err(TransitionRefused { from, to }));
    }
    assert_eq!(
        check_move(Closed, InProgress).unwrap_err().to_string(),
        "a request cannot move from `closed` to `in_progress`; from `closed` it can move only \
         to `reopened`"
    );
    assert_eq!(
        check_move(Denied, Released).unwrap_err().to_string(),
        "a request cannot move from `denied` to `released`; from `denied` it can move to \
         `notice_of_intent` or `closed`"
    );
}

#[test]
fn every_open_request_can_close_and_only_a_closed_one_reopen() {
    for state in State::ALL {
        assert_eq!(
            can_move(state, State::Closed),
            state.is_open(),
            "{state} → closed"
        );
        assert_eq!(
            can_move(state, State::Reopened),
            state == State::Closed,
            "{state} → reopened"
        );
    }
    assert_eq!(next_states(State::Closed), [State::Reopened]);
}

#[test]
fn every_state_is_reachable_from_received() {
    let mut reached = vec![State::Received];
    let mut i = 0;
    while i < reached.len() {
        for &next in next_states(reached[i]) {
            if !reached.contains(&next) {
                reached.push(next);
            }
        }
        i += 1;
    }

    assert_eq!(reached.len(), State::ALL.len(), "reached {reached:?}");
}

#[test]
fn closing_reasons_require_what_they_name() {
    use ClosingReason::*;
    assert_eq!(NotCustodian.requires(), Some(Requirement::Holder));
    assert_eq!(PubliclyAvailable.requires(), Some(Requirement::PublicLink));
    assert_eq!(Duplicate.requires(), Some(Requirement::Original));
    let need_nothing = ClosingReason::ALL
        .into_iter()
        .filter(|reason| reason.requires().is_none())
        .count();
    assert_eq!(need_nothing, 10);

    for reason in [NotCustodian, PubliclyAvailable, Duplicate] {
        assert!(matches!(
            Closing::new(reason).validate(),
            Err(ClosingError::Missing { .. })
        ));
    }
    assert_eq!(
        Closing::new(NotCustodian)
            .validate()
            .unwrap_err()
            .to_string(),
        "closing as `not_custodian` needs who holds the records"
    );
    assert_eq!(
        Closing::new(Duplicate).validate().unwrap_err().to_string(),
        "closing as `duplicate` needs the tracking number of the original request"
    );
    assert_eq!(Closing::new(Fulfilled).validate(), Ok(()));
}

#[test]
fn a_closing_with_what_it_requires_is_valid() {
    let not_ours = Closing {
        holder: Some("Colorado Department of Revenue, Division of Motor Vehicles".into()),
        ..Closing::new(ClosingReason::NotCustodian)
    };
    let public = Closing {
        public_link: Some("https://data-auroraco.opendata.arcgis.com/datasets/city-limits".into()),
        ..Closing::new(ClosingReason::PubliclyAvailable)
    };
    let duplicate = Closing {
        original: Some(tracking("R25-000101")),
        ..Closing::new(ClosingReason::Duplicate)
    };

    assert_eq!(not_ours.validate(), Ok(()));
    assert_eq!(public.validate(), Ok(()));
    assert_eq!(duplicate.validate(), Ok(()));
}

#[test]
fn a_closing_with_a_blank_holder_a_bad_link_or_a_stray_field_is_refused() {
    let blank = Closing {
        holder: Some("   ".into()),
        ..Closing::new(ClosingReason::NotCustodian)
    };
    let not_a_link = Closing {
        public_link: Some("data-auroraco.opendata.arcgis.com".into()),
        ..Closing::new(ClosingReason::PubliclyAvailable)
    };
    let no_host = Closing {
        public_link: Some("https:///datasets".into()),
        ..Closing::new(ClosingReason::PubliclyAvailable)
    };
    let stray = Closing {
        holder: Some("Denver Police".into()),
        ..Closing::new(ClosingReason::Fulfilled)
    };

    assert!(matches!(
        blank.validate(),
        Err(ClosingError::Missing {
            needs: Requirement::Holder,
            ..
        })
    ));
    assert_eq!(
        not_a_link.validate().unwrap_err().to_string(),
        "the public link must be a web address starting with https:// or http://; found \
         \"data-auroraco.opendata.arcgis.com\""
    );
    assert!(matches!(no_host.validate(), Err(ClosingError::NotALink(_))));
    assert_eq!(
        stray.validate().unwrap_err().to_string(),
        "who holds the records is given only when closing as `not_custodian`; this request \
         closes as `fulfilled`"
    );
}

#[test]
fn a_closing_is_kept_as_its_reason_and_what_it_requires() {
    let duplicate = Closing {
        original: Some(tracking("R25-000101-B")),
        ..Closing::new(ClosingReason::Duplicate)
    };

    let text = toml::to_string(&duplicate).unwrap();

    assert_eq!(
        text,
        "reason = \"duplicate\"\noriginal = \"R25-000101-B\"\n"
    );
    assert_eq!(toml::from_str::<Closing>(&text).unwrap(), duplicate);
    let bad = toml::from_str::<Closing>("reason = \"duplicate\"\noriginal = \"25-101\"\n");
    assert!(bad.is_err());
}

#[test]
fn every_state_and_reason_has_its_own_words() {
    let states: Vec<&str> = State::ALL.iter().map(|state| state.describe()).collect();
    let reasons: Vec<&str> = ClosingReason::ALL
        .iter()
        .map(|reason| reason.describe())
        .collect();

    for words in states.iter().chain(&reasons) {
        assert!(!words.contains('_'), "{words}");
    }
    let mut distinct = states.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), states.len());
    assert_eq!(
        State::AwaitingDeposit.describe(),
        "Waiting for your deposit before work starts"
    );
    assert_eq!(
        ClosingReason::WithdrawnDueToCost.describe(),
        "You withdrew the request because of the cost"
    );
}

#[test]
fn tracking_numbers_round_trip() {
    for text in [
        "R25-000123",
        "R24-001526",
        "R00-000001",
        "R25-999999",
        "R25-000123-A",
        "R25-000123-Z",
    ] {
        assert_eq!(tracking(text).to_string(), text);
    }
    let number = tracking("R25-000123");
    assert_eq!((number.year(), number.number()), (25, 123));
    assert_eq!(number.part_letter(), None);
    assert_eq!(TrackingNumber::new(2025, 123), Ok(number));
    assert_eq!(TrackingNumber::new(25, 123), Ok(number));
    assert_eq!(
        TrackingNumber::new(2100, 1).unwrap().to_string(),
        "R00-000001"
    );
}

#[test]
fn a_request_splits_into_lettered_parts() {
    let whole = TrackingNumber::new(2025, 123).unwrap();

    let part_a = whole.part('A').unwrap();

    assert_eq!(part_a.to_string(), "R25-000123-A");
    assert_eq!(part_a.part_letter(), Some('A'));
    assert_eq!(part_a.parent(), Some(whole));
    assert_eq!(whole.parent(), None);
    assert_eq!(tracking("R25-000123-A"), part_a);
    assert!(whole < part_a && part_a < whole.part('B').unwrap());
    assert_eq!(whole.part('a'), Err(TrackingError::BadPart('a')));
    assert_eq!(whole.part('Ä'), Err(TrackingError::BadPart('Ä')));
    assert_eq!(
        part_a.part('B').unwrap_err().to_string(),
        "R25-000123-A is already a part; parts are not split again"
    );
}

#[test]
fn malformed_tracking_numbers_are_refused() {
    let malformed = [
        "",
        "R",
        "R25",
        "R25-",
        "R25-123",
        "r25-000123",
        "25-000123",
        "#24-1526",
        "R2025-000123",
        "R25-0001234",
        "R25_000123",
        " R25-000123",
        "R25-000123 ",
        "R25-000123-",
        "R25-000123-AB",
        "R25-000123-A-B",
        "R2a-000123",
        "R25-00012x",
        "R+5-000123",
    ];
    for text in malformed {
        assert_eq!(
            TrackingNumber::parse(text),
            Err(TrackingError::Malformed(text.to_string())),
            "{text:?}"
        );
    }
    assert_eq!(
        TrackingNumber::parse("R25-000123-a"),
        Err(TrackingError::BadPart('a'))
    );
    assert_eq!(
        TrackingNumber::parse("R25-000000"),
        Err(TrackingError::NumberOutOfRange(0))
    );
    assert_eq!(
        TrackingNumber::new(2025, 1_000_000)
            .unwrap_err()
            .to_string(),
        "a request's number is 1 to 999999; found 1000000"
    );
    assert_eq!(
        TrackingNumber::parse("R25-123").unwrap_err().to_string(),
        "expected a tracking number such as R25-000123 or R25-000123-A, found \"R25-123\""
    );
}
