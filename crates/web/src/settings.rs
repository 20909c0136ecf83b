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
    /// Whether request rate limits are enforced.
    pub rate_limits_enabled: bool,
    /// The city's time zone: the default zone of floating timestamps.
    pub time_zone: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: None,
            max_limit: 50_000,
            query_cache_mb: 64,
            rate_limits_enabled: true,
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
