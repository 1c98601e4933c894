//! A live source that reopens itself when it fails (a microphone unplugged and plugged back),
//! waiting longer after each failure in a row.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::{HopRead, IDLE_MAX, LiveError, LiveSource, SourceCtx};
use crate::backoff::Backoff;
use crate::clock::{Nanos, duration_nanos, sleep_towards};

/// A reopened source's backoff: 0.25 s doubling to 8 s.
pub const SOURCE_BACKOFF: Backoff =
    Backoff::new(Duration::from_millis(250), Duration::from_secs(8));

/// How long a reopened source must run before the backoff starts again from its first wait.
const HEALTHY: Nanos = 5_000_000_000;

/// Opens a source with `open`, and when it fails, reports it, waits (backoff) and reopens it.
/// The end of the stream is passed on; only errors are retried.
pub struct Reconnecting<F> {
    name: String,
    open: F,
    current: Option<Box<dyn LiveSource>>,
    backoff: Backoff,
    retry_at: Nanos,
    opened_at: Nanos,
    failures_in_a_row: u32,
}

impl<F> Reconnecting<F>
where
    F: FnMut() -> Result<Box<dyn LiveSource>, LiveError>,
{
    /// Starts with `first` (already open; `None` to open on the first call) and reopens with
    /// `open`. `name` names the source in messages.
    pub fn new(
        name: String,
        first: Option<Box<dyn LiveSource>>,
        open: F,
        backoff: Backoff,
    ) -> Self {
        Self {
            name,
            open,
            current: first,
            backoff,
            retry_at: 0,
            opened_at: 0,
            failures_in_a_row: 0,
        }
    }

    fn failed(&mut self, what: &str, err: &LiveError, ctx: &SourceCtx<'_>) {
        ctx.counters.errors.fetch_add(1, Ordering::Relaxed);
        self.current = None;
        self.failures_in_a_row += 1;
        let wait = self.backoff.next_wait();
        self.retry_at = ctx.clock.now() + duration_nanos(wait);
        ctx.events.warn(format!(
            "{}: {what}: {err}; retrying in {:.2} s",
            self.name,
            wait.as_secs_f64()
        ));
    }
}

impl<F> LiveSource for Reconnecting<F>
where
    F: FnMut() -> Result<Box<dyn LiveSource>, LiveError>,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        if self.current.is_none() {
            if !sleep_towards(ctx.clock, self.retry_at, IDLE_MAX) {
                return Ok(HopRead::Idle);
            }
            match (self.open)() {
                Ok(source) => {
                    if self.failures_in_a_row > 0 {
                        ctx.events.note(format!("{}: reopened", self.name));
                    }
                    self.current = Some(source);
                    self.opened_at = ctx.clock.now();
                }
                Err(err) => {
                    self.failed("cannot open", &err, ctx);
                    return Ok(HopRead::Idle);
                }
            }
        }
        let Some(source) = self.current.as_mut() else {
            return Ok(HopRead::Idle);
        };
        match source.next_hop(hop, ctx) {
            Ok(read) => {
                if self.failures_in_a_row > 0
                    && ctx.clock.now().saturating_sub(self.opened_at) > HEALTHY
                {
                    self.failures_in_a_row = 0;
                    self.backoff.reset();
                }
                Ok(read)
            }
            Err(err) => {
                self.failed("failed", &err, ctx);
                Ok(HopRead::Idle)
            }
        }
    }

    fn hop_air(&self) -> Option<f32> {
        self.current.as_ref().and_then(|s| s.hop_air())
    }
}
