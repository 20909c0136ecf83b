//! A jurisdiction's records law as data: the profile file that gives every
//! rule value with the date it took effect, its citation and whether it is
//! still unverified, plus the city's time zone, holidays and closure days.
//! Aurora, Colorado's profile is built in; another city or state is another
//! file in the same shape.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::calendar::{Calendar, ClosureDay, ClosureOrigin, HolidayDate, HolidayRule, Observance};
use crate::fees::FeeRules;

/// The text of Aurora, Colorado's profile, built in as the default.
pub const AURORA_PROFILE: &str = include_str!("../../../profiles/aurora-co.records.toml");

/// The jurisdiction whose law governs a request: where it is, which rules
/// apply on which dates, and which days its offices are closed.
#[derive(Debug, Clone)]
pub struct Jurisdiction {
    /// As letters name it: "City of Aurora, Colorado".
    pub name: String,
    /// The official custodian of the jurisdiction's records.
    pub custodian: String,
    /// Every clock counts days and deadlines in this zone.
    pub zone: Tz,
    pub rules: Rules,
    /// What copies and research may cost, and Aurora's deposit rules.
    pub fees: FeeRules,
    /// Holidays by rule, for the years the profile does not list.
    pub holidays: Vec<HolidayRule>,
    /// The closure days the profile lists, year by year.
    pub closure_days: Vec<ClosureDay>,
}

/// Every rule value the clocks use, each a list dated by when it took effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Requests received later than this local time count from the next
    /// working day.
    pub intake_cutoff: Rule<NaiveTime>,
    /// The response period, in working days after day 0.
    pub response_working_days: Rule<u32>,
    /// The most an extension may add, in working days.
    pub max_extension_working_days: Rule<u32>,
    /// The written finding behind an extension must reach the requester
    /// within this many working days after day 0.
    pub extension_finding_within_working_days: Rule<u32>,
    /// Records go out within this many working days after payment.
    pub transmission_working_days: Rule<u32>,
    /// How "forthwith" is read for the written statement of the grounds of
    /// a denial.
    pub grounds_statement_working_days: Rule<u32>,
    /// The notice a requester gives before applying to court.
    pub litigation_notice_calendar_days: Rule<u32>,
    /// The same notice when the requester states an expedited need.
    pub litigation_notice_expedited_working_days: Rule<u32>,
    /// Which weekday is closed when a holiday falls on a weekend.
    pub weekend_holiday_observance: Rule<Observance>,
}

/// One rule's values over time, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule<T> {
    entries: Vec<Dated<T>>,
}

/// A rule value and the day it took effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated<T> {
    pub from: NaiveDate,
    pub value: T,
    /// The law or practice the value rests on, as an explanation cites it.
    pub citation: String,
    /// The value rests on a fact nobody has yet checked against the primary
    /// text; an administrator clears the flag once someone has.
    pub unverified: bool,
}

/// One rule value as an administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEntry {
    pub key: &'static str,
    pub from: NaiveDate,
    pub citation: String,
    pub unverified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("the profile is not valid TOML: {0}")]
    Syntax(String),
    #[error("`{key}`: {message}")]
    Invalid { key: String, message: String },
    #[error("`{key}` has no value taking effect on {from}")]
    NoSuchEntry { key: String, from: NaiveDate },
}

impl ProfileError {
    /// The same error for a key inside a table: `hourly_cap` within `fees`
    /// becomes `fees.hourly_cap`.
    pub(crate) fn within(self, table: &str) -> ProfileError {
        match self {
            ProfileError::Invalid { key, message } => ProfileError::Invalid {
                key: format!("{table}.{key}"),
                message,
            },
            ProfileError::NoSuchEntry { key, from } => ProfileError::NoSuchEntry {
                key: format!("{table}.{key}"),
                from,
            },
            syntax @ ProfileError::Syntax(_) => syntax,
        }
    }
}

impl<T> Rule<T> {
    /// A rule from its values; they must be in order of taking effect.
    pub fn new(entries: Vec<Dated<T>>) -> Result<Rule<T>, String> {
        if entries.is_empty() {
            return Err("a rule needs at least one value".into());
        }
        for pair in entries.windows(2) {
            if pair[0].from >= pair[1].from {
                return Err(format!(
                    "values must be listed oldest first, each `from` later than the one before \
                     ({} does not follow {})",
                    pair[1].from, pair[0].from
                ));
            }
        }
        Ok(Rule { entries })
    }

    /// The value in force on `date`: the latest that took effect on or
    /// before it. None before the first took effect.
    pub fn value_on(&self, date: NaiveDate) -> Option<&Dated<T>> {
        self.entries.iter().rev().find(|entry| entry.from <= date)
    }

    pub fn entries(&self) -> &[Dated<T>] {
        &self.entries
    }

    pub(crate) fn clear_unverified(&mut self, from: NaiveDate) -> bool {
        let entry = self.entries.iter_mut().find(|entry| entry.from == from);
        entry.map(|entry| entry.unverified = false).is_some()
    }

    pub(crate) fn listed(&self, key: &'static str) -> impl Iterator<Item = RuleEntry> + '_ {
        self.entries.iter().map(move |entry| RuleEntry {
            key,
            from: entry.from,
            citation: entry.citation.clone(),
            unverified: entry.unverified,
        })
    }
}

impl Jurisdiction {
    /// The built-in profile of Aurora, Colorado.
    pub fn aurora() -> Jurisdiction {
        Jurisdiction::parse(AURORA_PROFILE).expect("the built-in records profile is valid")
    }

    /// Reads a profile from its text; errors name the key at fault.
    pub fn parse(text: &str) -> Result<Jurisdiction, ProfileError> {
        let mut table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ProfileError::Syntax(e.to_string()))?;

        let place: Place = take(&mut table, "jurisdiction")?;
        let zone = place.time_zone.parse::<Tz>().map_err(|_| {
            invalid(
                "jurisdiction.time_zone",
                format!("`{}` is not an IANA time zone", place.time_zone),
            )
        })?;
        let rules = Rules::take(&mut table)?;
        let fees = FeeRules::take(&mut table)?;
        let holidays = take_list(&mut table, "holidays", RawHoliday::into_rule)?;
        let closure_days = take_list(&mut table, "closure_days", RawClosure::into_day)?;

        if let Some(key) = table.keys().next() {
            return Err(invalid(key, "not a key a records profile has".into()));
        }
        Ok(Jurisdiction {
            name: place.name,
            custodian: place.custodian,
            zone,
            rules,
            fees,
            holidays,
            closure_days,
        })
    }

    /// The working-day calendar the profile describes, before any one-off
    /// closures are added.
    pub fn calendar(&self) -> Calendar {
        Calendar::new(
            self.closure_days.clone(),
            self.holidays.clone(),
            self.rules.weekend_holiday_observance.clone(),
        )
    }

    /// Every rule value, flagged or not, for an administrator to review.
    pub fn rule_entries(&self) -> Vec<RuleEntry> {
        let r = &self.rules;
        let mut all: Vec<RuleEntry> = Vec::new();
        all.extend(r.intake_cutoff.listed("intake_cutoff"));
        all.extend(r.response_working_days.listed("response_working_days"));
        all.extend(
            r.max_extension_working_days
                .listed("max_extension_working_days"),
        );
        all.extend(
            r.extension_finding_within_working_days
                .listed("extension_finding_within_working_days"),
        );
        all.extend(
            r.transmission_working_days
                .listed("transmission_working_days"),
        );
        all.extend(
            r.grounds_statement_working_days
                .listed("grounds_statement_working_days"),
        );
        all.extend(
            r.litigation_notice_calendar_days
                .listed("litigation_notice_calendar_days"),
        );
        all.extend(
            r.litigation_notice_expedited_working_days
                .listed("litigation_notice_expedited_working_days"),
        );
        all.extend(
            r.weekend_holiday_observance
                .listed("weekend_holiday_observance"),
        );
        all.extend(self.fees.listed());
        all
    }

    /// Records that someone has checked a value against its source. The
    /// caller persists the change.
    pub fn clear_unverified(&mut self, key: &str, from: NaiveDate) -> Result<(), ProfileError> {
        let r = &mut self.rules;
        let cleared = match key {
            "intake_cutoff" => r.intake_cutoff.clear_unverified(from),
            "response_working_days" => r.response_working_days.clear_unverified(from),
            "max_extension_working_days" => r.max_extension_working_days.clear_unverified(from),
            "extension_finding_within_working_days" => r
                .extension_finding_within_working_days
                .clear_unverified(from),
            "transmission_working_days" => r.transmission_working_days.clear_unverified(from),
            "grounds_statement_working_days" => {
                r.grounds_statement_working_days.clear_unverified(from)
            }
            "litigation_notice_calendar_days" => {
                r.litigation_notice_calendar_days.clear_unverified(from)
            }
            "litigation_notice_expedited_working_days" => r
                .litigation_notice_expedited_working_days
                .clear_unverified(from),
            "weekend_holiday_observance" => r.weekend_holiday_observance.clear_unverified(from),
            _ => match self.fees.clear_unverified(key, from) {
                Some(cleared) => cleared,
                None => return Err(invalid(key, "not a rule of the profile".into())),
            },
        };
        if cleared {
            Ok(())
        } else {
            Err(ProfileError::NoSuchEntry {
                key: key.to_string(),
                from,
            })
        }
    }
}

impl Rules {
    fn take(table: &mut toml::Table) -> Result<Rules, ProfileError> {
        Ok(Rules {
            intake_cutoff: take_rule(table, "intake_cutoff", local_time)?,
            response_working_days: take_rule(table, "response_working_days", at_least_one)?,
            max_extension_working_days: take_rule(table, "max_extension_working_days", Ok)?,
            extension_finding_within_working_days: take_rule(
                table,
                "extension_finding_within_working_days",
                at_least_one,
            )?,
            transmission_working_days: take_rule(table, "transmission_working_days", at_least_one)?,
            grounds_statement_working_days: take_rule(
                table,
                "grounds_statement_working_days",
                at_least_one,
            )?,
            litigation_notice_calendar_days: take_rule(
                table,
                "litigation_notice_calendar_days",
                at_least_one,
            )?,
            litigation_notice_expedited_working_days: take_rule(
                table,
                "litigation_notice_expedited_working_days",
                at_least_one,
            )?,
            weekend_holiday_observance: take_rule(table, "weekend_holiday_observance", Ok)?,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Place {
    name: String,
    custodian: String,
    time_zone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDated<V> {
    from: TomlDatetime,
    value: V,
    citation: String,
    unverified: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    month: u32,
    day: Option<u32>,
    weekday: Option<String>,
    nth: Option<i32>,
    #[serde(default)]
    days_after: u32,
    since: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    date: TomlDatetime,
    reason: String,
    projected: bool,
}

impl RawHoliday {
    fn into_rule(self) -> Result<HolidayRule, String> {
        let on = match (self.day, self.weekday, self.nth) {
            (Some(day), None, None) => {
                NaiveDate::from_ymd_opt(2024, self.month, day)
                    .ok_or_else(|| format!("month {} has no day {day}", self.month))?;
                HolidayDate::Fixed {
                    month: self.month,
                    day,
                }
            }
            (None, Some(weekday), Some(nth)) => {
                let weekday = weekday
                    .parse()
                    .map_err(|_| format!("`{weekday}` is not a weekday"))?;
                if !(1..=5).contains(&nth) && nth != -1 {
                    return Err(format!("nth is 1 to 5, or -1 for the last; found {nth}"));
                }
                if !(1..=12).contains(&self.month) {
                    return Err(format!("there is no month {}", self.month));
                }
                HolidayDate::Nth {
                    month: self.month,
                    weekday,
                    nth,
                }
            }
            _ => return Err("give either `day`, or `weekday` and `nth`".into()),
        };
        Ok(HolidayRule {
            name: self.name,
            on,
            days_after: self.days_after,
            since: self.since,
        })
    }
}

impl RawClosure {
    fn into_day(self) -> Result<ClosureDay, String> {
        Ok(ClosureDay {
            date: local_date(self.date)?,
            reason: self.reason,
            projected: self.projected,
            origin: ClosureOrigin::Listed,
        })
    }
}

/// A TOML date or time. Read through `toml::Value`, which hands them on as
/// text, so the text is parsed back.
struct TomlDatetime(toml::value::Datetime);

impl<'de> Deserialize<'de> for TomlDatetime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map(TomlDatetime).map_err(|_| {
            serde::de::Error::custom(format!("expected a TOML date or time, found \"{text}\""))
        })
    }
}

pub(crate) fn invalid(key: &str, message: String) -> ProfileError {
    ProfileError::Invalid {
        key: key.to_string(),
        message,
    }
}

pub(crate) fn take<T: DeserializeOwned>(
    table: &mut toml::Table,
    key: &str,
) -> Result<T, ProfileError> {
    let value = table
        .remove(key)
        .ok_or_else(|| invalid(key, "missing; a records profile must give it".into()))?;
    value.try_into().map_err(|e| invalid(key, de_message(e)))
}

/// toml's message without its trailing lines: "in `date`" becomes a prefix.
fn de_message(error: toml::de::Error) -> String {
    let text = error.to_string();
    match text.split_once("\nin `") {
        Some((message, field)) => {
            format!("`{}`: {message}", field.trim_end().trim_end_matches('`'))
        }
        None => text.trim_end().to_string(),
    }
}

/// Reads an array of tables one entry at a time, so an error can say which.
fn take_list<R: DeserializeOwned, T>(
    table: &mut toml::Table,
    key: &str,
    convert: impl Fn(R) -> Result<T, String>,
) -> Result<Vec<T>, ProfileError> {
    let raw: Vec<toml::Value> = take(table, key)?;
    raw.into_iter()
        .enumerate()
        .map(|(i, value)| {
            let entry = |message: String| invalid(key, format!("entry {}: {message}", i + 1));
            let raw: R = value.try_into().map_err(|e| entry(de_message(e)))?;
            convert(raw).map_err(entry)
        })
        .collect()
}

pub(crate) fn take_rule<V: DeserializeOwned, T>(
    table: &mut toml::Table,
    key: &str,
    convert: impl Fn(V) -> Result<T, String>,
) -> Result<Rule<T>, ProfileError> {
    let entries = take_list(table, key, |raw: RawDated<V>| {
        Ok(Dated {
            from: local_date(raw.from)?,
            value: convert(raw.value)?,
            citation: raw.citation,
            unverified: raw.unverified,
        })
    })?;
    Rule::new(entries).map_err(|message| invalid(key, message))
}

fn local_date(TomlDatetime(value): TomlDatetime) -> Result<NaiveDate, String> {
    match (value.date, value.time, value.offset) {
        (Some(d), None, None) => {
            NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                .ok_or_else(|| format!("{value} is not a date"))
        }
        _ => Err(format!("expected a date such as 2024-07-01, found {value}")),
    }
}

fn local_time(TomlDatetime(value): TomlDatetime) -> Result<NaiveTime, String> {
    match (value.date, value.time, value.offset) {
        (None, Some(t), None) => {
            NaiveTime::from_hms_opt(t.hour.into(), t.minute.into(), t.second.into())
                .ok_or_else(|| format!("{value} is not a time of day"))
        }
        _ => Err(format!(
            "expected a local time such as 17:00:00, found {value}"
        )),
    }
}

fn at_least_one(days: u32) -> Result<u32, String> {
    if days == 0 {
        return Err("a period of 0 days leaves no time at all; give at least 1".into());
    }
    Ok(days)
}
