//! What a name in a clause refers to: a dataset column or a selection alias.

use crate::ast::Span;
use crate::error::{ErrorCode, SoqlError};
use crate::suggest;
use crate::typed::{TypedExpr, TypedKind};
use crate::types::{SYSTEM_FIELDS, Schema};

/// A named output column that `$group`, `$having` and `$order` may refer to.
#[derive(Debug, Clone)]
pub(crate) struct Alias {
    pub name: String,
    pub expr: TypedExpr,
    /// Written with `AS`; otherwise made up by the implicit alias rule.
    pub explicit: bool,
}

/// The names visible in one clause.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    schema: &'a Schema,
    aliases: &'a [Alias],
}

impl<'a> Scope<'a> {
    /// Columns only, as in `$select` and `$where`.
    pub fn columns(schema: &'a Schema) -> Self {
        Scope {
            schema,
            aliases: &[],
        }
    }

    /// Columns and the selection's aliases, as in `$group`, `$having`, `$order`.
    pub fn with_aliases(schema: &'a Schema, aliases: &'a [Alias]) -> Self {
        Scope { schema, aliases }
    }

    /// An explicit alias wins over a column of the same name. Implicit names
    /// are numbered past every column's, so they never shadow one.
    pub fn resolve(&self, name: &str, span: Span) -> Result<TypedExpr, SoqlError> {
        if let Some(alias) = self.alias(name, true, span) {
            return Ok(alias);
        }
        if let Some(ty) = self.schema.lookup(name) {
            let kind = TypedKind::Column(name.to_string());
            return Ok(TypedExpr { kind, ty, span });
        }
        self.alias(name, false, span)
            .ok_or_else(|| self.no_such_column(name, span))
    }

    /// The aliased expression, its outer span moved to where the alias was
    /// written so that errors about it point into this clause.
    fn alias(&self, name: &str, explicit: bool, span: Span) -> Option<TypedExpr> {
        let alias = self
            .aliases
            .iter()
            .find(|a| a.explicit == explicit && a.name == name)?;
        Some(TypedExpr {
            span,
            ..alias.expr.clone()
        })
    }

    fn no_such_column(&self, name: &str, span: Span) -> SoqlError {
        let user = self.schema.columns.iter().map(|c| c.field_name.as_str());
        let system = SYSTEM_FIELDS.iter().map(|(n, _)| *n);
        let aliases = self.aliases.iter().map(|a| a.name.as_str());
        let hint = suggest::hint(name, user.chain(system).chain(aliases));
        let message = format!("no such column: `{name}`{hint}");
        SoqlError::new(ErrorCode::NoSuchColumn, message, span)
    }
}
