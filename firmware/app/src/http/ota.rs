//! `POST /api/ota`: a signed update streamed into the inactive app slot.
//!
//! The body (image + 64-byte ed25519 signature, made by `k1-ota-sign`) goes through
//! `k1_fw_logic::ota::Upload`, which writes the image as it arrives, hashes it, and checks the
//! signature at the end against [`OTA_KEY`]. Only then is the slot selected for the next boot
//! (state `New`, so the boot trial decides whether it stays); the reply is sent and the device
//! restarts. Any failure leaves the running image selected and says why in the host's error
//! shape (`bad_signature`, `truncated`, `not_an_image`, `bad_length`, `flash_error`, ...).
//!
//! Flash writes stall the CPU (the cache is off while the flash is busy), so the slot is erased
//! one 4 KB sector at a time just before it is written, not all at once: the network and the
//! LEDs keep running, with short frame drops, during an upload.

use alloc::boxed::Box;

use ed25519_dalek::VerifyingKey;
use embassy_time::{Duration, Timer};
use esp_storage::{FlashStorage, FlashStorageError};
use k1_fw_logic::api::ErrorBody;
use k1_fw_logic::ota::key::parse_public_key_hex;
use k1_fw_logic::ota::{OtaError, Slot, Upload};
use log::{error, info, warn};
use picoserve::ResponseSent;
use picoserve::io::Read;
use picoserve::request::Request;
use picoserve::response::{IntoResponse, Json, ResponseWriter, StatusCode};
use picoserve::routing::RequestHandlerService;
use serde::Serialize;

use crate::state::device;

/// The update key, from `K1_OTA_PUBLIC_KEY` (64 hex digits) at build time. A build without it
/// refuses every upload with `ota_disabled`; a malformed one fails the build.
pub const OTA_KEY: Option<[u8; 32]> = match option_env!("K1_OTA_PUBLIC_KEY") {
    Some(hex) => match parse_public_key_hex(hex) {
        Some(k) => Some(k),
        None => panic!("K1_OTA_PUBLIC_KEY must be 64 hex digits (k1-ota-sign keygen prints it)"),
    },
    None => None,
};

const SECTOR: u32 = 4096;

/// A sector of flash, word-aligned for the ROM write routine.
#[repr(C, align(4))]
struct Page([u8; SECTOR as usize]);

/// The inactive slot, written a sector at a time.
struct FlashSlot<'a> {
    flash: &'a mut FlashStorage<'static>,
    base: u32,
    len: u32,
    page: Box<Page>,
    /// Slot offset of `page[0]`.
    page_at: u32,
    page_len: usize,
    /// The image length the upload announced (bytes past it are refused).
    limit: u32,
}

impl FlashSlot<'_> {
    fn write_page(&mut self) -> Result<(), FlashStorageError> {
        if self.page_len == 0 {
            return Ok(());
        }
        let at = self.base + self.page_at;
        self.flash.erase(at, at + SECTOR)?;
        // The ROM writes whole words: pad the last page with erased bytes.
        let words = self.page_len.div_ceil(4) * 4;
        self.page.0[self.page_len..words].fill(0xFF);
        self.flash.write_nor(at, &self.page.0[..words])?;
        self.page_at += SECTOR;
        self.page_len = 0;
        Ok(())
    }
}

impl Slot for FlashSlot<'_> {
    type Error = FlashStorageError;

    fn capacity(&self) -> u32 {
        self.len
    }

    /// Records the length; each sector is erased just before its page is written.
    fn erase(&mut self, len: u32) -> Result<(), FlashStorageError> {
        if len > self.len {
            return Err(FlashStorageError::OutOfBounds);
        }
        self.limit = len;
        Ok(())
    }

    fn write(&mut self, offset: u32, mut data: &[u8]) -> Result<(), FlashStorageError> {
        // `Upload` writes in order; anything else is a bug worth refusing, not hiding.
        if offset != self.page_at + self.page_len as u32 || offset + data.len() as u32 > self.limit
        {
            return Err(FlashStorageError::OutOfBounds);
        }
        while !data.is_empty() {
            let n = data.len().min(SECTOR as usize - self.page_len);
            self.page.0[self.page_len..self.page_len + n].copy_from_slice(&data[..n]);
            self.page_len += n;
            data = &data[n..];
            if self.page_len == SECTOR as usize {
                self.write_page()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), FlashStorageError> {
        self.write_page()
    }
}

/// The reply to a good upload.
#[derive(Serialize)]
struct Accepted {
    status: &'static str,
    bytes: u32,
    rebooting: bool,
}

fn refusal(error: &'static str, message: &'static str, status: u16) -> ErrorBody<'static> {
    ErrorBody {
        error,
        field: None,
        message,
        status,
    }
}

fn explain(e: &OtaError<FlashStorageError>) -> (&'static str, u16) {
    match e {
        OtaError::BadLength { .. } => (
            "the body must be an app image plus a 64-byte signature, and fit the slot",
            413,
        ),
        OtaError::TooLong => ("more bytes arrived than Content-Length announced", 400),
        OtaError::Truncated { .. } => ("the body ended early; nothing was changed", 400),
        OtaError::NotAnImage => ("the body does not start with an ESP app image (0xE9)", 400),
        OtaError::BadSignature => (
            "the signature does not verify against this device's update key",
            403,
        ),
        OtaError::Flash(_) => ("writing the flash failed; the running image stays", 500),
    }
}

/// Streams the body through the upload; `Ok(bytes)` once the slot is selected for the next boot.
async fn receive<R: Read>(request: &mut Request<'_, R>) -> Result<u32, ErrorBody<'static>> {
    let Some(key) = OTA_KEY else {
        return Err(refusal(
            "ota_disabled",
            "this firmware was built without K1_OTA_PUBLIC_KEY, so it accepts no updates",
            503,
        ));
    };
    let key = VerifyingKey::from_bytes(&key).map_err(|_| {
        refusal(
            "ota_disabled",
            "the built-in update key is not a valid ed25519 key",
            503,
        )
    })?;
    let body_len = request.body_connection.content_length() as u32;
    let mut guard = device().await;
    let Some(d) = guard.as_mut() else {
        return Err(refusal("starting", "the device is starting", 503));
    };
    let Some((base, len)) = d.flash.update_slot() else {
        return Err(refusal(
            "no_update_slot",
            "the partition table has no second app slot",
            500,
        ));
    };
    info!("OTA: receiving {body_len} bytes into the slot at {base:#x}");
    let slot = FlashSlot {
        flash: d.flash.storage(),
        base,
        len,
        page: Box::new(Page([0xFF; SECTOR as usize])),
        page_at: 0,
        page_len: 0,
        limit: 0,
    };
    let fail = |e: OtaError<FlashStorageError>| {
        warn!("OTA refused: {e:?}");
        let (message, status) = explain(&e);
        refusal(e.code(), message, status)
    };
    let mut upload = Upload::begin(slot, key, body_len).map_err(fail)?;
    let mut reader = request.body_connection.body().reader();
    let mut buf = [0u8; 1024];
    while upload.received() < body_len {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => upload.feed(&buf[..n]).map_err(fail)?,
        }
    }
    let bytes = upload.received();
    upload.finish().map_err(fail)?;
    if !d.flash.activate_update() {
        return Err(refusal(
            "flash_error",
            "the new image could not be selected; the running image stays",
            500,
        ));
    }
    info!("OTA: {bytes} bytes verified; the new image boots next, on trial");
    Ok(bytes)
}

/// The `POST /api/ota` service.
pub struct OtaUpload;

impl RequestHandlerService<()> for OtaUpload {
    async fn call_request_handler_service<R: Read, W: ResponseWriter<Error = R::Error>>(
        &self,
        _state: &(),
        _path: (),
        mut request: Request<'_, R>,
        response_writer: W,
    ) -> Result<ResponseSent, W::Error> {
        let result = receive(&mut request).await;
        let connection = request.body_connection.finalize().await?;
        match result {
            Ok(bytes) => {
                let _ = Json(Accepted {
                    status: "ok",
                    bytes,
                    rebooting: true,
                })
                .write_to(connection, response_writer)
                .await;
                Timer::after(Duration::from_millis(500)).await;
                info!("OTA: restarting into the new image");
                esp_hal::system::software_reset()
            }
            Err(e) => {
                if e.status >= 500 {
                    error!("OTA: {}", e.message);
                }
                let status = StatusCode::new(e.status);
                Json(e)
                    .into_response()
                    .with_status_code(status)
                    .write_to(connection, response_writer)
                    .await
            }
        }
    }
}
