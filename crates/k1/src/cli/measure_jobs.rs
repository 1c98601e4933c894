//! The measurement commands resolved: `k1 latency`, `k1 soak`, `k1 bench cpu`, checked and
//! ready to run.

use std::time::Duration;

use k1_core::Config;

use super::UsageError;
use super::common::engine_config;
use super::measure_args::{BenchCpuArgs, LatencyArgs, SoakArgs};

/// `k1 latency`, resolved.
#[derive(Debug)]
pub struct LatencyJob {
    /// The checked analysis configuration.
    pub config: Config,
    /// Frames per second.
    pub fps: u32,
    /// LEDs per frame.
    pub leds: usize,
    /// Clicks to play.
    pub clicks: u32,
    /// Time between clicks.
    pub interval: Duration,
    /// Rise in an LED's brightest channel that counts as a response.
    pub threshold: f32,
    /// Pin the threads.
    pub pin: bool,
    /// Real-time priority.
    pub realtime: bool,
}

/// `k1 soak`, resolved.
#[derive(Debug)]
pub struct SoakJob {
    /// The checked analysis configuration.
    pub config: Config,
    /// Frames per second (virtual).
    pub fps: u32,
    /// LEDs per frame.
    pub leds: usize,
    /// Frames to render, at least.
    pub frames: u64,
    /// Hops to analyse, at least.
    pub hops: u64,
    /// The most resident memory may grow after the warm-up, bytes.
    pub max_growth: u64,
}

/// `k1 bench cpu`, resolved.
#[derive(Debug)]
pub struct CpuBenchJob {
    /// The checked analysis configuration.
    pub config: Config,
    /// Frames per second.
    pub fps: u32,
    /// LEDs per frame.
    pub leds: usize,
    /// Seconds measured.
    pub seconds: u32,
    /// Seconds before measuring.
    pub warmup: u32,
    /// Pin the threads.
    pub pin: bool,
    /// Real-time priority.
    pub realtime: bool,
}

/// What `k1 bench outputs` runs.
#[derive(Clone, Debug)]
pub struct OutputsBenchJob {
    /// Receivers (and DDP outputs).
    pub receivers: u32,
    /// Seconds measured after the warm-up.
    pub seconds: u32,
    /// Seconds before measuring.
    pub warmup: u32,
    /// Frames rendered per second.
    pub fps: u32,
    /// LEDs per frame.
    pub leds: usize,
    /// The analysis configuration.
    pub config: k1_core::Config,
}

/// The shortest gap between clicks: the response to one must be over before the next.
pub const MIN_CLICK_INTERVAL: Duration = Duration::from_millis(50);

/// Resolves `k1 latency`.
pub fn latency(a: LatencyArgs) -> anyhow::Result<LatencyJob> {
    let config = engine_config(&a.engine)?;
    if a.interval < MIN_CLICK_INTERVAL || a.interval > Duration::from_secs(60) {
        return Err(UsageError(format!(
            "--interval must be between 50 ms and 60 s, got {:?}",
            a.interval
        ))
        .into());
    }
    if !(a.threshold > 0.0 && a.threshold < 1.0) {
        return Err(UsageError(format!(
            "--threshold must be more than 0 and less than 1, got {}",
            a.threshold
        ))
        .into());
    }
    Ok(LatencyJob {
        config,
        fps: a.threads.fps,
        leds: a.threads.leds as usize,
        clicks: a.clicks,
        interval: a.interval,
        threshold: a.threshold,
        pin: !a.threads.no_pin,
        realtime: !a.threads.no_realtime,
    })
}

/// Resolves `k1 soak`.
pub fn soak(a: SoakArgs) -> anyhow::Result<SoakJob> {
    let config = engine_config(&a.engine)?;
    Ok(SoakJob {
        config,
        fps: a.fps,
        leds: a.leds as usize,
        frames: a.frames,
        hops: a.hops,
        max_growth: a.max_growth_kib.saturating_mul(1024),
    })
}

/// Resolves `k1 bench cpu`.
pub fn bench_cpu(a: BenchCpuArgs) -> anyhow::Result<CpuBenchJob> {
    let config = engine_config(&a.engine)?;
    Ok(CpuBenchJob {
        config,
        fps: a.threads.fps,
        leds: a.threads.leds as usize,
        seconds: a.window.seconds,
        warmup: a.window.warmup,
        pin: !a.threads.no_pin,
        realtime: !a.threads.no_realtime,
    })
}

#[cfg(test)]
mod tests {
    use super::super::common::EngineArgs;
    use super::super::common::RateArg;
    use super::super::measure_args::ThreadArgs;
    use super::*;

    fn engine() -> EngineArgs {
        EngineArgs {
            rate: RateArg::R12800,
            lowest_note: None,
        }
    }

    fn latency_args(interval_ms: u64, threshold: f32) -> LatencyArgs {
        LatencyArgs {
            clicks: 10,
            interval: Duration::from_millis(interval_ms),
            threshold,
            threads: ThreadArgs {
                fps: 200,
                leds: 320,
                no_pin: false,
                no_realtime: true,
            },
            engine: engine(),
        }
    }

    #[test]
    fn latency_checks_interval_and_threshold() {
        let job = latency(latency_args(200, 0.02)).unwrap();
        assert!(job.pin && !job.realtime);
        assert_eq!(job.leds, 320);
        for (interval, threshold) in [(10, 0.02), (200, 0.0), (200, 1.5), (200, f32::NAN)] {
            let err = latency(latency_args(interval, threshold)).unwrap_err();
            assert!(err.downcast_ref::<UsageError>().is_some(), "{err}");
        }
    }

    #[test]
    fn soak_growth_is_in_bytes() {
        let job = soak(SoakArgs {
            frames: 5,
            hops: 6,
            fps: 1000,
            leds: 10,
            max_growth_kib: 2,
            engine: engine(),
        })
        .unwrap();
        assert_eq!((job.frames, job.hops, job.max_growth), (5, 6, 2048));
    }
}
