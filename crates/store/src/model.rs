//! What the catalog knows about a dataset.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use soql::SoqlType;

/// Metadata a steward writes: every field optional, so a `--meta` file
/// names only what it sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub title: Option<String>,
    pub description: Option<String>,
    pub department: Option<String>,
    pub steward_name: Option<String>,
    pub steward_email: Option<String>,
    pub topic: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub license: Option<String>,
    pub update_frequency: Option<String>,
    pub usage_notes: Option<String>,
    pub source: Option<String>,
    pub attribution: Option<String>,
    /// Column descriptions by field name.
    #[serde(default)]
    pub column_descriptions: std::collections::BTreeMap<String, String>,
}

/// A column as a new dataset declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewColumn {
    pub field_name: String,
    /// The display name (the file's header).
    pub name: String,
    pub ty: SoqlType,
}

#[derive(Debug, Clone)]
pub struct NewDataset {
    pub id: String,
    pub title: String,
    pub department: String,
    pub meta: Metadata,
    pub columns: Vec<NewColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub position: i64,
    pub field_name: String,
    pub name: String,
    #[serde(serialize_with = "type_name")]
    pub ty: SoqlType,
    pub description: String,
}

fn type_name<S: serde::Serializer>(ty: &SoqlType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(ty.as_str())
}

/// A published dataset and its current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dataset {
    pub id: String,
    pub title: String,
    pub description: String,
    pub department: String,
    pub steward_name: Option<String>,
    pub steward_email: Option<String>,
    pub topic: Option<String>,
    pub tags: Vec<String>,
    pub license: Option<String>,
    pub update_frequency: Option<String>,
    pub usage_notes: Option<String>,
    pub source: Option<String>,
    pub attribution: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub row_count: i64,
    pub columns: Vec<Column>,
}

impl Dataset {
    /// The schema queries are checked against.
    pub fn schema(&self) -> soql::Schema {
        soql::Schema::new(
            self.columns
                .iter()
                .map(|c| soql::ColumnDef {
                    field_name: c.field_name.clone(),
                    ty: c.ty,
                })
                .collect(),
        )
    }

    pub fn column(&self, field_name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.field_name == field_name)
    }
}
