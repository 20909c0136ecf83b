//! A forgotten password: a link by e-mail that sets a new one.
//!
//! The page that sends the link says the same thing whether or not an
//! account uses the address, so it cannot be used to learn who has one. A
//! link works once, for [`LINK_LIFETIME`]; setting a new password signs the
//! account out of every browser, in case someone else was signed in with
//! the old one.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::TimeDelta;
use minijinja::context;
use serde::Deserialize;
use serde_json::json;
use store::NewAuditEntry;

use super::account::signed_in;
use super::param;
use super::render::{PageError, render};
use super::signin::{fault, page};
use crate::access::{Caller, new_secret, secret_hash};
use crate::forms::{Posted, form_token};
use crate::{ApiError, AppState, credentials, sessions};

/// How long an e-mailed link works.
pub const LINK_LIFETIME: TimeDelta = TimeDelta::hours(1);

#[derive(Deserialize)]
pub struct Forgot {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
pub struct Reset {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// `GET /password/forgot`: the form that asks for the address.
pub async fn show_forgot(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let token = form_token(&app, &caller, &headers);
    let html = render(
        "password-forgot.html",
        context! { csrf => token.value, can_mail => app.mailer.is_some(), sent => false },
    )?;
    Ok(page(StatusCode::OK, html, token.set_cookie))
}

/// `POST /password/forgot`: mails a link to the account with that address,
/// if there is one, and says the same either way.
pub async fn send_link(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(form): Posted<Forgot>,
) -> Result<Response, PageError> {
    let Some(mailer) = &app.mailer else {
        return Err(PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "E-mail is not set up",
            "This portal cannot send e-mail, so it cannot send a link. \
             Ask an administrator of the portal to set a new password for you.",
        ));
    };
    let found = app
        .store
        .user_with_password(form.email.trim())
        .await
        .map_err(ApiError::from)?;
    if let Some((user, _)) = found.filter(|(user, _)| !user.disabled) {
        let now = app.clock.now();
        let secret = new_secret();
        app.store
            .create_password_reset(user.id, &secret_hash(&secret), now, now + LINK_LIFETIME)
            .await
            .map_err(ApiError::from)?;
        let link = format!("{}/password/reset?token={secret}", app.base_url(&headers));
        let body = format!(
            "Someone, we hope you, asked to set a new password for your account on the \
             {city}'s open data portal.\n\n\
             To choose a new password, open this link within an hour:\n\n{link}\n\n\
             The link works once. If you did not ask for it, ignore this message: your \
             password stays as it is.\n",
            city = app.profile.city.name,
        );
        // A failure to send is logged for the administrators; the page
        // still says the same, or it would tell who has an account.
        if let Err(e) = mailer
            .send(&user.email, "Setting a new password", body)
            .await
        {
            tracing::error!(error = %e, "password-reset mail");
        }
    }
    let token = form_token(&app, &caller, &headers);
    let html = render(
        "password-forgot.html",
        context! { csrf => token.value, can_mail => true, sent => true },
    )?;
    Ok(page(StatusCode::OK, html, token.set_cookie))
}

/// `GET /password/reset?token=…`: the form for the new password.
pub async fn show_reset(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = form_token(&app, &caller, &headers);
    let html = render(
        "password-reset.html",
        context! {
            csrf => token.value,
            link => param(&params, "token").unwrap_or(""),
            problem => None::<String>,
            min_password => credentials::MIN_PASSWORD_LENGTH,
        },
    )?;
    Ok(page(StatusCode::OK, html, token.set_cookie))
}

/// `POST /password/reset`: sets the new password if the link still works,
/// and signs the account out everywhere.
pub async fn reset_password(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(form): Posted<Reset>,
) -> Result<Response, PageError> {
    if let Some(problem) = credentials::password_problem(&form.password) {
        let token = form_token(&app, &caller, &headers);
        let html = render(
            "password-reset.html",
            context! {
                csrf => token.value,
                link => form.token.trim(),
                problem,
                min_password => credentials::MIN_PASSWORD_LENGTH,
            },
        )?;
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            html,
            token.set_cookie,
        ));
    }
    let now = app.clock.now();
    let used = app
        .store
        .use_password_reset(&secret_hash(form.token.trim()), now)
        .await
        .map_err(ApiError::from)?;
    let Some(user_id) = used else {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "This link no longer works",
            "The link has expired or has been used already. Ask for a new one on the \
             forgotten-password page.",
        ));
    };

    let hash = credentials::hash_password(form.password)
        .await
        .map_err(fault)?;
    app.store
        .set_password(user_id, &hash)
        .await
        .map_err(ApiError::from)?;
    let ended = app
        .store
        .end_all_sessions(user_id)
        .await
        .map_err(ApiError::from)?;
    let entry = NewAuditEntry {
        actor: app.store.user(user_id).await.map_err(ApiError::from)?,
        action: "password_reset",
        target: format!("user:{user_id}"),
        before: None,
        after: Some(json!({ "sessions_ended": ended })),
    };
    app.store
        .append_audit(entry, now)
        .await
        .map_err(ApiError::from)?;

    let html = render("password-done.html", context! {})?;
    Ok(page(StatusCode::OK, html, None))
}

#[derive(Deserialize)]
pub struct Change {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

/// `GET /account/password`: the form to choose a new password, which an
/// account given a password by someone else sees before anything else.
pub async fn show_change(Extension(caller): Extension<Arc<Caller>>) -> Result<Response, PageError> {
    let user = signed_in(&caller)?;
    change_form(&caller, user.must_change_password, None, StatusCode::OK)
}

fn change_form(
    caller: &Caller,
    required: bool,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let html = render(
        "password-change.html",
        context! {
            section => "account",
            csrf => caller.csrf_token.clone().unwrap_or_default(),
            required,
            problem,
            min_password => credentials::MIN_PASSWORD_LENGTH,
        },
    )?;
    Ok(page(status, html, None))
}

/// `POST /account/password`: checks the current password, sets the new
/// one, and signs the account out of every other browser.
pub async fn change_password(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(form): Posted<Change>,
) -> Result<Response, PageError> {
    let user = signed_in(&caller)?;
    let refuse = |problem: String| {
        change_form(
            &caller,
            user.must_change_password,
            Some(problem),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let stored = app
        .store
        .user_with_password(&user.email)
        .await
        .map_err(ApiError::from)?
        .and_then(|(_, hash)| hash);
    if !credentials::verify_password(form.current, stored)
        .await
        .map_err(fault)?
    {
        return refuse("That is not your current password.".into());
    }
    if let Some(problem) = credentials::password_problem(&form.password) {
        return refuse(problem);
    }
    let hash = credentials::hash_password(form.password)
        .await
        .map_err(fault)?;
    app.store
        .set_password(user.id, &hash)
        .await
        .map_err(ApiError::from)?;
    // Every other browser signed in as this account is signed out; this
    // one starts a new session.
    let ended = app
        .store
        .end_all_sessions(user.id)
        .await
        .map_err(ApiError::from)?;
    let cookie = sessions::start(&app, &headers, user.id).await?;
    let now = app.clock.now();
    let entry = NewAuditEntry {
        actor: Some(user.clone()),
        action: "password_changed",
        target: format!("user:{}", user.id),
        before: Some(json!({ "must_change_password": user.must_change_password })),
        after: Some(json!({ "must_change_password": false, "sessions_ended": ended })),
    };
    app.store
        .append_audit(entry, now)
        .await
        .map_err(ApiError::from)?;
    let mut response = axum::response::Redirect::to("/account").into_response();
    response
        .headers_mut()
        .append(axum::http::header::SET_COOKIE, cookie);
    Ok(response)
}
