//! The catalog: publishing a dataset, reading it back, and searching.

use arrow_array::RecordBatch;
use arrow_schema::Schema;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::access::Access;
use crate::model::{Column, Dataset, NewDataset, Visibility};
use crate::{Result, Store, StoreError, files, ids};

/// A catalog search, as `/browse` and `/api/catalog/v1` ask it.
#[derive(Debug, Clone, Default)]
pub struct CatalogQuery {
    /// Words that must all appear in the title, description, tags or column names.
    pub q: Option<String>,
    pub topic: Option<String>,
    /// More topics, any of which may match (the Discovery API's repeated
    /// `categories`); `topic`, when set, is one of them.
    pub any_topics: Vec<String>,
    pub department: Option<String>,
    pub attribution: Option<String>,
    pub tags: Vec<String>,
    pub ids: Vec<String>,
    pub order: CatalogOrder,
    pub limit: i64,
    pub offset: i64,
    /// Who is searching: only datasets they may see are found and counted,
    /// and restricted column names match only where they see them.
    pub access: Access,
}

/// How catalog results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CatalogOrder {
    /// Best match first when searching, newest first otherwise.
    #[default]
    Relevance,
    Name {
        descending: bool,
    },
    Updated {
        descending: bool,
    },
    Created {
        descending: bool,
    },
}

impl CatalogOrder {
    /// The Discovery API's `order`: `relevance`, `name`, `updatedAt`,
    /// `createdAt`, each optionally followed by ` ASC` or ` DESC`.
    pub fn parse(text: &str) -> Option<CatalogOrder> {
        let mut words = text.split_whitespace();
        let key = words.next()?.to_ascii_lowercase();
        let direction = words.next().map(str::to_ascii_lowercase);
        if words.next().is_some() {
            return None;
        }
        let descending = match direction.as_deref() {
            None => None,
            Some("asc") => Some(false),
            Some("desc") => Some(true),
            Some(_) => return None,
        };
        Some(match key.as_str() {
            "relevance" => CatalogOrder::Relevance,
            "name" => CatalogOrder::Name {
                descending: descending.unwrap_or(false),
            },
            "updatedat" | "updated_at" | "data_updated_at" => CatalogOrder::Updated {
                descending: descending.unwrap_or(true),
            },
            "createdat" | "created_at" => CatalogOrder::Created {
                descending: descending.unwrap_or(true),
            },
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            CatalogOrder::Relevance => " ORDER BY d.updated_at DESC, d.title",
            CatalogOrder::Name { descending: false } => " ORDER BY lower(d.title), d.id",
            CatalogOrder::Name { descending: true } => " ORDER BY lower(d.title) DESC, d.id",
            CatalogOrder::Updated { descending: false } => " ORDER BY d.updated_at, d.title",
            CatalogOrder::Updated { descending: true } => " ORDER BY d.updated_at DESC, d.title",
            CatalogOrder::Created { descending: false } => " ORDER BY d.created_at, d.title",
            CatalogOrder::Created { descending: true } => " ORDER BY d.created_at DESC, d.title",
        }
    }
}

/// A value of a facet and how many datasets have it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Facet {
    pub value: String,
    pub count: i64,
}

#[derive(Debug, Clone)]
pub struct CatalogPage {
    pub datasets: Vec<Dataset>,
    /// How many datasets match in all, over every page.
    pub total: i64,
    pub topics: Vec<Facet>,
    pub departments: Vec<Facet>,
}

impl Store {
    /// Publishes a new dataset as version 1. Nothing is left behind on failure.
    pub async fn create_dataset(
        &self,
        new: NewDataset,
        user_schema: &Schema,
        batches: Vec<RecordBatch>,
        now: DateTime<Utc>,
    ) -> Result<Dataset> {
        if !ids::is_dataset_id(&new.id) {
            return Err(StoreError::BadId(new.id));
        }
        if self.dataset(&new.id).await?.is_some() {
            return Err(StoreError::AlreadyExists(new.id));
        }
        let unknown = new
            .meta
            .restricted_columns
            .iter()
            .find(|r| !new.columns.iter().any(|c| &c.field_name == *r));
        if let Some(column) = unknown {
            return Err(StoreError::NoSuchColumn {
                dataset: new.id,
                column: column.clone(),
            });
        }
        let path = self.version_path(&new.id, 1);
        let (write_path, schema) = (path.clone(), user_schema.clone());
        let now_ms = now.timestamp_millis();
        let rows = tokio::task::spawn_blocking(move || {
            files::write_first_version(&write_path, &schema, &batches, now_ms)
        })
        .await
        .map_err(|e| StoreError::Parquet(e.to_string()))??;

        if let Err(e) = self.insert_dataset(&new, rows as i64, now).await {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_dir(path.parent().expect("version folder"));
            return Err(match e {
                StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                    StoreError::AlreadyExists(new.id)
                }
                other => other,
            });
        }
        self.dataset(&new.id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("dataset {} vanished", new.id)))
    }

    async fn insert_dataset(&self, new: &NewDataset, rows: i64, now: DateTime<Utc>) -> Result<()> {
        let m = &new.meta;
        let tags = serde_json::to_string(&m.tags).expect("tags serialise");
        let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO datasets (id, title, description, department, steward_name,
                steward_email, topic, tags, license, update_frequency, usage_notes, source,
                attribution, visibility, created_at, updated_at, current_version, row_count)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        )
        .bind(&new.id)
        .bind(&new.title)
        .bind(m.description.clone().unwrap_or_default())
        .bind(&new.department)
        .bind(&m.steward_name)
        .bind(&m.steward_email)
        .bind(&m.topic)
        .bind(&tags)
        .bind(&m.license)
        .bind(&m.update_frequency)
        .bind(&m.usage_notes)
        .bind(&m.source)
        .bind(&m.attribution)
        .bind(m.visibility.unwrap_or_default().as_str())
        .bind(&stamp)
        .bind(&stamp)
        .bind(rows)
        .execute(&mut *tx)
        .await?;
        for (position, c) in new.columns.iter().enumerate() {
            let description = m
                .column_descriptions
                .get(&c.field_name)
                .cloned()
                .unwrap_or_default();
            let restricted = m.restricted_columns.contains(&c.field_name);
            sqlx::query(
                "INSERT INTO columns (dataset_id, position, field_name, name, type, description,
                    restricted)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&new.id)
            .bind(position as i64)
            .bind(&c.field_name)
            .bind(&c.name)
            .bind(c.ty.as_str())
            .bind(description)
            .bind(restricted)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO versions (dataset_id, version, created_at, row_count, file)
             VALUES (?, 1, ?, ?, ?)",
        )
        .bind(&new.id)
        .bind(&stamp)
        .bind(rows)
        .bind("v1.parquet")
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO catalog_search (id, title, description, tags, columns, restricted_columns)
             VALUES (?, ?, ?, ?, '', '')",
        )
        .bind(&new.id)
        .bind(&new.title)
        .bind(m.description.clone().unwrap_or_default())
        .bind(m.tags.join(" "))
        .execute(&mut *tx)
        .await?;
        index_columns(&mut tx, &new.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets who may see a dataset.
    pub async fn set_visibility(&self, id: &str, visibility: Visibility) -> Result<()> {
        let done = sqlx::query("UPDATE datasets SET visibility = ? WHERE id = ?")
            .bind(visibility.as_str())
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchDataset(id.to_string()));
        }
        Ok(())
    }

    /// Restricts a column to the stewards of its department and
    /// administrators, or lifts that restriction.
    pub async fn set_column_restricted(
        &self,
        id: &str,
        field_name: &str,
        restricted: bool,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE columns SET restricted = ? WHERE dataset_id = ? AND field_name = ?",
        )
        .bind(restricted)
        .bind(id)
        .bind(field_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchColumn {
                dataset: id.to_string(),
                column: field_name.to_string(),
            });
        }
        index_columns(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A dataset by id with its columns, or `None`.
    pub async fn dataset(&self, id: &str) -> Result<Option<Dataset>> {
        let row = sqlx::query("SELECT * FROM datasets WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut dataset = dataset_from_row(&row)?;
        dataset.columns = self.columns(id).await?;
        dataset.hidden_rows = self.hidden_rows(id).await?;
        Ok(Some(dataset))
    }

    async fn columns(&self, id: &str) -> Result<Vec<Column>> {
        let rows = sqlx::query(
            "SELECT position, field_name, name, type, description, restricted FROM columns
             WHERE dataset_id = ? ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let ty: String = r.get("type");
                Ok(Column {
                    position: r.get("position"),
                    field_name: r.get("field_name"),
                    name: r.get("name"),
                    ty: ty.parse().map_err(|e: soql::types::UnknownType| {
                        StoreError::Corrupt(e.to_string())
                    })?,
                    description: r.get("description"),
                    restricted: r.get("restricted"),
                })
            })
            .collect()
    }

    /// Datasets matching a catalog search, a page of them, with facet counts.
    pub async fn search(&self, query: &CatalogQuery) -> Result<CatalogPage> {
        let total: i64 = {
            let mut qb = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM datasets d");
            filtered(&mut qb, query, Filters::ALL);
            qb.build_query_scalar().fetch_one(&self.pool).await?
        };

        let mut qb = QueryBuilder::<Sqlite>::new("SELECT d.* FROM datasets d");
        filtered(&mut qb, query, Filters::ALL);
        match search_match(query) {
            Some(m) if query.order == CatalogOrder::Relevance => {
                // Rank by the columns everyone may search first, so a
                // restricted name never moves a dataset up for anyone.
                let rank = "(SELECT bm25(catalog_search) FROM catalog_search \
                            WHERE catalog_search MATCH ";
                qb.push(" ORDER BY coalesce(").push(rank);
                qb.push_bind(open_match(&m));
                qb.push(" AND catalog_search.id = d.id), ").push(rank);
                qb.push_bind(m);
                qb.push(" AND catalog_search.id = d.id)), d.title");
            }
            _ => {
                qb.push(query.order.sql());
            }
        }
        qb.push(" LIMIT ").push_bind(query.limit.max(0));
        qb.push(" OFFSET ").push_bind(query.offset.max(0));
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut datasets = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut d = dataset_from_row(row)?;
            d.columns = self.columns(&d.id).await?;
            d.hidden_rows = self.hidden_rows(&d.id).await?;
            datasets.extend(query.access.view(&d));
        }

        let topics = self
            .facet(
                query,
                "topic",
                Filters {
                    topic: false,
                    ..Filters::ALL
                },
            )
            .await?;
        let departments = self
            .facet(
                query,
                "department",
                Filters {
                    department: false,
                    ..Filters::ALL
                },
            )
            .await?;
        Ok(CatalogPage {
            datasets,
            total,
            topics,
            departments,
        })
    }

    async fn facet(
        &self,
        query: &CatalogQuery,
        column: &str,
        filters: Filters,
    ) -> Result<Vec<Facet>> {
        let mut qb = QueryBuilder::<Sqlite>::new(format!(
            "SELECT d.{column} AS value, count(*) AS n FROM datasets d"
        ));
        let joined = if filtered(&mut qb, query, filters) {
            "AND"
        } else {
            "WHERE"
        };
        qb.push(format!(
            " {joined} d.{column} IS NOT NULL AND d.{column} != '' GROUP BY d.{column} ORDER BY n DESC, value"
        ));
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| Facet {
                value: r.get("value"),
                count: r.get("n"),
            })
            .collect())
    }
}

/// Which of the query's filters apply (a facet ignores its own).
#[derive(Debug, Clone, Copy)]
struct Filters {
    topic: bool,
    department: bool,
}

impl Filters {
    const ALL: Filters = Filters {
        topic: true,
        department: true,
    };
}

/// Adds the query's conditions as a WHERE clause; says whether there were any.
fn filtered(qb: &mut QueryBuilder<Sqlite>, query: &CatalogQuery, filters: Filters) -> bool {
    let mut first = true;
    let mut and = |qb: &mut QueryBuilder<Sqlite>| {
        qb.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    if !query.access.sees_every_dataset() {
        and(qb);
        query.access.push_visible(qb);
    }
    if let Some(m) = search_match(query) {
        and(qb);
        qb.push("(d.id IN (SELECT id FROM catalog_search WHERE catalog_search MATCH ");
        qb.push_bind(open_match(&m));
        qb.push(") OR (");
        query.access.push_sees_restricted(qb);
        qb.push(" AND d.id IN (SELECT id FROM catalog_search WHERE catalog_search MATCH ");
        qb.push_bind(m);
        qb.push(")))");
    }
    let topics: Vec<&String> = query.topic.iter().chain(&query.any_topics).collect();
    if filters.topic && !topics.is_empty() {
        and(qb);
        qb.push("lower(d.topic) IN (");
        let mut list = qb.separated(", ");
        for topic in topics {
            list.push("lower(")
                .push_bind_unseparated(topic.clone())
                .push_unseparated(")");
        }
        qb.push(")");
    }
    if let Some(attribution) = &query.attribution {
        and(qb);
        qb.push("lower(d.attribution) = lower(")
            .push_bind(attribution.clone())
            .push(")");
    }
    if let (true, Some(department)) = (filters.department, &query.department) {
        and(qb);
        qb.push("lower(d.department) = lower(")
            .push_bind(department.clone())
            .push(")");
    }
    for tag in &query.tags {
        and(qb);
        qb.push("EXISTS (SELECT 1 FROM json_each(d.tags) WHERE lower(value) = lower(");
        qb.push_bind(tag.clone());
        qb.push("))");
    }
    if !query.ids.is_empty() {
        and(qb);
        qb.push("d.id IN (");
        let mut list = qb.separated(", ");
        for id in &query.ids {
            list.push_bind(id.clone());
        }
        qb.push(")");
    }
    !first
}

/// The words of `q` as an FTS5 query: every word, each as a prefix.
fn search_match(query: &CatalogQuery) -> Option<String> {
    let words: Vec<String> = query
        .q
        .as_deref()
        .unwrap_or("")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// A search limited to what everyone may search: restricted column names
/// left out.
fn open_match(m: &str) -> String {
    format!("{{title description tags columns}} : ({m})")
}

/// Writes a dataset's column names into its search row: restricted ones
/// apart, where only those who see them search.
async fn index_columns(conn: &mut SqliteConnection, id: &str) -> Result<()> {
    let names = "coalesce((SELECT group_concat(field_name || ' ' || name, ' ') FROM columns \
                 WHERE dataset_id = ? AND restricted = ?), '')";
    sqlx::query(&format!(
        "UPDATE catalog_search SET columns = {names}, restricted_columns = {names} WHERE id = ?"
    ))
    .bind(id)
    .bind(false)
    .bind(id)
    .bind(true)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

fn dataset_from_row(row: &SqliteRow) -> Result<Dataset> {
    let stamp = |name: &str| -> Result<DateTime<Utc>> {
        let text: String = row.get(name);
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| StoreError::Corrupt(format!("{name} `{text}`: {e}")))
    };
    let tags: String = row.get("tags");
    let visibility: String = row.get("visibility");
    Ok(Dataset {
        id: row.get("id"),
        title: row.get("title"),
        description: row.get("description"),
        department: row.get("department"),
        steward_name: row.get("steward_name"),
        steward_email: row.get("steward_email"),
        topic: row.get("topic"),
        tags: serde_json::from_str(&tags).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        license: row.get("license"),
        update_frequency: row.get("update_frequency"),
        usage_notes: row.get("usage_notes"),
        source: row.get("source"),
        attribution: row.get("attribution"),
        visibility: Visibility::parse(&visibility)
            .ok_or_else(|| StoreError::Corrupt(format!("visibility `{visibility}`")))?,
        created_at: stamp("created_at")?,
        updated_at: stamp("updated_at")?,
        version: row.get("current_version"),
        row_count: row.get("row_count"),
        columns: Vec::new(),
        hidden_rows: Vec::new(),
    })
}
