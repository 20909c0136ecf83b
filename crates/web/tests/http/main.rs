//! HTTP tests against the router in process, on the bundled samples.

mod pages;
mod soda;
mod support;
