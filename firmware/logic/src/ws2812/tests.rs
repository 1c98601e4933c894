//! The encoding checked the way a strip would read it: the buffer is played out as the SPI
//! would send it in dual mode (two bits a clock, SIO1's above SIO0's, first clock in the top
//! bits), each line's level is cut into high/low pulses timed at the SPI clock, every pulse is
//! classified against the WS2812B datasheet's limits, and the bits found are read back as
//! G, R, B bytes. Any pulse outside the limits, a mid-frame low long enough to latch, or a
//! latch shorter than 280 µs fails the test.

extern crate std;

use std::vec;
use std::vec::Vec;

use super::*;

/// The levels of SIO0 (strip A) and SIO1 (strip B), one per SPI clock, as dual mode sends
/// `bytes`: written from the SPI side, independently of the encoder's bit tricks.
fn lines(bytes: &[u8]) -> (Vec<bool>, Vec<bool>) {
    let (mut sio0, mut sio1) = (Vec::new(), Vec::new());
    for &byte in bytes {
        for clock in 0..4 {
            sio1.push(byte >> (7 - 2 * clock) & 1 == 1);
            sio0.push(byte >> (6 - 2 * clock) & 1 == 1);
        }
    }
    (sio0, sio1)
}

/// What a WS2812B strip makes of one line: the bytes it latches, in wire order, and the low
/// time after the last bit, ns. Panics on a pulse outside the datasheet's limits or a low long
/// enough to latch before the data ends.
fn strip_reads(line: &[bool], timing: &LedTiming) -> (Vec<u8>, u32) {
    let ns = CLOCK_NS;
    // Runs of equal levels, as (level, ns).
    let mut runs: Vec<(bool, u32)> = Vec::new();
    for &level in line {
        match runs.last_mut() {
            Some((l, t)) if *l == level => *t += ns,
            _ => runs.push((level, ns)),
        }
    }
    // A frame starts high (no leading low in the buffer) and ends with the latch's low.
    let mut bits = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let (level, high) = runs[i];
        if !level {
            // Only the final low may be long; any other low must be part of a bit.
            assert_eq!(
                i,
                runs.len() - 1,
                "a low of {high} ns outside a bit at run {i}"
            );
            break;
        }
        let low = runs.get(i + 1).map_or(0, |r| r.1);
        let last = i + 2 >= runs.len();
        // The last bit's low merges with the latch: judge it by its high alone and a low at
        // least as long as the bit needs.
        let bit = if last {
            let as_zero = timing.classify(high, 800.min(low));
            let as_one = timing.classify(high, 400.min(low));
            as_zero.filter(|b| !b).or(as_one.filter(|&b| b))
        } else {
            assert!(
                low < timing.reset_min,
                "a {low} ns low mid-frame would latch"
            );
            timing.classify(high, low)
        };
        let bit =
            bit.unwrap_or_else(|| panic!("pulse {high} ns high, {low} ns low is no WS2812B bit"));
        bits.push(bit);
        i += 2;
    }
    let tail = match runs.last() {
        Some(&(false, t)) => t,
        _ => 0,
    };
    let last_low_of_bit = if bits.last() == Some(&true) { 400 } else { 800 };
    let latch = tail.saturating_sub(if bits.is_empty() { 0 } else { last_low_of_bit });
    assert_eq!(bits.len() % 8, 0, "{} bits is not whole bytes", bits.len());
    let bytes = bits
        .chunks(8)
        .map(|b| b.iter().fold(0u8, |acc, &x| acc << 1 | u8::from(x)))
        .collect();
    (bytes, latch)
}

/// The colours a strip shows, from the bytes it read (G, R, B per LED).
fn colours(wire: &[u8]) -> Vec<Rgb8> {
    wire.chunks_exact(3)
        .map(|c| Rgb8 {
            r: c[1],
            g: c[0],
            b: c[2],
        })
        .collect()
}

/// A small deterministic generator (xorshift32), so the frames are seeded and repeatable.
fn pixels(seed: u32, n: usize) -> Vec<Rgb8> {
    let mut s = seed.max(1);
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s as u8
    };
    (0..n)
        .map(|_| Rgb8 {
            r: next(),
            g: next(),
            b: next(),
        })
        .collect()
}

fn encode(a: &[Rgb8], b: &[Rgb8]) -> Vec<u8> {
    let mut out = vec![0xAA; frame_bytes(a.len().max(b.len())) + 7];
    let n = encode_dual(a, b, &mut out).expect("buffer is large enough");
    assert_eq!(n, frame_bytes(a.len().max(b.len())));
    out.truncate(n);
    out
}

#[test]
fn both_strips_read_back_their_colours_within_the_datasheet_timing() {
    for seed in [1, 7, 0x1234_5678, 0xdead_beef] {
        let a = pixels(seed, 160);
        let b = pixels(seed ^ 0x5555_5555, 160);
        let (sio0, sio1) = lines(&encode(&a, &b));
        let (wire_a, latch_a) = strip_reads(&sio0, &LedTiming::WS2812B);
        let (wire_b, latch_b) = strip_reads(&sio1, &LedTiming::WS2812B);
        assert_eq!(colours(&wire_a), a, "strip A, seed {seed:#x}");
        assert_eq!(colours(&wire_b), b, "strip B, seed {seed:#x}");
        assert!(
            latch_a >= LedTiming::WS2812B.reset_min,
            "latch {latch_a} ns"
        );
        assert!(
            latch_b >= LedTiming::WS2812B.reset_min,
            "latch {latch_b} ns"
        );
    }
}

#[test]
fn black_and_white_extremes_decode() {
    let black = [Rgb8::BLACK; 5];
    let white = [Rgb8 {
        r: 255,
        g: 255,
        b: 255,
    }; 5];
    let (sio0, sio1) = lines(&encode(&black, &white));
    assert_eq!(colours(&strip_reads(&sio0, &LedTiming::WS2812B).0), black);
    assert_eq!(colours(&strip_reads(&sio1, &LedTiming::WS2812B).0), white);
}

#[test]
fn green_goes_first_then_red_then_blue() {
    let red = [Rgb8 {
        r: 0xff,
        g: 0,
        b: 0,
    }];
    let green = [Rgb8 {
        r: 0,
        g: 0xff,
        b: 0,
    }];
    let (sio0, sio1) = lines(&encode(&red, &green));
    let (wire_red, _) = strip_reads(&sio0, &LedTiming::WS2812B);
    let (wire_green, _) = strip_reads(&sio1, &LedTiming::WS2812B);
    assert_eq!(wire_red, [0x00, 0xff, 0x00]);
    assert_eq!(wire_green, [0xff, 0x00, 0x00]);
    // The very first bit of the red strip is green's MSB, a 0: 400 ns high, 800 ns low.
    assert_eq!(&sio0[..3], &[true, false, false]);
    assert_eq!(&sio1[..3], &[true, true, false]);
}

#[test]
fn bit_periods_are_within_the_datasheet() {
    let t = LedTiming::WS2812B;
    let clock = CLOCK_NS;
    assert_eq!(clock, 400);
    assert_eq!(t.classify(clock, 2 * clock), Some(false));
    assert_eq!(t.classify(2 * clock, clock), Some(true));
    // The checker itself refuses what a strip would misread: the old 4-clock-at-3.2-MHz
    // encoding's 625 ns "1" high, and a 1.0 µs + 1.0 µs pulse.
    assert_eq!(t.classify(625, 625), None);
    assert_eq!(t.classify(1000, 1000), None);
}

#[test]
fn the_frame_ends_in_a_latch_of_at_least_280_us() {
    let frame = encode(&pixels(3, 160), &pixels(4, 160));
    let zeros = frame.iter().rev().take_while(|&&b| b == 0).count();
    assert!(zeros >= LATCH_BYTES);
    assert_eq!(LATCH_BYTES, 188);
    assert!(LATCH_BYTES as u32 * 4 * CLOCK_NS >= 280_000);
    // A frame of all-zero pixels still only latches after the data: its last bit ends low.
    let dark = encode(&[Rgb8::BLACK; 160], &[Rgb8::BLACK; 160]);
    let (sio0, _) = lines(&dark);
    let (wire, latch) = strip_reads(&sio0, &LedTiming::WS2812B);
    assert_eq!(wire.len(), 480);
    assert!(latch >= 300_000, "{latch}");
}

#[test]
fn sizes_and_wire_time_for_two_strips_of_160() {
    assert_eq!(BYTES_PER_LED, 18);
    assert_eq!(frame_bytes(160), 160 * 18 + 188);
    assert_eq!(frame_bytes(160), 3068);
    assert_eq!(data_ns(160), 4_608_000);
    assert_eq!(wire_ns(160), 4_908_800);
    // At most 203.7 frames a second (in thousandths, rounded down), whatever the CPU does.
    assert_eq!(1_000_000_000_000 / wire_ns(160), 203_715);
}

#[test]
fn a_shorter_strip_stays_low_while_the_longer_one_finishes() {
    let a = pixels(11, 3);
    let b = pixels(12, 5);
    let (sio0, sio1) = lines(&encode(&a, &b));
    let (wire_a, latch_a) = strip_reads(&sio0, &LedTiming::WS2812B);
    assert_eq!(colours(&wire_a), a);
    assert!(latch_a >= 300_000);
    assert_eq!(colours(&strip_reads(&sio1, &LedTiming::WS2812B).0), b);
}

#[test]
fn a_small_buffer_is_refused_and_left_alone() {
    let mut out = [0x5a; 100];
    let err = encode_dual(&pixels(1, 10), &pixels(2, 10), &mut out).unwrap_err();
    assert_eq!(
        err,
        EncodeError::BufferTooSmall {
            needed: frame_bytes(10),
            got: 100
        }
    );
    assert!(out.iter().all(|&b| b == 0x5a));
}

/// The plain encoder the table-driven one must equal: every WS2812 bit as three clocks of each
/// line, each clock as a pair of bits (SIO1 above SIO0), packed most significant bit first.
fn reference(a: &[Rgb8], b: &[Rgb8]) -> Vec<u8> {
    let mut bits: Vec<bool> = Vec::new();
    let clocks = |p: Option<&Rgb8>| -> Vec<bool> {
        let mut v = Vec::new();
        for byte in p.map_or([0; 3], |p| [p.g, p.r, p.b]) {
            for bit in (0..8).rev() {
                let present = p.is_some();
                v.extend([present, present && byte >> bit & 1 == 1, false]);
            }
        }
        v
    };
    for i in 0..a.len().max(b.len()) {
        let (la, lb) = (clocks(a.get(i)), clocks(b.get(i)));
        for (x, y) in la.iter().zip(&lb) {
            bits.extend([*y, *x]);
        }
    }
    let mut bytes: Vec<u8> = bits
        .chunks(8)
        .map(|c| c.iter().fold(0u8, |acc, &x| acc << 1 | u8::from(x)))
        .collect();
    bytes.extend(core::iter::repeat_n(0, LATCH_BYTES));
    bytes
}

#[test]
fn the_encoder_equals_the_plain_reference() {
    for (na, nb) in [(160, 160), (1, 1), (3, 7), (8, 0), (0, 0)] {
        let a = pixels(na as u32 + 100, na);
        let b = pixels(nb as u32 + 200, nb);
        assert_eq!(encode(&a, &b), reference(&a, &b), "{na} and {nb} LEDs");
    }
}
