//! The sender's pacing and peak latch on virtual time, and its packets on a loopback socket.

use std::net::UdpSocket;
use std::sync::Arc;
use std::time::Duration;

use k1_core::Snapshot;
use k1_io::clock::Nanos;
use k1_io::sinks::{Frame, Sent, Transport};

use super::{AnalysisDelay, DEFAULT_INTERVAL, SyncPacer, WledSyncTransport};

const MS: Nanos = 1_000_000;

/// Runs `seconds` of frames every `frame_ns`, one analysis hop per frame; `beat(hop)` marks the
/// beats. Returns the packets' times and peak flags.
fn run(
    interval: Duration,
    frame_ns: Nanos,
    seconds: u64,
    beat: impl Fn(u64) -> bool,
) -> Vec<(Nanos, bool)> {
    let mut pacer = SyncPacer::new(interval, 33);
    let mut snap = Snapshot::EMPTY;
    let mut out = Vec::new();
    let mut now = 0;
    while now < seconds * 1000 * MS {
        snap.hop += 1;
        snap.beat = beat(snap.hop);
        if let Some(p) = pacer.step(&snap, now) {
            out.push((now, p.sample_peak == 1));
        }
        now += frame_ns;
    }
    out
}

#[test]
fn one_packet_per_20_ms_at_most_whatever_the_frame_rate() {
    // 200 FPS (k1 run's default): every 4th frame, 50 a second.
    let at_200 = run(DEFAULT_INTERVAL, 5 * MS, 10, |_| false);
    assert_eq!(at_200.len(), 500);
    // 120 FPS: the first frame 20 ms or more after the last packet is the 3rd (25 ms): 40 a second.
    assert_eq!(run(DEFAULT_INTERVAL, 8_333_334, 10, |_| false).len(), 400);
    // 60 FPS: every other frame (33 ms), 30 a second.
    assert_eq!(run(DEFAULT_INTERVAL, 16_666_667, 10, |_| false).len(), 300);
    // fps=100 in the URL: 10 ms.
    assert_eq!(
        run(Duration::from_millis(10), 5 * MS, 10, |_| false).len(),
        1000
    );
    assert!(at_200.windows(2).all(|w| w[1].0 - w[0].0 >= 20 * MS));
}

#[test]
fn a_beat_between_packets_is_held_until_a_packet_carries_it() {
    // Beats on hops that fall between packets (a packet goes on every 4th hop: 1, 5, 9, ...).
    let beats = [3u64, 7, 50, 51, 52, 99, 200];
    let packets = run(DEFAULT_INTERVAL, 5 * MS, 2, |h| beats.contains(&h));
    let hop_of = |t: Nanos| t / (5 * MS) + 1;
    let mut last_hop = 0;
    for &(t, peak) in &packets {
        let hop = hop_of(t);
        let want = beats.iter().any(|&b| b > last_hop && b <= hop);
        assert_eq!(peak, want, "packet at hop {hop}");
        last_hop = hop;
    }
    // 3 -> 5, 7 -> 9, 50..52 -> 53, 99 -> 101, 200 -> 201: five packets carry them.
    assert_eq!(packets.iter().filter(|p| p.1).count(), 5);
}

#[test]
fn a_beat_on_a_hop_the_sender_never_saw_comes_from_the_phase_wrap() {
    let mut pacer = SyncPacer::new(DEFAULT_INTERVAL, 33);
    let mut snap = Snapshot::EMPTY;
    snap.confidence = 0.8;
    snap.hop = 1;
    snap.beat_phase = 0.9;
    assert!(pacer.step(&snap, 0).is_some_and(|p| p.sample_peak == 0));
    // Two hops later (the beat was on the hop in between): the phase wrapped, 0.9 -> 0.1.
    snap.hop = 3;
    snap.beat_phase = 0.1;
    assert!(pacer.step(&snap, 5 * MS).is_none(), "not yet due");
    let p = pacer.step(&snap, 20 * MS).unwrap();
    assert_eq!(p.sample_peak, 1);
    assert_eq!(
        pacer.step(&snap, 40 * MS).unwrap().sample_peak,
        0,
        "carried once"
    );
}

#[test]
fn the_counter_counts_and_skips_zero_which_means_no_sequence() {
    let mut pacer = SyncPacer::new(DEFAULT_INTERVAL, 33);
    let counters: Vec<u8> = (0..300)
        .map(|i| {
            pacer
                .step(&Snapshot::EMPTY, i * 20 * MS)
                .unwrap()
                .frame_counter
        })
        .collect();
    assert_eq!(counters[..3], [1, 2, 3]);
    assert_eq!(counters[254..257], [255, 1, 2]);
    assert!(!counters.contains(&0));
}

/// The audio-sync v2 packet read from the usermod's struct: 44 bytes, little-endian.
#[test]
fn wled_sync_sender_paces_and_is_read_by_the_spec() {
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    rx.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let port = rx.local_addr().unwrap().port();
    let shared = Arc::new(crate::Shared::new(
        crate::layout_for(8),
        crate::RenderSettings::DEFAULT,
    ));
    let mut t = WledSyncTransport::new("127.0.0.1", port, shared, 33, DEFAULT_INTERVAL);
    let mut f = Frame::new(8);
    let mut sent = Vec::new();
    for at in [0, 10, 19, 20, 39, 45] {
        f.rendered_at = at * MS;
        sent.push(t.send(&[], &f).unwrap());
    }
    use Sent::{Frame as F, NotDue as N};
    assert_eq!(sent, [F, N, N, F, N, F]);
    let mut packets = Vec::new();
    let mut buf = [0u8; 2048];
    while let Ok(n) = rx.recv(&mut buf) {
        packets.push(buf[..n].to_vec());
    }
    assert_eq!(packets.len(), 3);
    for (i, p) in packets.iter().enumerate() {
        assert_eq!(p.len(), 44);
        assert_eq!(&p[..6], b"00002\0");
        let f32_at = |o: usize| f32::from_le_bytes([p[o], p[o + 1], p[o + 2], p[o + 3]]);
        assert_eq!(
            (p[6], p[7], f32_at(8), f32_at(12), p[16]),
            (0, 0, 0.0, 0.0, 0),
            "silence before any audio"
        );
        assert_eq!(p[17], i as u8 + 1, "frame counter");
        assert_eq!(&p[18..34], &[0u8; 16]);
        assert_eq!((f32_at(36), f32_at(40)), (0.0, 0.0));
    }
}

/// Analyses published every 5 ms of virtual time come out of the delay exactly 100 ms later,
/// oldest first and each once; a shorter delay releases what is due under it at once.
#[test]
fn the_analysis_delay_releases_each_analysis_at_its_time_plus_the_delay() {
    let mut d = AnalysisDelay::new();
    let mut snap = Snapshot::EMPTY;
    let mut released = Vec::new();
    for step in 0..100u64 {
        let now = step * 5 * MS;
        snap.hop = step + 1;
        d.push(now, &snap);
        // The same hop seen again (a frame between two hops) is held once.
        d.push(now, &snap);
        let current = d.release(now, 100 * MS, |s| released.push((s.hop, now)));
        let want = if step >= 20 { step - 20 + 1 } else { 0 };
        assert_eq!(current.hop, want, "at {} ms", now / MS);
    }
    assert_eq!(released.len(), 80);
    for (hop, at) in &released {
        assert_eq!(*at, (hop - 1) * 5 * MS + 100 * MS, "hop {hop}");
    }
    assert_eq!(d.len(), 20);
    let mut late = Vec::new();
    let current = d.release(99 * 5 * MS, 0, |s| late.push(s.hop));
    assert_eq!(late, (81..=100).collect::<Vec<_>>());
    assert_eq!(current.hop, 100);
    assert!(d.is_empty());
}

/// The whole sender through the sink runner on a virtual clock, beside an LED output: analyses
/// and frames every 5 ms, the audio offset at 100 ms. The runner hands the sender every frame at
/// once, and each packet carries the analysis published 100 ms (or less, up to one frame)
/// before it was sent, as the LED output shows each frame 100 ms after it was drawn. With the
/// offset at 0 a packet carries the newest analysis.
#[test]
fn the_sender_holds_the_analysis_back_by_the_audio_offset() {
    for offset_ms in [100i32, 0] {
        let packets = run_with_offset(offset_ms);
        // 50 packets in the second; under the offset the first 100 ms carry no analysis yet.
        assert!(packets.len() >= 39, "{} packets in 1 s", packets.len());
        for (sent_at, hop) in &packets {
            // Analysis `hop` was published at (hop - 1) * 5 ms.
            let published = (hop - 1) * 5 * MS;
            let age = sent_at - published;
            let delay = u64::try_from(offset_ms).unwrap() * MS;
            assert!(
                (delay..delay + 5 * MS).contains(&age),
                "offset {offset_ms}: the packet at {} ms carried the analysis of {} ms",
                sent_at / MS,
                published / MS
            );
        }
    }
}

/// Runs one virtual second of the sender under `offset_ms`; returns each packet's send time and
/// the hop its analysis came from (carried in `sampleRaw`: the test's VU is `hop / 255`).
fn run_with_offset(offset_ms: i32) -> Vec<(Nanos, u64)> {
    use crate::MetricsHub;
    use crate::exchange::Published;
    use crate::sink_threads::SinkRunner;
    use k1_io::clock::{Clock, VirtualClock};
    use k1_io::events::Events;
    use k1_io::outputs::{LedRange, OutputHandle};
    use k1_io::sinks::{FrameSlot, OutputSink, Sink};

    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    rx.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let port = rx.local_addr().unwrap().port();
    let shared = Arc::new(crate::Shared::new(
        crate::layout_for(2),
        crate::RenderSettings::DEFAULT,
    ));
    shared.set_audio_offset_ms(i64::from(offset_ms)).unwrap();
    let url = format!("wled-sync://127.0.0.1:{port}");
    let spec = k1_io::outputs::parse(&url).unwrap();
    let range = LedRange { start: 0, end: 0 };
    let transport =
        WledSyncTransport::new("127.0.0.1", port, Arc::clone(&shared), 33, DEFAULT_INTERVAL);
    let handle = Arc::new(OutputHandle::new(&spec, range));
    shared.register_output(Arc::clone(&handle));
    let mut sink = OutputSink::new(Box::new(transport), handle, range, None).delaying_itself(true);
    let mut sinks: Vec<&mut dyn Sink> = vec![&mut sink];
    let mut runner = SinkRunner::new(&mut sinks, 2);
    let clock = VirtualClock::default();
    let slot = FrameSlot::new(2);
    let metrics = MetricsHub::default();
    let (events, _inbox) = Events::channel();
    let mut writer = shared.snapshots.writer().unwrap();
    let mut frame = Frame::new(2);
    let mut packets = Vec::new();
    let mut buf = [0u8; 128];
    for step in 0..200u64 {
        let now = step * 5 * MS;
        clock.advance(now - clock.now());
        let mut snap = Snapshot::EMPTY;
        snap.hop = step + 1;
        snap.vu = (step + 1) as f32 / 255.0;
        writer.write(&Published {
            snapshot: snap,
            captured: now,
            published: now,
            hop_check: snap.hop,
        });
        frame.index = step;
        frame.rendered_at = now;
        assert!(slot.offer(&frame));
        let sent_before = sink_sent(&shared);
        let _ = runner.step(&slot, now, 50 * MS, offset_ms, &metrics, &events);
        if sink_sent(&shared) > sent_before {
            let n = rx.recv(&mut buf).unwrap();
            let p = k1_core::proto::wled_sync::decode(&buf[..n]).unwrap();
            if p.sample_raw > 0.0 {
                packets.push((now, p.sample_raw.round() as u64));
            }
        }
    }
    packets
}

/// Packets the (only) output has sent.
fn sink_sent(shared: &crate::Shared) -> u64 {
    shared.outputs()[0].frames_sent
}
