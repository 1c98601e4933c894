//! Every parameter visibly changes some pattern's output: one test per global parameter and per
//! custom parameter, each through the renderer and colour pipeline as the engine runs them, so
//! the test shows what a user would see (the bytes sent to the LEDs).
//!
//! The original shipped parameters that did nothing; a parameter without a test here is a bug.

mod light_support;

use k1_core::color::Rgb8;
use k1_core::params::{GLOBAL, PALETTE_NONE, ParamKind, Params};
use k1_core::render::{PATTERNS, PatternId};
use k1_core::{NUM_BINS, Snapshot};
use light_support::*;

const LEDS: usize = 320;

/// `frames` frames of `id` under `params` for a fixed snapshot; returns the last one.
fn last_bytes(id: PatternId, params: Params, s: &Snapshot, frames: usize) -> Vec<Rgb8> {
    let mut engine = Engine::new(id, LEDS, params);
    let mut out = Vec::new();
    for _ in 0..frames {
        out = engine.frame(s);
    }
    out
}

fn sum(frame: &[Rgb8]) -> [u32; 3] {
    frame.iter().fold([0; 3], |a, c| {
        [a[0] + c.r as u32, a[1] + c.g as u32, a[2] + c.b as u32]
    })
}

fn total(frame: &[Rgb8]) -> u32 {
    sum(frame).iter().sum()
}

fn music() -> Snapshot {
    let mut s = loud();
    for (k, v) in s.spectrum_smooth.iter_mut().enumerate() {
        *v = 0.3 + 0.5 * ((k * 7) % 11) as f32 / 11.0;
    }
    s.vu = 0.6;
    s.chroma[4] = 1.0;
    s
}

fn hue_mode() -> Params {
    Params {
        palette: PALETTE_NONE,
        dithering: 0,
        ..Params::DEFAULT
    }
}

/// The list of parameters tested here is the table: a new parameter fails this until tested.
#[test]
fn every_global_parameter_has_a_test() {
    let tested = [
        "brightness",
        "softness",
        "color",
        "color_range",
        "saturation",
        "warmth",
        "background",
        "speed",
        "palette",
        "mirror",
        "reverse_color_range",
        "auto_color_cycle",
        "dithering",
        "custom_param_1",
        "custom_param_2",
        "custom_param_3",
    ];
    let names: Vec<&str> = GLOBAL.iter().map(|p| p.name).collect();
    assert_eq!(names, tested);
    let custom: Vec<(&str, &str)> = PATTERNS
        .iter()
        .flat_map(|p| p.custom.iter().map(move |c| (p.id, c.name)))
        .collect();
    assert_eq!(
        custom,
        [
            ("bloom", "decay"),
            ("pulse", "sensitivity"),
            ("pulse", "width"),
            ("perlin", "scale"),
            ("perlin", "energy"),
            ("void_trail", "style"),
            ("void_trail", "threshold"),
            ("void_trail", "fade"),
        ]
    );
    assert!(GLOBAL.iter().all(|p| !p.description.is_empty()));
}

#[test]
fn brightness_dims_the_output() {
    let s = music();
    let full = total(&last_bytes(PatternId::Spectrum, hue_mode(), &s, 3));
    let half = total(&last_bytes(
        PatternId::Spectrum,
        Params {
            brightness: 0.5,
            ..hue_mode()
        },
        &s,
        3,
    ));
    let off = total(&last_bytes(
        PatternId::Spectrum,
        Params {
            brightness: 0.0,
            ..hue_mode()
        },
        &s,
        3,
    ));
    assert!(half < full / 3 && half > full / 8, "{half} of {full}");
    assert_eq!(off, 0);
}

#[test]
fn softness_slows_changes() {
    let step = |softness: f32| {
        let params = Params {
            softness,
            background: 0.0,
            ..hue_mode()
        };
        let mut engine = Engine::new(PatternId::Spectrum, LEDS, params);
        engine.frame(&loud());
        total(&engine.frame(&music()))
    };
    let crisp = step(0.0);
    let soft = step(1.0);
    assert!(soft < crisp / 5, "{soft} vs {crisp}");
}

#[test]
fn color_sets_the_hue() {
    let s = Snapshot::EMPTY;
    let red = sum(&last_bytes(
        PatternId::Neutral,
        Params {
            color: 0.0,
            ..hue_mode()
        },
        &s,
        2,
    ));
    let blue = sum(&last_bytes(
        PatternId::Neutral,
        Params {
            color: 0.667,
            ..hue_mode()
        },
        &s,
        2,
    ));
    assert!(
        red[0] > 4 * red[2] && blue[2] > 4 * blue[0],
        "{red:?} {blue:?}"
    );
    // And with a palette, colour slides along it.
    let a = last_bytes(
        PatternId::Spectrum,
        Params {
            dithering: 0,
            ..Params::DEFAULT
        },
        &music(),
        2,
    );
    let b = last_bytes(
        PatternId::Spectrum,
        Params {
            dithering: 0,
            color: 0.8,
            ..Params::DEFAULT
        },
        &music(),
        2,
    );
    assert_ne!(a, b);
}

#[test]
fn color_range_sweeps_the_hue_across_the_strip() {
    let s = Snapshot::EMPTY;
    let flat = last_bytes(PatternId::Neutral, hue_mode(), &s, 2);
    assert_eq!(flat[160], flat[319], "no sweep at 0");
    let swept = last_bytes(
        PatternId::Neutral,
        Params {
            color_range: 0.5,
            ..hue_mode()
        },
        &s,
        2,
    );
    assert_ne!(swept[160], swept[319]);
}

#[test]
fn saturation_controls_the_colour_depth() {
    let spread = |c: Rgb8| c.r.max(c.g).max(c.b) - c.r.min(c.g).min(c.b);
    let s = Snapshot::EMPTY;
    let grey = last_bytes(
        PatternId::Neutral,
        Params {
            saturation: 0.0,
            ..hue_mode()
        },
        &s,
        2,
    );
    let deep = last_bytes(
        PatternId::Neutral,
        Params {
            saturation: 1.0,
            ..hue_mode()
        },
        &s,
        2,
    );
    assert_eq!(spread(grey[200]), 0);
    assert!(spread(deep[200]) > 150);
    // With a palette too.
    let pal = |saturation| {
        last_bytes(
            PatternId::Spectrum,
            Params {
                saturation,
                dithering: 0,
                ..Params::DEFAULT
            },
            &music(),
            2,
        )
    };
    assert!(spread(pal(0.0)[200]) < spread(pal(0.75)[200]));
}

#[test]
fn warmth_tints_toward_incandescent() {
    let s = Snapshot::EMPTY;
    let white = Params {
        saturation: 0.0,
        ..hue_mode()
    };
    let cool = sum(&last_bytes(PatternId::Neutral, white, &s, 2));
    let warm = sum(&last_bytes(
        PatternId::Neutral,
        Params {
            warmth: 1.0,
            ..white
        },
        &s,
        2,
    ));
    assert_eq!(cool[0], cool[2]);
    assert!(
        warm[0] == cool[0] && warm[2] * 5 < cool[2],
        "{warm:?} {cool:?}"
    );
}

#[test]
fn background_lights_the_dark() {
    let quiet = loud(); // not silent (no screensaver), but nothing to show
    let none = total(&last_bytes(
        PatternId::Spectrum,
        Params {
            background: 0.0,
            ..hue_mode()
        },
        &quiet,
        3,
    ));
    let some = total(&last_bytes(
        PatternId::Spectrum,
        Params {
            background: 1.0,
            ..hue_mode()
        },
        &quiet,
        3,
    ));
    assert_eq!(none, 0);
    assert!(some > 320 * 8, "{some}");
}

#[test]
fn speed_speeds_up_motion() {
    // Perlin: how much the image changes in a second.
    let motion = |speed: f32| {
        let mut e = Engine::new(
            PatternId::Perlin,
            LEDS,
            Params {
                speed,
                softness: 0.0,
                ..hue_mode()
            },
        );
        let a = e.float_frame(&Snapshot::EMPTY);
        let mut b = a.clone();
        for _ in 0..FPS {
            b = e.float_frame(&Snapshot::EMPTY);
        }
        a.iter()
            .zip(&b)
            .map(|(x, y)| (level(*x) - level(*y)).abs())
            .sum::<f32>()
    };
    assert!(
        motion(1.0) > 2.0 * motion(0.1),
        "{} vs {}",
        motion(1.0),
        motion(0.1)
    );
}

#[test]
fn palette_changes_the_colours() {
    let s = music();
    let a = last_bytes(
        PatternId::Spectrum,
        Params {
            palette: 0,
            dithering: 0,
            ..Params::DEFAULT
        },
        &s,
        2,
    );
    let b = last_bytes(
        PatternId::Spectrum,
        Params {
            palette: 32,
            dithering: 0,
            ..Params::DEFAULT
        },
        &s,
        2,
    );
    let none = last_bytes(PatternId::Spectrum, hue_mode(), &s, 2);
    assert_ne!(a, b);
    assert_ne!(a, none);
}

#[test]
fn mirror_makes_the_halves_match() {
    let mut s = music();
    s.spectrum_smooth = [0.0; NUM_BINS];
    s.spectrum_smooth[5] = 1.0;
    let mirrored = last_bytes(PatternId::Spectrum, hue_mode(), &s, 2);
    let straight = last_bytes(
        PatternId::Spectrum,
        Params {
            mirror: 0,
            ..hue_mode()
        },
        &s,
        2,
    );
    assert!((0..LEDS).all(|j| mirrored[j] == mirrored[LEDS - 1 - j]));
    assert!((0..LEDS).any(|j| straight[j] != straight[LEDS - 1 - j]));
}

#[test]
fn reverse_color_range_runs_the_sweep_inward() {
    let s = Snapshot::EMPTY;
    let p = Params {
        color_range: 0.5,
        ..hue_mode()
    };
    let out = last_bytes(PatternId::Neutral, p, &s, 2);
    let back = last_bytes(
        PatternId::Neutral,
        Params {
            reverse_color_range: 1,
            ..p
        },
        &s,
        2,
    );
    // The centre of one is the edge of the other.
    assert_eq!(out[160], back[319]);
    assert_eq!(out[319], back[160]);
    assert_ne!(out, back);
}

#[test]
fn auto_color_cycle_drifts_with_novelty() {
    let mut s = music();
    s.novelty = 1.0;
    let after = |cycle: u8| {
        last_bytes(
            PatternId::Spectrum,
            Params {
                auto_color_cycle: cycle,
                ..hue_mode()
            },
            &s,
            200,
        )
    };
    let fixed = last_bytes(PatternId::Spectrum, hue_mode(), &s, 2);
    assert_eq!(after(0), fixed);
    assert_ne!(after(1), fixed);
}

#[test]
fn dithering_spreads_dim_levels_over_frames() {
    // A dim still image: with dithering the bytes change from frame to frame, without they don't.
    let dim = Params {
        brightness: 0.08,
        ..hue_mode()
    };
    let frames = |dithering: u8| {
        let mut e = Engine::new(PatternId::Lava, LEDS, Params { dithering, ..dim });
        (0..20)
            .map(|_| e.frame(&Snapshot::EMPTY))
            .collect::<Vec<_>>()
    };
    let off = frames(0);
    let on = frames(1);
    assert!(off[5..].windows(2).all(|w| w[0] == w[1]));
    assert!(on[5..].windows(2).any(|w| w[0] != w[1]));
}

fn custom(id: PatternId, name: &str, value: &str) -> Params {
    let mut p = Params {
        dithering: 0,
        ..Params::DEFAULT
    };
    p.set(name, value, id.info().custom).unwrap();
    p
}

fn solo_energy(id: PatternId, params: Params, snaps: &[Snapshot]) -> f32 {
    let mut solo = Solo::with(id, 160, params);
    mean_energy(&solo.run(snaps))
}

#[test]
fn custom_slots_reach_the_patterns_directly() {
    // custom_param_1..3 by number are the same slots the named parameters use.
    let by_name = custom(PatternId::VoidTrail, "style", "stream");
    let mut by_slot = Params {
        dithering: 0,
        ..Params::DEFAULT
    };
    by_slot.set("custom_param_1", "0.9", &[]).unwrap();
    let mut s = music();
    s.vu = 0.7;
    let snaps = vec![s; 50];
    let a = Solo::with(PatternId::VoidTrail, 160, by_name).run(&snaps);
    let b = Solo::with(PatternId::VoidTrail, 160, by_slot).run(&snaps);
    assert_eq!(a.last(), b.last());
    for (slot, name) in [(1, "custom_param_2"), (2, "custom_param_3")] {
        let mut p = Params::DEFAULT;
        p.set(name, "0.1", &[]).unwrap();
        assert_eq!(p.custom[slot], 0.1);
    }
}

#[test]
fn bloom_decay_sets_how_long_rings_last() {
    let mut burst = loud();
    burst.vu = 1.0;
    let mut snaps = vec![burst; 5];
    snaps.extend(vec![loud(); 50]);
    let short = solo_energy(
        PatternId::Bloom,
        custom(PatternId::Bloom, "decay", "0.02"),
        &snaps,
    );
    let long = solo_energy(
        PatternId::Bloom,
        custom(PatternId::Bloom, "decay", "0.5"),
        &snaps,
    );
    assert!(long > 1.5 * short, "{long} vs {short}");
}

#[test]
fn pulse_sensitivity_and_width() {
    let mut beat = loud();
    beat.beat = true;
    beat.bpm = 120.0;
    beat.confidence = 0.3;
    let mut snaps = vec![beat];
    snaps.extend(vec![
        Snapshot {
            beat: false,
            ..beat
        };
        20
    ]);
    let picky = solo_energy(
        PatternId::Pulse,
        custom(PatternId::Pulse, "sensitivity", "0"),
        &snaps,
    );
    let eager = solo_energy(
        PatternId::Pulse,
        custom(PatternId::Pulse, "sensitivity", "1"),
        &snaps,
    );
    assert_eq!(picky, 0.0);
    assert!(eager > 0.0);
    let mut eager_p = custom(PatternId::Pulse, "sensitivity", "1");
    eager_p
        .set("width", "0.02", PatternId::Pulse.info().custom)
        .unwrap();
    let thin = solo_energy(PatternId::Pulse, eager_p, &snaps);
    eager_p
        .set("width", "0.25", PatternId::Pulse.info().custom)
        .unwrap();
    let wide = solo_energy(PatternId::Pulse, eager_p, &snaps);
    assert!(wide > 3.0 * thin, "{wide} vs {thin}");
}

#[test]
fn perlin_scale_and_energy() {
    let features = |scale: &str| {
        let line = Solo::with(
            PatternId::Perlin,
            160,
            custom(PatternId::Perlin, "scale", scale),
        )
        .frame(&Snapshot::EMPTY);
        // Turning points of the brightness along the line.
        line.windows(3)
            .filter(|w| (level(w[1]) - level(w[0])) * (level(w[2]) - level(w[1])) < 0.0)
            .count()
    };
    assert!(
        features("8") > features("1") + 2,
        "{} vs {}",
        features("8"),
        features("1")
    );
    let mut s = loud();
    s.vu = 1.0;
    let snaps = vec![s; 60];
    let calm = solo_energy(
        PatternId::Perlin,
        custom(PatternId::Perlin, "energy", "1"),
        &[Snapshot::EMPTY; 60],
    );
    let lifted = solo_energy(
        PatternId::Perlin,
        custom(PatternId::Perlin, "energy", "1"),
        &snaps,
    );
    let deaf_calm = solo_energy(
        PatternId::Perlin,
        custom(PatternId::Perlin, "energy", "0"),
        &[Snapshot::EMPTY; 60],
    );
    let deaf_loud = solo_energy(
        PatternId::Perlin,
        custom(PatternId::Perlin, "energy", "0"),
        &snaps,
    );
    assert!(lifted > 2.0 * calm, "{lifted} vs {calm}");
    assert!((deaf_loud - deaf_calm).abs() < 1e-3);
}

#[test]
fn void_trail_style_threshold_and_fade() {
    let mut s = loud();
    s.vu = 0.5;
    let snaps = vec![s; 60];
    let looks: Vec<_> = ["trail", "ripples", "stream"]
        .iter()
        .map(|style| {
            Solo::with(
                PatternId::VoidTrail,
                160,
                custom(PatternId::VoidTrail, "style", style),
            )
            .run(&snaps)
            .pop()
        })
        .collect();
    assert!(looks[0] != looks[1] && looks[1] != looks[2] && looks[0] != looks[2]);
    // Threshold: a level of 0.5 sends a ripple at threshold 0.3, none at 0.7.
    let ripples = |threshold: &str| {
        let mut p = custom(PatternId::VoidTrail, "style", "ripples");
        p.set("threshold", threshold, PatternId::VoidTrail.info().custom)
            .unwrap();
        solo_energy(PatternId::VoidTrail, p, &snaps)
    };
    assert!(ripples("0.3") > 0.0);
    assert_eq!(ripples("0.7"), 0.0);
    // Fade: a trail lasts longer with a longer fade.
    let mut burst = vec![Snapshot { vu: 1.0, ..loud() }; 3];
    burst.extend(vec![loud(); 60]);
    let trail = |fade: &str| {
        let mut p = custom(PatternId::VoidTrail, "style", "trail");
        p.set("fade", fade, PatternId::VoidTrail.info().custom)
            .unwrap();
        solo_energy(PatternId::VoidTrail, p, &burst)
    };
    assert!(
        trail("3") > 2.0 * trail("0.2"),
        "{} vs {}",
        trail("3"),
        trail("0.2")
    );
}

/// Every kind in the table is covered by the tests above.
#[test]
fn table_kinds() {
    assert!(GLOBAL.iter().any(|p| matches!(p.kind, ParamKind::Palette)));
    assert_eq!(
        GLOBAL
            .iter()
            .filter(|p| matches!(p.kind, ParamKind::Bool { .. }))
            .count(),
        4
    );
}
