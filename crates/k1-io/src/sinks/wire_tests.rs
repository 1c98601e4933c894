//! Every output sink against a reader that is not K1's own decoder: Wireshark's dissectors
//! (`tshark`, ACN for E1.31 and ARTNET for Art-Net) read pcap files written from the datagrams a
//! loopback socket received; DDP, WLED realtime and WLED audio sync are read by small decoders
//! written here from the specs; OPC by a TCP server; Adalight through a pseudo-terminal pair.
//! Each test sends a known frame and checks that exactly that frame comes back.
//!
//! The pcap files need no capture privilege: the bytes are the ones the socket received, wrapped
//! in IPv4/UDP headers addressed to the protocol's standard port so the dissector picks them up.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use k1_core::color::Rgb8;

use super::*;
use crate::backoff::Backoff;
use crate::outputs::{OutputHandle, parse};

/// A frame whose every byte differs from its neighbours: LED i = (7i+1, 13i+2, 29i+3) mod 256.
fn test_frame(leds: usize) -> Frame {
    let mut f = Frame::new(leds);
    for (i, p) in f.leds.iter_mut().enumerate() {
        *p = Rgb8::new((7 * i + 1) as u8, (13 * i + 2) as u8, (29 * i + 3) as u8);
    }
    f
}

fn bytes_of(f: &Frame) -> Vec<u8> {
    f.leds.iter().flat_map(|p| [p.r, p.g, p.b]).collect()
}

fn receiver() -> (UdpSocket, u16) {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let port = s.local_addr().unwrap().port();
    (s, port)
}

/// Every datagram that arrives until the socket is quiet for its read timeout.
fn drain(s: &UdpSocket) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 2048];
    while let Ok(n) = s.recv(&mut buf) {
        out.push(buf[..n].to_vec());
    }
    out
}

/// A pcap file (link type RAW: IPv4) of `packets` sent from 127.0.0.1:40000 to `port`.
fn write_pcap(path: &Path, port: u16, packets: &[Vec<u8>]) {
    let mut out = Vec::new();
    out.extend(0xA1B2_C3D4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0u8; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(101u32.to_le_bytes());
    for (i, p) in packets.iter().enumerate() {
        let udp_len = 8 + p.len();
        let ip_len = 20 + udp_len;
        let mut ip = vec![0x45, 0];
        ip.extend((ip_len as u16).to_be_bytes());
        ip.extend((i as u16).to_be_bytes());
        ip.extend([0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]);
        ip.extend(40000u16.to_be_bytes());
        ip.extend(port.to_be_bytes());
        ip.extend((udp_len as u16).to_be_bytes());
        ip.extend([0, 0]);
        ip.extend(p);
        for v in [1u32, i as u32, ip_len as u32, ip_len as u32] {
            out.extend(v.to_le_bytes());
        }
        out.extend(ip);
    }
    std::fs::write(path, out).unwrap();
}

/// tshark's output for `pcap` with `args`; fails the test if tshark is missing.
fn tshark(pcap: &Path, args: &[&str]) -> String {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(pcap)
        .args(args)
        .output()
        .expect("tshark is not installed (apt-get install tshark; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn handle_for(url: &str) -> Arc<OutputHandle> {
    let spec = parse(url).unwrap();
    Arc::new(OutputHandle::new(&spec, spec.range_for(4096).unwrap()))
}

#[test]
fn e131_through_wiresharks_acn_dissector() {
    let (rx, port) = receiver();
    let cid = [0x5A; 16];
    let opts = E131Options {
        universe: 7,
        priority: 150,
        source: "K1 test".into(),
        sync: Some(7),
        cid,
    };
    let mut t = E131Transport::unicast("127.0.0.1", port, opts);
    let frame = test_frame(320);
    for _ in 0..2 {
        t.send(&frame.leds, &frame).unwrap();
    }
    t.finish().unwrap();
    let packets = drain(&rx);
    // Two frames of (2 universes + 1 sync), then 3 stream-terminated packets per universe.
    assert_eq!(packets.len(), 2 * 3 + 2 * 3);
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("e131.pcap");
    write_pcap(&pcap, 5568, &packets);
    let text = tshark(
        &pcap,
        &[
            "--enable-heuristic",
            "acn",
            "-o",
            "acn.dmx_enable:TRUE",
            "-o",
            "acn.dmx_display_view:Decimal",
            "-o",
            "acn.dmx_display_zeros:TRUE",
            "-o",
            "acn.dmx_display_leading_zeros:TRUE",
            "-Y",
            "acn.dmx.universe",
            "-T",
            "fields",
            "-E",
            "separator=/t",
            "-e",
            "acn.dmx.universe",
            "-e",
            "acn.dmx.seq_number",
            "-e",
            "acn.dmx.priority",
            "-e",
            "acn.dmx.source_name",
            "-e",
            "acn.dmx.option_s",
            "-e",
            "acn.dmx.data",
        ],
    );
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 4 + 6, "{text}");
    let want = bytes_of(&frame);
    for (frame_no, pair) in rows[..4].chunks(2).enumerate() {
        let mut got = Vec::new();
        for (i, row) in pair.iter().enumerate() {
            assert_eq!(row[0], (7 + i).to_string());
            assert_eq!(row[1], frame_no.to_string(), "sequence per universe");
            assert_eq!((row[2], row[3]), ("150", "K1 test"));
            got.extend(dmx_values(row[5]));
        }
        assert_eq!(got, want, "the decoded DMX is the frame");
    }
    let terminated: Vec<&str> = rows[4..].iter().map(|r| r[0]).collect();
    assert_eq!(terminated, ["7", "7", "7", "8", "8", "8"]);
    assert!(
        rows[4..].iter().all(|r| r[4] == "1" || r[4] == "True"),
        "{text}"
    );
    // The sync packets carry the CID and universe 7 as their address.
    let syncs: Vec<&Vec<u8>> = packets.iter().filter(|p| p.len() == 49).collect();
    assert_eq!(syncs.len(), 2);
    assert_eq!(
        (&syncs[0][22..38], &syncs[0][45..47]),
        (&cid[..], &[0u8, 7][..])
    );
}

/// The channel values in the ACN dissector's DMX text: rows `001-020: 000 001 … | 070 …`.
fn dmx_values(field: &str) -> Vec<u8> {
    field
        .split(',')
        .filter_map(|row| row.split_once(": ").map(|(_, v)| v))
        .flat_map(|v| {
            v.split_whitespace()
                .filter(|t| *t != "|")
                .map(|n| n.parse::<u8>().unwrap())
        })
        .collect()
}

#[test]
fn artnet_through_wiresharks_artnet_dissector() {
    let (rx, port) = receiver();
    let mut t = ArtNetTransport::new("127.0.0.1", port, 0x0110, true);
    let frame = test_frame(320);
    t.send(&frame.leds, &frame).unwrap();
    let packets = drain(&rx);
    assert_eq!(packets.len(), 3, "two universes and ArtSync");
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("artnet.pcap");
    write_pcap(&pcap, 6454, &packets);
    let text = tshark(
        &pcap,
        &[
            "-o",
            "dmx_chan.dmx_disp_chan_val_type:Decimal",
            "-o",
            "dmx_chan.dmx_disp_chan_nr_type:Decimal",
            "-V",
        ],
    );
    let mut universes = Vec::new();
    let mut data = Vec::new();
    let mut opcodes = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(u) = line.strip_prefix("Universe: ") {
            universes.push(u.to_string());
        } else if let Some(op) = line.strip_prefix("OpCode: ") {
            opcodes.push(op.to_string());
        } else if let Some((chan, values)) = line.split_once(':')
            && chan.chars().all(|c| c.is_ascii_digit())
            && !chan.is_empty()
        {
            data.extend(values.split_whitespace().map(|v| v.parse::<u8>().unwrap()));
        }
    }
    assert_eq!(universes, ["272", "273"], "{text}");
    assert!(
        opcodes[0].starts_with("ArtDMX") && opcodes[2].starts_with("ArtSync"),
        "{opcodes:?}"
    );
    assert_eq!(data, bytes_of(&frame), "the decoded DMX is the frame");
}

/// DDP read from the spec (3waylabs DDP v1): flags, sequence, type, id, 32-bit offset, 16-bit
/// length, data; the push flag ends a frame.
mod ddp_spec {
    /// The frames a receiver would show, and each packet's sequence number.
    pub fn frames(packets: &[Vec<u8>]) -> (Vec<Vec<u8>>, Vec<u8>) {
        let mut frames = Vec::new();
        let mut sequences = Vec::new();
        let mut current = Vec::new();
        for p in packets {
            assert_eq!(p[0] >> 6, 1, "version 1");
            assert_eq!((p[2], p[3]), (0x0B, 1), "RGB 8-bit to the default output");
            let offset = u32::from_be_bytes([p[4], p[5], p[6], p[7]]) as usize;
            let len = usize::from(u16::from_be_bytes([p[8], p[9]]));
            assert!(len <= 1440 && p.len() == 10 + len);
            if current.len() < offset + len {
                current.resize(offset + len, 0);
            }
            current[offset..offset + len].copy_from_slice(&p[10..]);
            sequences.push(p[1] & 0x0F);
            if p[0] & 0x01 != 0 {
                frames.push(std::mem::take(&mut current));
            }
        }
        (frames, sequences)
    }
}

#[test]
fn ddp_reassembles_exactly() {
    let (rx, port) = receiver();
    let mut t = DdpTransport::new("127.0.0.1", port);
    let frame = test_frame(1000);
    for _ in 0..16 {
        t.send(&frame.leds, &frame).unwrap();
    }
    let (frames, seqs) = ddp_spec::frames(&drain(&rx));
    assert_eq!(frames.len(), 16);
    assert!(frames.iter().all(|f| *f == bytes_of(&frame)));
    // 3 packets a frame (480 + 480 + 40 pixels), sequence 1..=15 then 1 again.
    assert_eq!(seqs.len(), 48);
    assert_eq!(&seqs[..6], [1, 1, 1, 2, 2, 2]);
    assert_eq!(&seqs[42..], [15, 15, 15, 1, 1, 1]);
}

/// WLED realtime read from WLED's docs: byte 0 protocol (2 DRGB, 4 DNRGB), byte 1 timeout,
/// DNRGB's start index in bytes 2–3 (big-endian), then RGB.
fn wled_spec(packets: &[Vec<u8>], leds: usize) -> (Vec<u8>, Vec<u8>) {
    let mut out = vec![0u8; leds * 3];
    let mut protocols = Vec::new();
    for p in packets {
        protocols.push(p[0]);
        let (start, data) = match p[0] {
            2 => (0, &p[2..]),
            4 => (usize::from(u16::from_be_bytes([p[2], p[3]])), &p[4..]),
            other => panic!("protocol {other}"),
        };
        assert_eq!(p[1], 9, "timeout byte");
        out[start * 3..start * 3 + data.len()].copy_from_slice(data);
    }
    (out, protocols)
}

#[test]
fn wled_realtime_drgb_and_dnrgb() {
    let (rx, port) = receiver();
    let mut t = WledTransport::new("127.0.0.1", port, 9);
    let small = test_frame(490);
    t.send(&small.leds, &small).unwrap();
    let (got, protocols) = wled_spec(&drain(&rx), 490);
    assert_eq!((got, protocols), (bytes_of(&small), vec![2]));
    let big = test_frame(1000);
    t.send(&big.leds, &big).unwrap();
    let (got, protocols) = wled_spec(&drain(&rx), 1000);
    assert_eq!((got, protocols), (bytes_of(&big), vec![4, 4, 4]));
}

#[test]
fn opc_frames_arrive_and_the_connection_is_made_again() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let url = format!("opc://127.0.0.1:{port}?channel=3");
    let handle = handle_for(&url);
    let range = crate::outputs::LedRange { start: 0, end: 50 };
    let mut sink = OutputSink::new(
        Box::new(OpcTransport::new("127.0.0.1", port, 3)),
        Arc::clone(&handle),
        range,
        None,
    )
    .with_backoff(
        Backoff::new(Duration::from_millis(10), Duration::from_millis(10)),
        Duration::ZERO,
    );
    let frame = test_frame(50);
    let read_message = |conn: &mut std::net::TcpStream| {
        let mut head = [0u8; 4];
        conn.read_exact(&mut head).unwrap();
        let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let mut data = vec![0u8; len];
        conn.read_exact(&mut data).unwrap();
        (head[0], head[1], data)
    };
    sink.write(&frame).unwrap();
    let (mut conn, _) = server.accept().unwrap();
    assert_eq!(read_message(&mut conn), (3, 0, bytes_of(&frame)));
    // The server goes away: sends fail (counted, reported once), then reconnect.
    drop(conn);
    let mut failures = 0;
    for _ in 0..200 {
        if sink.write(&frame).is_err() {
            failures += 1;
        }
        if handle.status().errors > 0 && handle.status().healthy {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(failures > 0 && handle.status().errors > 0);
    let (mut conn, _) = server.accept().unwrap();
    assert_eq!(read_message(&mut conn).2, bytes_of(&frame));
}

#[test]
fn adalight_through_a_pseudo_terminal() {
    let (mut master, path) = open_pty();
    let mut t = AdalightTransport::new(&path, 500_000);
    let frame = test_frame(300);
    t.send(&frame.leds, &frame).unwrap();
    let mut got = vec![0u8; 6 + 900];
    master.read_exact(&mut got).unwrap();
    // 299 = 0x012B; checksum 0x01 ^ 0x2B ^ 0x55 = 0x7F.
    assert_eq!(got[..6], [b'A', b'd', b'a', 0x01, 0x2B, 0x7F]);
    assert_eq!(got[6..], bytes_of(&frame)[..]);
}

/// A pseudo-terminal pair: the master end as a file, and the slave's path.
fn open_pty() -> (std::fs::File, String) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors into the two ints; the name, termios and winsize
    // pointers may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: `slave` is an open descriptor owned here; ttyname returns a static string or null.
    let name = unsafe { libc::ttyname(slave) };
    assert!(!name.is_null());
    // SAFETY: non-null, NUL-terminated, valid until the next ttyname call.
    let path = unsafe { std::ffi::CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned();
    // The serial port opens the slave by path; keeping this descriptor open is not needed.
    // SAFETY: `slave` is open and not used after this.
    unsafe { libc::close(slave) };
    // SAFETY: `master` is an open descriptor that this File now owns.
    (unsafe { std::fs::File::from_raw_fd(master) }, path)
}
