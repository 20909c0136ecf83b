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
    /// Who may see the dataset; public when not given.
    pub visibility: Option<Visibility>,
    /// Columns holding personal data, by field name: only the stewards of
    /// the dataset's department and administrators see them.
    #[serde(default)]
    pub restricted_columns: Vec<String>,
}

/// Who may see a dataset at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone, signed in or not.
    #[default]
    Public,
    /// Staff: stewards, clerks and administrators.
    Internal,
    /// The stewards of its department, and administrators.
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Internal,
        Visibility::Private,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Internal => "internal",
            Visibility::Private => "private",
        }
    }

    pub fn parse(text: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

impl std::fmt::Display for Visibility {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// Personal data: absent for everyone but the stewards of the dataset's
    /// department and administrators (see [`crate::Access`]).
    pub restricted: bool,
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
    pub visibility: Visibility,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub row_count: i64,
    pub columns: Vec<Column>,
    /// The `:id`s of rows hidden while a report about them is dealt with,
    /// in order. In a caller's view ([`crate::Access::view`]) these are the
    /// rows left out for that caller: none for those who look after the
    /// dataset.
    pub hidden_rows: Vec<i64>,
}

impl Dataset {
    /// The schema queries are checked against: every column this value
    /// holds, so a dataset as a caller sees it ([`crate::Access::view`])
    /// yields only what that caller may name.
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
