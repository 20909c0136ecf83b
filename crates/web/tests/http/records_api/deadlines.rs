//! Actions that move deadlines: an extension within the law's limits, and
//! a denial with its grounds, the statement of grounds and a notice of
//! intent to sue.

use super::*;

/// An extension of `working_days` on a finding.
fn extension(working_days: u32, finding: &str) -> Value {
    json!({"action": "extend", "working_days": working_days, "finding": finding})
}

#[tokio::test]
async fn staff_extend_by_json_and_the_response_clock_follows_the_law() {
    let (app, _) = desk().await;
    let (tracking, key) = file_from_ada(&app, "Snow plow routes for Ward IV.").await;
    let clerk = token(&app, Role::Clerk).await;

    let done = act_ok(&app, &clerk, &tracking, json!({"action": "acknowledge"})).await;
    assert_eq!(done["state"], "triage");
    assert_eq!(done["said"], "R25-000001 is acknowledged and in triage.");
    assert_eq!(done["mailed"], false);
    let in_progress = json!({"action": "move", "state": "in_progress"});
    let done = act_ok(&app, &clerk, &tracking, in_progress).await;
    assert_eq!(done["state"], "in_progress");
    assert_eq!(done["said"], "R25-000001 is now In progress.");

    // The worked example, the longest extension: 7 working days after the
    // statutory Wed 3 Dec are Thu 4, Fri 5, Mon 8, Tue 9, Wed 10, Thu 11,
    // Fri 12, working days 4 to 10 of the count.
    let finding = "The plow logs are kept by a contractor and must be retrieved.";
    let extended = act_ok(&app, &clerk, &tracking, extension(7, finding)).await;
    assert_eq!(extended["said"], "The response to R25-000001 is extended.");
    let response = clock(&extended, "response");
    assert_eq!(response["due"], "2025-12-12", "{extended}");
    assert_eq!(response["extended"], true);
    assert!(explains(response, "Original due date: Wed 3 Dec 2025"));
    assert!(explains(response, "Working day 10: Fri 12 Dec 2025"));
    // The finding closes the window for one.
    let clocks = extended["clocks"].as_array().unwrap();
    assert!(clocks.iter().all(|c| c["clock"] != "extension_notice"));

    // The finding reaches the requester with the new date.
    let view = requester_view(&app, &tracking, &key).await;
    let letter = last_message(&view);
    assert!(letter.starts_with(finding), "{letter}");
    assert!(letter.contains("We will now answer by Fri 12 Dec 2025."));
    assert_eq!(view["messages"][0]["from"], "City Clerk");
    assert_eq!(clock(&view, "response")["due"], "2025-12-12");

    // One more day would make 8: refused under the statute.
    let more = extension(1, "Still more logs.");
    let message = act_refused(&app, &clerk, &tracking, more, REFUSED).await;
    assert_eq!(
        message,
        "extension refused: 1 more working days would extend the response by 8, more than \
         the 7 working days allowed (C.R.S. 24-72-203(3)(b))"
    );
    let message = act_refused(&app, &clerk, &tracking, extension(0, "None."), REFUSED).await;
    assert_eq!(
        message,
        "extension refused: an extension adds at least one working day"
    );
    let message = act_refused(&app, &clerk, &tracking, extension(1, "  "), BAD).await;
    assert_eq!(message, "write the finding of extenuating circumstances");

    // The audit trail has the deadline's move, before and after.
    let moved = audit(&app, "request_clock_changed").await;
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(
        moved[0].after.as_ref().unwrap()["clocks"],
        json!([{"clock": "response", "before": "2025-12-03", "after": "2025-12-12"}])
    );
}

#[tokio::test]
async fn an_extension_is_accepted_to_the_end_of_the_third_working_day_only() {
    let (app, clock_) = desk().await;
    let (on_time, _) = file_from_ada(&app, "Snow plow routes for Ward IV.").await;
    let (late, _) = file_from_ada(&app, "Pothole repair orders, 2025.").await;
    let clerk = token(&app, Role::Clerk).await;
    let finding = "A contractor holds them.";

    // Wed 3 Dec at 23:30 is still working day 3; three more working days
    // from it: Thu 4, Fri 5, Mon 8.
    clock_.set(aurora(2025, 12, 3, 23, 30));
    let extended = act_ok(&app, &clerk, &on_time, extension(3, finding)).await;
    assert_eq!(clock(&extended, "response")["due"], "2025-12-08");

    // Thu 4 Dec, 09:00: too late for a finding.
    clock_.set(aurora(2025, 12, 4, 9, 0));
    let message = act_refused(&app, &clerk, &late, extension(2, finding), REFUSED).await;
    assert_eq!(
        message,
        "extension refused: the written finding was sent Thu 4 Dec 2025 09:00 MST, but it \
         must reach the requester within 3 working days after day 0, which ended Wed 3 Dec \
         2025 (C.R.S. 24-72-203(3)(b))"
    );
    let staff = get(&app, &format!("/api/requests/{late}/staff"), Some(&clerk)).await;
    let staff = staff.json();
    assert_eq!(clock(&staff, "response")["due"], "2025-12-03");
    assert_eq!(clock(&staff, "response")["extended"], false);
    // Due yesterday, and nothing answered it.
    assert_eq!(staff["timeliness"], "overdue");
}

#[tokio::test]
async fn a_denial_states_its_grounds_and_starts_the_later_clocks() {
    let (app, clock_) = desk().await;
    let (tracking, key) = file_from_ada(&app, "The personnel file of Officer Doe.").await;
    let clerk = token(&app, Role::Clerk).await;
    act_ok(&app, &clerk, &tracking, json!({"action": "acknowledge"})).await;
    let in_progress = json!({"action": "move", "state": "in_progress"});
    act_ok(&app, &clerk, &tracking, in_progress).await;
    // Records are reviewed before they are denied.
    let early = personnel_denial("Disciplinary records.");
    let message = act_refused(&app, &clerk, &tracking, early, REFUSED).await;
    assert!(
        message.starts_with("a request cannot move from `in_progress` to `denied`"),
        "{message}"
    );
    let in_review = json!({"action": "move", "state": "in_review"});
    act_ok(&app, &clerk, &tracking, in_review).await;

    // Grounds the library does not have, or without a reason, are refused
    // with what to change.
    let library: Vec<&str> = records::exemptions::all().iter().map(|e| e.key).collect();
    let unknown = json!({"exemption": "embarrassing", "reason": "It is."});
    let twice = [
        json!({"exemption": "personnel_files", "reason": "One."}),
        json!({"exemption": "personnel_files", "reason": "Two."}),
    ];
    let cases = [
        (
            json!([unknown]),
            format!(
                "`embarrassing` is not an exemption in the library; the library has {}",
                library.join(", ")
            ),
        ),
        (
            json!([{"exemption": "personnel_files", "reason": " "}]),
            "`personnel_files` is cited without saying why it applies to these records".into(),
        ),
        (
            json!([{"exemption": "personnel_files"}]),
            "the body is not an action: missing field `reason`".into(),
        ),
        (json!([]), "a denial cites at least one ground".into()),
        (
            json!(twice),
            "`personnel_files` is cited twice; give all its reasons in one ground".into(),
        ),
    ];
    for (grounds, expected) in cases {
        let deny = json!({"action": "deny", "grounds": grounds});
        let message = act_refused(&app, &clerk, &tracking, deny, BAD).await;
        assert!(message.starts_with(&expected), "{message}");
    }

    // Denied on Mon 1 Dec, before the response fell due on Wed 3 Dec.
    clock_.set(aurora(2025, 12, 1, 9, 0));
    let denial = json!({"action": "deny", "grounds": [
        {"exemption": "personnel_files", "reason": "It is Officer Doe's personnel file."},
        {"exemption": "law_enforcement_investigations", "reason": "A case is open."},
    ]});
    let denied = act_ok(&app, &clerk, &tracking, denial).await;
    assert_eq!(denied["state"], "denied");
    assert_eq!(
        denied["said"],
        "R25-000001 is denied on C.R.S. 24-72-204(3)(a)(II), C.R.S. 24-72-204(2)(a)(I)."
    );
    assert_eq!(clock(&denied, "response")["status"], "met");
    let view = requester_view(&app, &tracking, &key).await;
    assert_eq!(view["state"], "denied");
    assert_eq!(view["state_words"], "Denied");
    let letter = last_message(&view);
    for expected in [
        "Statement of the grounds for denial: request R25-000001",
        "On 1 December 2025 the City Clerk, City of Aurora, Colorado withheld records",
        "1. Personnel files, C.R.S. 24-72-204(3)(a)(II)",
        "   Why it applies: It is Officer Doe's personnel file.",
        "2. Law-enforcement investigations, intelligence and security procedures, \
         C.R.S. 24-72-204(2)(a)(I)",
        "   Why it applies: A case is open.",
        "ask the City Clerk, City of Aurora, Colorado for a written copy (C.R.S. 24-72-204(4))",
        "order to open the records (C.R.S. 24-72-204(5))",
    ] {
        assert!(letter.contains(expected), "{expected} not in {letter}");
    }
    let denials = audit(&app, "request_deny").await;
    let after = denials[0].after.as_ref().unwrap();
    assert_eq!(
        after["sections"],
        json!(["C.R.S. 24-72-204(3)(a)(II)", "C.R.S. 24-72-204(2)(a)(I)"])
    );

    // The requester asks for the grounds on Tue 2 Dec, day 0; "forthwith",
    // read as 3 working days: Wed 3, Thu 4, Fri 5.
    clock_.set(aurora(2025, 12, 2, 9, 0));
    let asked = act_ok(
        &app,
        &clerk,
        &tracking,
        json!({"action": "grounds_requested"}),
    )
    .await;
    let grounds = clock(&asked, "grounds_statement");
    assert_eq!(grounds["due"], "2025-12-05", "{asked}");
    assert_eq!(grounds["status"], "running");
    assert!(explains(
        grounds,
        "(C.R.S. 24-72-204(4)); this value is not yet verified"
    ));
    // Sent Thu 4 Dec: met, and the statement goes to the requester again.
    clock_.set(aurora(2025, 12, 4, 11, 0));
    let sent = act_ok(&app, &clerk, &tracking, json!({"action": "send_grounds"})).await;
    assert_eq!(clock(&sent, "grounds_statement")["due"], "2025-12-05");
    assert_eq!(clock(&sent, "grounds_statement")["status"], "met");
    let view = requester_view(&app, &tracking, &key).await;
    assert_eq!(view["messages"].as_array().unwrap().len(), 2);
    assert!(last_message(&view).contains("1. Personnel files, C.R.S. 24-72-204(3)(a)(II)"));

    // Notice of intent to sue, Thu 11 Dec: 14 calendar days later is Thu
    // 25 Dec, Christmas Day, closed; the period ends on Fri 26 Dec, which
    // the profile keeps open.
    clock_.set(aurora(2025, 12, 11, 10, 0));
    let notice = json!({"action": "notice_of_intent", "expedited": false});
    let noticed = act_ok(&app, &clerk, &tracking, notice).await;
    assert_eq!(noticed["state"], "notice_of_intent");
    let litigation = clock(&noticed, "litigation_notice");
    assert_eq!(litigation["due"], "2025-12-26", "{noticed}");
    assert_eq!(litigation["status"], "running");
    assert!(explains(
        litigation,
        "14 calendar days later: Thu 25 Dec 2025"
    ));
    assert!(explains(
        litigation,
        "Thu 25 Dec 2025 skipped: closure day (Christmas Day)"
    ));
    // The custodian confers on Fri 12 Dec: the duty of the period is met.
    clock_.set(aurora(2025, 12, 12, 14, 0));
    let conferred = act_ok(&app, &clerk, &tracking, json!({"action": "conferred"})).await;
    assert_eq!(clock(&conferred, "litigation_notice")["status"], "met");
}

#[tokio::test]
async fn an_expedited_notice_of_intent_counts_working_days() {
    let (app, clock_) = desk().await;
    let (tracking, _) = file_from_ada(&app, "The personnel file of Officer Doe.").await;
    let clerk = token(&app, Role::Clerk).await;
    to_review(&app, &clerk, &tracking).await;
    act_ok(&app, &clerk, &tracking, personnel_denial("His file.")).await;

    // Tue 23 Dec is day 0 of 3 working days: Wed 24, Christmas Day
    // skipped, Fri 26, the weekend skipped, Mon 29.
    clock_.set(aurora(2025, 12, 23, 9, 0));
    let notice = json!({"action": "notice_of_intent", "expedited": true});
    let noticed = act_ok(&app, &clerk, &tracking, notice).await;
    let litigation = clock(&noticed, "litigation_notice");
    assert_eq!(litigation["due"], "2025-12-29", "{noticed}");
    assert!(explains(litigation, "Working day 3: Mon 29 Dec 2025"));
}

#[tokio::test]
async fn a_denial_from_the_clerks_page_reads_the_ticked_grounds() {
    let (app, _) = desk().await;
    let (tracking, key) = file_from_ada(&app, "The personnel file of Officer Doe.").await;
    to_review(&app, &token(&app, Role::Clerk).await, &tracking).await;
    let (cookie, csrf) = session(&app, &account(&app, Role::Clerk, &[]).await).await;
    let deny = |reason: &'static str| {
        let (app, uri, cookie, csrf) = (&app, format!("/clerk/{tracking}"), &cookie, &csrf);
        async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("action", "deny"),
                ("ground", "personnel_files"),
                ("reason_personnel_files", reason),
                ("reason_trade_secrets", "Typed, but not ticked."),
            ];
            crate::accounts::post(app, &uri, Some(cookie), &form).await
        }
    };

    // A ground ticked without a reason is refused, and nothing changes.
    let unexplained = deny("").await;
    assert_eq!(unexplained.status, StatusCode::BAD_REQUEST);
    // The page names the ground that has no reason, as the JSON API does.
    assert!(
        unexplained
            .body
            .contains("is cited without saying why it applies to these records"),
        "{}",
        unexplained.body
    );
    assert_eq!(state(&app, &tracking).await, "in_review");

    // A reason typed for a ground left unticked is not a ground.
    let denied = deny("His personnel file.").await;
    assert_eq!(denied.status, StatusCode::SEE_OTHER, "{}", denied.body);
    assert_eq!(state(&app, &tracking).await, "denied");
    let view = requester_view(&app, &tracking, &key).await;
    let letter = last_message(&view);
    assert!(letter.contains("C.R.S. 24-72-204(3)(a)(II)"), "{letter}");
    assert!(!letter.contains("C.R.S. 24-72-204(3)(a)(IV)"), "{letter}");
}
