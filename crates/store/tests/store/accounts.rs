//! Accounts in a real database file: users, sessions, app tokens and the
//! audit log, with times given rather than read from the machine's clock.

use super::open;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use store::{NewAuditEntry, NewUser, Role, Store, StoreError, User};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 12, 0, 0).unwrap()
}

async fn user(store: &Store, email: &str, role: Role, departments: &[&str]) -> User {
    let new = NewUser {
        email: email.to_string(),
        name: "Ada Lovelace".to_string(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_string()),
        role,
        departments: departments.iter().map(|d| d.to_string()).collect(),
    };
    store.create_user(new, noon()).await.unwrap()
}

#[tokio::test]
async fn users_come_back_as_created() {
    let (store, _dir) = open().await;
    let steward = user(
        &store,
        " steward@example.org ",
        Role::Steward,
        &["Police", "Fire"],
    )
    .await;

    assert_eq!(steward.email, "steward@example.org");
    assert_eq!(steward.role, Role::Steward);
    assert_eq!(steward.departments, ["Fire", "Police"]);
    assert_eq!(steward.created_at, noon());
    assert!(!steward.disabled);
    assert_eq!(store.user(steward.id).await.unwrap(), Some(steward.clone()));
    assert_eq!(store.users().await.unwrap(), [steward]);
}

#[tokio::test]
async fn an_email_is_taken_in_any_case() {
    let (store, _dir) = open().await;
    let ada = user(&store, "Ada@Example.org", Role::Registered, &[]).await;

    let again = NewUser {
        email: "ada@example.ORG".to_string(),
        name: String::new(),
        password_hash: None,
        role: Role::Admin,
        departments: Vec::new(),
    };
    match store.create_user(again, noon()).await {
        Err(StoreError::EmailTaken(email)) => assert_eq!(email, "ada@example.ORG"),
        other => panic!("expected EmailTaken, got {other:?}"),
    }
    assert_eq!(store.users().await.unwrap().len(), 1);

    let (found, hash) = store
        .user_with_password("ADA@EXAMPLE.ORG")
        .await
        .unwrap()
        .expect("found in another case");
    assert_eq!(found.id, ada.id);
    assert_eq!(
        hash.as_deref(),
        Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
    );
}

#[tokio::test]
async fn a_session_lives_until_its_expiry_and_not_a_moment_longer() {
    let (store, _dir) = open().await;
    let ada = user(&store, "ada@example.org", Role::Registered, &[]).await;
    let expires = noon() + Duration::days(14);
    store
        .create_session(ada.id, "hash-1", "csrf-1", noon(), expires)
        .await
        .unwrap();

    let live = store
        .session("hash-1", expires - Duration::seconds(1))
        .await
        .unwrap()
        .expect("live a second before expiry");
    assert_eq!(live.user.id, ada.id);
    assert_eq!(live.csrf_token, "csrf-1");
    assert_eq!(live.expires_at, expires);

    assert!(store.session("hash-1", expires).await.unwrap().is_none());
    assert!(
        store
            .session("hash-1", expires + Duration::days(1))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.session("another", noon()).await.unwrap().is_none());
}

#[tokio::test]
async fn ending_all_sessions_leaves_other_peoples_alone() {
    let (store, _dir) = open().await;
    let ada = user(&store, "ada@example.org", Role::Registered, &[]).await;
    let bob = user(&store, "bob@example.org", Role::Clerk, &[]).await;
    let later = noon() + Duration::days(1);
    for (who, hash) in [
        (ada.id, "ada-laptop"),
        (ada.id, "ada-phone"),
        (bob.id, "bob-desk"),
    ] {
        store
            .create_session(who, hash, "csrf", noon(), later)
            .await
            .unwrap();
    }

    assert_eq!(store.end_all_sessions(ada.id).await.unwrap(), 2);
    assert!(store.session("ada-laptop", noon()).await.unwrap().is_none());
    assert!(store.session("ada-phone", noon()).await.unwrap().is_none());
    let bobs = store
        .session("bob-desk", noon())
        .await
        .unwrap()
        .expect("bob's");
    assert_eq!(bobs.user.id, bob.id);
    assert_eq!(store.end_all_sessions(ada.id).await.unwrap(), 0);

    store.end_session("bob-desk").await.unwrap();
    assert!(store.session("bob-desk", noon()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_token_is_revoked_once_and_only_by_its_owner() {
    let (store, _dir) = open().await;
    let ada = user(&store, "ada@example.org", Role::Registered, &[]).await;
    let bob = user(&store, "bob@example.org", Role::Registered, &[]).await;
    let token = store
        .create_app_token(ada.id, " dashboard ", "token-hash", "3fa9c2e1", noon())
        .await
        .unwrap();
    assert_eq!(token.name, "dashboard");
    assert_eq!(token.prefix, "3fa9c2e1");

    let (found, owner) = store.app_token("token-hash").await.unwrap().expect("token");
    assert_eq!(found, token);
    assert_eq!(owner.id, ada.id);

    assert!(
        !store
            .revoke_app_token(bob.id, token.id, noon())
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .app_token("token-hash")
            .await
            .unwrap()
            .unwrap()
            .0
            .revoked_at,
        None
    );

    let an_hour_on = noon() + Duration::hours(1);
    assert!(
        store
            .revoke_app_token(ada.id, token.id, an_hour_on)
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_app_token(ada.id, token.id, an_hour_on)
            .await
            .unwrap()
    );
    let (revoked, _) = store.app_token("token-hash").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(an_hour_on));
    assert_eq!(store.app_tokens(ada.id).await.unwrap(), [revoked]);
    assert!(store.app_tokens(bob.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_audit_log_keeps_entries_and_refuses_to_change_them() {
    let (store, _dir) = open().await;
    let admin = user(&store, "admin@example.org", Role::Admin, &[]).await;
    let first = store
        .append_audit(
            NewAuditEntry {
                actor: None,
                action: "user_created",
                target: format!("user:{}", admin.id),
                before: None,
                after: Some(json!({ "role": "admin" })),
            },
            noon(),
        )
        .await
        .unwrap();
    let second = store
        .append_audit(
            NewAuditEntry {
                actor: Some(admin.clone()),
                action: "app_token_revoked",
                target: "app_token:7".to_string(),
                before: Some(json!({ "revoked_at": null })),
                after: Some(json!({ "revoked_at": "2025-03-14T13:00:00Z" })),
            },
            noon() + Duration::hours(1),
        )
        .await
        .unwrap();

    let log = store.audit_log(10, 0).await.unwrap();
    assert_eq!(
        log.iter().map(|e| e.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(log[0].actor_id, Some(admin.id));
    assert_eq!(log[0].actor_email, "admin@example.org");
    assert_eq!(log[0].before, Some(json!({ "revoked_at": null })));
    assert_eq!(log[1].actor_id, None);
    assert_eq!(log[1].actor_email, "system");
    assert_eq!(log[1].action, "user_created");
    assert_eq!(log[1].at, noon());

    for statement in [
        "UPDATE audit_log SET action = 'nothing_happened'",
        "DELETE FROM audit_log",
    ] {
        let refused = sqlx::query(statement).execute(store.pool()).await;
        match refused {
            Err(sqlx::Error::Database(e)) => {
                assert_eq!(e.message(), "the audit log is append-only", "{statement}")
            }
            other => panic!("{statement}: expected the database to refuse, got {other:?}"),
        }
    }
    assert_eq!(store.audit_log(10, 0).await.unwrap(), log);
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_not_after_it_expires() {
    let (store, _dir) = open().await;
    let ada = user(&store, "ada@example.org", Role::Registered, &[]).await;
    let expires = noon() + Duration::hours(1);
    store
        .create_password_reset(ada.id, "link-1", noon(), expires)
        .await
        .unwrap();
    store
        .create_password_reset(ada.id, "link-2", noon(), expires)
        .await
        .unwrap();

    assert_eq!(
        store.use_password_reset("nonsense", noon()).await.unwrap(),
        None
    );
    assert_eq!(
        store.use_password_reset("link-1", noon()).await.unwrap(),
        Some(ada.id)
    );
    assert_eq!(
        store.use_password_reset("link-1", noon()).await.unwrap(),
        None
    );
    // The second link has expired by the time it is used.
    assert_eq!(
        store.use_password_reset("link-2", expires).await.unwrap(),
        None
    );
}
