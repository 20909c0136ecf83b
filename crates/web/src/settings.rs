//! The server's settings: typed, with defaults, documented in docs/SETTINGS.md.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The portal's address as the public sees it (`https://data.example.gov`);
    /// when unset, links use the request's own scheme and host.
    pub public_url: Option<String>,
    /// The largest `$limit` a query may ask for.
    pub max_limit: u64,
    /// Memory for cached query results, in MiB; 0 turns the cache off.
    pub query_cache_mb: u64,
    /// The city's time zone: the default zone of floating timestamps.
    pub time_zone: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: None,
            max_limit: 50_000,
            query_cache_mb: 64,
            time_zone: "America/Denver".to_string(),
        }
    }
}

/// Names of every setting, for the documentation check.
pub fn setting_names() -> Vec<String> {
    match serde_json::to_value(Settings::default()) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every setting is documented, and the documentation names no setting
    /// that does not exist.
    #[test]
    fn settings_match_their_documentation() {
        let doc = include_str!("../../../docs/SETTINGS.md");
        let documented: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let mut names = setting_names();
        names.sort();
        let mut documented: Vec<String> = documented.iter().map(|s| s.to_string()).collect();
        documented.sort();
        assert_eq!(names, documented);
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let s = Settings::default();
        assert_eq!(s.max_limit, 50_000);
        assert_eq!(s.public_url, None);
    }
}
