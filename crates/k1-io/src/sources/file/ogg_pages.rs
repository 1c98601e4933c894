//! Drops damaged OGG pages before symphonia's OGG reader sees them.
//!
//! symphonia's reader skips a page whose CRC does not match once audio is flowing, but while it
//! opens the stream (headers and the first audio page) a damaged page is a fatal
//! `ogg: crc mismatch`, so one bad byte near the start rejected the whole file. This filter
//! passes on only the pages whose CRC-32 matches, resynchronising on the next `OggS` capture
//! pattern after a damaged one, and counts the pages it dropped. It reads the file forward once
//! and holds at most one page (≤ 65,307 bytes); it is not seekable, which K1 never needs.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use symphonia::core::checksum::Crc32;
use symphonia::core::io::{MediaSource, Monitor};

/// The capture pattern that starts every page.
const CAPTURE: &[u8; 4] = b"OggS";
/// Bytes in a page header before its segment table.
const HEADER: usize = 27;
/// Offset of the CRC field in the header.
const CRC_AT: usize = 22;

/// A reader of an OGG stream that yields only the pages with a valid CRC.
pub(super) struct OggPageFilter<R> {
    inner: R,
    /// Bytes read from `inner` and not yet judged or handed out.
    buf: Vec<u8>,
    /// Checked page bytes at the front of `buf` that may be handed out.
    ready: usize,
    eof: bool,
    dropped: Arc<AtomicU64>,
}

impl<R: Read> OggPageFilter<R> {
    /// Wraps `inner`; `dropped` counts the damaged pages left out.
    pub(super) fn new(inner: R, dropped: Arc<AtomicU64>) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            ready: 0,
            eof: false,
            dropped,
        }
    }

    /// Reads until `buf` holds at least `n` bytes or the input ends; true if it holds them.
    fn fill_to(&mut self, n: usize) -> io::Result<bool> {
        let mut chunk = [0u8; 8192];
        while self.buf.len() < n && !self.eof {
            let want = (n - self.buf.len()).max(4096).min(chunk.len());
            match self.inner.read(chunk.get_mut(..want).unwrap_or(&mut [])) {
                Ok(0) => self.eof = true,
                Ok(read) => self.buf.extend_from_slice(chunk.get(..read).unwrap_or(&[])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.buf.len() >= n)
    }

    /// Makes the next valid page ready, dropping damaged bytes before it. False at the end.
    fn next_page(&mut self) -> io::Result<bool> {
        // Bytes were dropped since the last good page / a dropped page was counted for them.
        let (mut damaged, mut counted) = (false, false);
        loop {
            // Find the capture pattern at the front.
            if !self.fill_to(HEADER)? {
                if damaged {
                    // The damaged page ran to the end of the file.
                    self.buf.clear();
                    self.count_dropped(counted);
                }
                // Else a partial page at the very end: symphonia reports the truncation.
                self.ready = self.buf.len();
                return Ok(self.ready > 0);
            }
            let segments = self.buf.get(HEADER - 1).map_or(0, |&s| usize::from(s));
            self.fill_to(HEADER + segments)?;
            match page_length(&self.buf) {
                Some(len)
                    if self.fill_to(len)? && page_crc_ok(self.buf.get(..len).unwrap_or(&[])) =>
                {
                    if damaged {
                        self.count_dropped(counted);
                    }
                    self.ready = len;
                    return Ok(true);
                }
                Some(len) if self.buf.len() >= len => {
                    // A whole page with a bad CRC: one page dropped.
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    counted = true;
                }
                Some(_) => {
                    // The page runs past the end of the file: hand on what is there.
                    self.ready = self.buf.len();
                    return Ok(true);
                }
                None => {}
            }
            // Damaged: drop up to the next capture pattern after this position.
            damaged = true;
            let next = self
                .buf
                .get(1..)
                .and_then(|rest| rest.windows(4).position(|w| w == CAPTURE));
            match next {
                Some(p) => drop(self.buf.drain(..=p)),
                None if self.eof => {
                    // Nothing valid follows: the rest of the file is the damaged page.
                    self.buf.clear();
                    self.count_dropped(counted);
                    return Ok(false);
                }
                None => {
                    // Keep the last three bytes: a capture pattern may straddle the next read.
                    let keep = self.buf.len().saturating_sub(3).max(1);
                    self.buf.drain(..keep);
                }
            }
        }
    }
}

impl<R> OggPageFilter<R> {
    /// Counts a damaged stretch as one dropped page unless a page in it was counted already
    /// (a stretch whose capture pattern itself was hit has no page header to count).
    fn count_dropped(&self, counted: bool) {
        if !counted {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The length of the page at the front of `buf`, if it starts with the capture pattern and its
/// header and segment table are there.
fn page_length(buf: &[u8]) -> Option<usize> {
    if buf.get(..4)? != CAPTURE {
        return None;
    }
    let segments = usize::from(*buf.get(HEADER - 1)?);
    let body: usize = buf
        .get(HEADER..HEADER + segments)?
        .iter()
        .map(|&s| usize::from(s))
        .sum();
    Some(HEADER + segments + body)
}

/// True if the page's CRC-32 (over the page with its CRC field zeroed) matches the field.
fn page_crc_ok(page: &[u8]) -> bool {
    let (Some(head), Some(field), Some(rest)) = (
        page.get(..CRC_AT),
        page.get(CRC_AT..CRC_AT + 4),
        page.get(CRC_AT + 4..),
    ) else {
        return false;
    };
    let stored = u32::from_le_bytes([field[0], field[1], field[2], field[3]]);
    let mut crc = Crc32::new(0);
    crc.process_buf_bytes(head);
    crc.process_buf_bytes(&[0; 4]);
    crc.process_buf_bytes(rest);
    crc.crc() == stored
}

impl<R: Read> Read for OggPageFilter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.ready == 0 && !self.next_page()? {
            return Ok(0);
        }
        let n = out.len().min(self.ready);
        if let (Some(dst), Some(src)) = (out.get_mut(..n), self.buf.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.buf.drain(..n);
        self.ready -= n;
        Ok(n)
    }
}

impl<R> Seek for OggPageFilter<R> {
    fn seek(&mut self, _: SeekFrom) -> io::Result<u64> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the OGG page filter reads forward only",
        ))
    }
}

impl<R: Read + Send + Sync> MediaSource for OggPageFilter<R> {
    fn is_seekable(&self) -> bool {
        false
    }

    fn byte_len(&self) -> Option<u64> {
        None
    }
}
