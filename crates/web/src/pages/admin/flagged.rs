//! `GET /admin/limits`: the callers the rate limits refuse most often, from
//! the limiter's own count since the server started, each with a one-click
//! block.
//!
//! Stewards see this page as well as administrators: it exists to feed the
//! block form, which stewards may use, and it names no one the blocks page
//! would not name once they were blocked.

use std::net::IpAddr;
use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use chrono::Duration;
use chrono_tz::Tz;
use minijinja::context;
use serde::Serialize;
use store::{Block, BlockTarget};

use super::super::account::signed_in;
use super::super::render::{PageError, Stamp, render};
use super::super::thousands;
use super::private;
use crate::access::Caller;
use crate::limits::{Key, Limits, Offence};
use crate::{ApiError, AppState};

/// How many callers the page lists.
const LISTED: usize = 100;

/// How long the one-click block lasts, in days.
const QUICK_BLOCK_DAYS: i64 = 7;

/// What the one-click block tells the caller.
const QUICK_REASON: &str = "This client kept sending requests after being told to slow down, \
     so it has been blocked for a while. Programs that query the portal often should pace \
     their requests and send an app token.";

/// One flagged caller as the page lists it.
#[derive(Serialize)]
struct FlaggedRow {
    who: String,
    /// The block form's `kind` and `value` for this caller.
    kind: &'static str,
    value: String,
    refused: String,
    first: Stamp,
    last: Stamp,
    blocked: bool,
    /// The blocks page with the form filled in, to block with other words.
    prefilled: String,
}

/// `GET /admin/limits`.
pub async fn show_flagged(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Extension(limits): Extension<Arc<Limits>>,
) -> Result<Response, PageError> {
    signed_in(&caller)?;
    let now = app.clock.now();
    let blocks = app
        .store
        .blocks_in_force(now)
        .await
        .map_err(ApiError::from)?;
    let mut rows = Vec::new();
    for (key, offence) in limits.offenders(LISTED) {
        rows.push(row(&app, key, &offence, &blocks).await?);
    }

    let zone: Tz = app.profile.city.time_zone.parse().unwrap_or(Tz::UTC);
    let until = (now + Duration::days(QUICK_BLOCK_DAYS)).with_timezone(&zone);
    let html = render(
        "admin-limits.html",
        context! {
            section => "admin",
            rows => rows,
            days => QUICK_BLOCK_DAYS,
            reason => QUICK_REASON,
            until => until.format("%Y-%m-%d").to_string(),
            csrf => caller.csrf_token.as_deref().unwrap_or_default(),
        },
    )?;
    Ok(private(html))
}

async fn row(
    app: &AppState,
    key: Key,
    offence: &Offence,
    blocks: &[Block],
) -> Result<FlaggedRow, PageError> {
    let (who, kind, value, blocked) = match key {
        Key::Token(id) => {
            let found = app
                .store
                .app_token_by_id(id)
                .await
                .map_err(ApiError::from)?;
            let (who, owner) = match found {
                Some((token, owner)) => (
                    format!(
                        "App token #{id} “{}” ({}…) of {}",
                        token.name, token.prefix, owner.email
                    ),
                    Some(owner.id),
                ),
                None => (format!("App token #{id}"), None),
            };
            let blocked = blocks.iter().any(|b| {
                b.target == BlockTarget::AppToken(id)
                    || owner.is_some_and(|o| b.target == BlockTarget::User(o))
            });
            (who, "app_token", format!("#{id}"), blocked)
        }
        Key::Staff(id) => {
            let who = format!("Staff account #{id}");
            let blocked = blocks.iter().any(|b| b.target == BlockTarget::User(id));
            let value = app
                .store
                .user(id)
                .await
                .map_err(ApiError::from)?
                .map_or_else(|| format!("#{id}"), |u| u.email);
            (who, "user", value, blocked)
        }
        Key::Address(address) => {
            let value = range(address);
            let blocked = blocks.iter().any(|b| match b.target {
                BlockTarget::Network(net) => net.contains(&address),
                _ => false,
            });
            (format!("Address {value}"), "network", value, blocked)
        }
    };
    let prefilled = super::super::link(
        "/admin/blocks",
        &[
            ("kind", Some(kind)),
            ("value", Some(&value)),
            ("reason", Some(QUICK_REASON)),
        ],
    );
    Ok(FlaggedRow {
        who,
        kind,
        value,
        refused: thousands(offence.refused as i64),
        first: Stamp::time(&offence.first),
        last: Stamp::time(&offence.last),
        blocked,
        prefilled,
    })
}

/// The addresses one budget covers: an IPv4 address alone, an IPv6
/// client's /64 (the limiter counts them so).
fn range(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("{v6}/64"),
    }
}
