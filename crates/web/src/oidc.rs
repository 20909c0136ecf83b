//! Staff sign-in through the city's OpenID Connect provider: where to send a
//! browser, and what to believe of what it brings back.
//!
//! Only the Authorization Code flow is used, with PKCE, `state` and `nonce`.
//! The provider's discovery document and signing keys are fetched at first
//! use and kept for [`METADATA_LIFETIME`], so the portal starts while the
//! provider is down, and a provider that rotates its keys is heard from
//! within the hour (at once when a signature fails to verify). The provider
//! only vouches for an e-mail address: which account that is, and what it
//! may do, stays the portal's business.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, HttpRequest, HttpResponse, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
};

use crate::Settings;

/// How long the provider's metadata and keys are trusted before they are
/// fetched again.
pub const METADATA_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// How long the portal waits for the provider on any one request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Asks for the address in the ID token itself; a provider that ignores the
/// `claims` parameter is asked at its UserInfo endpoint instead.
const CLAIMS: &str =
    r#"{"id_token":{"email":{"essential":true},"email_verified":{"essential":true}}}"#;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error(
        "the oidc_issuer setting `{url}` is not usable: {reason} \
         (for example `https://login.city.example/realms/staff`)"
    )]
    Issuer { url: String, reason: &'static str },
    #[error("the oidc_client_id setting is needed when oidc_issuer is set")]
    NoClientId,
    /// The provider could not be reached, or did not answer as one.
    #[error("the OpenID provider did not answer as expected: {0}")]
    Unreachable(String),
    /// The provider answered, but would not exchange the code.
    #[error("the OpenID provider refused the sign-in: {0}")]
    Refused(String),
    /// What came back failed a check: signature, issuer, audience, expiry
    /// or nonce.
    #[error("the OpenID provider's ID token failed a check: {0}")]
    BadToken(String),
}

/// What the browser keeps, in a short-lived cookie, between leaving for the
/// provider and coming back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    /// `None` when the provider did not say.
    pub email_verified: Option<bool>,
}

impl Identity {
    /// The address, when the provider has confirmed it belongs to this
    /// person. An address without `email_verified: true` is not trusted:
    /// some providers let people type any address they like.
    pub fn verified_email(&self) -> Option<&str> {
        self.email
            .as_deref()
            .filter(|_| self.email_verified == Some(true))
    }
}

/// The provider the settings name, with what it has told us so far.
pub struct Oidc {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    /// What the sign-in page's button says.
    pub label: String,
    metadata: Mutex<Option<(Instant, Arc<CoreProviderMetadata>)>>,
}

impl Oidc {
    /// The provider the settings describe; `None` when `oidc_issuer` is unset.
    pub fn from_settings(settings: &Settings) -> Result<Option<Oidc>, OidcError> {
        let Some(url) = &settings.oidc_issuer else {
            return Ok(None);
        };
        let issuer = issuer_url(url)?;
        let client_id = settings
            .oidc_client_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or(OidcError::NoClientId)?;
        Ok(Some(Oidc {
            issuer,
            client_id: ClientId::new(client_id.to_string()),
            client_secret: settings.oidc_client_secret.clone().map(ClientSecret::new),
            label: settings.oidc_button_label.clone(),
            metadata: Mutex::new(None),
        }))
    }

    /// The issuer, as ID tokens name it.
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The provider's address to send a browser to, and what the browser
    /// must bring back to finish.
    pub async fn authorization_url(&self, redirect: &str) -> Result<(String, Pending), OidcError> {
        let client = self.client(redirect).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_string()))
            .add_extra_param("claims", CLAIMS)
            .set_pkce_challenge(challenge)
            .url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), pending))
    }

    /// Exchanges the code the browser brought back, checks the ID token,
    /// and answers who signed in. `state` must already have been compared.
    pub async fn identify(
        &self,
        redirect: &str,
        code: String,
        pending: Pending,
    ) -> Result<Identity, OidcError> {
        let client = self.client(redirect).await?;
        let found = tokio::task::spawn_blocking(move || exchange(&client, code, pending))
            .await
            .map_err(|e| OidcError::Unreachable(e.to_string()))?;
        if let Err(OidcError::BadToken(_)) = &found {
            // Perhaps the provider has new keys: fetch them next time.
            self.forget_metadata();
        }
        found
    }

    async fn client(&self, redirect: &str) -> Result<Client, OidcError> {
        let redirect = RedirectUrl::new(redirect.to_string())
            .map_err(|e| OidcError::Unreachable(format!("redirect address: {e}")))?;
        let metadata = self.metadata().await?;
        let client = CoreClient::from_provider_metadata(
            CoreProviderMetadata::clone(&metadata),
            self.client_id.clone(),
            self.client_secret.clone(),
        );
        Ok(client.set_redirect_uri(redirect))
    }

    async fn metadata(&self) -> Result<Arc<CoreProviderMetadata>, OidcError> {
        if let Some(kept) = self.kept_metadata() {
            return Ok(kept);
        }
        let issuer = self.issuer.clone();
        let fetched = tokio::task::spawn_blocking(move || {
            CoreProviderMetadata::discover(&issuer, &fetch)
                .map_err(|e| OidcError::Unreachable(chain(&e)))
        })
        .await
        .map_err(|e| OidcError::Unreachable(e.to_string()))??;
        let fetched = Arc::new(fetched);
        *self.lock() = Some((Instant::now(), Arc::clone(&fetched)));
        Ok(fetched)
    }

    fn kept_metadata(&self) -> Option<Arc<CoreProviderMetadata>> {
        let kept = self.lock();
        let (fetched_at, metadata) = kept.as_ref()?;
        (fetched_at.elapsed() < METADATA_LIFETIME).then(|| Arc::clone(metadata))
    }

    fn forget_metadata(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Arc<CoreProviderMetadata>)>> {
        // The cache holds no invariant a panic could break.
        self.metadata.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The issuer as the settings give it: an absolute `https` address, or
/// `http` on this machine only, for tests and a provider behind the same
/// proxy.
fn issuer_url(url: &str) -> Result<IssuerUrl, OidcError> {
    let refuse = |reason| OidcError::Issuer {
        url: url.to_string(),
        reason,
    };
    let issuer = IssuerUrl::new(url.trim().to_string()).map_err(|_| refuse("not a URL"))?;
    let parsed = issuer.url();
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(refuse("it must use https")),
        _ => return Err(refuse("it must be an https address")),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refuse("it has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(refuse("an issuer has no query or fragment"));
    }
    Ok(issuer)
}

/// The token request, the ID token's checks, and the UserInfo request when
/// the ID token does not carry the address. Blocking.
fn exchange(client: &Client, code: String, pending: Pending) -> Result<Identity, OidcError> {
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| OidcError::Unreachable(chain(&e)))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request(&fetch)
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(refusal) => OidcError::Refused(refusal.to_string()),
            other => OidcError::Unreachable(chain(&other)),
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| OidcError::BadToken("the token response has no ID token".into()))?;
    let nonce = Nonce::new(pending.nonce);
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .map_err(|e| OidcError::BadToken(chain(&e)))?;
    let mut identity = Identity {
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified(),
    };
    if identity.email.is_none() {
        let asked = client
            .user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
            .map_err(|e| OidcError::BadToken(chain(&e)))?;
        let info: CoreUserInfoClaims = asked
            .request(&fetch)
            .map_err(|e| OidcError::Unreachable(chain(&e)))?;
        identity.email = info.email().map(|e| e.to_string());
        identity.email_verified = info.email_verified();
    }
    Ok(identity)
}

/// One request to the provider, without following redirects (a provider's
/// endpoints answer where discovery says they are).
fn fetch(request: HttpRequest) -> Result<HttpResponse, ureq::Error> {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    let agent = AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(PROVIDER_TIMEOUT))
            .build()
            .new_agent()
    });
    let (parts, mut body) = agent.run(request)?.into_parts();
    let bytes = body.read_to_vec()?;
    Ok(HttpResponse::from_parts(parts, bytes))
}

/// An error and its causes on one line, for the log.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_issuer(issuer: &str) -> Settings {
        Settings {
            oidc_issuer: Some(issuer.to_string()),
            oidc_client_id: Some("civic".to_string()),
            ..Settings::default()
        }
    }

    #[test]
    fn settings_make_a_provider_or_say_what_is_wrong() {
        assert!(Oidc::from_settings(&Settings::default()).unwrap().is_none());
        for good in [
            "https://login.city.example",
            "https://login.city.example/realms/staff",
            "http://127.0.0.1:8081",
            "http://localhost:8081/",
        ] {
            let oidc = Oidc::from_settings(&with_issuer(good));
            assert!(matches!(oidc, Ok(Some(_))), "{good}");
        }
        for bad in [
            "login.city.example",
            "http://login.city.example",
            "ftp://login.city.example",
            "https://login.city.example/?realm=staff",
            "",
        ] {
            let e = Oidc::from_settings(&with_issuer(bad)).err().expect(bad);
            assert!(e.to_string().contains("oidc_issuer"), "{e}");
        }
        let no_client = Settings {
            oidc_client_id: None,
            ..with_issuer("https://login.city.example")
        };
        let e = Oidc::from_settings(&no_client).err().expect("refused");
        assert!(e.to_string().contains("oidc_client_id"), "{e}");
    }

    #[test]
    fn only_a_confirmed_address_is_trusted() {
        let who = |verified| Identity {
            subject: "s".into(),
            email: Some("ana@city.example".into()),
            email_verified: verified,
        };
        assert_eq!(who(Some(true)).verified_email(), Some("ana@city.example"));
        assert_eq!(who(Some(false)).verified_email(), None);
        assert_eq!(who(None).verified_email(), None);
    }
}
