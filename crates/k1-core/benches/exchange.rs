//! Snapshot exchange cost: what a [`SnapshotLock`] write and read cost for a whole [`Snapshot`],
//! alone and while another core hammers the lock.
//!
//! Cases, each a criterion benchmark in the group `exchange/snapshot`:
//! - `write`: one write, no reader running.
//! - `read_unchanged`: a read when nothing was written since the last one (no copy is made; what
//!   the renderer pays on frames between hops).
//! - `write_then_read`: a write followed by a read that copies it (subtract `write` for the cost of
//!   a copying read).
//! - `read_during_writes`: a read while another thread writes back to back, the worst case for
//!   readers: most attempts overlap a write, so many reads retry or fall back.
//! - `write_during_reads`: a write while another thread reads back to back (the cache lines move
//!   between the cores on every write).
//!
//! After criterion's report, a plain summary gives the mean ns per operation of each case over a
//! fixed time, with the retries, fallbacks and fresh reads of the contended read case. The summary
//! is skipped in criterion's test, list and profile modes. The machine has two cores, so the
//! contended cases need both; on a busy machine they measure the scheduler too.
//!
//! Run: `cargo bench -p k1-core --bench exchange`.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use criterion::Criterion;
use k1_core::{Snapshot, SnapshotLock};

/// Wall time the summary spends on each case.
const SUMMARY_TIME: Duration = Duration::from_secs(1);

/// A snapshot with every field set from `n`, so no two writes are alike.
fn snapshot(n: u64) -> Snapshot {
    let mut s = Snapshot::EMPTY;
    s.hop = n;
    s.sample_index = n * 64;
    s.spectrum.fill(n as f32);
    s.tempo_phase.fill(0.5);
    s.beat = n.is_multiple_of(2);
    s
}

/// A new lock on the heap (it is large), so each case starts alike.
fn lock() -> Box<SnapshotLock> {
    Box::new(SnapshotLock::new(Snapshot::EMPTY))
}

/// Runs `body` while another thread calls `other` until the body is done.
fn with_background<R>(other: impl FnMut() + Send, body: impl FnOnce() -> R) -> R {
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let mut other = other;
        let stop = &stop;
        s.spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                other();
            }
        });
        let result = body();
        stop.store(true, Ordering::Relaxed);
        result
    })
}

fn bench_exchange(c: &mut Criterion) {
    let mut group = c.benchmark_group("exchange/snapshot");
    let values = [snapshot(1), snapshot(2)];

    let lock_w = lock();
    let mut writer = lock_w.writer().expect("one writer");
    let mut n = 0;
    group.bench_function("write", |b| {
        b.iter(|| {
            n += 1;
            writer.write(black_box(&values[n & 1]));
        })
    });

    let lock_r = lock();
    lock_r.writer().expect("one writer").write(&values[0]);
    let mut reader = lock_r.reader();
    group.bench_function("read_unchanged", |b| b.iter(|| reader.read().hop));

    let mut reader = lock_w.reader();
    group.bench_function("write_then_read", |b| {
        b.iter(|| {
            n += 1;
            writer.write(black_box(&values[n & 1]));
            reader.read().hop
        })
    });
    drop(writer);

    let lock_c = lock();
    let mut reader = lock_c.reader();
    let mut background = lock_c.writer().expect("one writer");
    let mut m = 0;
    with_background(
        || {
            m += 1;
            background.write(&values[m & 1]);
        },
        || group.bench_function("read_during_writes", |b| b.iter(|| reader.read().hop)),
    );

    let lock_d = lock();
    let mut writer = lock_d.writer().expect("one writer");
    let mut background = lock_d.reader();
    with_background(
        || {
            black_box(background.read().hop);
        },
        || {
            group.bench_function("write_during_reads", |b| {
                b.iter(|| {
                    n += 1;
                    writer.write(black_box(&values[n & 1]));
                })
            })
        },
    );
    group.finish();
}

/// Mean nanoseconds per call of `op` over [`SUMMARY_TIME`], after a short warm-up.
fn ns_per_op(mut op: impl FnMut()) -> f64 {
    for _ in 0..10_000 {
        op();
    }
    let start = Instant::now();
    let mut ops = 0u64;
    while start.elapsed() < SUMMARY_TIME {
        for _ in 0..1_000 {
            op();
        }
        ops += 1_000;
    }
    start.elapsed().as_nanos() as f64 / ops as f64
}

fn summary() {
    println!();
    println!(
        "summary (Snapshot of {} bytes in {} words; mean over {} s per case):",
        size_of::<Snapshot>(),
        k1_core::word_count::<Snapshot>(),
        SUMMARY_TIME.as_secs_f64()
    );
    let values = [snapshot(1), snapshot(2)];

    let lock_a = lock();
    let mut writer = lock_a.writer().expect("one writer");
    let mut n = 0;
    let write = ns_per_op(|| {
        n += 1;
        writer.write(black_box(&values[n & 1]));
    });
    println!("exchange write:                 {write:8.1} ns");

    let mut reader = lock_a.reader();
    reader.read();
    let unchanged = ns_per_op(|| {
        black_box(reader.read().hop);
    });
    println!("exchange read, unchanged:       {unchanged:8.1} ns");

    let both = ns_per_op(|| {
        n += 1;
        writer.write(black_box(&values[n & 1]));
        black_box(reader.read().hop);
    });
    println!(
        "exchange write + copying read:  {both:8.1} ns (read alone about {:.1} ns)",
        both - write
    );
    drop(writer);

    let lock_c = lock();
    let mut reader = lock_c.reader();
    let mut background = lock_c.writer().expect("one writer");
    let mut m = 0;
    let (mut reads, mut fresh) = (0u64, 0u64);
    let contended = with_background(
        || {
            m += 1;
            background.write(&values[m & 1]);
        },
        || {
            ns_per_op(|| {
                black_box(reader.read().hop);
                reads += 1;
                fresh += u64::from(reader.fresh());
            })
        },
    );
    println!(
        "exchange read during writes:    {contended:8.1} ns ({reads} reads: {fresh} fresh, {} retries, {} fallbacks)",
        reader.retries(),
        reader.fallbacks()
    );

    let lock_d = lock();
    let mut writer = lock_d.writer().expect("one writer");
    let mut background = lock_d.reader();
    let contended = with_background(
        || {
            black_box(background.read().hop);
        },
        || {
            ns_per_op(|| {
                n += 1;
                writer.write(black_box(&values[n & 1]));
            })
        },
    );
    println!("exchange write during reads:    {contended:8.1} ns");
}

/// Whether criterion will really measure (not `cargo test`'s single run, `--list` or `--profile-time`).
fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    has("--bench") && !has("--test") && !has("--list") && !has("--profile-time")
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_exchange(&mut criterion);
    criterion.final_summary();
    if measuring() {
        summary();
    }
}
