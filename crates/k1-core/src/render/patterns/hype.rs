//! Hype: two dots driven by the beat energy of the odd and of the even tempo hypotheses. Each
//! dot's distance from the centre and brightness is its group's energy: the strength-weighted
//! share of its hypotheses that are on a beat right now.

use core::f32::consts::TAU;

use crate::render::Rgb;
use crate::render::ops::{add, bump, mul, unit};
use crate::render::pattern::{Context, Pattern};

/// The hype pattern (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Hype;

/// The beat energy (0..=1) of the odd (`odd = true`) or even tempo hypotheses: each hypothesis's
/// strength times how close it is to its beat (a sharp cosine pulse), over the group's strength.
pub fn energy(s: &crate::Snapshot, odd: bool) -> f32 {
    let mut num = 0.0;
    let mut den = 0.0;
    for (k, (&m, &phase)) in s
        .tempo_magnitude
        .iter()
        .zip(s.tempo_phase.iter())
        .enumerate()
    {
        if (k % 2 == 1) != odd {
            continue;
        }
        let m = unit(m);
        let phase = if phase.is_finite() { phase } else { 0.0 };
        let pulse = libm::powf(0.5 + 0.5 * libm::cosf(TAU * phase), 4.0);
        num += m * m * pulse;
        den += m * m;
    }
    if den > 1e-6 { unit(num / den) } else { 0.0 }
}

impl Pattern for Hype {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let s = ctx.snapshot;
        line.fill(Rgb::BLACK);
        if s.silent {
            return;
        }
        let n = line.len();
        let reach = n.saturating_sub(1) as f32;
        let radius = (n as f32 / 12.0).max(1.5);
        for (odd, hue) in [(true, 0.0), (false, 0.5)] {
            let e = energy(s, odd);
            let color = mul(ctx.colors.at(hue), libm::sqrtf(e));
            for (i, led) in line.iter_mut().enumerate() {
                let b = bump(i as f32, e * reach, radius);
                if b > 0.0 {
                    *led = add(*led, mul(color, b));
                }
            }
        }
    }
}
