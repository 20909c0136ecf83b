//! Page tests.
