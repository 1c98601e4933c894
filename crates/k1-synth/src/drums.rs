//! Drum voices (kick, snare, clap, hats) and the one-bar groove of each [`Style`].
//!
//! A groove is a list of [`Step`]s on a 16th-note grid; the renderer turns steps into timed hits and
//! [`play`] synthesises one hit. Every hit gets its own seed, so its noise does not depend on what
//! else is playing.

use crate::Style;
use crate::voice::{HighPass, LowPass, Noise, add_event, decay, ramp, sin_cycles};

/// The drums of the kit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Drum {
    /// Pitched-down sine sweep (150 → 50 Hz) with a short noise click.
    Kick,
    /// Noise burst plus a ~185 Hz tone, ~150 ms decay.
    Snare,
    /// Three quick noise bursts and a short tail.
    Clap,
    /// High-passed noise, ~40 ms.
    ClosedHat,
    /// High-passed noise, ~300 ms.
    OpenHat,
    // The drums below play only in the grooves of [`crate::Groove`]; the order above must not
    // change, because the classic styles seed each hit with the drum's number.
    /// Ride cymbal: a bell-like ping over a long wash of high noise, ~1 s.
    Ride,
    /// Crash cymbal: bright noise that rings ~1.5 s.
    Crash,
    /// Cross-stick (rim click): a short 1.7 kHz knock.
    Rim,
    /// Claves (wood): a 2.5 kHz tone, ~30 ms.
    Clave,
    /// Shaker: soft band of high noise, ~50 ms, with a 4 ms rise.
    Shaker,
    /// Low tom / surdo: a 75 Hz tone bending down from 95 Hz, ~350 ms.
    LowTom,
    /// Conga / high tom: a 210 Hz tone with a slap of noise, ~150 ms.
    HighTom,
    /// 808-style sub kick: a long 50 Hz sine bending down from 110 Hz, ~1 s.
    Sub,
}

/// One hit of a bar: where (in 16th notes from the bar's start), which drum, and how hard (0..1).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    /// 0..16: 16th notes from the downbeat; 4 per beat.
    pub(crate) sixteenth: u8,
    /// The drum struck.
    pub(crate) drum: Drum,
    /// Base velocity, before the seeded per-hit variation.
    pub(crate) velocity: f64,
}

const fn s(sixteenth: u8, drum: Drum, velocity: f64) -> Step {
    Step {
        sixteenth,
        drum,
        velocity,
    }
}

use Drum::{
    Clap, Clave, ClosedHat, Crash, HighTom, Kick, LowTom, OpenHat, Ride, Rim, Shaker, Snare, Sub,
};

/// Kick on 1 and 3, snare on 2 and 4, closed hat on 8ths (accented on the beat).
const ROCK: [Step; 12] = [
    s(0, Kick, 1.0),
    s(8, Kick, 0.95),
    s(4, Snare, 0.9),
    s(12, Snare, 0.95),
    s(0, ClosedHat, 0.8),
    s(2, ClosedHat, 0.55),
    s(4, ClosedHat, 0.75),
    s(6, ClosedHat, 0.55),
    s(8, ClosedHat, 0.8),
    s(10, ClosedHat, 0.55),
    s(12, ClosedHat, 0.75),
    s(14, ClosedHat, 0.6),
];

/// Kick on every beat, clap on 2 and 4, open hat on the off-beats.
const FOUR_ON_FLOOR: [Step; 10] = [
    s(0, Kick, 1.0),
    s(4, Kick, 0.95),
    s(8, Kick, 0.97),
    s(12, Kick, 0.95),
    s(4, Clap, 0.85),
    s(12, Clap, 0.9),
    s(2, OpenHat, 0.6),
    s(6, OpenHat, 0.55),
    s(10, OpenHat, 0.6),
    s(14, OpenHat, 0.55),
];

/// Two-step drum & bass: kick on 1 and the "and" of 3, snare on 2 and 4, 8th hats with two 16ths.
const BREAKBEAT: [Step; 14] = [
    s(0, Kick, 1.0),
    s(10, Kick, 0.9),
    s(4, Snare, 1.0),
    s(12, Snare, 1.0),
    s(0, ClosedHat, 0.7),
    s(2, ClosedHat, 0.5),
    s(4, ClosedHat, 0.65),
    s(6, ClosedHat, 0.5),
    s(7, ClosedHat, 0.35),
    s(8, ClosedHat, 0.7),
    s(10, ClosedHat, 0.5),
    s(12, ClosedHat, 0.65),
    s(14, ClosedHat, 0.5),
    s(15, ClosedHat, 0.35),
];

/// Half-time: kick on 1, snare on 3, closed hat on 8ths.
const HALF_TIME: [Step; 10] = [
    s(0, Kick, 1.0),
    s(8, Snare, 1.0),
    s(0, ClosedHat, 0.75),
    s(2, ClosedHat, 0.5),
    s(4, ClosedHat, 0.7),
    s(6, ClosedHat, 0.5),
    s(8, ClosedHat, 0.75),
    s(10, ClosedHat, 0.5),
    s(12, ClosedHat, 0.7),
    s(14, ClosedHat, 0.55),
];

/// A snare pick-up added to the last bar of each 8-bar phrase of the demo.
pub(crate) const FILL: [Step; 3] = [s(10, Snare, 0.45), s(14, Snare, 0.6), s(15, Snare, 0.75)];

/// The one-bar groove of `style`.
pub(crate) const fn pattern(style: Style) -> &'static [Step] {
    match style {
        Style::Rock => &ROCK,
        Style::FourOnFloor => &FOUR_ON_FLOOR,
        Style::Breakbeat => &BREAKBEAT,
        Style::HalfTime => &HALF_TIME,
    }
}

/// Adds one hit of `drum` at `start_s`, `velocity` 0..1, noise fixed by `seed` (see [`add_event`]
/// for `wrap`).
pub(crate) fn play(
    out: &mut [f32],
    sample_rate: u32,
    drum: Drum,
    start_s: f64,
    velocity: f64,
    seed: u64,
    wrap: bool,
) {
    let mut place = |len_s, mut sound: Box<dyn FnMut(f64) -> f64>| {
        add_event(out, sample_rate, start_s, len_s, wrap, |tau| {
            velocity * sound(tau)
        });
    };
    match drum {
        Kick => place(0.55, Box::new(kick(seed))),
        Snare => place(0.3, Box::new(snare(seed, sample_rate))),
        Clap => place(0.35, Box::new(clap(seed, sample_rate))),
        ClosedHat => place(0.07, Box::new(hat(seed, 0.013))),
        OpenHat => place(0.35, Box::new(hat(seed, 0.085))),
        Ride => place(1.2, Box::new(ride(seed))),
        Crash => place(2.0, Box::new(hat(seed, 0.5))),
        Rim => place(0.06, Box::new(knock(seed, 1700.0, 0.008))),
        Clave => place(0.15, Box::new(knock(seed, 2500.0, 0.03))),
        Shaker => place(0.12, Box::new(shaker(seed))),
        LowTom => place(0.7, Box::new(tom(seed, 75.0, 20.0, 0.14))),
        HighTom => place(0.35, Box::new(tom(seed, 210.0, 15.0, 0.06))),
        Sub => place(1.3, Box::new(sub())),
    }
}

/// Sine sweep from 150 Hz down to 50 Hz, plus a 2 ms noise click for the beater.
fn kick(seed: u64) -> impl FnMut(f64) -> f64 {
    const SWEEP_S: f64 = 0.035;
    let click = Noise::new(seed);
    move |tau| {
        // Frequency 50 + 100·e^(−τ/SWEEP_S) Hz; the phase is its integral, so the sweep is smooth.
        let cycles = 50.0 * tau + 100.0 * SWEEP_S * (1.0 - decay(tau, SWEEP_S));
        let body = sin_cycles(cycles) * decay(tau, 0.16);
        let snap = 0.8 * click.at(tau) * decay(tau, 0.002);
        ramp(tau, 0.0004) * (body + snap)
    }
}

/// Band-passed noise (the wires) over a 185 Hz + 330 Hz tone (the shell).
fn snare(seed: u64, sample_rate: u32) -> impl FnMut(f64) -> f64 {
    let noise = Noise::new(seed);
    let mut high = HighPass::new(800.0, sample_rate);
    move |tau| {
        let shell = 0.5 * sin_cycles(185.0 * tau) * decay(tau, 0.04)
            + 0.2 * sin_cycles(330.0 * tau) * decay(tau, 0.025);
        let wires = 1.0 * high.tick(noise.at(tau)) * decay(tau, 0.05);
        ramp(tau, 0.0005) * (shell + wires)
    }
}

/// Three noise bursts 10 ms apart (several hands), then a short room tail.
fn clap(seed: u64, sample_rate: u32) -> impl FnMut(f64) -> f64 {
    const BURSTS_S: [f64; 3] = [0.0, 0.010, 0.021];
    let noise = Noise::new(seed);
    let mut low = LowPass::new(5000.0, sample_rate);
    let mut high = HighPass::new(900.0, sample_rate);
    move |tau| {
        // Each burst rises over 0.3 ms: no jumps, so no clicks and no aliasing.
        let burst = |at: f64, level: f64, decay_s: f64| {
            let since = (tau - at).max(0.0);
            level * ramp(since, 0.0003) * decay(since, decay_s)
        };
        let mut env = burst(BURSTS_S[2], 0.55, 0.08);
        for at in BURSTS_S {
            env = env.max(burst(at, 1.0, 0.0045));
        }
        1.8 * env * high.tick(low.tick(noise.at(tau)))
    }
}

/// High-passed noise ([`Noise::hiss`]) decaying with time constant `decay_s`.
fn hat(seed: u64, decay_s: f64) -> impl FnMut(f64) -> f64 {
    let noise = Noise::new(seed);
    move |tau| 0.6 * ramp(tau, 0.0003) * decay(tau, decay_s) * noise.hiss(tau)
}

/// A ride: three inharmonic partials (the bell) over high-passed noise (the wash).
fn ride(seed: u64) -> impl FnMut(f64) -> f64 {
    let noise = Noise::new(seed);
    move |tau| {
        let bell = sin_cycles(3120.0 * tau)
            + 0.7 * sin_cycles(4470.0 * tau)
            + 0.5 * sin_cycles(5310.0 * tau);
        let wash = noise.hiss(tau) * (0.5 * decay(tau, 0.02) + 0.5 * decay(tau, 0.35));
        ramp(tau, 0.0003) * (0.12 * bell * decay(tau, 0.25) + 0.7 * wash)
    }
}

/// A short tone at `hz` decaying with time constant `decay_s`, with a 1 ms tick of noise: rim
/// clicks and claves.
fn knock(seed: u64, hz: f64, decay_s: f64) -> impl FnMut(f64) -> f64 {
    let noise = Noise::new(seed);
    move |tau| {
        let tone = sin_cycles(hz * tau) * decay(tau, decay_s);
        let tick = 0.5 * noise.at(tau) * decay(tau, 0.001);
        ramp(tau, 0.0002) * (tone + tick)
    }
}

/// A shaker: high-passed noise rising over 4 ms and decaying over 25 ms.
fn shaker(seed: u64) -> impl FnMut(f64) -> f64 {
    let noise = Noise::new(seed);
    move |tau| 0.5 * ramp(tau, 0.004) * decay(tau, 0.025) * noise.hiss(tau)
}

/// A tom: a sine bending from `hz + bend_hz` down to `hz`, decaying with `decay_s`, plus a 3 ms
/// slap of noise.
fn tom(seed: u64, hz: f64, bend_hz: f64, decay_s: f64) -> impl FnMut(f64) -> f64 {
    const BEND_S: f64 = 0.04;
    let noise = Noise::new(seed);
    move |tau| {
        let cycles = hz * tau + bend_hz * BEND_S * (1.0 - decay(tau, BEND_S));
        let body = sin_cycles(cycles) * decay(tau, decay_s);
        let slap = 0.3 * noise.at(tau) * decay(tau, 0.003);
        ramp(tau, 0.0005) * (body + slap)
    }
}

/// An 808 sub kick: a sine bending from 110 Hz to 50 Hz, held then decaying over ~0.45 s.
fn sub() -> impl FnMut(f64) -> f64 {
    const SWEEP_S: f64 = 0.05;
    move |tau| {
        let cycles = 50.0 * tau + 60.0 * SWEEP_S * (1.0 - decay(tau, SWEEP_S));
        ramp(tau, 0.0008) * sin_cycles(cycles) * decay(tau, 0.45)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_DRUMS: [Drum; 13] = [
        Kick, Snare, Clap, ClosedHat, OpenHat, Ride, Crash, Rim, Clave, Shaker, LowTom, HighTom,
        Sub,
    ];

    #[test]
    fn grooves_match_their_description() {
        let on = |style, drum| -> Vec<u8> {
            let mut at: Vec<u8> = pattern(style)
                .iter()
                .filter(|s| s.drum == drum)
                .map(|s| s.sixteenth)
                .collect();
            at.sort_unstable();
            at
        };
        assert_eq!(on(Style::Rock, Kick), [0, 8]);
        assert_eq!(on(Style::Rock, Snare), [4, 12]);
        assert_eq!(on(Style::Rock, ClosedHat), [0, 2, 4, 6, 8, 10, 12, 14]);
        assert_eq!(on(Style::FourOnFloor, Kick), [0, 4, 8, 12]);
        assert_eq!(on(Style::FourOnFloor, Clap), [4, 12]);
        assert_eq!(on(Style::FourOnFloor, OpenHat), [2, 6, 10, 14]);
        assert_eq!(on(Style::Breakbeat, Kick), [0, 10]);
        assert_eq!(on(Style::Breakbeat, Snare), [4, 12]);
        assert_eq!(on(Style::HalfTime, Kick), [0]);
        assert_eq!(on(Style::HalfTime, Snare), [8]);
        for style in Style::ALL {
            assert!(
                pattern(style)
                    .iter()
                    .all(|s| s.sixteenth < 16 && s.velocity <= 1.0)
            );
        }
    }

    #[test]
    fn every_drum_sounds_and_stays_bounded_at_every_rate() {
        for rate in [8000, 44_100, 192_000] {
            for drum in ALL_DRUMS {
                let mut out = vec![0.0f32; rate as usize / 2];
                play(&mut out, rate, drum, 0.01, 1.0, 3, false);
                let peak = out.iter().fold(0.0f32, |m, s| m.max(s.abs()));
                assert!(
                    peak > 0.05 && peak < 2.0,
                    "{drum:?} at {rate} Hz: peak {peak}"
                );
                let first = (0.01 * f64::from(rate)).ceil() as usize;
                assert!(
                    out[..first].iter().all(|&s| s == 0.0),
                    "{drum:?} started early"
                );
            }
        }
    }

    /// Peak of one hit of `drum` at `velocity`, at 16 kHz.
    fn peak_of(drum: Drum, velocity: f64) -> f32 {
        let mut out = vec![0.0f32; 16_000];
        play(&mut out, 16_000, drum, 0.0, velocity, 5, false);
        out.iter().fold(0.0f32, |m, s| m.max(s.abs()))
    }

    #[test]
    fn house_open_hats_peak_above_the_kick() {
        // The house pattern's open hat (lane gain 4) against a full kick.
        for seed in 0..8 {
            let mut hat = vec![0.0f32; 16_000];
            play(&mut hat, 16_000, OpenHat, 0.0, 4.0, seed, false);
            let hat = hat.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(hat > 1.2 * peak_of(Kick, 1.0), "seed {seed}: hat {hat}");
        }
    }
}
