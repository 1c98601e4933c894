//! A reading end of a [`SeqLock`]: bounded-time consistent copies, with the last good copy as the
//! fallback and counters for the engine's metrics.

use core::fmt;

use bytemuck::NoUninit;

use super::SeqLock;
use super::words::Words;
use crate::loom::hint::spin_loop;

/// Attempts one [`Reader::read`] makes before it falls back to the last good copy.
///
/// An attempt fails only when it overlaps a write. The audio side writes once per hop (every few
/// milliseconds) and a write of a snapshot takes about 0.1 µs, so the reader backs off between
/// attempts (doubling from one spin hint, see `backoff_spins`) to let that write finish, instead of
/// burning all its attempts inside it: the first version retried at once, and a read that landed
/// on a write fell back nearly every time. Sixteen attempts with the backoff still cost at most
/// tens of microseconds, well inside a 5 ms frame; after them the writer must have been
/// preempted mid-write, and waiting for the scheduler would stall the render loop.
///
/// Under `--cfg loom` it is 2, so that the model reaches the fallback path in few steps and its
/// state space stays small; the logic is the same.
pub const MAX_RETRIES: u32 = if cfg!(loom) { 2 } else { 16 };

/// The longest pause between two attempts, in spin-loop hints.
const MAX_BACKOFF_SPINS: u32 = 256;

/// Spin-loop hints before attempt `attempt`: none before the first, then 1, 2, 4, … up to
/// [`MAX_BACKOFF_SPINS`]. In all, at most about 2,600 hints (tens of microseconds) per read.
/// Under loom every hint is a scheduling point, so it stays at one.
const fn backoff_spins(attempt: u32) -> u32 {
    if attempt == 0 {
        0
    } else if cfg!(loom) {
        1
    } else {
        let spins = 1u32 << (attempt - 1);
        if spins < MAX_BACKOFF_SPINS {
            spins
        } else {
            MAX_BACKOFF_SPINS
        }
    }
}

/// A reading end of a [`SeqLock`], from [`SeqLock::reader`]. Each reader owns two buffers: the
/// last good copy, which [`Reader::read`] lends out, and a scratch copy it fills on each attempt.
///
/// Reads never block the writer and never wait for it beyond [`MAX_RETRIES`] attempts.
pub struct Reader<'a, T: NoUninit, const W: usize> {
    lock: &'a SeqLock<T, W>,
    /// `bufs[good]` is the last good copy; the other buffer is scratch.
    bufs: [Words<T, W>; 2],
    good: usize,
    /// Sequence number of the write that `bufs[good]` is a copy of (0: the initial value).
    version: usize,
    retries: u64,
    fallbacks: u64,
    fresh: bool,
}

impl<'a, T: NoUninit, const W: usize> Reader<'a, T, W> {
    /// A reader whose good copy is `initial` (the lock's first value).
    pub(crate) fn new(lock: &'a SeqLock<T, W>, initial: Words<T, W>) -> Self {
        Self {
            lock,
            bufs: [initial; 2],
            good: 0,
            version: 0,
            retries: 0,
            fallbacks: 0,
            fresh: false,
        }
    }

    /// The newest value, consistent (all of it from one write), in bounded time.
    ///
    /// Makes up to [`MAX_RETRIES`] attempts; an attempt that sees a write in progress or a
    /// sequence number that changed during the copy counts as a retry. If every attempt fails,
    /// returns the last good copy (the lock's first value if there has been none) and counts a
    /// fallback. When nothing was written since the last good copy, no words are copied.
    pub fn read(&mut self) -> &T {
        self.fresh = false;
        for attempt in 0..MAX_RETRIES {
            // Back off before each retry, doubling from one spin to MAX_BACKOFF_SPINS: the first
            // retries catch a write that is about to finish (one takes ~0.1 µs), the later ones
            // give a writer that was preempted mid-write a few microseconds to resume.
            for _ in 0..backoff_spins(attempt) {
                spin_loop();
            }
            let scratch = &mut self.bufs[self.good ^ 1];
            match self.lock.try_read(self.version, scratch) {
                Some(seq) if seq == self.version => {
                    self.fresh = true;
                    break;
                }
                Some(seq) => {
                    self.good ^= 1;
                    self.version = seq;
                    self.fresh = true;
                    break;
                }
                None => self.retries += 1,
            }
        }
        if !self.fresh {
            self.fallbacks += 1;
        }
        // SAFETY: `bufs[good]` holds the bytes of a valid `T`. It started as `Words::new` of the
        // lock's initial value, and `good` moves only to a scratch buffer that `try_read` filled
        // with a whole copy and then confirmed: the sequence number was even before the copy and
        // unchanged after it, which (see the protocol in `seq_lock.rs`) proves every word came from
        // one `Writer::write`, whose words are exactly the bytes of the `&T` it was given
        // (`T: NoUninit`: no padding, so every byte is initialised). Failed attempts write only
        // the scratch buffer, which is never lent out.
        unsafe { self.bufs[self.good].value() }
    }

    /// Failed attempts so far: each saw a write in progress or a sequence number that changed
    /// during its copy.
    pub fn retries(&self) -> u64 {
        self.retries
    }

    /// Reads so far that gave up after [`MAX_RETRIES`] attempts and returned the last good copy.
    pub fn fallbacks(&self) -> u64 {
        self.fallbacks
    }

    /// Whether the last [`Reader::read`] returned the current value (a new copy, or the held one
    /// when nothing had been written since), rather than falling back. False before any read.
    pub fn fresh(&self) -> bool {
        self.fresh
    }

    /// Identifies the write the held copy came from: it changes exactly when a read picks up a
    /// newer value (0 for the lock's first value). A renderer can compare it with the previous
    /// one to skip work on unchanged parameters.
    pub fn version(&self) -> usize {
        self.version
    }
}

impl<T: NoUninit, const W: usize> fmt::Debug for Reader<'_, T, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("version", &self.version)
            .field("retries", &self.retries)
            .field("fallbacks", &self.fallbacks)
            .field("fresh", &self.fresh)
            .finish_non_exhaustive()
    }
}
