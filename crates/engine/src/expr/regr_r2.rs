//! `regr_r2(y, x)` as Postgres (and so Socrata) answers it. DataFusion's own
//! `regr_r2` is null when every `y` is the same; Postgres says 1 there, since
//! a flat line fits such points perfectly. Both are null when every `x` is
//! the same or fewer than two pairs have no null.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type, UInt64Type};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility,
};

/// The call `regr_r2(y, x)` over two Float64 expressions.
pub fn regr_r2(y: Expr, x: Expr) -> Expr {
    static UDAF: LazyLock<Arc<AggregateUDF>> =
        LazyLock::new(|| Arc::new(AggregateUDF::new_from_impl(RegrR2::new())));
    UDAF.call(vec![y, x])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct RegrR2 {
    signature: Signature,
}

impl RegrR2 {
    fn new() -> Self {
        let floats = vec![DataType::Float64, DataType::Float64];
        let signature = Signature::exact(floats, Volatility::Immutable);
        RegrR2 { signature }
    }
}

/// The names of the partial state, in the order of `Fit::state`.
const STATE: [&str; 6] = ["count", "mean_x", "mean_y", "sxx", "syy", "sxy"];

impl AggregateUDFImpl for RegrR2 {
    fn name(&self) -> &str {
        "regr_r2"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::<Fit>::default())
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let field = |name: &str| {
            let ty = match name {
                "count" => DataType::UInt64,
                _ => DataType::Float64,
            };
            Arc::new(Field::new(format_state_name(args.name, name), ty, true))
        };
        Ok(STATE.iter().map(|name| field(name)).collect())
    }
}

/// Running means and sums of squared deviations (Welford's method), which
/// stay accurate where the textbook sums of squares cancel.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Fit {
    count: u64,
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Fit {
    fn add(&mut self, y: f64, x: f64) {
        self.count += 1;
        let n = self.count as f64;
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        self.mean_x += dx / n;
        self.mean_y += dy / n;
        self.sxx += dx * (x - self.mean_x);
        self.syy += dy * (y - self.mean_y);
        self.sxy += dx * (y - self.mean_y);
    }

    /// Combines two partial fits (Chan et al.'s pairwise update).
    fn merge(&mut self, other: Fit) {
        if other.count == 0 {
            return;
        }
        let (a, b) = (self.count as f64, other.count as f64);
        let n = a + b;
        let dx = other.mean_x - self.mean_x;
        let dy = other.mean_y - self.mean_y;
        self.count += other.count;
        self.mean_x += dx * b / n;
        self.mean_y += dy * b / n;
        self.sxx += other.sxx + dx * dx * a * b / n;
        self.syy += other.syy + dy * dy * a * b / n;
        self.sxy += other.sxy + dx * dy * a * b / n;
    }

    fn r2(&self) -> Option<f64> {
        if self.count < 2 || self.sxx == 0.0 {
            return None;
        }
        if self.syy == 0.0 {
            return Some(1.0);
        }
        Some(self.sxy * self.sxy / (self.sxx * self.syy))
    }
}

impl Accumulator for Fit {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [y, x] = values else {
            return exec_err!("regr_r2 takes 2 arguments, found {}", values.len());
        };
        let (y, x) = (
            y.as_primitive::<Float64Type>(),
            x.as_primitive::<Float64Type>(),
        );
        for (y, x) in y.iter().zip(x.iter()) {
            if let (Some(y), Some(x)) = (y, x) {
                self.add(y, x);
            }
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(self.r2()))
    }

    fn size(&self) -> usize {
        size_of_val(self)
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let float = |v: f64| ScalarValue::Float64(Some(v));
        Ok(vec![
            ScalarValue::UInt64(Some(self.count)),
            float(self.mean_x),
            float(self.mean_y),
            float(self.sxx),
            float(self.syy),
            float(self.sxy),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        if states.len() != STATE.len() {
            return exec_err!(
                "regr_r2 has {} partial states, found {}",
                STATE.len(),
                states.len()
            );
        }
        let count = states[0].as_primitive::<UInt64Type>();
        let floats: Vec<_> = states[1..]
            .iter()
            .map(|s| s.as_primitive::<Float64Type>())
            .collect();
        for row in 0..count.len() {
            if count.is_null(row) {
                continue;
            }
            let value = |i: usize| floats[i].value(row);
            self.merge(Fit {
                count: count.value(row),
                mean_x: value(0),
                mean_y: value(1),
                sxx: value(2),
                syy: value(3),
                sxy: value(4),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(points: &[(f64, f64)]) -> Fit {
        let mut fit = Fit::default();
        points.iter().for_each(|&(y, x)| fit.add(y, x));
        fit
    }

    #[test]
    fn r2_follows_postgres_at_the_edges() {
        assert_eq!(fit(&[]).r2(), None);
        assert_eq!(fit(&[(1.0, 2.0)]).r2(), None);
        assert_eq!(fit(&[(1.0, 2.0), (3.0, 2.0)]).r2(), None, "x never varies");
        assert_eq!(
            fit(&[(5.0, 1.0), (5.0, 2.0)]).r2(),
            Some(1.0),
            "y never varies"
        );
        assert_eq!(fit(&[(3.0, 1.0), (5.0, 2.0), (7.0, 3.0)]).r2(), Some(1.0));
    }

    #[test]
    fn r2_matches_the_textbook_formula_and_merges_in_any_split() {
        let points: Vec<(f64, f64)> = (0..40)
            .map(|i| {
                let x = f64::from(i) * 0.75;
                (2.0 * x + f64::from(i % 7) - 3.0, x)
            })
            .collect();
        let n = points.len() as f64;
        let (sum_y, sum_x) = points
            .iter()
            .fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
        let (mean_y, mean_x) = (sum_y / n, sum_x / n);
        let s = |f: &dyn Fn(&(f64, f64)) -> f64| points.iter().map(f).sum::<f64>();
        let sxx = s(&|p| (p.1 - mean_x).powi(2));
        let syy = s(&|p| (p.0 - mean_y).powi(2));
        let sxy = s(&|p| (p.1 - mean_x) * (p.0 - mean_y));
        let expected = sxy * sxy / (sxx * syy);

        let whole = fit(&points).r2().unwrap();
        assert!((whole - expected).abs() < 1e-12, "{whole} vs {expected}");
        for split in [0, 1, 13, 39, 40] {
            let mut left = fit(&points[..split]);
            left.merge(fit(&points[split..]));
            let merged = left.r2().unwrap();
            assert!((merged - expected).abs() < 1e-12, "split at {split}");
        }
    }
}
