//! Over-the-air updates: a signed image streamed into the inactive slot ([`Upload`]), and the
//! trial after the first boot that keeps it or rolls it back ([`trial`]).
//!
//! # Upload format
//!
//! The HTTP body is the ESP-IDF app image followed by a 64-byte ed25519 signature of
//! [`signed_message`]: a domain tag, the image length and the image's SHA-256. The device
//! streams the body into the slot as it arrives, holding back the last 64 bytes (which may be
//! the signature), hashes what it writes, and only when the body is complete and the signature
//! verifies against the key built into the firmware does [`Upload::finish`] succeed; only then
//! does the caller mark the slot bootable. A bad signature, a short body or a flash error leaves
//! the running image selected. `k1-ota-sign` (in `firmware/tools/`) makes such bodies.

pub mod key;
pub mod trial;

use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

/// Bytes of the signature trailer.
pub const SIGNATURE_LEN: usize = 64;
/// Domain tag in front of every signed message, so no other ed25519 signature by the same key
/// can pass for an update.
pub const DOMAIN: &[u8; 10] = b"K1-OTA-v1\0";
/// First byte of every ESP-IDF app image.
pub const ESP_IMAGE_MAGIC: u8 = 0xE9;
/// Smallest plausible image: the 24-byte ESP-IDF header plus one segment header.
pub const MIN_IMAGE: u32 = 32;

/// The message that is signed for an image of `len` bytes whose SHA-256 is `digest`.
pub fn signed_message(len: u32, digest: &[u8; 32]) -> [u8; 46] {
    let mut m = [0u8; 46];
    m[..10].copy_from_slice(DOMAIN);
    m[10..14].copy_from_slice(&len.to_le_bytes());
    m[14..].copy_from_slice(digest);
    m
}

/// The inactive app slot, as the upload sees it.
pub trait Slot {
    /// The flash driver's error.
    type Error;
    /// Bytes the slot holds.
    fn capacity(&self) -> u32;
    /// Erases at least the first `len` bytes.
    fn erase(&mut self, len: u32) -> Result<(), Self::Error>;
    /// Writes `data` at `offset` (already erased).
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Self::Error>;
    /// Writes out whatever [`Slot::write`] buffered. Called once, after the last image byte and
    /// before the signature check, so a slot that writes whole flash pages can hold a partial
    /// page until then.
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Why an upload was refused. The running image stays selected in every case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtaError<E> {
    /// The body cannot hold an image and a signature, or the image is larger than the slot.
    BadLength {
        /// The body length announced.
        body: u32,
        /// The slot's capacity.
        capacity: u32,
    },
    /// More bytes arrived than announced.
    TooLong,
    /// The body ended before the announced length.
    Truncated {
        /// Bytes received.
        received: u32,
        /// Bytes announced.
        expected: u32,
    },
    /// The image does not start with the ESP-IDF magic byte.
    NotAnImage,
    /// The signature does not verify against the firmware's key.
    BadSignature,
    /// Flash erase or write failed.
    Flash(E),
}

impl<E> OtaError<E> {
    /// A short machine-readable code for the HTTP reply.
    pub fn code(&self) -> &'static str {
        match self {
            OtaError::BadLength { .. } => "bad_length",
            OtaError::TooLong => "too_long",
            OtaError::Truncated { .. } => "truncated",
            OtaError::NotAnImage => "not_an_image",
            OtaError::BadSignature => "bad_signature",
            OtaError::Flash(_) => "flash_error",
        }
    }
}

/// An image upload in progress into a [`Slot`].
pub struct Upload<S: Slot> {
    slot: S,
    key: VerifyingKey,
    body_len: u32,
    received: u32,
    written: u32,
    hasher: Sha256,
    /// The newest bytes, not yet written: the signature if the body ends here.
    tail: [u8; SIGNATURE_LEN],
    tail_len: usize,
}

impl<S: Slot> Upload<S> {
    /// Starts an upload of a body of `body_len` bytes (image + signature), erasing what the
    /// image needs of the slot.
    pub fn begin(
        mut slot: S,
        key: VerifyingKey,
        body_len: u32,
    ) -> Result<Self, OtaError<S::Error>> {
        let capacity = slot.capacity();
        let bad = || OtaError::BadLength {
            body: body_len,
            capacity,
        };
        let image_len = body_len.checked_sub(SIGNATURE_LEN as u32).ok_or_else(bad)?;
        if image_len < MIN_IMAGE || image_len > capacity {
            return Err(bad());
        }
        slot.erase(image_len).map_err(OtaError::Flash)?;
        Ok(Upload {
            slot,
            key,
            body_len,
            received: 0,
            written: 0,
            hasher: Sha256::new(),
            tail: [0; SIGNATURE_LEN],
            tail_len: 0,
        })
    }

    /// Bytes received so far.
    pub fn received(&self) -> u32 {
        self.received
    }

    /// Takes the next piece of the body.
    pub fn feed(&mut self, mut data: &[u8]) -> Result<(), OtaError<S::Error>> {
        if data.len() as u64 > (self.body_len - self.received) as u64 {
            return Err(OtaError::TooLong);
        }
        self.received += data.len() as u32;
        // Bytes beyond the last 64 seen are image bytes: flush the oldest of the tail and of
        // `data` so that exactly the newest 64 stay held back.
        let total = self.tail_len + data.len();
        if total > SIGNATURE_LEN {
            let flush = total - SIGNATURE_LEN;
            let from_tail = flush.min(self.tail_len);
            if from_tail > 0 {
                let held = self.tail;
                self.write_image(&held[..from_tail])?;
                self.tail.copy_within(from_tail..self.tail_len, 0);
                self.tail_len -= from_tail;
            }
            let from_data = flush - from_tail;
            let (image, rest) = data.split_at(from_data);
            self.write_image(image)?;
            data = rest;
        }
        self.tail[self.tail_len..self.tail_len + data.len()].copy_from_slice(data);
        self.tail_len += data.len();
        Ok(())
    }

    fn write_image(&mut self, bytes: &[u8]) -> Result<(), OtaError<S::Error>> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.written == 0 && bytes[0] != ESP_IMAGE_MAGIC {
            return Err(OtaError::NotAnImage);
        }
        self.hasher.update(bytes);
        self.slot
            .write(self.written, bytes)
            .map_err(OtaError::Flash)?;
        self.written += bytes.len() as u32;
        Ok(())
    }

    /// Ends the upload: the body must be complete and the signature valid. Returns the slot,
    /// ready to be marked bootable.
    pub fn finish(mut self) -> Result<S, OtaError<S::Error>> {
        if self.received != self.body_len {
            return Err(OtaError::Truncated {
                received: self.received,
                expected: self.body_len,
            });
        }
        self.slot.flush().map_err(OtaError::Flash)?;
        let digest: [u8; 32] = self.hasher.finalize().into();
        let message = signed_message(self.written, &digest);
        let signature = Signature::from_bytes(&self.tail);
        self.key
            .verify_strict(&message, &signature)
            .map_err(|_| OtaError::BadSignature)?;
        Ok(self.slot)
    }
}

#[cfg(test)]
mod tests;
