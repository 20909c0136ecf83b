//! A store in a temporary folder with some samples published, and a way to
//! send requests to the router without a socket.

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use tower::ServiceExt;
use web::{AppState, Settings};

pub struct TestApp {
    pub state: AppState,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// A response, its body read whole.
    pub async fn read(response: axum::response::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body reads");
        Reply {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub fn sample_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(file)
}

/// The NYPD sample's rows, each as its header → value.
pub fn nypd() -> Vec<BTreeMap<String, String>> {
    csv_rows("nypd_hate_crimes.csv")
}

/// One sample file's rows, each as its header → value.
pub fn csv_rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(sample_path(file)).expect("csv");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The samples the tests use, published under their demo ids.
const SAMPLES: [(&str, &str, &str, &str, &str); 3] = [
    (
        "nypd-hate",
        "nypd_hate_crimes.csv",
        "NYPD Hate Crimes",
        "Police",
        "Public Safety",
    ),
    (
        "lari-1992",
        "la-riots.csv",
        "Deaths in the 1992 Los Angeles Riots",
        "Library and Cultural Services",
        "History",
    ),
    (
        "seat-wthr",
        "seattle-weather.csv",
        "Seattle Daily Weather",
        "Public Works",
        "Environment",
    ),
];

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_settings(Settings::default()).await
    }

    pub async fn with_settings(settings: Settings) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store::Store::open(dir.path()).await.expect("store opens");
        for (id, file, title, department, topic) in SAMPLES {
            let loaded = ingest::read_path(
                &sample_path(file),
                &ingest::LoadOptions::default(),
                &mut |_, _| {},
            )
            .expect("sample loads");
            let new = store::NewDataset {
                id: id.to_string(),
                title: title.to_string(),
                department: department.to_string(),
                meta: store::Metadata {
                    topic: Some(topic.to_string()),
                    description: Some(format!("{title}, a sample dataset.")),
                    tags: vec!["sample".to_string()],
                    ..Default::default()
                },
                columns: new_columns(&loaded),
            };
            store
                .create_dataset(new, &loaded.schema, loaded.batches, chrono::Utc::now())
                .await
                .expect("sample publishes");
        }
        TestApp {
            state: AppState::new(store, settings),
            _dir: dir,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.request(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> Reply {
        let response = web::router(self.state.clone())
            .oneshot(request)
            .await
            .expect("router answers");
        Reply::read(response).await
    }
}

/// The catalog's columns for what a file loaded as.
pub fn new_columns(loaded: &ingest::Loaded) -> Vec<store::NewColumn> {
    loaded
        .columns
        .iter()
        .map(|c| store::NewColumn {
            field_name: c.field_name.clone(),
            name: c.name.clone(),
            ty: c.ty,
        })
        .collect()
}

/// Encodes a query string value.
pub fn q(text: &str) -> String {
    urlencoding::encode(text).into_owned()
}
