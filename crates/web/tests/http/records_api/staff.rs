//! Who may see and act on a request through the API: staff by role and
//! department, a session only with its form token; and what a bad action
//! is answered.

use super::*;

#[tokio::test]
async fn the_queue_and_the_staff_view_are_for_staff_and_the_look_is_audited() {
    let (app, _) = desk().await;
    let (tracking, _) = file_from_ada(&app, "Snow plow routes for Ward IV.").await;
    let registered = token(&app, Role::Registered).await;
    let clerk_user = account(&app, Role::Clerk, &[]).await;
    let clerk = token_of(&app, &clerk_user).await;
    let staff_uri = format!("/api/requests/{tracking}/staff");

    for uri in ["/api/requests/queue", staff_uri.as_str()] {
        let anonymous = get(&app, uri, None).await;
        refusal(
            &anonymous,
            StatusCode::UNAUTHORIZED,
            "authentication.required",
        );
        let resident = get(&app, uri, Some(&registered)).await;
        refusal(&resident, StatusCode::FORBIDDEN, "authorization.forbidden");
        let unknown = get(&app, uri, Some("not-a-token")).await;
        refusal(
            &unknown,
            StatusCode::FORBIDDEN,
            "authentication.invalid-app-token",
        );
    }
    let action = json!({"action": "acknowledge"}).to_string();
    let uri = format!("/api/requests/{tracking}/actions");
    let anonymous = call(&app, Method::POST, &uri, &[], Some(&action)).await;
    refusal(
        &anonymous,
        StatusCode::UNAUTHORIZED,
        "authentication.required",
    );
    let headers = [("X-App-Token", registered.as_str())];
    let resident = call(&app, Method::POST, &uri, &headers, Some(&action)).await;
    refusal(&resident, StatusCode::FORBIDDEN, "authorization.forbidden");
    assert_eq!(state(&app, &tracking).await, "received");

    let queue = get(&app, "/api/requests/queue", Some(&clerk)).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    let rows = queue.json()["requests"].clone();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["tracking"], "R25-000001");
    assert_eq!(rows[0]["due"], "2025-12-03");
    assert_eq!(rows[0]["due_text"], "Wed 3 Dec 2025");
    assert_eq!(rows[0]["timeliness"], "on_track");
    // The queue does not open anyone's details, so it is not audited.
    assert!(audit(&app, "requester_details_viewed").await.is_empty());

    let view = get(&app, &staff_uri, Some(&clerk)).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    let view = view.json();
    assert_eq!(view["requester"]["name"], "Ada Requester");
    assert_eq!(view["requester"]["email"], "ada@example.org");
    assert_eq!(view["requester"]["phone"], "303-555-0142");
    assert_eq!(view["requester"]["has_account"], false);
    assert_eq!(view["next_states"], json!(["triage", "closed"]));
    assert_eq!(clock(&view, "response")["due"], "2025-12-03");
    let looks = audit(&app, "requester_details_viewed").await;
    assert_eq!(looks.len(), 1, "{looks:?}");
    assert_eq!(looks[0].target, "request:R25-000001");
    assert_eq!(looks[0].actor_id, Some(clerk_user.id));

    // A steward sees only what is routed to their department, and a
    // request they may not see is as absent as one that does not exist.
    let steward = token_of(&app, &account(&app, Role::Steward, &["Water"]).await).await;
    let queue = get(&app, "/api/requests/queue", Some(&steward)).await;
    assert_eq!(queue.json()["requests"], json!([]));
    let hidden = get(&app, &staff_uri, Some(&steward)).await;
    refusal(&hidden, StatusCode::NOT_FOUND, "request.not_found");
    let to_water = json!({"action": "acknowledge", "department": "Water"});
    act_ok(&app, &clerk, &tracking, to_water).await;
    let queue = get(&app, "/api/requests/queue", Some(&steward)).await;
    assert_eq!(queue.json()["requests"][0]["assigned_department"], "Water");
    let seen = get(&app, &staff_uri, Some(&steward)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(audit(&app, "requester_details_viewed").await.len(), 2);
}

#[tokio::test]
async fn a_session_acts_through_the_api_only_with_its_form_token() {
    let (app, _) = desk().await;
    let (tracking, _) = file_from_ada(&app, "Snow plow routes for Ward IV.").await;
    let clerk = account(&app, Role::Clerk, &[]).await;
    let (cookie, csrf) = session(&app, &clerk).await;
    let uri = format!("/api/requests/{tracking}/actions");
    let action = json!({"action": "acknowledge"}).to_string();

    let wrong = web::access::new_secret();
    let resident_token = token(&app, Role::Registered).await;
    let refused: [&[(&str, &str)]; 3] = [
        &[("Cookie", &cookie)],
        &[("Cookie", &cookie), ("X-CSRF-Token", &wrong)],
        // Another account's app token does not stand in for the session's
        // form token: the action would be the session's.
        &[("Cookie", &cookie), ("X-App-Token", &resident_token)],
    ];
    for headers in refused {
        let reply = call(&app, Method::POST, &uri, headers, Some(&action)).await;
        let message = refusal(&reply, StatusCode::FORBIDDEN, "authorization.csrf");
        assert_eq!(
            message,
            "send an app token, or the page's form token in X-CSRF-Token"
        );
    }
    assert_eq!(state(&app, &tracking).await, "received");

    let headers = [("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str())];
    let done = call(&app, Method::POST, &uri, &headers, Some(&action)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["state"], "triage");
    let entries = audit(&app, "request_acknowledge").await;
    assert_eq!(entries[0].actor_id, Some(clerk.id));
}

#[tokio::test]
async fn a_bad_action_is_answered_in_the_api_error_envelope() {
    let (app, _) = desk().await;
    let (tracking, _) = file_from_ada(&app, "Snow plow routes for Ward IV.").await;
    let clerk = token(&app, Role::Clerk).await;
    let uri = format!("/api/requests/{tracking}/actions");
    let headers = [("X-App-Token", clerk.as_str())];

    // Not JSON, or not an action: what serde found, in the envelope.
    let malformed = call(&app, Method::POST, &uri, &headers, Some("{\"action\": ")).await;
    let message = refusal(&malformed, StatusCode::BAD_REQUEST, "request.bad_action");
    assert!(
        message.starts_with("the body is not an action: EOF while parsing"),
        "{message}"
    );
    assert_eq!(malformed.json()["data"], json!({}));
    let cases = [
        (json!({"action": "shred"}), "unknown variant `shred`"),
        (
            json!({"action": "acknowledge", "dept": "Water"}),
            "unknown field `dept`",
        ),
        (
            json!({"action": "extend", "working_days": "seven", "finding": "x"}),
            "invalid type",
        ),
        (json!({"state": "in_progress"}), "missing field `action`"),
    ];
    for (action, expected) in cases {
        let message = act_refused(&app, &clerk, &tracking, action, BAD).await;
        assert!(
            message.starts_with("the body is not an action: "),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }

    // States with their own action are not moved to; a move the lifecycle
    // does not allow names the moves it does.
    let closing = json!({"action": "move", "state": "closed"});
    let message = act_refused(&app, &clerk, &tracking, closing, BAD).await;
    assert!(
        message.starts_with("a request becomes `closed` by its own action"),
        "{message}"
    );
    let skipping = json!({"action": "move", "state": "in_review"});
    let message = act_refused(&app, &clerk, &tracking, skipping, REFUSED).await;
    assert_eq!(
        message,
        "a request cannot move from `received` to `in_review`; from `received` it can move to \
         `triage` or `closed`"
    );
    let nowhere = json!({"action": "move", "state": "limbo"});
    let message = act_refused(&app, &clerk, &tracking, nowhere, BAD).await;
    assert_eq!(message, "`limbo` is not a request state");
    let department = json!({"action": "acknowledge", "department": "Ministry of Magic"});
    let message = act_refused(&app, &clerk, &tracking, department, BAD).await;
    assert_eq!(
        message,
        "`Ministry of Magic` is not one of the city's departments"
    );

    let missing = act(&app, &clerk, "R25-000099", json!({"action": "acknowledge"})).await;
    let message = refusal(&missing, StatusCode::NOT_FOUND, "request.not_found");
    assert_eq!(message, "no request R25-000099 on your desk");
}
