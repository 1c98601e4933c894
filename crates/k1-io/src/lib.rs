//! `k1-io`: the two ends of K1's data path on a host, audio in and light out.
//!
//! ```text
//!  sources: file (symphonia) / stdin PCM / mic (cpal) / demo ─► resample ─► mono f32 at the engine rate
//!  sinks:   Frame ─► OutputSink ─► Transport (DDP, E1.31, Art-Net, WLED, OPC, Adalight) / terminal / null
//!  outputs: "ddp://10.0.0.5?leds=0-159" and [[outputs]] tables ─► OutputSpec, OutputHandle counters
//! ```
//!
//! Beside them, what both ends and the layers above share: the engine [`clock`], [`events`]
//! from the threads, [`backoff`] for reconnecting, [`atomic`] file writes, the [`noise`] profile
//! file, the user-facing [`messages`] on stderr, and the [`latency`] wizard that measures how late
//! the speaker plays.
//!
//! It knows nothing of the engine's threads, the HTTP API or the command line: it must depend
//! only on `k1-core` and `k1-synth` among K1's crates (`crates/k1/tests/crate_graph.rs` checks).
//! The `audio` feature (cpal, ALSA) adds the microphone and playback through the speakers.

#![deny(missing_docs)]
// Without the `audio` feature there is no device to lose or to play to, so the reconnecting
// source, device errors and the playback start time are only used by the tests.
#![cfg_attr(not(feature = "audio"), allow(dead_code))]

pub mod atomic;
pub mod backoff;
pub mod clock;
pub mod corpus;
pub mod events;
pub mod latency;
pub mod messages;
pub mod noise;
pub mod outputs;
pub mod sinks;
pub mod sources;
