//! `k1-offline`: a whole recording analysed in one go, without threads or a clock, and what
//! comes out of it, for `k1 analyze`, `k1 calibrate`, `k1 bench analyze` and `k1 render`.
//!
//! ```text
//!  Source ─► analyze::run (hop by hop through k1_core::Analyzer) ─► Analysis ─► report (text, JSON, CSV)
//!                                                                         └──► picture (PNG strip, GIF)
//! ```
//!
//! It depends on `k1-core` and `k1-io` (the sources) only: never on the live engine, the API or
//! the command line (`crates/k1/tests/crate_graph.rs` checks).

#![deny(missing_docs)]

pub mod analyze;
pub mod frames;
pub mod light;
pub mod picture;
pub mod report;
