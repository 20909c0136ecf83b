//! The real `civic` binary: the demo portal over HTTP, and `civic load`'s
//! exit codes, reports and refusals. Expected values come from the CSVs.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn civic() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_civic"));
    command.env("CIVIC_LOG", "warn");
    command
}

fn sample(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(file)
}

/// A running server, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    /// Everything the server has logged so far.
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn start(args: &[&str], data_dir: &Path) -> Server {
        Self::start_with_env(args, data_dir, &[])
    }

    fn start_with_env(args: &[&str], data_dir: &Path, env: &[(&str, &str)]) -> Server {
        let mut command = civic();
        command
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("civic starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let started = Instant::now();
        let base = loop {
            let line = lines
                .next()
                .expect("civic printed its address before exiting")
                .expect("stderr reads");
            if let Some(url) = line.strip_prefix("Civic is serving on ") {
                break url.trim().to_string();
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "civic did not start"
            );
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut kept = kept.lock().unwrap();
                kept.push_str(&line);
                kept.push('\n');
            }
        });
        Server { child, base, log }
    }

    fn get(&self, path_and_query: &str) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{}", self.base, path_and_query))
            .call()
            .expect("server answers");
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().expect("body");
        (status, body)
    }

    fn json(&self, path_and_query: &str) -> Value {
        let (status, body) = self.get(path_and_query);
        assert_eq!(status, 200, "{path_and_query}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn enc(s: &str) -> String {
    s.replace(' ', "%20")
        .replace('*', "%2A")
        .replace('\'', "%27")
        .replace('=', "%3D")
}

fn county_counts() -> BTreeMap<String, u64> {
    let mut reader = csv::Reader::from_path(sample("nypd_hate_crimes.csv")).expect("csv");
    let county = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "County")
        .unwrap();
    let mut counts = BTreeMap::new();
    for record in reader.records() {
        *counts
            .entry(record.unwrap()[county].to_string())
            .or_default() += 1;
    }
    counts
}

#[test]
fn demo_serves_the_samples_and_restarts_as_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let first_created;
    {
        let server = Server::start(&["demo"], dir.path());
        let found = server.json("/api/catalog/v1?q=hate");
        assert_eq!(found["results"][0]["resource"]["id"], "nypd-hate");
        assert_eq!(found["resultSetSize"], 1);

        let expected: u64 = county_counts().values().sum();
        let count = server.json(&format!(
            "/resource/nypd-hate.json?$select={}",
            enc("count(*)")
        ));
        assert_eq!(
            count,
            serde_json::json!([{ "count": expected.to_string() }])
        );
        assert_eq!(expected, 2406);

        let grouped = server.json(&format!(
            "/resource/nypd-hate.json?$select={}&$group=county",
            enc("county, count(*)")
        ));
        let got: BTreeMap<String, u64> = grouped
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["county"].as_str().unwrap().to_string(),
                    r["count"].as_str().unwrap().parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, county_counts());

        let zip = server.json("/resource/zips-usps.json?zip_code=00501");
        assert_eq!(zip[0]["zip_code"], Value::String("00501".into()));
        assert_eq!(zip[0]["city"], "Holtsville");

        let catalog = server.json("/api/catalog/v1");
        assert_eq!(catalog["resultSetSize"], 5);
        first_created = server.json("/api/views/nypd-hate.json")["createdAt"].clone();
    }
    let server = Server::start(&["demo"], dir.path());
    assert_eq!(server.json("/api/catalog/v1")["resultSetSize"], 5);
    assert_eq!(
        server.json("/api/views/nypd-hate.json")["createdAt"],
        first_created
    );
}

fn load(data_dir: &Path, args: &[&str]) -> Output {
    civic()
        .arg("--data-dir")
        .arg(data_dir)
        .arg("load")
        .args(args)
        .output()
        .expect("civic load runs")
}

fn datasets_on_disk(data_dir: &Path) -> usize {
    std::fs::read_dir(data_dir.join("datasets")).map_or(0, |d| d.count())
}

#[test]
fn a_load_shows_up_in_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&["serve"], dir.path());
    assert_eq!(server.json("/api/catalog/v1")["resultSetSize"], 0);

    let report = dir.path().join("report.json");
    let out = load(
        dir.path(),
        &[
            sample("seattle-weather.csv").to_str().unwrap(),
            "--title",
            "Seattle Daily Weather",
            "--department",
            "Public Works",
            "--id",
            "seat-wthr",
            "--topic",
            "Environment",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "seat-wthr");

    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["rows_read"], 1461);
    assert_eq!(report["rows_loaded"], 1461);
    let weather = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field_name"] == "date")
        .unwrap();
    assert_eq!(weather["ty"], "floating_timestamp");

    let rainy = {
        let mut reader = csv::Reader::from_path(sample("seattle-weather.csv")).unwrap();
        reader
            .records()
            .filter(|r| &r.as_ref().unwrap()[5] == "rain")
            .count()
    };
    let got = server.json(&format!(
        "/resource/seat-wthr.json?$select={}&$where={}",
        enc("count(*)"),
        enc("weather='rain'")
    ));
    assert_eq!(got[0]["count"], Value::String(rainy.to_string()));

    let again = load(
        dir.path(),
        &[
            sample("la-riots.csv").to_str().unwrap(),
            "--title",
            "x",
            "--department",
            "Finance",
            "--id",
            "seat-wthr",
        ],
    );
    assert_eq!(again.status.code(), Some(1), "an existing id is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn a_department_must_be_one_of_the_citys() {
    let dir = tempfile::tempdir().unwrap();
    let weather = sample("seattle-weather.csv");
    let out = load(
        dir.path(),
        &[
            weather.to_str().unwrap(),
            "--title",
            "W",
            "--department",
            "Weather Bureau",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`Weather Bureau` is not a department of the City of Aurora"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Parks Recreation and Open Space"),
        "{stderr}"
    );
    assert_eq!(datasets_on_disk(dir.path()), 0);

    // Any case names the department as the profile spells it.
    let out = load(
        dir.path(),
        &[
            weather.to_str().unwrap(),
            "--title",
            "W",
            "--department",
            "public works",
            "--id",
            "seat-wthr",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(&["serve"], dir.path());
    assert_eq!(
        server.json("/api/views/seat-wthr.json")["metadata"]["custom_fields"]["Department"]["Department"],
        "Public Works"
    );
}

#[test]
fn bad_files_are_refused_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let ragged = dir.path().join("ragged.csv");
    std::fs::write(&ragged, "a,b,c\n1,2,3\n\"multi\nline\",5,6\n7,8\n9,10,11\n").unwrap();
    let binary = dir.path().join("binary.csv");
    std::fs::write(&binary, b"a,b\n1,\x002\n").unwrap();

    let report = dir.path().join("ragged.json");
    let out = load(
        dir.path(),
        &[
            ragged.to_str().unwrap(),
            "--title",
            "R",
            "--department",
            "Finance",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 5"), "{stderr}");
    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["bad_rows"][0]["line"], 5);
    assert_eq!(report["rows_loaded"], 0);

    let out = load(
        dir.path(),
        &[
            binary.to_str().unwrap(),
            "--title",
            "B",
            "--department",
            "Finance",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NUL"));

    let out = load(
        dir.path(),
        &[
            ragged.to_str().unwrap(),
            "--title",
            "T",
            "--department",
            "Finance",
            "--type",
            "a=integer",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("floating_timestamp"),
        "names the valid types: {stderr}"
    );

    let out = load(
        dir.path(),
        &[
            ragged.to_str().unwrap(),
            "--title",
            "T",
            "--department",
            "Finance",
            "--type",
            "nope=number",
        ],
    );
    assert_eq!(out.status.code(), Some(2));

    let out = load(
        dir.path(),
        &[
            ragged.to_str().unwrap(),
            "--title",
            " ",
            "--department",
            "Finance",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "an empty title is a usage error"
    );

    assert_eq!(datasets_on_disk(dir.path()), 0);
    let server = Server::start(&["serve"], dir.path());
    assert_eq!(server.json("/api/catalog/v1")["resultSetSize"], 0);
    drop(server);

    let out = load(
        dir.path(),
        &[
            ragged.to_str().unwrap(),
            "--title",
            "R",
            "--department",
            "Finance",
            "--id",
            "rag1-good",
            "--skip-bad-rows",
            "--report",
            dir.path().join("skip.json").to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad_rows = std::fs::read_to_string(dir.path().join("skip.bad-rows.csv")).unwrap();
    assert!(
        bad_rows.lines().nth(1).unwrap().starts_with("5,"),
        "{bad_rows}"
    );
    let server = Server::start(&["serve"], dir.path());
    let rows = server.json("/resource/rag1-good.json?$order=a");
    assert_eq!(rows.as_array().unwrap().len(), 3);
}

#[test]
fn settings_come_from_the_environment_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = civic()
        .args(["--config", "/nonexistent/civic.toml", "serve"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let folder = civic()
        .arg("--config")
        .arg(dir.path())
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(
        folder.status.code(),
        Some(2),
        "a folder is not a settings file"
    );
    let bad_mail = civic()
        .arg("--data-dir")
        .arg(dir.path())
        .env("CIVIC_SMTP_URL", "gopher://mail.example")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(bad_mail.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad_mail.stderr);
    assert!(stderr.contains("smtp_url"), "{stderr}");
    let bad_issuer = civic()
        .arg("--data-dir")
        .arg(dir.path())
        .env("CIVIC_OIDC_ISSUER", "login.auroragov.example")
        .env("CIVIC_OIDC_CLIENT_ID", "civic")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(bad_issuer.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad_issuer.stderr);
    assert!(stderr.contains("oidc_issuer"), "{stderr}");

    let out = load(
        dir.path(),
        &[
            sample("la-riots.csv").to_str().unwrap(),
            "--title",
            "Riots",
            "--department",
            "Finance",
            "--id",
            "lari-1992",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let server = Server::start_with_env(&["serve"], dir.path(), &[("CIVIC_MAX_LIMIT", "10")]);
    let (status, body) = server.get("/resource/lari-1992.json?$limit=11");
    assert_eq!(status, 400);
    assert!(body.contains("req.row-limit-exceeded"));
    assert_eq!(
        server
            .json("/resource/lari-1992.json?$limit=10")
            .as_array()
            .unwrap()
            .len(),
        10
    );
}

#[test]
fn metadata_files_and_json_sources_load() {
    let dir = tempfile::tempdir().unwrap();
    let meta = dir.path().join("meta.toml");
    std::fs::write(
        &meta,
        r#"
description = "Permits issued by the city."
steward_name = "Permit Desk"
steward_email = "permits@example.org"
tags = ["housing", "permits"]
license = "CC0-1.0"
update_frequency = "Daily"
usage_notes = "Costs are estimates."
source = "https://example.org/permits"
attribution = "Building Division"

[column_descriptions]
cost = "Estimated cost in dollars"
"#,
    )
    .unwrap();
    let data = dir.path().join("permits.json");
    std::fs::write(
        &data,
        r#"[{"permit": "P-1", "cost": 12345678901234567890.12, "issued": "2024-05-01", "lat": 39.7, "lon": -104.8},
            {"permit": "P-2", "cost": 10.5, "issued": "2024-05-02", "lat": 39.71, "lon": -104.81}]"#,
    )
    .unwrap();
    let out = load(
        dir.path(),
        &[
            data.to_str().unwrap(),
            "--title",
            "Permits",
            "--department",
            "Finance",
            "--id",
            "perm-2024",
            "--topic",
            "Housing",
            "--meta",
            meta.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let server = Server::start(&["serve"], dir.path());
    let view = server.json("/api/views/perm-2024.json");
    assert_eq!(view["description"], "Permits issued by the city.");
    assert_eq!(view["category"], "Housing");
    assert_eq!(view["licenseId"], "CC0-1.0");
    assert_eq!(view["attribution"], "Building Division");
    assert_eq!(
        view["metadata"]["custom_fields"]["Department"]["Steward"],
        "Permit Desk"
    );
    let cost = view["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fieldName"] == "cost")
        .unwrap()
        .clone();
    assert_eq!(cost["description"], "Estimated cost in dollars");
    assert_eq!(cost["dataTypeName"], "number");

    let rows = server.json("/resource/perm-2024.json?$order=permit");
    assert_eq!(rows[0]["cost"], "12345678901234567890.12");
    assert_eq!(rows[1]["cost"], "10.5");
    assert_eq!(rows[0]["issued"], "2024-05-01T00:00:00.000");
    assert_eq!(
        rows[0]["location"]["coordinates"],
        serde_json::json!([-104.8, 39.7])
    );
    let total = server.json(&format!(
        "/resource/perm-2024.json?$select={}",
        enc("sum(cost)")
    ));
    assert_eq!(total[0]["sum_cost"], "12345678901234567900.62");

    let bad_meta = dir.path().join("bad.toml");
    std::fs::write(&bad_meta, "colour = \"blue\"\n").unwrap();
    let out = load(
        dir.path(),
        &[
            data.to_str().unwrap(),
            "--title",
            "P",
            "--department",
            "Finance",
            "--meta",
            bad_meta.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("colour"));
}

fn user_add(data_dir: &Path, args: &[&str]) -> Output {
    civic()
        .arg("--data-dir")
        .arg(data_dir)
        .args(["user", "add"])
        .args(args)
        .output()
        .expect("civic user add runs")
}

/// Signs in through the pages as a browser would; answers the status, where
/// it redirects to, and the session's cookie.
fn sign_in_over_http(base: &str, email: &str, password: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let cookie_of = |response: &ureq::http::Response<ureq::Body>, name: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_string()
    };
    let mut form = agent.get(format!("{base}/signin")).call().expect("form");
    let csrf_cookie = cookie_of(&form, "civic_csrf");
    let html = form.body_mut().read_to_string().expect("form body");
    let field = "name=\"csrf\" value=\"";
    let at = html.find(field).expect("csrf field") + field.len();
    let csrf = &html[at..at + 64];
    let body = format!(
        "csrf={csrf}&email={}&password={}&next=%2Faccount",
        enc(email),
        enc(password)
    );
    let reply = agent
        .post(format!("{base}/signin"))
        .header("cookie", &csrf_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send(body)
        .expect("sign-in answers");
    let location = reply
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        reply.status().as_u16(),
        location,
        cookie_of(&reply, "civic_session"),
    )
}

/// Chooses a new password on the form a handed-out password leads to;
/// answers the new session's cookie.
fn change_password_over_http(base: &str, session: &str, current: &str, new: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let html = agent
        .get(format!("{base}/account/password"))
        .header("cookie", session)
        .call()
        .expect("form")
        .body_mut()
        .read_to_string()
        .unwrap();
    let field = "name=\"csrf\" value=\"";
    let at = html.find(field).expect("csrf field") + field.len();
    let csrf = &html[at..at + 64];
    let body = format!("csrf={csrf}&current={}&password={}", enc(current), enc(new));
    let reply = agent
        .post(format!("{base}/account/password"))
        .header("cookie", session)
        .header("content-type", "application/x-www-form-urlencoded")
        .send(body)
        .expect("change answers");
    assert_eq!(reply.status().as_u16(), 303);
    reply
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("civic_session="))
        .and_then(|v| v.split(';').next())
        .expect("a new session")
        .to_string()
}

#[test]
fn user_add_makes_an_account_whose_printed_password_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let out = user_add(
        dir.path(),
        &[
            "ada@example.org",
            "--role",
            "steward",
            "--department",
            "police",
            "--name",
            "Ada",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let password = stdout.trim_end();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_eq!(password.len(), 24, "{password}");
    assert_eq!(password.split('-').count(), 5, "{password}");
    assert!(
        stderr.contains("created steward ada@example.org"),
        "{stderr}"
    );

    let server = Server::start(&["serve"], dir.path());
    let (status, location, session) = sign_in_over_http(&server.base, "ada@example.org", password);
    assert_eq!((status, location.as_str()), (303, "/account"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    // The printed password leads to the form that replaces it first.
    let first = ureq::Agent::from(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build(),
    )
    .get(format!("{}/account", server.base))
    .header("cookie", &session)
    .call()
    .expect("account page");
    assert_eq!(first.status().as_u16(), 303);
    assert_eq!(first.headers()["location"], "/account/password");
    let chosen = "my own long steward password";
    let session = change_password_over_http(&server.base, &session, password, chosen);
    let account = agent
        .get(format!("{}/account", server.base))
        .header("cookie", &session)
        .call()
        .expect("account page")
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(account.contains("<dd>Dataset steward</dd>"), "{account}");
    assert!(
        account.contains("<dd>Police</dd>"),
        "the profile's spelling"
    );

    let (status, _, session) = sign_in_over_http(&server.base, "ada@example.org", password);
    assert_eq!(
        (status, session.as_str()),
        (401, ""),
        "the printed one is gone"
    );
    let (status, _, _) = sign_in_over_http(&server.base, "ada@example.org", chosen);
    assert_eq!(status, 303);
}

#[test]
fn user_add_refuses_taken_addresses_and_wrong_usage() {
    let dir = tempfile::tempdir().unwrap();
    let ok = user_add(dir.path(), &["clerk@example.org", "--role", "clerk"]);
    assert_eq!(ok.status.code(), Some(0));

    let taken = user_add(dir.path(), &["CLERK@example.org", "--role", "admin"]);
    assert_eq!(taken.status.code(), Some(1));
    assert!(taken.stdout.is_empty(), "no password for a refused account");
    let stderr = String::from_utf8_lossy(&taken.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");

    let bad_address = user_add(dir.path(), &["clerk", "--role", "clerk"]);
    assert_eq!(bad_address.status.code(), Some(1));

    let unknown_role = user_add(dir.path(), &["x@example.org", "--role", "public"]);
    assert_eq!(unknown_role.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown_role.stderr);
    assert!(
        stderr.contains("[possible values: registered, steward, clerk, admin]"),
        "{stderr}"
    );

    let misused = [
        &["x@example.org", "--role", "clerk", "--department", "Police"][..],
        &["x@example.org", "--role", "steward"][..],
        &[
            "x@example.org",
            "--role",
            "steward",
            "--department",
            "Weather Bureau",
        ][..],
    ];
    for args in misused {
        let out = user_add(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }

    // One account made, one entry in the audit log, by the system.
    let audit = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = store::Store::open(dir.path()).await.unwrap();
        store.audit_log(10, 0).await.unwrap()
    });
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "user_created");
    assert_eq!(audit[0].actor_id, None);
    assert_eq!(audit[0].actor_email, "system");
    assert_eq!(
        audit[0].after,
        Some(serde_json::json!({
            "email": "clerk@example.org",
            "role": "clerk",
            "departments": [],
        }))
    );
}

/// `civic demo` with stdout kept: the running child and its address.
fn start_demo(data_dir: &Path) -> (Child, String) {
    let mut child = civic()
        .arg("--data-dir")
        .arg(data_dir)
        .args(["demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("civic demo starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("Civic is serving on ").map(String::from))
        .expect("the demo serves");
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

/// Stops a demo; answers everything it printed on stdout.
fn stop_demo(mut child: Child) -> String {
    let _ = child.kill();
    let mut printed = String::new();
    let mut stdout = child.stdout.take().unwrap();
    std::io::Read::read_to_string(&mut stdout, &mut printed).unwrap();
    let _ = child.wait();
    printed
}

#[test]
fn the_demo_creates_its_staff_accounts_once() {
    let dir = tempfile::tempdir().unwrap();
    let (first, _) = start_demo(dir.path());
    let printed = stop_demo(first);
    let accounts: Vec<Vec<&str>> = printed.lines().map(|l| l.split('\t').collect()).collect();
    let who: Vec<(&str, &str)> = accounts.iter().map(|a| (a[0], a[1])).collect();
    assert_eq!(
        who,
        [
            ("admin@demo.civic.local", "admin"),
            ("clerk@demo.civic.local", "clerk"),
            ("steward@demo.civic.local", "steward"),
        ]
    );

    let (second, base) = start_demo(dir.path());
    let (status, location, _) = sign_in_over_http(&base, "admin@demo.civic.local", accounts[0][2]);
    assert_eq!(
        stop_demo(second),
        "",
        "nothing is printed on a second start"
    );
    assert_eq!((status, location.as_str()), (303, "/account"));
}

#[test]
fn user_token_prints_a_token_that_the_api_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let ok = user_add(dir.path(), &["dev@example.org", "--role", "registered"]);
    assert_eq!(ok.status.code(), Some(0));
    let token = |args: &[&str]| {
        civic()
            .arg("--data-dir")
            .arg(dir.path())
            .args(["user", "token"])
            .args(args)
            .output()
            .expect("civic user token runs")
    };
    let out = token(&["dev@example.org", "--name", "nightly sync"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(secret.len(), 64, "{secret}");

    assert_eq!(
        token(&["nobody@example.org", "--name", "x"]).status.code(),
        Some(1)
    );
    assert_eq!(
        token(&["dev@example.org", "--name", " "]).status.code(),
        Some(2)
    );

    let server = Server::start(&["serve"], dir.path());
    let (status, _) = server.get(&format!("/api/catalog/v1?$$app_token={secret}"));
    assert_eq!(status, 200);
    let (status, body) = server.get("/api/catalog/v1?$$app_token=not-a-token");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("authentication.invalid-app-token"), "{body}");
}

/// Every byte under `dir`, file by file.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    found
}

fn holds(bytes: &[u8], secret: &str) -> bool {
    bytes
        .windows(secret.len())
        .any(|window| window == secret.as_bytes())
}

#[test]
fn passwords_tokens_and_sessions_are_never_kept_logged_or_sent_back_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let out = user_add(dir.path(), &["ada@example.org", "--role", "admin"]);
    assert_eq!(out.status.code(), Some(0));
    let password = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let out = civic()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["user", "token", "ada@example.org", "--name", "sync"])
        .output()
        .unwrap();
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(token.len(), 64);

    let server = Server::start_with_env(&["serve"], dir.path(), &[("CIVIC_LOG", "debug")]);
    let server_log = std::sync::Arc::clone(&server.log);
    let (status, _, session) = sign_in_over_http(&server.base, "ada@example.org", &password);
    assert_eq!(status, 303);
    let chosen = "Chosen-later-password-77";
    let session = change_password_over_http(&server.base, &session, &password, chosen);
    let session_secret = session.split_once('=').unwrap().1.to_string();
    assert!(session_secret.len() >= 32, "{session}");
    let wrong = "Wrong-horse-battery-staple-42";
    let (status, _, _) = sign_in_over_http(&server.base, "ada@example.org", wrong);
    assert_eq!(status, 401);

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut bodies = Vec::new();
    for (path, header) in [
        ("/account".to_string(), ("cookie", session.clone())),
        ("/admin/audit.json".to_string(), ("cookie", session.clone())),
        ("/admin/audit.csv".to_string(), ("cookie", session.clone())),
        (
            "/api/catalog/v1".to_string(),
            ("X-App-Token", token.clone()),
        ),
        (
            format!("/api/catalog/v1?$$app_token={token}"),
            ("accept", "*/*".into()),
        ),
    ] {
        let mut reply = agent
            .get(format!("{}{path}", server.base))
            .header(header.0, &header.1)
            .call()
            .unwrap();
        assert_eq!(reply.status().as_u16(), 200, "{path}");
        let mut text = format!("{:?}\n", reply.headers());
        text.push_str(&reply.body_mut().read_to_string().unwrap());
        bodies.push((path, text));
    }
    let account = &bodies[0].1;
    assert!(account.contains("ada@example.org"), "signed in");
    assert!(
        account.contains(&format!("{}…", &token[..8])),
        "the token by its start only"
    );
    drop(server);
    let log = server_log.lock().unwrap().clone();
    assert!(
        log.contains("http.path=/account"),
        "requests are logged: {log}"
    );

    let secrets = [
        ("the password", password.as_str()),
        ("the chosen password", chosen),
        ("a wrong password", wrong),
        ("the app token", token.as_str()),
        ("the session secret", session_secret.as_str()),
    ];
    let files = files_under(dir.path());
    assert!(files.iter().any(|(p, _)| p.ends_with("catalog.db")));
    assert!(
        files.iter().any(|(_, bytes)| holds(bytes, "$argon2id$")),
        "the password is kept as an argon2id hash"
    );
    for (what, secret) in secrets {
        for (path, bytes) in &files {
            assert!(!holds(bytes, secret), "{what} is in {}", path.display());
        }
        for (path, text) in &bodies {
            assert!(!text.contains(secret), "{what} is in the answer to {path}");
        }
        assert!(!log.contains(secret), "{what} is in the log");
    }
}

#[test]
fn the_records_settings_are_checked_and_the_digest_needs_mail() {
    let dir = tempfile::tempdir().unwrap();
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut command = civic();
        command.arg("--data-dir").arg(dir.path());
        for (k, v) in envs {
            command.env(k, v);
        }
        command.args(args).output().unwrap()
    };
    let no_mail = run(&[], &["digest"]);
    assert_eq!(no_mail.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_mail.stderr).contains("no SMTP server is set"));

    let bad_time = run(&[("CIVIC_DIGEST_AT", "7am")], &["digest"]);
    assert_eq!(bad_time.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_time.stderr).contains("digest_at must be a local time"));

    // Another jurisdiction is another file; a wrong one is named, key and all.
    let profile = dir.path().join("records.toml");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles/aurora-co.records.toml"),
    )
    .unwrap();
    std::fs::write(
        &profile,
        text.replace(
            "time_zone = \"America/Denver\"",
            "time_zone = \"Mars/Olympus\"",
        ),
    )
    .unwrap();
    let bad_profile = run(
        &[("CIVIC_RECORDS_PROFILE", profile.to_str().unwrap())],
        &["digest"],
    );
    assert_eq!(bad_profile.status.code(), Some(2));
    let said = String::from_utf8_lossy(&bad_profile.stderr);
    assert!(
        said.contains("records.toml") && said.contains("jurisdiction.time_zone"),
        "{said}"
    );
}
