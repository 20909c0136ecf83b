//! Signing up, signing in and signing out.
//!
//! A failed sign-in says only that the e-mail address and password do not
//! match, whichever of the two was wrong and whether or not the account
//! exists or is disabled, so the form cannot be used to learn who has an
//! account here.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use store::{NewUser, Role, StoreError};

use super::account::signed_in;
use super::param;
use super::render::{PageError, render};
use crate::access::Caller;
use crate::forms::{Posted, form_token};
use crate::{ApiError, AppState, credentials, sessions};

/// Where a person lands after signing in, unless they were on their way
/// somewhere else.
pub(super) const AFTER_SIGN_IN: &str = "/account";

const NO_MATCH: &str = "That e-mail address and password do not match an account. \
                        Check both and try again.";

const LONGEST_NAME: usize = 200;

#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Default, Deserialize)]
pub struct SignUp {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// What is wrong with a sign-up form, field by field.
#[derive(Default, Serialize)]
struct Problems {
    email: Option<String>,
    name: Option<String>,
    password: Option<String>,
}

impl Problems {
    fn any(&self) -> bool {
        self.email.is_some() || self.name.is_some() || self.password.is_some()
    }
}

/// `GET /signin`: the form, which sends the person on to `?next=` after.
pub async fn show_signin(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let next = local_path(param(&params, "next")).unwrap_or(AFTER_SIGN_IN);
    let token = form_token(&app, &caller, &headers);
    let html = render(
        "signin.html",
        context! {
            section => "signin",
            csrf => token.value,
            next,
            email => "",
            error => None::<&str>,
            signed_in_as => caller.user.as_ref().map(|u| &u.email),
            provider => provider_button(&app, next),
        },
    )?;
    Ok(page(StatusCode::OK, html, token.set_cookie))
}

/// `POST /signin`: a new session and on to `next`, or the form again with
/// the one message for every kind of failure.
pub async fn sign_in(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(form): Posted<SignIn>,
) -> Result<Response, PageError> {
    let next = local_path(Some(&form.next)).unwrap_or(AFTER_SIGN_IN);
    let found = app
        .store
        .user_with_password(form.email.trim())
        .await
        .map_err(ApiError::from)?;

    // The password is checked even for an unknown or disabled account, so
    // that every failure takes as long as a wrong password.
    let (user, stored) = found.map_or((None, None), |(user, hash)| (Some(user), hash));
    let matches = credentials::verify_password(form.password, stored)
        .await
        .map_err(fault)?;
    let Some(user) = user.filter(|u| matches && !u.disabled) else {
        let token = form_token(&app, &caller, &headers);
        let html = render(
            "signin.html",
            context! {
                section => "signin",
                csrf => token.value,
                next,
                email => form.email.trim(),
                error => NO_MATCH,
                signed_in_as => None::<&str>,
                provider => provider_button(&app, next),
            },
        )?;
        return Ok(page(StatusCode::UNAUTHORIZED, html, token.set_cookie));
    };

    let cookie = sessions::start(&app, &headers, user.id).await?;
    Ok(redirect(next, cookie))
}

/// The button to the city's OpenID Connect provider, when there is one.
#[derive(Serialize)]
struct ProviderButton<'a> {
    label: &'a str,
    href: String,
}

fn provider_button<'a>(app: &'a AppState, next: &str) -> Option<ProviderButton<'a>> {
    let oidc = app.oidc.as_ref()?;
    Some(ProviderButton {
        label: &oidc.label,
        href: format!("/signin/oidc?next={}", urlencoding::encode(next)),
    })
}

/// `GET /signup`: the form for a new account.
pub async fn show_signup(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let token = form_token(&app, &caller, &headers);
    let signed_in_as = caller.user.as_ref().map(|u| u.email.as_str());
    let html = signup_page(
        &token.value,
        &SignUp::default(),
        &Problems::default(),
        signed_in_as,
    )?;
    Ok(page(StatusCode::OK, html, token.set_cookie))
}

/// `POST /signup`: a registered account, signed in at once; or the form
/// again, saying what to change.
pub async fn sign_up(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(mut form): Posted<SignUp>,
) -> Result<Response, PageError> {
    let email = form.email.trim();
    let name = form.name.trim();
    let mut problems = Problems {
        email: credentials::email_problem(email).map(String::from),
        name: name_problem(name),
        password: credentials::password_problem(&form.password),
    };
    if !problems.any() {
        let password = std::mem::take(&mut form.password);
        match create_account(&app, email, name, password).await {
            Ok(user_id) => {
                let cookie = sessions::start(&app, &headers, user_id).await?;
                return Ok(redirect(AFTER_SIGN_IN, cookie));
            }
            Err(Refusal::EmailTaken) => {
                problems.email = Some(
                    "An account with this e-mail address already exists: sign in instead."
                        .to_string(),
                );
            }
            Err(Refusal::Fault(e)) => return Err(e),
        }
    }

    let token = form_token(&app, &caller, &headers);
    let html = signup_page(&token.value, &form, &problems, None)?;
    Ok(page(
        StatusCode::UNPROCESSABLE_ENTITY,
        html,
        token.set_cookie,
    ))
}

enum Refusal {
    EmailTaken,
    Fault(PageError),
}

async fn create_account(
    app: &AppState,
    email: &str,
    name: &str,
    password: String,
) -> Result<i64, Refusal> {
    let hash = credentials::hash_password(password)
        .await
        .map_err(|e| Refusal::Fault(fault(e)))?;
    let new = NewUser {
        email: email.to_string(),
        name: name.to_string(),
        password_hash: Some(hash),
        role: Role::Registered,
        departments: Vec::new(),
    };
    match app.store.create_user(new, app.clock.now()).await {
        Ok(user) => Ok(user.id),
        Err(StoreError::EmailTaken(_)) => Err(Refusal::EmailTaken),
        Err(e) => Err(Refusal::Fault(ApiError::from(e).into())),
    }
}

fn signup_page(
    csrf: &str,
    form: &SignUp,
    problems: &Problems,
    signed_in_as: Option<&str>,
) -> Result<Html<String>, PageError> {
    render(
        "signup.html",
        context! {
            csrf,
            email => form.email.trim(),
            name => form.name.trim(),
            problems,
            has_problems => problems.any(),
            min_password => credentials::MIN_PASSWORD_LENGTH,
            signed_in_as,
        },
    )
}

fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("Enter your name.".to_string())
    } else if name.chars().count() > LONGEST_NAME {
        Some(format!(
            "Enter a name of at most {LONGEST_NAME} characters."
        ))
    } else {
        None
    }
}

/// `POST /signout`: ends this browser's session.
pub async fn sign_out(
    State(app): State<AppState>,
    headers: HeaderMap,
    Posted(_): Posted<IgnoredAny>,
) -> Result<Response, PageError> {
    let removal = sessions::end(&app, &headers).await?;
    Ok(redirect("/", removal))
}

/// `POST /signout/everywhere`: ends every session of the account, for
/// someone who signed in on a computer they no longer use.
pub async fn sign_out_everywhere(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(_): Posted<IgnoredAny>,
) -> Result<Response, PageError> {
    let user = signed_in(&caller)?;
    app.store
        .end_all_sessions(user.id)
        .await
        .map_err(ApiError::from)?;
    Ok(redirect("/", sessions::removal(&app, &headers)))
}

/// `next` when it is a path on this portal. A browser reads `//host` and
/// `/\host` as another site, and drops tabs and line breaks before reading,
/// so none of those is let through.
pub(super) fn local_path(next: Option<&str>) -> Option<&str> {
    let next = next?;
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    local.then_some(next)
}

pub(super) fn page(
    status: StatusCode,
    html: Html<String>,
    set_cookie: Option<HeaderValue>,
) -> Response {
    let mut response = (status, html).into_response();
    if let Some(cookie) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// A `303 See Other` that also sets (or removes) a cookie.
pub(super) fn redirect(to: &str, cookie: HeaderValue) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

pub(super) fn fault(e: credentials::PasswordError) -> PageError {
    ApiError::internal("passwords", e).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_portal_are_followed() {
        for local in ["/", "/account", "/d/nypd-hate?page=2", "/browse?q=a%2F%2Fb"] {
            assert_eq!(local_path(Some(local)), Some(local));
        }
        for away in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "/\t/evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(away)), None, "{away:?}");
        }
        assert_eq!(local_path(None), None);
    }
}
