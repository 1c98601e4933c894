//! [`Store`]: settings records in an append-only log over a flash partition, spread over all its
//! sectors for wear, and never half-written.
//!
//! # Layout
//!
//! The partition is split into erase sectors used as a ring. Each save appends one record:
//!
//! ```text
//! magic "K1S1" | seq u32 | len u32 | crc32(seq, len, payload) | payload, padded to 4 | commit "DONE"
//! ```
//!
//! The commit word is written last, after the payload: a record counts only if its magic, CRC
//! and commit word are all there, so power lost at any point of a save leaves the previous
//! record as the newest valid one. When a record does not fit in the current sector, the next
//! sector of the ring is erased and the record goes there; the newest record stays in the sector
//! just filled, so power lost during the erase loses nothing. Each sector is erased once per
//! trip round the ring: with the 16 KB partition of 4 KB sectors and a 700-byte record, a
//! sector is erased every 20 saves, and NOR flash allows 100,000 erases, so 2 million saves.
//!
//! Loading scans every sector and returns the valid record with the highest sequence number.

use crc::{CRC_32_ISO_HDLC, Crc};
use embedded_storage::nor_flash::NorFlash;

use super::codec::{MAX_ENCODED, Settings};

const MAGIC: u32 = u32::from_le_bytes(*b"K1S1");
const COMMIT: u32 = u32::from_le_bytes(*b"DONE");
const HEADER: usize = 16;
const CRC: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// Why a load or save failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreError<E> {
    /// The partition has fewer than two sectors, or its sectors are smaller than a record.
    Geometry,
    /// The settings do not fit in a record.
    TooLarge,
    /// The record read back differs from what was written.
    Verify,
    /// The flash driver failed.
    Flash(E),
}

/// Where the log ends: the next record goes at `offset` in `sector`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Head {
    sector: u32,
    offset: u32,
    seq: u32,
}

/// The settings log over a flash partition `F` (offsets relative to the partition).
pub struct Store<F: NorFlash> {
    flash: F,
    sectors: u32,
    head: Head,
}

fn pad4(n: usize) -> usize {
    (n + 3) & !3
}

impl<F: NorFlash> Store<F> {
    /// Opens the log and finds its end. Writes nothing.
    pub fn open(mut flash: F) -> Result<Self, StoreError<F::Error>> {
        let sector_size = F::ERASE_SIZE as u32;
        let sectors = flash.capacity() as u32 / sector_size;
        if sectors < 2
            || (sector_size as usize) < HEADER + pad4(MAX_ENCODED) + 4
            || F::WRITE_SIZE > 4
            || 4 % F::WRITE_SIZE != 0
        {
            return Err(StoreError::Geometry);
        }
        let mut head = Head {
            sector: 0,
            offset: 0,
            seq: 0,
        };
        let mut found = false;
        let mut buf = [0u8; MAX_ENCODED];
        for sector in 0..sectors {
            let base = sector * sector_size;
            let mut offset = 0;
            let mut newest: Option<u32> = None;
            while let Some(rec) = read_record(&mut flash, base, offset, sector_size, &mut buf)
                .map_err(StoreError::Flash)?
            {
                offset = rec.next;
                if rec.valid && (!found || rec.seq.wrapping_sub(head.seq) as i32 > 0) {
                    newest = Some(rec.seq);
                    found = true;
                    head.seq = rec.seq;
                }
            }
            if let Some(seq) = newest {
                // Appending continues where the scan stopped, unless that spot holds torn
                // bytes (power lost while a header was written): then the sector is full.
                let clean =
                    is_erased(&mut flash, base, offset, sector_size).map_err(StoreError::Flash)?;
                let offset = if clean { offset } else { sector_size };
                head = Head {
                    sector,
                    offset,
                    seq,
                };
            }
        }
        if !found {
            // An empty (or foreign) partition: the first save erases sector 0 and starts there.
            head = Head {
                sector: sectors - 1,
                offset: sector_size,
                seq: 0,
            };
        }
        Ok(Store {
            flash,
            sectors,
            head,
        })
    }

    /// The newest valid settings, or `None` if none were ever saved.
    pub fn load(&mut self) -> Result<Option<Settings>, StoreError<F::Error>> {
        if self.head.seq == 0 {
            return Ok(None);
        }
        let sector_size = F::ERASE_SIZE as u32;
        let mut buf = [0u8; MAX_ENCODED];
        // The newest record is usually in the head sector, but after a failed save the head
        // has moved on to a fresh sector; look at that one first, then the others.
        for i in 0..self.sectors {
            let sector = (self.head.sector + self.sectors - i) % self.sectors;
            let mut offset = 0;
            while let Some(rec) = read_record(
                &mut self.flash,
                sector * sector_size,
                offset,
                sector_size,
                &mut buf,
            )
            .map_err(StoreError::Flash)?
            {
                if rec.valid && rec.seq == self.head.seq {
                    return Ok(Some(Settings::decode(&buf[..rec.len])));
                }
                offset = rec.next;
            }
        }
        Ok(None)
    }

    /// Appends `settings` as the newest record, then reads it back.
    pub fn save(&mut self, settings: &Settings) -> Result<(), StoreError<F::Error>> {
        let mut payload = [0u8; MAX_ENCODED];
        let len = settings
            .encode(&mut payload)
            .map_err(|_| StoreError::TooLarge)?;
        let sector_size = F::ERASE_SIZE as u32;
        let size = (HEADER + pad4(len) + 4) as u32;
        let mut at = self.head;
        if at.offset + size > sector_size {
            at.sector = (at.sector + 1) % self.sectors;
            at.offset = 0;
            let base = at.sector * sector_size;
            self.flash
                .erase(base, base + sector_size)
                .map_err(StoreError::Flash)?;
        }
        let seq = at.seq.wrapping_add(1).max(1);
        let base = at.sector * sector_size + at.offset;
        let mut header = [0u8; HEADER];
        header[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        header[4..8].copy_from_slice(&seq.to_le_bytes());
        header[8..12].copy_from_slice(&(len as u32).to_le_bytes());
        header[12..16].copy_from_slice(&crc(seq, &payload[..len]).to_le_bytes());
        // Whatever happens from here, this spot is used: a failed write leaves torn bytes, so the
        // next save must start after it.
        self.head = Head {
            sector: at.sector,
            offset: at.offset + size,
            seq: self.head.seq,
        };
        self.flash.write(base, &header).map_err(StoreError::Flash)?;
        self.flash
            .write(base + HEADER as u32, &payload[..pad4(len)])
            .map_err(StoreError::Flash)?;
        self.flash
            .write(base + size - 4, &COMMIT.to_le_bytes())
            .map_err(StoreError::Flash)?;
        self.head.seq = seq;
        match self.load()? {
            Some(back) if back == Settings::decode(&payload[..len]) => Ok(()),
            _ => Err(StoreError::Verify),
        }
    }

    /// Gives the flash back.
    pub fn into_inner(self) -> F {
        self.flash
    }
}

fn crc(seq: u32, payload: &[u8]) -> u32 {
    let mut d = CRC.digest();
    d.update(&seq.to_le_bytes());
    d.update(&(payload.len() as u32).to_le_bytes());
    d.update(payload);
    d.finalize()
}

/// Whether the header-sized spot at `offset` is still erased (or the sector is at its end).
fn is_erased<F: NorFlash>(
    flash: &mut F,
    base: u32,
    offset: u32,
    sector_size: u32,
) -> Result<bool, F::Error> {
    let end = (offset as usize + HEADER).min(sector_size as usize) as u32;
    let mut bytes = [0u8; HEADER];
    let bytes = &mut bytes[..(end - offset) as usize];
    flash.read(base + offset, bytes)?;
    Ok(bytes.iter().all(|&b| b == 0xFF))
}

/// One record found while scanning a sector.
struct Found {
    valid: bool,
    seq: u32,
    len: usize,
    /// Offset just past it.
    next: u32,
}

/// Reads the record at `offset` of the sector at `base`. `None` at the end of the written part
/// (erased flash) or where the bytes cannot be a record (the rest of the sector is skipped).
fn read_record<F: NorFlash>(
    flash: &mut F,
    base: u32,
    offset: u32,
    sector_size: u32,
    buf: &mut [u8; MAX_ENCODED],
) -> Result<Option<Found>, F::Error> {
    if offset as usize + HEADER + 4 > sector_size as usize {
        return Ok(None);
    }
    let mut header = [0u8; HEADER];
    flash.read(base + offset, &mut header)?;
    let word =
        |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let (magic, seq, len, sum) = (word(0), word(4), word(8) as usize, word(12));
    if magic != MAGIC || len > MAX_ENCODED {
        return Ok(None);
    }
    let size = (HEADER + pad4(len) + 4) as u32;
    if offset + size > sector_size {
        return Ok(None);
    }
    flash.read(base + offset + HEADER as u32, &mut buf[..pad4(len)])?;
    let mut commit = [0u8; 4];
    flash.read(base + offset + size - 4, &mut commit)?;
    let valid = u32::from_le_bytes(commit) == COMMIT && crc(seq, &buf[..len]) == sum && seq != 0;
    Ok(Some(Found {
        valid,
        seq,
        len,
        next: offset + size,
    }))
}
