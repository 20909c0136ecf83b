//! The city profile: who the portal serves and how the city is organised.
//! Aurora, Colorado's is built in; another city names its own file in the
//! `profile` setting.

use std::path::Path;

use serde::{Deserialize, Serialize};

const AURORA: &str = include_str!("../../../profiles/aurora-co.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub city: City,
    /// Every department datasets and requests may belong to.
    pub departments: Vec<String>,
    /// The custodian of the city's records, whom residents ask for records
    /// that are not published.
    pub records_office: RecordsOffice,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordsOffice {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// The contact rests on a source not yet confirmed; pages say so until
    /// an administrator confirms it and clears the flag.
    #[serde(default)]
    pub unverified: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// As the portal names the city: "City of Aurora".
    pub name: String,
    pub state: String,
    /// An IANA zone: floating timestamps and every records clock use it.
    pub time_zone: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Profile {
    /// The built-in profile of Aurora, Colorado.
    pub fn aurora() -> Profile {
        Profile::parse(AURORA, "aurora-co.toml").expect("the built-in profile is valid")
    }

    pub fn read(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Profile::parse(&text, &path.display().to_string())
    }

    fn parse(text: &str, path: &str) -> Result<Profile, ProfileError> {
        let invalid = |message: String| ProfileError::Invalid {
            path: path.to_string(),
            message,
        };
        let profile: Profile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if profile.departments.is_empty() {
            return Err(invalid("a profile lists at least one department".into()));
        }
        if profile.city.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(invalid(format!(
                "`{}` is not an IANA time zone",
                profile.city.time_zone
            )));
        }
        Ok(profile)
    }

    /// The city's zone, which [`Profile::parse`] has checked.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.city.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// The department as the profile spells it, matched in any case.
    pub fn department(&self, name: &str) -> Option<&str> {
        self.departments
            .iter()
            .find(|d| d.eq_ignore_ascii_case(name.trim()))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aurora_lists_its_departments() {
        let aurora = Profile::aurora();
        assert_eq!(aurora.city.name, "City of Aurora");
        assert_eq!(aurora.city.time_zone, "America/Denver");
        assert_eq!(aurora.departments.len(), 22);
        assert_eq!(aurora.department("police"), Some("Police"));
        assert_eq!(
            aurora.department("Parks Recreation and Open Space"),
            Some("Parks Recreation and Open Space")
        );
        assert_eq!(aurora.department("Library and Archives"), None);
        assert_eq!(aurora.records_office.name, "Office of the City Clerk");
        assert!(
            aurora.records_office.unverified,
            "a contact from a possibly stale page"
        );
    }

    #[test]
    fn a_bad_profile_says_what_is_wrong() {
        let office = "[records_office]\nname='C'\nemail='c@x.org'\nphone='1'\n";
        let e = Profile::parse(
            &format!("departments = []\n{office}[city]\nname='X'\nstate='Y'\ntime_zone='UTC'"),
            "x.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("at least one department"), "{e}");
        let e = Profile::parse(
            &format!(
                "departments = ['A']\n{office}[city]\nname='X'\nstate='Y'\ntime_zone='Mars/Olympus'"
            ),
            "x.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("Mars/Olympus"), "{e}");
    }
}
