//! The grounds on which Colorado's Open Records Act lets or makes a
//! custodian withhold a record, keyed to sections of C.R.S. 24-72-204, and
//! the written statement of the grounds of a denial (24-72-204(4)) built
//! from them.
//!
//! The library lists only the grounds whose section the research notes give
//! exactly; 24-72-204(3)(a)(VIII), (X) to (XII) and those after (XIII) are
//! left out until someone reads them in the statute. Summaries are ours, not
//! the statute's words.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::lifecycle::TrackingNumber;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The custodian must withhold.
    Mandatory,
    /// The custodian may withhold, finding disclosure contrary to the public
    /// interest.
    Discretionary,
}

/// One ground for withholding a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    /// The name the denial builder and the exemption statistics use.
    pub key: &'static str,
    pub section: &'static str,
    pub title: &'static str,
    pub kind: Kind,
    pub summary: &'static str,
}

const fn ground(
    key: &'static str,
    section: &'static str,
    title: &'static str,
    kind: Kind,
    summary: &'static str,
) -> Exemption {
    Exemption {
        key,
        section,
        title,
        kind,
        summary,
    }
}

const PERSON_IN_INTEREST: &str = "The person the record is about may still inspect it.";

static LIBRARY: &[Exemption] = &[
    ground(
        "contrary_to_state_statute",
        "C.R.S. 24-72-204(1)(a)",
        "Contrary to a state statute",
        Kind::Mandatory,
        "Another Colorado statute forbids opening the record.",
    ),
    ground(
        "contrary_to_federal_law",
        "C.R.S. 24-72-204(1)(b)",
        "Contrary to a federal statute or regulation",
        Kind::Mandatory,
        "A federal statute or regulation forbids opening the record.",
    ),
    ground(
        "court_rule_or_order",
        "C.R.S. 24-72-204(1)(c)",
        "Prohibited by Supreme Court rules or a court order",
        Kind::Mandatory,
        "A rule of the Colorado Supreme Court or an order of a court closes the record.",
    ),
    ground(
        "legislative_lobbying_rules",
        "C.R.S. 24-72-204(1)(d)",
        "Prohibited by the joint legislative rules on lobbying",
        Kind::Mandatory,
        "The joint rules of the General Assembly on lobbying close the record.",
    ),
    ground(
        "law_enforcement_investigations",
        "C.R.S. 24-72-204(2)(a)(I)",
        "Law-enforcement investigations, intelligence and security procedures",
        Kind::Discretionary,
        "Investigation and intelligence files and security procedures of a sheriff, \
         prosecutor or police department, and other files compiled for law enforcement.",
    ),
    ground(
        "examination_data",
        "C.R.S. 24-72-204(2)(a)(II)",
        "Test questions and scoring keys",
        Kind::Discretionary,
        "Questions, answer keys and other material of an examination.",
    ),
    ground(
        "research_projects",
        "C.R.S. 24-72-204(2)(a)(III)",
        "Research projects of state institutions",
        Kind::Discretionary,
        "The details of genuine research a state institution is carrying out.",
    ),
    ground(
        "personal_data",
        "C.R.S. 24-72-204(3)(a)(I)",
        "Medical, mental-health, sociological and scholastic data",
        Kind::Mandatory,
        "Health, mental-health, social-history and school-achievement information about \
         individual people.",
    ),
    ground(
        "personnel_files",
        "C.R.S. 24-72-204(3)(a)(II)",
        "Personnel files",
        Kind::Mandatory,
        "An employee's personnel file; employment contracts and settlement amounts stay \
         open.",
    ),
    ground(
        "letters_of_reference",
        "C.R.S. 24-72-204(3)(a)(III)",
        "Letters of reference",
        Kind::Mandatory,
        "Letters of reference; unlike the other withheld personal records, not even the \
         person they are about may see them.",
    ),
    ground(
        "trade_secrets",
        "C.R.S. 24-72-204(3)(a)(IV)",
        "Trade secrets and confidential commercial data",
        Kind::Mandatory,
        "Trade secrets, privileged information, confidential commercial, financial or \
         geological data, and Social Security numbers.",
    ),
    ground(
        "donated_collections",
        "C.R.S. 24-72-204(3)(a)(V)",
        "Library and museum material donated with conditions",
        Kind::Mandatory,
        "Material given to a library or museum on condition that it not be opened.",
    ),
    ground(
        "student_contact_details",
        "C.R.S. 24-72-204(3)(a)(VI)",
        "Addresses and phone numbers of public-school students",
        Kind::Mandatory,
        "Where public-school students live and how to reach them by phone.",
    ),
    ground(
        "library_user_records",
        "C.R.S. 24-72-204(3)(a)(VII)",
        "Library user records",
        Kind::Mandatory,
        "Records of who used a library and what they borrowed or consulted.",
    ),
    ground(
        "facility_user_details",
        "C.R.S. 24-72-204(3)(a)(IX)",
        "Personal details of utility and facility users",
        Kind::Mandatory,
        "Names, contact details and personal information of people who use public \
         utilities or public facilities.",
    ),
    ground(
        "deliberative_process",
        "C.R.S. 24-72-204(3)(a)(XIII)",
        "Deliberative process",
        Kind::Mandatory,
        "Material protected by the deliberative-process privilege. Withholding it needs a \
         sworn statement describing each document, why it is privileged and why opening it \
         would substantially injure the public interest.",
    ),
];

/// Every exemption, in the order of the statute.
pub fn all() -> &'static [Exemption] {
    LIBRARY
}

pub fn find(key: &str) -> Option<&'static Exemption> {
    LIBRARY.iter().find(|exemption| exemption.key == key)
}

impl Exemption {
    /// Whether the person the record is about may inspect it anyway: every
    /// 24-72-204(3)(a) ground but letters of reference.
    pub fn open_to_person_in_interest(&self) -> bool {
        self.section.starts_with("C.R.S. 24-72-204(3)(a)") && self.key != "letters_of_reference"
    }
}

/// A denial as the custodian records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub tracking: TrackingNumber,
    pub denied_on: NaiveDate,
    /// Who denied, as the statement names them: "City Clerk, City of
    /// Aurora".
    pub custodian: String,
    pub grounds: Vec<Ground>,
}

/// One ground cited, and why it applies to these records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ground {
    pub exemption: String,
    pub reason: String,
}

/// The written statement of the grounds of a denial, citing the law for
/// each (C.R.S. 24-72-204(4)). Its text is its `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroundsStatement {
    pub tracking: TrackingNumber,
    pub denied_on: NaiveDate,
    pub custodian: String,
    pub grounds: Vec<StatedGround>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedGround {
    pub exemption: &'static Exemption,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroundsError {
    #[error("a denial cites at least one ground")]
    NoGrounds,
    #[error("`{0}` is not an exemption in the library")]
    UnknownExemption(String),
    #[error("`{0}` is cited without saying why it applies to these records")]
    NoReason(String),
    #[error("`{0}` is cited twice; give all its reasons in one ground")]
    CitedTwice(String),
}

impl GroundsStatement {
    pub fn new(denial: &Denial) -> Result<GroundsStatement, GroundsError> {
        if denial.grounds.is_empty() {
            return Err(GroundsError::NoGrounds);
        }
        let mut grounds: Vec<StatedGround> = Vec::with_capacity(denial.grounds.len());
        for ground in &denial.grounds {
            let key = ground.exemption.as_str();
            let exemption =
                find(key).ok_or_else(|| GroundsError::UnknownExemption(key.to_string()))?;
            if ground.reason.trim().is_empty() {
                return Err(GroundsError::NoReason(key.to_string()));
            }
            if grounds.iter().any(|stated| stated.exemption.key == key) {
                return Err(GroundsError::CitedTwice(key.to_string()));
            }
            grounds.push(StatedGround {
                exemption,
                reason: ground.reason.trim().to_string(),
            });
        }
        Ok(GroundsStatement {
            tracking: denial.tracking,
            denied_on: denial.denied_on,
            custodian: denial.custodian.clone(),
            grounds,
        })
    }

    /// The sections cited, in the order given.
    pub fn sections(&self) -> Vec<&'static str> {
        self.grounds
            .iter()
            .map(|ground| ground.exemption.section)
            .collect()
    }
}

impl fmt::Display for GroundsStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Statement of the grounds for denial: request {}",
            self.tracking
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "On {} the {} withheld records you asked for in request {}. Each ground below \
             names the law it rests on and why it applies to these records.",
            self.denied_on.format("%-d %B %Y"),
            self.custodian,
            self.tracking
        )?;
        for (i, ground) in self.grounds.iter().enumerate() {
            let exemption = ground.exemption;
            writeln!(f)?;
            writeln!(f, "{}. {}, {}", i + 1, exemption.title, exemption.section)?;
            writeln!(f, "   {}", kind_words(exemption.kind))?;
            writeln!(f, "   {}", exemption.summary)?;
            if exemption.open_to_person_in_interest() {
                writeln!(f, "   {PERSON_IN_INTEREST}")?;
            }
            writeln!(f, "   Why it applies: {}", ground.reason)?;
        }
        writeln!(f)?;
        writeln!(f, "Your rights")?;
        writeln!(
            f,
            "- You are entitled to this statement in writing. If it reached you some other \
             way, ask the {} for a written copy (C.R.S. 24-72-204(4)).",
            self.custodian
        )?;
        write!(
            f,
            "- There is no administrative appeal. You may apply to the district court for an \
             order to open the records (C.R.S. 24-72-204(5)). Before you apply you must give \
             the custodian written notice that you intend to, and the custodian must then \
             meet or speak with you to try to settle the matter."
        )
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Mandatory => "The law requires the custodian to withhold such records.",
        Kind::Discretionary => {
            "The law lets the custodian withhold such records where opening them would be \
             contrary to the public interest, and the custodian has found that it would."
        }
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Mandatory => "mandatory",
            Kind::Discretionary => "discretionary",
        }
    }
}
