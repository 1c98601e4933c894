//! Which pins do what, per chip: the reference ESP32-S3 board and generic C6/C3 boards. The only
//! place that names GPIOs. `board_pins!(peripherals)` moves the pins out of the peripherals.

use esp_hal::gpio::AnyPin;

/// The pins the firmware uses.
pub struct Pins {
    /// I2S bit clock to the microphone.
    pub bclk: AnyPin<'static>,
    /// I2S word select (LRCLK).
    pub ws: AnyPin<'static>,
    /// I2S data from the microphone.
    pub din: AnyPin<'static>,
    /// Data line of strip A.
    pub strip_a: AnyPin<'static>,
    /// Data line of strip B.
    pub strip_b: AnyPin<'static>,
}

/// ESP32-S3 reference: SPH0645 on BCLK 14, LRCLK 12, DIN 13; strips on GPIO 5 and 4.
#[cfg(feature = "esp32s3")]
macro_rules! board_pins {
    ($p:ident) => {
        Pins {
            bclk: $p.GPIO14.into(),
            ws: $p.GPIO12.into(),
            din: $p.GPIO13.into(),
            strip_a: $p.GPIO5.into(),
            strip_b: $p.GPIO4.into(),
        }
    };
}

/// ESP32-C6 and C3 boards: GPIO 12/13 (C6) and 18/19 (C3) are USB, so the microphone sits on
/// BCLK 6, WS 7, DIN 5 and the strips on GPIO 4 and 3.
#[cfg(any(feature = "esp32c6", feature = "esp32c3"))]
macro_rules! board_pins {
    ($p:ident) => {
        Pins {
            bclk: $p.GPIO6.into(),
            ws: $p.GPIO7.into(),
            din: $p.GPIO5.into(),
            strip_a: $p.GPIO4.into(),
            strip_b: $p.GPIO3.into(),
        }
    };
}

/// The chip's name for the boot log.
pub const CHIP: &str = if cfg!(feature = "esp32s3") {
    "ESP32-S3"
} else if cfg!(feature = "esp32c6") {
    "ESP32-C6"
} else {
    "ESP32-C3"
};
