//! Blocks and the filtered audit log in a real database file, with times
//! given rather than read from the machine's clock.

use super::open;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use store::{AuditFilter, BlockTarget, NewAuditEntry, NewBlock, NewUser, Role, Store, User};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 12, 0, 0).unwrap()
}

async fn user(store: &Store, email: &str, role: Role) -> User {
    let new = NewUser {
        email: email.to_string(),
        name: String::new(),
        password_hash: None,
        role,
        departments: Vec::new(),
    };
    store.create_user(new, noon()).await.unwrap()
}

fn block(target: BlockTarget, ends_at: Option<DateTime<Utc>>, by: &User) -> NewBlock {
    NewBlock {
        target,
        reason: " Scraping faster than the terms allow. ".to_string(),
        ends_at,
        created_by: Some(by.id),
    }
}

#[tokio::test]
async fn a_block_comes_back_as_created_and_is_in_force_until_its_end() {
    let (store, _dir) = open().await;
    let admin = user(&store, "admin@example.org", Role::Admin).await;
    let end = noon() + Duration::days(7);
    let network = BlockTarget::network("192.0.2.77/24".parse().unwrap());

    let made = store
        .create_block(block(network, Some(end), &admin), noon())
        .await
        .unwrap();

    assert_eq!(
        made.target,
        BlockTarget::Network("192.0.2.0/24".parse().unwrap())
    );
    assert_eq!(made.target.to_string(), "network:192.0.2.0/24");
    assert_eq!(made.reason, "Scraping faster than the terms allow.");
    assert_eq!(made.created_by, Some(admin.id));
    assert_eq!(made.created_by_email.as_deref(), Some("admin@example.org"));
    assert_eq!((made.created_at, made.ends_at), (noon(), Some(end)));
    assert_eq!((made.lifted_at, made.lifted_by), (None, None));
    assert_eq!(store.block(made.id).await.unwrap(), Some(made.clone()));

    assert!(made.in_force(end - Duration::milliseconds(1)));
    assert!(!made.in_force(end));
    let in_force = store.blocks_in_force(noon()).await.unwrap();
    assert_eq!(in_force, std::slice::from_ref(&made));
    assert!(store.blocks_in_force(end).await.unwrap().is_empty());
    // Past its end it is history, still listed.
    assert_eq!(store.blocks(10).await.unwrap(), [made]);
}

#[tokio::test]
async fn each_kind_of_target_is_kept_apart() {
    let (store, _dir) = open().await;
    let admin = user(&store, "admin@example.org", Role::Admin).await;
    let dev = user(&store, "dev@example.org", Role::Registered).await;
    let token = store
        .create_app_token(dev.id, "nightly", "hash", "abcd1234", noon())
        .await
        .unwrap();
    let targets = [
        BlockTarget::AppToken(token.id),
        BlockTarget::User(dev.id),
        BlockTarget::network("2001:db8:1:2::/64".parse().unwrap()),
    ];
    for target in targets {
        store
            .create_block(block(target, None, &admin), noon())
            .await
            .unwrap();
    }

    let in_force = store.blocks_in_force(noon()).await.unwrap();
    let found: Vec<BlockTarget> = in_force.iter().map(|b| b.target).collect();
    assert_eq!(found, targets);
    assert!(in_force.iter().all(|b| b.ends_at.is_none()));
    // Without an end, a block holds however late it gets.
    let much_later = noon() + Duration::days(3650);
    assert_eq!(store.blocks_in_force(much_later).await.unwrap(), in_force);

    assert_eq!(
        store.app_token_by_id(token.id).await.unwrap(),
        Some((token.clone(), dev.clone()))
    );
    assert_eq!(store.app_token_by_id(token.id + 1).await.unwrap(), None);
    assert_eq!(
        store.app_tokens_by_prefix("abcd1234").await.unwrap(),
        [token]
    );
    assert!(store.app_tokens_by_prefix("abcd").await.unwrap().is_empty());
}

#[tokio::test]
async fn lifting_a_block_ends_it_once_and_keeps_it_as_history() {
    let (store, _dir) = open().await;
    let admin = user(&store, "admin@example.org", Role::Admin).await;
    let steward = user(&store, "steward@example.org", Role::Steward).await;
    let made = store
        .create_block(block(BlockTarget::User(steward.id), None, &admin), noon())
        .await
        .unwrap();
    let later = noon() + Duration::hours(2);

    let lifted = store
        .lift_block(made.id, Some(admin.id), later)
        .await
        .unwrap()
        .expect("lifted");
    assert_eq!(
        (lifted.lifted_at, lifted.lifted_by),
        (Some(later), Some(admin.id))
    );
    assert!(!lifted.in_force(later));
    assert!(store.blocks_in_force(later).await.unwrap().is_empty());

    // A second lift, or a lift of nothing, changes nothing.
    let again = store.lift_block(made.id, Some(steward.id), later + Duration::hours(1));
    assert_eq!(again.await.unwrap(), None);
    assert_eq!(
        store.lift_block(made.id + 1, None, later).await.unwrap(),
        None
    );
    assert_eq!(store.block(made.id).await.unwrap(), Some(lifted.clone()));
    assert_eq!(store.blocks(10).await.unwrap(), [lifted]);
}

#[tokio::test]
async fn a_block_past_its_end_cannot_be_lifted() {
    let (store, _dir) = open().await;
    let admin = user(&store, "admin@example.org", Role::Admin).await;
    let end = noon() + Duration::hours(1);
    let made = store
        .create_block(
            block(BlockTarget::User(admin.id), Some(end), &admin),
            noon(),
        )
        .await
        .unwrap();
    assert_eq!(store.lift_block(made.id, None, end).await.unwrap(), None);
    assert_eq!(store.block(made.id).await.unwrap(), Some(made));
}

#[tokio::test]
async fn a_block_names_exactly_one_target() {
    let (store, _dir) = open().await;
    let refused = sqlx::query(
        "INSERT INTO blocks (user_id, network, reason, created_at) VALUES (1, '10.0.0.0/8', 'x', 'now')",
    )
    .execute(store.pool())
    .await;
    assert!(refused.is_err(), "{refused:?}");
}

/// An entry at `at` by `actor`.
async fn entry(
    store: &Store,
    actor: &User,
    action: &'static str,
    target: &str,
    at: DateTime<Utc>,
) -> i64 {
    let new = NewAuditEntry {
        actor: Some(actor.clone()),
        action,
        target: target.to_string(),
        before: None,
        after: Some(json!({ "n": 1 })),
    };
    store.append_audit(new, at).await.unwrap()
}

#[tokio::test]
async fn the_audit_log_is_read_through_filters() {
    let (store, _dir) = open().await;
    let ada = user(&store, "Ada@Example.org", Role::Admin).await;
    let bob = user(&store, "bob@example.net", Role::Steward).await;
    let day = Duration::days(1);
    let a = entry(&store, &ada, "block_created", "user:3", noon()).await;
    let b = entry(
        &store,
        &bob,
        "block_created",
        "network:192.0.2.0/24",
        noon() + day,
    )
    .await;
    let c = entry(&store, &ada, "block_lifted", "user:3", noon() + day * 2).await;
    let d = entry(
        &store,
        &bob,
        "app_token_revoked",
        "user:31",
        noon() + day * 3,
    )
    .await;

    let ids = async |filter: AuditFilter| -> Vec<i64> {
        let entries = store.audit_entries(&filter, 100, 0).await.unwrap();
        let count = store.audit_count(&filter).await.unwrap();
        assert_eq!(count, entries.len() as i64, "{filter:?}");
        entries.iter().map(|e| e.id).collect()
    };
    let some = |s: &str| Some(s.to_string());

    assert_eq!(ids(AuditFilter::default()).await, [d, c, b, a]);
    let by_ada = AuditFilter {
        actor: some("ADA@"),
        ..Default::default()
    };
    assert_eq!(ids(by_ada).await, [c, a]);
    let at_example = AuditFilter {
        actor: some("example"),
        ..Default::default()
    };
    assert_eq!(ids(at_example).await, [d, c, b, a]);
    let created = AuditFilter {
        action: some("block_created"),
        ..Default::default()
    };
    assert_eq!(ids(created).await, [b, a]);
    let user_3 = AuditFilter {
        target: some("user:3"),
        ..Default::default()
    };
    assert_eq!(ids(user_3).await, [c, a]);
    let every_user = AuditFilter {
        target: some("user:"),
        ..Default::default()
    };
    assert_eq!(ids(every_user).await, [d, c, a]);
    let middle_days = AuditFilter {
        from: Some(noon() + day),
        until: Some(noon() + day * 3),
        ..Default::default()
    };
    assert_eq!(ids(middle_days).await, [c, b]);
    let older = AuditFilter {
        older_than: Some(c),
        ..Default::default()
    };
    assert_eq!(ids(older).await, [b, a]);
    let nothing = AuditFilter {
        actor: some("bob"),
        action: some("block_lifted"),
        ..Default::default()
    };
    assert!(ids(nothing).await.is_empty());

    let page = store
        .audit_entries(&AuditFilter::default(), 2, 1)
        .await
        .unwrap();
    assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), [c, b]);
    assert_eq!(page[1].actor_email, "bob@example.net");
    assert_eq!(page[1].after, Some(json!({ "n": 1 })));
    assert_eq!(
        store.audit_actions().await.unwrap(),
        ["app_token_revoked", "block_created", "block_lifted"]
    );
}
