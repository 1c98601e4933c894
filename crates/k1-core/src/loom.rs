//! The one place that chooses the atomics: `core`'s normally, loom's model-checked ones under
//! `--cfg loom`, so that `tests/sync_loom.rs` explores every interleaving of the code that ships.
//!
//! Concurrency code imports atomics, fences and spin hints from here and never from `core`
//! directly (the habit of tokio's `src/loom/mod.rs`). loom needs `std`, but the crate stays
//! `#![no_std]` even then: a `no_std` crate may depend on a `std` one and use its types. loom's
//! atomics have no `const fn new`, so code that builds a `static` has a separate constructor under
//! `cfg(loom)`.

/// Atomic types, orderings and fences. On targets without compare-and-swap (the ESP32-C3),
/// portable-atomic's: core's for loads and stores; `swap` is made safe as the binary picks.
pub(crate) mod atomic {
    #[cfg(all(not(loom), target_has_atomic = "8"))]
    pub(crate) use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering, fence};

    #[cfg(all(not(loom), not(target_has_atomic = "8")))]
    pub(crate) use portable_atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering, fence};

    #[cfg(loom)]
    pub(crate) use ::loom::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering, fence};
}

/// Busy-wait hints. Under loom a spin yields to the other modelled threads, which keeps the
/// explored state space finite.
pub(crate) mod hint {
    #[cfg(not(loom))]
    pub(crate) use core::hint::spin_loop;

    #[cfg(loom)]
    pub(crate) use ::loom::hint::spin_loop;
}
