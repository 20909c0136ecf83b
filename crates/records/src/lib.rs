//! Open-records requests under a jurisdiction's law, as pure logic: the
//! jurisdiction's rules with their effective dates, its calendar of working
//! days, the statutory clocks computed from a request's events (each with
//! its explanation), fees and deposits, the lifecycle of a request, and the
//! library of exemptions a denial cites. Nothing here reads a clock, a file
//! or a socket: callers pass the time and the profile's text in.

pub mod calendar;
pub mod clock;
pub mod exemptions;
pub mod fees;
pub mod jurisdiction;
pub mod lifecycle;
