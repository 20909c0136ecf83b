//! HTTP tests against the router in process, on the bundled samples.

mod accounts;
mod functions;
mod geo;
mod limits;
mod pages;
mod robust;
mod roles;
mod soda;
mod support;
