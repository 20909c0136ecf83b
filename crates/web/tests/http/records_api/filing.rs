//! Filing as JSON, the requester's view by the key of the link, and the
//! public log and its pages, which never say who asked.

use super::*;

#[tokio::test]
async fn a_request_filed_as_json_answers_its_number_link_and_due_date() {
    let (app, _) = desk().await;
    let resident = account(&app, Role::Registered, &[]).await;
    let resident_token = token_of(&app, &resident).await;
    let filing = json!({
        "description": "Snow plow routes and service logs for Ward IV, winter 2024.",
        "records_sought": "GPS logs",
        "departments": ["public works"],
        "date_from": "2024-11-01",
        "date_to": "2025-03-31",
        "preferred_format": "electronic",
        "name": "Ada Requester",
        "email": "ada@example.org",
        "phone": "303-555-0142",
    });
    let headers = [("X-App-Token", resident_token.as_str())];
    let filed = call(
        &app,
        Method::POST,
        "/api/requests",
        &headers,
        Some(&filing.to_string()),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let filed = filed.json();
    assert_eq!(filed["tracking"], "R25-000001");
    assert_eq!(filed["state"], "received");
    assert_eq!(filed["mailed"], false, "no mailer is set up");
    let link = filed["link"].as_str().unwrap();
    let key = link
        .strip_prefix("http://localhost/requests/R25-000001?key=")
        .unwrap_or_else(|| panic!("{link}"));
    assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()));

    // Day 0 is Wed 26 November; Thursday and Friday are Thanksgiving and
    // the day after, then a weekend: Mon 1, Tue 2, Wed 3 December. The
    // deadline is the end of that day, midnight MST, 07:00 UTC.
    let response = clock(&filed, "response");
    assert_eq!(response["due"], "2025-12-03");
    assert_eq!(response["due_text"], "Wed 3 Dec 2025");
    assert_eq!(response["deadline"], "2025-12-04T07:00:00Z");
    assert_eq!(response["status"], "running");
    assert_eq!(response["extended"], false);
    assert!(explains(
        response,
        "Thu 27 Nov 2025 skipped: closure day (Thanksgiving Day)"
    ));
    assert!(explains(response, "Working day 3: Wed 3 Dec 2025"));
    assert!(explains(response, "(C.R.S. 24-72-203(3)(b))"));
    // A finding of extenuating circumstances may go out in the same days.
    let window = clock(&filed, "extension_notice");
    assert_eq!(window["due"], "2025-12-03");

    // Kept as filed, the department in the city's spelling, tied to the
    // resident whose token sent it.
    let stored = kept(&app, "R25-000001").await;
    assert_eq!(stored.departments, ["Public Works"]);
    assert_eq!(stored.date_to, chrono::NaiveDate::from_ymd_opt(2025, 3, 31));
    assert_eq!(stored.requester_phone.as_deref(), Some("303-555-0142"));
    assert_eq!(stored.requester_id, Some(resident.id));

    // Without a token the request belongs to no account; a client that
    // writes `null` for what it leaves out is answered like one that
    // leaves it out.
    let second = file(
        &app,
        &json!({
            "description": "Council travel reimbursements for 2025.",
            "departments": [],
            "name": null,
            "email": null,
            "date_from": null,
        }),
    )
    .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    assert_eq!(second.json()["tracking"], "R25-000002");
    let stored = kept(&app, "R25-000002").await;
    assert_eq!(stored.requester_id, None);
    assert_eq!(stored.requester_email, None);

    // A token sent along with someone else's session cookie files for the
    // token's account, not the session's.
    let clerk = account(&app, Role::Clerk, &[]).await;
    let (cookie, _) = session(&app, &clerk).await;
    let headers = [
        ("Cookie", cookie.as_str()),
        ("X-App-Token", resident_token.as_str()),
    ];
    let body = json!({"description": "Parks budget, 2025."}).to_string();
    let third = call(&app, Method::POST, "/api/requests", &headers, Some(&body)).await;
    assert_eq!(third.status, StatusCode::CREATED, "{}", third.body);
    let stored = kept(&app, "R25-000003").await;
    assert_eq!(stored.requester_id, Some(resident.id));
}

#[tokio::test]
async fn a_bad_filing_is_refused_field_by_field_and_nothing_is_kept() {
    let (app, _) = desk().await;
    let bad = file(
        &app,
        &json!({
            "description": "  ",
            "departments": ["Ministry of Magic"],
            "date_from": "2025-02-30",
            "preferred_format": "carrier pigeon",
            "email": "not-an-address",
            "phone": "5".repeat(301),
        }),
    )
    .await;
    refusal(&bad, StatusCode::BAD_REQUEST, "request.bad_filing");
    let data = &bad.json()["data"];
    assert_eq!(
        data["description"],
        "Describe the records you are asking for."
    );
    assert_eq!(
        data["departments"],
        "“Ministry of Magic” is not one of the city's departments."
    );
    assert_eq!(
        data["dates"],
        "“2025-02-30” is not a date; write it as 2025-01-31."
    );
    assert_eq!(
        data["preferred_format"],
        "Choose one of the formats listed."
    );
    assert_eq!(data["email"], "This does not look like an e-mail address.");
    assert_eq!(
        data["fields"],
        "Keep each short field under 300 characters."
    );

    // Dates in the wrong order are one problem; the rest is fine.
    let backwards = file(
        &app,
        &json!({"description": "Budget memos", "date_from": "2025-03-01", "date_to": "2025-01-01"}),
    )
    .await;
    refusal(&backwards, StatusCode::BAD_REQUEST, "request.bad_filing");
    let data = &backwards.json()["data"];
    assert_eq!(data["dates"], "The first date comes after the last.");
    assert_eq!(data["description"], Value::Null);

    // A field the form does not have is named, not dropped.
    let misspelt = file(
        &app,
        &json!({"description": "Budget memos", "department": ["Finance"]}),
    )
    .await;
    let message = refusal(&misspelt, StatusCode::BAD_REQUEST, "request.bad_filing");
    assert!(
        message.starts_with(
            "the body is not a request as JSON: unknown field `department`, expected one of "
        ),
        "{message}"
    );
    assert!(message.contains("departments"), "{message}");
    assert_eq!(misspelt.json()["data"], json!({"field": "department"}));

    // A body that is not a filing says where it went wrong.
    for body in [
        "{\"description\": ",
        "[1, 2]",
        "{\"departments\": \"Water\"}",
    ] {
        let reply = call(&app, Method::POST, "/api/requests", &[], Some(body)).await;
        let message = refusal(&reply, StatusCode::BAD_REQUEST, "request.bad_filing");
        assert!(
            message.starts_with("the body is not a request as JSON: "),
            "{message}"
        );
    }

    let log = get(&app, "/api/requests", None).await.json();
    assert_eq!(log["total"], 0, "{log}");
}

#[tokio::test]
async fn the_key_in_the_link_opens_the_requesters_view_and_nothing_else() {
    let (app, _) = desk().await;
    let (tracking, key) = file_from_ada(&app, "Snow plow routes for Ward IV.").await;
    let (other, other_key) = file_from_ada(&app, "Pothole repair orders, 2025.").await;
    assert_eq!(
        (tracking.as_str(), other.as_str()),
        ("R25-000001", "R25-000002")
    );

    let own = requester_view(&app, &tracking, &key).await;
    assert_eq!(own["tracking"], "R25-000001");
    assert_eq!(own["state"], "received");
    assert_eq!(own["state_words"], "Received");
    assert_eq!(own["description"], "Snow plow routes for Ward IV.");
    assert_eq!(own["received"], "26 November 2025, 10:15 MST");
    assert_eq!(own["timeliness"], "on_track");
    assert_eq!(clock(&own, "response")["due"], "2025-12-03");
    assert_eq!(own["messages"], json!([]));

    // Without a key: the public log's entry, which holds nothing the
    // requester wrote or gave.
    let public = get(&app, "/api/requests/R25-000001", None).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let public = public.json();
    let keys: Vec<&String> = public.as_object().unwrap().keys().collect();
    let expected = [
        "closing_reason",
        "departments",
        "files",
        "received_at",
        "received_on",
        "state",
        "summary",
        "tracking",
    ];
    assert_eq!(keys, expected);
    assert_eq!(public["received_at"], "2025-11-26T17:15:00Z");
    assert_eq!(public["received_on"], "2025-11-26");
    assert_eq!(public["state"], "received");
    assert_eq!(public["files"], json!([]));
    assert_eq!(public["summary"], Value::Null);
    // An empty key is no key.
    let empty = get(&app, "/api/requests/R25-000001?key=", None).await;
    assert_eq!(empty.json(), public);

    // A wrong key, another request's key, and a number nobody has are all
    // the same "not found", so neither numbers nor keys can be probed.
    for probe in [
        format!("/api/requests/R25-000001?key={}", "0".repeat(64)),
        format!("/api/requests/R25-000001?key={other_key}"),
        format!("/api/requests/R25-000009?key={key}"),
        "/api/requests/R25-000009".to_string(),
    ] {
        let refused = get(&app, &probe, None).await;
        let message = refusal(&refused, StatusCode::NOT_FOUND, "request.not_found");
        assert!(message.starts_with("no request R25-00000"), "{message}");
        assert!(!refused.body.contains("Snow plow") && !refused.body.contains("Pothole"));
    }
}

#[tokio::test]
async fn the_public_log_and_api_never_show_who_asked() {
    let (app, clock_) = desk().await;
    let people = [
        (
            "Ada Requester",
            "ada@example.org",
            "303-555-0142",
            "Plow logs naming Ada's street.",
        ),
        (
            "Bo Asker",
            "bo@example.net",
            "720-555-0199",
            "Bo's own water bills, 2024.",
        ),
        (
            "Cy Seeker",
            "cy@example.com",
            "303-555-0111",
            "Cy's dog licence file.",
        ),
        (
            "Di Finder",
            "di@example.org",
            "720-555-0123",
            "Di's building permits.",
        ),
        (
            "Ed Looker",
            "ed@example.net",
            "303-555-0177",
            "Ed's parking tickets.",
        ),
    ];
    // An hour apart on Wed 26 Nov, newest last.
    for (i, (name, email, phone, description)) in people.iter().enumerate() {
        clock_.set(aurora(2025, 11, 26, 9 + i as u32, 0));
        let filed = file(
            &app,
            &json!({
                "description": description,
                "departments": ["Water"],
                "name": name,
                "email": email,
                "phone": phone,
            }),
        )
        .await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    }
    // One is closed, with a summary staff wrote for the public.
    let clerk = token(&app, Role::Clerk).await;
    let summary = "Water billing records for one account, 2024.";
    let withdrawn = json!({"action": "close", "reason": "withdrawn"});
    act_ok(&app, &clerk, "R25-000002", withdrawn).await;
    let summarised = json!({"action": "summary", "text": summary});
    act_ok(&app, &clerk, "R25-000002", summarised).await;

    let log = get(&app, "/api/requests", None).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let all = log.json();
    assert_eq!(all["total"], 5);
    assert_eq!(all["limit"], 100);
    assert_eq!(
        trackings(&all),
        [
            "R25-000005",
            "R25-000004",
            "R25-000003",
            "R25-000002",
            "R25-000001"
        ]
    );
    let closed = &all["requests"][3];
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["closing_reason"], "withdrawn");
    assert_eq!(closed["summary"], summary);
    assert_eq!(all["requests"][0]["summary"], Value::Null);

    let mut public = vec![log.body, get(&app, "/requests", None).await.body];
    for n in 1..=5 {
        let entry = get(&app, &format!("/api/requests/R25-00000{n}"), None).await;
        assert_eq!(entry.status, StatusCode::OK, "{}", entry.body);
        public.push(entry.body);
    }
    for (name, email, phone, description) in people {
        let first_name = name.split(' ').next().unwrap();
        for private in [name, first_name, email, phone, description] {
            for text in &public {
                assert!(!text.contains(private), "{private} in {text}");
            }
        }
    }
    // Staff do see who asked, which is what the check above is against.
    let staff = get(&app, "/api/requests/R25-000002/staff", Some(&clerk)).await;
    assert_eq!(staff.json()["requester"]["email"], "bo@example.net");

    // Pages of the log: newest first, `total` counting every request.
    let pages = [
        ("limit=1&offset=1", vec!["R25-000004"]),
        ("limit=2&offset=3", vec!["R25-000002", "R25-000001"]),
        ("offset=4", vec!["R25-000001"]),
        ("limit=3&offset=9", vec![]),
        ("limit=0", vec![]),
    ];
    for (query, expected) in pages {
        let page = get(&app, &format!("/api/requests?{query}"), None)
            .await
            .json();
        assert_eq!(page["total"], 5, "{query}");
        assert_eq!(trackings(&page), expected, "{query}");
    }
    let page = get(&app, "/api/requests?limit=1&offset=1", None)
        .await
        .json();
    assert_eq!(
        (page["limit"].clone(), page["offset"].clone()),
        (json!(1), json!(1))
    );
    let most = get(&app, "/api/requests?limit=50000", None).await.json();
    assert_eq!(most["limit"], 1000);
    for (query, parameter) in [("limit=-1", "limit"), ("offset=ten", "offset")] {
        let bad = get(&app, &format!("/api/requests?{query}"), None).await;
        refusal(&bad, StatusCode::BAD_REQUEST, "req.bad-parameter");
        assert_eq!(bad.json()["data"]["parameter"], parameter);
    }
}
