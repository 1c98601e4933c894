//! `--input wled-sync`: K1 driven by another machine's audio, from WLED sound-reactive audio-sync
//! packets (UDP 11988, multicast 239.0.0.1 or unicast): version 2 as upstream WLED, WLED-MM and
//! K1's own `wled-sync://` output send it, and version 1 from WLED 0.13-era senders.
//!
//! A packet carries 16 GEQ levels, a peak flag and the volume, not audio, while K1's patterns
//! read the analyser's snapshot. So this source resynthesises audio the analyser hears the same
//! way: each GEQ channel `c` becomes sines at the four notes `4c..4c+3` that
//! `k1_core::proto::geq` folds into it (the inverse of the sender's mapping, so K1 → WLED → K1
//! keeps the spectrum's shape), and a peak becomes a short burst of noise that the onset
//! detector (and so the tempo tracker) sees. Hops are released on absolute deadlines like a file.
//!
//! Frame counters follow [`Sequence`]: 0 (upstream WLED, which never writes it, and v1, which has
//! none) is always taken; a counting sender's (WLED-MM, K1) packets that are not newer than the
//! last are dropped as out of order, counted as source errors. Packets of another format are
//! ignored, said once. After [`TIMEOUT`] without a packet the source falls silent (the patterns'
//! silence handling takes over) and says so once, and again when packets return.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use k1_core::proto::geq::{NOTES_PER_CHANNEL, note_hz};
use k1_core::proto::wled_sync::{self, AudioSync, CHANNELS, Sequence, Version};

use super::{HopRead, HopTiming, IDLE_MAX, LiveError, LiveSource, SourceCtx};
use crate::clock::{Nanos, duration_nanos, samples_nanos, sleep_towards};

/// How long the last packet counts.
pub const TIMEOUT: Duration = Duration::from_millis(2500);
/// Length of the noise burst for a peak, seconds.
const BURST_S: f32 = 0.03;
/// Level of a full-scale GEQ channel's sines.
const SINE_LEVEL: f32 = 0.25;
/// Level of a peak's noise burst.
const BURST_LEVEL: f32 = 0.5;

/// Audio resynthesised from audio-sync packets.
pub struct WledSyncSource {
    socket: UdpSocket,
    name: String,
    rate: u32,
    /// Phase increment per sample of each of the 64 notes, radians.
    steps: Vec<f32>,
    phases: Vec<f32>,
    /// The newest packet's GEQ levels, 0..1.
    levels: [f32; CHANNELS],
    sequence: Sequence,
    last_packet: Option<Nanos>,
    timed_out: bool,
    /// Whether a v1 packet, and a packet of another format, have been said.
    said_v1: bool,
    said_foreign: bool,
    /// Samples of noise burst left, and the noise state.
    burst_left: u32,
    noise: u32,
    start: Option<Nanos>,
    released: u64,
}

impl WledSyncSource {
    /// Listens on UDP `port` (joining 239.0.0.1 where the host allows multicast); `lowest_note`
    /// is the MIDI note of the analyser's bin 0, `rate` its sample rate.
    pub fn open(port: u16, rate: u32, lowest_note: u8) -> Result<Self, LiveError> {
        let io = |err| LiveError::Io {
            what: format!("UDP port {port}"),
            err,
        };
        let socket =
            UdpSocket::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))).map_err(io)?;
        socket.set_nonblocking(true).map_err(io)?;
        let multicast = Ipv4Addr::from(wled_sync::MULTICAST);
        // Without a multicast route (a machine with loopback only) unicast still works.
        let joined = socket
            .join_multicast_v4(&multicast, &Ipv4Addr::UNSPECIFIED)
            .is_ok();
        let steps = (0..CHANNELS * NOTES_PER_CHANNEL)
            .map(|k| {
                let hz = note_hz(f32::from(lowest_note) + k as f32);
                std::f32::consts::TAU * hz / rate as f32
            })
            .collect::<Vec<_>>();
        Ok(Self {
            socket,
            name: format!(
                "WLED audio sync on UDP {port}{}",
                if joined { " (239.0.0.1)" } else { "" }
            ),
            rate,
            phases: vec![0.0; steps.len()],
            steps,
            levels: [0.0; CHANNELS],
            sequence: Sequence::new(),
            last_packet: None,
            timed_out: false,
            said_v1: false,
            said_foreign: false,
            burst_left: 0,
            noise: 0x1234_5678,
            start: None,
            released: 0,
        })
    }

    /// Takes in one packet: drops it if out of order, else keeps its levels and peak.
    fn accept(&mut self, p: &AudioSync, now: Nanos, ctx: &SourceCtx<'_>) {
        if self
            .last_packet
            .is_none_or(|t| now.saturating_sub(t) >= duration_nanos(TIMEOUT))
        {
            // Quiet for the timeout: the sender may have restarted its counter.
            self.sequence.reset();
        }
        if !self.sequence.accept(p.frame_counter) {
            ctx.counters
                .errors
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return;
        }
        self.last_packet = Some(now);
        if self.timed_out {
            self.timed_out = false;
            ctx.events.note(format!("{}: packets again", self.name));
        }
        for (l, &v) in self.levels.iter_mut().zip(&p.fft) {
            *l = f32::from(v) / 254.0;
        }
        if p.sample_peak != 0 {
            self.burst_left = (BURST_S * self.rate as f32) as u32;
        }
    }

    /// Reads every waiting packet.
    fn drain(&mut self, now: Nanos, ctx: &SourceCtx<'_>) {
        let mut buf = [0u8; 128];
        while let Ok(n) = self.socket.recv(&mut buf) {
            match wled_sync::decode_any(&buf[..n]) {
                Ok((version, p)) => {
                    if version == Version::V1 && !self.said_v1 {
                        self.said_v1 = true;
                        ctx.events.note(format!(
                            "{}: version-1 packets (a WLED 0.13-era sender): decoded, no frame counter",
                            self.name
                        ));
                    }
                    self.accept(&p, now, ctx);
                }
                Err(e) if !self.said_foreign => {
                    self.said_foreign = true;
                    ctx.events.note(format!(
                        "{}: ignoring packets that are not WLED audio sync v1 or v2 ({n} bytes: {e})",
                        self.name
                    ));
                }
                Err(_) => {}
            }
        }
        if !self.timed_out
            && self
                .last_packet
                .is_some_and(|t| now.saturating_sub(t) >= duration_nanos(TIMEOUT))
        {
            self.timed_out = true;
            self.levels = [0.0; CHANNELS];
            self.burst_left = 0;
            ctx.events.note(format!(
                "{}: no packets for {:.1} s; silent until they return",
                self.name,
                TIMEOUT.as_secs_f32()
            ));
        }
    }

    /// Fills `hop` with the sines of the current levels and any burst.
    fn synthesise(&mut self, hop: &mut [f32]) {
        hop.fill(0.0);
        for (k, (phase, step)) in self.phases.iter_mut().zip(&self.steps).enumerate() {
            let amp = self.levels[k / NOTES_PER_CHANNEL] * SINE_LEVEL / NOTES_PER_CHANNEL as f32;
            if amp > 0.0 {
                for s in hop.iter_mut() {
                    *s += amp * phase.sin();
                    *phase += step;
                }
            } else {
                *phase += step * hop.len() as f32;
            }
            *phase %= std::f32::consts::TAU;
        }
        for s in hop.iter_mut() {
            if self.burst_left == 0 {
                break;
            }
            self.burst_left -= 1;
            // xorshift32 white noise in -1..1.
            self.noise ^= self.noise << 13;
            self.noise ^= self.noise >> 17;
            self.noise ^= self.noise << 5;
            *s += BURST_LEVEL * (self.noise as f32 / u32::MAX as f32 * 2.0 - 1.0);
        }
    }
}

impl LiveSource for WledSyncSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        let start = *self.start.get_or_insert_with(|| ctx.clock.now());
        let due = start + samples_nanos((self.released + 1) * hop.len() as u64, self.rate);
        if !sleep_towards(ctx.clock, due, IDLE_MAX) {
            return Ok(HopRead::Idle);
        }
        self.drain(due, ctx);
        self.synthesise(hop);
        self.released += 1;
        Ok(HopRead::Ready(HopTiming {
            captured: due,
            available: due,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{MonotonicClock, VirtualClock};
    use crate::sources::live::TestCtx;
    use k1_core::{Analyzer, Config};
    use std::sync::atomic::Ordering::Relaxed;

    /// Packets built byte by byte to each sender's struct and rules (not with K1's encoder).
    mod senders {
        fn put(b: &mut [u8], at: usize, bytes: &[u8]) {
            b[at..at + bytes.len()].copy_from_slice(bytes);
        }

        /// Upstream WLED: the struct zeroed, then the header, the levels, the peak, the GEQ
        /// (constrained to 0-254) and the strongest frequency; bytes 6-7, 17 (the counter) and
        /// 34-35 are never written, so they stay 0.
        pub fn upstream(fft: [u8; 16], peak: bool) -> Vec<u8> {
            let mut b = vec![0u8; 44];
            put(&mut b, 0, b"00002\0");
            put(&mut b, 8, &120.0f32.to_le_bytes());
            put(&mut b, 12, &100.0f32.to_le_bytes());
            b[16] = u8::from(peak);
            put(&mut b, 18, &fft);
            put(&mut b, 36, &9000.0f32.to_le_bytes());
            put(&mut b, 40, &430.0f32.to_le_bytes());
            b
        }

        /// WLED-MM: the same, plus the pressure (integer byte, then fraction), its frame counter
        /// (from 0 at boot, +1 a packet, wrapping) and the zero-crossing count.
        pub fn mm(counter: u8, fft: [u8; 16], peak: bool) -> Vec<u8> {
            let mut b = upstream(fft, peak);
            put(&mut b, 6, &[96, 128]);
            b[17] = counter;
            put(&mut b, 34, &321u16.to_le_bytes());
            b
        }

        /// WLED 0.13 (v1): the 83 bytes of fields at the ESP32 compiler's offsets, 88 bytes; the
        /// struct is not zeroed, so the padding and `myVals` hold stack leftovers.
        pub fn v1(fft: [u8; 16], peak: bool) -> Vec<u8> {
            let mut b = vec![0xC3u8; 88];
            put(&mut b, 0, b"00001\0");
            put(&mut b, 40, &180i32.to_le_bytes());
            put(&mut b, 44, &90i32.to_le_bytes());
            put(&mut b, 48, &85.5f32.to_le_bytes());
            b[52] = u8::from(peak);
            put(&mut b, 53, &fft);
            put(&mut b, 72, &9000.0f64.to_le_bytes());
            put(&mut b, 80, &430.0f64.to_le_bytes());
            b
        }
    }

    /// Waits (without asserting any time) until a datagram is queued on `s`.
    fn wait_readable(s: &UdpSocket) {
        let mut buf = [0u8; 128];
        for _ in 0..5000 {
            if s.peek(&mut buf).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        panic!("a datagram on loopback never arrived");
    }

    fn sender_to(src: &WledSyncSource) -> UdpSocket {
        let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
        tx.connect(("127.0.0.1", src.socket.local_addr().unwrap().port()))
            .unwrap();
        tx
    }

    /// 300 packets from each kind of sender, one per 21 ms of virtual time as WLED sends them
    /// (the WLED-MM counter wrapping through 0 after 255), each drawn in by the hops: every one is
    /// taken (its GEQ channel becomes the level, its peak a burst) and none is an error.
    #[test]
    fn upstream_wled_mm_and_v1_senders_drive_the_receiver_with_no_errors() {
        type Build = fn(usize, [u8; 16], bool) -> Vec<u8>;
        let kinds: [(&str, Build); 3] = [
            ("upstream", |_, f, p| senders::upstream(f, p)),
            ("WLED-MM", |k, f, p| senders::mm(k as u8, f, p)),
            ("v1", |_, f, p| senders::v1(f, p)),
        ];
        for (name, build) in kinds {
            let parts = TestCtx::new(VirtualClock::default());
            let ctx = parts.ctx();
            let mut src = WledSyncSource::open(0, 12_800, 33).unwrap();
            let tx = sender_to(&src);
            let mut hop = [0.0f32; 64]; // 5 ms at 12,800 Hz
            for k in 0..300usize {
                let channel = k % CHANNELS;
                let mut fft = [0u8; CHANNELS];
                fft[channel] = 254;
                let peak = k % 10 == 0;
                tx.send(&build(k, fft, peak)).unwrap();
                wait_readable(&src.socket);
                let until = (k as u64 + 1) * 21_000_000;
                while samples_nanos(src.released * 64, 12_800) < until {
                    src.next_hop(&mut hop, &ctx).unwrap();
                }
                let mut want = [0.0f32; CHANNELS];
                want[channel] = 1.0;
                assert_eq!(src.levels, want, "{name}: packet {k} taken");
                assert_eq!(src.burst_left > 0, peak, "{name}: packet {k}'s peak");
            }
            assert_eq!(parts.counters.errors.load(Relaxed), 0, "{name}");
            let notes = parts.inbox.try_iter().count();
            assert_eq!(
                notes,
                usize::from(name == "v1"),
                "{name}: the v1 note, once"
            );
        }
    }

    /// A counting sender's late and repeated packets are dropped, across the wrap through 0;
    /// another format is ignored and said once, not counted.
    #[test]
    fn a_counting_senders_late_packets_are_dropped_across_the_wrap() {
        let parts = TestCtx::new(VirtualClock::default());
        let ctx = parts.ctx();
        let mut src = WledSyncSource::open(0, 12_800, 33).unwrap();
        let tx = sender_to(&src);
        let mut taken = Vec::new();
        for (i, counter) in [253u8, 254, 255, 0, 254, 1, 1, 2].into_iter().enumerate() {
            let mut fft = [0u8; CHANNELS];
            fft[i] = 254;
            tx.send(&senders::mm(counter, fft, false)).unwrap();
            wait_readable(&src.socket);
            src.drain(i as u64 * 21_000_000, &ctx);
            taken.push(src.levels[i] == 1.0);
        }
        assert_eq!(taken, [true, true, true, true, false, true, false, true]);
        assert_eq!(parts.counters.errors.load(Relaxed), 2);
        for _ in 0..2 {
            tx.send(b"not audio sync").unwrap();
            wait_readable(&src.socket);
            src.drain(200_000_000, &ctx);
        }
        assert_eq!(parts.counters.errors.load(Relaxed), 2);
        assert_eq!(parts.inbox.try_iter().count(), 1, "said once");
    }

    fn packet(counter: u8, channel: usize, peak: bool) -> [u8; 44] {
        let mut fft = [0u8; CHANNELS];
        fft[channel] = 254;
        let p = AudioSync {
            pressure: 0,
            sample_raw: 100.0,
            sample_smooth: 100.0,
            sample_peak: u8::from(peak),
            frame_counter: counter,
            fft,
            zero_crossings: 0,
            fft_magnitude: 0.0,
            fft_major_peak: 0.0,
        };
        let mut buf = [0u8; 44];
        wled_sync::encode(&mut buf, &p).unwrap();
        buf
    }

    #[test]
    fn packets_become_audio_that_the_analyser_hears_in_the_right_channel() {
        let parts = TestCtx::new(MonotonicClock::new());
        let ctx = parts.ctx();
        let config = Config::DEFAULT;
        let mut src = WledSyncSource::open(0, config.sample_rate, config.lowest_note).unwrap();
        let port = src.socket.local_addr().unwrap().port();
        let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
        tx.connect(("127.0.0.1", port)).unwrap();
        // Channel 9 = notes 36..39 (A4 and up); then an out-of-order packet that must not count.
        tx.send(&packet(10, 9, false)).unwrap();
        tx.send(&packet(9, 2, false)).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let mut analyzer = Box::new(Analyzer::new(config).unwrap());
        let mut hop = vec![0.0f32; config.hop];
        let mut snap = None;
        let mut hops = 0;
        while hops < 200 {
            if let HopRead::Ready(_) = src.next_hop(&mut hop, &ctx).unwrap() {
                snap = Some(*analyzer.process_hop(&hop).unwrap());
                hops += 1;
            }
        }
        let snap = snap.unwrap();
        let loudest = (0..64)
            .max_by(|&a, &b| snap.spectrum_smooth[a].total_cmp(&snap.spectrum_smooth[b]))
            .unwrap();
        assert!((36..40).contains(&loudest), "loudest note {loudest}");
        assert_eq!(
            parts
                .counters
                .errors
                .load(std::sync::atomic::Ordering::Relaxed),
            1
        );
        assert_eq!(src.sequence.last(), Some(10));
    }

    #[test]
    fn silence_after_the_timeout_and_a_burst_on_a_peak() {
        let parts = TestCtx::new(MonotonicClock::new());
        let ctx = parts.ctx();
        let mut src = WledSyncSource::open(0, 12_800, 33).unwrap();
        let p = wled_sync::decode(&packet(1, 0, true)).unwrap();
        src.accept(&p, 0, &ctx);
        let mut hop = [0.0f32; 64];
        src.synthesise(&mut hop);
        assert!(hop.iter().any(|s| s.abs() > 0.1), "the burst");
        src.drain(duration_nanos(TIMEOUT), &ctx);
        assert!(src.timed_out && src.levels == [0.0; CHANNELS]);
        src.synthesise(&mut hop);
        assert!(hop.iter().all(|&s| s == 0.0));
        assert!(parts.inbox.try_recv().is_ok(), "the timeout is said once");
        // After the timeout any counter is accepted (the sender restarted).
        let p = wled_sync::decode(&packet(0, 3, false)).unwrap();
        src.accept(&p, duration_nanos(TIMEOUT) + 1, &ctx);
        assert_eq!(src.levels[3], 1.0);
    }
}
