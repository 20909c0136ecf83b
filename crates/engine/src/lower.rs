//! Logical expressions to physical ones over one input schema, coerced and
//! simplified as DataFusion's analyzer and logical optimizer would.

use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::DFSchema;
use datafusion::execution::SessionState;
use datafusion::logical_expr::Expr;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::simplify::SimplifyContext;
use datafusion::optimizer::simplify_expressions::ExprSimplifier;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{PhysicalExpr, create_physical_expr};
use soql::{TypedExpr, TypedKind};

use crate::Result;
use crate::expr::Translator;

pub struct Lower<'a> {
    state: &'a SessionState,
    pub schema: SchemaRef,
    pub df_schema: Arc<DFSchema>,
    simplifier: ExprSimplifier,
}

impl<'a> Lower<'a> {
    pub fn new(state: &'a SessionState, df_schema: Arc<DFSchema>) -> Lower<'a> {
        let simplifier = ExprSimplifier::new(
            SimplifyContext::builder()
                .with_schema(Arc::clone(&df_schema))
                .with_config_options(Arc::clone(state.config_options()))
                .build(),
        );
        Lower {
            state,
            schema: Arc::clone(df_schema.inner()),
            df_schema,
            simplifier,
        }
    }

    /// Coerced and simplified: some functions (`coalesce`, `nvl`) only run
    /// once simplified into others.
    pub fn prepare(&self, e: Expr) -> Result<Expr> {
        Ok(self
            .simplifier
            .simplify(self.simplifier.coerce(e, &self.df_schema)?)?)
    }

    pub fn expr(&self, e: Expr) -> Result<Arc<dyn PhysicalExpr>> {
        Ok(create_physical_expr(
            &self.prepare(e)?,
            &self.df_schema,
            self.state.execution_props(),
            &PhysicalPlanningContext::default(),
        )?)
    }

    /// A typed expression through `t`; a plain column needs neither
    /// coercion nor simplification.
    pub fn typed(&self, t: &Translator, e: &TypedExpr) -> Result<Arc<dyn PhysicalExpr>> {
        if let TypedKind::Column(name) = &e.kind
            && t.computed.is_empty()
        {
            return Ok(Arc::new(Column::new_with_schema(name, &self.schema)?));
        }
        self.expr(t.expr(e)?)
    }
}
