//! The unpacking checked against frames made the way the hardware makes them: a simulated
//! serial line (Philips framing, the microphone driving only its slot, 18 bits then driven
//! zeros then an undriven line) latched into 32-bit little-endian slot words, and against
//! literal byte layouts of the DMA buffer.

extern crate std;

use std::vec::Vec;

use super::*;

/// What an undriven line reads.
#[derive(Clone, Copy)]
enum Undriven {
    /// A pull-down (or the line's charge leaking away).
    Low,
    /// A pull-up.
    High,
}

/// A microphone on the wire: which slot it drives and what the line reads when nobody drives.
struct Wire {
    slot: Slot,
    undriven: Undriven,
}

impl Wire {
    /// The line's level at each bit clock for `samples` (18-bit values), one frame each. Clock
    /// 0 of a frame is the word-select edge to the left slot; a slot's 32 bits are latched at
    /// its clocks 1..=32 (Philips: the MSB one clock after the edge), so its last bit is at the
    /// next slot's clock 0.
    fn line(&self, samples: &[i32]) -> Vec<bool> {
        let idle = matches!(self.undriven, Undriven::High);
        let mut line = Vec::new();
        for &s in samples {
            assert!((-(1 << 17)..(1 << 17)).contains(&s));
            for slot in [Slot::Left, Slot::Right] {
                // Clock 0 of this slot: the previous slot's bit 0 (undriven).
                line.push(idle);
                let word24 = ((s as u32) << 6) & 0xff_ffff; // 18 bits, then 6 driven zeros
                for k in 0..31 {
                    let driven = slot == self.slot && k < 24;
                    line.push(if driven {
                        word24 >> (23 - k) & 1 == 1
                    } else {
                        idle
                    });
                }
            }
        }
        line.push(idle);
        line
    }
}

/// The DMA buffer a receiver fills from `line`, latching each slot's bits at clocks 1..=32 of
/// the slot, or one clock late (`late`: it sees, at each clock, the bit meant for the clock
/// before).
fn receive(line: &[bool], frames: usize, late: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    for f in 0..frames {
        for s in 0..2 {
            let start = f * 64 + s * 32 + 1;
            let mut word = 0u32;
            for k in 0..32 {
                let at = start + k - usize::from(late);
                word = word << 1 | u32::from(line[at]);
            }
            bytes.extend_from_slice(&word.to_le_bytes());
        }
    }
    bytes
}

fn frame(bytes: &[u8], i: usize) -> &[u8; FRAME_BYTES] {
    bytes[i * FRAME_BYTES..(i + 1) * FRAME_BYTES]
        .try_into()
        .unwrap()
}

/// Edge values and a few in between, 18-bit.
const VALUES: [i32; 9] = [0, 1, -1, 2, -2, 131_071, -131_072, 12_345, -54_321];

#[test]
fn both_slots_signs_and_18_bit_alignment_from_the_wire() {
    for slot in [Slot::Left, Slot::Right] {
        for undriven in [Undriven::Low, Undriven::High] {
            let wire = Wire { slot, undriven };
            let bytes = receive(&wire.line(&VALUES), VALUES.len(), false);
            let format = MicFormat {
                slot,
                late_bit: false,
            };
            for (i, &v) in VALUES.iter().enumerate() {
                let word = slot_word(frame(&bytes, i), slot);
                assert_eq!(
                    sample_18(word, false),
                    v,
                    "{slot:?} frame {i}: word {word:#010x}"
                );
                assert_eq!(pad_bits(word, false), 0, "driven zeros below the sample");
                assert_eq!(sample(frame(&bytes, i), format), v as f32 / FULL_SCALE);
            }
        }
    }
}

#[test]
fn literal_dma_layouts() {
    // Left slot first, each a little-endian word with the sample in bits 31..14; the right
    // slot here is an undriven line pulled low. Words: 0x0000_4000 (+1), 0xffff_c000 (-1),
    // 0x7fff_c000 (largest), 0x8000_0000 (smallest), 0x0000_40ff (+1, undriven low byte high).
    let frames: [([u8; 8], i32); 5] = [
        ([0x00, 0x40, 0x00, 0x00, 0, 0, 0, 0], 1),
        ([0x00, 0xc0, 0xff, 0xff, 0, 0, 0, 0], -1),
        ([0x00, 0xc0, 0xff, 0x7f, 0, 0, 0, 0], 131_071),
        ([0x00, 0x00, 0x00, 0x80, 0, 0, 0, 0], -131_072),
        ([0xff, 0x40, 0x00, 0x00, 0, 0, 0, 0], 1),
    ];
    for (bytes, v) in frames {
        let left = MicFormat {
            slot: Slot::Left,
            late_bit: false,
        };
        assert_eq!(sample_18(slot_word(&bytes, Slot::Left), false), v);
        assert_eq!(pad_bits(slot_word(&bytes, Slot::Left), false), 0);
        assert_eq!(sample(&bytes, left), v as f32 / FULL_SCALE);
        assert_eq!(sample_18(slot_word(&bytes, Slot::Right), false), 0);
        // The same words in the right slot.
        let mut swapped = [0u8; 8];
        swapped[4..].copy_from_slice(&bytes[..4]);
        let right = MicFormat {
            slot: Slot::Right,
            late_bit: false,
        };
        assert_eq!(sample(&swapped, right), v as f32 / FULL_SCALE);
    }
    // And the wire model agrees with these layouts.
    let wire = Wire {
        slot: Slot::Left,
        undriven: Undriven::Low,
    };
    let bytes = receive(&wire.line(&[1, -1]), 2, false);
    assert_eq!(frame(&bytes, 0), &[0x00, 0x40, 0x00, 0x00, 0, 0, 0, 0]);
    assert_eq!(frame(&bytes, 1), &[0x00, 0xc0, 0xff, 0xff, 0, 0, 0, 0]);
}

#[test]
fn a_capture_one_clock_late_is_seen_in_the_pad_bits_and_undone_by_late_bit() {
    // Noise-like samples, so about half have their lowest bit set.
    let values: Vec<i32> = (0..400)
        .map(|i: i32| (i * 7919 % 65_521) - 32_760)
        .collect();
    for slot in [Slot::Left, Slot::Right] {
        for undriven in [Undriven::Low, Undriven::High] {
            let wire = Wire { slot, undriven };
            let bytes = receive(&wire.line(&values), values.len(), true);
            let mut as_set = SlotProbe::new();
            let mut corrected = SlotProbe::new();
            let plain = MicFormat {
                slot,
                late_bit: false,
            };
            let fixed = MicFormat {
                slot,
                late_bit: true,
            };
            let mut wrong = 0;
            for (i, &v) in values.iter().enumerate() {
                let f = frame(&bytes, i);
                as_set.push(f, plain);
                corrected.push(f, fixed);
                assert_eq!(
                    sample_18(slot_word(f, slot), true),
                    v,
                    "late_bit restores frame {i}"
                );
                if sample_18(slot_word(f, slot), false) != v {
                    wrong += 1;
                }
            }
            assert!(
                wrong > values.len() * 9 / 10,
                "read as set, the samples are wrong"
            );
            let r = as_set.take().unwrap();
            assert!(r.mostly_misaligned(), "{r:?}");
            let r = corrected.take().unwrap();
            assert_eq!(r.misaligned, 0);
            assert!(!r.mostly_misaligned());
        }
    }
}

#[test]
fn the_probe_finds_the_microphone_in_the_other_slot() {
    let values: Vec<i32> = (0..256).map(|i: i32| (i * 104_729 % 2001) - 1000).collect();
    for (wired, set) in [(Slot::Right, Slot::Left), (Slot::Left, Slot::Right)] {
        for undriven in [Undriven::Low, Undriven::High] {
            let bytes = receive(
                &Wire {
                    slot: wired,
                    undriven,
                }
                .line(&values),
                values.len(),
                false,
            );
            let mut probe = SlotProbe::new();
            for i in 0..values.len() {
                probe.push(
                    frame(&bytes, i),
                    MicFormat {
                        slot: set,
                        late_bit: false,
                    },
                );
            }
            let r = probe.take().unwrap();
            assert_eq!(r.frames, values.len() as u32);
            assert_eq!(r.wrong_slot(set), Some(wired), "{r:?}");
            assert_eq!(r.wrong_slot(wired), None);
            assert!(probe.take().is_none(), "take starts again");
        }
    }
}

#[test]
fn the_k1_default_is_the_left_slot() {
    assert_eq!(
        MicFormat::default(),
        MicFormat {
            slot: Slot::Left,
            late_bit: false
        }
    );
    assert_eq!(Slot::Left.as_str(), "left");
    assert_eq!(Slot::Right.as_str(), "right");
}

/// Amplitude (RMS·√2) after the decimator of a sine at `hz` sampled at 25.6 kHz and quantised
/// to 18 bits, framed as the DMA writes it, fed in DMA-sized pieces.
fn decimated_amplitude(hz: f64) -> f64 {
    const RATE: f64 = 25_600.0;
    let n = 25_600;
    let values: Vec<i32> = (0..n)
        .map(|i| {
            (0.5 * (2.0 * core::f64::consts::PI * hz * i as f64 / RATE).sin() * 131_071.0) as i32
        })
        .collect();
    let bytes = receive(
        &Wire {
            slot: Slot::Left,
            undriven: Undriven::Low,
        }
        .line(&values),
        n,
        false,
    );
    let mut d = Decimator::new();
    let mut out = Vec::new();
    let mut scratch = [0.0f32; 128];
    // 1000 bytes: 125 frames, an odd count, so the filter's phase carries across calls.
    for piece in bytes.chunks(1000) {
        let k = d.process(piece, MicFormat::DEFAULT, &mut scratch);
        out.extend_from_slice(&scratch[..k]);
    }
    assert_eq!(out.len(), n / 2);
    let settled = &out[200..];
    let power: f64 = settled
        .iter()
        .map(|&y| (y as f64) * (y as f64))
        .sum::<f64>()
        / settled.len() as f64;
    (2.0 * power).sqrt() / 0.5
}

#[test]
fn decimation_keeps_the_band_and_removes_what_would_alias() {
    // The analysed band passes (the half-band filter is flat to 3.84 kHz).
    for hz in [100.0, 1_000.0, 3_000.0] {
        let g = decimated_amplitude(hz);
        assert!((g - 1.0).abs() < 0.01, "{hz} Hz: gain {g}");
    }
    // Above 8.96 kHz nothing comes through to fold onto the band: at least 60 dB down. The
    // pair average it replaces passed 10 kHz at cos(pi * 10 / 25.6) = 0.34 (-9 dB).
    for hz in [9_500.0, 10_000.0, 12_000.0] {
        let g = decimated_amplitude(hz);
        assert!(g < 1e-3, "{hz} Hz: gain {g}");
    }
    let pair_average_10k = (core::f64::consts::PI * 10_000.0 / 25_600.0).cos();
    assert!(pair_average_10k > 0.3);
}
