//! The success criteria of a running engine, defined once for every place that judges one: the
//! host's `k1 run --check` and `GET /api/health`, and the firmware's `GET /api/health` and OTA
//! boot trial.
//!
//! The limits are numbers, and each has the sentence reports print beside it; a test keeps the
//! two in step. The limits are `f32` (the firmware's figures); both are whole numbers, so the
//! host's `f64` figures compare exactly with [`f64::from`].

/// The least render frame rate that passes, frames per second.
pub const MIN_FPS: f32 = 100.0;

/// Sample-to-frame latency p99 must be below this, milliseconds.
pub const MAX_LATENCY_P99_MS: f32 = 20.0;

/// What [`MIN_FPS`] requires, as reports print it.
pub const FPS_REQUIREMENT: &str = "render FPS >= 100";

/// What [`MAX_LATENCY_P99_MS`] requires, as reports print it.
pub const LATENCY_REQUIREMENT: &str = "sample->frame latency p99 < 20 ms";

/// What the health checks (over the last one-second window) print for [`MIN_FPS`].
pub const FPS_REQUIREMENT_LAST_SECOND: &str = "render FPS >= 100 (last second)";

/// What the health checks print for [`MAX_LATENCY_P99_MS`].
pub const LATENCY_REQUIREMENT_LAST_SECOND: &str = "sample->frame latency p99 < 20 ms (last second)";

/// True if a render rate of `fps` meets [`MIN_FPS`].
pub fn fps_holds(fps: f64) -> bool {
    fps >= f64::from(MIN_FPS)
}

/// True if a latency p99 of `p99_ms` meets [`MAX_LATENCY_P99_MS`]; `None` (no audio reached a
/// frame, so there is no latency to judge) fails.
pub fn latency_holds(p99_ms: Option<f64>) -> bool {
    p99_ms.is_some_and(|p99| p99 < f64::from(MAX_LATENCY_P99_MS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn the_sentences_state_the_limits() {
        let fps = format!("render FPS >= {MIN_FPS}");
        let latency = format!("sample->frame latency p99 < {MAX_LATENCY_P99_MS} ms");
        assert_eq!(FPS_REQUIREMENT, fps);
        assert_eq!(LATENCY_REQUIREMENT, latency);
        assert_eq!(FPS_REQUIREMENT_LAST_SECOND, format!("{fps} (last second)"));
        assert_eq!(
            LATENCY_REQUIREMENT_LAST_SECOND,
            format!("{latency} (last second)")
        );
    }

    #[test]
    fn the_limits_are_inclusive_and_exclusive_as_written() {
        assert!(fps_holds(100.0) && !fps_holds(99.99));
        assert!(latency_holds(Some(19.99)) && !latency_holds(Some(20.0)));
        assert!(!latency_holds(None));
        assert!(!fps_holds(f64::NAN) && !latency_holds(Some(f64::NAN)));
    }
}
