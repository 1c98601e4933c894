//! Board configuration: the one file to edit for another board. Pins are chosen in
//! [`crate::board`]; counts, rates and timings live here.

/// LEDs on each of the two strips.
pub const LEDS_PER_STRIP: usize = 160;
/// LEDs in a frame: both strips, index 0 at the far end of strip A (centre-out layout).
pub const LEDS: usize = 2 * LEDS_PER_STRIP;
/// Sample rate the I2S microphone is clocked at. 25.6 kHz puts BCLK (64 × fs = 1.64 MHz) inside
/// the SPH0645's and INMP441's 1.0–4.1 MHz range; k1-core's half-band filter halves it to the
/// engine's 12.8 kHz (`k1_fw_logic::mic::Decimator`). The slot, the sample format and the
/// one-bit-late correction are in `k1_fw_logic::mic`; the slot is a setting.
pub const I2S_RATE_HZ: u32 = 25_600;
/// The LEDs' SPI clock and WS2812 encoding (2.5 MHz, three clocks a bit, a 300 µs latch) are
/// `k1_fw_logic::ws2812`'s; the SPI and its DMA channel are set up in `main.rs`.
/// Frames per second the render task aims for (one per hop). A frame of 2 × 160 LEDs is
/// 4.91 ms on the wire, so the wire allows up to 203.7 (`render.rs` asserts it fits).
pub const FPS: u32 = 200;
/// Heap: the analyser (about 110 KB) and the frame state are boxed into it at boot, so they
/// never sit in a task's stack. The ESP32-C3 (400 KB of SRAM, less than the C6's 512 KB) gets
/// 40 KB less, which its Wi-Fi buffers ([`WIFI_RX_BUFFERS`]) are cut to fit; 8 KB of that went
/// to the stack when the LEDs' two 3 KB DMA buffers became static and the frame state in the
/// heap lost its 30 KB of RMT pulse codes.
pub const HEAP_BYTES: usize = if cfg!(feature = "esp32c3") {
    152 * 1024
} else {
    192 * 1024
};
/// More heap in the RAM the bootloader used (free once the app runs), for the Wi-Fi driver's
/// buffers, its task's stack and the OTA page.
pub const RECLAIMED_HEAP_BYTES: usize = 64 * 1024;
/// Wi-Fi receive buffers (static, dynamic) and transmit buffers (dynamic), 1.6 KB each when in
/// use. esp-radio's defaults (10, 32, 32) on chips with room; fewer on the C3.
pub const WIFI_RX_BUFFERS: (u8, u16) = if cfg!(feature = "esp32c3") {
    (6, 12)
} else {
    (10, 32)
};
/// See [`WIFI_RX_BUFFERS`].
pub const WIFI_TX_BUFFERS: u16 = if cfg!(feature = "esp32c3") { 12 } else { 32 };
/// Label of the settings data partition in `partitions.csv`.
pub const SETTINGS_PARTITION: &str = "settings";
/// How often the main loop reviews the loops' heartbeats and, if all beat, feeds the
/// watchdogs (`watchdog.rs`).
pub const WATCHDOG_REVIEW_MS: u32 = 1_000;
/// Timer group 0's watchdog: resets the system this long after the last feed.
pub const MWDT_TIMEOUT_MS: u32 = 5_000;
/// The RTC watchdog, a backstop on the slow clock: resets the system this long after the last
/// feed.
pub const RWDT_TIMEOUT_MS: u32 = 10_000;
/// How late the feeder may run without a fault: flash erases stall the CPU (an OTA upload
/// erases one 4 KB sector per page, tens of ms each, with the other tasks running in between).
pub const FEEDER_LATE_MS: u32 = 1_000;
