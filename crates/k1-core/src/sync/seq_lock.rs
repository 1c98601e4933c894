//! The seqlock that carries each analysis [`Snapshot`](crate::Snapshot) from the audio core to the
//! render core (and parameters the other way): the writer never waits, readers never block it.
//!
//! # Protocol
//!
//! The value lives in `W` atomic 32-bit words beside a sequence number that is odd while a write
//! is in progress. Every access is an atomic operation, so there is no data race for Miri or loom
//! to find, whatever the interleaving; the orderings below make a torn copy detectable.
//!
//! ```text
//! writer                                   reader (one attempt)
//! s = seq (even)                           s1 = seq.load(Acquire)        odd: retry
//! seq.store(s + 1, Relaxed)                words[..] = load(Relaxed)
//! fence(Release)                           fence(Acquire)
//! words[..].store(Relaxed)                 s2 = seq.load(Relaxed)
//! seq.store(s + 2, Release)                s1 == s2: the copy is one whole write
//! ```
//!
//! - If the reader's `s1` is even, its Acquire load synchronises with the `Release` store that
//!   ended that write, so the copy sees at least that write's words.
//! - If any word the reader copied came from a *later* write, that word was stored after the
//!   writer's `fence(Release)`, which the reader's `fence(Acquire)` then synchronises with: the
//!   odd store `s1 + 1` happens-before the load of `s2`, so `s2 != s1` and the copy is discarded.
//!
//! So `s1 == s2` (and even) proves every word came from the one write that `s1` names. That is
//! also what makes rebuilding a `T` from the words sound (see [`Reader`](super::Reader)).
//!
//! The C++ original kept its sequence numbers inside the struct that the writer copied in one
//! `memcpy`, so the copy overwrote them and a reader could not tell a torn read from a whole one.
//! Here only the writer's explicit stores touch `seq`.
//!
//! The sequence number is a `usize`. A reader is fooled only if exactly a multiple of
//! `2^(usize::BITS - 1)` writes complete during one of its attempts (a copy of a few hundred
//! words): impossible with 64 bits, and on a 32-bit MCU at 250 writes a second a reader would have
//! to stall for over three months inside one attempt.

use core::fmt;

use bytemuck::NoUninit;

use super::Reader;
use super::words::Words;
use crate::loom::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering, fence};

/// A single-writer, many-reader exchange of one `Copy` value: the writer never blocks or waits,
/// and each reader gets a consistent copy in bounded time or, failing that, its last good one.
///
/// `W` must be [`word_count::<T>()`](super::word_count) (checked at compile time); write the type
/// as `SeqLock<T, { word_count::<T>() }>`, or use an alias such as
/// [`SnapshotLock`](super::SnapshotLock). `T: NoUninit` (no padding) lets the writer turn a value
/// into words without `unsafe`; the lock keeps its first value so that a new reader has a good copy
/// before its first successful read.
///
/// `new` is a `const fn`, so a lock can be a `static` shared by the audio and render loops:
///
/// ```
/// use k1_core::{Snapshot, SnapshotLock};
///
/// static SNAPSHOTS: SnapshotLock = SnapshotLock::new(Snapshot::EMPTY);
///
/// let mut writer = SNAPSHOTS.writer().expect("the first writer");
/// assert!(SNAPSHOTS.writer().is_none(), "only one writer at a time");
/// let mut reader = SNAPSHOTS.reader();
///
/// let mut snapshot = Snapshot::EMPTY;
/// snapshot.hop = 7;
/// writer.write(&snapshot);
/// assert_eq!(reader.read().hop, 7);
/// assert!(reader.fresh());
/// ```
pub struct SeqLock<T: NoUninit, const W: usize> {
    /// Even when no write is in progress; `2 * writes` (wrapping) between writes.
    seq: AtomicUsize,
    /// Set while a [`Writer`] exists.
    writer: AtomicBool,
    /// The value's bytes, in native byte order.
    words: [AtomicU32; W],
    /// The value the lock was made with: a new reader's copy until its first successful read.
    initial: T,
}

impl<T: NoUninit, const W: usize> SeqLock<T, W> {
    /// A lock holding `value`. A `const fn`, so the lock can be a `static`.
    ///
    /// Fails to compile if `W` is not [`word_count::<T>()`](super::word_count).
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        let init = Words::<T, W>::new(value);
        let mut words = [const { AtomicU32::new(0) }; W];
        let mut i = 0;
        while i < W {
            words[i] = AtomicU32::new(init.word(i));
            i += 1;
        }
        Self {
            seq: AtomicUsize::new(0),
            writer: AtomicBool::new(false),
            words,
            initial: value,
        }
    }

    /// A lock holding `value` (loom's atomics cannot be built in a `const fn`).
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        let init = Words::<T, W>::new(value);
        Self {
            seq: AtomicUsize::new(0),
            writer: AtomicBool::new(false),
            words: core::array::from_fn(|i| AtomicU32::new(init.word(i))),
            initial: value,
        }
    }

    /// The writing end, or `None` while another [`Writer`] exists. Dropping the writer frees the
    /// slot for the next one.
    pub fn writer(&self) -> Option<Writer<'_, T, W>> {
        // Acquire: a new writer sees everything its predecessor did, its last `seq` in particular.
        if self.writer.swap(true, Ordering::Acquire) {
            return None;
        }
        Some(Writer {
            lock: self,
            seq: self.seq.load(Ordering::Relaxed),
            writes: 0,
        })
    }

    /// A new reading end. Any number may exist, on any threads; each keeps its own last good copy
    /// and its own counters. Its copy starts as the value the lock was made with.
    pub fn reader(&self) -> Reader<'_, T, W> {
        Reader::new(self, Words::new(self.initial))
    }

    /// One attempt at a consistent copy into `buf`. Returns the write's sequence number on
    /// success, or `None` if a write was in progress or completed during the copy (then `buf`
    /// holds garbage words that must not be used as a `T`).
    ///
    /// `known` is the sequence number of a copy the caller already holds: if nothing was written
    /// since, the attempt succeeds without copying and `buf` is left alone.
    pub(crate) fn try_read(&self, known: usize, buf: &mut Words<T, W>) -> Option<usize> {
        let s1 = self.seq.load(Ordering::Acquire);
        if s1 == known {
            return Some(s1);
        }
        if s1 & 1 == 1 {
            return None;
        }
        for (i, word) in self.words.iter().enumerate() {
            buf.set_word(i, word.load(Ordering::Relaxed));
        }
        // Orders the word loads before the re-check: if any of them saw a later write, the odd
        // sequence number that write stored first is visible below.
        fence(Ordering::Acquire);
        let s2 = self.seq.load(Ordering::Relaxed);
        (s1 == s2).then_some(s1)
    }
}

impl<T: NoUninit, const W: usize> fmt::Debug for SeqLock<T, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeqLock")
            .field("seq", &self.seq.load(Ordering::Relaxed))
            .field("writer", &self.writer.load(Ordering::Relaxed))
            .field("words", &W)
            .finish()
    }
}

/// The one writing end of a [`SeqLock`], from [`SeqLock::writer`]. It never blocks and never
/// waits: a write is a fixed sequence of stores, whatever the readers do.
pub struct Writer<'a, T: NoUninit, const W: usize> {
    lock: &'a SeqLock<T, W>,
    /// The lock's sequence number; only this writer changes it while it exists.
    seq: usize,
    /// Writes made through this writer.
    writes: u64,
}

impl<T: NoUninit, const W: usize> Writer<'_, T, W> {
    /// Publishes `value`; readers see it from their next [`Reader::read`] on.
    pub fn write(&mut self, value: &T) {
        let lock = self.lock;
        let odd = self.seq.wrapping_add(1);
        lock.seq.store(odd, Ordering::Relaxed);
        // Orders the odd sequence number before every word store below: a reader whose copy
        // includes any of them also sees `odd` (or later) when it re-checks.
        fence(Ordering::Release);

        let (chunks, tail) = bytemuck::bytes_of(value).as_chunks::<4>();
        for (word, chunk) in lock.words.iter().zip(chunks) {
            word.store(u32::from_ne_bytes(*chunk), Ordering::Relaxed);
        }
        if let (false, Some(last)) = (tail.is_empty(), lock.words.last()) {
            let mut bytes = [0; 4];
            bytes[..tail.len()].copy_from_slice(tail);
            last.store(u32::from_ne_bytes(bytes), Ordering::Relaxed);
        }

        // Release: a reader that sees the new even number sees all the words before it.
        self.seq = odd.wrapping_add(1);
        lock.seq.store(self.seq, Ordering::Release);
        self.writes += 1;
    }

    /// Writes made through this writer.
    pub fn writes(&self) -> u64 {
        self.writes
    }
}

impl<T: NoUninit, const W: usize> Drop for Writer<'_, T, W> {
    fn drop(&mut self) {
        // Release: the next writer (Acquire in `SeqLock::writer`) starts from our last `seq`.
        self.lock.writer.store(false, Ordering::Release);
    }
}

impl<T: NoUninit, const W: usize> fmt::Debug for Writer<'_, T, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("writes", &self.writes)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::sync::{MAX_RETRIES, word_count};

    /// Five bytes: the last word is partly padding of the buffer (not of the value).
    type Odd = [u8; 5];
    type OddLock = SeqLock<Odd, { word_count::<Odd>() }>;

    #[test]
    fn round_trip_of_a_size_that_is_not_whole_words() {
        assert_eq!(word_count::<Odd>(), 2);
        let lock = OddLock::new([1, 2, 3, 4, 5]);
        let mut reader = lock.reader();
        assert!(!reader.fresh(), "no read yet");
        assert_eq!(*reader.read(), [1, 2, 3, 4, 5]);
        assert!(reader.fresh());
        assert_eq!(reader.version(), 0);

        let mut writer = lock.writer().expect("first writer");
        writer.write(&[9, 8, 7, 6, 255]);
        assert_eq!(*reader.read(), [9, 8, 7, 6, 255]);
        assert_eq!(reader.version(), 2);
        assert_eq!(writer.writes(), 1);
        assert_eq!((reader.retries(), reader.fallbacks()), (0, 0));
    }

    #[test]
    fn zero_sized_values_need_no_words() {
        let lock = SeqLock::<(), 0>::new(());
        lock.writer().expect("writer").write(&());
        let mut reader = lock.reader();
        reader.read();
        assert!(reader.fresh());
        assert_eq!(reader.version(), 2);
    }

    #[test]
    fn one_writer_at_a_time_and_the_next_continues_the_sequence() {
        let lock = OddLock::new([0; 5]);
        let mut first = lock.writer().expect("first writer");
        assert!(
            lock.writer().is_none(),
            "second writer while the first exists"
        );
        first.write(&[1; 5]);
        drop(first);
        let mut second = lock.writer().expect("the slot is free again");
        assert_eq!(second.writes(), 0, "counts are per writer");
        second.write(&[2; 5]);
        let mut reader = lock.reader();
        assert_eq!(*reader.read(), [2; 5]);
        assert_eq!(reader.version(), 4, "two writes in all");
    }

    #[test]
    fn a_stuck_writer_makes_readers_fall_back_to_their_last_good_copy() {
        let lock = OddLock::new([0; 5]);
        let mut reader = lock.reader();
        lock.writer().expect("writer").write(&[3; 5]);
        assert_eq!(*reader.read(), [3; 5]);

        // A writer preempted halfway: odd sequence number, words half overwritten.
        lock.seq.store(3, Ordering::Relaxed);
        lock.words[0].store(u32::MAX, Ordering::Relaxed);
        assert_eq!(*reader.read(), [3; 5], "the last good copy");
        assert!(!reader.fresh());
        assert_eq!(reader.retries(), u64::from(MAX_RETRIES));
        assert_eq!(reader.fallbacks(), 1);

        // A new reader has only the initial value to fall back to.
        let mut late = lock.reader();
        assert_eq!(*late.read(), [0; 5]);
        assert_eq!(late.fallbacks(), 1);

        // The write completes: both readers catch up.
        lock.words[1].store(u32::MAX, Ordering::Relaxed);
        lock.seq.store(4, Ordering::Release);
        assert_eq!(*reader.read(), [255; 5]);
        assert_eq!(*late.read(), [255; 5]);
        assert!(reader.fresh() && late.fresh());
        assert_eq!(reader.version(), 4);
    }

    #[test]
    fn an_unchanged_sequence_number_reuses_the_held_copy() {
        let lock = OddLock::new([0; 5]);
        let mut reader = lock.reader();
        lock.writer().expect("writer").write(&[4; 5]);
        assert_eq!(*reader.read(), [4; 5]);
        // Words changed without a write (impossible through the API): the reader does not even
        // look at them while the sequence number says nothing changed.
        lock.words[0].store(0, Ordering::Relaxed);
        assert_eq!(*reader.read(), [4; 5]);
        assert!(reader.fresh());
    }

    #[test]
    fn params_fit_the_alias() {
        use crate::ParamsLock;
        use crate::params::Params;
        static LOCK: ParamsLock = ParamsLock::new(Params::DEFAULT);
        let mut reader = LOCK.reader();
        assert_eq!(*reader.read(), Params::DEFAULT);
        let mut params = Params::DEFAULT;
        params.custom[2] = 0.25;
        LOCK.writer().expect("writer").write(&params);
        assert_eq!(*reader.read(), params);
    }

    #[test]
    fn snapshots_fit_the_alias() {
        use crate::{Snapshot, SnapshotLock};
        static LOCK: SnapshotLock = SnapshotLock::new(Snapshot::EMPTY);
        let mut snapshot = Snapshot::EMPTY;
        snapshot.hop = 42;
        snapshot.spectrum[63] = 0.5;
        snapshot.beat = true;
        LOCK.writer().expect("writer").write(&snapshot);
        assert_eq!(*LOCK.reader().read(), snapshot);
    }
}
