//! Which vector unit the CPU has, for the few hot loops that run faster with wider vectors.
//!
//! The host build targets baseline x86-64 (SSE2) so that `k1` runs on any 64-bit PC. Almost every
//! x86-64 CPU since 2013 also has AVX2, whose 8-lane registers halve the instructions of the
//! spectrum's dot products and the tempo bank's loops. Those loops are written once, in lanes of
//! eight (see `dsp::spectrum::lanes`), and compiled twice: as they are, and inside a function
//! with `#[target_feature(enable = "avx2")]`. This module picks one at run time, with CPUID, as
//! `std`'s feature detection would, but without `std`. No FMA is enabled, so both versions do
//! the same IEEE operations in the same order: their results are identical bit for bit (tested).

/// True when the CPU and the operating system support AVX2 (checked once, then cached).
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[inline]
pub fn has_avx2() -> bool {
    use core::sync::atomic::{AtomicU8, Ordering};
    // 0: not checked yet, 1: no, 2: yes. A race only repeats the check.
    static STATE: AtomicU8 = AtomicU8::new(0);
    match STATE.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let yes = detect_avx2();
            STATE.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
            yes
        }
    }
}

/// Never on other CPUs, and not under Miri (which does not model CPUID).
#[cfg(not(all(target_arch = "x86_64", not(miri))))]
#[inline]
pub fn has_avx2() -> bool {
    false
}

/// CPUID leaf 1 for AVX and OSXSAVE, XCR0 for the OS saving the YMM registers, leaf 7 for AVX2.
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[allow(unused_unsafe)] // `__cpuid` is an `unsafe fn` before Rust 1.94 and safe after.
fn detect_avx2() -> bool {
    use core::arch::x86_64::{__cpuid, __cpuid_count};
    // SAFETY: CPUID exists on every x86-64 CPU and only reads identification registers.
    let max_leaf = unsafe { __cpuid(0) }.eax;
    if max_leaf < 7 {
        return false;
    }
    // SAFETY: as above.
    let leaf1 = unsafe { __cpuid(1) };
    let (osxsave, avx) = (leaf1.ecx & (1 << 27) != 0, leaf1.ecx & (1 << 28) != 0);
    if !(osxsave && avx) {
        return false;
    }
    // SAFETY: OSXSAVE is set, so XGETBV is available.
    let xcr0 = unsafe { xgetbv0() };
    if xcr0 & 0b110 != 0b110 {
        return false; // the OS does not save the XMM and YMM state
    }
    // SAFETY: leaf 7 exists (max_leaf >= 7).
    let leaf7 = unsafe { __cpuid_count(7, 0) };
    leaf7.ebx & (1 << 5) != 0
}

/// XCR0, the register that says which register sets the OS saves on a context switch.
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[target_feature(enable = "xsave")]
unsafe fn xgetbv0() -> u64 {
    // SAFETY: the caller checked OSXSAVE; XGETBV with ECX = 0 reads XCR0.
    unsafe { core::arch::x86_64::_xgetbv(0) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn detection_is_stable() {
        assert_eq!(super::has_avx2(), super::has_avx2());
    }
}
