//! `GET /account`: who a signed-in person is to the portal, their role and
//! departments, and their app tokens, which they create and revoke here.
//!
//! A token's secret is shown once, on the page that answers its creation:
//! only its hash is kept, so no later page can show it again. Pages that
//! may hold a secret are marked `no-store` so no cache keeps a copy.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{AppToken, NewAuditEntry, Role, User};

use super::render::{PageError, Stamp, render};
use crate::access::{self, Caller};
use crate::forms::Posted;
use crate::{ApiError, AppState};

const LONGEST_TOKEN_NAME: usize = 100;

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    name: String,
}

/// One of the person's tokens as the page lists it.
#[derive(Serialize)]
struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    created: Stamp,
    revoked: Option<Stamp>,
}

impl TokenRow {
    fn of(token: &AppToken) -> TokenRow {
        TokenRow {
            id: token.id,
            name: token.name.clone(),
            prefix: token.prefix.clone(),
            created: Stamp::time(&token.created_at),
            revoked: token.revoked_at.as_ref().map(Stamp::time),
        }
    }
}

/// A token just made, with the secret this one page shows.
#[derive(Serialize)]
struct Created {
    name: String,
    secret: String,
    example: String,
}

/// What the token form says after a post: the new token, or what was
/// wrong with the name given.
#[derive(Default)]
struct TokenForm {
    created: Option<Created>,
    name: String,
    problem: Option<String>,
}

/// The signed-in account, which the route table's `SignedIn` need has
/// already asked for.
pub(super) fn signed_in(caller: &Caller) -> Result<&User, PageError> {
    caller.user.as_ref().ok_or_else(|| {
        PageError::new(
            StatusCode::UNAUTHORIZED,
            "Sign in first",
            "This page is about your account: sign in to see it.",
        )
    })
}

/// `GET /account`.
pub async fn show_account(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
) -> Result<Response, PageError> {
    let user = signed_in(&caller)?;
    account_page(&app, &caller, user, StatusCode::OK, TokenForm::default()).await
}

/// `POST /account/tokens`: a new app token, its secret shown on the page
/// this answers with and never again.
pub async fn create_token(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(form): Posted<NewToken>,
) -> Result<Response, PageError> {
    let user = signed_in(&caller)?;
    let name = form.name.trim();
    if let Some(problem) = token_name_problem(name) {
        let form = TokenForm {
            name: name.to_string(),
            problem: Some(problem),
            ..TokenForm::default()
        };
        return account_page(&app, &caller, user, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    }

    let (token, secret) =
        access::issue_app_token(&app.store, user, Some(user), name, app.clock.now())
            .await
            .map_err(ApiError::from)?;

    let example = format!(
        "curl -H 'X-App-Token: {secret}' '{}/api/catalog/v1'",
        app.base_url(&headers)
    );
    let form = TokenForm {
        created: Some(Created {
            name: token.name,
            secret,
            example,
        }),
        ..TokenForm::default()
    };
    account_page(&app, &caller, user, StatusCode::OK, form).await
}

/// `POST /account/tokens/{id}/revoke`: the token stops working at once.
/// Revoking a token already revoked changes nothing.
pub async fn revoke_token(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<i64>,
    Posted(_): Posted<IgnoredAny>,
) -> Result<Response, PageError> {
    let user = signed_in(&caller)?;
    let tokens = app
        .store
        .app_tokens(user.id)
        .await
        .map_err(ApiError::from)?;
    let Some(token) = tokens.into_iter().find(|t| t.id == id) else {
        return Err(PageError::not_found(
            "No such token",
            "Your account has no app token with this number.",
        ));
    };

    let now = app.clock.now();
    let revoked = app
        .store
        .revoke_app_token(user.id, id, now)
        .await
        .map_err(ApiError::from)?;
    if revoked {
        let entry = NewAuditEntry {
            actor: Some(user.clone()),
            action: "app_token_revoked",
            target: format!("app_token:{id}"),
            before: Some(json!({ "name": token.name, "revoked_at": null })),
            after: Some(json!({ "name": token.name, "revoked_at": now })),
        };
        app.store
            .append_audit(entry, now)
            .await
            .map_err(ApiError::from)?;
    }
    Ok(Redirect::to("/account").into_response())
}

async fn account_page(
    app: &AppState,
    caller: &Caller,
    user: &User,
    status: StatusCode,
    form: TokenForm,
) -> Result<Response, PageError> {
    let tokens = app
        .store
        .app_tokens(user.id)
        .await
        .map_err(ApiError::from)?;
    // The records requests this account filed, newest first.
    let mut requests: Vec<serde_json::Value> = app
        .store
        .records_requests(&store::RequestFilter {
            requester_id: Some(user.id),
            ..store::RequestFilter::default()
        })
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "tracking": r.tracking,
                "state": crate::records_desk::state_words(&r.state),
                "received": r.received_at.with_timezone(&app.jurisdiction().zone).format("%-d %b %Y").to_string(),
            })
        })
        .collect();
    requests.reverse();
    let html = render(
        "account.html",
        context! {
            section => "account",
            requests,
            email => &user.email,
            name => &user.name,
            role => role_title(user.role),
            departments => &user.departments,
            tokens => tokens.iter().map(TokenRow::of).collect::<Vec<_>>(),
            created => form.created,
            token_name => form.name,
            token_problem => form.problem,
            // An app token's caller has no session and so no form token:
            // the forms are shown to a browser that signed in.
            csrf => caller.csrf_token.as_deref().unwrap_or_default(),
        },
    )?;
    let mut response = (status, html).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn token_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("Give the token a name, such as the program that will use it.".to_string())
    } else if name.chars().count() > LONGEST_TOKEN_NAME {
        Some(format!(
            "Give the token a name of at most {LONGEST_TOKEN_NAME} characters."
        ))
    } else {
        None
    }
}

/// A role in the words the city uses for it.
fn role_title(role: Role) -> &'static str {
    match role {
        Role::Registered => "Registered user",
        Role::Steward => "Dataset steward",
        Role::Clerk => "Records clerk",
        Role::Admin => "Administrator",
    }
}
