//! Fees under CORA and Aurora's code: the cap by the request's date, the
//! free hour, paper and digital pages, the deposit, the 120% limit on the
//! final fee, and the ledger. Every amount is worked out by hand in the
//! test's comment.

use chrono::NaiveDate;
use records::fees::{
    Balance, Delivery, EntryKind, FeeRefused, Ledger, LedgerEntry, LedgerError, Line, OtherCost,
    StaffTime, Work, check_invoice, estimate, format_cents, invoice,
};
use records::jurisdiction::{AURORA_PROFILE, Jurisdiction, ProfileError};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a test date")
}

fn aurora() -> Jurisdiction {
    Jurisdiction::aurora()
}

fn aurora_with(from: &str, to: &str) -> Result<Jurisdiction, ProfileError> {
    assert!(AURORA_PROFILE.contains(from), "the profile has {from:?}");
    Jurisdiction::parse(&AURORA_PROFILE.replacen(from, to, 1))
}

/// Staff time only, in one entry.
fn minutes(minutes: u32) -> Work {
    Work {
        staff_time: vec![StaffTime::new(
            minutes,
            "A. Ortiz",
            "searching the permit files",
        )],
        ..Work::default()
    }
}

/// A bill of one other cost, to reach an exact total.
fn costing(cents: i64) -> Work {
    Work {
        other: vec![OtherCost::new("Certified copies", cents)],
        ..Work::default()
    }
}

fn entry(kind: EntryKind, cents: i64) -> LedgerEntry {
    LedgerEntry {
        on: date("2025-03-20"),
        kind,
        cents,
        note: String::new(),
    }
}

#[test]
fn the_cap_is_the_one_in_force_on_the_request_date() {
    let fees = aurora().fees;
    let cap = |day: &str| fees.hourly_cap.value_on(date(day)).map(|cap| cap.value);

    assert_eq!(cap("2014-06-30"), None);
    assert_eq!(cap("2014-07-01"), Some(3000));
    assert_eq!(cap("2019-01-15"), Some(3000));
    assert_eq!(cap("2019-07-01"), Some(3358));
    assert_eq!(cap("2020-01-15"), Some(3358));
    assert_eq!(cap("2024-06-30"), Some(3358));
    assert_eq!(cap("2024-07-01"), Some(4137));
    let in_force = fees.hourly_cap.value_on(date("2025-03-10")).unwrap();
    assert_eq!(in_force.citation, "C.R.S. 24-72-205(6)");
    assert!(!in_force.unverified);
}

#[test]
fn three_and_a_half_hours_at_the_cap_charge_two_and_a_half() {
    let work = Work {
        staff_time: vec![
            StaffTime::new(120, "A. Ortiz", "searching the permit files"),
            StaffTime::new(90, "B. Lee", "retrieving archived boxes"),
        ],
        ..Work::default()
    };

    let estimate = estimate(&aurora().fees, date("2025-03-10"), &work).unwrap();

    // 150 billable minutes × $41.37 / 60 = $103.425, rounded half up.
    assert_eq!(estimate.staff_minutes(), 210);
    assert_eq!(estimate.research_cents(), 10343);
    assert_eq!(estimate.hourly_rate_cents(), Some(4137));
    assert_eq!(estimate.total_cents(), 10343);
    // 3.5 h > 1 h, so a deposit: 50% of $103.43 = $51.715, half up.
    let deposit = estimate.deposit.as_ref().expect("a deposit is due");
    assert_eq!((deposit.percent, deposit.cents), (50, 5172));
    assert_eq!(deposit.citation, "Aurora City Code 2-148(b)(1)");
    assert_eq!(
        estimate.to_string(),
        "A. Ortiz, searching the permit files: 2 h\n\
         B. Lee, retrieving archived boxes: 1 h 30 min\n\
         Free research and retrieval: 1 h taken off (C.R.S. 24-72-205(6)(a))\n\
         Research and retrieval: 2 h 30 min at $41.37 an hour: $103.43 (C.R.S. 24-72-205(6))\n\
         Delivery by e-mail: no charge (C.R.S. 24-72-205(1)(a))\n\
         Estimated total: $103.43\n\
         Deposit due before work starts: $51.72 (50% of the estimate; Aurora City Code \
         2-148(b)(1))"
    );
}

#[test]
fn exactly_one_hour_is_free_and_needs_no_deposit() {
    let estimate = estimate(&aurora().fees, date("2025-03-10"), &minutes(60)).unwrap();

    assert_eq!(estimate.research_cents(), 0);
    assert_eq!(estimate.hourly_rate_cents(), None);
    assert_eq!(estimate.total_cents(), 0);
    assert_eq!(estimate.deposit, None);
    assert!(estimate.lines.contains(&Line::FreeTime {
        minutes: 60,
        citation: "C.R.S. 24-72-205(6)(a)".into(),
    }));
}

#[test]
fn one_minute_over_the_hour_is_charged_and_needs_a_deposit() {
    let estimate = estimate(&aurora().fees, date("2025-03-10"), &minutes(61)).unwrap();

    // 1 minute × $41.37 / 60 = 68.95 cents → 69; the deposit 34.5 → 35.
    assert_eq!(estimate.research_cents(), 69);
    assert_eq!(estimate.deposit.map(|d| d.cents), Some(35));
}

#[test]
fn older_requests_use_the_cap_of_their_day() {
    let fees = aurora().fees;
    let two_hours = minutes(120);

    let in_2019 = estimate(&fees, date("2019-01-15"), &two_hours).unwrap();
    let in_2020 = estimate(&fees, date("2020-01-15"), &two_hours).unwrap();

    assert_eq!(in_2019.research_cents(), 3000);
    assert_eq!(in_2019.hourly_rate_cents(), Some(3000));
    assert_eq!(in_2020.research_cents(), 3358);
    assert_eq!(format_cents(in_2020.total_cents()), "$33.58");
}

#[test]
fn the_city_may_charge_less_than_the_cap_but_not_more() {
    let fees = aurora().fees;
    let at = |rate| Work {
        hourly_rate_cents: Some(rate),
        ..minutes(210)
    };

    let lower = estimate(&fees, date("2025-03-10"), &at(2500)).unwrap();
    let higher = estimate(&fees, date("2025-03-10"), &at(4500)).unwrap_err();

    // 150 minutes × $25.00 / 60 = $62.50.
    assert_eq!(lower.research_cents(), 6250);
    assert!(matches!(
        higher,
        FeeRefused::OverHourlyCap {
            rate_cents: 4500,
            cap_cents: 4137,
            ..
        }
    ));
}

#[test]
fn paper_pages_cost_a_quarter_and_digital_pages_nothing() {
    let work = Work {
        paper_pages: 40,
        digital_pages: 300,
        ..Work::default()
    };

    let estimate = estimate(&aurora().fees, date("2025-03-10"), &work).unwrap();

    // 40 × $0.25 = $10.00; no staff time, so no deposit.
    assert_eq!(estimate.total_cents(), 1000);
    assert_eq!(estimate.deposit, None);
    let lines: Vec<String> = estimate.lines.iter().map(Line::to_string).collect();
    assert_eq!(
        lines,
        [
            "Paper copies: 40 pages at $0.25 a page: $10.00 (C.R.S. 24-72-205(5)(a))",
            "Digital copies: 300 pages, no per-page fee (C.R.S. 24-72-205(5)(a), as amended by \
             SB23-286)",
            "Delivery by e-mail: no charge (C.R.S. 24-72-205(1)(a))",
        ]
    );
}

#[test]
fn the_deposit_is_half_the_whole_estimate_pages_and_postage_included() {
    let work = Work {
        paper_pages: 40,
        delivery: Delivery::Mail { postage_cents: 301 },
        ..minutes(210)
    };

    let estimate = estimate(&aurora().fees, date("2025-03-10"), &work).unwrap();

    // $103.43 + $10.00 + $3.01 = $116.44; half is $58.22.
    assert_eq!(estimate.total_cents(), 11644);
    assert_eq!(estimate.deposit.map(|d| d.cents), Some(5822));
}

#[test]
fn no_research_fee_without_a_policy_published_before_the_request() {
    let profile = aurora_with(
        "from = 2014-07-01\nvalue = \"City of Aurora records fee policy\"",
        "from = 2025-03-10\nvalue = \"City of Aurora records fee policy\"",
    )
    .unwrap();
    let work = Work {
        paper_pages: 40,
        ..minutes(210)
    };

    let same_day = estimate(&profile.fees, date("2025-03-10"), &work).unwrap();
    let day_after = estimate(&profile.fees, date("2025-03-11"), &work).unwrap();

    assert_eq!(same_day.research_cents(), 0);
    let why = same_day
        .lines
        .iter()
        .find(|line| matches!(line, Line::NoResearchFee { .. }))
        .expect("a line says why");
    assert_eq!(
        why.to_string(),
        "Research and retrieval: 2 h 30 min not charged, because no fee policy was published \
         before the request of 2025-03-10 (C.R.S. 24-72-205(6))"
    );
    // Still more than an hour of work: half of the $10.00 of pages.
    assert_eq!(same_day.deposit.map(|d| d.cents), Some(500));
    assert_eq!(day_after.research_cents(), 10343);
}

#[test]
fn a_rule_not_yet_in_force_is_named() {
    let fees = aurora().fees;
    let digital = Work {
        digital_pages: 10,
        ..Work::default()
    };

    let before_fees = estimate(&fees, date("2014-06-30"), &minutes(90)).unwrap_err();
    let before_sb23_286 = estimate(&fees, date("2023-08-06"), &digital).unwrap_err();

    assert_eq!(
        before_fees.to_string(),
        "the profile has no value of `fees.free_hours` in force on 2014-06-30"
    );
    assert_eq!(
        before_sb23_286,
        FeeRefused::NoRuleInForce {
            key: "fees.digital_page",
            date: date("2023-08-06"),
        }
    );
}

#[test]
fn negative_amounts_are_refused() {
    let err = estimate(&aurora().fees, date("2025-03-10"), &costing(-100)).unwrap_err();

    assert_eq!(
        err.to_string(),
        "Certified copies: an amount cannot be negative"
    );
}

#[test]
fn a_final_fee_of_exactly_120_percent_is_allowed() {
    let fees = aurora().fees;
    let day = date("2025-03-10");
    let exactly = invoice(&fees, day, &costing(12000)).unwrap();
    let one_cent_over = invoice(&fees, day, &costing(12001)).unwrap();

    assert_eq!(check_invoice(&fees, day, 10000, &exactly), Ok(()));
    let err = check_invoice(&fees, day, 10000, &one_cent_over).unwrap_err();
    assert_eq!(
        err,
        FeeRefused::OverEstimate {
            total_cents: 12001,
            estimate_cents: 10000,
            percent: 20,
            limit_cents: 12000,
            citation: "Aurora City Code 2-148(b)(1)".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "the final fee of $120.01 is more than 20% above the estimate of $100.00; at most \
         $120.00 may be charged (Aurora City Code 2-148(b)(1))"
    );
}

#[test]
fn the_120_percent_limit_is_not_rounded_up() {
    let fees = aurora().fees;
    let day = date("2025-03-10");
    let four_hours = invoice(&fees, day, &minutes(240)).unwrap();
    let a_minute_more = invoice(&fees, day, &minutes(241)).unwrap();

    // The estimate was $103.43; 120% of it is $124.116. Four hours bill
    // 180 minutes: $124.11, inside. 181 minutes: $124.7995 → $124.80.
    assert_eq!(four_hours.total_cents(), 12411);
    assert_eq!(check_invoice(&fees, day, 10343, &four_hours), Ok(()));
    let err = check_invoice(&fees, day, 10343, &a_minute_more).unwrap_err();
    assert!(matches!(
        err,
        FeeRefused::OverEstimate {
            total_cents: 12480,
            limit_cents: 12411,
            ..
        }
    ));
}

#[test]
fn an_invoice_above_the_hourly_cap_is_refused() {
    let fees = aurora().fees;
    let day = date("2025-03-10");
    let work = Work {
        hourly_rate_cents: Some(4500),
        ..minutes(120)
    };
    let invoice = invoice(&fees, day, &work).unwrap();

    let err = check_invoice(&fees, day, 100_000, &invoice).unwrap_err();

    assert_eq!(
        err,
        FeeRefused::OverHourlyCap {
            rate_cents: 4500,
            cap_cents: 4137,
            request_date: day,
            citation: "C.R.S. 24-72-205(6)".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "research and retrieval at $45.00 an hour is more than the cap of $41.37 an hour for a \
         request made on 2025-03-10; charge $41.37 an hour or less (C.R.S. 24-72-205(6))"
    );
}

#[test]
fn a_deposit_larger_than_the_final_fee_is_refunded() {
    let mut ledger = Ledger::new();
    ledger.record(entry(EntryKind::Deposit, 5172)).unwrap();

    assert_eq!(ledger.balance(9000), Balance::Due(3828));
    assert_eq!(ledger.balance(4000), Balance::RefundOwed(1172));
    assert_eq!(
        ledger.balance(4000).to_string(),
        "$11.72 to refund to the requester"
    );

    ledger.record(entry(EntryKind::Refund, 1172)).unwrap();
    assert_eq!(ledger.balance(4000), Balance::Settled);
    assert_eq!(ledger.received_cents(), 4000);
}

#[test]
fn a_payment_settles_what_the_deposit_left() {
    let ledger = Ledger::from_entries(vec![
        entry(EntryKind::Deposit, 5172),
        entry(EntryKind::Payment, 3828),
    ])
    .unwrap();

    assert_eq!(ledger.balance(9000), Balance::Settled);
    assert_eq!(ledger.balance(9000).to_string(), "paid in full");
}

#[test]
fn a_waiver_lowers_what_is_owed_but_is_never_refunded() {
    let mut ledger = Ledger::new();
    ledger.record(entry(EntryKind::Deposit, 5172)).unwrap();
    ledger.record(entry(EntryKind::Waiver, 3828)).unwrap();

    assert_eq!(ledger.balance(9000), Balance::Settled);
    assert_eq!(ledger.waived_cents(), 3828);
    // Waived down to $0 of $20.00: only the $51.72 received goes back.
    assert_eq!(ledger.balance(2000), Balance::RefundOwed(5172));
}

#[test]
fn the_ledger_refuses_empty_entries_and_refunds_beyond_what_was_received() {
    let mut ledger = Ledger::new();
    ledger.record(entry(EntryKind::Deposit, 5172)).unwrap();

    assert_eq!(
        ledger.record(entry(EntryKind::Payment, 0)),
        Err(LedgerError::NotPositive { cents: 0 })
    );
    let err = ledger.record(entry(EntryKind::Refund, 6000)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a refund of $60.00 is more than the $51.72 received so far"
    );
    assert_eq!(ledger.entries().len(), 1);
    assert_eq!(EntryKind::parse("deposit"), Some(EntryKind::Deposit));
    assert_eq!(EntryKind::Waiver.as_str(), "waiver");
    assert_eq!(EntryKind::parse("credit"), None);
}

#[test]
fn amounts_are_written_as_a_clerk_writes_them() {
    let cases = [
        (0, "$0.00"),
        (5, "$0.05"),
        (25, "$0.25"),
        (4137, "$41.37"),
        (100_000, "$1,000.00"),
        (123_456_789, "$1,234,567.89"),
        (-250, "-$2.50"),
        (i64::MIN, "-$92,233,720,368,547,758.08"),
    ];
    for (cents, expected) in cases {
        assert_eq!(format_cents(cents), expected, "{cents} cents");
    }
}

#[test]
fn fee_rules_are_listed_and_flagged_like_the_others() {
    let mut aurora = aurora();
    let keys: Vec<&str> = aurora
        .rule_entries()
        .into_iter()
        .map(|entry| entry.key)
        .filter(|key| key.starts_with("fees."))
        .collect();

    assert_eq!(
        keys,
        [
            "fees.hourly_cap",
            "fees.hourly_cap",
            "fees.hourly_cap",
            "fees.free_hours",
            "fees.paper_page",
            "fees.digital_page",
            "fees.email_delivery",
            "fees.policy_published",
            "fees.deposit_above_hours",
            "fees.deposit_percent",
            "fees.max_over_estimate_percent",
        ]
    );
    aurora
        .clear_unverified("fees.policy_published", date("2014-07-01"))
        .unwrap();
    let policy = aurora.fees.policy_published.value_on(date("2025-01-01"));
    assert!(!policy.unwrap().unverified);
    let wrong_date = aurora.clear_unverified("fees.hourly_cap", date("2020-07-01"));
    assert_eq!(
        wrong_date.unwrap_err().to_string(),
        "`fees.hourly_cap` has no value taking effect on 2020-07-01"
    );
}

#[test]
fn fee_profile_errors_name_the_key_inside_fees() {
    let cases = [
        (
            "value = \"$41.37\"",
            "value = \"41.37\"",
            "`fees.hourly_cap`: entry 3: expected an amount such as \"$41.37\", found \"41.37\"",
        ),
        (
            "value = \"$0.25\"",
            "value = \"$0.2\"",
            "`fees.paper_page`: entry 1: expected an amount such as \"$41.37\", found \"$0.2\"",
        ),
        (
            "value = 50",
            "value = 150",
            "`fees.deposit_percent`: entry 1: a percentage of the estimate is 0 to 100; found \
             150",
        ),
        (
            "[fees]\n",
            "[fees]\nbogus = 1\n",
            "`fees.bogus`: not a key a records profile has",
        ),
        (
            "[[fees.free_hours]]",
            "[[fees.free_hour]]",
            "`fees.free_hours`: missing; a records profile must give it",
        ),
    ];
    for (from, to, expected) in cases {
        let err = aurora_with(from, to).unwrap_err();
        assert_eq!(err.to_string(), expected, "replacing {from:?}");
    }
}
