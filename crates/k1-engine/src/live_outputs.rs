//! Outputs started, replaced and stopped while the engine runs: the [`OutputBoard`] in
//! [`Shared`](crate::Shared).
//!
//! ```text
//!  controller (HTTP API)                 supervisor (every 50 ms)              render thread
//!  build the sink ─► OutputBoard::start ─► take_waiting ─► a sink thread ─► add_waker ─► LiveWakers
//!                    (id, handle, control)                 (run_sinks, its own stop flag)  (try_lock)
//! ```
//!
//! Every LED output of `k1 run` goes through the board, those named at the start as well as
//! those added later, so each has an id and can be edited or removed. A controller builds the
//! sink (never on a hot thread) and leaves it on the board. Sinks that never block
//! ([`Sink::shares_thread`]: UDP to an address) join the board's one group thread
//! ([`run_group`]), which the supervisor starts with the first of them, so fifty controllers
//! still cost one wake-up per frame; the group takes in new members and finishes stopped ones
//! between two passes. Every other sink gets a thread of its own from the supervisor, running the
//! same [`run_sinks`](crate::run_sinks) loop as any other sink. Each thread is added to those the
//! render thread wakes after each frame. Stopping an output sets its own stop flag and wakes its
//! thread, which finishes the sink (and, on its own thread, ends). The render thread copies the
//! list of threads to wake only when its version changes, and then with `try_lock`: a change
//! never makes it wait.
//!
//! An output on the board can also be asked for a test ([`OutputBoard::test`]): its sink shows
//! a moving pattern over its LED range for [`TEST_SECONDS`] of engine time instead of the frames
//! (see [`crate::test_pattern`]).

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::Thread;
use std::time::Duration;

use k1_io::clock::{Clock, duration_nanos};
use k1_io::events::Events;
use k1_io::outputs::OutputHandle;
use k1_io::sinks::delay::AudioOffset;
use k1_io::sinks::{FrameSlot, Sink};

use crate::MetricsHub;
use crate::sink_threads::{SinkRunner, pause};
pub use crate::test_pattern::TEST_SECONDS;
use crate::test_pattern::Testable;

/// What a controller can tell one running output: stop, or show the test pattern.
#[derive(Debug, Default)]
pub struct OutputControl {
    /// Set to end the output's thread (it finishes the sink first).
    pub(crate) stop: AtomicBool,
    /// A test was asked for and has not started yet.
    pub(crate) test_asked: AtomicBool,
    /// A test is asked for or showing.
    pub(crate) testing: AtomicBool,
}

impl OutputControl {
    /// True while the output shows the test pattern (or is about to).
    pub fn testing(&self) -> bool {
        self.testing.load(Ordering::Relaxed)
    }
}

/// One output on the board, as [`OutputBoard::list`] shows it.
#[derive(Clone, Debug)]
pub struct BoardEntry {
    /// The output's id: given when it was started, kept when it is replaced.
    pub id: u64,
    /// Its description and counters.
    pub handle: Arc<OutputHandle>,
    /// Its control (to tell whether a test shows).
    pub control: Arc<OutputControl>,
}

/// A sink waiting for the supervisor to give it a thread.
pub(crate) struct Waiting {
    pub(crate) id: u64,
    pub(crate) sink: Box<dyn Sink>,
    pub(crate) control: Arc<OutputControl>,
}

/// The outputs of a run and the sinks waiting for a thread. See the module doc.
pub struct OutputBoard {
    next_id: AtomicU64,
    entries: Mutex<Vec<BoardEntry>>,
    waiting: Mutex<Vec<Waiting>>,
    /// True while `waiting` may hold something: the supervisor's check is one load.
    has_waiting: AtomicBool,
    /// Sinks waiting to join the group thread.
    group_waiting: Mutex<Vec<Waiting>>,
    /// The group's members changed (one joined or was stopped): the group thread looks again.
    group_changed: AtomicBool,
    /// The running outputs' threads, by id, for the render thread to wake.
    wakers: Mutex<Vec<(u64, Thread)>>,
    /// Bumped on every change of `wakers`.
    wakers_version: AtomicU64,
    /// The analysis' lowest note (MIDI), which the WLED audio-sync sender needs.
    lowest_note: AtomicU8,
}

impl Default for OutputBoard {
    fn default() -> Self {
        Self {
            next_id: AtomicU64::new(1),
            entries: Mutex::default(),
            waiting: Mutex::default(),
            has_waiting: AtomicBool::new(false),
            group_waiting: Mutex::default(),
            group_changed: AtomicBool::new(false),
            wakers: Mutex::default(),
            wakers_version: AtomicU64::new(0),
            lowest_note: AtomicU8::new(k1_core::Config::DEFAULT.lowest_note),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl OutputBoard {
    /// The analysis' lowest note (MIDI) for audio-sync outputs started over the API.
    pub fn lowest_note(&self) -> u8 {
        self.lowest_note.load(Ordering::Relaxed)
    }

    /// Sets the analysis' lowest note (the engine does at its start; `k1 run` before it starts
    /// the outputs named on its command line).
    pub fn set_lowest_note(&self, note: u8) {
        self.lowest_note.store(note, Ordering::Relaxed);
    }

    /// Puts `sink` (described by `handle`) on the board; the running engine gives it a thread
    /// within one supervisor pass. Returns its new id.
    pub fn start(&self, sink: Box<dyn Sink>, handle: Arc<OutputHandle>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut entries = lock(&self.entries);
        let control = self.queue(id, sink, &handle);
        entries.push(BoardEntry {
            id,
            handle,
            control,
        });
        id
    }

    /// Replaces output `id` by `sink`, in the same place and with the same id: the old one is
    /// stopped. Returns the old handle, or `None` (and drops `sink`) if no output has that id.
    pub fn replace(
        &self,
        id: u64,
        sink: Box<dyn Sink>,
        handle: Arc<OutputHandle>,
    ) -> Option<Arc<OutputHandle>> {
        let mut entries = lock(&self.entries);
        let entry = entries.iter_mut().find(|e| e.id == id)?;
        self.halt(id, &entry.control);
        let control = self.queue(id, sink, &handle);
        let old = std::mem::replace(&mut entry.handle, handle);
        entry.control = control;
        Some(old)
    }

    /// Stops output `id` and takes it off the board; returns its handle, or `None` if no output
    /// has that id.
    pub fn stop(&self, id: u64) -> Option<Arc<OutputHandle>> {
        let mut entries = lock(&self.entries);
        let at = entries.iter().position(|e| e.id == id)?;
        let entry = entries.remove(at);
        self.halt(id, &entry.control);
        Some(entry.handle)
    }

    /// Asks output `id` to show the test pattern for [`TEST_SECONDS`] (from its next frame);
    /// false if no output has that id.
    pub fn test(&self, id: u64) -> bool {
        let entries = lock(&self.entries);
        let Some(entry) = entries.iter().find(|e| e.id == id) else {
            return false;
        };
        entry.control.testing.store(true, Ordering::Relaxed);
        entry.control.test_asked.store(true, Ordering::Relaxed);
        true
    }

    /// The outputs on the board, in order.
    pub fn list(&self) -> Vec<BoardEntry> {
        lock(&self.entries).clone()
    }

    /// Wraps `sink` for tests and leaves it for the supervisor (a thread of its own) or the
    /// group thread.
    fn queue(&self, id: u64, sink: Box<dyn Sink>, handle: &OutputHandle) -> Arc<OutputControl> {
        let control = Arc::new(OutputControl::default());
        let shares = sink.shares_thread();
        let waiting = Waiting {
            id,
            sink: Box::new(Testable::new(sink, Arc::clone(&control), handle.leds())),
            control: Arc::clone(&control),
        };
        if shares {
            lock(&self.group_waiting).push(waiting);
            self.group_changed.store(true, Ordering::Release);
            self.wake_group();
        } else {
            lock(&self.waiting).push(waiting);
            self.has_waiting.store(true, Ordering::Release);
        }
        control
    }

    /// Ends output `id`'s thread (or its place in the group), or its wait for either.
    fn halt(&self, id: u64, control: &OutputControl) {
        control.stop.store(true, Ordering::Relaxed);
        lock(&self.waiting).retain(|w| w.id != id);
        lock(&self.group_waiting).retain(|w| w.id != id);
        self.group_changed.store(true, Ordering::Release);
        let mut wakers = lock(&self.wakers);
        if let Some(at) = wakers.iter().position(|(i, _)| *i == id) {
            let (_, thread) = wakers.remove(at);
            thread.unpark();
            self.wakers_version.fetch_add(1, Ordering::Release);
        }
        drop(wakers);
        self.wake_group();
    }

    /// Wakes the group thread (if it runs) to look at its members now.
    fn wake_group(&self) {
        if let Some((_, thread)) = lock(&self.wakers).iter().find(|(i, _)| *i == GROUP) {
            thread.unpark();
        }
    }

    /// True if sinks wait to join a group thread that does not run yet (the supervisor's check).
    pub(crate) fn wants_group(&self) -> bool {
        self.group_changed.load(Ordering::Acquire)
    }

    /// The group thread runs on `thread`: the render thread wakes it from now on.
    pub(crate) fn add_group_waker(&self, thread: Thread) {
        lock(&self.wakers).push((GROUP, thread));
        self.wakers_version.fetch_add(1, Ordering::Release);
    }

    /// The sinks waiting for a thread (the supervisor's pass; one atomic load when none).
    pub(crate) fn take_waiting(&self) -> Vec<Waiting> {
        if !self.has_waiting.swap(false, Ordering::Acquire) {
            return Vec::new();
        }
        std::mem::take(&mut *lock(&self.waiting))
    }

    /// Output `id` runs on `thread`: the render thread wakes it from now on. (If the output
    /// was stopped meanwhile, its thread has seen its flag; it is woken to end now.)
    pub(crate) fn add_waker(&self, id: u64, control: &OutputControl, thread: Thread) {
        let mut wakers = lock(&self.wakers);
        if control.stop.load(Ordering::Relaxed) {
            thread.unpark();
            return;
        }
        wakers.push((id, thread));
        self.wakers_version.fetch_add(1, Ordering::Release);
    }

    /// Stops every output's thread (at the end of the run); they stay listed with their counters.
    pub(crate) fn stop_all(&self) {
        for entry in lock(&self.entries).iter() {
            entry.control.stop.store(true, Ordering::Relaxed);
        }
        for (_, thread) in lock(&self.wakers).drain(..) {
            thread.unpark();
        }
        self.wakers_version.fetch_add(1, Ordering::Release);
    }
}

/// The wakers' key of the group thread (output ids start at 1).
const GROUP: u64 = 0;

/// The board's group thread: runs the sinks that share a thread (see the module doc) until
/// `stop`, taking in new members and finishing stopped ones between passes; at the end it
/// finishes the rest. The lanes' pacing starts afresh when the members change.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_group(
    board: &OutputBoard,
    slot: &FrameSlot,
    stop: &AtomicBool,
    clock: &dyn Clock,
    poll: Duration,
    metrics: &MetricsHub,
    events: &Events,
    offset: &AudioOffset,
) {
    let poll_ns = duration_nanos(poll);
    let mut members: Vec<Waiting> = Vec::new();
    let finish = |member: &mut Waiting| {
        if let Err(err) = member.sink.finish() {
            events.warn(format!("sink {}: {err}", member.sink.name()));
        }
    };
    while !stop.load(Ordering::Relaxed) {
        board.group_changed.store(false, Ordering::SeqCst);
        members.append(&mut lock(&board.group_waiting));
        members.retain_mut(|m| {
            let stopped = m.control.stop.load(Ordering::Relaxed);
            if stopped {
                finish(m);
            }
            !stopped
        });
        let mut sinks: Vec<&mut dyn Sink> = Vec::with_capacity(members.len());
        for member in members.iter_mut() {
            sinks.push(&mut *member.sink);
        }
        let mut runner = SinkRunner::new(&mut sinks, slot.leds());
        while !stop.load(Ordering::Relaxed) && !board.group_changed.load(Ordering::Acquire) {
            let step = runner.step(slot, clock.now(), poll_ns, offset.get(), metrics, events);
            pause(step, clock);
        }
    }
    members.iter_mut().for_each(finish);
}

/// The render thread's copy of the threads to wake after each frame.
#[derive(Default)]
pub(crate) struct LiveWakers {
    version: u64,
    threads: Vec<Thread>,
}

impl LiveWakers {
    /// Wakes every output thread on `board`, first copying the list if it changed and is not
    /// being changed right now (it is then copied on a later frame). Never blocks.
    pub(crate) fn wake(&mut self, board: &OutputBoard) {
        let version = board.wakers_version.load(Ordering::Acquire);
        if version != self.version
            && let Ok(list) = board.wakers.try_lock()
        {
            self.threads.clear();
            self.threads.extend(list.iter().map(|(_, t)| t.clone()));
            self.version = version;
        }
        for thread in &self.threads {
            thread.unpark();
        }
    }
}
