//! `k1 run --out` end to end: the real binary renders the demo and sends it to receivers on
//! loopback; the packets are decoded here from the specs (DDP, WLED audio sync) and E1.31's
//! stream-terminated packets are seen at the end. Bad URLs are usage errors naming the part at
//! fault; an unreachable receiver is reported once, counted, and rendering goes on. A short
//! `k1 bench outputs` runs here too (the 60-s one is run by hand: see the README).
//!
//! These runs are real processes on the wall clock, so nothing here counts packets against a
//! rate: how many arrive in 1.5 s depends on how busy the machine is. The tests check what
//! arrives (formats, order, counters, the stream's end) and caps that load can only lower; each
//! output's pacing is tested exactly on virtual time in `k1-engine` (`sink_threads`,
//! `outputs::wled_sync`).

mod common;

use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::k1;

/// A loopback receiver that collects datagrams on its own thread while k1 runs (so the
/// socket's buffer never overflows), until [`Collector::finish`].
struct Collector {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Vec<u8>>>,
}

impl Collector {
    fn start() -> Self {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let port = s.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut buf = [0u8; 2048];
            loop {
                match s.recv(&mut buf) {
                    Ok(n) => out.push(buf[..n].to_vec()),
                    Err(_) if flag.load(Ordering::Relaxed) => return out,
                    Err(_) => {}
                }
            }
        });
        Self { port, stop, thread }
    }

    /// Everything received, once the sender has gone quiet.
    fn finish(self) -> Vec<Vec<u8>> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

const RUN: [&str; 6] = [
    "run",
    "--demo",
    "--no-playback",
    "--no-preview",
    "--duration",
    "1.5s",
];

#[test]
fn ddp_e131_and_audio_sync_reach_loopback_receivers() {
    let (ddp, e131, sync) = (Collector::start(), Collector::start(), Collector::start());
    let (ddp_port, e131_port, sync_port) = (ddp.port, e131.port, sync.port);
    let ddp_url = format!("ddp://127.0.0.1:{ddp_port}?leds=0-99&fps=50");
    let e131_url = format!("e131://127.0.0.1:{e131_port}?universe=3&leds=100-299");
    let sync_url = format!("wled-sync://127.0.0.1:{sync_port}");
    let mut args = RUN.to_vec();
    args.extend([
        "--leds", "320", "--out", &ddp_url, "--out", &e131_url, "--out", &sync_url,
    ]);
    let run = k1(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // DDP: 100 LEDs = 300 bytes in one packet with the push flag, RGB type, at most 50 a
    // second (the cap: at most 76 in the run's 1.5 s plus one tick of slack; fewer on a busy
    // machine).
    let packets = ddp.finish();
    assert!(
        (1..=77).contains(&packets.len()),
        "{} DDP packets",
        packets.len()
    );
    for p in &packets {
        assert_eq!((p[0], p[2], p[3]), (0x41, 0x0B, 1));
        assert_eq!(u16::from_be_bytes([p[8], p[9]]), 300);
        assert_eq!(p.len(), 310);
    }
    assert!(
        packets.iter().any(|p| p[10..].iter().any(|&b| b > 0)),
        "the demo lights LEDs"
    );

    // E1.31: 200 LEDs = universes 3 (170 LEDs) and 4 (30), then 3 terminated packets each.
    let packets = e131.finish();
    let universe = |p: &Vec<u8>| u16::from_be_bytes([p[113], p[114]]);
    let terminated: Vec<u16> = packets
        .iter()
        .filter(|p| p[112] & 0x40 != 0)
        .map(universe)
        .collect();
    assert_eq!(terminated, [3, 3, 3, 4, 4, 4]);
    let data: Vec<&Vec<u8>> = packets.iter().filter(|p| p[112] & 0x40 == 0).collect();
    // Each frame is both universes.
    for u in [3, 4] {
        assert!(
            data.iter().any(|p| universe(p) == u),
            "no data for universe {u}"
        );
    }
    assert!(
        data.iter()
            .all(|p| matches!((universe(p), p.len()), (3, 636) | (4, 216)))
    );

    // Audio sync: 44-byte v2 packets, at most one per 20 ms (the cap: at most 76 in 1.5 s plus
    // one tick of slack; the exact pacing is tested on virtual time in k1-engine), counters
    // increasing.
    let packets = sync.finish();
    assert!(
        (2..=77).contains(&packets.len()),
        "{} sync packets",
        packets.len()
    );
    assert!(
        packets
            .iter()
            .all(|p| p.len() == 44 && &p[..6] == b"00002\0")
    );
    let counters: Vec<u8> = packets.iter().map(|p| p[17]).collect();
    assert!(counters.windows(2).all(|w| w[1] == w[0].wrapping_add(1)));
    assert!(
        packets.iter().any(|p| p[18..34].iter().any(|&b| b > 0)),
        "the GEQ channels move with the demo"
    );
    assert!(
        packets.iter().any(|p| p[16] == 1),
        "onsets and beats set samplePeak"
    );

    // The summary has each output's counters.
    assert!(
        run.stdout.contains("output   ddp:127.0.0.1:"),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_urls_are_usage_errors_naming_the_part() {
    for (url, part) in [
        ("ddp://", "host"),
        ("dmx://10.0.0.1", "scheme"),
        ("ddp://h?leds=0-400", "leds"),
        ("e131://h?universe=70000", "universe"),
        ("wled://h?timeout=x", "timeout"),
        ("artnet://h?colour=red", "colour"),
    ] {
        let mut args = RUN.to_vec();
        args.extend(["--out", url]);
        let run = k1(&args);
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(": {part}: ")),
            "{url}: {}",
            run.stderr
        );
    }
}

#[test]
fn an_unreachable_receiver_is_reported_once_and_rendering_goes_on() {
    // A port nobody listens on: loopback answers with ICMP port unreachable.
    let closed = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("ddp://127.0.0.1:{port}?fps=max");
    let mut args = RUN.to_vec();
    args.extend(["--out", &url]);
    let run = k1(&args);
    // It exits 1 when a target is missed, which a busy machine may cause; anything else is a
    // fault.
    let missed = run.code == 1 && run.stderr.contains("missed its targets");
    assert!(run.code == 0 || missed, "{}\n{}", run.stdout, run.stderr);
    // Rendering went on (its rate is the machine's: `k1 run --check` judges it).
    let fps: f64 = run
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("render"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(fps > 0.0, "{fps} FPS");
    let warnings = run.stderr.matches("refused").count();
    assert_eq!(warnings, 1, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("output   ddp:"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.contains("errors (last: Connection refused"), "{line}");
}

#[test]
fn a_config_file_adds_outputs() {
    let rx = Collector::start();
    let port = rx.port;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k1.toml");
    std::fs::write(
        &path,
        format!("[[outputs]]\nurl = \"wled://127.0.0.1:{port}?timeout=7\"\nname = \"shelf\"\n"),
    )
    .unwrap();
    let mut args = RUN.to_vec();
    args.extend(["--leds", "600", "--config", common::s(&path)]);
    let run = k1(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let packets = rx.finish();
    // 600 LEDs: DNRGB packets of 489 and 111 LEDs from 0 and 489, timeout byte 7.
    assert!(!packets.is_empty(), "no WLED packets");
    assert!(packets.iter().all(|p| p[0] == 4 && p[1] == 7));
    assert!(
        packets
            .iter()
            .any(|p| p[2..4] == [0x01, 0xE9] && p.len() == 4 + 111 * 3)
    );
    assert!(run.stdout.contains("output   shelf:"), "{}", run.stdout);
}

#[test]
fn a_short_outputs_benchmark_delivers_every_frame() {
    let run = k1(&[
        "bench",
        "outputs",
        "--receivers",
        "8",
        "--seconds",
        "2",
        "--warmup",
        "1",
    ]);
    // The benchmark runs and reports its figures. How many frames a loaded machine drops in
    // real time is the benchmark's figure to print, not a test's to assert (`cargo test` never
    // asserts on wall-clock time); the frame accounting is checked on the virtual clock in
    // k1-engine's output tests.
    // It exits 1 when a target is missed, which a busy machine may cause; anything else is a
    // fault.
    let missed = run.code == 1 && run.stderr.contains("missed its targets");
    assert!(run.code == 0 || missed, "{}\n{}", run.stdout, run.stderr);
    let drops = run
        .stdout
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("drops"))
        .and_then(|rest| rest.trim_start().split(':').next())
        .and_then(|n| n.trim().parse::<u64>().ok());
    assert!(drops.is_some(), "no drops count in:\n{}", run.stdout);
    assert!(run.stdout.contains("delivered"), "{}", run.stdout);
}

#[test]
fn one_k1_drives_another_through_wled_audio_sync() {
    // k1 B listens for audio sync and sends its frames as DDP; k1 A plays the demo and sends
    // its analysis as audio sync to B.
    let port = {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let ddp = Collector::start();
    let input = format!("wled-sync:{port}");
    let ddp_url = format!("ddp://127.0.0.1:{}?fps=20", ddp.port);
    let b_args: Vec<String> = [
        "run",
        "--input",
        &input,
        "--no-playback",
        "--no-preview",
        "--duration",
        "4s",
        "--out",
        &ddp_url,
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let b = std::thread::spawn(move || {
        let args: Vec<&str> = b_args.iter().map(String::as_str).collect();
        k1(&args)
    });
    std::thread::sleep(Duration::from_millis(300));
    let sync_url = format!("wled-sync://127.0.0.1:{port}");
    let mut args = RUN.to_vec();
    args.retain(|a| *a != "1.5s");
    args.extend(["4s", "--out", &sync_url]);
    let a = k1(&args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    let b = b.join().unwrap();
    assert_eq!(b.code, 0, "{}", b.stderr);
    // B heard A's music: it found a tempo (it stays 0 in silence) ...
    let bpm: f64 = b
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("tempo"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{}", b.stdout));
    assert!(bpm > 0.0, "{}", b.stdout);
    // ... and its light follows: its frames are not dark, and they change.
    let frames = ddp.finish();
    // (How many of B's frames came after A's first packet depends on how soon A started.)
    let lit = frames
        .iter()
        .filter(|p| p[10..].iter().any(|&v| v > 0))
        .count();
    assert!(lit > 0, "none of {} frames lit", frames.len());
    assert!(frames.windows(2).any(|w| w[0][10..] != w[1][10..]));
}

#[test]
fn outputs_to_one_host_have_unique_readable_names() {
    let mut args = RUN.to_vec();
    // Two to one receiver, one on another port of the same host, one over IPv6 (UDP: no
    // receiver is needed for the names).
    args.extend([
        "--out",
        "ddp://127.0.0.1:4049",
        "--out",
        "ddp://127.0.0.1:4049?leds=0-9",
        "--out",
        "ddp://127.0.0.1:4050",
        "--out",
        "ddp://[::1]",
    ]);
    let run = k1(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in [
        "ddp:127.0.0.1:4049 ",
        "ddp:127.0.0.1:4049 #2",
        "ddp:127.0.0.1:4050",
        "ddp:[::1]:4048",
    ] {
        assert!(
            run.stdout.contains(&format!("output   {name}")),
            "{name}: {}",
            run.stdout
        );
    }
}
