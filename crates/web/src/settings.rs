//! The server's settings: typed, with defaults, documented in docs/SETTINGS.md.

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

use crate::limits::Proxies;

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
    /// Whether callers are throttled at all; off for benchmarks and for a
    /// portal behind a gateway that already does the same job.
    pub rate_limits_enabled: bool,
    /// The steady rate one address may keep up without an app token.
    pub anonymous_requests_per_hour: NonZeroU32,
    /// How many requests one address may send at once before the steady
    /// rate applies.
    pub anonymous_burst: NonZeroU32,
    /// The steady rate one app token may keep up, from any address.
    pub token_requests_per_hour: NonZeroU32,
    /// How many requests one app token may send at once.
    pub token_burst: NonZeroU32,
    /// The steady rate one signed-in staff member may keep up, from any
    /// address (staff often share an office's).
    pub staff_requests_per_hour: NonZeroU32,
    /// How many requests one signed-in staff member may send at once.
    pub staff_burst: NonZeroU32,
    /// Proxies whose `X-Forwarded-For` names the real client (addresses or
    /// CIDR networks); from anyone else the header is ignored.
    pub trusted_proxies: Proxies,
    /// The city profile (TOML): the city's name and departments. Unset, the
    /// built-in profile of Aurora, Colorado.
    pub profile: Option<std::path::PathBuf>,
    /// The records law profile (TOML): rules with their dates and
    /// citations, holidays and closure days. Unset, the built-in profile
    /// of Aurora, Colorado.
    pub records_profile: Option<std::path::PathBuf>,
    /// The local time (in the records profile's zone) the server e-mails
    /// staff the digest of requests due soon or overdue, as `HH:MM`; empty,
    /// no digest is sent by the server (`civic digest` still sends one).
    pub digest_at: String,
    /// Where the portal sends e-mail (password-reset links):
    /// `smtp://host:port` (plain, for a relay on the same machine),
    /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://host:465`, with
    /// `user:password@` when the server asks. Unset, no e-mail is sent.
    pub smtp_url: Option<String>,
    /// The sender of the portal's e-mail (`Civic <noreply@city.example>`).
    pub mail_from: String,
    /// Days a dataset's stewards have to act on a takedown request.
    pub takedown_due_days: u32,
    /// The city's OpenID Connect provider (`https://login.city.example`), for
    /// staff sign-in; its discovery document is at
    /// `{oidc_issuer}/.well-known/openid-configuration`. Unset, staff sign in
    /// with passwords only.
    pub oidc_issuer: Option<String>,
    /// The portal's client id at the provider.
    pub oidc_client_id: Option<String>,
    /// The portal's client secret at the provider; unset for a public client,
    /// which PKCE alone protects.
    pub oidc_client_secret: Option<String>,
    /// What the sign-in page's button for the provider says.
    pub oidc_button_label: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: None,
            max_limit: 50_000,
            query_cache_mb: 64,
            rate_limits_enabled: true,
            anonymous_requests_per_hour: NonZeroU32::new(1_000).expect("non-zero"),
            anonymous_burst: NonZeroU32::new(60).expect("non-zero"),
            token_requests_per_hour: NonZeroU32::new(10_000).expect("non-zero"),
            token_burst: NonZeroU32::new(600).expect("non-zero"),
            staff_requests_per_hour: NonZeroU32::new(10_000).expect("non-zero"),
            staff_burst: NonZeroU32::new(600).expect("non-zero"),
            trusted_proxies: Proxies::default(),
            profile: None,
            records_profile: None,
            digest_at: "07:00".to_string(),
            smtp_url: None,
            mail_from: "Civic <noreply@localhost>".to_string(),
            takedown_due_days: 3,
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_button_label: "Sign in with the city's staff account".to_string(),
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
        assert!(s.rate_limits_enabled);
        assert_eq!(s.anonymous_requests_per_hour.get(), 1_000);
        assert_eq!(s.anonymous_burst.get(), 60);
        assert_eq!(s.token_requests_per_hour.get(), 10_000);
        assert_eq!(s.token_burst.get(), 600);
        assert!(s.trusted_proxies.is_empty());
    }
}
