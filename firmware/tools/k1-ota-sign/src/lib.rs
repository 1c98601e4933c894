//! Signed K1 firmware updates, made and checked on the host.
//!
//! A body for `POST /api/ota` is the ESP-IDF app image followed by a 64-byte ed25519 signature
//! of `k1_fw_logic::ota::signed_message(len, sha256(image))`. [`sign`] makes one; [`verify`]
//! runs the device's own code (`k1_fw_logic::ota::Upload`, fed in network-sized pieces into an
//! in-memory slot) over it, so "verify says OK" means "the device would accept it".
//!
//! Keys are 32-byte ed25519 seeds kept as 64 hex digits in a file ([`generate_key`],
//! [`parse_secret`]); the public key is what the firmware is built with (`K1_OTA_PUBLIC_KEY`).

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use k1_fw_logic::ota::key::parse_public_key_hex;
use k1_fw_logic::ota::{ESP_IMAGE_MAGIC, OtaError, SIGNATURE_LEN, Slot, Upload, signed_message};
use sha2::{Digest, Sha256};

/// Why a key, an image or a body was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// A key file or argument is not 64 hex digits, or not a valid ed25519 public key.
    #[error("a key must be 64 hex digits (32 bytes){0}")]
    BadKey(&'static str),
    /// The image does not start with the ESP-IDF magic byte.
    #[error(
        "not an ESP-IDF app image (first byte {0:#04x}, expected 0xe9); make one with `esptool elf2image`"
    )]
    NotAnImage(u8),
    /// The image is larger than a u32 length.
    #[error("the image is too large")]
    TooLarge,
    /// The device's check refused the body; the code is the one its API replies with.
    #[error("the device would refuse this body: {0}")]
    Refused(&'static str),
    /// The operating system gave no random bytes for a new key.
    #[error("no randomness for a key: {0}")]
    Random(String),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new signing key from the operating system's random source.
pub fn generate_key() -> Result<SigningKey, Error> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key file's text: the seed as 64 hex digits and a newline.
pub fn secret_text(key: &SigningKey) -> String {
    format!("{}\n", hex(&key.to_bytes()))
}

/// The public key as 64 hex digits, the form `K1_OTA_PUBLIC_KEY` takes.
pub fn public_hex(key: &SigningKey) -> String {
    hex(key.verifying_key().as_bytes())
}

/// Reads a key file's text (surrounding whitespace allowed).
pub fn parse_secret(text: &str) -> Result<SigningKey, Error> {
    let seed = parse_public_key_hex(text.trim()).ok_or(Error::BadKey(""))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a public key given as 64 hex digits.
pub fn parse_public(text: &str) -> Result<VerifyingKey, Error> {
    let bytes = parse_public_key_hex(text.trim()).ok_or(Error::BadKey(""))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| Error::BadKey(", and a valid ed25519 point"))
}

/// The upload body for `image`: the image, then its signature.
pub fn sign(key: &SigningKey, image: &[u8]) -> Result<Vec<u8>, Error> {
    match image.first() {
        Some(&ESP_IMAGE_MAGIC) => {}
        first => return Err(Error::NotAnImage(first.copied().unwrap_or(0))),
    }
    let len = u32::try_from(image.len()).map_err(|_| Error::TooLarge)?;
    let digest: [u8; 32] = Sha256::digest(image).into();
    let signature = key.sign(&signed_message(len, &digest));
    let mut body = Vec::with_capacity(image.len() + SIGNATURE_LEN);
    body.extend_from_slice(image);
    body.extend_from_slice(&signature.to_bytes());
    Ok(body)
}

/// An app slot in memory, as big as the firmware's (1.5 MB, `app/partitions.csv`).
struct MemorySlot(Vec<u8>);

/// The firmware's OTA slot size.
pub const SLOT_BYTES: u32 = 0x18_0000;

impl Slot for &mut MemorySlot {
    type Error = core::convert::Infallible;
    fn capacity(&self) -> u32 {
        SLOT_BYTES
    }
    fn erase(&mut self, len: u32) -> Result<(), Self::Error> {
        self.0 = vec![0xFF; len as usize];
        Ok(())
    }
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Self::Error> {
        let at = offset as usize;
        self.0[at..at + data.len()].copy_from_slice(data);
        Ok(())
    }
}

/// Runs the device's check over `body`, fed in TCP-sized pieces. `Ok` with the image length if
/// the device would accept it.
pub fn verify(key: &VerifyingKey, body: &[u8]) -> Result<usize, Error> {
    let refused = |e: OtaError<core::convert::Infallible>| Error::Refused(e.code());
    let mut slot = MemorySlot(Vec::new());
    let len = u32::try_from(body.len()).map_err(|_| Error::TooLarge)?;
    let mut upload = Upload::begin(&mut slot, *key, len).map_err(refused)?;
    for piece in body.chunks(1460) {
        upload.feed(piece).map_err(refused)?;
    }
    upload.finish().map_err(refused)?;
    let image = body.len() - SIGNATURE_LEN;
    debug_assert_eq!(&slot.0[..], &body[..image]);
    Ok(image)
}
