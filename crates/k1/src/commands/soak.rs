//! `k1 soak`: the real engine threads, unpaced on a virtual clock, for tens of millions of
//! frames: memory must stay flat, no read torn, no deadline missed, no thread panicked.
//!
//! The audio thread plays the demo loop through a paced source and the analyser, the render
//! thread draws every frame and offers it to a null sink on its own thread, exactly as in
//! `k1 run`; only the clock differs. A [`LockstepClock`] jumps to the next deadline as soon as
//! both threads wait, so the run goes as fast as the CPU allows while every hop and frame happens
//! at its exact virtual time. Resident memory is read once the warm-up is over and then every
//! few virtual minutes; the figure that counts is the growth from the end of the warm-up to the
//! end of the run.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::cli::SoakJob;
use k1_engine::proc_stats::resident_bytes;
use k1_engine::{AUDIO_THREAD, EngineConfig, Metrics, RENDER_THREAD, Supervisor};
use k1_io::clock::{LockstepClock, Nanos, SECOND};
use k1_io::events::Event;
use k1_io::messages::{note, warn};
use k1_io::sinks::{NullSink, Sink};
use k1_io::sources::ClipSource;
use k1_io::sources::live::{LiveSource, Paced};

/// Virtual time before memory is first read: start-up allocations settle in this.
const WARMUP: Nanos = 10 * SECOND;
/// Virtual time between memory readings after the warm-up.
const RSS_EVERY: Nanos = 60 * SECOND;
/// Wall time between progress lines on stderr.
const PROGRESS_EVERY: Duration = Duration::from_secs(15);

/// Runs `k1 soak`, prints its report and fails if a criterion fails.
pub fn run(job: SoakJob) -> anyhow::Result<()> {
    let open = paced_demo(&job.config)?;
    let config = EngineConfig {
        // Pinned as in `k1 run`, but never at real-time priority: two threads that never sleep
        // at SCHED_FIFO would starve everything else on the machine.
        pin_threads: true,
        ..EngineConfig::new(job.config, job.fps, job.leds)
    };
    let sinks: Vec<Box<dyn Sink>> = vec![Box::new(NullSink)];
    let clock = LockstepClock::new(&[AUDIO_THREAD, RENDER_THREAD]);
    let stop = AtomicBool::new(false);
    note(format!(
        "soak: {} frames and {} hops at {} FPS, {} LEDs, on a virtual clock ({:.0} s of it)",
        job.frames,
        job.hops,
        job.fps,
        job.leds,
        virtual_seconds(&job)
    ));
    let mut watch = Watch {
        job: &job,
        stop: &stop,
        wall: Instant::now(),
        last_progress: Instant::now(),
        rss_before: resident_bytes(),
        rss_warm: None,
        rss_end: None,
        rss_max: 0,
        next_rss: WARMUP,
        done: None,
        warnings: 0,
    };
    let outcome = k1_engine::run(&config, open, sinks, &clock, &stop, &mut watch);
    let wall = watch.wall.elapsed();
    let rss_after = resident_bytes();
    let (metrics, panic) = match outcome {
        Ok(o) => (Some(o.metrics), None),
        Err(k1_engine::EngineError::Panicked(which)) => (None, Some(which)),
        Err(e) => return Err(e.into()),
    };
    let report = Report {
        job: &job,
        metrics: metrics.as_ref(),
        done: watch.done.as_ref(),
        panic,
        wall,
        rss_before: watch.rss_before,
        rss_warm: watch.rss_warm,
        rss_end: watch.rss_end,
        rss_max: watch.rss_max,
        rss_after,
    };
    let mut out = std::io::stdout().lock();
    write!(out, "{}", report.text())?;
    out.flush()?;
    if !report.passed() {
        anyhow::bail!("the soak failed (see the report above)");
    }
    Ok(())
}

/// The demo loop, repeated for ever, paced as `k1 run --demo --no-playback` paces it.
pub fn paced_demo(config: &k1_core::Config) -> anyhow::Result<k1_engine::OpenSource> {
    let clip = ClipSource::demo(config.sample_rate, u32::MAX)?;
    let name = format!("demo loop ({} BPM)", k1_synth::DEMO_BPM);
    let paced = Paced::new(clip, name, config.sample_rate, config.hop);
    Ok(Box::new(move || Ok(Box::new(paced) as Box<dyn LiveSource>)))
}

fn virtual_seconds(job: &SoakJob) -> f64 {
    let hop_rate = f64::from(job.config.sample_rate) / job.config.hop as f64;
    (job.frames as f64 / f64::from(job.fps.max(1))).max(job.hops as f64 / hop_rate)
}

/// Watches the run: reads memory, prints progress, and stops the engine at the targets.
struct Watch<'a> {
    job: &'a SoakJob,
    stop: &'a AtomicBool,
    wall: Instant,
    last_progress: Instant,
    rss_before: Option<u64>,
    rss_warm: Option<u64>,
    rss_end: Option<u64>,
    rss_max: u64,
    /// Virtual time of the next memory reading.
    next_rss: Nanos,
    /// The totals when both targets were reached.
    done: Option<Metrics>,
    warnings: u32,
}

impl Supervisor for Watch<'_> {
    fn event(&mut self, event: &Event) {
        match event {
            Event::Warning(m) => {
                self.warnings += 1;
                warn(m);
            }
            Event::SourceFailed(m) => warn(format!("the source failed: {m}")),
            Event::Note(_) | Event::Detail(_) | Event::SourceEnded(_) => {}
        }
    }

    fn second(&mut self, _window: &Metrics, total: &Metrics) {
        if self.done.is_some() {
            return;
        }
        let elapsed = (total.seconds * SECOND as f64) as Nanos;
        let finished = total.frames >= self.job.frames && total.hops >= self.job.hops;
        if elapsed >= self.next_rss || finished {
            if let Some(rss) = resident_bytes() {
                self.rss_warm.get_or_insert(rss);
                self.rss_end = Some(rss);
                self.rss_max = self.rss_max.max(rss);
            }
            self.next_rss = elapsed + RSS_EVERY;
        }
        if self.last_progress.elapsed() >= PROGRESS_EVERY {
            self.last_progress = Instant::now();
            note(format!(
                "soak: {:.1} M frames, {:.2} M hops, {:.0} virtual s, RSS {}, {:.0} s",
                total.frames as f64 / 1e6,
                total.hops as f64 / 1e6,
                total.seconds,
                mib(self.rss_end),
                self.wall.elapsed().as_secs_f64()
            ));
        }
        if finished {
            self.done = Some(total.clone());
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

/// The soak's findings.
struct Report<'a> {
    job: &'a SoakJob,
    metrics: Option<&'a Metrics>,
    done: Option<&'a Metrics>,
    panic: Option<&'static str>,
    wall: Duration,
    rss_before: Option<u64>,
    rss_warm: Option<u64>,
    rss_end: Option<u64>,
    rss_max: u64,
    rss_after: Option<u64>,
}

impl Report<'_> {
    fn growth(&self) -> Option<i64> {
        Some(self.rss_end? as i64 - self.rss_warm? as i64)
    }

    fn criteria(&self) -> Vec<(bool, String)> {
        let m = self.metrics;
        let frames = m.map_or(0, |m| m.frames);
        let hops = m.map_or(0, |m| m.hops);
        let torn = m.map_or(0, |m| m.torn_reads);
        let misses = m.map_or(0, |m| m.deadline_misses());
        let growth_ok = self
            .growth()
            .is_some_and(|g| g <= self.job.max_growth as i64);
        vec![
            (
                frames >= self.job.frames,
                format!("frames {frames} >= {}", self.job.frames),
            ),
            (
                hops >= self.job.hops,
                format!("hops {hops} >= {}", self.job.hops),
            ),
            (
                growth_ok,
                format!(
                    "resident memory growth after warm-up {} <= {} KiB",
                    self.growth()
                        .map_or("unknown".into(), |g| format!("{:+} KiB", g / 1024)),
                    self.job.max_growth / 1024
                ),
            ),
            (torn == 0, format!("torn reads {torn} == 0")),
            (misses == 0, format!("deadline misses {misses} == 0")),
            (
                self.panic.is_none(),
                format!(
                    "panics {} == 0",
                    self.panic
                        .map_or("0".into(), |t| format!("1 (the {t} thread)"))
                ),
            ),
        ]
    }

    fn passed(&self) -> bool {
        self.criteria().iter().all(|(ok, _)| *ok)
    }

    fn text(&self) -> String {
        let mut s = String::new();
        let wall = self.wall.as_secs_f64();
        s += &format!(
            "k1 soak: {:.1} s wall, {} FPS, {} LEDs, hop {} at {} Hz, virtual clock\n",
            wall, self.job.fps, self.job.leds, self.job.config.hop, self.job.config.sample_rate
        );
        if let Some(m) = self.metrics {
            let per_s = |n: u64| if wall > 0.0 { n as f64 / wall } else { 0.0 };
            s += &format!(
                "  done     {} frames ({:.0}/s wall), {} hops ({:.0}/s wall), {:.0} s virtual ({:.1} h)\n",
                m.frames,
                per_s(m.frames),
                m.hops,
                per_s(m.hops),
                m.seconds,
                m.seconds / 3600.0
            );
            s += &format!(
                "  exchange {} seqlock retries, {} fallbacks, {} torn reads\n",
                m.seqlock_retries, m.seqlock_fallbacks, m.torn_reads
            );
            s += &format!(
                "  deadlines {} frame misses, {} hop misses; sample->frame latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (virtual)\n",
                m.frame_misses, m.hop_misses, m.latency.p50_ms, m.latency.p99_ms, m.latency.max_ms
            );
            s += &format!(
                "  sink     {} frames written, {} dropped, {} errors\n",
                m.sink_frames, m.sink_drops, m.sink_errors
            );
        }
        if let Some(d) = self.done {
            s += &format!(
                "  targets  reached at {} frames, {} hops\n",
                d.frames, d.hops
            );
        }
        s += &format!(
            "  memory   VmRSS {} before start, {} after warm-up, {} at the end (max {}), {} after the threads stopped\n",
            mib(self.rss_before),
            mib(self.rss_warm),
            mib(self.rss_end),
            mib((self.rss_max > 0).then_some(self.rss_max)),
            mib(self.rss_after)
        );
        for (ok, text) in self.criteria() {
            s += &format!("  {}  {text}\n", if ok { "PASS" } else { "FAIL" });
        }
        s += if self.passed() {
            "soak passed\n"
        } else {
            "soak FAILED\n"
        };
        s
    }
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("unknown".into(), |b| {
        format!("{:.2} MiB", b as f64 / (1024.0 * 1024.0))
    })
}
