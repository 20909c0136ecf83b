//! Closing a request for a reason that needs more, and the letters of the
//! API's actions by mail.

use super::*;

/// A closing for `reason`, with what else is given, as `"holder": "..."`.
fn close(reason: &str, more: &[(&str, &str)]) -> Value {
    let mut action = json!({"action": "close", "reason": reason});
    for (key, value) in more {
        action[*key] = json!(value);
    }
    action
}

#[tokio::test]
async fn closing_reasons_that_need_more_say_what_is_missing() {
    let (app, _) = desk().await;
    for n in 1..=5 {
        file_from_ada(&app, &format!("Request number {n}.")).await;
    }
    let clerk = token(&app, Role::Clerk).await;
    let ftp = "ftp://data.auroragov.org/plows";

    let refusals = [
        (
            "R25-000002",
            close("not_custodian", &[]),
            "closing as `not_custodian` needs who holds the records",
        ),
        (
            "R25-000002",
            close("not_custodian", &[("holder", "  ")]),
            "closing as `not_custodian` needs who holds the records",
        ),
        (
            "R25-000002",
            close("withdrawn", &[("holder", "The county")]),
            "who holds the records is given only when closing as `not_custodian`; this \
             request closes as `withdrawn`",
        ),
        (
            "R25-000003",
            close("publicly_available", &[("public_link", ftp)]),
            "the public link must be a web address starting with https:// or http://; found \
             \"ftp://data.auroragov.org/plows\"",
        ),
        (
            "R25-000003",
            close(
                "publicly_available",
                &[("public_link", "data.auroragov.org")],
            ),
            "the public link must be a web address",
        ),
        (
            "R25-000004",
            close("duplicate", &[("original", "R25-000004")]),
            "R25-000004 is not another request",
        ),
        (
            "R25-000004",
            close("duplicate", &[("original", "R25-000099")]),
            "R25-000099 is not another request",
        ),
        (
            "R25-000004",
            close("duplicate", &[("original", "the first one")]),
            "the original request: ",
        ),
        (
            "R25-000004",
            close("dusted", &[]),
            "`dusted` is not a closing reason",
        ),
    ];
    for (tracking, action, expected) in refusals {
        let message = act_refused(&app, &clerk, tracking, action.clone(), BAD).await;
        assert!(message.starts_with(expected), "{action}: {message}");
    }

    // With what each needs, each closes, and every clock stops.
    let closings = [
        (
            "R25-000002",
            close("not_custodian", &[("holder", "Arapahoe County Sheriff")]),
        ),
        (
            "R25-000003",
            close(
                "publicly_available",
                &[("public_link", "https://data.auroragov.org/plows")],
            ),
        ),
        (
            "R25-000004",
            close("duplicate", &[("original", "R25-000001")]),
        ),
    ];
    for (tracking, action) in closings {
        let closed = act_ok(&app, &clerk, tracking, action).await;
        assert_eq!(closed["state"], "closed");
        let clocks = closed["clocks"].as_array().unwrap();
        assert!(clocks.iter().all(|c| c["status"] == "stopped"), "{closed}");
    }
    let staff = get(&app, "/api/requests/R25-000004/staff", Some(&clerk)).await;
    assert_eq!(
        staff.json()["closing"],
        json!({"reason": "duplicate", "original": "R25-000001"})
    );
    let public = get(&app, "/api/requests/R25-000004", None).await.json();
    assert_eq!(public["closing_reason"], "duplicate");
    let closed_twice = close("withdrawn", &[]);
    act_refused(&app, &clerk, "R25-000004", closed_twice, REFUSED).await;

    // The clerk's page closes a duplicate too, and says on the page what a
    // refused closing lacks.
    let (cookie, csrf) = session(&app, &account(&app, Role::Clerk, &[]).await).await;
    let post = |original: &'static str| {
        let (app, cookie, csrf) = (&app, &cookie, &csrf);
        async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("action", "close"),
                ("reason", "duplicate"),
                ("original", original),
            ];
            crate::accounts::post(app, "/clerk/R25-000005", Some(cookie), &form).await
        }
    };
    let missing = post("").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.body.contains(
        "Nothing was changed: closing as `duplicate` needs the tracking number of the \
         original request"
    ));
    let closed = post("R25-000001").await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let location = closed.header("location");
    assert!(
        location.starts_with("/clerk/R25-000005?done="),
        "{location}"
    );
    let stored = kept(&app, "R25-000005").await;
    assert_eq!(stored.state, "closed");
    assert_eq!(
        stored.closing,
        Some(json!({"reason": "duplicate", "original": "R25-000001"}))
    );
}

/// A message's text with quoted-printable soft breaks and escapes undone.
fn plain(message: &str) -> String {
    message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
        .replace("=E2=80=99", "’")
}

#[tokio::test]
#[ignore = "needs the SMTP sink that scripts/test starts (CIVIC_TEST_SMTP_URL, CIVIC_TEST_MAIL_DIR)"]
async fn the_letters_of_api_actions_are_mailed_to_the_requester() {
    use crate::accounts::mail_to;
    let settings = web::settings::Settings {
        smtp_url: Some(std::env::var("CIVIC_TEST_SMTP_URL").expect("CIVIC_TEST_SMTP_URL")),
        mail_from: "Aurora Records <records@example.org>".to_string(),
        ..web::settings::Settings::default()
    };
    let mut app = TestApp::with_settings(settings).await;
    app.state.clock = Arc::new(ManualClock::new(aurora(2025, 11, 26, 10, 15)));
    let email = format!("ada-{}@example.org", &web::access::new_secret()[..12]);

    let filing = json!({"description": "Officer Doe's file.", "email": email});
    let filed = file(&app, &filing).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert_eq!(filed.json()["mailed"], true);
    let letters = mail_to(&email);
    assert_eq!(letters.len(), 1, "the acknowledgement");
    let ack = plain(&letters[0]);
    assert!(ack.contains("Subject: Your records request R25-000001"));
    assert!(ack.contains("We will answer by Wed 3 Dec 2025"), "{ack}");

    let clerk = token(&app, Role::Clerk).await;
    let finding = "A contractor holds them.";
    let extend = json!({"action": "extend", "working_days": 7, "finding": finding});
    let extended = act_ok(&app, &clerk, "R25-000001", extend).await;
    assert_eq!(extended["mailed"], true);
    let letters = mail_to(&email);
    assert_eq!(letters.len(), 2, "the finding");
    let letter = plain(&letters[1]);
    assert!(
        letter.contains("R25-000001: more time is needed"),
        "{letter}"
    );
    assert!(letter.contains("We will now answer by Fri 12 Dec 2025"));

    to_review(&app, &clerk, "R25-000001").await;
    let denial = personnel_denial("His personnel file.");
    let denied = act_ok(&app, &clerk, "R25-000001", denial).await;
    assert_eq!(denied["mailed"], true);
    let letters = mail_to(&email);
    assert_eq!(letters.len(), 3, "the denial");
    let letter = plain(&letters[2]);
    assert!(letter.contains("1. Personnel files, C.R.S. 24-72-204(3)(a)(II)"));
    assert!(letter.contains("(C.R.S. 24-72-204(5))"), "{letter}");
}
