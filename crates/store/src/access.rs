//! Who may see what of the catalog: the one rule behind every read.
//!
//! A dataset is public (everyone), internal (staff: stewards, clerks and
//! administrators) or private (the stewards of its department, and
//! administrators). A restricted column holds personal data: the stewards of
//! its dataset's department and administrators see it, and for everyone else
//! it does not exist. A dataset someone may not see does not exist for them
//! either, so nothing tells them apart from a mistyped id.
//!
//! The catalog search asks the same questions in SQL ([`Access::push_visible`]
//! and the search's column filter); both are written here so they are read
//! side by side.

use sqlx::{QueryBuilder, Sqlite};

use crate::model::{Dataset, Visibility};
use crate::{Role, User};

/// What one caller may see. The default is the anonymous public's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// Stewards, clerks and administrators.
    staff: bool,
    admin: bool,
    /// The departments whose datasets the caller looks after.
    departments: Vec<String>,
}

impl Access {
    /// The anonymous public's: public datasets, unrestricted columns.
    pub fn public() -> Access {
        Access::default()
    }

    /// What a signed-in account (or none) may see. A disabled account sees
    /// what the public sees.
    pub fn of(user: Option<&User>) -> Access {
        let Some(user) = user.filter(|u| !u.disabled) else {
            return Access::public();
        };
        Access {
            staff: user.role.is_staff(),
            admin: user.role == Role::Admin,
            departments: if user.role == Role::Steward {
                user.departments.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// Whether the dataset exists for this caller.
    pub fn may_see(&self, dataset: &Dataset) -> bool {
        match dataset.visibility {
            Visibility::Public => true,
            Visibility::Internal => self.staff,
            Visibility::Private => self.stewards(&dataset.department),
        }
    }

    /// Whether this caller sees the dataset's restricted columns.
    pub fn sees_restricted(&self, dataset: &Dataset) -> bool {
        self.stewards(&dataset.department)
    }

    fn stewards(&self, department: &str) -> bool {
        self.admin || self.departments.iter().any(|d| d == department)
    }

    /// The dataset as this caller sees it: `None` when it does not exist
    /// for them, else without the columns they may not see. Positions are
    /// counted again over the columns left, so no gap hints at one removed.
    /// Hidden rows stay in `hidden_rows` for those who do not look after
    /// the dataset, and are not counted; for those who do, nothing is
    /// hidden.
    pub fn view(&self, dataset: &Dataset) -> Option<Dataset> {
        if !self.may_see(dataset) {
            return None;
        }
        let mut seen = dataset.clone();
        if self.sees_restricted(dataset) {
            seen.hidden_rows.clear();
        } else {
            seen.columns.retain(|c| !c.restricted);
            for (position, column) in seen.columns.iter_mut().enumerate() {
                column.position = position as i64;
            }
            seen.row_count = (seen.row_count - seen.hidden_rows.len() as i64).max(0);
        }
        Some(seen)
    }

    /// Administrators see every dataset.
    pub(crate) fn sees_every_dataset(&self) -> bool {
        self.admin
    }

    /// Adds a condition on `d` (the `datasets` table) that holds for the
    /// datasets this caller may see.
    pub(crate) fn push_visible(&self, qb: &mut QueryBuilder<Sqlite>) {
        qb.push("(d.visibility = 'public'");
        if self.staff {
            qb.push(" OR d.visibility = 'internal'");
        }
        if !self.departments.is_empty() {
            qb.push(" OR ");
            self.push_stewarded(qb);
        }
        qb.push(")");
    }

    /// Adds a condition on `d` that holds for the datasets whose restricted
    /// columns this caller sees.
    pub(crate) fn push_sees_restricted(&self, qb: &mut QueryBuilder<Sqlite>) {
        if self.admin {
            qb.push("1");
        } else if self.departments.is_empty() {
            qb.push("0");
        } else {
            self.push_stewarded(qb);
        }
    }

    fn push_stewarded(&self, qb: &mut QueryBuilder<Sqlite>) {
        qb.push("d.department IN (");
        let mut list = qb.separated(", ");
        for department in &self.departments {
            list.push_bind(department.clone());
        }
        qb.push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Column;

    fn dataset(visibility: Visibility) -> Dataset {
        let column = |position: i64, name: &str, restricted: bool| Column {
            position,
            field_name: name.to_string(),
            name: name.to_string(),
            ty: soql::SoqlType::Text,
            description: String::new(),
            restricted,
        };
        Dataset {
            id: "abcd-1234".into(),
            title: "Arrests".into(),
            description: String::new(),
            department: "Police".into(),
            steward_name: None,
            steward_email: None,
            topic: None,
            tags: Vec::new(),
            license: None,
            update_frequency: None,
            usage_notes: None,
            source: None,
            attribution: None,
            visibility,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 1,
            row_count: 3,
            hidden_rows: vec![2],
            columns: vec![
                column(0, "county", false),
                column(1, "arrest_id", true),
                column(2, "offense", false),
            ],
        }
    }

    fn user(role: Role, departments: &[&str]) -> User {
        User {
            id: 1,
            email: "a@example.org".into(),
            name: String::new(),
            role,
            departments: departments.iter().map(|d| d.to_string()).collect(),
            created_at: chrono::Utc::now(),
            disabled: false,
            must_change_password: false,
        }
    }

    #[test]
    fn each_kind_of_caller_sees_what_the_rule_says() {
        let police = user(Role::Steward, &["Police"]);
        let parks = user(Role::Steward, &["Parks"]);
        let clerk = user(Role::Clerk, &["Police"]);
        let admin = user(Role::Admin, &[]);
        let registered = user(Role::Registered, &["Police"]);
        let callers = [
            (None, [true, false, false], false),
            (Some(&registered), [true, false, false], false),
            (Some(&clerk), [true, true, false], false),
            (Some(&parks), [true, true, false], false),
            (Some(&police), [true, true, true], true),
            (Some(&admin), [true, true, true], true),
        ];
        for (who, sees, restricted) in callers {
            let access = Access::of(who);
            for (visibility, expected) in Visibility::ALL.into_iter().zip(sees) {
                let d = dataset(visibility);
                assert_eq!(access.may_see(&d), expected, "{who:?} {visibility}");
                assert_eq!(access.view(&d).is_some(), expected);
            }
            assert_eq!(
                access.sees_restricted(&dataset(Visibility::Public)),
                restricted
            );
        }
    }

    #[test]
    fn a_view_without_restricted_columns_has_no_gaps() {
        let seen = Access::public().view(&dataset(Visibility::Public)).unwrap();
        let columns: Vec<(i64, &str)> = seen
            .columns
            .iter()
            .map(|c| (c.position, c.field_name.as_str()))
            .collect();
        assert_eq!(columns, [(0, "county"), (1, "offense")]);
        assert!(seen.schema().lookup("arrest_id").is_none());
    }

    #[test]
    fn hidden_rows_are_left_out_and_uncounted_except_for_those_who_look_after_them() {
        let public = Access::public().view(&dataset(Visibility::Public)).unwrap();
        assert_eq!(
            (public.hidden_rows.as_slice(), public.row_count),
            (&[2][..], 2)
        );
        let steward = user(Role::Steward, &["Police"]);
        let theirs = Access::of(Some(&steward))
            .view(&dataset(Visibility::Public))
            .unwrap();
        assert_eq!((theirs.hidden_rows.len(), theirs.row_count), (0, 3));
    }

    #[test]
    fn a_disabled_account_sees_what_the_public_sees() {
        let mut admin = user(Role::Admin, &[]);
        admin.disabled = true;
        assert_eq!(Access::of(Some(&admin)), Access::public());
    }
}
