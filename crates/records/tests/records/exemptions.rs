//! The exemption library and the written statement of the grounds of a
//! denial.

use chrono::NaiveDate;
use records::exemptions::{Denial, Ground, GroundsError, GroundsStatement, Kind, all, find};
use records::lifecycle::TrackingNumber;

fn denial(grounds: &[(&str, &str)]) -> Denial {
    Denial {
        tracking: TrackingNumber::parse("R25-000123").unwrap(),
        denied_on: NaiveDate::from_ymd_opt(2025, 3, 14).unwrap(),
        custodian: "City Clerk".into(),
        grounds: grounds
            .iter()
            .map(|(exemption, reason)| Ground {
                exemption: exemption.to_string(),
                reason: reason.to_string(),
            })
            .collect(),
    }
}

#[test]
fn exemptions_are_found_by_key() {
    let personnel = find("personnel_files").expect("in the library");
    let investigations = find("law_enforcement_investigations").expect("in the library");

    assert_eq!(personnel.section, "C.R.S. 24-72-204(3)(a)(II)");
    assert_eq!(personnel.title, "Personnel files");
    assert_eq!(personnel.kind, Kind::Mandatory);
    assert_eq!(investigations.section, "C.R.S. 24-72-204(2)(a)(I)");
    assert_eq!(investigations.kind, Kind::Discretionary);
    assert_eq!(
        find("deliberative_process").unwrap().section,
        "C.R.S. 24-72-204(3)(a)(XIII)"
    );
    assert_eq!(find("work_product"), None);
    assert_eq!(find(""), None);
}

#[test]
fn the_library_follows_the_statute() {
    let library = all();
    let mut keys: Vec<&str> = library.iter().map(|e| e.key).collect();
    keys.sort();
    keys.dedup();

    assert_eq!(keys.len(), library.len(), "keys are unique");
    assert_eq!(library.len(), 16);
    for exemption in library {
        assert!(
            exemption.section.starts_with("C.R.S. 24-72-204("),
            "{}",
            exemption.section
        );
        let discretionary = exemption.section.starts_with("C.R.S. 24-72-204(2)(a)");
        assert_eq!(
            exemption.kind == Kind::Discretionary,
            discretionary,
            "{}",
            exemption.key
        );
        assert!(!exemption.summary.is_empty() && !exemption.title.is_empty());
    }
    let contrary_to_law: Vec<&str> = library
        .iter()
        .filter(|e| e.section.starts_with("C.R.S. 24-72-204(1)"))
        .map(|e| e.section)
        .collect();
    assert_eq!(
        contrary_to_law,
        [
            "C.R.S. 24-72-204(1)(a)",
            "C.R.S. 24-72-204(1)(b)",
            "C.R.S. 24-72-204(1)(c)",
            "C.R.S. 24-72-204(1)(d)",
        ]
    );
}

#[test]
fn the_person_in_interest_may_see_all_but_letters_of_reference() {
    let open = |key| find(key).unwrap().open_to_person_in_interest();

    assert!(open("personnel_files"));
    assert!(open("personal_data"));
    assert!(!open("letters_of_reference"));
    assert!(!open("contrary_to_federal_law"));
    assert!(!open("examination_data"));
}

#[test]
fn a_grounds_statement_cites_each_section_and_the_requesters_rights() {
    let denial = denial(&[
        (
            "personnel_files",
            "the records asked for are the performance reviews in an officer's personnel file",
        ),
        (
            "law_enforcement_investigations",
            " the incident is still under investigation by the police department ",
        ),
    ]);

    let statement = GroundsStatement::new(&denial).unwrap();

    assert_eq!(
        statement.sections(),
        ["C.R.S. 24-72-204(3)(a)(II)", "C.R.S. 24-72-204(2)(a)(I)"]
    );
    assert_eq!(
        statement.to_string(),
        "Statement of the grounds for denial: request R25-000123

On 14 March 2025 the City Clerk withheld records you asked for in request R25-000123. Each \
ground below names the law it rests on and why it applies to these records.

1. Personnel files, C.R.S. 24-72-204(3)(a)(II)
   The law requires the custodian to withhold such records.
   An employee's personnel file; employment contracts and settlement amounts stay open.
   The person the record is about may still inspect it.
   Why it applies: the records asked for are the performance reviews in an officer's \
personnel file

2. Law-enforcement investigations, intelligence and security procedures, C.R.S. \
24-72-204(2)(a)(I)
   The law lets the custodian withhold such records where opening them would be contrary to \
the public interest, and the custodian has found that it would.
   Investigation and intelligence files and security procedures of a sheriff, prosecutor or \
police department, and other files compiled for law enforcement.
   Why it applies: the incident is still under investigation by the police department

Your rights
- You are entitled to this statement in writing. If it reached you some other way, ask the \
City Clerk for a written copy (C.R.S. 24-72-204(4)).
- There is no administrative appeal. You may apply to the district court for an order to \
open the records (C.R.S. 24-72-204(5)). Before you apply you must give the custodian written \
notice that you intend to, and the custodian must then meet or speak with you to try to \
settle the matter."
    );
}

#[test]
fn a_denial_must_cite_known_grounds_each_with_a_reason() {
    let cases = [
        (denial(&[]), GroundsError::NoGrounds),
        (
            denial(&[("work_product", "drafts")]),
            GroundsError::UnknownExemption("work_product".into()),
        ),
        (
            denial(&[("trade_secrets", "  ")]),
            GroundsError::NoReason("trade_secrets".into()),
        ),
        (
            denial(&[("trade_secrets", "pricing"), ("trade_secrets", "formulas")]),
            GroundsError::CitedTwice("trade_secrets".into()),
        ),
    ];
    for (denial, expected) in cases {
        assert_eq!(GroundsStatement::new(&denial), Err(expected));
    }
    assert_eq!(
        GroundsError::UnknownExemption("work_product".into()).to_string(),
        "`work_product` is not an exemption in the library"
    );
}
