//! The I2S microphone: from the bytes the receiver's DMA writes to samples at the engine's
//! rate.
//!
//! # The wire and the buffer
//!
//! The firmware clocks the microphone (SPH0645LM4H on the K1 reference board; an INMP441 works
//! the same way) with Philips-standard I2S: 64 bit clocks per frame, two 32-bit slots, word
//! select low for the left slot, each sample's MSB one bit clock after the word-select edge.
//! The microphone drives only the slot its select pin picks (SPH0645 `SEL`, INMP441 `L/R`): low
//! → left, high → right; during the other slot its output is high-impedance. Its sample is
//! 24-bit two's complement, MSB first; the SPH0645 has 18 bits of precision and drives the six
//! below them as zeros, then lets go of the line for the slot's last 8 bits.
//!
//! The receiver stores each slot as a little-endian 32-bit word, MSB at bit 31, left slot
//! first. So in a slot word the sample is bits 31..14, bits 13..8 are driven zeros, and bits
//! 7..0 are whatever an undriven line reads ([`sample_18`], [`pad_bits`]).
//!
//! # The SPH0645 timing quirk
//!
//! On the original ESP32 the SPH0645 is known to come out misaligned by one bit with the
//! receiver's default set-up; WLED and others set the receiver's Philips (MSB-shift) mode and a
//! delayed input sampling through undocumented registers of that chip. The firmware already uses
//! Philips framing ([`FRAMING`]), which is what the SPH0645 sends and what later drivers found
//! to be enough on the newer chips. What the firmware cannot know without a board is whether a
//! given board's signal delays still make the receiver latch each bit one clock late. If they
//! do, every slot word is the sample shifted right by one, bit 31 carries the other slot's last
//! bit, and the sample's lowest bit lands in bit 13, which must be zero: so [`SlotProbe`] counts
//! frames with non-zero pad bits, the audio task logs it, and the `late_bit` setting
//! ([`MicFormat::late_bit`]) shifts the word back before the sample is taken.
//!
//! # Decimation
//!
//! The microphone runs at 25.6 kHz, because its bit clock must be at least about 1 MHz
//! (64 × 25.6 kHz = 1.64 MHz); the engine runs at 12.8 kHz. [`Decimator`] halves the rate with
//! k1-core's half-band filter (flat to 0.15 of the input rate, 3.84 kHz, and about 70 dB down
//! from 0.35, 8.96 kHz), where the firmware used to average pairs of samples: that average is
//! only 3 dB down at the new Nyquist frequency (6.4 kHz) and 9 dB down at 10 kHz, so hi-hats
//! folded back onto the analysed band.

use k1_core::dsp::halfband::HalfBand;
use serde::{Deserialize, Serialize};

/// Bytes per stereo frame in the DMA buffer: two 32-bit slots.
pub const FRAME_BYTES: usize = 8;
/// Full scale of an 18-bit sample.
pub const FULL_SCALE: f32 = (1u32 << 17) as f32;
/// The framing the firmware programs (for the docs and the log).
pub const FRAMING: &str = "Philips I2S, 2 x 32-bit slots, MSB one BCLK after WS";

/// Which I2S slot carries the microphone's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Slot {
    /// Word select low: the select pin tied low (SPH0645 `SEL` or INMP441 `L/R` to GND).
    Left,
    /// Word select high: the select pin tied high (to 3V3).
    Right,
}

impl Slot {
    /// The slot's name in the API and the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Left => "left",
            Slot::Right => "right",
        }
    }
}

/// How to read the microphone: a setting (`settings::Settings::mic`), changed through
/// `/api/device/microphone`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicFormat {
    /// The slot the microphone drives.
    pub slot: Slot,
    /// The receiver latches each bit one clock late: shift the slot word back by one.
    pub late_bit: bool,
}

impl MicFormat {
    /// The K1 wiring: the SPH0645's `SEL` tied to GND, so its data is in the left slot (the
    /// common breakouts tie or pull `SEL` low too), and no bit correction.
    pub const DEFAULT: MicFormat = MicFormat {
        slot: Slot::Left,
        late_bit: false,
    };
}

impl Default for MicFormat {
    fn default() -> Self {
        MicFormat::DEFAULT
    }
}

/// The 32-bit word of `slot` in one stereo frame as the DMA wrote it.
pub fn slot_word(frame: &[u8; FRAME_BYTES], slot: Slot) -> u32 {
    let at = match slot {
        Slot::Left => 0,
        Slot::Right => 4,
    };
    u32::from_le_bytes([frame[at], frame[at + 1], frame[at + 2], frame[at + 3]])
}

/// The word as the microphone sent it: with `late_bit`, shifted back by one (the stray top
/// bit, from the slot before, falls off).
fn aligned(word: u32, late_bit: bool) -> u32 {
    if late_bit { word << 1 } else { word }
}

/// The 18-bit two's-complement sample of a slot word (bits 31..14), sign-extended.
pub fn sample_18(word: u32, late_bit: bool) -> i32 {
    (aligned(word, late_bit) as i32) >> 14
}

/// Bits 13..8 of the aligned word: zeros an SPH0645 drives below its 18-bit sample. Non-zero
/// means the word is not aligned as set (or the microphone has more than 18 bits, like the
/// INMP441's 24, which is harmless: they are dropped).
pub fn pad_bits(word: u32, late_bit: bool) -> u32 {
    (aligned(word, late_bit) >> 8) & 0x3f
}

/// One frame's sample in -1..1.
pub fn sample(frame: &[u8; FRAME_BYTES], format: MicFormat) -> f32 {
    sample_18(slot_word(frame, format.slot), format.late_bit) as f32 / FULL_SCALE
}

/// What [`SlotProbe`] saw over a stretch of frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotReport {
    /// Frames seen.
    pub frames: u32,
    /// Frames in which the left and the right slot's sample changed from the frame before. A
    /// driven slot changes in nearly every frame (a microphone's noise floor is well above one
    /// 18-bit step); an undriven one holds what its pull or the line's charge gives.
    pub changes: [u32; 2],
    /// Frames whose selected slot had non-zero pad bits ([`pad_bits`]).
    pub misaligned: u32,
}

impl SlotReport {
    fn active(&self, i: usize) -> bool {
        self.frames > 0 && self.changes[i] > self.frames / 4
    }

    /// The other slot, if the data seems to be there and not in `selected`: the select pin is
    /// wired the other way from the setting.
    pub fn wrong_slot(&self, selected: Slot) -> Option<Slot> {
        let (sel, other, other_slot) = match selected {
            Slot::Left => (0, 1, Slot::Right),
            Slot::Right => (1, 0, Slot::Left),
        };
        (!self.active(sel) && self.active(other)).then_some(other_slot)
    }

    /// Whether most frames had pad bits set: the bits are likely latched a clock late (try
    /// `late_bit`), or the microphone is not an 18-bit one.
    pub fn mostly_misaligned(&self) -> bool {
        self.frames > 0 && self.misaligned > self.frames / 4
    }
}

/// Watches the raw frames for the two wiring faults the firmware can tell from the data: the
/// microphone in the other slot, and a capture one bit off.
#[derive(Clone, Debug, Default)]
pub struct SlotProbe {
    prev: [i32; 2],
    report: Option<SlotReport>,
}

impl SlotProbe {
    /// A probe that has seen nothing.
    pub const fn new() -> Self {
        SlotProbe {
            prev: [0; 2],
            report: None,
        }
    }

    /// Looks at one frame.
    pub fn push(&mut self, frame: &[u8; FRAME_BYTES], format: MicFormat) {
        let r = self.report.get_or_insert(SlotReport {
            frames: 0,
            changes: [0; 2],
            misaligned: 0,
        });
        r.frames += 1;
        for (i, slot) in [Slot::Left, Slot::Right].into_iter().enumerate() {
            let s = sample_18(slot_word(frame, slot), format.late_bit);
            if s != self.prev[i] {
                r.changes[i] += 1;
            }
            self.prev[i] = s;
        }
        if pad_bits(slot_word(frame, format.slot), format.late_bit) != 0 {
            r.misaligned += 1;
        }
    }

    /// What it saw since the last call, and starts again.
    pub fn take(&mut self) -> Option<SlotReport> {
        self.report.take()
    }
}

/// Whole stereo frames to samples at half the I2S rate, through k1-core's half-band filter.
#[derive(Clone)]
pub struct Decimator {
    filter: HalfBand,
}

impl Decimator {
    /// A decimator with an empty history.
    pub fn new() -> Self {
        Decimator {
            filter: HalfBand::new(),
        }
    }

    /// Converts the whole frames in `bytes` (a multiple of [`FRAME_BYTES`]) and decimates them
    /// 2:1 into the front of `out`, which must hold one sample per frame. Returns how many
    /// samples at the lower rate lead `out`.
    pub fn process(&mut self, bytes: &[u8], format: MicFormat, out: &mut [f32]) -> usize {
        let frames = bytes.len() / FRAME_BYTES;
        let out = &mut out[..frames];
        for (o, frame) in out.iter_mut().zip(bytes.chunks_exact(FRAME_BYTES)) {
            let frame: &[u8; FRAME_BYTES] = frame.try_into().expect("chunks_exact");
            *o = sample(frame, format);
        }
        self.filter.decimate_in_place(out)
    }
}

impl Default for Decimator {
    fn default() -> Self {
        Decimator::new()
    }
}

#[cfg(test)]
mod tests;
