//! Records requests in a real database: tracking numbers counted per year,
//! events in order, queues by state and department, and a public log that
//! has no requester in it.

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;
use store::{NewRequest, RequestFilter, Store};

use super::open;

async fn clerk(store: &Store) -> i64 {
    let new = store::NewUser {
        email: "clerk@example.org".into(),
        name: "Clerk".into(),
        password_hash: None,
        role: store::Role::Clerk,
        departments: Vec::new(),
    };
    store.create_user(new, Utc::now()).await.unwrap().id
}

async fn file(
    store: &Store,
    year: i32,
    secret: &str,
    departments: &[&str],
) -> store::RecordsRequest {
    store
        .create_request(NewRequest {
            year,
            received_at: Utc.with_ymd_and_hms(year, 11, 26, 17, 15, 0).unwrap(),
            description: "Police overtime by month".into(),
            records_sought: "overtime ledgers".into(),
            departments: departments.iter().map(|d| d.to_string()).collect(),
            date_from: NaiveDate::from_ymd_opt(2024, 1, 1),
            date_to: None,
            preferred_format: "csv".into(),
            requester_name: Some("Rosa Requester".into()),
            requester_email: Some("rosa@example.org".into()),
            requester_phone: Some("303-555-0100".into()),
            requester_id: None,
            secret_hash: secret.into(),
            state: "received".into(),
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn tracking_numbers_count_up_and_restart_each_year() {
    let (store, _dir) = open().await;
    let first = file(&store, 2025, "a", &["Police"]).await;
    let second = file(&store, 2025, "b", &["Water"]).await;
    let next_year = file(&store, 2026, "c", &["Police"]).await;
    assert_eq!(
        [
            first.tracking.as_str(),
            second.tracking.as_str(),
            next_year.tracking.as_str()
        ],
        ["R25-000001", "R25-000002", "R26-000001"]
    );
    assert_eq!(first.date_from, NaiveDate::from_ymd_opt(2024, 1, 1));
    assert_eq!(first.departments, ["Police"]);
    assert_eq!(
        store
            .request_by_tracking("R25-000002")
            .await
            .unwrap()
            .unwrap()
            .id,
        second.id
    );
    assert_eq!(
        store.request_by_secret("c").await.unwrap().unwrap().id,
        next_year.id
    );
    assert!(store.request_by_secret("z").await.unwrap().is_none());

    let events = store.request_events(first.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].kind.as_str(), events[0].at),
        ("received", first.received_at)
    );
}

#[tokio::test]
async fn queues_filter_and_the_public_log_keeps_the_requester_out() {
    let (store, _dir) = open().await;
    let police = file(&store, 2025, "a", &["Police"]).await;
    let water = file(&store, 2025, "b", &["Water"]).await;
    let now = Utc.with_ymd_and_hms(2025, 12, 1, 16, 0, 0).unwrap();
    store
        .set_request_state(water.id, "in_progress", None, now)
        .await
        .unwrap();
    store
        .assign_request(police.id, Some("Finance"), None, now)
        .await
        .unwrap();

    let ids =
        |found: Vec<store::RecordsRequest>| found.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let open_ones = RequestFilter {
        states: vec!["received".into(), "in_progress".into()],
        ..RequestFilter::default()
    };
    assert_eq!(
        ids(store.records_requests(&open_ones).await.unwrap()),
        [police.id, water.id]
    );
    let in_progress = RequestFilter {
        states: vec!["in_progress".into()],
        ..RequestFilter::default()
    };
    assert_eq!(
        ids(store.records_requests(&in_progress).await.unwrap()),
        [water.id]
    );
    let finance = RequestFilter {
        department: Some("Finance".into()),
        ..RequestFilter::default()
    };
    assert_eq!(
        ids(store.records_requests(&finance).await.unwrap()),
        [police.id]
    );

    let closing = json!({ "reason": "fulfilled" });
    store
        .set_request_state(police.id, "closed", Some(&closing), now)
        .await
        .unwrap();
    let reviewer = clerk(&store).await;
    store
        .set_public_summary(water.id, "Water main breaks, 2024", reviewer, now)
        .await
        .unwrap();
    let log = store.public_requests(10, 0).await.unwrap();
    let text = serde_json::to_string(&log).unwrap();
    for private in ["Rosa", "rosa@example.org", "303-555-0100", "overtime"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    let closed = log.iter().find(|r| r.tracking == police.tracking).unwrap();
    assert_eq!(closed.closing_reason.as_deref(), Some("fulfilled"));
    assert_eq!(closed.summary, None, "not reviewed, not shown");
    let reviewed = log.iter().find(|r| r.tracking == water.tracking).unwrap();
    assert_eq!(reviewed.summary.as_deref(), Some("Water main breaks, 2024"));
}

#[tokio::test]
async fn messages_time_money_and_closure_days_are_kept_in_order() {
    let (store, _dir) = open().await;
    let request = file(&store, 2025, "a", &["Police"]).await;
    let now = Utc.with_ymd_and_hms(2025, 12, 1, 16, 0, 0).unwrap();
    store
        .add_request_message(request.id, None, false, "Any news?", now)
        .await
        .unwrap();
    let staff = clerk(&store).await;
    store
        .add_request_message(request.id, Some(staff), true, "Ask Finance.", now)
        .await
        .unwrap();
    let to_requester = store.request_messages(request.id, false).await.unwrap();
    assert_eq!(to_requester.len(), 1);
    assert_eq!(to_requester[0].body, "Any news?");
    let all = store.request_messages(request.id, true).await.unwrap();
    assert_eq!(
        (all.len(), all[1].internal, all[1].author_id),
        (2, true, Some(staff))
    );

    let day = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    store
        .add_time_entry(request.id, day, 90, "search", None)
        .await
        .unwrap();
    store
        .add_time_entry(request.id, day, 45, "review", None)
        .await
        .unwrap();
    let minutes: i64 = store
        .time_entries(request.id)
        .await
        .unwrap()
        .iter()
        .map(|t| t.minutes)
        .sum();
    assert_eq!(minutes, 135);
    assert!(
        store
            .add_time_entry(request.id, day, 0, "", None)
            .await
            .is_err()
    );

    store
        .add_ledger_entry(request.id, now, "deposit", 5172, "check 1041", None)
        .await
        .unwrap();
    store
        .add_ledger_entry(request.id, now, "refund", 172, "", None)
        .await
        .unwrap();
    let ledger = store.ledger(request.id).await.unwrap();
    let kinds: Vec<(&str, i64)> = ledger.iter().map(|e| (e.kind.as_str(), e.cents)).collect();
    assert_eq!(kinds, [("deposit", 5172), ("refund", 172)]);
    assert!(
        store
            .add_ledger_entry(request.id, now, "gift", 1, "", None)
            .await
            .is_err()
    );

    let furlough = NaiveDate::from_ymd_opt(2025, 12, 22).unwrap();
    assert!(
        store
            .add_closure_day(furlough, "Furlough day", None, now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .add_closure_day(furlough, "again", None, now)
            .await
            .unwrap()
    );
    let days = store.closure_days().await.unwrap();
    assert_eq!(
        (days.len(), days[0].day, days[0].reason.as_str()),
        (1, furlough, "Furlough day")
    );
}
