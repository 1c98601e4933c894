//! Stress test of the snapshot exchange on real threads: one writer publishes as fast as it can,
//! one reader reads as fast as it can, and every value read is verified.
//!
//! Each payload is derived from its write number `n` and carries a checksum over all its words,
//! so a copy mixed from two writes fails the check; the reader also checks that `n` never goes
//! back. Both loops run flat out, so nearly every read overlaps a write: the adversarial case, far
//! denser than the engine's one write per hop. Two payloads: 64 bytes for 10^7 writes, and a whole
//! [`Snapshot`] (1,584 bytes) for 10^6. Each test prints writes, reads, fresh reads, retries,
//! fallbacks and torn reads, and fails on any torn read.
//!
//! Under Miri (`cargo +nightly miri test -p k1-core --test sync_stress`) the counts are cut to a
//! few hundred writes: Miri checks every access for data races and undefined behaviour and
//! explores weak-memory outcomes, which is thousands of times slower.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use bytemuck::NoUninit;
use k1_core::sync::{SeqLock, word_count};
use k1_core::{Snapshot, SnapshotLock};

/// Writes of the small payload.
const SMALL_WRITES: u64 = if cfg!(miri) { 300 } else { 10_000_000 };
/// Writes of whole snapshots.
const SNAPSHOT_WRITES: u64 = if cfg!(miri) { 30 } else { 1_000_000 };

/// A 64-byte payload: a write number, words derived from it, and a checksum over both.
#[derive(Clone, Copy, Debug, PartialEq, NoUninit)]
#[repr(C)]
struct Payload {
    n: u64,
    words: [u32; 12],
    checksum: u64,
}

/// A 64-bit mix (splitmix64's finaliser): every input bit affects every output bit.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A checksum over a write number and a sequence of words.
fn checksum(n: u64, words: impl IntoIterator<Item = u32>) -> u64 {
    words
        .into_iter()
        .fold(mix(n), |sum, w| mix(sum ^ u64::from(w)))
}

impl Payload {
    fn new(n: u64) -> Self {
        let words = std::array::from_fn(|i| mix(n.wrapping_mul(31).wrapping_add(i as u64)) as u32);
        Self {
            n,
            words,
            checksum: checksum(n, words),
        }
    }

    fn is_whole(&self) -> bool {
        *self == Payload::new(self.n) && self.checksum == checksum(self.n, self.words)
    }
}

/// A snapshot whose fields all derive from `n`; `bad_samples` carries the checksum.
fn snapshot(n: u64) -> Snapshot {
    let mut s = Snapshot::EMPTY;
    s.hop = n;
    s.sample_index = mix(n);
    for (i, x) in s.spectrum.iter_mut().enumerate() {
        *x = (mix(n + i as u64) % 1000) as f32;
    }
    s.spectrum_smooth = s.spectrum;
    s.tempo_magnitude.fill(n as f32);
    s.tempo_phase.fill((n % 7) as f32);
    s.bpm = (n % 100) as f32;
    s.beat = n.is_multiple_of(2);
    s.onset = n.is_multiple_of(3);
    s.silent = n.is_multiple_of(5);
    s.bad_samples = snapshot_checksum(&s);
    s
}

fn snapshot_checksum(s: &Snapshot) -> u64 {
    let mut body = *s;
    body.bad_samples = 0;
    let bytes = bytemuck::bytes_of(&body);
    checksum(
        s.hop,
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]])),
    )
}

/// What one run saw.
#[derive(Debug, Default)]
struct Tally {
    writes: u64,
    reads: u64,
    /// Reads that took a consistent copy (of a new or the held value) rather than falling back.
    fresh: u64,
    /// Fresh reads that picked up a newer write than the reader held.
    newer: u64,
    retries: u64,
    fallbacks: u64,
    torn: u64,
}

/// Runs one writer publishing `make(1..=writes)` against one reader that verifies every read
/// with `whole` and checks that `number` never decreases.
fn stress<T: NoUninit + PartialEq + std::fmt::Debug + Send + Sync, const W: usize>(
    name: &str,
    lock: &SeqLock<T, W>,
    writes: u64,
    make: impl Fn(u64) -> T + Sync,
    whole: impl Fn(&T) -> bool + Sync,
    number: impl Fn(&T) -> u64 + Sync,
) -> Tally {
    let done = AtomicBool::new(false);
    let start = Instant::now();
    let tally = std::thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut writer = lock.writer().expect("one writer");
            for n in 1..=writes {
                writer.write(&make(n));
            }
            done.store(true, Ordering::Release);
            writer.writes()
        });

        let mut reader = lock.reader();
        let mut tally = Tally::default();
        let mut last = 0;
        let mut check = |value: &T, tally: &mut Tally| {
            tally.reads += 1;
            if !whole(value) {
                tally.torn += 1;
                eprintln!("{name}: torn read #{}: {value:?}", tally.torn);
                return;
            }
            let n = number(value);
            assert!(n >= last, "{name}: read went back from {last} to {n}");
            last = n;
        };
        while !done.load(Ordering::Acquire) {
            let version = reader.version();
            let value = *reader.read();
            tally.fresh += u64::from(reader.fresh());
            tally.newer += u64::from(reader.version() != version);
            check(&value, &mut tally);
        }
        // The writer has finished: the next read must be the last write, whole and fresh.
        let value = *reader.read();
        assert!(
            reader.fresh(),
            "{name}: read after the writer finished fell back"
        );
        assert_eq!(number(&value), writes, "{name}: last write not seen");
        tally.fresh += 1;
        check(&value, &mut tally);

        tally.writes = writer.join().expect("writer thread");
        tally.retries = reader.retries();
        tally.fallbacks = reader.fallbacks();
        tally
    });
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {} writes, {} reads ({} fresh, {} of a newer write), {} retries, {} fallbacks, {} torn reads in {secs:.2} s",
        tally.writes,
        tally.reads,
        tally.fresh,
        tally.newer,
        tally.retries,
        tally.fallbacks,
        tally.torn
    );
    assert_eq!(tally.writes, writes);
    assert_eq!(tally.torn, 0, "{name}: torn reads");
    assert_eq!(
        tally.reads,
        tally.fresh + tally.fallbacks,
        "{name}: miscounted"
    );
    tally
}

#[test]
fn small_payload_ten_million_writes() {
    assert_eq!(size_of::<Payload>(), 64);
    let lock = SeqLock::<Payload, { word_count::<Payload>() }>::new(Payload::new(0));
    stress(
        "64-byte payload",
        &lock,
        SMALL_WRITES,
        Payload::new,
        Payload::is_whole,
        |p| p.n,
    );
}

#[test]
fn whole_snapshots() {
    let lock = Box::new(SnapshotLock::new(snapshot(0)));
    stress(
        "Snapshot",
        &lock,
        SNAPSHOT_WRITES,
        snapshot,
        |s| *s == snapshot(s.hop) && s.bad_samples == snapshot_checksum(s),
        |s| s.hop,
    );
}

/// The checks themselves must catch a mixed copy, or a clean run would prove nothing.
#[test]
fn the_checks_detect_a_mixed_copy() {
    let (a, b) = (Payload::new(7), Payload::new(8));
    let mut mixed = a;
    mixed.words[5] = b.words[5];
    assert!(a.is_whole() && b.is_whole() && !mixed.is_whole());

    let (s, t) = (snapshot(7), snapshot(8));
    let mut mixed = s;
    mixed.spectrum[40] = t.spectrum[40];
    assert_ne!(mixed.bad_samples, snapshot_checksum(&mixed));
    let mut mixed = s;
    mixed.beat = t.beat;
    assert_ne!(mixed, snapshot(mixed.hop));
}
