//! `/admin/blocks`: the blocks in force and those past, the form that
//! blocks an app token, an account or a range of addresses, and lifting a
//! block early. Every block and every lift goes in the audit log, and the
//! server's blocks in memory are read again at once.

use std::net::IpAddr;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use ipnet::IpNet;
use minijinja::context;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{Block, BlockTarget, NewAuditEntry, NewBlock, User};

use super::super::account::signed_in;
use super::super::render::{PageError, Stamp, render};
use super::private;
use crate::access::Caller;
use crate::forms::Posted;
use crate::{ApiError, AppState, limits};

const LONGEST_REASON: usize = 500;

/// How many past blocks the page lists.
const HISTORY: i64 = 100;

/// The block form's fields, as posted or as a link prefills them.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BlockForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until: String,
}

/// What the form asks to block, before it is looked up.
#[derive(Debug, PartialEq)]
enum Wanted {
    TokenId(i64),
    TokenPrefix(String),
    Email(String),
    Network(IpNet),
}

/// What a block is on, in words, and the account it reaches, if any.
struct Subject {
    label: String,
    account: Option<User>,
}

/// A block as the page lists it.
#[derive(Serialize)]
struct BlockRow {
    id: i64,
    what: String,
    reason: String,
    by: String,
    since: Stamp,
    until: Option<Stamp>,
    lifted: Option<Stamp>,
}

/// `GET /admin/blocks`, its form prefilled from the query string (the
/// flagged-callers page links here so).
pub async fn show_blocks(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Query(prefill): Query<BlockForm>,
) -> Result<Response, PageError> {
    signed_in(&caller)?;
    blocks_page(&app, &caller, StatusCode::OK, prefill, None).await
}

/// `POST /admin/blocks`.
pub async fn create_block(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(form): Posted<BlockForm>,
) -> Result<Response, PageError> {
    let actor = signed_in(&caller)?;
    let now = app.clock.now();
    let client = limits::client_address(caller.address, &headers, &app.settings.trusted_proxies);
    let checked = check(&app, actor, client, &form, now).await?;
    let (new, subject) = match checked {
        Ok(checked) => checked,
        Err(problem) => {
            let status = StatusCode::BAD_REQUEST;
            return blocks_page(&app, &caller, status, form, Some(problem)).await;
        }
    };

    let block = app
        .store
        .create_block(new, now)
        .await
        .map_err(ApiError::from)?;
    let entry = NewAuditEntry {
        actor: Some(actor.clone()),
        action: "block_created",
        target: block.target.to_string(),
        before: None,
        after: Some(audit_state(&block, &subject.label)),
    };
    app.store
        .append_audit(entry, now)
        .await
        .map_err(ApiError::from)?;
    reload(&app, now).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

/// `POST /admin/blocks/{id}/lift`: the block stops refusing at once.
/// Lifting a block that is already over changes nothing.
pub async fn lift_block(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<i64>,
    Posted(_): Posted<IgnoredAny>,
) -> Result<Response, PageError> {
    let actor = signed_in(&caller)?;
    let now = app.clock.now();
    let Some(before) = app.store.block(id).await.map_err(ApiError::from)? else {
        return Err(PageError::not_found(
            "No such block",
            "There is no block with this number.",
        ));
    };
    let lifted = app
        .store
        .lift_block(id, Some(actor.id), now)
        .await
        .map_err(ApiError::from)?;
    if let Some(after) = lifted {
        let label = label(&app, before.target).await?;
        let entry = NewAuditEntry {
            actor: Some(actor.clone()),
            action: "block_lifted",
            target: after.target.to_string(),
            before: Some(audit_state(&before, &label)),
            after: Some(audit_state(&after, &label)),
        };
        app.store
            .append_audit(entry, now)
            .await
            .map_err(ApiError::from)?;
        reload(&app, now).await?;
    }
    Ok(Redirect::to("/admin/blocks").into_response())
}

async fn reload(app: &AppState, now: DateTime<Utc>) -> Result<(), PageError> {
    app.blocks
        .reload(&app.store, now)
        .await
        .map_err(|e| ApiError::from(e).into())
}

/// A block as the audit log keeps it.
fn audit_state(block: &Block, label: &str) -> Value {
    json!({
        "block": block.id,
        "what": label,
        "reason": block.reason,
        "ends_at": block.ends_at,
        "lifted_at": block.lifted_at,
    })
}

/// The block the form asks for, or what is wrong with it in words for the
/// person who filled it in. The outer error is the store failing.
async fn check(
    app: &AppState,
    actor: &User,
    client: IpAddr,
    form: &BlockForm,
    now: DateTime<Utc>,
) -> Result<Result<(NewBlock, Subject), String>, PageError> {
    let wanted = match read_target(&form.kind, &form.value) {
        Ok(wanted) => wanted,
        Err(problem) => return Ok(Err(problem)),
    };
    let reason = read_reason(&form.reason);
    let ends_at = read_until(&form.until, zone(app), now);
    let (reason, ends_at) = match (reason, ends_at) {
        (Ok(reason), Ok(ends_at)) => (reason, ends_at),
        (Err(problem), _) | (_, Err(problem)) => return Ok(Err(problem)),
    };
    let (target, subject) = match find(app, wanted).await? {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem)),
    };
    if let Some(problem) = refuse_own(actor, client, target, &subject) {
        return Ok(Err(problem));
    }
    let new = NewBlock {
        target,
        reason,
        ends_at,
        created_by: Some(actor.id),
    };
    Ok(Ok((new, subject)))
}

/// Reads the kind and value fields: a token by number (`#12`) or by the
/// characters it starts with, an account by e-mail, addresses by range.
fn read_target(kind: &str, value: &str) -> Result<Wanted, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("Say what to block: a token, an e-mail address or a range.".into());
    }
    match kind {
        "app_token" => {
            let number = value.strip_prefix('#').unwrap_or(value);
            if number.len() < TOKEN_PREFIX || value.starts_with('#') {
                return number.parse().map(Wanted::TokenId).map_err(|_| {
                    format!(
                        "`{value}` is not a token's number (like #12) or its first 8 characters."
                    )
                });
            }
            let prefix = value.to_ascii_lowercase();
            if prefix.len() == TOKEN_PREFIX && prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(Wanted::TokenPrefix(prefix))
            } else {
                Err(format!(
                    "`{value}` is not a token's number (like #12) or its first 8 characters."
                ))
            }
        }
        "user" if value.contains('@') => Ok(Wanted::Email(value.to_string())),
        "user" => Err(format!("`{value}` is not an e-mail address.")),
        "network" => value
            .parse::<IpNet>()
            .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
            .map(Wanted::Network)
            .map_err(|_| {
                format!(
                    "`{value}` is neither an address nor a range of addresses \
                     (like 192.0.2.0/24 or 2001:db8::/48)."
                )
            }),
        _ => Err("Choose what to block: an app token, an account or addresses.".into()),
    }
}

/// How many characters of a token its owner's page shows.
const TOKEN_PREFIX: usize = 8;

fn read_reason(text: &str) -> Result<String, String> {
    let reason = text.trim();
    if reason.is_empty() {
        Err("Give the reason the blocked caller will be shown.".into())
    } else if reason.chars().count() > LONGEST_REASON {
        Err(format!(
            "Give a reason of at most {LONGEST_REASON} characters."
        ))
    } else {
        Ok(reason.to_string())
    }
}

/// The end date, `YYYY-MM-DD`: the block holds through that day in the
/// city's time zone. Blank: until lifted.
fn read_until(text: &str, zone: Tz, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date like 2025-12-31."))?;
    let midnight = date
        .checked_add_days(Days::new(1))
        .ok_or_else(|| format!("`{text}` is too far off."))?
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let end = zone
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc));
    if end <= now {
        return Err(format!(
            "{text} has passed: give a later end date, or none to block until lifted."
        ));
    }
    Ok(Some(end))
}

fn zone(app: &AppState) -> Tz {
    app.profile.city.time_zone.parse().unwrap_or(Tz::UTC)
}

/// Looks up the token or account the form names.
async fn find(
    app: &AppState,
    wanted: Wanted,
) -> Result<Result<(BlockTarget, Subject), String>, PageError> {
    let target = match wanted {
        Wanted::TokenId(id) => BlockTarget::AppToken(id),
        Wanted::TokenPrefix(prefix) => {
            let tokens = app
                .store
                .app_tokens_by_prefix(&prefix)
                .await
                .map_err(ApiError::from)?;
            match tokens.as_slice() {
                [token] => BlockTarget::AppToken(token.id),
                [] => return Ok(Err(format!("No app token starts with `{prefix}`."))),
                _ => {
                    return Ok(Err(format!(
                        "More than one app token starts with `{prefix}`: give the token's number."
                    )));
                }
            }
        }
        Wanted::Email(email) => {
            let found = app
                .store
                .user_with_password(&email)
                .await
                .map_err(ApiError::from)?;
            match found {
                Some((user, _)) => BlockTarget::User(user.id),
                None => return Ok(Err(format!("No account has the e-mail address {email}."))),
            }
        }
        Wanted::Network(net) => BlockTarget::network(net),
    };
    match subject(app, target).await? {
        Some(subject) => Ok(Ok((target, subject))),
        None => Ok(Err("There is no app token with this number.".into())),
    }
}

/// What a block is on, in words, and whose account it reaches; none for a
/// token or account that does not exist.
async fn subject(app: &AppState, target: BlockTarget) -> Result<Option<Subject>, PageError> {
    let store = &app.store;
    let subject = match target {
        BlockTarget::AppToken(id) => {
            let found = store.app_token_by_id(id).await.map_err(ApiError::from)?;
            found.map(|(token, owner)| Subject {
                label: format!(
                    "App token #{id} “{}” ({}…) of {}",
                    token.name, token.prefix, owner.email
                ),
                account: Some(owner),
            })
        }
        BlockTarget::User(id) => {
            let found = store.user(id).await.map_err(ApiError::from)?;
            found.map(|user| Subject {
                label: format!("Account {}", user.email),
                account: Some(user),
            })
        }
        BlockTarget::Network(net) => Some(Subject {
            label: format!("Addresses {net}"),
            account: None,
        }),
    };
    Ok(subject)
}

/// What a block is on, in words, even when that no longer exists.
async fn label(app: &AppState, target: BlockTarget) -> Result<String, PageError> {
    let subject = subject(app, target).await?;
    Ok(subject.map_or_else(|| target.to_string(), |s| s.label))
}

/// Blocks that would shut out the person making them, or that reach a
/// staff account without an administrator making them.
fn refuse_own(
    actor: &User,
    client: IpAddr,
    target: BlockTarget,
    subject: &Subject,
) -> Option<String> {
    if let BlockTarget::Network(net) = target
        && net.contains(&client.to_canonical())
    {
        return Some(format!(
            "{net} holds your own address ({client}), so it would block you too."
        ));
    }
    let account = subject.account.as_ref()?;
    if account.id == actor.id {
        return Some("This would block your own account.".into());
    }
    if account.role.is_staff() && actor.role != store::Role::Admin {
        return Some("Only an administrator may block a staff account or its tokens.".into());
    }
    None
}

async fn blocks_page(
    app: &AppState,
    caller: &Caller,
    status: StatusCode,
    form: BlockForm,
    problem: Option<String>,
) -> Result<Response, PageError> {
    let now = app.clock.now();
    let in_force = app
        .store
        .blocks_in_force(now)
        .await
        .map_err(ApiError::from)?;
    let history = app.store.blocks(HISTORY).await.map_err(ApiError::from)?;
    let past: Vec<&Block> = history.iter().filter(|b| !b.in_force(now)).collect();
    let html = render(
        "admin-blocks.html",
        context! {
            section => "admin",
            in_force => rows(app, in_force.iter()).await?,
            past => rows(app, past.into_iter()).await?,
            form => form,
            problem => problem,
            today => now.with_timezone(&zone(app)).format("%Y-%m-%d").to_string(),
            zone => zone(app).name(),
            csrf => caller.csrf_token.as_deref().unwrap_or_default(),
        },
    )?;
    Ok((status, private(html)).into_response())
}

async fn rows(
    app: &AppState,
    blocks: impl Iterator<Item = &Block>,
) -> Result<Vec<BlockRow>, PageError> {
    let mut rows = Vec::new();
    for block in blocks {
        rows.push(BlockRow {
            id: block.id,
            what: label(app, block.target).await?,
            reason: block.reason.clone(),
            by: block
                .created_by_email
                .clone()
                .unwrap_or_else(|| "system".into()),
            since: Stamp::time(&block.created_at),
            until: block.ends_at.as_ref().map(Stamp::time),
            lifted: block.lifted_at.as_ref().map(Stamp::time),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_by_kind() {
        let ok = |kind, value| read_target(kind, value).unwrap();
        assert_eq!(ok("app_token", "#12"), Wanted::TokenId(12));
        assert_eq!(ok("app_token", " 12 "), Wanted::TokenId(12));
        assert_eq!(ok("app_token", "#12345678"), Wanted::TokenId(12345678));
        assert_eq!(
            ok("app_token", "ABCD1234"),
            Wanted::TokenPrefix("abcd1234".into())
        );
        assert_eq!(
            ok("user", "ada@example.org"),
            Wanted::Email("ada@example.org".into())
        );
        assert_eq!(
            ok("network", "192.0.2.7"),
            Wanted::Network("192.0.2.7/32".parse().unwrap())
        );
        assert_eq!(
            ok("network", "2001:db8::/48"),
            Wanted::Network("2001:db8::/48".parse().unwrap())
        );
        for (kind, value, says) in [
            ("app_token", "#twelve", "not a token's number"),
            ("app_token", "zzzzzzzz", "not a token's number"),
            ("user", "ada", "not an e-mail address"),
            ("network", "10.0.0.0/33", "neither an address nor a range"),
            ("network", "", "Say what to block"),
            ("planet", "mars", "Choose what to block"),
        ] {
            let problem = read_target(kind, value).unwrap_err();
            assert!(problem.contains(says), "{kind} {value}: {problem}");
        }
    }

    #[test]
    fn an_end_date_holds_through_that_day_in_the_citys_zone() {
        let now: DateTime<Utc> = "2025-03-03T12:00:00Z".parse().unwrap();
        let denver: Tz = "America/Denver".parse().unwrap();
        let end = read_until("2025-03-03", denver, now).unwrap();
        assert_eq!(end, Some("2025-03-04T07:00:00Z".parse().unwrap()));
        assert_eq!(read_until(" ", denver, now), Ok(None));
        let past = read_until("2025-03-02", Tz::UTC, now).unwrap_err();
        assert!(past.contains("has passed"), "{past}");
        let bad = read_until("3 March", Tz::UTC, now).unwrap_err();
        assert!(bad.contains("not a date"), "{bad}");
    }

    #[test]
    fn a_reason_is_needed_and_kept_short() {
        assert_eq!(
            read_reason("  Too many requests. "),
            Ok("Too many requests.".into())
        );
        assert!(read_reason(" ").is_err());
        assert!(read_reason(&"x".repeat(LONGEST_REASON + 1)).is_err());
    }
}
