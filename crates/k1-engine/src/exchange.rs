//! What crosses between the engine's threads, and the seqlocks that carry it.
//!
//! - [`Published`]: audio → render, one per hop: the analysis snapshot plus the wall-clock time of
//!   its newest sample, so the renderer can measure sample→frame latency.
//! - [`RenderSettings`]: control → render, whenever a setting changes (the command line at start,
//!   the HTTP API while running).
//!
//! Both go through `k1_core::sync::SeqLock`: the writer never waits, a reader gets a consistent
//! copy in bounded time.

use k1_core::Snapshot;
use k1_core::params::Params;
use k1_core::render::PatternId;
use k1_core::sync::{SeqLock, Writer, word_count};

use k1_io::clock::Nanos;

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

/// Everything the renderer reads every frame that a user can change while it runs: the
/// parameters, the pattern, standby and the power switch. Plain data, so it crosses to the render thread through a
/// [`SettingsLock`] like the snapshot does.
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::NoUninit)]
#[repr(C)]
pub struct RenderSettings {
    /// The parameters (brightness, palette, custom slots, ...).
    pub params: Params,
    /// The pattern, as its index in `k1_core::render::PATTERNS`.
    pub pattern: u32,
    /// 1 to fade to dark and stay there (standby), 0 to show the pattern.
    pub standby: u32,
    /// The power switch: 1 on, 0 off (the light fades to black, `k1_core::render::PowerFade`).
    pub power: u32,
}

impl RenderSettings {
    /// The default parameters and pattern, not in standby, switched on.
    pub const DEFAULT: RenderSettings = RenderSettings {
        params: Params::DEFAULT,
        pattern: 0,
        standby: 0,
        power: 1,
    };

    /// Settings for `pattern` with `params`, not in standby, switched on.
    pub fn new(pattern: PatternId, params: Params) -> Self {
        Self {
            params,
            pattern: pattern.index() as u32,
            ..Self::DEFAULT
        }
    }

    /// Whether the power switch is on.
    pub fn powered(&self) -> bool {
        self.power != 0
    }

    /// The pattern; the first one if the index is out of range (it never is when set through
    /// [`RenderSettings::new`] or the control API).
    pub fn pattern_id(&self) -> PatternId {
        PatternId::from_index(self.pattern as usize).unwrap_or(PatternId::ALL[0])
    }
}

impl Default for RenderSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Carries [`Published`] from the audio thread to the render thread.
pub type PublishedLock = SeqLock<Published, { word_count::<Published>() }>;
/// The audio thread's end of a [`PublishedLock`].
pub type PublishedWriter<'a> = Writer<'a, Published, { word_count::<Published>() }>;

/// Carries [`RenderSettings`] to the render thread.
pub type SettingsLock = SeqLock<RenderSettings, { word_count::<RenderSettings>() }>;
