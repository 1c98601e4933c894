//! What the device remembers across power cycles, and how it is stored.
//!
//! [`Settings`] (parameters, pattern, Wi-Fi network, OTA trial boots) encode to a small
//! tag-length-value record ([`Settings::encode`]); parameters are written by name as text
//! through `k1_core::params`, so a firmware with new parameters reads an old record and keeps
//! defaults for the rest. [`Store`] keeps the records in a log over a flash data partition.

mod codec;
mod store;

pub use codec::{MAX_ENCODED, Settings};
pub use store::{Store, StoreError};

#[cfg(test)]
mod tests;
