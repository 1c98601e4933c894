//! The groove set's promises: fixed and disjoint parts, determinism, exact beats and onsets inside
//! the clip, target levels, ramps that integrate the tempo, compound meter, and the forms.

use std::collections::HashSet;

use k1_synth::groove_set::{CaseKind, GrooveCase, Part, groove_set};
use k1_synth::{Feel, Form, Groove, GrooveSong, Tempo, render_groove};

/// Low, to keep the tests quick; the truth does not depend on the rate.
const RATE: u32 = 8000;

fn both() -> Vec<GrooveCase> {
    let mut all = groove_set(Part::Tuning);
    all.extend(groove_set(Part::Validation));
    all
}

fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, s| m.max(s.abs()))
}

#[test]
fn the_parts_are_fixed_complete_and_disjoint() {
    let (tuning, validation) = (groove_set(Part::Tuning), groove_set(Part::Validation));
    assert_eq!(
        tuning,
        groove_set(Part::Tuning),
        "no randomness at call time"
    );
    for part in [&tuning, &validation] {
        assert!((40..=60).contains(&part.len()), "{} cases", part.len());
        for groove in Groove::ALL {
            assert!(part.iter().any(|c| c.song.groove == groove), "{groove:?}");
        }
        for case in part {
            let (lo, hi) = case.song.groove.tempo_range();
            let tempo = case.song.tempo;
            for bpm in [tempo.start_bpm(), tempo.end_bpm()] {
                assert!((lo..=hi).contains(&bpm), "{}: {bpm}", case.name);
            }
            let long = case.kind != CaseKind::Steady;
            assert_eq!(case.song.seconds, if long { 40.0 } else { 30.0 });
        }
    }
    let names: HashSet<&str> = tuning
        .iter()
        .chain(&validation)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names.len(),
        tuning.len() + validation.len(),
        "names are unique"
    );
    let triple = |c: &GrooveCase| (c.song.groove, c.bpm().to_bits(), c.song.seed);
    let tuned: HashSet<_> = tuning.iter().map(triple).collect();
    assert!(validation.iter().all(|c| !tuned.contains(&triple(c))));
    // Stronger: no seed, no level and no (groove, starting tempo) in common.
    let disjoint = |key: &dyn Fn(&GrooveCase) -> String| {
        let tuned: HashSet<String> = tuning.iter().map(key).collect();
        validation.iter().all(|c| !tuned.contains(&key(c)))
    };
    assert!(disjoint(&|c| c.song.seed.to_string()));
    assert!(disjoint(&|c| c.song.peak_dbfs.to_string()));
    assert!(disjoint(&|c| format!("{:?} {}", c.song.groove, c.bpm())));
    // Several tempos, levels and both feels in each part.
    for part in [&tuning, &validation] {
        let levels: HashSet<u32> = part.iter().map(|c| c.song.peak_dbfs.to_bits()).collect();
        assert!(levels.len() >= 3);
        assert!(part.iter().any(|c| c.song.feel == Feel::HUMAN));
        for kind in [
            CaseKind::TempoJump,
            CaseKind::TempoRamp,
            CaseKind::QuietIntro,
            CaseKind::DrumsOutIntro,
            CaseKind::Drop,
        ] {
            assert!(part.iter().any(|c| c.kind == kind), "{kind:?}");
        }
    }
}

#[test]
fn every_case_has_sound_truth_and_its_level() {
    for case in both() {
        let out = case.render(RATE);
        let clip = &out.clip;
        let name = &case.name;
        let duration = f64::from(case.song.seconds);
        assert_eq!(
            clip.samples.len() as f64,
            duration * f64::from(RATE),
            "{name}"
        );
        assert!(clip.samples.iter().all(|s| s.is_finite()), "{name}");
        let level = 20.0 * peak(&clip.samples).log10();
        assert!(
            (level - case.song.peak_dbfs).abs() < 0.5,
            "{name}: {level} dBFS"
        );
        // Beats: strictly increasing, inside the clip, beat 1 where the song says.
        assert!(clip.beats.len() > 20, "{name}");
        assert_eq!(clip.beats[0], f64::from(case.song.first_beat), "{name}");
        assert!(clip.beats.windows(2).all(|w| w[1] > w[0]), "{name}");
        assert!(clip.beats.iter().all(|&b| (0.0..duration).contains(&b)));
        // Onsets: sorted, merged within 5 ms, inside the clip.
        assert!(clip.onsets.len() > 20, "{name}");
        assert!(
            clip.onsets.windows(2).all(|w| w[1] - w[0] >= 0.005),
            "{name}"
        );
        assert!(clip.onsets.iter().all(|&t| (0.0..duration).contains(&t)));
        // The tempo per beat: the song's tempo, and the beat spacing where it is constant.
        assert_eq!(out.beat_bpm.len(), clip.beats.len());
        assert_eq!(clip.bpm, case.bpm());
        let tempo = case.song.tempo;
        let (lo, hi) = (
            tempo.start_bpm().min(tempo.end_bpm()),
            tempo.start_bpm().max(tempo.end_bpm()),
        );
        assert!(
            out.beat_bpm
                .iter()
                .all(|&b| b >= f64::from(lo) && b <= f64::from(hi))
        );
        if let Tempo::Constant(bpm) = tempo {
            let beat = 60.0 / f64::from(bpm);
            assert!(
                clip.beats
                    .windows(2)
                    .all(|w| (w[1] - w[0] - beat).abs() < 1e-9)
            );
        }
    }
}

#[test]
fn the_same_case_gives_the_same_samples() {
    let cases = groove_set(Part::Validation);
    for case in cases.iter().step_by(4) {
        let song = GrooveSong {
            seconds: 8.0,
            ..case.song
        };
        let (a, b) = (render_groove(&song, 11_025), render_groove(&song, 11_025));
        assert_eq!(a, b, "{}", case.name);
        let other = render_groove(
            &GrooveSong {
                seed: song.seed + 1,
                ..song
            },
            11_025,
        );
        assert_ne!(a.clip.samples, other.clip.samples, "{}", case.name);
    }
}

#[test]
fn ramp_beats_follow_the_integrated_tempo() {
    let ramps: Vec<GrooveCase> = both()
        .into_iter()
        .filter(|c| c.kind == CaseKind::TempoRamp)
        .collect();
    assert!(ramps.len() >= 4);
    for case in ramps {
        let out = case.render(RATE);
        let Tempo::Ramp {
            from,
            to,
            start_beat,
            beats,
        } = case.song.tempo
        else {
            panic!("{} is not a ramp", case.name);
        };
        let first = f64::from(case.song.first_beat);
        // Integrate bpm(t)/60 by the midpoint rule from beat 1 and note where each beat falls.
        let dt = 2e-5;
        let (mut t, mut phase, mut k) = (0.0f64, 0.0f64, 1usize);
        while k < out.clip.beats.len() {
            let next = phase + case.song.tempo.bpm_at(t + 0.5 * dt) / 60.0 * dt;
            if next >= k as f64 {
                let at = first + t + (k as f64 - phase) / (next - phase) * dt;
                let got = out.clip.beats[k];
                assert!(
                    (got - at).abs() < 2e-6,
                    "{} beat {k}: {got} vs {at}",
                    case.name
                );
                k += 1;
            }
            (t, phase) = (t + dt, next);
        }
        // Steady before and after, the new tempo reached exactly at the ramp's last beat.
        let end = (start_beat + beats) as usize;
        assert_eq!(out.beat_bpm[start_beat as usize], f64::from(from));
        assert!(
            (out.beat_bpm[end] - f64::from(to)).abs() < 1e-9,
            "{}",
            case.name
        );
        let beat = |k: usize| out.clip.beats[k + 1] - out.clip.beats[k];
        assert!((beat(end + 1) - 60.0 / f64::from(to)).abs() < 1e-9);
    }
}

#[test]
fn a_jump_changes_the_beat_period_at_its_beat() {
    for case in both().into_iter().filter(|c| c.kind == CaseKind::TempoJump) {
        let Tempo::Jump { from, to, at_beat } = case.song.tempo else {
            panic!("{} is not a jump", case.name);
        };
        let beats = case.render(RATE).clip.beats;
        let at = at_beat as usize;
        for (k, w) in beats.windows(2).enumerate() {
            let bpm = if k < at { from } else { to };
            assert!(
                (w[1] - w[0] - 60.0 / f64::from(bpm)).abs() < 1e-9,
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn compound_meter_beats_are_three_eighths() {
    for (groove, bpm) in [(Groove::SixEight, 72.0), (Groove::TwelveEight, 60.0)] {
        let song = GrooveSong {
            seconds: 12.0,
            ..GrooveSong::new(groove, bpm)
        };
        let clip = render_groove(&song, RATE).clip;
        let beat = 60.0 / f64::from(bpm);
        for w in clip.beats.windows(2) {
            assert!((w[1] - w[0] - beat).abs() < 1e-9);
            // Hats on every 8th: onsets exactly at the beat and its two thirds, none between.
            let inside: Vec<f64> = clip
                .onsets
                .iter()
                .copied()
                .filter(|&t| t >= w[0] - 1e-9 && t < w[1] - 1e-9)
                .collect();
            let eighths: Vec<f64> = (0..3).map(|j| w[0] + f64::from(j) * beat / 3.0).collect();
            assert_eq!(inside.len(), 3, "{groove:?} at {}", w[0]);
            for (got, want) in inside.iter().zip(&eighths) {
                assert!((got - want).abs() < 1e-9, "{groove:?}: {got} vs {want}");
            }
        }
    }
}

#[test]
fn human_feel_moves_the_onsets_but_not_the_beats() {
    let tight = GrooveSong::new(Groove::Amen, 160.0);
    let human = GrooveSong {
        feel: Feel::HUMAN,
        ..tight
    };
    let (a, b) = (
        render_groove(&tight, RATE).clip,
        render_groove(&human, RATE).clip,
    );
    assert_eq!(a.beats, b.beats);
    assert_ne!(a.onsets, b.onsets);
    let worst = 3.5 * f64::from(Feel::HUMAN.timing_ms) / 1000.0 + 1e-9;
    let mut moved = 0;
    for t in &b.onsets {
        let nearest = a
            .onsets
            .iter()
            .map(|e| (e - t).abs())
            .fold(f64::INFINITY, f64::min);
        assert!(nearest <= worst, "{t}: {nearest}");
        moved += usize::from(nearest > 0.001);
    }
    assert!(moved > b.onsets.len() / 2);
}

#[test]
fn forms_shape_the_piece() {
    let rate = RATE;
    // Drop: no onsets in the 4 breakdown bars, but sound (pads); a crash on the drop.
    let drop = GrooveSong {
        seconds: 40.0,
        form: Form::Drop {
            groove_bars: 8,
            breakdown_bars: 4,
        },
        ..GrooveSong::new(Groove::Shuffle, 100.0)
    };
    let clip = render_groove(&drop, rate).clip;
    let (start, end) = (clip.beats[32], clip.beats[48]);
    assert!(clip.onsets.iter().all(|&t| t < start || t >= end));
    assert!(clip.onsets.contains(&end) && clip.onsets.iter().any(|&t| t < start));
    let pads = &clip.samples[(start * 8000.0) as usize + 4000..(end * 8000.0) as usize];
    assert!(peak(pads) > 0.01);
    // Quiet intro: the first seconds near -30 dB below the rest.
    let quiet = GrooveSong {
        form: Form::QuietIntro {
            seconds: 6.0,
            db: -30.0,
        },
        ..GrooveSong::new(Groove::House, 124.0)
    };
    let x = render_groove(&quiet, rate).clip.samples;
    let intro = 20.0 * (peak(&x[..5 * 8000]) / peak(&x)).log10();
    assert!((-34.0..-26.0).contains(&intro), "intro at {intro} dB");
    // Drums out: no onsets until the drums come in.
    let out = GrooveSong {
        form: Form::DrumsOutIntro { seconds: 7.0 },
        ..GrooveSong::new(Groove::Trap, 140.0)
    };
    let clip = render_groove(&out, rate).clip;
    assert!(clip.onsets[0] >= 7.0 && peak(&clip.samples[..6 * 8000]) > 0.0);
}

#[test]
fn the_ballad_onsets_are_its_beats() {
    let clip = render_groove(&GrooveSong::new(Groove::Ballad, 70.0), RATE).clip;
    assert_eq!(clip.onsets, clip.beats);
}

#[test]
fn nonsense_gives_an_empty_clip() {
    let ok = GrooveSong::new(Groove::House, 120.0);
    for song in [
        GrooveSong {
            tempo: Tempo::Constant(0.0),
            ..ok
        },
        GrooveSong {
            tempo: Tempo::Ramp {
                from: 120.0,
                to: f32::NAN,
                start_beat: 0,
                beats: 8,
            },
            ..ok
        },
        GrooveSong {
            seconds: -1.0,
            ..ok
        },
        GrooveSong {
            peak_dbfs: f32::NAN,
            ..ok
        },
    ] {
        let out = render_groove(&song, RATE);
        assert!(out.clip.is_empty() && out.clip.beats.is_empty() && out.beat_bpm.is_empty());
    }
    assert!(render_groove(&ok, 0).clip.is_empty());
}
