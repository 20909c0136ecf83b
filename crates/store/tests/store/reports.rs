//! The stewards' desk in a real database: reports found by department and
//! due date, their conversation, and rows hidden and shown again.

use chrono::{Duration, TimeZone, Utc};
use store::{Access, Metadata, NewReport, ReportFilter, ReportKind, StoreError};

use super::access::publish;
use super::open;

fn report(dataset: &str, kind: ReportKind, secret: &str, due_in_days: Option<i64>) -> NewReport {
    let filed = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    NewReport {
        dataset_id: dataset.to_string(),
        kind,
        summary: format!("{} about {dataset}", kind.as_str()),
        rows: "row 1".to_string(),
        reporter_email: Some("resident@example.org".to_string()),
        reporter_id: None,
        secret_hash: secret.to_string(),
        due_at: due_in_days.map(|days| filed + Duration::days(days)),
    }
}

#[tokio::test]
async fn reports_are_listed_by_department_takedowns_due_first() {
    let (store, _dir) = open().await;
    publish(&store, "pol1-0001", "Police", Metadata::default()).await;
    publish(&store, "wat1-0001", "Water", Metadata::default()).await;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let issue = store
        .create_report(
            report("pol1-0001", ReportKind::ContentIssue, "a", None),
            now,
        )
        .await
        .unwrap();
    let takedown = store
        .create_report(report("pol1-0001", ReportKind::Takedown, "b", Some(3)), now)
        .await
        .unwrap();
    let water = store
        .create_report(
            report("wat1-0001", ReportKind::ContentIssue, "c", None),
            now,
        )
        .await
        .unwrap();
    assert_eq!(takedown.department, "Police");
    assert_eq!(takedown.due_at, Some(now + Duration::days(3)));
    assert_eq!(
        store.report_by_secret("b").await.unwrap(),
        Some(takedown.clone())
    );
    assert_eq!(store.report_by_secret("z").await.unwrap(), None);

    let police = ReportFilter {
        departments: Some(vec!["Police".to_string()]),
        include_closed: false,
    };
    let ids = |reports: Vec<store::Report>| reports.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.reports(&police).await.unwrap()),
        [takedown.id, issue.id]
    );
    let everyone = ReportFilter::default();
    assert_eq!(
        ids(store.reports(&everyone).await.unwrap()),
        [takedown.id, issue.id, water.id]
    );
    let nobody = ReportFilter {
        departments: Some(Vec::new()),
        include_closed: true,
    };
    assert!(store.reports(&nobody).await.unwrap().is_empty());

    // Closing takes a report off the open list, once.
    let later = now + Duration::hours(5);
    assert!(
        store
            .close_report(takedown.id, "rows removed", later)
            .await
            .unwrap()
    );
    assert!(
        !store
            .close_report(takedown.id, "again", later)
            .await
            .unwrap()
    );
    assert_eq!(ids(store.reports(&police).await.unwrap()), [issue.id]);
    let closed = store.report(takedown.id).await.unwrap().unwrap();
    assert_eq!(
        (closed.closed_at, closed.resolution.as_deref()),
        (Some(later), Some("rows removed"))
    );
    let all = ReportFilter {
        include_closed: true,
        ..police
    };
    assert_eq!(
        ids(store.reports(&all).await.unwrap()),
        [issue.id, takedown.id]
    );

    let missing = store
        .create_report(report("none-0000", ReportKind::Takedown, "d", None), now)
        .await;
    assert!(
        matches!(missing, Err(StoreError::NoSuchDataset(_))),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_conversation_keeps_who_wrote_what_in_order() {
    let (store, _dir) = open().await;
    publish(&store, "pol1-0001", "Police", Metadata::default()).await;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let filed = store
        .create_report(
            report("pol1-0001", ReportKind::ContentIssue, "a", None),
            now,
        )
        .await
        .unwrap();
    let steward = store
        .create_user(
            store::NewUser {
                email: "steward@example.org".into(),
                name: "S".into(),
                password_hash: None,
                role: store::Role::Steward,
                departments: vec!["Police".into()],
            },
            now,
        )
        .await
        .unwrap();
    store
        .add_report_message(
            filed.id,
            Some(steward.id),
            "Thank you; we are checking.",
            now,
        )
        .await
        .unwrap();
    store
        .add_report_message(filed.id, None, "Row 7 too.", now + Duration::minutes(3))
        .await
        .unwrap();
    let messages = store.report_messages(filed.id).await.unwrap();
    let seen: Vec<(Option<&str>, &str)> = messages
        .iter()
        .map(|m| (m.author_email.as_deref(), m.body.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("steward@example.org"), "Thank you; we are checking."),
            (None, "Row 7 too.")
        ]
    );
    assert_eq!(messages[1].at, now + Duration::minutes(3));
}

#[tokio::test]
async fn hidden_rows_leave_the_public_view_until_shown_again() {
    let (store, _dir) = open().await;
    publish(&store, "pol1-0001", "Police", Metadata::default()).await;
    let now = Utc::now();
    assert_eq!(
        store
            .hide_rows("pol1-0001", &[1, 1], None, None, now)
            .await
            .unwrap(),
        1
    );
    let stored = store.dataset("pol1-0001").await.unwrap().unwrap();
    assert_eq!(
        (stored.hidden_rows.as_slice(), stored.row_count),
        (&[1][..], 1)
    );
    let public = Access::public().view(&stored).unwrap();
    assert_eq!(
        (public.hidden_rows.as_slice(), public.row_count),
        (&[1][..], 0)
    );
    assert_eq!(store.unhide_rows("pol1-0001", &[1, 2]).await.unwrap(), 1);
    assert!(store.hidden_rows("pol1-0001").await.unwrap().is_empty());
}
