//! The state a running engine shares with the rest of the process: the newest snapshot, the
//! newest frame, the render settings and the metrics.
//!
//! The caller makes a [`Shared`] (usually in an `Arc`), hands it to [`run`](super::run), and keeps
//! a reference for the control side (the HTTP API, the WebSocket, persistence). Nothing here ever
//! makes a hot loop wait: the control side reads the snapshot through the same bounded seqlock
//! read as the renderer, copies frames out of the latest-value slot, and changes settings by
//! writing a new [`RenderSettings`] into a seqlock that the render loop reads once per frame.

use std::sync::Mutex;

use k1_core::render::Layout;

use super::audio_control::AudioControl;
use super::exchange::{Published, PublishedLock, RenderSettings, SettingsLock};
use super::metrics::{Metrics, MetricsHub};
use super::swap::SourceMailbox;
use k1_io::sinks::delay::{AudioOffset, DelayError, check_delay, check_offset};
use k1_io::sinks::{Frame, FrameSlot};

/// The last full second of metrics and the totals since the start, as the supervisor saw them.
#[derive(Clone, Debug, Default)]
pub struct MetricsPair {
    /// The last second.
    pub window: Metrics,
    /// Since the engine started.
    pub total: Metrics,
}

/// State shared between the engine's threads and its controllers. See the module doc.
pub struct Shared {
    pub(super) snapshots: PublishedLock,
    pub(super) settings: SettingsLock,
    /// The settings as last written; the mutex also makes the control side the seqlock's only
    /// writer (a writer is claimed and released under it).
    control: Mutex<RenderSettings>,
    pub(super) slot: FrameSlot,
    pub(super) metrics: MetricsHub,
    pub(super) seconds: Mutex<MetricsPair>,
    pub(super) audio: AudioControl,
    pub(super) sources: SourceMailbox,
    layout: Layout,
    /// Every LED output's description and counters (registered as the outputs are built).
    outputs: k1_io::outputs::OutputRegistry,
    /// The input's audio offset, ms: every output holds its frames this much longer (or, when
    /// negative, shorter; see `k1_io::sinks::delay`).
    pub(super) audio_offset: AudioOffset,
    /// The LED outputs that can be started, replaced and stopped while the engine runs.
    pub(super) board: super::live_outputs::OutputBoard,
}

impl Shared {
    /// Shared state for an engine drawing `layout` with `settings` to start with.
    pub fn new(layout: Layout, settings: RenderSettings) -> Self {
        Self {
            snapshots: PublishedLock::new(Published::EMPTY),
            settings: SettingsLock::new(settings),
            control: Mutex::new(settings),
            slot: FrameSlot::new(layout.leds()),
            metrics: MetricsHub::default(),
            seconds: Mutex::new(MetricsPair::default()),
            audio: AudioControl::default(),
            sources: SourceMailbox::default(),
            layout,
            outputs: k1_io::outputs::OutputRegistry::default(),
            audio_offset: AudioOffset::default(),
            board: super::live_outputs::OutputBoard::default(),
        }
    }

    /// The audio offset, ms (latency compensation for a speaker that plays late).
    pub fn audio_offset_ms(&self) -> i32 {
        self.audio_offset.get()
    }

    /// Sets the audio offset, checked (-1000..=1000 ms); every output uses it from its next
    /// frame.
    pub fn set_audio_offset_ms(&self, ms: i64) -> Result<i32, DelayError> {
        let ms = check_offset(ms)?;
        self.audio_offset.set(ms);
        Ok(ms)
    }

    /// Sets the delay of the output called `name`, checked (0..=1000 ms); its sink uses it from
    /// the next frame. `Ok(false)` if no output has that name.
    pub fn set_output_delay_ms(&self, name: &str, ms: i64) -> Result<bool, DelayError> {
        let ms = check_delay(ms)?;
        let mut found = false;
        for handle in self.outputs.handles() {
            if handle.name() == name && handle.takes_frames() {
                handle.set_delay_ms(ms);
                found = true;
            }
        }
        Ok(found)
    }

    /// Each LED output's status (name, kind, URL, LED range, rate limit, frames sent and
    /// dropped, errors, last error), in the order they were configured.
    pub fn outputs(&self) -> Vec<k1_io::outputs::OutputStatus> {
        self.outputs.statuses()
    }

    /// Each output's handle (its counters and its delay), in the order they were configured.
    pub fn output_handles(&self) -> Vec<std::sync::Arc<k1_io::outputs::OutputHandle>> {
        self.outputs.handles()
    }

    /// Adds an output's counters to what [`Shared::outputs`] reports.
    pub fn register_output(&self, handle: std::sync::Arc<k1_io::outputs::OutputHandle>) {
        self.outputs.register(handle);
    }

    /// The outputs' registry itself (to replace or remove a handle when an output is edited
    /// or stopped while running).
    pub(crate) fn output_registry(&self) -> &k1_io::outputs::OutputRegistry {
        &self.outputs
    }

    /// The LED outputs started through [`crate::outputs::start_output`]: their ids, tests, and
    /// the threads the engine runs them on.
    pub fn board(&self) -> &super::live_outputs::OutputBoard {
        &self.board
    }

    /// The LED layout the engine draws.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The audio side's controls: input gain and noise calibration.
    pub fn audio(&self) -> &AudioControl {
        &self.audio
    }

    /// The audio source's swap point: where a controller leaves a new source for the audio loop.
    pub fn sources(&self) -> &SourceMailbox {
        &self.sources
    }

    /// The current render settings.
    pub fn settings(&self) -> RenderSettings {
        *self.control.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the settings with `change`; if it returns `Ok`, the result goes to the renderer
    /// (from its next frame) and is returned. On `Err` nothing changes. Callers are serialised;
    /// the render loop is never blocked.
    pub fn update<E>(
        &self,
        change: impl FnOnce(&mut RenderSettings) -> Result<(), E>,
    ) -> Result<RenderSettings, E> {
        let mut current = self.control.lock().unwrap_or_else(|p| p.into_inner());
        let mut next = *current;
        change(&mut next)?;
        if let Some(mut writer) = self.settings.writer() {
            writer.write(&next);
        }
        *current = next;
        Ok(next)
    }

    /// The newest analysis result (a consistent copy; [`Published::EMPTY`] before the first hop).
    pub fn latest(&self) -> Published {
        *self.snapshots.reader().read()
    }

    /// Copies the newest frame into `out` if it is newer than version `seen`; returns its
    /// version. Never blocks the renderer (it skips offering a frame while this copies).
    pub fn take_frame(&self, seen: u64, out: &mut Frame) -> Option<u64> {
        self.slot.take_newer(seen, out)
    }

    /// The last second's metrics and the totals so far (all zero until the first second).
    pub fn last_second(&self) -> MetricsPair {
        self.seconds
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
