//! The fee rules as a profile's `[fees]` table gives them, every value
//! dated like the other rules; amounts are written `"$41.37"` and kept in
//! cents.

use chrono::NaiveDate;

use crate::jurisdiction::{ProfileError, Rule, RuleEntry, invalid, take, take_rule};

/// The fee rules of a profile's `[fees]` table, each a dated rule like the
/// others. Amounts are in cents; the value in force on the request's date
/// applies.
#[derive(Debug, Clone, PartialEq)]
pub struct FeeRules {
    /// The most an hour of research and retrieval may cost.
    pub hourly_cap: Rule<i64>,
    /// Hours of research and retrieval free on every request.
    pub free_hours: Rule<u32>,
    /// The most a standard paper page may cost.
    pub paper_page: Rule<i64>,
    /// What a page of a digital copy costs.
    pub digital_page: Rule<i64>,
    /// What sending the records by e-mail costs.
    pub email_delivery: Rule<i64>,
    /// The custodian's written fee policies, each dated by the day it was
    /// published, its value naming it. A research fee may be charged only
    /// under a policy published before the day of the request.
    pub policy_published: Rule<String>,
    /// A deposit is due before work starts when the estimated staff time,
    /// the free time included, is more than this many hours.
    pub deposit_above_hours: Rule<u32>,
    /// The deposit, as a percentage of the estimate.
    pub deposit_percent: Rule<u32>,
    /// How far above the estimate, in percent, the final fee may go.
    pub max_over_estimate_percent: Rule<u32>,
}

impl FeeRules {
    /// Reads the profile's `[fees]` table; errors name the key as
    /// `fees.hourly_cap`.
    pub(crate) fn take(profile: &mut toml::Table) -> Result<FeeRules, ProfileError> {
        let mut table: toml::Table = take(profile, "fees")?;
        let rules = FeeRules::take_each(&mut table).map_err(|e| e.within("fees"))?;
        if let Some(key) = table.keys().next() {
            return Err(invalid(
                &format!("fees.{key}"),
                "not a key a records profile has".into(),
            ));
        }
        Ok(rules)
    }

    fn take_each(table: &mut toml::Table) -> Result<FeeRules, ProfileError> {
        Ok(FeeRules {
            hourly_cap: take_rule(table, "hourly_cap", amount)?,
            free_hours: take_rule(table, "free_hours", Ok)?,
            paper_page: take_rule(table, "paper_page", amount)?,
            digital_page: take_rule(table, "digital_page", amount)?,
            email_delivery: take_rule(table, "email_delivery", amount)?,
            policy_published: take_rule(table, "policy_published", Ok)?,
            deposit_above_hours: take_rule(table, "deposit_above_hours", Ok)?,
            deposit_percent: take_rule(table, "deposit_percent", percent)?,
            max_over_estimate_percent: take_rule(table, "max_over_estimate_percent", Ok)?,
        })
    }

    pub(crate) fn listed(&self) -> Vec<RuleEntry> {
        let mut all = Vec::new();
        all.extend(self.hourly_cap.listed("fees.hourly_cap"));
        all.extend(self.free_hours.listed("fees.free_hours"));
        all.extend(self.paper_page.listed("fees.paper_page"));
        all.extend(self.digital_page.listed("fees.digital_page"));
        all.extend(self.email_delivery.listed("fees.email_delivery"));
        all.extend(self.policy_published.listed("fees.policy_published"));
        all.extend(self.deposit_above_hours.listed("fees.deposit_above_hours"));
        all.extend(self.deposit_percent.listed("fees.deposit_percent"));
        all.extend(
            self.max_over_estimate_percent
                .listed("fees.max_over_estimate_percent"),
        );
        all
    }

    /// None when `key` is not a fee rule; otherwise whether it had a value
    /// taking effect on `from`.
    pub(crate) fn clear_unverified(&mut self, key: &str, from: NaiveDate) -> Option<bool> {
        let cleared = match key {
            "fees.hourly_cap" => self.hourly_cap.clear_unverified(from),
            "fees.free_hours" => self.free_hours.clear_unverified(from),
            "fees.paper_page" => self.paper_page.clear_unverified(from),
            "fees.digital_page" => self.digital_page.clear_unverified(from),
            "fees.email_delivery" => self.email_delivery.clear_unverified(from),
            "fees.policy_published" => self.policy_published.clear_unverified(from),
            "fees.deposit_above_hours" => self.deposit_above_hours.clear_unverified(from),
            "fees.deposit_percent" => self.deposit_percent.clear_unverified(from),
            "fees.max_over_estimate_percent" => {
                self.max_over_estimate_percent.clear_unverified(from)
            }
            _ => return None,
        };
        Some(cleared)
    }
}

/// A profile amount, written as a clerk writes it: `"$41.37"`.
fn amount(text: String) -> Result<i64, String> {
    let wrong = || format!("expected an amount such as \"$41.37\", found \"{text}\"");
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let Some((dollars, cents)) = text.strip_prefix('$').and_then(|rest| rest.split_once('.'))
    else {
        return Err(wrong());
    };
    if !digits(dollars) || cents.len() != 2 || !digits(cents) {
        return Err(wrong());
    }
    let dollars: i64 = dollars.parse().map_err(|_| wrong())?;
    let cents: i64 = cents.parse().map_err(|_| wrong())?;
    dollars
        .checked_mul(100)
        .and_then(|whole| whole.checked_add(cents))
        .ok_or_else(wrong)
}

fn percent(value: u32) -> Result<u32, String> {
    if value > 100 {
        return Err(format!(
            "a percentage of the estimate is 0 to 100; found {value}"
        ));
    }
    Ok(value)
}
