//! The device's figures for `GET /api/device/performance` and `GET /api/health`, in the host's
//! JSON shapes (`crates/k1-api/src/device.rs`), and the latency histogram that gives a real p99.
//!
//! The render task records each frame's sample-to-light latency in a [`LatencyHistogram`]
//! (100 µs buckets up to 50 ms, one overflow bucket) and reads its p99 once a second. The
//! criteria are the host's, defined once in `k1_core::criteria` (FPS ≥ 100, latency p99 < 20 ms),
//! and no deadline misses; the device adds the audio rate (≥ 150 hops/s, as the OTA trial uses),
//! since a dead microphone is its most likely fault.

use k1_core::criteria;
use serde::Serialize;

pub use k1_core::criteria::{MAX_LATENCY_P99_MS, MIN_FPS};

/// Bucket width, µs.
pub const BUCKET_US: u32 = 100;
/// Buckets below the overflow bucket (50 ms).
pub const BUCKETS: usize = 500;
/// The audio rate floor, hops per second.
pub const MIN_HOPS_PER_S: f32 = 150.0;

/// Latencies in 100 µs buckets; quantiles are the upper edge of the bucket holding the rank,
/// so they are never below the true value and at most 100 µs above it.
#[derive(Clone, Debug)]
pub struct LatencyHistogram {
    buckets: [u16; BUCKETS + 1],
    count: u32,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    /// Empty.
    pub const fn new() -> Self {
        LatencyHistogram {
            buckets: [0; BUCKETS + 1],
            count: 0,
        }
    }

    /// Records one latency.
    pub fn record(&mut self, us: u32) {
        let i = ((us / BUCKET_US) as usize).min(BUCKETS);
        self.buckets[i] = self.buckets[i].saturating_add(1);
        self.count = self.count.saturating_add(1);
    }

    /// Samples recorded.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The `q` quantile (nearest rank) in µs: the upper edge of its bucket; `u32::MAX` if it
    /// fell in the overflow bucket; `None` when empty.
    pub fn quantile_us(&self, q: f32) -> Option<u32> {
        if self.count == 0 {
            return None;
        }
        // Nearest rank: ceil(q × n), at least 1 (no `f32::ceil` in core).
        let x = q.clamp(0.0, 1.0) * self.count as f32;
        let rank = (x as u32 + u32::from((x as u32 as f32) < x)).max(1);
        let mut seen = 0u32;
        for (i, &n) in self.buckets.iter().enumerate() {
            seen += n as u32;
            if seen >= rank {
                return Some(if i == BUCKETS {
                    u32::MAX
                } else {
                    (i as u32 + 1) * BUCKET_US
                });
            }
        }
        Some(u32::MAX)
    }

    /// Empties it.
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

/// The last second, as the device measured it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Window {
    /// Length of the window, s (0 before the first full second).
    pub seconds: f32,
    /// Frames per second.
    pub fps: f32,
    /// Hops analysed per second.
    pub hops_per_second: f32,
    /// Render work of the newest frame, µs.
    pub frame_time_us: u32,
    /// Analysis time of the newest hop, µs.
    pub hop_time_us: u32,
    /// Sample-to-light latency p99 over the window, ms (`None` if no frame had audio).
    pub latency_p99_ms: Option<f32>,
    /// Frames that started more than a period late.
    pub deadline_misses: u32,
    /// I2S reads that found the DMA ring overrun, since boot.
    pub audio_overruns: u32,
}

/// `GET /api/device/performance`: the host's summary fields, then the window.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Performance {
    /// Frames per second, last second.
    pub fps: f32,
    /// Render time per frame, µs.
    pub frame_time_us: u32,
    /// Latency p99, ms.
    pub latency_p99_ms: Option<f32>,
    /// Free heap, KB (the device's stand-in for the host's resident memory).
    pub memory_free_kb: u32,
    /// The whole window.
    pub window: Window,
}

/// One criterion of `GET /api/health`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Stable name.
    pub name: &'static str,
    /// What must hold.
    pub requirement: &'static str,
    /// What was measured.
    pub measured: f32,
    /// Whether it holds.
    pub pass: bool,
}

/// `GET /api/health`: `status` is `ok`, `failing` or `starting`; HTTP 200 only when healthy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HealthBody {
    /// `ok`, `failing` or `starting`.
    pub status: &'static str,
    /// Every check passed.
    pub healthy: bool,
    /// The checks (empty while starting).
    pub checks: Checks,
    /// Length of the window, s.
    pub window_seconds: f32,
}

/// The checks, serialised as a JSON array of the first `len`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Checks {
    items: [Check; 4],
    len: usize,
}

impl Serialize for Checks {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.items.iter().take(self.len))
    }
}

impl HealthBody {
    /// The verdict on `w`.
    pub fn new(w: &Window) -> HealthBody {
        let none = Check {
            name: "",
            requirement: "",
            measured: 0.0,
            pass: false,
        };
        if w.seconds <= 0.0 {
            return HealthBody {
                status: "starting",
                healthy: false,
                checks: Checks {
                    items: [none; 4],
                    len: 0,
                },
                window_seconds: 0.0,
            };
        }
        let items = [
            Check {
                name: "fps",
                requirement: criteria::FPS_REQUIREMENT_LAST_SECOND,
                measured: w.fps,
                pass: criteria::fps_holds(f64::from(w.fps)),
            },
            Check {
                name: "latency_p99_ms",
                requirement: criteria::LATENCY_REQUIREMENT_LAST_SECOND,
                measured: w.latency_p99_ms.unwrap_or(-1.0),
                pass: criteria::latency_holds(w.latency_p99_ms.map(f64::from)),
            },
            Check {
                name: "deadline_misses",
                requirement: "deadline misses = 0 (last second)",
                measured: w.deadline_misses as f32,
                pass: w.deadline_misses == 0,
            },
            Check {
                name: "hops_per_second",
                requirement: "audio hops >= 150 per second (last second)",
                measured: w.hops_per_second,
                pass: w.hops_per_second >= MIN_HOPS_PER_S,
            },
        ];
        let healthy = items.iter().all(|c| c.pass);
        HealthBody {
            status: if healthy { "ok" } else { "failing" },
            healthy,
            checks: Checks { items, len: 4 },
            window_seconds: w.seconds,
        }
    }

    /// 200 when healthy, else 503 (the host's codes).
    pub fn http_status(&self) -> u16 {
        if self.healthy { 200 } else { 503 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(v: &T) -> heapless::String<2048> {
        let mut buf = [0u8; 2048];
        let n = serde_json_core::to_slice(v, &mut buf).unwrap();
        heapless::String::try_from(core::str::from_utf8(&buf[..n]).unwrap()).unwrap()
    }

    #[test]
    fn p99_is_the_bucket_of_the_nearest_rank() {
        let mut h = LatencyHistogram::new();
        assert_eq!(h.quantile_us(0.99), None);
        // 198 frames at 3.05 ms, two slow ones: p99 of 200 is the 198th value.
        for _ in 0..198 {
            h.record(3_050);
        }
        h.record(12_000);
        h.record(80_000);
        assert_eq!(h.quantile_us(0.99), Some(3_100));
        assert_eq!(h.quantile_us(0.995), Some(12_100));
        assert_eq!(h.quantile_us(1.0), Some(u32::MAX), "overflow bucket");
        assert_eq!(h.quantile_us(0.0), Some(3_100));
        h.clear();
        assert_eq!((h.count(), h.quantile_us(0.5)), (0, None));
    }

    fn window() -> Window {
        Window {
            seconds: 1.0,
            fps: 200.0,
            hops_per_second: 200.0,
            frame_time_us: 1_800,
            hop_time_us: 900,
            latency_p99_ms: Some(6.2),
            deadline_misses: 0,
            audio_overruns: 0,
        }
    }

    #[test]
    fn health_follows_each_criterion() {
        let ok = HealthBody::new(&window());
        assert_eq!((ok.status, ok.healthy, ok.http_status()), ("ok", true, 200));
        let text = json(&ok);
        assert!(
            text.starts_with(r#"{"status":"ok","healthy":true,"checks":[{"name":"fps","#),
            "{text}"
        );
        for (i, w) in [
            Window {
                fps: 99.0,
                ..window()
            },
            Window {
                latency_p99_ms: Some(20.0),
                ..window()
            },
            Window {
                latency_p99_ms: None,
                ..window()
            },
            Window {
                deadline_misses: 1,
                ..window()
            },
            Window {
                hops_per_second: 10.0,
                ..window()
            },
        ]
        .iter()
        .enumerate()
        {
            let h = HealthBody::new(w);
            assert_eq!((h.status, h.http_status()), ("failing", 503), "case {i}");
        }
        let starting = HealthBody::new(&Window {
            seconds: 0.0,
            ..window()
        });
        assert_eq!(
            json(&starting).as_str(),
            r#"{"status":"starting","healthy":false,"checks":[],"window_seconds":0.0}"#
        );
    }
}
