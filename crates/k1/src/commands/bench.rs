//! `k1 bench analyze`: how fast the whole file pipeline and the core alone run; `k1 bench cpu`:
//! how much of one core the live engine takes ([`run_cpu`]).
//!
//! Three passes, each repeated, the fastest counting: decode + resample + analyse, timed end to
//! end exactly as `k1 analyze` runs it (reading and analysing on two threads); the source alone (decode, then mix + resample, each stage
//! timed); then `process_hop` alone over the resampled signal (kept by an untimed extra read). The source and core lines show where the pipeline's time goes. This is a quick
//! wall-clock benchmark for the command line, not a statistical one (criterion benches of the
//! core live in `k1-core/benches`).

use std::io::Write;
use std::time::{Duration, Instant};

use k1_core::MAX_HOP;

use crate::cli::{BenchJob, Input};
use k1_io::sources::{FileSource, read_hop, read_hop_with_air};
use k1_offline::analyze;

/// Runs `k1 bench analyze` and prints its results.
pub fn run(job: BenchJob) -> anyhow::Result<()> {
    let config = job.config;
    let rate = f64::from(config.sample_rate);
    let hop_len = config.hop;

    // Pass 1: the whole pipeline, as `k1 analyze` runs it (open, decode, resample, analyse),
    // best of `repeat` like the other passes: a first run also pays for reading the file into
    // the page cache and for faulting in fresh memory.
    let mut pipeline = Duration::MAX;
    let mut hops = 0u64;
    let mut last = None;
    for _ in 0..job.repeat.max(1) {
        let start = Instant::now();
        let mut source = super::open_source(&job.input, &config)?;
        let mut analyzer = super::new_analyzer(config)?;
        let analysis = analyze::run(&mut *source, &mut analyzer, &mut analyze::IgnoreHops)?;
        hops = std::hint::black_box(analysis).hops;
        pipeline = pipeline.min(start.elapsed());
        last = Some(source);
    }
    let Some(source) = last else {
        anyhow::bail!("no pipeline pass ran");
    };
    let stats = source.stats();
    let info = source.info().clone();
    let duration = stats.duration(info.input_rate);

    // The resampled signal and each hop's air power for the core-only pass (untimed).
    let mut signal: Vec<f32> = Vec::with_capacity(hops as usize * hop_len);
    let mut air: Vec<Option<f32>> = Vec::with_capacity(hops as usize);
    {
        let mut source = super::open_source(&job.input, &config)?;
        let mut buf = [0.0f32; MAX_HOP];
        let hop = buf.get_mut(..hop_len).unwrap_or(&mut []);
        let mut air_buf = [0.0f32; MAX_HOP];
        let air_samples = air_buf.get_mut(..hop_len).unwrap_or(&mut []);
        while let Some((_, hop_air)) = read_hop_with_air(&mut *source, hop, air_samples)? {
            signal.extend_from_slice(hop);
            air.push(hop_air);
        }
    }

    // Pass 2: the source alone, best of `repeat`.
    let mut source_best: Option<(Duration, Option<(Duration, Duration)>)> = None;
    for _ in 0..job.repeat {
        let timed = time_source(&job.input, &config, hop_len)?;
        if source_best.is_none_or(|(best, _)| timed.0 < best) {
            source_best = Some(timed);
        }
    }

    // Pass 3: the core alone, best of `repeat`.
    let mut best = Duration::MAX;
    for _ in 0..job.repeat {
        let mut analyzer = super::new_analyzer(config)?;
        let start = Instant::now();
        for (chunk, &hop_air) in signal.chunks_exact(hop_len).zip(&air) {
            let (chunk, hop_air) = std::hint::black_box((chunk, hop_air));
            std::hint::black_box(analyzer.process_hop_with_air(chunk, hop_air)?);
        }
        best = best.min(start.elapsed());
    }
    let ns_per_hop = if hops == 0 {
        0.0
    } else {
        best.as_nanos() as f64 / hops as f64
    };
    let hop_ns = 1e9 * hop_len as f64 / rate;

    let mut out = std::io::stdout().lock();
    writeln!(out, "bench analyze: {}", info.name)?;
    writeln!(
        out,
        "  audio:    {:.3} s, {} Hz, {} ch -> {} Hz, hop {}",
        duration, info.input_rate, info.channels, config.sample_rate, hop_len
    )?;
    writeln!(
        out,
        "  pipeline: {:.3} s for decode + resample + analyse = {:.1}x real time, best of {}",
        pipeline.as_secs_f64(),
        ratio(duration, pipeline),
        job.repeat.max(1)
    )?;
    if let Some((took, stages)) = source_best {
        let split = match stages {
            Some((decode, mix_resample)) => format!(
                " (decode {:.3} s, mix + resample {:.3} s)",
                decode.as_secs_f64(),
                mix_resample.as_secs_f64()
            ),
            None => String::new(),
        };
        writeln!(
            out,
            "  source:   {:.3} s alone{split} = {:.1}x real time, best of {}",
            took.as_secs_f64(),
            ratio(duration, took),
            job.repeat
        )?;
    }
    writeln!(
        out,
        "  core:     {:.0} ns per hop ({:.1}x real time, best of {}), {} hops",
        ns_per_hop,
        if ns_per_hop > 0.0 {
            hop_ns / ns_per_hop
        } else {
            0.0
        },
        job.repeat,
        hops
    )?;
    Ok(())
}

/// Reads all of `input` at the engine rate without analysing it: the time taken, and for a file
/// the share of decoding and of mixing + resampling.
fn time_source(
    input: &Input,
    config: &k1_core::Config,
    hop_len: usize,
) -> anyhow::Result<(Duration, Option<(Duration, Duration)>)> {
    let mut buf = [0.0f32; MAX_HOP];
    let hop = buf.get_mut(..hop_len).unwrap_or(&mut []);
    let start = Instant::now();
    let stages = match input {
        Input::File(path) => {
            let mut source = FileSource::open(path, config.sample_rate)?;
            source.measure_stages();
            while read_hop(&mut source, std::hint::black_box(&mut *hop))?.is_some() {}
            source.stage_times().map(|s| (s.decode, s.mix_resample))
        }
        Input::Demo { .. } => {
            let mut source = super::open_source(input, config)?;
            while read_hop(&mut *source, std::hint::black_box(&mut *hop))?.is_some() {}
            None
        }
    };
    Ok((start.elapsed(), stages))
}

fn ratio(audio_seconds: f64, took: Duration) -> f64 {
    let secs = took.as_secs_f64();
    if secs > 0.0 {
        audio_seconds / secs
    } else {
        0.0
    }
}

/// Runs `k1 bench cpu`: the CPU share of `k1 run --demo --no-preview --no-playback`.
///
/// The engine runs in this process exactly as `k1 run` runs it (pinned real-time threads where
/// allowed, the demo paced at real time, a null sink). After the warm-up, the process's CPU time
/// (`getrusage`: user + system, every thread) is read at the start and the end of a fixed wall
/// interval; the ratio is the share of one core. Each thread's own CPU time
/// (`/proc/self/task/*/schedstat`) shows where it goes.
pub fn run_cpu(job: crate::cli::CpuBenchJob) -> anyhow::Result<()> {
    use k1_engine::EngineConfig;
    use k1_io::clock::MonotonicClock;
    use k1_io::sinks::{NullSink, Sink};
    use std::sync::atomic::AtomicBool;

    let open = super::soak::paced_demo(&job.config)?;
    let config = EngineConfig {
        pin_threads: job.pin,
        realtime: job.realtime,
        ..EngineConfig::new(job.config, job.fps, job.leds)
    };
    let sinks: Vec<Box<dyn Sink>> = vec![Box::new(NullSink)];
    let clock = MonotonicClock::new();
    let stop = AtomicBool::new(false);
    k1_io::messages::note(format!(
        "bench cpu: k1 run --demo at {} FPS, {} LEDs, null sink: {} s warm-up, then {} s measured",
        job.fps, job.leds, job.warmup, job.seconds
    ));
    let mut meter = CpuMeter {
        warmup: job.warmup,
        seconds: job.seconds,
        stop: &stop,
        elapsed: 0,
        start: None,
        end: None,
    };
    let outcome = k1_engine::run(&config, open, sinks, &clock, &stop, &mut meter)?;
    let (Some(start), Some(end)) = (meter.start, meter.end) else {
        anyhow::bail!("the engine stopped before the measurement ended");
    };
    let wall = end.wall.duration_since(start.wall).as_secs_f64();
    let (Some(cpu0), Some(cpu1)) = (start.cpu, end.cpu) else {
        anyhow::bail!("this OS does not report process CPU time (getrusage)");
    };
    let percent = |d: Duration| 100.0 * d.as_secs_f64() / wall.max(1e-9);
    let total = percent(cpu1.saturating_sub(cpu0));
    let m = &outcome.metrics;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "bench cpu: k1 run --demo, {} FPS, {} LEDs, null sink, {:.1} s measured",
        job.fps, job.leds, wall
    )?;
    writeln!(
        out,
        "  process  {total:.2} % of one core (user + system, all threads)"
    )?;
    for t in &end.threads {
        let before = start
            .threads
            .iter()
            .find(|s| s.tid == t.tid)
            .map_or(Duration::ZERO, |s| s.cpu);
        writeln!(
            out,
            "  thread   {:<10} {:.2} %",
            t.name,
            percent(t.cpu.saturating_sub(before))
        )?;
    }
    writeln!(
        out,
        "  engine   {:.1} FPS, frame time p50 {:.3} ms, wake jitter p99 {:.3} ms, latency p99 {:.2} ms, {} + {} misses",
        m.fps,
        m.frame_time.p50_ms,
        m.wake_jitter.p99_ms,
        m.latency.p99_ms,
        m.frame_misses,
        m.hop_misses
    )?;
    let pass = total < CPU_TARGET_PERCENT;
    writeln!(
        out,
        "  {}  process CPU < {CPU_TARGET_PERCENT} % of one core",
        if pass { "PASS" } else { "FAIL" }
    )?;
    out.flush()?;
    if !pass {
        anyhow::bail!("the CPU target was missed (see above)");
    }
    Ok(())
}

/// The design target of `k1 bench cpu`, percent of one core.
const CPU_TARGET_PERCENT: f64 = 5.0;

/// CPU readings at one moment.
struct CpuReading {
    wall: Instant,
    cpu: Option<Duration>,
    threads: Vec<k1_engine::proc_stats::ThreadCpu>,
}

impl CpuReading {
    fn now() -> Self {
        Self {
            wall: Instant::now(),
            cpu: k1_engine::proc_stats::process_cpu(),
            threads: k1_engine::proc_stats::thread_cpu(),
        }
    }
}

/// Takes the readings at the engine's second boundaries and stops it after the measurement.
struct CpuMeter<'a> {
    warmup: u32,
    seconds: u32,
    stop: &'a std::sync::atomic::AtomicBool,
    elapsed: u32,
    start: Option<CpuReading>,
    end: Option<CpuReading>,
}

impl k1_engine::Supervisor for CpuMeter<'_> {
    fn event(&mut self, event: &k1_io::events::Event) {
        if let k1_io::events::Event::Warning(m) = event {
            k1_io::messages::warn(m);
        }
    }

    fn second(&mut self, _window: &k1_engine::Metrics, _total: &k1_engine::Metrics) {
        self.elapsed += 1;
        if self.elapsed == self.warmup {
            self.start = Some(CpuReading::now());
        } else if self.elapsed == self.warmup + self.seconds {
            self.end = Some(CpuReading::now());
            self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}
