//! The stewards' desk over HTTP: a resident reports personal data in a
//! dataset, its stewards hide the rows and the column at once, answer, and
//! close; the reporter follows it all by their link; an administrator sees
//! every open item and its age.

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use store::Role;
use web::clock::ManualClock;

use crate::accounts::{anonymous_form, get, hidden, post};
use crate::roles::session_cookie;
use crate::support::{Reply, TestApp, nypd};

/// A report filed by an anonymous resident; the reply and its link.
async fn file(app: &TestApp, kind: &str, summary: &str, email: &str) -> (Reply, String) {
    let (cookie, csrf) = anonymous_form(app, "/d/nypd-hate/report").await;
    let reply = post(
        app,
        "/d/nypd-hate/report",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("kind", kind),
            ("summary", summary),
            ("rows", "rows 3 and 5"),
            ("email", email),
        ],
    )
    .await;
    let link = reply
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
        .replace("&amp;", "&")
        .replace("&#x2f;", "/");
    (reply, link)
}

/// The path of a link the report page gave (it names the test's host).
fn path_of(link: &str) -> &str {
    let at = link.find("/reports/").expect("a report link");
    &link[at..]
}

fn count_of(reply: &Reply) -> String {
    reply.json()[0]["count"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_takedown_is_handled_from_report_to_close() {
    let mut app = TestApp::new().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 16, 0, 0).unwrap(),
    ));
    app.state.clock = clock.clone();

    // A resident reports personal data; the form asks again when it is empty.
    let (cookie, csrf) = anonymous_form(&app, "/d/nypd-hate/report").await;
    let empty = post(
        &app,
        "/d/nypd-hate/report",
        Some(&cookie),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("Your report was not sent"));
    assert!(empty.body.contains("Choose what kind of problem this is."));
    let (filed, link) = file(
        &app,
        "takedown",
        "Arrest ids identify people.",
        "resident@example.org",
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert!(filed.body.contains("will act on it by"));
    assert!(
        filed.body.contains("datetime=\"2026-03-05\""),
        "due in three days"
    );
    let status = get(&app, path_of(&link), None).await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(status.body.contains("Arrest ids identify people."));
    assert!(
        status.body.contains("2 March 2026, 09:00 MST"),
        "times in the city's zone"
    );
    let wrong_key = path_of(&link).replace("key=", "key=0");
    assert_eq!(
        get(&app, &wrong_key, None).await.status,
        StatusCode::NOT_FOUND
    );
    let report_id: i64 = path_of(&link)["/reports/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // The Police steward has it on their desk; Water's steward does not.
    clock.advance(Duration::hours(50));
    let police = session_cookie(&app, Role::Steward, &["Police"]).await;
    let water = session_cookie(&app, Role::Steward, &["Water"]).await;
    let desk = get(&app, "/desk", Some(&police)).await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(desk.body.contains(&format!("/desk/{report_id}")));
    assert!(desk.body.contains("2 days"), "its age");
    assert!(desk.body.contains("Takedown request"));
    let theirs = get(&app, "/desk", Some(&water)).await;
    assert!(!theirs.body.contains(&format!("/desk/{report_id}")));
    let refused = get(&app, &format!("/desk/{report_id}"), Some(&water)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let item = get(&app, &format!("/desk/{report_id}"), Some(&police)).await;
    assert!(item.body.contains("resident@example.org"));
    let csrf = hidden(&item.body, "csrf");

    // Hide two rows and the arrest id column at once.
    let before = get(&app, "/resource/nypd-hate.json?$select=count(*)", None).await;
    assert_eq!(count_of(&before), "2406");
    let action = format!("/desk/{report_id}");
    let unknown = post(
        &app,
        &action,
        Some(&police),
        &[("csrf", &csrf), ("action", "hide"), ("rows", "3, 999999")],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown.body.contains("no row with :id 999999"),
        "{}",
        unknown.body
    );
    let hid = post(
        &app,
        &action,
        Some(&police),
        &[
            ("csrf", &csrf),
            ("action", "hide"),
            ("rows", "3, 5"),
            ("columns", "arrest_id"),
        ],
    )
    .await;
    assert_eq!(hid.status, StatusCode::SEE_OTHER, "{}", hid.body);

    let rows = nypd();
    let complaint = |id: usize| rows[id - 1]["Full Complaint ID"].clone();
    let after = get(&app, "/resource/nypd-hate.json?$select=count(*)", None).await;
    assert_eq!(count_of(&after), "2404");
    let everything = get(&app, "/api/views/nypd-hate/rows.csv", None).await;
    assert_eq!(everything.body.lines().count(), 1 + 2404);
    for id in [3, 5] {
        assert!(!everything.body.contains(&complaint(id)), "row {id} hidden");
        let one = get(&app, &format!("/resource/nypd-hate/{id}.json"), None).await;
        assert_eq!(one.status, StatusCode::NOT_FOUND);
    }
    assert!(everything.body.contains(&complaint(4)));
    assert!(!everything.body.contains("arrest_id"));
    let metadata = get(&app, "/api/views/nypd-hate.json", None).await;
    assert!(!metadata.body.contains("arrest_id"));
    // The stewards still see everything, to correct it.
    let theirs = get(
        &app,
        "/resource/nypd-hate.json?$select=count(*)",
        Some(&police),
    )
    .await;
    assert_eq!(count_of(&theirs), "2406");

    // Answer the reporter, who reads it by their link and answers back.
    let answered = post(
        &app,
        &action,
        Some(&police),
        &[
            ("csrf", &csrf),
            ("action", "answer"),
            ("body", "Hidden while we fix the file."),
        ],
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let status = get(&app, path_of(&link), None).await;
    assert!(status.body.contains("Hidden while we fix the file."));
    assert!(status.body.contains("The stewards of Police"));
    assert!(
        !status.body.contains("steward-"),
        "no staff address to the reporter"
    );
    let key = path_of(&link).split("key=").nth(1).unwrap().to_string();
    let (cookie, form_csrf) = anonymous_form(&app, path_of(&link)).await;
    let back = post(
        &app,
        &format!("/reports/{report_id}/reply"),
        Some(&cookie),
        &[("csrf", &form_csrf), ("key", &key), ("body", "Thank you.")],
    )
    .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let item = get(&app, &action, Some(&police)).await;
    assert!(item.body.contains("Thank you."));
    assert!(item.body.contains("Hidden now: rows 3, 5."));

    // An administrator sees every department's open items, with their age.
    let admin = session_cookie(&app, Role::Admin, &[]).await;
    let (_, other) = file(&app, "content_issue", "A precinct is wrong.", "").await;
    let all = get(&app, "/desk", Some(&admin)).await;
    assert!(all.body.contains(&format!("/desk/{report_id}")));
    assert!(
        all.body.contains(
            path_of(&other)
                .split('?')
                .next()
                .unwrap()
                .replace("reports", "desk")
                .as_str()
        )
    );
    assert!(all.body.contains("2 open"));

    // Showing a row again, then closing.
    let shown = post(
        &app,
        &action,
        Some(&police),
        &[("csrf", &csrf), ("action", "show"), ("rows", "5")],
    )
    .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER);
    let after = get(&app, "/resource/nypd-hate.json?$select=count(*)", None).await;
    assert_eq!(count_of(&after), "2405");
    let closed = post(
        &app,
        &action,
        Some(&police),
        &[
            ("csrf", &csrf),
            ("action", "close"),
            ("resolution", "Row 3 removed for good."),
        ],
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let status = get(&app, path_of(&link), None).await;
    assert!(status.body.contains("Row 3 removed for good."));
    assert!(
        !get(&app, "/desk", Some(&police))
            .await
            .body
            .contains(&format!("/desk/{report_id}\""))
    );

    // Every step is in the audit log, with what changed.
    let log = app.state.store.audit_log(50, 0).await.unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    for expected in [
        "report_filed",
        "rows_hidden",
        "column_restricted",
        "report_answered",
        "rows_shown",
        "report_closed",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let hidden_entry = log.iter().find(|e| e.action == "rows_hidden").unwrap();
    assert_eq!(
        hidden_entry.after.as_ref().unwrap()["hidden_rows"],
        serde_json::json!([3, 5])
    );
    assert_eq!(
        hidden_entry.before.as_ref().unwrap()["hidden_rows"],
        serde_json::json!([])
    );
}

#[tokio::test]
#[ignore = "needs the SMTP sink that scripts/test starts (CIVIC_TEST_SMTP_URL, CIVIC_TEST_MAIL_DIR)"]
async fn the_reporter_and_the_stewards_hear_by_mail() {
    use crate::accounts::mail_to;
    let settings = web::Settings {
        smtp_url: Some(std::env::var("CIVIC_TEST_SMTP_URL").expect("CIVIC_TEST_SMTP_URL")),
        mail_from: "Civic Test <civic@example.org>".to_string(),
        ..web::Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    // The sink is shared by every test run: addresses of this run only.
    let run = &web::access::new_secret()[..12];
    let reporter = format!("resident-{run}@example.org");
    let steward_email = format!("steward-{run}@example.org");
    app.state
        .store
        .create_user(
            store::NewUser {
                email: steward_email.clone(),
                name: "A steward".into(),
                password_hash: None,
                role: Role::Steward,
                departments: vec!["Police".into()],
            },
            app.state.clock.now(),
        )
        .await
        .unwrap();

    let (filed, link) = file(&app, "takedown", "Names in the notes.", &reporter).await;
    assert_eq!(filed.status, StatusCode::CREATED);
    assert!(filed.body.contains("we have also e-mailed it to you"));
    let to_reporter = mail_to(&reporter);
    assert_eq!(to_reporter.len(), 1);
    let unwrapped = to_reporter[0]
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    assert!(unwrapped.contains(path_of(&link)), "the link: {unwrapped}");
    let to_steward = mail_to(&steward_email);
    assert_eq!(to_steward.len(), 1);
    assert!(to_steward[0].contains("Names in the notes."));

    let report_id = path_of(&link)["/reports/".len()..]
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let police = session_cookie(&app, Role::Steward, &["Police"]).await;
    let item = get(&app, &format!("/desk/{report_id}"), Some(&police)).await;
    let csrf = hidden(&item.body, "csrf");
    let answered = post(
        &app,
        &format!("/desk/{report_id}"),
        Some(&police),
        &[
            ("csrf", &csrf),
            ("action", "answer"),
            ("body", "Removed today."),
        ],
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let to_reporter = mail_to(&reporter);
    assert_eq!(to_reporter.len(), 2);
    assert!(to_reporter.iter().any(|m| m.contains("Removed today.")));
}
