//! The selection: stars expanded, each output column typed and named.
//!
//! Names are given in two passes, as Socrata does. First every explicit
//! alias (`AS name`) and every bare column (which keeps its field name);
//! two of these with one name are a duplicate alias. Then every other
//! expression gets its implicit name (see `alias`), numbered past any name
//! already given or belonging to a dataset column.

use std::collections::HashSet;

use super::expr::type_expr;
use super::scope::{Alias, Scope};
use crate::alias::{implicit_base, unique_name};
use crate::ast::{ExprKind, SelectItem, Span};
use crate::error::{ErrorCode, SoqlError};
use crate::typed::{Selected, TypedExpr, TypedKind};
use crate::types::{SYSTEM_FIELDS, Schema, SoqlType};

type Result<T> = std::result::Result<T, SoqlError>;

/// The checked selection and the aliases later clauses may use.
pub(crate) struct CheckedSelection {
    pub selected: Vec<Selected>,
    pub aliases: Vec<Alias>,
}

/// One output column while names are being given.
struct Output {
    expr: TypedExpr,
    name: Naming,
    /// Where the name was written, or the expression when it was not.
    name_span: Span,
}

enum Naming {
    Explicit(String),
    /// A bare column, named after itself.
    Column(String),
    /// To be named by the implicit rule from this base.
    Implicit(String),
}

pub(crate) fn check_selection(items: &[SelectItem], schema: &Schema) -> Result<CheckedSelection> {
    let mut outputs = Vec::new();
    if items.is_empty() {
        outputs.extend(user_columns(schema, Span::default()));
    }
    for item in items {
        outputs.extend(outputs_of(item, schema)?);
    }
    name_outputs(outputs, schema)
}

/// The output columns one selection item stands for.
fn outputs_of(item: &SelectItem, schema: &Schema) -> Result<Vec<Output>> {
    let span = item.expr.span;
    match &item.expr.kind {
        ExprKind::Star => return Ok(user_columns(schema, span).collect()),
        ExprKind::SystemStar => return Ok(system_columns(span).collect()),
        _ => {}
    }
    let expr = type_expr(&Scope::columns(schema), &item.expr)?;
    let (name, name_span) = match (&item.alias, &item.expr.kind) {
        (Some((alias, at)), _) => (Naming::Explicit(alias.clone()), *at),
        (None, ExprKind::Column(column)) => (Naming::Column(column.clone()), span),
        (None, _) => (Naming::Implicit(implicit_base(&item.expr)), span),
    };
    Ok(vec![Output {
        expr,
        name,
        name_span,
    }])
}

fn column_output(name: &str, ty: SoqlType, span: Span) -> Output {
    let kind = TypedKind::Column(name.to_string());
    let expr = TypedExpr { kind, ty, span };
    let name = Naming::Column(name.to_string());
    Output {
        expr,
        name,
        name_span: span,
    }
}

fn user_columns(schema: &Schema, span: Span) -> impl Iterator<Item = Output> + '_ {
    let columns = schema.columns.iter();
    columns.map(move |c| column_output(&c.field_name, c.ty, span))
}

fn system_columns(span: Span) -> impl Iterator<Item = Output> {
    let fields = SYSTEM_FIELDS.iter();
    fields.map(move |(name, ty)| column_output(name, *ty, span))
}

fn name_outputs(outputs: Vec<Output>, schema: &Schema) -> Result<CheckedSelection> {
    let taken = given_names(&outputs)?;
    let mut taken: HashSet<String> = taken.into_iter().collect();
    let mut selected = Vec::with_capacity(outputs.len());
    let mut aliases = Vec::new();
    for Output { expr, name, .. } in outputs {
        let (name, explicit) = match name {
            Naming::Column(name) => (name, None),
            Naming::Explicit(name) => (name, Some(true)),
            Naming::Implicit(base) => {
                let is_taken = |n: &str| taken.contains(n) || schema.lookup(n).is_some();
                let name = unique_name(&base, is_taken);
                taken.insert(name.clone());
                (name, Some(false))
            }
        };
        if let Some(explicit) = explicit {
            let (name, expr) = (name.clone(), expr.clone());
            aliases.push(Alias {
                name,
                expr,
                explicit,
            });
        }
        selected.push(Selected { name, expr });
    }
    Ok(CheckedSelection { selected, aliases })
}

/// The explicit aliases and bare column names, refusing any given twice.
fn given_names(outputs: &[Output]) -> Result<Vec<String>> {
    let mut given: Vec<String> = Vec::new();
    for output in outputs {
        let name = match &output.name {
            Naming::Explicit(name) | Naming::Column(name) => name,
            Naming::Implicit(_) => continue,
        };
        if given.contains(name) {
            return Err(duplicate(name, output.name_span));
        }
        given.push(name.clone());
    }
    Ok(given)
}

fn duplicate(name: &str, span: Span) -> SoqlError {
    let message = format!(
        "duplicate alias `{name}`: the selection already has an output column of that name; \
         rename one with AS"
    );
    SoqlError::new(ErrorCode::DuplicateAlias, message, span)
}
