//! Analog: a VU needle. One soft dot whose distance from the centre is the level (dark at zero).

use crate::render::Rgb;
use crate::render::ops::{bump, mul, smoothstep, unit};
use crate::render::pattern::{Context, Pattern};

/// Rise time constant of the needle (seconds).
const ATTACK: f32 = 0.03;
/// Fall time constant of the needle (seconds).
const RELEASE: f32 = 0.25;

/// The analog pattern: the needle's position.
#[derive(Clone, Copy, Debug, Default)]
pub struct Analog {
    level: f32,
}

impl Analog {
    /// The needle's level (0..=1).
    pub fn level(&self) -> f32 {
        self.level
    }
}

impl Pattern for Analog {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let vu = if ctx.snapshot.silent {
            0.0
        } else {
            unit(ctx.snapshot.vu)
        };
        let tau = if vu > self.level { ATTACK } else { RELEASE };
        self.level += (vu - self.level) * (1.0 - libm::expf(-ctx.dt / tau));
        let n = line.len();
        let centre = self.level * n.saturating_sub(1) as f32;
        let radius = (n as f32 / 20.0).max(1.5);
        // The needle fades in over the first 5 % of its travel, so silence is dark.
        let color = mul(ctx.colors.at(self.level), smoothstep(self.level / 0.05));
        for (i, led) in line.iter_mut().enumerate() {
            *led = mul(color, bump(i as f32, centre, radius));
        }
    }
}
