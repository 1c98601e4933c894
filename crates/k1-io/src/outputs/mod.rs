//! Where frames go beyond this machine: LED controllers addressed by URL, from `--out` or the
//! config file's `[[outputs]]` tables.
//!
//! ```text
//! "ddp://10.0.0.5?leds=0-159"  ─► url::parse ─► OutputSpec ─► k1_engine::outputs::build_sink ─► sinks::OutputSink
//!  [[outputs]] url = "…"       ─► OutputConfig ─┘                 (its own thread, rate, counters)
//!                                                         OutputStatus ◄─ Shared::outputs()
//! ```
//!
//! [`OutputConfig`] is the serialisable form (one `[[outputs]]` table); [`OutputSpec`] the checked
//! one. Every output has an LED range (which part of the frame it sends), its own rate limit and
//! counters ([`OutputHandle`]) that the HTTP API shows through [`OutputStatus`]. The protocols
//! and their options are documented in `docs/outputs.md`.

pub mod cid;
mod config;
mod spec;
mod status;
mod url;

// The config file's loader embeds `[[outputs]]` through these; `k1 run` uses the rest.
#[allow(unused_imports)]
pub use config::{ConfigError, OutputConfig, outputs_from_table, outputs_from_toml};
pub use spec::{E131Dest, LedRange, OutputSpec, Target, unique_names};
pub use status::{OutputHandle, OutputRegistry, OutputStatus};
#[allow(unused_imports)]
pub use url::{OutputError, SYNC_FPS, parse};
