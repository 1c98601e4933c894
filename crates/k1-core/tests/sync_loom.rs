//! Model check of the snapshot exchange: loom runs one writer and two readers through every
//! interleaving (within the preemption bound) and every outcome of the memory model that loom
//! knows, and each read asserts that it got one whole write.
//!
//! The payload is a pair of words that each write sets to the same value `(n, n)`, so a torn copy
//! such as `(2, 1)` is visible; reads must also never go back in time, and a fallback must return
//! the reader's previous copy. The model also counts what it explored and fails unless some
//! execution made a reader retry and some made it fall back. The same model then runs on two
//! deliberately broken seqlocks, each one line away from the real protocol: loom must find their
//! torn reads (`#[should_panic]`), or the model proves nothing.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p k1-core --release --test sync_loom -- --nocapture`
#![cfg(loom)]

use std::sync::Mutex;

use k1_core::sync::{MAX_RETRIES, SeqLock, word_count};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicU32, AtomicUsize, Ordering, fence};
use loom::thread;

/// The payload: both words are equal in every whole write.
type Pair = [u32; 2];

type PairLock = SeqLock<Pair, { word_count::<Pair>() }>;

/// One read as a reader saw it.
#[derive(Clone, Copy, Debug)]
struct Read {
    value: Pair,
    /// False when the reader fell back to its last good copy.
    fresh: bool,
}

/// What one reader saw over its reads.
#[derive(Debug)]
struct Seen {
    reads: Vec<Read>,
    retries: u64,
}

/// An exchange under test: the real seqlock or a broken one.
trait Exchange: Send + Sync + 'static {
    fn with(initial: Pair) -> Self;
    /// Runs on the writer thread: publishes each value in turn.
    fn publish(&self, values: &[Pair]);
    /// Runs on a reader thread: makes `reads` reads with a new reader.
    fn observe(&self, reads: usize) -> Seen;
}

impl Exchange for PairLock {
    fn with(initial: Pair) -> Self {
        PairLock::new(initial)
    }

    fn publish(&self, values: &[Pair]) {
        let mut writer = self.writer().expect("the model has one writer");
        for value in values {
            writer.write(value);
        }
        assert_eq!(writer.writes(), values.len() as u64);
    }

    fn observe(&self, reads: usize) -> Seen {
        let mut reader = self.reader();
        let reads: Vec<Read> = (0..reads)
            .map(|_| {
                let value = *reader.read();
                Read {
                    value,
                    fresh: reader.fresh(),
                }
            })
            .collect();
        let fallbacks = reads.iter().filter(|r| !r.fresh).count() as u64;
        assert_eq!(reader.fallbacks(), fallbacks, "fallbacks miscounted");
        Seen {
            reads,
            retries: reader.retries(),
        }
    }
}

/// Checks what one reader saw: whole writes only, of values that were written, never older than
/// its previous read, and a fallback returns exactly the previous copy.
fn check(seen: &Seen, last_written: u32) {
    let mut previous = [0, 0];
    for read in &seen.reads {
        let [a, b] = read.value;
        assert_eq!(a, b, "torn read: {seen:?}");
        assert!(a <= last_written, "value never written: {seen:?}");
        assert!(a >= previous[0], "read went back in time: {seen:?}");
        if !read.fresh {
            assert_eq!(read.value, previous, "fallback is not the last good copy");
        }
        previous = read.value;
    }
}

/// What the model explored, over all its executions.
#[derive(Debug, Default)]
struct Coverage {
    executions: usize,
    /// Executions in which some read was rejected and retried.
    with_retry: usize,
    /// Executions in which some read fell back to the last good copy.
    with_fallback: usize,
}

/// One writer publishing `(1, 1)` then `(2, 2)` over an initial `(0, 0)`, and two readers reading
/// twice each; afterwards a new reader must see the last write.
fn one_writer_two_readers<E: Exchange>() -> Coverage {
    const WRITES: u32 = 2;
    const READS: usize = 2;
    let coverage = std::sync::Arc::new(Mutex::new(Coverage::default()));
    let total = coverage.clone();
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(move || {
        let lock = Arc::new(E::with([0, 0]));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let lock = lock.clone();
                thread::spawn(move || lock.observe(READS))
            })
            .collect();
        let values: Vec<Pair> = (1..=WRITES).map(|n| [n, n]).collect();
        lock.publish(&values);
        let (mut retried, mut fell_back) = (false, false);
        for reader in readers {
            let seen = reader.join().expect("reader thread");
            check(&seen, WRITES);
            retried |= seen.retries > 0;
            fell_back |= seen.reads.iter().any(|r| !r.fresh);
        }
        let last = lock.observe(1).reads[0];
        assert!(
            last.fresh && last.value == [WRITES, WRITES],
            "after the writer: {last:?}"
        );
        let mut total = total.lock().expect("coverage");
        total.executions += 1;
        total.with_retry += usize::from(retried);
        total.with_fallback += usize::from(fell_back);
    });
    let coverage = std::mem::take(&mut *coverage.lock().expect("coverage"));
    println!("loom explored {coverage:?}");
    coverage
}

#[test]
fn seqlock_never_tears() {
    let coverage = one_writer_two_readers::<PairLock>();
    // The model must have reached the interesting cases, or passing it would prove little.
    assert!(coverage.with_retry > 0, "no execution made a reader retry");
    assert!(
        coverage.with_fallback > 0,
        "no execution made a reader fall back"
    );
}

/// Two threads each try once to take the writer slot and write. At least one gets it; both do
/// only when one had dropped its writer before the other asked, and then the second goes on from
/// the first one's sequence number. Were the slot not exclusive, two writes could overlap and the
/// final sequence number would count fewer writes than were made.
#[test]
fn writer_slot_is_exclusive() {
    loom::model(|| {
        let lock = Arc::new(PairLock::new([0, 0]));
        let try_write = |lock: &PairLock, n: u32| {
            let mut writer = lock.writer()?;
            writer.write(&[n, n]);
            Some(writer.writes())
        };
        let other = {
            let lock = lock.clone();
            thread::spawn(move || try_write(&lock, 1))
        };
        let mine = try_write(&lock, 2);
        let theirs = other.join().expect("writer thread");
        let writes = mine.unwrap_or(0) + theirs.unwrap_or(0);
        assert!(writes >= 1, "neither thread got the writer slot");
        let mut reader = lock.reader();
        let [a, b] = *reader.read();
        assert!(a == b && a >= 1, "after the writers: {:?}", [a, b]);
        assert_eq!(reader.version() as u64, 2 * writes, "writes overlapped");
    });
}

/// A broken seqlock: it copies after an even sequence number but never checks it again.
struct NoRecheck {
    seq: AtomicUsize,
    words: [AtomicU32; 2],
}

/// A subtler break: it re-checks, but without the acquire fence between the copy and the
/// re-check, so the re-check may read a stale sequence number.
struct NoFence(NoRecheck);

impl NoRecheck {
    /// The real writer's protocol.
    fn write(&self, value: &Pair) {
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        for (word, v) in self.words.iter().zip(value) {
            word.store(*v, Ordering::Relaxed);
        }
        self.seq.store(s + 2, Ordering::Release);
    }

    /// The first half of a read attempt: the sequence number seen before the copy, and the copy.
    fn copy(&self) -> Option<(usize, Pair)> {
        let s1 = self.seq.load(Ordering::Acquire);
        if s1 & 1 == 1 {
            return None;
        }
        Some((s1, self.words.each_ref().map(|w| w.load(Ordering::Relaxed))))
    }
}

/// Reads like the real reader: up to [`MAX_RETRIES`] attempts, then the last good copy.
fn observe_with(reads: usize, mut attempt: impl FnMut() -> Option<Pair>) -> Seen {
    let mut last = [0, 0];
    let mut retries = 0;
    let reads = (0..reads)
        .map(|_| {
            for _ in 0..MAX_RETRIES {
                if let Some(value) = attempt() {
                    last = value;
                    return Read { value, fresh: true };
                }
                retries += 1;
                loom::hint::spin_loop();
            }
            Read {
                value: last,
                fresh: false,
            }
        })
        .collect();
    Seen { reads, retries }
}

impl Exchange for NoRecheck {
    fn with(initial: Pair) -> Self {
        Self {
            seq: AtomicUsize::new(0),
            words: initial.map(AtomicU32::new),
        }
    }

    fn publish(&self, values: &[Pair]) {
        values.iter().for_each(|v| self.write(v));
    }

    fn observe(&self, reads: usize) -> Seen {
        // The bug: the copy is accepted without looking at the sequence number again.
        observe_with(reads, || self.copy().map(|(_, value)| value))
    }
}

impl Exchange for NoFence {
    fn with(initial: Pair) -> Self {
        Self(NoRecheck::with(initial))
    }

    fn publish(&self, values: &[Pair]) {
        self.0.publish(values);
    }

    fn observe(&self, reads: usize) -> Seen {
        observe_with(reads, || {
            let (s1, value) = self.0.copy()?;
            // The bug: no `fence(Ordering::Acquire)` here.
            (self.0.seq.load(Ordering::Relaxed) == s1).then_some(value)
        })
    }
}

#[test]
#[should_panic(expected = "torn read")]
fn model_catches_missing_recheck() {
    one_writer_two_readers::<NoRecheck>();
}

#[test]
#[should_panic(expected = "torn read")]
fn model_catches_missing_fence() {
    one_writer_two_readers::<NoFence>();
}
