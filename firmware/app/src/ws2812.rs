//! Both WS2812 strips from one SPI (SPI2) in dual-output mode, each frame streamed by DMA from
//! RAM with no CPU refill, double-buffered: while one buffer is on the wire the next frame is
//! encoded into the other. The encoding, its timing against the WS2812B datasheet and why SPI
//! with DMA rather than RMT are in `k1_fw_logic::ws2812`.
//!
//! Strip A is on SIO0 (MOSI), strip B on SIO1 (MISO); the SPI's clock pin is not used. esp-hal
//! 1.2.2 clears the lines' idle polarity (`d_pol`, `q_pol`), so both stay low between frames,
//! and every buffer ends in the latch's zero bytes, so a frame can never start within 300 µs of
//! the previous one's last bit.

use core::mem;

use esp_hal::Async;
use esp_hal::dma::DmaTxBuf;
use esp_hal::spi::Error;
use esp_hal::spi::master::{Address, Command, DataMode, SpiDma, SpiDmaTransfer};
use k1_core::color::Rgb8;
use k1_fw_logic::ws2812::{EncodeError, encode_dual, frame_bytes};

use crate::config::LEDS_PER_STRIP;

/// Bytes of one frame of both strips: 3,068 for 2 × 160 LEDs.
pub const FRAME_BYTES: usize = frame_bytes(LEDS_PER_STRIP);

/// Where the SPI is: idle with the buffer it sent last, or sending.
enum Link {
    /// No transfer running; the SPI and the buffer that is not [`Strips::next`].
    Idle(SpiDma<'static, Async>, DmaTxBuf),
    /// A frame on the wire; the transfer owns the SPI and that frame's buffer.
    Sending(SpiDmaTransfer<'static, Async, DmaTxBuf>),
    /// A transfer could not be set up and its SPI was lost (esp-hal returns it on every error,
    /// so this is never reached in practice; it keeps the state machine free of panics).
    Lost,
}

/// Why a frame was not shown.
#[derive(Debug)]
pub enum SendError {
    /// The frame does not fit the buffer (a configuration bug).
    Encode(EncodeError),
    /// esp-hal refused the transfer.
    Spi(Error),
    /// The SPI was lost by an earlier error.
    Lost,
}

impl core::fmt::Display for SendError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SendError::Encode(e) => write!(f, "{e}"),
            SendError::Spi(e) => write!(f, "SPI transfer refused: {e:?}"),
            SendError::Lost => f.write_str("the SPI was lost by an earlier error"),
        }
    }
}

/// The two strips: the SPI and two DMA buffers of [`FRAME_BYTES`].
pub struct Strips {
    link: Link,
    /// The buffer the next frame is encoded into.
    next: DmaTxBuf,
}

impl Strips {
    /// Takes the SPI (set up for `k1_fw_logic::ws2812::SPI_HZ`, SIO0 and SIO1 on the strips'
    /// pins, with its DMA channel) and two buffers of at least [`FRAME_BYTES`].
    pub fn new(spi: SpiDma<'static, Async>, a: DmaTxBuf, b: DmaTxBuf) -> Strips {
        Strips {
            link: Link::Idle(spi, a),
            next: b,
        }
    }

    /// Encodes a frame (strip A's LEDs, then strip B's) into the free buffer. The frame on the
    /// wire, if any, is not touched.
    pub fn encode(&mut self, a: &[Rgb8], b: &[Rgb8]) -> Result<usize, SendError> {
        encode_dual(a, b, self.next.as_mut_slice()).map_err(SendError::Encode)
    }

    /// Waits until the frame on the wire (and its latch) has been sent, then starts sending
    /// the `len` bytes [`Strips::encode`] wrote. Returns once the DMA is running; the buffer
    /// just sent becomes the one the next frame is encoded into.
    pub async fn send(&mut self, len: usize) -> Result<(), SendError> {
        if let Link::Sending(transfer) = &mut self.link {
            transfer.wait_for_done().await;
        }
        let (spi, free) = match mem::replace(&mut self.link, Link::Lost) {
            Link::Sending(transfer) => transfer.wait(),
            Link::Idle(spi, buf) => (spi, buf),
            Link::Lost => return Err(SendError::Lost),
        };
        let mut frame = mem::replace(&mut self.next, free);
        frame.set_length(len);
        match spi.half_duplex_write_buffer(
            DataMode::Dual,
            Command::None,
            Address::None,
            0,
            len,
            frame,
        ) {
            Ok(transfer) => {
                self.link = Link::Sending(transfer);
                Ok(())
            }
            Err((e, spi, frame)) => {
                // Nothing was sent: keep the frame's buffer with the idle SPI.
                self.link = Link::Idle(spi, frame);
                Err(SendError::Spi(e))
            }
        }
    }
}
