//! Where frames go beyond this machine: LED controllers addressed by URL, from `--out` or the
//! config file's `[[outputs]]` tables.
//!
//! ```text
//! "ddp://10.0.0.5?leds=0-159"  ─► url::parse ─► OutputSpec ─► build::sink ─► sinks::OutputSink
//!  [[outputs]] url = "…"       ─► OutputConfig ─┘                 (its own thread, rate, counters)
//!                                                         OutputStatus ◄─ Shared::outputs()
//! ```
//!
//! [`OutputConfig`] is the serialisable form (one `[[outputs]]` table); [`OutputSpec`] the checked
//! one. Every output has an LED range (which part of the frame it sends), its own rate limit and
//! counters ([`OutputHandle`]) that the HTTP API shows through [`OutputStatus`]. The protocols
//! and their options are documented in `docs/outputs.md`.

mod build;
mod cid;
mod config;
mod spec;
mod status;
mod url;

pub use build::build_sinks;
// The config file's loader embeds `[[outputs]]` through these; `k1 run` uses the rest.
#[allow(unused_imports)]
pub use config::{ConfigError, OutputConfig, outputs_from_table, outputs_from_toml};
pub use spec::{LedRange, OutputSpec, Target};
pub use status::{OutputHandle, OutputRegistry, OutputStatus};
#[allow(unused_imports)]
pub use url::{OutputError, parse};
