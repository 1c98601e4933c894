//! Each output's counters, shared between its sink thread and whoever shows them (the HTTP API,
//! the end-of-run summary). Only relaxed atomics on the sink's side, and a mutex for the last
//! error, which changes only when something fails.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::spec::{LedRange, OutputSpec};

/// What one output has done so far, as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutputStatus {
    /// A name for humans.
    pub name: String,
    /// The protocol: ddp, e131, artnet, wled, opc, serial, wled-sync.
    pub kind: String,
    /// The URL it was configured with.
    pub url: String,
    /// The LEDs of the frame it sends (`start..end`; empty for wled-sync).
    pub leds: LedRange,
    /// Its rate limit in frames per second (`None`: every frame).
    pub fps_limit: Option<f64>,
    /// Its own delay, ms (latency compensation; the audio offset comes on top).
    pub delay_ms: u32,
    /// Frames sent whole.
    pub frames_sent: u64,
    /// Frames it should have sent but did not: the socket was full, the receiver was being
    /// retried, or the output fell behind the renderer.
    pub frames_dropped: u64,
    /// Failed sends (each followed by a retry with backoff).
    pub errors: u64,
    /// The newest failure's message, if it ever failed.
    pub last_error: Option<String>,
    /// False from a failure until the next frame goes out whole.
    pub healthy: bool,
}

impl OutputStatus {
    /// True if the output sends frames of LEDs, false for the audio-sync sender.
    pub fn takes_frames(&self) -> bool {
        takes_frames(&self.kind)
    }
}

/// Whether an output of `kind` sends frames of LEDs (all but the audio-sync sender).
fn takes_frames(kind: &str) -> bool {
    kind != "wled-sync"
}

/// An output's description and live counters.
#[derive(Debug)]
pub struct OutputHandle {
    name: String,
    kind: &'static str,
    url: String,
    leds: LedRange,
    fps_limit: Option<f64>,
    delay_ms: AtomicU32,
    delay_given: bool,
    sent: AtomicU64,
    dropped: AtomicU64,
    errors: AtomicU64,
    failing: AtomicBool,
    last_error: Mutex<Option<String>>,
}

impl OutputHandle {
    /// Counters for `spec` sending `leds`.
    pub fn new(spec: &OutputSpec, leds: LedRange) -> Self {
        Self {
            name: spec.name.clone(),
            kind: spec.target.kind(),
            url: spec.url.clone(),
            leds,
            fps_limit: spec.fps,
            delay_ms: AtomicU32::new(spec.delay_ms.unwrap_or(0)),
            delay_given: spec.delay_ms.is_some(),
            sent: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            failing: AtomicBool::new(false),
            last_error: Mutex::new(None),
        }
    }

    /// The output's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The output's kind (its URL scheme).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// True if the output sends frames of LEDs, false for the audio-sync sender (which sends
    /// the analysis, so has no LEDs and no delay).
    pub fn takes_frames(&self) -> bool {
        takes_frames(self.kind)
    }

    /// The LEDs of the frame it sends.
    pub fn leds(&self) -> LedRange {
        self.leds
    }

    /// The output's own delay now, ms.
    pub fn delay_ms(&self) -> u32 {
        self.delay_ms.load(Ordering::Relaxed)
    }

    /// True if the output's URL or table set its delay (which then wins over a saved one).
    pub fn delay_given(&self) -> bool {
        self.delay_given
    }

    /// Changes the output's delay (checked by [`crate::sinks::delay::check_delay`]); its sink
    /// uses it from the next frame.
    pub fn set_delay_ms(&self, ms: u32) {
        self.delay_ms.store(ms, Ordering::Relaxed);
    }

    /// A frame went out whole.
    pub fn sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    /// The output works again (it has sent without failing for a while); returns true if it
    /// was failing until now.
    pub fn recovered(&self) -> bool {
        self.failing.swap(false, Ordering::Relaxed)
    }

    /// Failed sends so far.
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    /// `n` frames were not sent.
    pub fn dropped(&self, n: u64) {
        self.dropped.fetch_add(n, Ordering::Relaxed);
    }

    /// A send failed; returns true if this starts a run of failures (the one to log).
    pub fn failed(&self, message: String) -> bool {
        self.errors.fetch_add(1, Ordering::Relaxed);
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message);
        !self.failing.swap(true, Ordering::Relaxed)
    }

    /// The counters now.
    pub fn status(&self) -> OutputStatus {
        OutputStatus {
            name: self.name.clone(),
            kind: self.kind.to_string(),
            url: self.url.clone(),
            leds: self.leds,
            fps_limit: self.fps_limit,
            delay_ms: self.delay_ms(),
            frames_sent: self.sent.load(Ordering::Relaxed),
            frames_dropped: self.dropped.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            last_error: self
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            healthy: !self.failing.load(Ordering::Relaxed),
        }
    }
}

/// Every output of a run, in the order they were configured.
#[derive(Debug, Default)]
pub struct OutputRegistry {
    outputs: Mutex<Vec<Arc<OutputHandle>>>,
}

impl OutputRegistry {
    /// Adds an output's handle.
    pub fn register(&self, handle: Arc<OutputHandle>) {
        self.outputs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(handle);
    }

    /// Puts `new` in the place of `old` (an output edited while running keeps its place), or
    /// adds it at the end if `old` is not registered.
    pub fn replace(&self, old: &Arc<OutputHandle>, new: Arc<OutputHandle>) {
        let mut outputs = self.outputs.lock().unwrap_or_else(|p| p.into_inner());
        match outputs.iter_mut().find(|h| Arc::ptr_eq(h, old)) {
            Some(slot) => *slot = new,
            None => outputs.push(new),
        }
    }

    /// Removes `handle` (an output stopped while running); returns false if it was not there.
    pub fn unregister(&self, handle: &Arc<OutputHandle>) -> bool {
        let mut outputs = self.outputs.lock().unwrap_or_else(|p| p.into_inner());
        let before = outputs.len();
        outputs.retain(|h| !Arc::ptr_eq(h, handle));
        outputs.len() != before
    }

    /// Each output's handle, in order (to change its delay).
    pub fn handles(&self) -> Vec<Arc<OutputHandle>> {
        self.outputs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Each output's status.
    pub fn statuses(&self) -> Vec<OutputStatus> {
        self.outputs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|h| h.status())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_the_first_failure_of_a_run() {
        let spec = super::super::parse("ddp://h?leds=10-19").unwrap();
        let h = Arc::new(OutputHandle::new(&spec, spec.range_for(20).unwrap()));
        let reg = OutputRegistry::default();
        reg.register(Arc::clone(&h));
        h.sent();
        assert!(!h.recovered());
        assert!(h.failed("refused".into()));
        assert!(!h.failed("refused again".into()));
        h.dropped(3);
        let s = &reg.statuses()[0];
        assert_eq!((s.frames_sent, s.frames_dropped, s.errors), (1, 3, 2));
        assert_eq!(
            (s.last_error.as_deref(), s.healthy),
            (Some("refused again"), false)
        );
        assert_eq!((s.leds.start, s.leds.end, s.kind.as_str()), (10, 20, "ddp"));
        h.sent();
        assert!(!reg.statuses()[0].healthy, "a send alone is no recovery");
        assert!(h.recovered(), "recovery is reported once");
        assert!(!h.recovered());
        assert!(reg.statuses()[0].healthy);
        let other = super::super::parse("ddp://g").unwrap();
        let g = Arc::new(OutputHandle::new(&other, other.range_for(20).unwrap()));
        let g2 = Arc::new(OutputHandle::new(&other, other.range_for(20).unwrap()));
        reg.register(Arc::clone(&g));
        reg.replace(&h, Arc::clone(&g2));
        let names: Vec<String> = reg.statuses().into_iter().map(|s| s.url).collect();
        assert_eq!(
            names,
            ["ddp://g", "ddp://g"],
            "the replacement keeps the first place"
        );
        assert!(reg.unregister(&g2));
        assert!(!reg.unregister(&g2), "removed once");
        assert!(Arc::ptr_eq(&reg.handles()[0], &g));
        reg.unregister(&g);
        reg.register(Arc::clone(&h));
        let json = serde_json::to_value(&reg.statuses()[0]).unwrap();
        assert_eq!(json["leds"]["end"], 20);
        assert_eq!(json["fps_limit"], 60.0);
    }
}
