//! Metronome: one dot per strong tempo hypothesis, swinging out and back with its beat phase
//! (at the centre on the beat, at its furthest half a beat later), sized by its share of the
//! strong hypotheses' strength. Spectronome draws it over the spectrum.
//!
//! A dot's brightness is its strength relative to the strongest (the bank's absolute magnitudes
//! are small, which left the dots dim), lifted by the loudness and flashed by the onsets. Before
//! the bank holds a tempo, one dot waits at the centre and flashes with the onsets.

use core::f32::consts::TAU;

use crate::NUM_TEMPI;
use crate::render::Rgb;
use crate::render::ops::{add, bump, mul, strongest, unit};
use crate::render::pattern::{Context, Pattern};

/// Below this strongest magnitude the bank holds no tempo: Metronome draws its waiting dot.
const MIN_STRENGTH: f32 = 1e-3;

/// The most dots drawn.
pub const MAX_DOTS: usize = 8;

/// The metronome pattern (stateless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Metronome;

/// The strongest hypotheses (at least half the strongest's strength), strongest first, as
/// `(index, magnitude)`; returns how many of `out` were filled.
pub fn strong_tempi(magnitudes: &[f32; NUM_TEMPI], out: &mut [(usize, f32); MAX_DOTS]) -> usize {
    let strongest = strongest(magnitudes);
    if strongest < MIN_STRENGTH {
        return 0;
    }
    let mut count = 0;
    for (k, &m) in magnitudes.iter().enumerate() {
        let m = unit(m);
        if m < 0.5 * strongest {
            continue;
        }
        if let Some(slot) = out.get_mut(count) {
            *slot = (k, m);
            count += 1;
        } else if let Some(weakest) = out.iter_mut().min_by(|a, b| a.1.total_cmp(&b.1)) {
            // A full list keeps the strongest: replace its weakest if this one beats it.
            if weakest.1 < m {
                *weakest = (k, m);
            }
        }
    }
    if let Some(filled) = out.get_mut(..count) {
        // Strongest first; equal strengths in tempo order.
        filled.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    count
}

/// How bright the dots are: 0.75 in quiet music, lifted by the loudness or the onsets to 1.
fn lift(s: &crate::Snapshot) -> f32 {
    0.75 + 0.25 * unit(s.vu).max(unit(s.novelty))
}

/// Draws the metronome dots over `line` (added to what is there), scaled by `gain`.
pub fn draw(ctx: &Context<'_>, line: &mut [Rgb], gain: f32) {
    let s = ctx.snapshot;
    if s.silent {
        return;
    }
    let n = line.len();
    let lift = lift(s);
    let mut dots = [(0usize, 0.0f32); MAX_DOTS];
    let count = strong_tempi(&s.tempo_magnitude, &mut dots);
    let total: f32 = dots.iter().take(count).map(|d| d.1).sum();
    if total <= 0.0 {
        return;
    }
    let strongest = dots.first().map_or(1.0, |d| d.1);
    let reach = n.saturating_sub(1) as f32;
    for &(k, m) in dots.iter().take(count) {
        let phase = s.tempo_phase.get(k).copied().unwrap_or(0.0);
        let phase = if phase.is_finite() { phase } else { 0.0 };
        let swing = 0.5 - 0.5 * libm::cosf(TAU * phase);
        let share = m / total;
        let radius = 1.0 + share * n as f32 / 6.0;
        let centre = swing * reach;
        let color = mul(
            ctx.colors.at(k as f32 / (NUM_TEMPI - 1) as f32),
            m / strongest * lift * gain,
        );
        for (i, led) in line.iter_mut().enumerate() {
            let b = bump(i as f32, centre, radius);
            if b > 0.0 {
                *led = add(*led, mul(color, b));
            }
        }
    }
}

impl Pattern for Metronome {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        line.fill(Rgb::BLACK);
        let s = ctx.snapshot;
        if !s.silent && strongest(&s.tempo_magnitude) < MIN_STRENGTH {
            // No tempo yet: the dot waits at the centre, flashing with the onsets.
            let color = mul(ctx.colors.at(0.0), lift(s));
            let radius = 1.0 + line.len() as f32 / 12.0;
            for (i, led) in line.iter_mut().enumerate() {
                *led = mul(color, bump(i as f32, 0.0, radius));
            }
        }
        draw(ctx, line, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_strong_ones_strongest_first() {
        let mut mags = [0.0f32; NUM_TEMPI];
        for (k, v) in [(10, 0.4), (60, 1.0), (61, 0.6), (90, 0.45), (100, 0.55)] {
            mags[k] = v;
        }
        let mut out = [(0, 0.0); MAX_DOTS];
        let n = strong_tempi(&mags, &mut out);
        assert_eq!(n, 3);
        assert_eq!(&out[..3], &[(60, 1.0), (61, 0.6), (100, 0.55)]);
        let all = [0.8f32; NUM_TEMPI];
        assert_eq!(strong_tempi(&all, &mut out), MAX_DOTS);
        assert_eq!(strong_tempi(&[0.0; NUM_TEMPI], &mut out), 0);
    }
}
