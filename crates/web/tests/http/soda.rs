//! SODA tests.
