//! HTTP tests against the router in process, on the bundled samples.

mod access;
mod accounts;
mod admin;
mod desk;
mod functions;
mod geo;
mod limits;
mod oidc;
mod pages;
mod records_api;
mod requests;
mod robust;
mod roles;
mod soda;
mod support;
