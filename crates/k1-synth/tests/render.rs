//! The promises of `render`: determinism, peak level, an exact beat grid, onsets at every kick and
//! snare, sample-accurate starts, and empty clips (never panics) for nonsense input.

use k1_synth::{Clip, MAX_BPM, MAX_SAMPLE_RATE, MAX_SECONDS, Song, Style, render};

/// The tempos the analysis tests use, each with the style it is meant for.
const TEMPOS: [(f32, Style); 6] = [
    (70.0, Style::HalfTime),
    (90.0, Style::HalfTime),
    (120.0, Style::Rock),
    (128.0, Style::FourOnFloor),
    (140.0, Style::Rock),
    (174.0, Style::Breakbeat),
];

fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, s| m.max(s.abs()))
}

fn short(bpm: f32, style: Style) -> Song {
    Song {
        seconds: 6.0,
        ..Song::new(bpm, style)
    }
}

/// Beats (0-based from beat 1) of each kick and snare in one bar of `style`, as the docs state.
fn kick_and_snare_beats(style: Style) -> &'static [f64] {
    match style {
        Style::Rock => &[0.0, 1.0, 2.0, 3.0],
        Style::FourOnFloor => &[0.0, 1.0, 2.0, 3.0],
        Style::Breakbeat => &[0.0, 1.0, 2.5, 3.0],
        Style::HalfTime => &[0.0, 2.0],
    }
}

#[test]
fn the_same_song_gives_the_same_samples() {
    for style in Style::ALL {
        let song = short(123.0, style);
        assert_eq!(render(&song, 22_050), render(&song, 22_050));
        let other = Song { seed: 2, ..song };
        assert_ne!(
            render(&song, 22_050).samples,
            render(&other, 22_050).samples
        );
    }
}

#[test]
fn peak_is_the_gain() {
    for rate in [8000, 44_100, 48_000, 96_000, 192_000] {
        for style in Style::ALL {
            for gain in [0.9, 0.5] {
                let song = Song {
                    seconds: 3.0,
                    gain,
                    ..Song::new(131.0, style)
                };
                let clip = render(&song, rate);
                assert_eq!(clip.samples.len(), 3 * rate as usize);
                let p = peak(&clip.samples);
                assert!(
                    p <= gain && p > 0.5 * gain,
                    "{style:?} at {rate} Hz: peak {p} for gain {gain}"
                );
                assert!(clip.samples.iter().all(|s| s.is_finite()));
            }
        }
    }
    let loud = Song {
        gain: 7.0,
        seconds: 2.0,
        ..Song::default()
    };
    assert!(
        peak(&render(&loud, 8000).samples) <= 1.0,
        "gain is clamped to 1"
    );
    let silent = Song {
        gain: -1.0,
        seconds: 2.0,
        ..Song::default()
    };
    assert!(render(&silent, 8000).samples.iter().all(|&s| s == 0.0));
}

#[test]
fn the_beat_grid_is_exact_and_complete() {
    for (bpm, style) in TEMPOS {
        for first_beat in [0.25f32, 0.0, 1.7] {
            let song = Song {
                first_beat,
                ..Song::new(bpm, style)
            };
            let clip = render(&song, 44_100);
            let beat = 60.0 / f64::from(bpm);
            let first = f64::from(first_beat);
            // Beats strictly inside [0, 20 s).
            let expected = ((20.0 - first) / beat).ceil() as usize;
            assert_eq!(
                clip.beats.len(),
                expected,
                "{bpm} BPM, beat 1 at {first_beat}"
            );
            for (k, &t) in clip.beats.iter().enumerate() {
                assert!((t - (first + k as f64 * 60.0 / f64::from(bpm))).abs() < 1e-9);
            }
            assert_eq!(clip.beats[0], first);
            assert!(*clip.beats.last().unwrap() < 20.0);
            assert_eq!(clip.bpm, bpm);
        }
    }
}

#[test]
fn onsets_include_every_kick_and_snare() {
    for (bpm, style) in TEMPOS {
        let song = Song {
            first_beat: 0.4,
            ..Song::new(bpm, style)
        };
        let clip = render(&song, 16_000);
        assert!(
            clip.onsets.windows(2).all(|w| w[1] - w[0] >= 0.005),
            "sorted and merged"
        );
        assert!(clip.onsets.iter().all(|&t| (0.0..20.0).contains(&t)));
        let beat = 60.0 / f64::from(bpm);
        let mut checked = 0;
        for bar in 0.. {
            let bar_start = 0.4f32 as f64 + 4.0 * bar as f64 * beat;
            if bar_start >= 20.0 {
                break;
            }
            for &b in kick_and_snare_beats(style) {
                let t = bar_start + b * beat;
                if t < 20.0 {
                    assert!(
                        clip.onsets.iter().any(|&o| (o - t).abs() < 1e-9),
                        "{style:?} {bpm}: no onset at {t}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 10);
        // Hats are onsets too: more onsets than kicks and snares.
        assert!(clip.onsets.len() > checked);
    }
}

#[test]
fn sound_starts_exactly_at_beat_1() {
    for rate in [8000, 44_100, 48_000, 192_000] {
        for first_beat in [0.25f32, 0.123_457] {
            let song = Song {
                seconds: 1.0,
                first_beat,
                ..Song::new(100.0, Style::Rock)
            };
            let clip = render(&song, rate);
            let first_sample = (f64::from(first_beat) * f64::from(rate)).ceil() as usize;
            let nonzero = clip.samples.iter().position(|&s| s != 0.0).unwrap();
            assert!(
                (first_sample..=first_sample + 1).contains(&nonzero),
                "{rate} Hz: first sound at {nonzero}, beat 1 at {first_sample}"
            );
        }
    }
}

#[test]
fn humanising_moves_onsets_but_not_beats() {
    let exact = render(&short(120.0, Style::Rock), 8000);
    let loose = render(
        &Song {
            humanize_ms: 10.0,
            ..short(120.0, Style::Rock)
        },
        8000,
    );
    assert_eq!(exact.beats, loose.beats);
    assert_ne!(exact.onsets, loose.onsets);
    for t in &loose.onsets {
        let nearest = exact
            .onsets
            .iter()
            .map(|e| (e - t).abs())
            .fold(f64::INFINITY, f64::min);
        assert!(nearest <= 0.010 + 1e-9);
    }
}

#[test]
fn harmony_parts_can_be_left_out() {
    let full = render(&short(120.0, Style::Rock), 8000);
    let drums = render(
        &Song {
            bass: false,
            chords: false,
            ..short(120.0, Style::Rock)
        },
        8000,
    );
    assert_ne!(full.samples, drums.samples);
    assert_eq!(full.onsets, drums.onsets);
    // Drums only: silence before beat 1 and between the last hat and the next kick is real silence.
    assert!(drums.samples[..2000].iter().all(|&s| s == 0.0));
}

#[test]
fn nonsense_gives_an_empty_clip() {
    let ok = Song::new(120.0, Style::Rock);
    let bad = [
        Song { bpm: 0.0, ..ok },
        Song { bpm: -120.0, ..ok },
        Song {
            bpm: f32::NAN,
            ..ok
        },
        Song {
            bpm: f32::INFINITY,
            ..ok
        },
        Song {
            bpm: MAX_BPM * 2.0,
            ..ok
        },
        Song {
            seconds: -1.0,
            ..ok
        },
        Song {
            seconds: f32::NAN,
            ..ok
        },
        Song {
            seconds: f32::INFINITY,
            ..ok
        },
        Song {
            seconds: MAX_SECONDS + 1.0,
            ..ok
        },
        Song {
            gain: f32::NAN,
            ..ok
        },
        Song {
            first_beat: f32::NAN,
            ..ok
        },
    ];
    for song in bad {
        let clip = render(&song, 48_000);
        assert!(
            clip.is_empty() && clip.beats.is_empty() && clip.onsets.is_empty(),
            "{song:?}"
        );
    }
    for rate in [0, MAX_SAMPLE_RATE + 1, u32::MAX] {
        assert!(render(&ok, rate).is_empty());
    }
    let huge = Song {
        seconds: MAX_SECONDS,
        ..ok
    };
    assert!(
        render(&huge, MAX_SAMPLE_RATE).is_empty(),
        "more than 2^28 samples"
    );
    assert_eq!(
        render(&Song { seconds: 0.0, ..ok }, 48_000),
        Clip::empty(48_000, 120.0)
    );
}

#[test]
fn odd_but_valid_input_renders_without_panicking() {
    let ok = Song {
        seconds: 2.0,
        ..Song::new(120.0, Style::Rock)
    };
    let odd = [
        Song { bpm: 0.001, ..ok },
        Song { bpm: MAX_BPM, ..ok },
        Song {
            seconds: 1e-6,
            ..ok
        },
        Song {
            first_beat: -3.0,
            ..ok
        },
        Song {
            first_beat: f32::INFINITY,
            ..ok
        },
        Song {
            first_beat: 5.0,
            ..ok
        },
        Song {
            humanize_ms: f32::NAN,
            ..ok
        },
        Song {
            humanize_ms: 1e9,
            ..ok
        },
        Song {
            humanize_ms: -5.0,
            ..ok
        },
        Song {
            seed: u64::MAX,
            ..ok
        },
    ];
    for song in odd {
        for rate in [1, 100, 8000] {
            let clip = render(&song, rate);
            assert!(
                clip.samples.iter().all(|s| s.is_finite() && s.abs() <= 0.9),
                "{song:?}"
            );
            assert!(
                clip.beats
                    .iter()
                    .chain(&clip.onsets)
                    .all(|&t| t >= 0.0 && t < clip.duration_s())
            );
        }
    }
}
