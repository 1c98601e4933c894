//! Beat Tunnel: a persistent image (kept at 0.95 a frame at 100 frames a second) into which each
//! strong tempo hypothesis lights its place as its beat phase passes zero: slow tempi near the
//! centre, fast ones toward the edges, flashing on their beats like a tunnel.
//!
//! A hypothesis's flash is as bright as its strength relative to the strongest (the bank's
//! absolute magnitudes are small, which left the tunnel dark), lifted by the loudness; and the
//! loudness and the onsets light the mouth of the tunnel (the centre), so it follows the music
//! before the tracker has a tempo.

use crate::NUM_TEMPI;
use crate::render::Rgb;
use crate::render::ops::{decay, mul, strongest, unit};
use crate::render::pattern::{Context, Pattern};

/// Share of light kept per second: 0.95 per frame at 100 frames a second.
const KEEP_PER_SECOND: f32 = 0.005_920_529; // 0.95^100

/// The light full loudness or an onset of novelty 1 puts at the mouth of the tunnel.
const MOUTH_LIGHT: f32 = 0.6;

/// `led` becomes the brighter of itself and `color`, channel by channel.
fn lighten(led: &mut Rgb, color: Rgb) {
    led.r = led.r.max(color.r);
    led.g = led.g.max(color.g);
    led.b = led.b.max(color.b);
}

/// The beat-tunnel pattern: its image and each hypothesis's last phase.
#[derive(Clone, Debug)]
pub struct BeatTunnel<const N: usize> {
    image: [Rgb; N],
    last_phase: [f32; NUM_TEMPI],
}

impl<const N: usize> BeatTunnel<N> {
    /// A dark tunnel.
    pub fn new() -> Self {
        BeatTunnel {
            image: [Rgb::BLACK; N],
            last_phase: [0.0; NUM_TEMPI],
        }
    }
}

impl<const N: usize> Default for BeatTunnel<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Pattern for BeatTunnel<N> {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        let n = line.len().min(N);
        let Some(image) = self.image.get_mut(..n) else {
            return;
        };
        let keep = decay(KEEP_PER_SECOND, ctx.dt);
        for led in image.iter_mut() {
            *led = mul(*led, keep);
        }
        let s = ctx.snapshot;
        let strongest = strongest(&s.tempo_magnitude);
        let level = 0.6 + 0.4 * unit(s.vu);
        if !s.silent {
            // The loudness and the onsets at the mouth.
            let drive = unit(s.novelty).max(unit(s.vu));
            let onset = mul(ctx.colors.at(0.0), MOUTH_LIGHT * drive * level);
            let mouth = (n / 10).max(1);
            for led in image.iter_mut().take(mouth) {
                lighten(led, onset);
            }
        }
        let span = n.saturating_sub(1) as f32;
        let radius = (n as f32 / NUM_TEMPI as f32).max(1.0);
        for (k, (&mag, (&phase, last))) in s
            .tempo_magnitude
            .iter()
            .zip(s.tempo_phase.iter().zip(self.last_phase.iter_mut()))
            .enumerate()
        {
            let phase = if phase.is_finite() { phase } else { 0.0 };
            let wrapped = phase < *last - 0.5;
            *last = phase;
            let rel = if strongest > 1e-4 {
                unit(mag) / strongest
            } else {
                0.0
            };
            if !wrapped || s.silent || rel < 0.3 {
                continue;
            }
            let p = k as f32 / (NUM_TEMPI - 1) as f32;
            let centre = p * span;
            let color = mul(ctx.colors.at(p), rel * level);
            let lo = libm::floorf(centre - radius).max(0.0) as usize;
            let hi = (libm::ceilf(centre + radius) as usize).min(n.saturating_sub(1));
            for i in lo..=hi {
                if let Some(led) = image.get_mut(i) {
                    lighten(led, color);
                }
            }
        }
        for (out, v) in line.iter_mut().zip(image.iter()) {
            *out = *v;
        }
        for out in line.iter_mut().skip(n) {
            *out = Rgb::BLACK;
        }
    }
}
