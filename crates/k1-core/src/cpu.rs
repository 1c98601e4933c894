//! Which vector unit the CPU has, for the few hot loops that run faster with wider vectors.
//!
//! The host build targets baseline x86-64 (SSE2) so that `k1` runs on any 64-bit PC. Almost every
//! x86-64 CPU since 2013 also has AVX2, whose 8-lane registers halve the instructions of the
//! spectrum's dot products and the tempo bank's loops. Those loops are written once, in lanes of
//! eight (see `dsp::spectrum::lanes`), and compiled twice: as they are, and inside a function
//! with `#[target_feature(enable = "avx2")]`. This module picks one at run time, with CPUID, as
//! `std`'s feature detection would, but without `std`. No FMA is enabled, so both versions do
//! the same IEEE operations in the same order: their results are identical bit for bit (tested).
//!
//! The CPUID and XCR0 reads are the `cpufeatures` crate's (RustCrypto's, `no_std`): the same
//! checks as `std::is_x86_feature_detected!("avx2")`, but usable in a `no_std` crate, and not
//! ours to get wrong (the bits, the order of the checks, XGETBV only after OSXSAVE). It is a
//! dependency on x86-64 only, so the bare-metal and MCU builds never see it; under Miri, which
//! does not model CPUID, there is no AVX2 path at all.
//!
//! # The scalar switch
//!
//! [`force_portable`] turns the AVX2 paths off for the rest of the process: every later
//! [`Avx2::detect`] says `None`, so every loop runs its portable build, as on a CPU without
//! AVX2. With the `std` feature (the host crates turn it on through k1-io, and k1-core's own tests
//! and benches through its dev-dependency on itself) the environment variable
//! `K1_FORCE_SCALAR=1` does the same, read once, at the first detection: `K1_FORCE_SCALAR=1
//! cargo test -p k1-core` runs the core's tests on the portable paths (a step of `.ci/run`),
//! and `K1_FORCE_SCALAR=1 k1 ...` runs the binary on them.

/// Proof that this CPU and its operating system support AVX2.
///
/// The AVX2 code paths take one of these as an argument, and only [`Avx2::detect`] makes one
/// (the field is private), after the CPU said yes: safe code cannot reach AVX2 instructions on
/// a CPU without them, which is the contract `#[target_feature(enable = "avx2")]` asks callers
/// to keep. (RustFFT's rule: the fast path cannot even be named unless detection succeeded.)
/// Copying it is harmless: a CPU does not lose AVX2.
///
/// ```
/// use k1_core::cpu::Avx2;
/// // The only way to a token: `Some` on an AVX2 CPU, `None` elsewhere.
/// let _maybe: Option<Avx2> = Avx2::detect();
/// ```
///
/// Code outside the module cannot forge one:
///
/// ```compile_fail,E0423
/// let forged = k1_core::cpu::Avx2(());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Avx2(());

impl Avx2 {
    /// The token when the CPU and the operating system support AVX2 (checked once, then
    /// cached); `None` on other CPUs and architectures, and under Miri.
    #[inline]
    pub fn detect() -> Option<Avx2> {
        if has_avx2() { Some(Avx2(())) } else { None }
    }
}

/// Turns the AVX2 paths off for the rest of the process: from now on [`Avx2::detect`] returns
/// `None` (tokens already made stay valid, as the CPU still has AVX2). Call it at start, before
/// any analysis, for one path throughout. Where there is no AVX2 path (other architectures, Miri)
/// there is nothing to turn off.
#[inline]
pub fn force_portable() {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    STATE.store(FORCED, core::sync::atomic::Ordering::Relaxed);
}

/// What detection found, or that the portable paths were forced.
#[cfg(all(target_arch = "x86_64", not(miri)))]
static STATE: core::sync::atomic::AtomicU8 = core::sync::atomic::AtomicU8::new(UNCHECKED);
#[cfg(all(target_arch = "x86_64", not(miri)))]
const UNCHECKED: u8 = 0;
#[cfg(all(target_arch = "x86_64", not(miri)))]
const NO: u8 = 1;
#[cfg(all(target_arch = "x86_64", not(miri)))]
const YES: u8 = 2;
#[cfg(all(target_arch = "x86_64", not(miri)))]
const FORCED: u8 = 3;

/// True when the CPU and the operating system support AVX2 and the portable paths were not
/// forced (checked once, then cached).
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[inline]
fn has_avx2() -> bool {
    use core::sync::atomic::Ordering;
    match STATE.load(Ordering::Relaxed) {
        YES => true,
        NO | FORCED => false,
        _ => {
            let found = if forced_by_env() {
                FORCED
            } else if detect_avx2() {
                YES
            } else {
                NO
            };
            // Racing detections find the same; a `force_portable` in between wins.
            match STATE.compare_exchange(UNCHECKED, found, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => found == YES,
                Err(now) => now == YES,
            }
        }
    }
}

/// Whether the environment says `K1_FORCE_SCALAR=1` (only with `std`; any other value, or none,
/// leaves the choice to the CPU).
#[cfg(all(target_arch = "x86_64", not(miri)))]
fn forced_by_env() -> bool {
    #[cfg(feature = "std")]
    return std::env::var_os("K1_FORCE_SCALAR").is_some_and(|v| v == "1");
    #[cfg(not(feature = "std"))]
    false
}

/// Never on other CPUs, and not under Miri (which does not model CPUID).
#[cfg(not(all(target_arch = "x86_64", not(miri))))]
#[inline]
fn has_avx2() -> bool {
    false
}

// `avx2_cpuid::get()`: CPUID and XCR0 through the `cpufeatures` crate (cached in its own atomic).
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(avx2_cpuid, "avx2");

/// CPUID says AVX2 (leaf 7; leaf 1's AVX too) and XCR0 says the OS saves the YMM registers
/// (with leaf 1's XSAVE and OSXSAVE before XGETBV is read).
#[cfg(all(target_arch = "x86_64", not(miri)))]
fn detect_avx2() -> bool {
    avx2_cpuid::get()
}

/// The token for a test that compares the AVX2 path with the portable one, after checking that
/// detection gave what this process expects: none under `K1_FORCE_SCALAR=1`, else whatever
/// `std`'s detection says. A comparison skipped for want of a token is then skipped only where
/// it must be (the switch, or a CPU without AVX2), never because detection broke.
#[cfg(all(test, target_arch = "x86_64"))]
pub(crate) fn avx2_for_tests() -> Option<Avx2> {
    let token = Avx2::detect();
    let forced = std::env::var_os("K1_FORCE_SCALAR").is_some_and(|v| v == "1");
    let expected = !forced && !cfg!(miri) && std::is_x86_feature_detected!("avx2");
    assert_eq!(
        token.is_some(),
        expected,
        "AVX2 detection (K1_FORCE_SCALAR=1: {forced}) disagrees with std's"
    );
    token
}

#[cfg(test)]
mod tests {
    #[test]
    fn detection_is_stable() {
        assert_eq!(super::Avx2::detect(), super::Avx2::detect());
    }
}
