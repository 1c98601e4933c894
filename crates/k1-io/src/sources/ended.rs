//! [`Ended`]: what the audio loop reads after a source chosen while K1 runs has ended or failed
//! for good: nothing, at the pace of [`IDLE_MAX`], until the next source is handed over.

use super::live::{HopRead, IDLE_MAX, LiveError, LiveSource, SourceCtx};
use crate::clock::duration_nanos;

/// A source that never produces a hop; it keeps the name of the one it stands in for.
#[derive(Debug)]
pub struct Ended {
    name: String,
}

impl Ended {
    /// Stands in for the source called `name`.
    pub fn new(name: String) -> Self {
        Self { name }
    }
}

impl LiveSource for Ended {
    fn name(&self) -> &str {
        &self.name
    }

    /// Waits [`IDLE_MAX`] and returns [`HopRead::Idle`], so the loop still sees a stop request
    /// or a new source promptly.
    fn next_hop(&mut self, _hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        let until = ctx.clock.now() + duration_nanos(IDLE_MAX);
        crate::clock::sleep_towards(ctx.clock, until, IDLE_MAX);
        Ok(HopRead::Idle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::clock::VirtualClock;
    use crate::sources::live::TestCtx;

    #[test]
    fn it_idles_for_the_idle_period_and_never_ends() {
        let parts = TestCtx::new(VirtualClock::default());
        let mut ended = Ended::new("song.flac".into());
        let mut hop = [1.0f32; 64];
        for n in 1..=5u64 {
            assert_eq!(
                ended.next_hop(&mut hop, &parts.ctx()).unwrap(),
                HopRead::Idle
            );
            assert_eq!(parts.clock.now(), n * duration_nanos(IDLE_MAX));
        }
        assert_eq!(ended.name(), "song.flac");
        assert_eq!(hop, [1.0; 64]);
    }
}
