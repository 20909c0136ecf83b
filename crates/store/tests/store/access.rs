//! Who finds what in the catalog: private and internal datasets counted
//! only for those who may see them, and restricted column names matching
//! only for those who see the columns.

use std::collections::HashMap;
use std::sync::Arc;

use super::open;
use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use store::{
    Access, CatalogQuery, Metadata, NewColumn, NewDataset, NewUser, Role, Store, StoreError,
    Visibility,
};

/// Publishes a two-column dataset (`county`, `arrest_id`).
pub async fn publish(store: &Store, id: &str, department: &str, meta: Metadata) {
    let text = |name: &str| {
        Field::new(name, DataType::Utf8, true).with_metadata(HashMap::from([(
            "soql.type".to_string(),
            "text".to_string(),
        )]))
    };
    let schema = Arc::new(Schema::new(vec![text("county"), text("arrest_id")]));
    let column = |values: &[&str]| Arc::new(StringArray::from(values.to_vec())) as ArrayRef;
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![column(&["KINGS"]), column(&["K34711080"])],
    )
    .unwrap();
    let columns = ["county", "arrest_id"]
        .map(|name| NewColumn {
            field_name: name.to_string(),
            name: name.to_string(),
            ty: soql::SoqlType::Text,
        })
        .to_vec();
    let new = NewDataset {
        id: id.to_string(),
        title: format!("Dataset {id}"),
        department: department.to_string(),
        meta: Metadata {
            topic: Some("Public Safety".to_string()),
            ..meta
        },
        columns,
    };
    store
        .create_dataset(new, &schema, vec![batch], chrono::Utc::now())
        .await
        .unwrap();
}

async fn access(store: &Store, role: Role, departments: &[&str]) -> Access {
    let user = store
        .create_user(
            NewUser {
                email: format!("{role}-{}@example.org", departments.join("-")),
                name: String::new(),
                password_hash: None,
                role,
                departments: departments.iter().map(|d| d.to_string()).collect(),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    Access::of(Some(&user))
}

async fn found(store: &Store, access: &Access, q: Option<&str>) -> (Vec<String>, i64, i64) {
    let page = store
        .search(&CatalogQuery {
            q: q.map(String::from),
            limit: 100,
            access: access.clone(),
            ..CatalogQuery::default()
        })
        .await
        .unwrap();
    let ids = page.datasets.iter().map(|d| d.id.clone()).collect();
    let topic = page.topics.iter().map(|f| f.count).sum();
    (ids, page.total, topic)
}

#[tokio::test]
async fn datasets_are_found_and_counted_only_by_those_who_may_see_them() {
    let (store, _dir) = open().await;
    let meta = |visibility| Metadata {
        visibility: Some(visibility),
        ..Metadata::default()
    };
    publish(&store, "publ-0001", "Police", meta(Visibility::Public)).await;
    publish(&store, "intr-0001", "Police", meta(Visibility::Internal)).await;
    publish(&store, "priv-0001", "Police", meta(Visibility::Private)).await;

    let callers = [
        (Access::public(), vec!["publ-0001"]),
        (
            access(&store, Role::Registered, &[]).await,
            vec!["publ-0001"],
        ),
        (
            access(&store, Role::Clerk, &[]).await,
            vec!["intr-0001", "publ-0001"],
        ),
        (
            access(&store, Role::Steward, &["Parks"]).await,
            vec!["intr-0001", "publ-0001"],
        ),
        (
            access(&store, Role::Steward, &["Police"]).await,
            vec!["intr-0001", "priv-0001", "publ-0001"],
        ),
        (
            access(&store, Role::Admin, &[]).await,
            vec!["intr-0001", "priv-0001", "publ-0001"],
        ),
    ];
    for (access, expected) in callers {
        for q in [None, Some("dataset")] {
            let (mut ids, total, topic) = found(&store, &access, q).await;
            ids.sort();
            assert_eq!(ids, expected, "{access:?} {q:?}");
            assert_eq!(total, expected.len() as i64, "{access:?}");
            assert_eq!(topic, expected.len() as i64, "{access:?} facet");
        }
    }
}

#[tokio::test]
async fn a_restricted_column_is_searched_and_listed_only_for_those_who_see_it() {
    let (store, _dir) = open().await;
    publish(
        &store,
        "arst-0001",
        "Police",
        Metadata {
            restricted_columns: vec!["arrest_id".to_string()],
            ..Metadata::default()
        },
    )
    .await;
    publish(&store, "open-0001", "Parks", Metadata::default()).await;

    let public = Access::public();
    let police = access(&store, Role::Steward, &["Police"]).await;
    let parks = access(&store, Role::Steward, &["Parks"]).await;
    assert_eq!(
        found(&store, &public, Some("arrest")).await.0,
        ["open-0001"]
    );
    assert_eq!(found(&store, &parks, Some("arrest")).await.0, ["open-0001"]);
    let (mut ids, total, _) = found(&store, &police, Some("arrest")).await;
    ids.sort();
    assert_eq!(
        (ids, total),
        (vec!["arst-0001".into(), "open-0001".into()], 2)
    );

    let listed = |page: &store::CatalogPage| -> Vec<String> {
        page.datasets
            .iter()
            .find(|d| d.id == "arst-0001")
            .unwrap()
            .columns
            .iter()
            .map(|c| c.field_name.clone())
            .collect()
    };
    let search = |access: &Access| CatalogQuery {
        limit: 10,
        access: access.clone(),
        ..CatalogQuery::default()
    };
    let page = store.search(&search(&public)).await.unwrap();
    assert_eq!(listed(&page), ["county"]);
    let page = store.search(&search(&police)).await.unwrap();
    assert_eq!(listed(&page), ["county", "arrest_id"]);

    // Lifting the restriction makes the name searchable by everyone.
    store
        .set_column_restricted("arst-0001", "arrest_id", false)
        .await
        .unwrap();
    assert_eq!(found(&store, &public, Some("arrest")).await.1, 2);
    store
        .set_column_restricted("open-0001", "arrest_id", true)
        .await
        .unwrap();
    assert_eq!(
        found(&store, &public, Some("arrest")).await.0,
        ["arst-0001"]
    );
}

#[tokio::test]
async fn setting_access_on_what_does_not_exist_is_refused() {
    let (store, _dir) = open().await;
    publish(&store, "arst-0001", "Police", Metadata::default()).await;
    assert!(matches!(
        store.set_visibility("nope-0000", Visibility::Private).await,
        Err(StoreError::NoSuchDataset(_))
    ));
    assert!(matches!(
        store
            .set_column_restricted("arst-0001", "no_such", true)
            .await,
        Err(StoreError::NoSuchColumn { .. })
    ));
    store
        .set_visibility("arst-0001", Visibility::Internal)
        .await
        .unwrap();
    let dataset = store.dataset("arst-0001").await.unwrap().unwrap();
    assert_eq!(dataset.visibility, Visibility::Internal);

    let dir = tempfile::tempdir().unwrap();
    let other = Store::open(dir.path()).await.unwrap();
    let unknown = Metadata {
        restricted_columns: vec!["no_such".to_string()],
        ..Metadata::default()
    };
    let text = Field::new("county", DataType::Utf8, true);
    let schema = Schema::new(vec![text]);
    let new = NewDataset {
        id: "arst-0002".into(),
        title: "T".into(),
        department: "Police".into(),
        meta: unknown,
        columns: vec![NewColumn {
            field_name: "county".into(),
            name: "County".into(),
            ty: soql::SoqlType::Text,
        }],
    };
    let refused = other
        .create_dataset(new, &schema, Vec::new(), chrono::Utc::now())
        .await;
    assert!(matches!(refused, Err(StoreError::NoSuchColumn { .. })));
    assert!(other.dataset("arst-0002").await.unwrap().is_none());
}
