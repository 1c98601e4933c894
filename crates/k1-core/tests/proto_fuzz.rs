//! Decoding arbitrary bytes never panics, and every encoder round-trips through its decoder.

use k1_core::proto::{adalight, artnet, ddp, e131, opc, wled_realtime, wled_sync};
use proptest::prelude::*;

proptest! {
    #[test]
    fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1600)) {
        let _ = ddp::decode(&bytes);
        let _ = artnet::decode_dmx(&bytes);
        let _ = artnet::opcode(&bytes);
        let _ = wled_sync::decode(&bytes);
        let _ = wled_sync::decode_any(&bytes);
        let _ = e131::decode_data(&bytes);
        let _ = wled_realtime::decode(&bytes);
        let _ = opc::decode_header(&bytes);
        let _ = adalight::decode_header(&bytes);
    }

    #[test]
    fn e131_round_trips(data in proptest::collection::vec(any::<u8>(), 0..=512), seq: u8, uni in 1u16..=63999, prio in 0u8..=200, opts: u8, cid: [u8; 16]) {
        let mut buf = [0u8; 700];
        let h = e131::DataHeader { cid, source_name: "K1 test", priority: prio, sync_address: 0, sequence: seq, options: opts, universe: uni };
        let n = e131::encode_data(&mut buf, &h, &data).unwrap();
        let d = e131::decode_data(&buf[..n]).unwrap();
        prop_assert_eq!(d.header, h);
        prop_assert_eq!(d.channels, &data[..]);
    }

    #[test]
    fn wled_realtime_round_trips(leds in proptest::collection::vec(any::<[u8; 3]>(), 0..=489), start: u16, timeout: u8) {
        let rgb: Vec<u8> = leds.iter().flatten().copied().collect();
        let mut buf = [0u8; wled_realtime::MAX_PACKET];
        let n = wled_realtime::encode_dnrgb(&mut buf, timeout, start, &rgb).unwrap();
        let p = wled_realtime::decode(&buf[..n]).unwrap();
        prop_assert_eq!((p.timeout_s, p.start, p.rgb), (timeout, start, &rgb[..]));
        let n = wled_realtime::encode_drgb(&mut buf, timeout, &rgb).unwrap();
        let p = wled_realtime::decode(&buf[..n]).unwrap();
        prop_assert_eq!((p.start, p.rgb), (0, &rgb[..]));
    }

    #[test]
    fn ddp_round_trips(data in proptest::collection::vec(any::<u8>(), 0..=1440), seq in 0u8..16, offset: u32, push: bool) {
        let mut buf = [0u8; 1450];
        let n = ddp::encode(&mut buf, seq, offset, &data, push).unwrap();
        let p = ddp::decode(&buf[..n]).unwrap();
        prop_assert_eq!(p.data, &data[..]);
        prop_assert_eq!((p.sequence, p.offset, p.push, p.data_type), (seq, offset, push, ddp::TYPE_RGB8));
    }

    #[test]
    fn ddp_frames_reassemble(frame in proptest::collection::vec(any::<u8>(), 0..6000)) {
        let mut scratch = [0u8; ddp::HEADER_LEN + ddp::MAX_DATA];
        let mut rebuilt = vec![0u8; frame.len()];
        let mut pushes = 0;
        ddp::for_each_packet(&frame, 1, &mut scratch, |bytes| {
            let p = ddp::decode(bytes).unwrap();
            let o = p.offset as usize;
            rebuilt[o..o + p.data.len()].copy_from_slice(p.data);
            pushes += p.push as usize;
        }).unwrap();
        prop_assert_eq!(rebuilt, frame);
        prop_assert_eq!(pushes, 1);
    }

    #[test]
    fn artdmx_round_trips(data in proptest::collection::vec(any::<u8>(), 0..=512), seq: u8, net in 0u8..128, sub in 0u8..16, uni in 0u8..16) {
        let mut buf = [0u8; 600];
        let addr = artnet::PortAddress::new(net, sub, uni).unwrap();
        let n = artnet::encode_dmx(&mut buf, seq, addr, &data).unwrap();
        let d = artnet::decode_dmx(&buf[..n]).unwrap();
        prop_assert_eq!(&d.data[..data.len()], &data[..]);
        prop_assert!(d.data.len().is_multiple_of(2) && d.data.len() >= 2);
        prop_assert_eq!((d.sequence, d.address), (seq, addr));
    }

    #[test]
    fn wled_sync_round_trips(pressure: u16, raw: f32, smooth: f32, peak: u8, counter: u8, fft in proptest::array::uniform16(0u8..=254), zc: u16, mag: f32, major: f32) {
        let p = wled_sync::AudioSync {
            pressure, sample_raw: raw, sample_smooth: smooth, sample_peak: peak, frame_counter: counter,
            fft, zero_crossings: zc, fft_magnitude: mag, fft_major_peak: major,
        };
        let mut buf = [0u8; 44];
        wled_sync::encode(&mut buf, &p).unwrap();
        let q = wled_sync::decode(&buf).unwrap();
        let clean = |v: f32| if v.is_finite() { v } else { 0.0 };
        prop_assert_eq!(q.fft, fft);
        prop_assert_eq!((q.pressure, q.sample_peak, q.frame_counter, q.zero_crossings), (pressure, peak, counter, zc));
        prop_assert_eq!(q.sample_raw.to_bits(), clean(raw).to_bits());
        prop_assert_eq!(q.fft_major_peak.to_bits(), clean(major).to_bits());
        prop_assert_eq!(q.fft_magnitude.to_bits(), clean(mag).to_bits());
        prop_assert_eq!(q.sample_smooth.to_bits(), clean(smooth).to_bits());
    }
}

proptest! {
    /// Either header followed by any bytes: a clean error or a packet with finite levels.
    #[test]
    fn wled_sync_headers_with_any_body(v1: bool, body in proptest::collection::vec(any::<u8>(), 0..100)) {
        let mut bytes = if v1 { wled_sync::HEADER_V1 } else { wled_sync::HEADER }.to_vec();
        bytes.extend(body);
        let expected = if v1 { wled_sync::LEN_V1 } else { wled_sync::LEN };
        match wled_sync::decode_any(&bytes) {
            Ok((_, p)) => {
                prop_assert_eq!(bytes.len(), expected);
                prop_assert!(p.sample_raw.is_finite() && p.fft_magnitude.is_finite() && p.fft_major_peak.is_finite());
            }
            Err(_) => prop_assert_ne!(bytes.len(), expected),
        }
    }
}
