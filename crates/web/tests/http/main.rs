//! HTTP tests against the router in process, on the bundled samples.

mod functions;
mod geo;
mod pages;
mod robust;
mod soda;
mod support;
