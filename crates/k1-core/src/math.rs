//! Float helpers that must be cheap on every target the core runs on.
//!
//! `libm::sqrtf` is a software square root on targets it has no assembly for, the Cortex-M4F
//! among them (about a hundred instructions a call, where the FPU has `vsqrt.f32`). IEEE 754
//! square roots are correctly rounded, so the hardware and software results are identical bit
//! for bit: the QEMU-versus-host checksum (`firmware/mcu-bench`) holds either way.

/// `√x`, correctly rounded (NaN for negative `x`): the FPU instruction on 32-bit Arm with a
/// hardware-float ABI, SSE's `sqrtss` on x86-64 (through the intrinsic, which the compiler can
/// widen to `sqrtps` in a vectorised loop, where `libm`'s inline assembly keeps a loop scalar),
/// `libm` elsewhere.
#[inline(always)]
pub fn sqrt(x: f32) -> f32 {
    #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
    {
        let bits: u32;
        // Single-precision registers cannot be named as operands on stable Rust (the `sreg` class
        // needs the unstable `vfp2` feature gate), so the value goes through core registers and
        // `s15` is saved and restored around the instruction.
        // SAFETY: the block reads and writes only the registers it names or saves and restores,
        // and touches no memory, stack or flags.
        unsafe {
            core::arch::asm!(
                "vmov {tmp}, s15",
                "vmov s15, {x}",
                "vsqrt.f32 s15, s15",
                "vmov {x}, s15",
                "vmov s15, {tmp}",
                x = inout(reg) x.to_bits() => bits,
                tmp = out(reg) _,
                options(pure, nomem, nostack, preserves_flags)
            );
        }
        f32::from_bits(bits)
    }
    #[cfg(target_arch = "x86_64")]
    #[allow(unused_unsafe)] // the SSE intrinsics are `unsafe fn`s before Rust 1.87
    // SAFETY: SSE is part of every x86-64 CPU (the baseline the build targets).
    unsafe {
        use core::arch::x86_64::{_mm_cvtss_f32, _mm_set_ss, _mm_sqrt_ss};
        _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x)))
    }
    #[cfg(not(any(
        all(target_arch = "arm", target_abi = "eabihf"),
        target_arch = "x86_64"
    )))]
    {
        libm::sqrtf(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_libm_bit_for_bit() {
        let mut x = 1e-30f32;
        while x < 1e30 {
            assert_eq!(sqrt(x).to_bits(), libm::sqrtf(x).to_bits(), "{x}");
            x *= 1.37;
        }
        assert_eq!(sqrt(0.0), 0.0);
        assert!(sqrt(-1.0).is_nan());
        assert_eq!(sqrt(f32::INFINITY), f32::INFINITY);
    }
}
