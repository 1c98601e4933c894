//! `k1 run --check`: the success criteria the original system claimed, checked on a real run.
//! The limits are `k1_core::criteria`'s, which the API's health check and the firmware use too.

use std::fmt::Write as _;

use k1_core::criteria;

use super::Metrics;

/// One criterion's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    /// What is required.
    pub requirement: &'static str,
    /// What was measured.
    pub measured: String,
    /// Whether it holds.
    pub pass: bool,
}

/// All criteria of a check.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    /// Each criterion, in a fixed order.
    pub criteria: Vec<Criterion>,
}

impl CheckReport {
    /// Checks `m` (the whole run); `full_run` says whether the engine ran for the whole duration
    /// (a source that ended or failed early fails the check).
    pub fn new(m: &Metrics, full_run: bool) -> Self {
        let criteria = vec![
            Criterion {
                requirement: "ran for the whole duration",
                measured: format!("{:.1} s", m.seconds),
                pass: full_run,
            },
            Criterion {
                requirement: criteria::FPS_REQUIREMENT,
                measured: format!("{:.1} FPS ({} frames)", m.fps, m.frames),
                pass: criteria::fps_holds(m.fps),
            },
            Criterion {
                requirement: criteria::LATENCY_REQUIREMENT,
                measured: if m.latency.count == 0 {
                    "no audio reached a frame".to_string()
                } else {
                    format!(
                        "p99 {:.2} ms (p50 {:.2}, max {:.2})",
                        m.latency.p99_ms, m.latency.p50_ms, m.latency.max_ms
                    )
                },
                pass: criteria::latency_holds((m.latency.count > 0).then_some(m.latency.p99_ms)),
            },
            Criterion {
                requirement: "deadline misses = 0",
                measured: format!(
                    "{} (frames {}, hops {})",
                    m.deadline_misses(),
                    m.frame_misses,
                    m.hop_misses
                ),
                pass: m.deadline_misses() == 0,
            },
            Criterion {
                requirement: "torn reads = 0 (and no seqlock fallbacks)",
                measured: format!(
                    "torn {}, fallbacks {} (retries {})",
                    m.torn_reads, m.seqlock_fallbacks, m.seqlock_retries
                ),
                pass: m.torn_reads == 0 && m.seqlock_fallbacks == 0,
            },
        ];
        Self { criteria }
    }

    /// True if every criterion holds.
    pub fn passed(&self) -> bool {
        self.criteria.iter().all(|c| c.pass)
    }

    /// The report as text, one criterion a line.
    pub fn text(&self) -> String {
        let mut s = String::from("check:\n");
        for c in &self.criteria {
            let _ = writeln!(
                s,
                "  {}  {:<44} {}",
                if c.pass { "PASS" } else { "FAIL" },
                c.requirement,
                c.measured
            );
        }
        let _ = writeln!(
            s,
            "check {}",
            if self.passed() { "passed" } else { "FAILED" }
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Quantiles;

    fn good() -> Metrics {
        Metrics {
            seconds: 30.0,
            fps: 199.9,
            frames: 5997,
            latency: Quantiles {
                count: 5990,
                p50_ms: 6.0,
                p99_ms: 9.9,
                max_ms: 11.0,
            },
            ..Metrics::default()
        }
    }

    #[test]
    fn a_good_run_passes() {
        let r = CheckReport::new(&good(), true);
        assert!(r.passed(), "{}", r.text());
        assert!(r.text().ends_with("check passed\n"));
    }

    #[test]
    fn each_criterion_can_fail() {
        let cases: Vec<(Metrics, bool)> = vec![
            (good(), false),
            (
                Metrics {
                    fps: 99.9,
                    ..good()
                },
                true,
            ),
            (
                Metrics {
                    latency: Quantiles {
                        p99_ms: 20.0,
                        ..good().latency
                    },
                    ..good()
                },
                true,
            ),
            (
                Metrics {
                    latency: Quantiles::default(),
                    ..good()
                },
                true,
            ),
            (
                Metrics {
                    frame_misses: 1,
                    ..good()
                },
                true,
            ),
            (
                Metrics {
                    hop_misses: 1,
                    ..good()
                },
                true,
            ),
            (
                Metrics {
                    torn_reads: 1,
                    ..good()
                },
                true,
            ),
            (
                Metrics {
                    seqlock_fallbacks: 1,
                    ..good()
                },
                true,
            ),
        ];
        for (i, (m, full)) in cases.into_iter().enumerate() {
            let r = CheckReport::new(&m, full);
            assert!(!r.passed(), "case {i}: {}", r.text());
            assert_eq!(r.criteria.iter().filter(|c| !c.pass).count(), 1, "case {i}");
            assert!(r.text().contains("FAIL"));
        }
    }
}
