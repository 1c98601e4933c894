//! Every audio-reactive pattern visibly reacts, the way its description says.
//!
//! Strategy: two kinds of input. (1) Real analysis: 3 s of silence then 9 s of synthetic rock
//! through the analyser; each audio-reactive pattern must be dark in the silence and lit by the
//! music. (2) Snapshots made by hand, to pin down the specific behaviour each description
//! promises (rings drift outwards, waves leave the centre on beats, the needle tracks the VU...).

mod light_support;

use k1_core::render::patterns::{hype, pulse::Pulse};
use k1_core::render::{PATTERNS, PatternId, Rgb};
use k1_core::{NUM_BINS, NUM_TEMPI, Snapshot};
use light_support::*;

const LEN: usize = 160;

/// Dark in silence, lit by music: for every audio-reactive pattern.
#[test]
fn every_audio_reactive_pattern_is_dark_in_silence_and_lit_by_music() {
    let snaps = standard();
    for (id, info) in PatternId::ALL.iter().zip(PATTERNS.iter()) {
        if !info.audio_reactive {
            continue;
        }
        let mut solo = Solo::new(*id, LEN);
        let frames = solo.run(snaps);
        // Skip the first half second of each part (the analyser's smoothing settles).
        let quiet = mean_energy(&frames[50..MUSIC_STARTS]);
        let music = mean_energy(&frames[MUSIC_STARTS + 50..]);
        assert!(quiet < 0.01, "{}: {quiet} in silence", info.id);
        assert!(music > 1.0, "{}: only {music} with music", info.id);
        // And the music image moves: frames differ from each other.
        let changes = frames[MUSIC_STARTS + 50..]
            .windows(2)
            .filter(|w| w[0] != w[1])
            .count();
        assert!(changes > 200, "{}: only {changes} changing frames", info.id);
    }
}

/// The patterns that do not listen look the same in silence and in music.
#[test]
fn still_patterns_ignore_the_music() {
    let snaps = standard();
    for id in [
        PatternId::Departure,
        PatternId::Lava,
        PatternId::Twilight,
        PatternId::Neutral,
    ] {
        let mut solo = Solo::new(id, LEN);
        let quiet = solo.frame(&snaps[100]);
        let music = solo.frame(&snaps[MUSIC_STARTS + 300]);
        assert_eq!(quiet, music, "{id:?}");
        assert!(energy(&quiet) > 10.0, "{id:?}");
    }
}

/// Spectrum: a low note lights near the centre, a high note near the edge.
#[test]
fn spectrum_places_notes_by_pitch() {
    let mut s = loud();
    s.spectrum_smooth[10] = 1.0;
    let low = Solo::new(PatternId::Spectrum, LEN).frame(&s);
    let mut s = loud();
    s.spectrum_smooth[50] = 1.0;
    let high = Solo::new(PatternId::Spectrum, LEN).frame(&s);
    let at = |bin: usize| bin * (LEN - 1) / (NUM_BINS - 1);
    assert!(peak(&low).abs_diff(at(10)) <= 2, "{}", peak(&low));
    assert!(peak(&high).abs_diff(at(50)) <= 2, "{}", peak(&high));
    // Brightness is the magnitude.
    let mut s = loud();
    s.spectrum_smooth = [0.5; NUM_BINS];
    let half = Solo::new(PatternId::Spectrum, LEN).frame(&s);
    s.spectrum_smooth = [1.0; NUM_BINS];
    let full = Solo::new(PatternId::Spectrum, LEN).frame(&s);
    assert!((energy(&half) / energy(&full) - 0.5).abs() < 1e-3);
}

/// Spectrum on real audio: a sine at A4 (440 Hz, bin 36 from A1) lights near bin 36.
#[test]
fn spectrum_follows_a_real_tone() {
    let tone = k1_synth::signals::sine(440.0, 0.5, 12_800, 12_800 * 2);
    let snaps = analyse(&tone);
    let line = Solo::new(PatternId::Spectrum, LEN).frame(&snaps[snaps.len() - 1]);
    let want = 36 * (LEN - 1) / (NUM_BINS - 1);
    assert!(
        peak(&line).abs_diff(want) <= 3,
        "peak {} want {want}",
        peak(&line)
    );
}

/// Octave: the pitch class of the chord lights its place; confidence lifts the image.
#[test]
fn octave_shows_pitch_classes_lifted_by_confidence() {
    let mut s = loud();
    s.chroma[9] = 1.0; // A
    let line = Solo::new(PatternId::Octave, LEN).frame(&s);
    assert!(
        peak(&line).abs_diff(9 * (LEN - 1) / 11) <= 2,
        "{}",
        peak(&line)
    );
    s.confidence = 1.0;
    let lifted = Solo::new(PatternId::Octave, LEN).frame(&s);
    assert!(energy(&lifted) > 2.0 * energy(&line));
}

/// Bloom: a burst of loudness makes a ring that drifts outwards, fading; faster at higher speed.
#[test]
fn bloom_rings_move_outward() {
    let ring_positions = |speed: f32| {
        let mut solo = Solo::new(PatternId::Bloom, LEN);
        solo.params.speed = speed;
        let mut burst = loud();
        burst.vu = 1.0;
        for _ in 0..5 {
            solo.frame(&burst);
        }
        let quiet = loud();
        let frames: Vec<Vec<Rgb>> = (0..60).map(|_| solo.frame(&quiet)).collect();
        frames
    };
    let frames = ring_positions(0.5);
    let c: Vec<f32> = frames.iter().map(|f| centroid(f)).collect();
    assert!(c.windows(2).all(|w| w[1] >= w[0] - 0.5), "{c:?}");
    assert!(c[40] > c[0] + 20.0, "{c:?}");
    assert!(energy(&frames[59]) < energy(&frames[0]), "it fades");
    let fast = ring_positions(1.0);
    assert!(centroid(&fast[20]) > centroid(&frames[20]) + 10.0);
}

/// Pulse: each confident beat sends a wave from the centre that travels outwards and widens.
#[test]
fn pulse_waves_leave_the_centre_on_beats() {
    let mut solo = Solo::new(PatternId::Pulse, LEN);
    let mut beat = loud();
    beat.confidence = 0.9;
    beat.bpm = 120.0;
    beat.beat = true;
    let mut between = beat;
    between.beat = false;
    let first = solo.frame(&beat);
    assert!(
        peak(&first) <= 2,
        "a new wave is at the centre: {}",
        peak(&first)
    );
    let mut peaks = vec![peak(&first)];
    for _ in 0..30 {
        peaks.push(peak(&solo.frame(&between)));
    }
    assert!(peaks.windows(2).all(|w| w[1] >= w[0]), "{peaks:?}");
    assert!(peaks[30] > 30, "{peaks:?}");
    // Without confidence, no wave.
    let mut solo = Solo::new(PatternId::Pulse, LEN);
    let unsure = Snapshot {
        confidence: 0.0,
        ..beat
    };
    assert_eq!(energy(&solo.frame(&unsure)), 0.0);
    // At most six at once, however many beats come.
    let mut p = Pulse::new();
    let params = k1_core::params::Params::DEFAULT;
    let colors = k1_core::render::Colors::new(&params, None, 0.0);
    let mut line = vec![Rgb::BLACK; LEN];
    for _ in 0..10 {
        for s in [&beat, &between] {
            let ctx = k1_core::render::Context {
                snapshot: s,
                params: &params,
                colors: &colors,
                dt: 0.1,
            };
            k1_core::render::Pattern::render(&mut p, &ctx, &mut line);
        }
        assert!(p.wave_positions().count() <= 6);
    }
    assert_eq!(p.wave_positions().count(), 6);
}

/// Pulse on real music: waves leave the centre again and again.
#[test]
fn pulse_sends_waves_with_real_music() {
    let frames = Solo::new(PatternId::Pulse, LEN).run(standard());
    let lit_centres = frames[MUSIC_STARTS..]
        .windows(2)
        .filter(|w| level(w[1][0]) > level(w[0][0]) + 0.05)
        .count();
    assert!(
        lit_centres >= 8,
        "{lit_centres} waves started in 9 s at 120 BPM"
    );
}

/// Pulse before the beat locks: the onsets send waves from the first second of music (it stayed
/// dark until the tracker was confident).
#[test]
fn pulse_follows_onsets_before_the_beat_locks() {
    let snaps = standard();
    let first_second = &snaps[MUSIC_STARTS..MUSIC_STARTS + FPS];
    assert!(
        first_second.iter().all(|s| s.confidence < 0.4),
        "the tracker is not yet confident in the first second"
    );
    let frames = Solo::new(PatternId::Pulse, LEN).run(&snaps[..MUSIC_STARTS + FPS]);
    let lit = frames[MUSIC_STARTS..]
        .iter()
        .filter(|f| f.iter().any(|&c| level(c) > 0.1))
        .count();
    assert!(lit >= FPS * 3 / 4, "{lit} of {FPS} frames lit");
}

/// Tempiscope and Beat Tunnel stay lit while the music plays: some LED at 5 % or more in every
/// frame from half a second in (Tempiscope went black after about 0.3 s: the bank's absolute
/// magnitudes are small).
#[test]
fn tempo_bank_patterns_stay_lit_with_music() {
    for id in [PatternId::Tempiscope, PatternId::BeatTunnel] {
        let frames = Solo::new(id, LEN).run(standard());
        let dim = frames[MUSIC_STARTS + FPS / 2..]
            .iter()
            .filter(|f| f.iter().all(|&c| level(c) < 0.05))
            .count();
        assert!(dim == 0, "{id:?}: {dim} frames with nothing above 0.05");
    }
}

/// Tempiscope: the strongest tempo lights its place, brighter on its beat than between.
#[test]
fn tempiscope_draws_the_tempo_bank() {
    let mut s = loud();
    s.tempo_magnitude[30] = 1.0;
    let on_beat = Solo::new(PatternId::Tempiscope, LEN).frame(&s);
    let want = 30 * (LEN - 1) / (NUM_TEMPI - 1);
    assert!(peak(&on_beat).abs_diff(want) <= 2);
    s.tempo_phase[30] = 0.5;
    let off_beat = Solo::new(PatternId::Tempiscope, LEN).frame(&s);
    assert!(energy(&off_beat) < 0.5 * energy(&on_beat));
}

/// Beat Tunnel: a hypothesis flashes at its place when its phase passes zero, then fades slowly
/// (0.95 a frame at 100 FPS).
#[test]
fn beat_tunnel_lights_on_phase_wraps() {
    let mut solo = Solo::new(PatternId::BeatTunnel, LEN);
    let mut s = loud();
    s.tempo_magnitude[90] = 1.0;
    s.tempo_phase[90] = 0.9;
    assert_eq!(energy(&solo.frame(&s)), 0.0);
    s.tempo_phase[90] = 0.05;
    let flash = solo.frame(&s);
    assert!(peak(&flash).abs_diff(90 * (LEN - 1) / (NUM_TEMPI - 1)) <= 2);
    let next = solo.frame(&s);
    let ratio = energy(&next) / energy(&flash);
    assert!((ratio - 0.95).abs() < 0.01, "{ratio}");
}

/// Void Trail: ripples go out when loudness crosses the threshold; trail and stream follow the level.
#[test]
fn void_trail_styles_react() {
    let mut params = k1_core::params::Params::DEFAULT;
    let custom = PatternId::VoidTrail.info().custom;
    params.set("style", "ripples", custom).unwrap();
    let mut solo = Solo::with(PatternId::VoidTrail, LEN, params);
    let mut s = loud();
    let mut starts = 0;
    for i in 0..200 {
        s.vu = if i % 20 < 3 { 0.9 } else { 0.1 };
        let f = solo.frame(&s);
        if i % 20 == 0 && level(f[0]) > 0.3 {
            starts += 1;
        }
    }
    assert_eq!(starts, 10, "one ripple per crossing");
    for style in ["trail", "stream"] {
        params.set("style", style, custom).unwrap();
        let mut solo = Solo::with(PatternId::VoidTrail, LEN, params);
        s.vu = 0.0;
        let dark = (0..20).map(|_| energy(&solo.frame(&s))).sum::<f32>();
        s.vu = 0.8;
        let lit = (0..50)
            .map(|_| energy(&solo.frame(&s)))
            .last()
            .unwrap_or(0.0);
        assert!(dark < 1e-3 && lit > 5.0, "{style}: {dark} then {lit}");
    }
}

/// Analog: the needle's distance from the centre is the VU level.
#[test]
fn analog_dot_distance_tracks_vu() {
    let mut distances = Vec::new();
    for vu in [0.1, 0.3, 0.5, 0.7, 0.9] {
        let mut solo = Solo::new(PatternId::Analog, LEN);
        let s = Snapshot { vu, ..loud() };
        let mut line = Vec::new();
        for _ in 0..100 {
            line = solo.frame(&s);
        }
        let d = peak(&line) as f32 / (LEN - 1) as f32;
        assert!((d - vu).abs() < 0.02, "vu {vu}: dot at {d}");
        distances.push(d);
    }
    assert!(distances.windows(2).all(|w| w[1] > w[0]));
}

/// Metronome: a dot per strong tempo, at the centre on its beat and swinging out half a beat later.
#[test]
fn metronome_dots_swing_with_phase() {
    let mut s = loud();
    s.tempo_magnitude[60] = 1.0;
    let mut solo = Solo::new(PatternId::Metronome, LEN);
    let on = solo.frame(&s);
    assert!(peak(&on) <= 2);
    s.tempo_phase[60] = 0.5;
    let half = solo.frame(&s);
    assert!(peak(&half) >= LEN - 3);
    s.tempo_phase[60] = 0.25;
    let quarter = solo.frame(&s);
    assert!(peak(&quarter).abs_diff(LEN / 2) <= 3);
    // Two strong tempi: two dots; the stronger is larger.
    s.tempo_magnitude[20] = 0.6;
    s.tempo_phase[20] = 0.5;
    s.tempo_phase[60] = 0.0;
    let two = solo.frame(&s);
    let lit_inner = two[..LEN / 2].iter().filter(|c| level(**c) > 0.05).count();
    let lit_outer = two[LEN / 2..].iter().filter(|c| level(**c) > 0.05).count();
    assert!(
        lit_inner > 0 && lit_outer > 0 && lit_inner > lit_outer,
        "{lit_inner} {lit_outer}"
    );
}

/// Hype: each dot's distance follows its group's beat energy.
#[test]
fn hype_dots_follow_beat_energy() {
    let mut s = loud();
    for k in 0..NUM_TEMPI {
        s.tempo_magnitude[k] = 0.5;
        // Odd tempi on the beat, even ones half a beat away.
        s.tempo_phase[k] = if k % 2 == 1 { 0.0 } else { 0.5 };
    }
    assert!(hype::energy(&s, true) > 0.99 && hype::energy(&s, false) < 0.01);
    let line = Solo::new(PatternId::Hype, LEN).frame(&s);
    assert!(
        peak(&line) >= LEN - 3,
        "the odd dot is out at the edge: {}",
        peak(&line)
    );
    for k in 0..NUM_TEMPI {
        s.tempo_phase[k] = 0.25;
    }
    let mid = Solo::new(PatternId::Hype, LEN).frame(&s);
    assert!(peak(&mid) < LEN / 2);
}

/// Spectronome: the spectrum dims as confidence rises, and the metronome rides on top.
#[test]
fn spectronome_dims_with_confidence() {
    let mut s = loud();
    s.spectrum_smooth = [0.5; NUM_BINS];
    let unsure = Solo::new(PatternId::Spectronome, LEN).frame(&s);
    s.confidence = 1.0;
    let sure = Solo::new(PatternId::Spectronome, LEN).frame(&s);
    assert!((energy(&sure) / energy(&unsure) - 0.25).abs() < 0.01);
    s.tempo_magnitude[60] = 1.0;
    s.tempo_phase[60] = 0.5;
    // The dots are at full strength in loud music (the spectrum does not read the VU).
    s.vu = 1.0;
    let with_dot = Solo::new(PatternId::Spectronome, LEN).frame(&s);
    let (dot, under) = (level(with_dot[LEN - 1]), level(sure[LEN - 1]));
    assert!(dot > under + 0.5, "{dot} over {under}");
}
