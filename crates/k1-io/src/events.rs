//! Things worth telling the user that happen on the engine's threads: a source ending or failing,
//! a sink failing, a thread that could not be pinned.
//!
//! Threads send an [`Event`] through [`Events`] (a channel, so nothing is printed from a hot loop
//! and nothing waits); the supervisor prints them. Events are rare by construction: they are
//! state changes, never per-hop or per-frame news.

use std::sync::mpsc::{Receiver, Sender, channel};

/// A state change on one of the engine's threads.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A note for the user (not a problem).
    Note(String),
    /// A detail worth showing with `--stats` (which core a thread runs on).
    Detail(String),
    /// Something went wrong but the engine goes on.
    Warning(String),
    /// The source has no more audio (end of file or of stdin).
    SourceEnded(String),
    /// The source failed for good: the engine stops.
    SourceFailed(String),
}

/// The sending end: cheap to clone, one per thread.
#[derive(Clone, Debug)]
pub struct Events {
    tx: Sender<Event>,
}

impl Events {
    /// A new channel: the sender for the threads and the receiver for the supervisor.
    pub fn channel() -> (Events, Receiver<Event>) {
        let (tx, rx) = channel();
        (Events { tx }, rx)
    }

    /// Sends `event`; if the supervisor is gone the event is dropped (nobody is left to tell).
    pub fn send(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    /// Sends a note.
    pub fn note(&self, message: impl Into<String>) {
        self.send(Event::Note(message.into()));
    }

    /// Sends a warning.
    pub fn warn(&self, message: impl Into<String>) {
        self.send(Event::Warning(message.into()));
    }
}
