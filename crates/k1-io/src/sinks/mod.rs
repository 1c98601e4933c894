//! Where frames go: LED controllers ([`OutputSink`] over one [`Transport`] per protocol, built
//! from URLs by [`crate::outputs`]), the terminal preview, nowhere (benchmarks).
//!
//! The renderer never waits for a sink. It offers each finished frame to a [`FrameSlot`], a
//! latest-value slot (not a queue): if the slot is busy at that instant the frame is simply not
//! offered. Each sink runs on an engine thread, takes the newest frame when it is
//! ready for one, and counts the frames it never got to as drops. A sink that fails is counted
//! and tried again with the next frame. The threads that run them are the engine's
//! (`k1_engine::run_sinks`); sinks that never block share one thread. An output with a delay
//! (latency compensation, [`delay`]) gets its frames through a [`delay::DelayLine`] there.

mod adalight;
mod artnet;
mod ddp;
pub mod delay;
mod e131;
mod null;
mod opc;
mod output;
mod terminal;
mod udp;
#[cfg(test)]
mod wire_tests;
mod wled;

pub use adalight::{AdalightTransport, link_fps};
pub use artnet::ArtNetTransport;
pub use ddp::DdpTransport;
pub use e131::{E131Options, E131Transport};
pub use null::NullSink;
pub use opc::OpcTransport;
#[cfg_attr(not(test), allow(unused_imports))]
pub use output::{OutputSink, Sent, Transport};
pub use terminal::TerminalSink;
pub use udp::UdpLink;
pub use wled::WledTransport;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use k1_core::color::Rgb8;

use crate::clock::{Nanos, SECOND};

/// One rendered frame and what a sink may want to show with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The frame's number: frames rendered before it.
    pub index: u64,
    /// When it left the renderer, on the engine clock.
    pub rendered_at: Nanos,
    /// Age of its newest audio sample when it left the renderer, ns (0 before any audio).
    pub latency: Nanos,
    /// The tempo estimate, BPM (0 until one is found).
    pub bpm: f32,
    /// The tempo confidence, 0..=1.
    pub confidence: f32,
    /// The colours as they go to the LEDs (after the colour pipeline: gamma, brightness,
    /// dithering), index 0 at the first LED of the layout.
    pub leds: Vec<Rgb8>,
}

impl Frame {
    /// A dark frame of `leds` LEDs.
    pub fn new(leds: usize) -> Self {
        Self {
            index: 0,
            rendered_at: 0,
            latency: 0,
            bpm: 0.0,
            confidence: 0.0,
            leds: vec![Rgb8::BLACK; leds],
        }
    }

    /// Copies `other` into `self` without allocating when the LED counts match.
    pub fn copy_from(&mut self, other: &Frame) {
        self.index = other.index;
        self.rendered_at = other.rendered_at;
        self.latency = other.latency;
        self.bpm = other.bpm;
        self.confidence = other.confidence;
        if self.leds.len() == other.leds.len() {
            self.leds.copy_from_slice(&other.leds);
        } else {
            self.leds.clone_from(&other.leds);
        }
    }
}

/// Why a sink write failed.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Writing failed again, and the sink has already said so: counted, not repeated.
    #[error("failed again (already reported)")]
    Repeated,
    /// The frame was not sent (a full socket, a receiver waiting for its retry): a drop.
    #[error("frame dropped")]
    Dropped,
}

/// An output for frames. Implementations live one per file in this module.
pub trait Sink: Send {
    /// A name for messages.
    fn name(&self) -> &str;

    /// The most frames per second this sink wants; `None` for every frame. A sink that wants
    /// fewer is given the newest frame at its own pace, and the frames in between are not drops.
    fn max_fps(&self) -> Option<f64> {
        None
    }

    /// This output's own delay, ms (`delay=`; latency compensation, see [`delay`]): the sink
    /// runner holds each frame this long, plus the audio offset, before writing it. Read once
    /// per frame, so it may change while running.
    fn delay_ms(&self) -> u32 {
        0
    }

    /// True if the sink applies the latency compensation itself, so the runner hands it every
    /// frame at once and holds nothing back: the WLED audio-sync sender delays the analysis it
    /// sends (by the audio offset), which a held-back LED frame does not carry.
    fn delays_itself(&self) -> bool {
        false
    }

    /// Sends one frame out.
    fn write(&mut self, frame: &Frame) -> Result<(), SinkError>;

    /// True if a write never blocks (a UDP send to an address, no name to resolve), so the sink
    /// can share a thread with others like it; false (the default) gives it a thread of its own.
    fn shares_thread(&self) -> bool {
        false
    }

    /// News worth one line to the user since the last call (an output that works again).
    fn take_note(&mut self) -> Option<String> {
        None
    }

    /// Told that `frames` frames it wanted never reached it (it fell behind): for its own
    /// counters. The engine counts them too.
    fn note_dropped(&mut self, _frames: u64) {}

    /// Called once when the engine stops (restore the terminal, close sockets).
    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

/// The latest frame, shared between the render thread and the sink threads.
///
/// [`FrameSlot::offer`] never blocks: it uses `try_lock`, and a frame that finds the slot busy
/// (a sink copying out, for a microsecond) is not offered. Sinks hold the lock only to copy.
pub struct FrameSlot {
    frame: Mutex<Frame>,
    /// Frames offered successfully (the slot's version).
    offered: AtomicU64,
}

impl FrameSlot {
    /// A slot holding a dark frame of `leds` LEDs.
    pub fn new(leds: usize) -> Self {
        Self {
            frame: Mutex::new(Frame::new(leds)),
            offered: AtomicU64::new(0),
        }
    }

    /// Offers `frame`; returns false if the slot was busy (the caller counts a drop). Never
    /// blocks.
    pub fn offer(&self, frame: &Frame) -> bool {
        match self.frame.try_lock() {
            Ok(mut slot) => {
                slot.copy_from(frame);
                self.offered.fetch_add(1, Ordering::Release);
                true
            }
            Err(_) => false,
        }
    }

    /// The LEDs in the slot's frames.
    pub fn leds(&self) -> usize {
        self.frame
            .lock()
            .map_or_else(|p| p.into_inner().leds.len(), |f| f.leds.len())
    }

    /// The slot's version: how many frames have been offered.
    pub fn version(&self) -> u64 {
        self.offered.load(Ordering::Acquire)
    }

    /// Copies the newest frame into `out` if it is newer than version `seen`; returns its version.
    pub fn take_newer(&self, seen: u64, out: &mut Frame) -> Option<u64> {
        if self.version() == seen {
            return None;
        }
        let slot = self
            .frame
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        out.copy_from(&slot);
        Some(self.offered.load(Ordering::Acquire))
    }
}

/// Frames per second from a count over `nanos`.
pub fn per_second(count: u64, nanos: Nanos) -> f64 {
    if nanos == 0 {
        0.0
    } else {
        count as f64 * SECOND as f64 / nanos as f64
    }
}
