//! The K1 firmware's logic that touches no hardware, so it is tested on the host:
//!
//! - [`provision`]: when to join the stored network, when to open the `K1-Setup-XXXX` access
//!   point, with [`backoff`] between attempts; [`credentials`] parses the setup page's form.
//! - [`ota`]: a signed image streamed into the inactive slot, verified with ed25519 before it
//!   may boot, and the [`ota::trial`] after its first boot that keeps it or rolls it back.
//! - [`settings`]: parameters, pattern and Wi-Fi credentials in a wear-levelled, power-loss-safe
//!   log over any `embedded_storage::nor_flash::NorFlash`.
//! - [`api`]: the JSON of the HTTP API's parameters, select, patterns and palettes routes;
//!   [`health`]: performance and health, with a latency histogram for the p99.
//! - [`mdns`]: the `k1-xxxx.local` name and the `_http._tcp` and `_k1._tcp` services.
//! - [`mic`]: the I2S microphone's samples (slot, 18-bit alignment, the one-bit-late check) and
//!   the 2:1 half-band decimation to the engine's rate.
//! - [`watchdog`]: feed the hardware watchdogs only while every loop that must run has beaten.
//! - [`ws2812`]: two strips' frames as one dual-output SPI bit stream for DMA, checked against
//!   the WS2812B datasheet's timing.
//!
//! The chip glue (`firmware/app`) feeds these events and flash handles and does what they say.
#![no_std]
#![deny(missing_docs)]

pub mod api;
pub mod backoff;
pub mod credentials;
pub mod health;
pub mod json_object;
pub mod mdns;
pub mod mic;
pub mod ota;
pub mod provision;
pub mod settings;
pub mod watchdog;
pub mod ws2812;
