//! What crosses between the engine's threads, and the seqlocks that carry it.
//!
//! - [`Published`]: audio → render, one per hop: the analysis snapshot plus the wall-clock time of
//!   its newest sample, so the renderer can measure sample→frame latency.
//! - [`RenderParams`]: UI → render, whenever a setting changes.
//!
//! Both go through `k1_core::sync::SeqLock`: the writer never waits, a reader gets a consistent
//! copy in bounded time.

use k1_core::Snapshot;
use k1_core::sync::{SeqLock, Writer, word_count};

use crate::clock::Nanos;

/// One hop's result as the audio thread publishes it.
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::NoUninit)]
#[repr(C)]
pub struct Published {
    /// The analysis.
    pub snapshot: Snapshot,
    /// When the hop's newest sample was captured (mic) or due (paced sources), on the engine clock.
    pub captured: Nanos,
    /// When the analysis finished, on the engine clock.
    pub published: Nanos,
    /// A second copy of `snapshot.hop`, at the far end of the struct: if a reader ever saw the two
    /// differ, its copy mixed two writes (a torn read). The seqlock is meant to make that
    /// impossible; this checks it end to end, for every frame.
    pub hop_check: u64,
}

impl Published {
    /// Before the first hop: silence, no timestamp.
    pub const EMPTY: Published = Published {
        snapshot: Snapshot::EMPTY,
        captured: 0,
        published: 0,
        hop_check: 0,
    };

    /// True if the two copies of the hop counter agree.
    pub fn consistent(&self) -> bool {
        self.snapshot.hop == self.hop_check
    }
}

/// Settings the renderer reads every frame. They come from the command line today and from the
/// UI later; either way they cross to the render thread through a [`ParamLock`].
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::NoUninit)]
#[repr(C)]
pub struct RenderParams {
    /// Overall brightness, 0..=1, applied once to every LED.
    pub brightness: f32,
    /// LEDs lit, at most the frame's capacity (`--leds`); the rest stay dark.
    pub leds: u32,
}

/// Carries [`Published`] from the audio thread to the render thread.
pub type PublishedLock = SeqLock<Published, { word_count::<Published>() }>;
/// The audio thread's end of a [`PublishedLock`].
pub type PublishedWriter<'a> = Writer<'a, Published, { word_count::<Published>() }>;

/// Carries [`RenderParams`] to the render thread.
pub type ParamLock = SeqLock<RenderParams, { word_count::<RenderParams>() }>;
