//! The settings partition as an `embedded_storage` NOR flash: offsets relative to the partition,
//! bounds checked, over esp-storage's driver for the whole chip.

use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};
use esp_storage::{FlashStorage, FlashStorageError};

/// A window `[base, base + len)` of the flash.
pub struct Partition<'a, 'd> {
    flash: &'a mut FlashStorage<'d>,
    base: u32,
    len: u32,
}

/// A flash error, or an access outside the partition.
#[derive(Debug)]
pub enum PartitionError {
    /// The driver failed (its error is kept for the log).
    Flash(#[allow(dead_code)] FlashStorageError),
    /// Outside the partition.
    OutOfBounds,
}

impl NorFlashError for PartitionError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            PartitionError::Flash(_) => NorFlashErrorKind::Other,
            PartitionError::OutOfBounds => NorFlashErrorKind::OutOfBounds,
        }
    }
}

impl<'a, 'd> Partition<'a, 'd> {
    /// The window at `base` of `len` bytes.
    pub fn new(flash: &'a mut FlashStorage<'d>, base: u32, len: u32) -> Self {
        Partition { flash, base, len }
    }

    fn check(&self, offset: u32, n: usize) -> Result<u32, PartitionError> {
        let end = offset
            .checked_add(n as u32)
            .ok_or(PartitionError::OutOfBounds)?;
        if end > self.len {
            return Err(PartitionError::OutOfBounds);
        }
        Ok(self.base + offset)
    }
}

impl ErrorType for Partition<'_, '_> {
    type Error = PartitionError;
}

impl ReadNorFlash for Partition<'_, '_> {
    const READ_SIZE: usize = 4;
    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), PartitionError> {
        let at = self.check(offset, bytes.len())?;
        self.flash.read(at, bytes).map_err(PartitionError::Flash)
    }
    fn capacity(&self) -> usize {
        self.len as usize
    }
}

impl NorFlash for Partition<'_, '_> {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = 4096;
    fn erase(&mut self, from: u32, to: u32) -> Result<(), PartitionError> {
        let start = self.check(from, 0)?;
        let end = self.check(to, 0)?;
        self.flash.erase(start, end).map_err(PartitionError::Flash)
    }
    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), PartitionError> {
        let at = self.check(offset, bytes.len())?;
        // NOR semantics (bits only cleared, no erase): the settings log's power-loss safety
        // depends on it. esp-storage's plain `write` would erase and rewrite the whole sector.
        self.flash
            .write_nor(at, bytes)
            .map_err(PartitionError::Flash)
    }
}
