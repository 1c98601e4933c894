//! Lock-free exchange between the audio and render loops: a seqlock whose writer never waits and
//! whose readers get a consistent copy in bounded time.
//!
//! # Which way data flows
//!
//! - **Snapshots, audio → render.** The audio loop owns the one [`Writer`] of a [`SnapshotLock`]
//!   and writes a [`Snapshot`] per hop; the render loop owns a [`Reader`] and reads once per frame.
//! - **Parameters, UI → render.** The same type: a [`ParamsLock`] carries [`Params`], and
//!   `SeqLock<P, { word_count::<P>() }>` any other struct `P: NoUninit` (`#[repr(C)]`, no
//!   padding). The renderer reads them each frame exactly like snapshots, and
//!   [`Reader::version`] tells it when they changed. Several UI handlers may want to write; the writer slot admits one at a time, so the
//!   host keeps the single [`Writer`] behind its own mutex on the UI side. Only UI threads ever
//!   wait for it; the renderer's reads stay lock-free. One type for both directions means one
//!   implementation to model-check.
//!
//! # Why this design
//!
//! A seqlock lets the writer publish without waiting for anyone, which is what the audio loop
//! needs; readers pay instead, by retrying when they overlap a write. A triple buffer would give
//! readers wait-freedom too, but only for a single reader, and it needs `unsafe` shared buffers.
//! Here the value is carried in atomic words, so no access is ever a data race, and
//! [`MAX_RETRIES`] bounds a reader's time; after that it falls back to its last good copy and
//! counts a fallback, so the render loop never stalls on a preempted writer. The protocol and why
//! its orderings suffice are in `seq_lock.rs`; `tests/sync_loom.rs` checks it in every
//! interleaving (and shows the check failing on a broken variant), `tests/sync_stress.rs` under
//! real threads and Miri, and `benches/exchange.rs` measures it.
//!
//! The atomics come from `crate::loom`, so the same code runs under loom with `--cfg loom`.
//!
//! # Example
//!
//! ```
//! use k1_core::sync::{SeqLock, word_count};
//!
//! #[derive(Clone, Copy, bytemuck::NoUninit)]
//! #[repr(C)]
//! struct Params {
//!     brightness: f32,
//!     speed: f32,
//! }
//!
//! type ParamLock = SeqLock<Params, { word_count::<Params>() }>;
//! static PARAMS: ParamLock = ParamLock::new(Params { brightness: 1.0, speed: 1.0 });
//!
//! std::thread::scope(|s| {
//!     s.spawn(|| {
//!         let mut ui = PARAMS.writer().expect("one writer");
//!         ui.write(&Params { brightness: 0.5, speed: 2.0 });
//!     });
//! });
//! let mut renderer = PARAMS.reader();
//! assert_eq!(renderer.read().brightness, 0.5);
//! assert_eq!(renderer.fallbacks(), 0);
//! ```

mod reader;
mod seq_lock;
mod words;

pub use reader::{MAX_RETRIES, Reader};
pub use seq_lock::{SeqLock, Writer};
pub use words::word_count;

use crate::Snapshot;
use crate::params::Params;

/// The exchange that carries each [`Snapshot`] from the audio loop to the render loop.
pub type SnapshotLock = SeqLock<Snapshot, { word_count::<Snapshot>() }>;
/// The audio loop's end of a [`SnapshotLock`].
pub type SnapshotWriter<'a> = Writer<'a, Snapshot, { word_count::<Snapshot>() }>;
/// The render loop's end of a [`SnapshotLock`].
pub type SnapshotReader<'a> = Reader<'a, Snapshot, { word_count::<Snapshot>() }>;

/// The exchange that carries [`Params`] from the UI to the render loop.
pub type ParamsLock = SeqLock<Params, { word_count::<Params>() }>;
/// The UI's end of a [`ParamsLock`] (one at a time; see the module doc).
pub type ParamsWriter<'a> = Writer<'a, Params, { word_count::<Params>() }>;
/// The render loop's end of a [`ParamsLock`].
pub type ParamsReader<'a> = Reader<'a, Params, { word_count::<Params>() }>;
