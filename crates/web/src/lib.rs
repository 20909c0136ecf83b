//! Civic over HTTP: the SODA query API, the catalog APIs and the portal's
//! pages, all from one axum router over the store and the engine.

pub mod access;
pub mod blocks;
pub mod cache;
pub mod catalog;
pub mod clock;
pub mod credentials;
pub mod digest;
pub mod error;
mod forms;
pub mod limits;
pub mod mail;
pub mod oidc;
pub mod pages;
pub mod profile;
mod recent;
pub mod records_api;
pub mod records_desk;
pub mod routes;
pub mod sessions;
pub mod settings;
pub mod soda;
pub mod views;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use engine::{Engine, Source};
use store::{Dataset, Store};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{self, CorsLayer};

pub use error::ApiError;
pub use settings::Settings;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub engine: Arc<Engine>,
    pub settings: Arc<Settings>,
    pub answers: Arc<cache::AnswerCache>,
    pub clock: Arc<dyn clock::Clock>,
    pub profile: Arc<profile::Profile>,
    /// Sends e-mail when the `smtp_url` setting says where to.
    pub mailer: Option<Arc<mail::Mailer>>,
    /// Signs staff in through the city's OpenID Connect provider, when the
    /// `oidc_issuer` setting names one.
    pub oidc: Option<Arc<oidc::Oidc>>,
    /// The blocks in force, kept in memory so that no request waits on
    /// the database to learn whether its caller is blocked.
    pub blocks: Arc<blocks::Blocks>,
    /// The law records requests run under: rules with their dates, the
    /// working-day calendar.
    jurisdiction: Arc<std::sync::RwLock<Arc<records::jurisdiction::Jurisdiction>>>,
    recent: Arc<recent::RecentDatasets>,
    /// One lock per records request: its actions run one at a time, each
    /// deciding on the request as the one before left it.
    request_locks:
        Arc<std::sync::Mutex<std::collections::HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            store,
            engine: Arc::new(Engine::new(cores)),
            answers: Arc::new(cache::AnswerCache::new(settings.query_cache_mb)),
            recent: Arc::default(),
            request_locks: Arc::default(),
            blocks: Arc::default(),
            jurisdiction: Arc::new(std::sync::RwLock::new(Arc::new(
                records::jurisdiction::Jurisdiction::aurora(),
            ))),
            clock: Arc::new(clock::SystemClock),
            profile: Arc::new(profile::Profile::aurora()),
            mailer: mail::Mailer::from_settings(&settings)
                .unwrap_or_else(|e| {
                    // The command line checks the settings before serving.
                    tracing::error!(error = %e, "e-mail is off");
                    None
                })
                .map(Arc::new),
            oidc: oidc::Oidc::from_settings(&settings)
                .unwrap_or_else(|e| {
                    // The command line checks the settings before serving.
                    tracing::error!(error = %e, "OpenID Connect sign-in is off");
                    None
                })
                .map(Arc::new),
            settings: Arc::new(settings),
        }
    }

    /// Waits for the turn to act on a records request.
    pub async fn lock_request(&self, id: i64) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = Arc::clone(
            self.request_locks
                .lock()
                .expect("request locks")
                .entry(id)
                .or_default(),
        );
        lock.lock_owned().await
    }

    /// The law records requests run under, as it stands now.
    pub fn jurisdiction(&self) -> Arc<records::jurisdiction::Jurisdiction> {
        Arc::clone(&self.jurisdiction.read().expect("jurisdiction lock"))
    }

    /// Replaces the law records requests run under: another profile, or
    /// the same with a value an administrator has checked.
    pub fn set_jurisdiction(&self, jurisdiction: records::jurisdiction::Jurisdiction) {
        *self.jurisdiction.write().expect("jurisdiction lock") = Arc::new(jurisdiction);
    }

    /// The same state serving another city's profile.
    pub fn with_profile(mut self, profile: profile::Profile) -> AppState {
        self.profile = Arc::new(profile);
        self
    }

    /// A dataset by id as `caller` may see it (without the columns they may
    /// not see), or SODA's 404. A dataset they may not see at all is
    /// answered exactly as one that does not exist, so its id tells them
    /// nothing.
    pub async fn dataset(
        &self,
        id: &str,
        caller: &access::Caller,
    ) -> Result<Arc<Dataset>, ApiError> {
        let stored = match self.recent.get(id) {
            Some(dataset) => dataset,
            None => {
                let dataset = self.store.dataset(id).await?;
                let dataset = Arc::new(dataset.ok_or_else(|| ApiError::no_dataset(id))?);
                self.recent.put(Arc::clone(&dataset));
                dataset
            }
        };
        let seen = caller.access().view(&stored);
        seen.map(Arc::new).ok_or_else(|| ApiError::no_dataset(id))
    }

    /// Forgets what this server remembers of a dataset it has just changed
    /// (who may see it, its hidden rows), so the next request sees the change.
    pub fn forget_dataset(&self, id: &str) {
        self.recent.forget(id);
    }

    /// The current version of a dataset, for the engine.
    pub fn source(&self, dataset: &Dataset) -> Source {
        Source {
            dataset_id: dataset.id.clone(),
            version: dataset.version,
            path: self.store.version_path(&dataset.id, dataset.version),
        }
    }

    /// The portal's public address: the setting, or the request's own host.
    pub fn base_url(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.settings.public_url {
            return url.trim_end_matches('/').to_string();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let scheme = headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("http");
        format!("{scheme}://{host}")
    }
}

pub fn router(state: AppState) -> Router {
    routes::router()
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::remember_viewer,
        ))
        .layer(middleware::from_fn_with_state(
            limits::Limits::for_app(&state),
            limits::throttle,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            access::identify,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(open_reads())
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "req.not-found",
        "nothing is served at this address",
    )
}

/// A panic is a bug: log it, and answer with the API's error envelope
/// rather than a dropped connection.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    use axum::response::IntoResponse;
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    ApiError::internal("handler panicked", detail).into_response()
}

/// Every read may be fetched from any web page (CORS `*`): the data is
/// public. Preflights for app-token and JSON requests are answered too.
fn open_reads() -> CorsLayer {
    use axum::http::{HeaderName, Method};
    let exposed = [
        "x-soda2-fields",
        "x-soda2-types",
        "link",
        "etag",
        "last-modified",
        "retry-after",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
    ];
    CorsLayer::new()
        .allow_origin(cors::Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers(cors::Any)
        .expose_headers(exposed.map(HeaderName::from_static))
}

/// One log line per request.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        http.method = %method,
        http.path = %path,
        http.status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    tokio::spawn(digest::run_daily(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
}

pub use axum_server::tls_rustls::RustlsConfig as TlsConfig;

/// Reads a certificate chain and its private key from PEM files.
pub async fn load_tls(cert: &std::path::Path, key: &std::path::Path) -> std::io::Result<TlsConfig> {
    TlsConfig::from_pem_file(cert, key).await
}

/// Serves HTTPS until Ctrl-C or SIGTERM.
pub async fn serve_tls(
    state: AppState,
    listener: std::net::TcpListener,
    config: TlsConfig,
) -> std::io::Result<()> {
    tokio::spawn(digest::run_daily(state.clone()));
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        shutdown().await;
        stopping.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    listener.set_nonblocking(true)?;
    axum_server::tls_rustls::from_tcp_rustls(listener, config)?
        .handle(handle)
        .serve(router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
