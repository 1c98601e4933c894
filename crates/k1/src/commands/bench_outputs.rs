//! `k1 bench outputs`: the live engine (`k1 run --demo`) sending every frame as DDP to many
//! receivers on loopback (127.0.0.2, 127.0.0.3, …), each on a thread of its own that decodes and
//! counts whole frames. It reports frames delivered, drops (frames rendered that a receiver never
//! showed, split into those the outputs dropped and those lost on the way), and K1's CPU share:
//! every thread of the process except the receivers', over the measured seconds after a warm-up.

use std::io::Write;
use std::net::{Ipv4Addr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::cli::OutputsBenchJob;
use anyhow::Context;
use k1_core::proto::ddp;

use k1_engine::proc_stats::{ThreadCpu, thread_cpu};
use k1_engine::{EngineConfig, Metrics, Shared, Supervisor};
use k1_io::clock::MonotonicClock;
use k1_io::events::Event;

/// The receivers' thread name (left out of K1's CPU).
const RX_THREAD: &str = "k1-bench-rx";
/// Design targets.
const CPU_TARGET_PERCENT: f64 = 10.0;

/// One receiver's counts.
#[derive(Default)]
struct RxCount {
    frames: AtomicU64,
    bad: AtomicU64,
}

/// Receives DDP on `socket` until `stop`, counting frames that arrive whole.
fn receive(socket: &UdpSocket, frame_bytes: usize, count: &RxCount, stop: &AtomicBool) {
    let mut buf = [0u8; 1500];
    let mut got = 0usize;
    let mut sequence = 0u8;
    while !stop.load(Ordering::Relaxed) {
        let Ok(n) = socket.recv(&mut buf) else {
            continue;
        };
        match ddp::decode(&buf[..n]) {
            Ok(p) => {
                if p.sequence != sequence {
                    sequence = p.sequence;
                    got = 0;
                }
                got += p.data.len();
                if p.push {
                    if got == frame_bytes {
                        count.frames.fetch_add(1, Ordering::Relaxed);
                    } else {
                        count.bad.fetch_add(1, Ordering::Relaxed);
                    }
                    got = 0;
                }
            }
            Err(_) => {
                count.bad.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// CPU of every thread but the receivers', and the receivers' frames, at one moment.
struct Reading {
    at: Instant,
    threads: Vec<ThreadCpu>,
    delivered: u64,
}

struct Meter<'a> {
    job: &'a OutputsBenchJob,
    counts: &'a [RxCount],
    stop: &'a AtomicBool,
    elapsed: u32,
    start: Option<Reading>,
    end: Option<Reading>,
    warnings: u64,
}

impl Meter<'_> {
    fn read(&self) -> Reading {
        Reading {
            at: Instant::now(),
            threads: thread_cpu(),
            delivered: self
                .counts
                .iter()
                .map(|c| c.frames.load(Ordering::Relaxed))
                .sum(),
        }
    }
}

impl Supervisor for Meter<'_> {
    fn event(&mut self, event: &Event) {
        if let Event::Warning(m) = event {
            self.warnings += 1;
            k1_io::messages::warn(m);
        }
    }

    fn second(&mut self, _window: &Metrics, _total: &Metrics) {
        self.elapsed += 1;
        if self.elapsed == self.job.warmup {
            self.start = Some(self.read());
        } else if self.elapsed == self.job.warmup + self.job.seconds {
            self.end = Some(self.read());
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

/// CPU time of the threads not named `RX_THREAD` between two readings.
fn k1_cpu(start: &[ThreadCpu], end: &[ThreadCpu]) -> (Duration, Duration) {
    let mut k1 = Duration::ZERO;
    let mut sinks = Duration::ZERO;
    for t in end.iter().filter(|t| t.name != RX_THREAD) {
        let before = start
            .iter()
            .find(|s| s.tid == t.tid)
            .map_or(Duration::ZERO, |s| s.cpu);
        let d = t.cpu.saturating_sub(before);
        k1 += d;
        if t.name == "k1-sink" {
            sinks += d;
        }
    }
    (k1, sinks)
}

/// Runs the benchmark and prints its figures.
pub fn run(job: OutputsBenchJob) -> anyhow::Result<()> {
    let n = job.receivers as usize;
    let stop_rx = Arc::new(AtomicBool::new(false));
    let counts: Arc<Vec<RxCount>> = Arc::new((0..n).map(|_| RxCount::default()).collect());
    let mut urls = Vec::new();
    let mut rx_threads = Vec::new();
    for i in 0..n {
        let ip = Ipv4Addr::new(127, 0, (2 + i / 250) as u8, (2 + i % 250) as u8);
        let socket =
            UdpSocket::bind((ip, 0)).with_context(|| format!("binding a receiver on {ip}"))?;
        socket.set_read_timeout(Some(Duration::from_millis(50)))?;
        let port = socket.local_addr()?.port();
        urls.push(format!("ddp://{ip}:{port}?fps=max&name=rx{i}"));
        let (counts, stop) = (Arc::clone(&counts), Arc::clone(&stop_rx));
        let bytes = job.leds * 3;
        rx_threads.push(
            std::thread::Builder::new()
                .name(RX_THREAD.into())
                .spawn(move || receive(&socket, bytes, &counts[i], &stop))?,
        );
    }
    let specs: Vec<_> = urls
        .iter()
        .map(|u| k1_io::outputs::parse(u))
        .collect::<Result<_, _>>()?;
    let config = EngineConfig::new(job.config, job.fps, job.leds);
    let shared = Arc::new(Shared::new(config.layout, config.settings));
    let sinks = k1_engine::outputs::build_sinks(&specs, job.leds, &shared, job.config.lowest_note)
        .map_err(anyhow::Error::msg)?;
    let open = super::soak::paced_demo(&job.config)?;
    let stop = AtomicBool::new(false);
    k1_io::messages::note(format!(
        "bench outputs: {} LEDs at {} FPS as DDP to {n} receivers on 127.0.0.x: {} s warm-up, then {} s measured",
        job.leds, job.fps, job.warmup, job.seconds
    ));
    let mut meter = Meter {
        job: &job,
        counts: &counts,
        stop: &stop,
        elapsed: 0,
        start: None,
        end: None,
        warnings: 0,
    };
    let outcome = k1_engine::run_shared(
        &config,
        &shared,
        open,
        sinks,
        &MonotonicClock::new(),
        &stop,
        &mut meter,
    )?;
    // Let the last datagrams land before the receivers stop counting.
    std::thread::sleep(Duration::from_millis(200));
    stop_rx.store(true, Ordering::Relaxed);
    for t in rx_threads {
        let _ = t.join();
    }
    let (Some(start), Some(end)) = (meter.start.take(), meter.end.take()) else {
        anyhow::bail!("the engine stopped before the measurement ended");
    };
    let wall = end.at.duration_since(start.at).as_secs_f64().max(1e-9);
    let (cpu, sink_cpu) = k1_cpu(&start.threads, &end.threads);
    let pct = |d: Duration| 100.0 * d.as_secs_f64() / wall;
    let outputs = shared.outputs();
    let rendered = outcome.metrics.frames;
    let sent: u64 = outputs.iter().map(|o| o.frames_sent).sum();
    let dropped: u64 = outputs.iter().map(|o| o.frames_dropped).sum();
    let errors: u64 = outputs.iter().map(|o| o.errors).sum();
    let delivered: u64 = counts
        .iter()
        .map(|c| c.frames.load(Ordering::Relaxed))
        .sum();
    let bad: u64 = counts.iter().map(|c| c.bad.load(Ordering::Relaxed)).sum();
    let expected = rendered * n as u64;
    // A drop: a frame an output took from the renderer (or fell behind on) that its receiver
    // did not get whole. Frames rendered after the stop flag, which no output took, are not.
    let missing = dropped + sent.saturating_sub(delivered) + bad;
    let worst = counts
        .iter()
        .map(|c| c.frames.load(Ordering::Relaxed))
        .min()
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "bench outputs: {} LEDs at {} FPS as DDP to {n} receivers on 127.0.0.x, {:.1} s run ({:.1} s measured)",
        job.leds, job.fps, outcome.metrics.seconds, wall
    )?;
    writeln!(
        out,
        "  rendered   {rendered} frames ({:.1} FPS)",
        outcome.metrics.fps
    )?;
    let window = end.delivered - start.delivered;
    writeln!(
        out,
        "  measured   {window} frames delivered in {wall:.1} s: {:.1} FPS per receiver",
        window as f64 / wall / n as f64
    )?;
    writeln!(
        out,
        "  delivered  {delivered} of {expected} frames whole ({:.4} %); fewest at one receiver {worst} of {rendered}",
        100.0 * delivered as f64 / expected.max(1) as f64
    )?;
    writeln!(
        out,
        "  drops      {missing}: {dropped} dropped by the outputs (fell behind, socket full), {} sent but not received, {bad} malformed; {errors} send errors",
        sent.saturating_sub(delivered)
    )?;
    writeln!(
        out,
        "  cpu        K1 {:.2} % of one core over the measured seconds (sinks {:.2} %, the rest audio + render + supervisor); receivers not counted",
        pct(cpu),
        pct(sink_cpu)
    )?;
    let pass_cpu = pct(cpu) < CPU_TARGET_PERCENT;
    writeln!(
        out,
        "  {}  0 drops",
        if missing == 0 { "PASS" } else { "FAIL" }
    )?;
    writeln!(
        out,
        "  {}  K1 CPU < {CPU_TARGET_PERCENT} % of one core",
        if pass_cpu { "PASS" } else { "FAIL" }
    )?;
    out.flush()?;
    if missing > 0 || !pass_cpu || meter.warnings > 0 {
        anyhow::bail!("the outputs benchmark missed its targets (see above)");
    }
    Ok(())
}
