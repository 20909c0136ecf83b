//! The records crate's integration tests, one module per area.

mod calendar;
mod clock;
mod exemptions;
mod fees;
mod jurisdiction;
mod lifecycle;
