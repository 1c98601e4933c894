//! [`SourceMailbox`]: the audio thread's swap point. A controller opens a new source off the hot
//! path (see [`SourceFactory`](k1_io::sources::SourceFactory)) and leaves it here; the audio loop
//! looks between hops (one relaxed load, then a `try_lock` only when something waits), installs
//! it in place of the old one and says so through the handover's reply channel. The audio loop
//! never waits for a controller, and a controller never waits for more than a hop or two.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use k1_io::sources::Install;

/// A new source on its way to the audio thread.
pub struct Handover {
    /// Wraps the open source for the loop (never blocks).
    pub install: Install,
    /// Its name, for the loop's messages.
    pub name: String,
    /// Whether the end of this source ends the run (a file given with `--input`); otherwise the
    /// loop idles until the next source.
    pub ends_run: bool,
    /// Told `Ok` once the source is in use, or why it could not be installed.
    pub done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// The swap point between controllers and the audio loop. See the module doc.
pub struct SourceMailbox {
    /// Whether the end of the source the engine starts with ends the run.
    first_ends_run: AtomicBool,
    waiting: AtomicBool,
    slot: Mutex<Option<Handover>>,
    /// The source in use ended or failed (the loop is idling until the next one).
    ended: AtomicBool,
}

impl Default for SourceMailbox {
    fn default() -> Self {
        Self {
            first_ends_run: AtomicBool::new(true),
            waiting: AtomicBool::new(false),
            slot: Mutex::new(None),
            ended: AtomicBool::new(false),
        }
    }
}

impl SourceMailbox {
    /// Says whether the end (or failure) of the source the engine starts with ends the run
    /// (the default, as for a file given with `--input`); if not, the audio loop idles until a
    /// controller hands it another source. Set before the engine starts.
    pub fn set_first_ends_run(&self, ends_run: bool) {
        self.first_ends_run.store(ends_run, Ordering::Relaxed);
    }

    /// See [`SourceMailbox::set_first_ends_run`].
    pub fn first_ends_run(&self) -> bool {
        self.first_ends_run.load(Ordering::Relaxed)
    }

    /// Leaves `handover` for the audio loop; returns one still waiting that it replaces (its
    /// reply channel then closes unanswered).
    pub fn offer(&self, handover: Handover) -> Option<Handover> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        let old = slot.replace(handover);
        self.waiting.store(true, Ordering::Release);
        old
    }

    /// Takes back a handover the audio loop has not picked up (it has stopped, say).
    pub fn withdraw(&self) -> Option<Handover> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        self.waiting.store(false, Ordering::Release);
        slot.take()
    }

    /// The audio loop's side: a waiting handover, if any and if no controller holds the lock at
    /// this instant (then it is seen on the next call). Never blocks.
    pub fn take(&self) -> Option<Handover> {
        if !self.waiting.load(Ordering::Acquire) {
            return None;
        }
        let mut slot = self.slot.try_lock().ok()?;
        self.waiting.store(false, Ordering::Release);
        slot.take()
    }

    /// Whether the source in use has ended or failed and nothing replaced it yet.
    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::Relaxed)
    }

    /// The audio loop's side: notes that the source in use ended (`true`) or that a new one was
    /// installed (`false`).
    pub(super) fn set_ended(&self, ended: bool) {
        self.ended.store(ended, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k1_io::sources::Ended;

    fn handover(name: &str) -> (Handover, tokio::sync::oneshot::Receiver<Result<(), String>>) {
        let (done, rx) = tokio::sync::oneshot::channel();
        let n = name.to_string();
        let h = Handover {
            install: Box::new(move || Ok(Box::new(Ended::new(n)) as _)),
            name: name.into(),
            ends_run: false,
            done,
        };
        (h, rx)
    }

    #[test]
    fn a_handover_is_taken_once_and_a_newer_one_replaces_a_waiting_one() {
        let m = SourceMailbox::default();
        assert!(m.take().is_none());
        let (a, mut rx_a) = handover("a");
        assert!(m.offer(a).is_none());
        let (b, _rx_b) = handover("b");
        let replaced = m.offer(b).expect("a was waiting");
        drop(replaced);
        assert!(rx_a.try_recv().is_err(), "a's channel closed unanswered");
        assert_eq!(m.take().map(|h| h.name), Some("b".to_string()));
        assert!(m.take().is_none());
    }

    #[test]
    fn take_does_not_wait_for_a_controller_and_withdraw_takes_it_back() {
        let m = SourceMailbox::default();
        let (a, _rx) = handover("a");
        m.offer(a);
        {
            let _held = m.slot.lock().unwrap();
            assert!(m.take().is_none(), "the lock is held: try again later");
        }
        assert_eq!(m.withdraw().map(|h| h.name), Some("a".to_string()));
        assert!(m.take().is_none());
        m.set_ended(true);
        assert!(m.ended());
        m.set_ended(false);
        assert!(!m.ended());
    }
}
