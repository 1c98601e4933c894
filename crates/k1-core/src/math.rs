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

/// `ln x` for `x ≥ 1` (and `x` itself for +∞ and NaN): bit for bit what `libm::logf` returns
/// there, with the same operations in the same order, but without its branches for zero,
/// negative and subnormal input, which cannot occur, so a map over an array of them runs in
/// vectors. Below 1 the result is meaningless (tested bit for bit against `libm` from 1 up).
#[inline(always)]
pub fn ln_at_least_one(x: f32) -> f32 {
    // libm's logf (FreeBSD e_logf.c), normal-number path.
    // The constants by their bits, as libm gives them.
    const LN2_HI: f32 = f32::from_bits(0x3f31_7180);
    const LN2_LO: f32 = f32::from_bits(0x3717_f7d1);
    const LG1: f32 = f32::from_bits(0x3f2a_aaaa);
    const LG2: f32 = f32::from_bits(0x3ecc_ce13);
    const LG3: f32 = f32::from_bits(0x3e91_e9ee);
    const LG4: f32 = f32::from_bits(0x3e78_9e26);
    let bits = x.to_bits();
    // Reduce x into [√2/2, √2): x = 2^k · m.
    let ix = bits.wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let k = (ix >> 23) as i32 - 0x7f;
    let m = f32::from_bits((ix & 0x007f_ffff) + 0x3f35_04f3);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * LG4);
    let t2 = z * (LG1 + w * LG3);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let dk = k as f32;
    let ln = s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
    // +∞ and NaN (either sign) come back unchanged, as `libm` does for them.
    if bits & 0x7fff_ffff >= 0x7f80_0000 {
        x
    } else {
        ln
    }
}

/// `libm::floorf(x)`, bit for bit, for any `x`; quicker for the usual `x` in `+0 .. 2^23`.
///
/// Neither a baseline x86_64 nor the Cortex-M4F's FPU has a rounding instruction, so `floorf`
/// is a software routine. For a float whose bits are below those of `2^23` (sign clear, so `+0`
/// up, not `−0`), truncating to an integer and back is exact and equals the floor; everything
/// else (negatives, `−0`, large values, infinities, NaN) goes to `floorf`.
#[inline]
pub fn floor(x: f32) -> f32 {
    const TWO_POW_23_BITS: u32 = 0x4b00_0000;
    if x.to_bits() < TWO_POW_23_BITS {
        (x as u32) as f32
    } else {
        libm::floorf(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_matches_libm_bit_for_bit_from_one_up() {
        // Every float in [1, 2) and [2^20, 2^20·2) (the reduction's two ends of the mantissa),
        // and a stride through all the rest up to the largest finite float.
        let mut checked = 0u32;
        let one = 1.0f32.to_bits();
        let big = 1048576.0f32.to_bits();
        let ranges = [
            (one, one + 0x80_0000, 1),
            (big, big + 0x80_0000, 1),
            (one, 0x7f7f_ffff, 97),
        ];
        for (start, end, step) in ranges {
            let mut b = start;
            while b < end {
                let x = f32::from_bits(b);
                assert_eq!(
                    ln_at_least_one(x).to_bits(),
                    libm::logf(x).to_bits(),
                    "ln {x}"
                );
                checked += 1;
                b += step;
            }
        }
        assert!(checked > 10_000_000);
        assert_eq!(ln_at_least_one(1.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(ln_at_least_one(f32::MAX), libm::logf(f32::MAX));
        assert_eq!(ln_at_least_one(f32::INFINITY), f32::INFINITY);
        assert!(ln_at_least_one(f32::NAN).is_nan());
        assert!(ln_at_least_one(-f32::NAN).is_nan());
    }

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
