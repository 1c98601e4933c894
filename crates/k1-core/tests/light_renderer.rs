//! The renderer's behaviour between patterns and around them: crossfades, the screensaver,
//! standby, every LED count, bad input and determinism.

mod light_support;

use k1_core::params::Params;
use k1_core::render::idle::{BREATH_PEAK, BREATH_PERIOD};
use k1_core::render::patterns::self_test::{QUARTER, SelfTest};
use k1_core::render::{Layout, PatternId, Renderer, Rgb};
use k1_core::{NUM_BINS, Snapshot};
use light_support::*;

fn quiet_params() -> Params {
    Params {
        background: 0.0,
        ..Params::DEFAULT
    }
}

fn close(a: Rgb, b: Rgb, tol: f32) -> bool {
    (a.r - b.r).abs() <= tol && (a.g - b.g).abs() <= tol && (a.b - b.b).abs() <= tol
}

/// Switching pattern crossfades over 0.5 s: halfway it is a mix of both, after it only the new.
#[test]
fn switching_crossfades_in_half_a_second() {
    let p = quiet_params();
    let s = loud();
    let mut r = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Lava));
    let mut frame = [Rgb::BLACK; 320];
    r.render(&s, &p, DT, &mut frame);
    let lava = frame;
    let mut twilight = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Twilight));
    let mut twi = [Rgb::BLACK; 320];
    twilight.render(&s, &p, DT, &mut twi);

    r.set_pattern(PatternId::Twilight);
    assert_eq!(r.pattern(), PatternId::Twilight);
    for _ in 0..25 {
        r.render(&s, &p, DT, &mut frame);
    }
    // At 0.25 s the smoothstep weight is exactly a half.
    for j in [0, 100, 200, 319] {
        let mid = Rgb {
            r: 0.5 * (lava[j].r + twi[j].r),
            g: 0.5 * (lava[j].g + twi[j].g),
            b: 0.5 * (lava[j].b + twi[j].b),
        };
        assert!(
            close(frame[j], mid, 1e-4),
            "led {j}: {:?} vs {mid:?}",
            frame[j]
        );
    }
    for _ in 0..25 {
        r.render(&s, &p, DT, &mut frame);
    }
    assert!(frame == twi, "after the fade only the new pattern shows");
    // Choosing the same pattern again changes nothing.
    r.set_pattern(PatternId::Twilight);
    r.render(&s, &p, DT, &mut frame);
    assert!(frame == twi);
    // A zero fade switches at once.
    r.set_fade_seconds(0.0);
    r.set_pattern(PatternId::Lava);
    r.render(&s, &p, DT, &mut frame);
    assert!(frame == lava);
}

/// After 5 s of silence an audio-reactive pattern gives way to the idle animation; music brings
/// it back. A still pattern keeps showing.
#[test]
fn screensaver_after_five_seconds_of_silence() {
    let p = quiet_params();
    let mut r = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Spectrum));
    let mut frame = [Rgb::BLACK; 320];
    let silent = Snapshot::EMPTY;
    for _ in 0..(4.9 * FPS as f32) as usize {
        r.render(&silent, &p, DT, &mut frame);
    }
    assert_eq!(r.screensaver_level(), 0.0);
    assert_eq!(energy(&frame), 0.0, "spectrum is dark in silence");
    for _ in 0..(1.5 * FPS as f32) as usize {
        r.render(&silent, &p, DT, &mut frame);
    }
    assert_eq!(r.screensaver_level(), 1.0);
    let idle_a = frame;
    assert!(energy(&idle_a) > 10.0, "the idle animation shows");
    assert!(frame.iter().all(|&c| level(c) <= 0.25), "gently");
    for _ in 0..FPS {
        r.render(&silent, &p, DT, &mut frame);
    }
    assert_ne!(frame, idle_a, "and it moves");
    // Music returns: the pattern is back within a third of a second.
    let mut music = loud();
    music.spectrum_smooth = [0.5; NUM_BINS];
    for _ in 0..(0.35 * FPS as f32) as usize {
        r.render(&music, &p, DT, &mut frame);
    }
    assert_eq!(r.screensaver_level(), 0.0);
    let mut plain = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Spectrum));
    let mut want = [Rgb::BLACK; 320];
    plain.render(&music, &p, DT, &mut want);
    assert!(frame == want, "the pattern alone again");
    // Still patterns never give way.
    let mut still = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Lava));
    for _ in 0..10 * FPS {
        still.render(&silent, &p, DT, &mut frame);
    }
    assert_eq!(still.screensaver_level(), 0.0);
}

/// The screensaver with real silence from the analyser, then real music.
#[test]
fn screensaver_with_real_audio() {
    let snaps = silence_then_music(6.0, 3.0);
    let mut r = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Bloom));
    let mut frame = [Rgb::BLACK; 320];
    let mut levels = Vec::new();
    for s in &snaps {
        r.render(s, &quiet_params(), DT, &mut frame);
        levels.push(r.screensaver_level());
    }
    assert_eq!(levels[4 * FPS], 0.0);
    assert_eq!(levels[6 * FPS - 1], 1.0);
    assert_eq!(*levels.last().unwrap(), 0.0);
}

/// Standby: dark but for a slow breath at the centre, never above the breath's peak.
#[test]
fn standby_is_dark_with_a_slow_breath() {
    let mut r = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Lava));
    // Hue mode, so the breath's colour is fully saturated (its brightest channel is the level).
    let params = Params {
        palette: k1_core::params::PALETTE_NONE,
        ..Params::DEFAULT
    };
    r.set_standby(true);
    assert!(r.standby());
    let mut frame = [Rgb::BLACK; 320];
    let mut centre = Vec::new();
    for _ in 0..(2.0 * BREATH_PERIOD * FPS as f32) as usize {
        r.render(&loud(), &params, DT, &mut frame);
        centre.push(level(frame[160]));
    }
    let settled = &centre[2 * FPS..];
    let max = settled.iter().cloned().fold(0.0, f32::max);
    let min = settled.iter().cloned().fold(1.0, f32::min);
    assert!(
        max <= BREATH_PEAK + 1e-4 && max > 0.8 * BREATH_PEAK,
        "{max}"
    );
    assert!(min < 0.01, "{min}");
    assert!(level(frame[0]) < 1e-3, "the edges are dark");
    // It breathes slowly: between two frames the level barely moves.
    assert!(settled.windows(2).all(|w| (w[1] - w[0]).abs() < 0.002));
    // And leaves standby back to the pattern.
    r.set_standby(false);
    for _ in 0..2 * FPS {
        r.render(&loud(), &Params::DEFAULT, DT, &mut frame);
    }
    assert!(energy(&frame) > 50.0);
}

/// Self test: black, red, green, blue for a second each, then white at a quarter of full duty.
#[test]
fn self_test_sequence() {
    let mut r = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::SelfTest));
    let mut frame = [Rgb::BLACK; 320];
    let mut seen = Vec::new();
    for f in 0..6 * FPS {
        r.render(&loud(), &Params::DEFAULT, DT, &mut frame);
        if f % FPS == FPS / 2 {
            seen.push(frame[37]);
        }
        assert!(frame.iter().all(|&c| c == frame[0]));
    }
    let rgb = |r, g, b| Rgb { r, g, b };
    assert_eq!(
        seen,
        [
            rgb(0.0, 0.0, 0.0),
            rgb(1.0, 0.0, 0.0),
            rgb(0.0, 1.0, 0.0),
            rgb(0.0, 0.0, 1.0),
            rgb(QUARTER, QUARTER, QUARTER),
            rgb(QUARTER, QUARTER, QUARTER),
        ]
    );
    assert!((QUARTER.powf(2.2) - 0.25).abs() < 1e-4);
    assert_eq!(SelfTest::color_at(0.5), rgb(0.0, 0.0, 0.0));
}

/// Every pattern on every awkward LED count, mirrored or not, with wild inputs: no panic, every
/// value finite, and the frame outside the layout black.
#[test]
fn every_pattern_any_length_any_input() {
    let mut wild = loud();
    wild.vu = f32::NAN;
    wild.confidence = f32::INFINITY;
    wild.beat = true;
    wild.bpm = f32::NAN;
    wild.beat_phase = -3.0;
    wild.novelty = f32::NAN;
    for (k, v) in wild.spectrum_smooth.iter_mut().enumerate() {
        *v = [f32::NAN, 7.0, -1.0, 0.5][k % 4];
    }
    for (k, v) in wild.tempo_magnitude.iter_mut().enumerate() {
        *v = [f32::NAN, 2.0, -1.0, 0.7][k % 4];
    }
    for (k, v) in wild.tempo_phase.iter_mut().enumerate() {
        *v = [f32::INFINITY, 0.3, -5.0, 0.99][k % 4];
    }
    let mut bad = Params::DEFAULT;
    bad.speed = f32::NAN;
    bad.custom = [f32::INFINITY, -1.0, 9.0];
    bad.palette = 200;
    for id in PatternId::ALL {
        for leds in [1usize, 2, 3, 7, 160, 321, 4096] {
            for mirror in [0u8, 1] {
                let layout = Layout::single(leds).unwrap();
                let mut r = Box::new(Renderer::<N>::new(layout, id));
                let mut frame = vec![
                    Rgb {
                        r: 9.0,
                        g: 9.0,
                        b: 9.0
                    };
                    leds + 3
                ];
                let params = Params { mirror, ..bad };
                for (s, dt) in [
                    (&wild, DT),
                    (&Snapshot::EMPTY, f32::NAN),
                    (&wild, 100.0),
                    (&loud(), -1.0),
                ] {
                    r.render(s, &params, dt, &mut frame);
                    assert!(
                        frame
                            .iter()
                            .all(|c| c.r.is_finite() && c.g.is_finite() && c.b.is_finite()),
                        "{id:?} {leds}"
                    );
                    assert!(
                        frame[leds..].iter().all(|&c| c == Rgb::BLACK),
                        "{id:?} {leds}"
                    );
                }
            }
        }
    }
}

/// The same inputs give the same frames: two renderers over the same music agree exactly.
#[test]
fn rendering_is_deterministic() {
    let snaps = &standard()[..600];
    for id in PatternId::ALL {
        let mut a = Engine::new(id, 320, Params::DEFAULT);
        let mut b = Engine::new(id, 320, Params::DEFAULT);
        for s in snaps {
            assert!(a.frame(s) == b.frame(s), "{id:?}");
        }
    }
}

/// Frames from the default layout go out to two strips that both start at the centre.
#[test]
fn default_layout_feeds_two_strips_from_the_centre() {
    let mut r = Box::new(Renderer::<320>::new(Layout::DEFAULT, PatternId::Departure));
    let mut frame = [Rgb::BLACK; 320];
    r.render(&loud(), &Params::DEFAULT, DT, &mut frame);
    let mut a = [Rgb::BLACK; 160];
    let mut b = [Rgb::BLACK; 160];
    r.layout().copy_segment(&frame, 0, &mut a);
    r.layout().copy_segment(&frame, 1, &mut b);
    assert_eq!(
        a, b,
        "mirrored strips show the same, each from the centre out"
    );
}
