//! Deterministic synthetic music with exact ground truth: drums, bass and chords at a known tempo.
//!
//! K1 uses it twice: the analysis tests in `k1-core` check the tempo tracker and beat tracker
//! against [`Clip::beats`] and [`Clip::onsets`], and `k1 --demo` plays [`demo_loop`] so K1 runs on a
//! machine with no audio hardware.
//!
//! A [`Song`] says what to play (tempo, [`Style`] of groove, length, seed, which parts, peak gain,
//! time of beat 1). [`render`] turns it into a [`Clip`]: mono `f32` samples plus the beat grid and
//! the drum-hit times they were built from. [`signals`] has plain test signals (sine, noise, clicks)
//! and a set of signals with no beat ([`signals::no_pulse_set`]).
//!
//! For tuning and validating the beat tracker there is a wider family of grooves: a [`GrooveSong`]
//! plays a [`Groove`] (house, 2-step, trap, clave, bossa, samba, shuffles, jazz, 6/8, 12/8, breaks,
//! one-drop, ballad, …) under a [`Tempo`] map (constant, jump or ramp), arranged by a [`Form`]
//! (quiet or drumless intro, breakdown and drop) and played with a [`Feel`]; [`render_groove`]
//! gives a [`GrooveClip`]. [`groove_set`] fixes the tuning and validation cases.
//!
//! ```
//! use k1_synth::{Song, Style, render};
//!
//! let clip = render(&Song::new(128.0, Style::FourOnFloor), 8000);
//! assert_eq!(clip.samples.len(), 20 * 8000);
//! assert_eq!(clip.beats[0], 0.25);
//! let beat = 60.0 / 128.0;
//! assert!((clip.beats[1] - (0.25 + beat)).abs() < 1e-12);
//! assert!(clip.onsets.contains(&0.25)); // the first kick
//!
//! use k1_synth::{Groove, GrooveSong, render_groove};
//!
//! // 6/8: the beat is the dotted quarter, three 8th notes.
//! let six_eight = render_groove(&GrooveSong::new(Groove::SixEight, 80.0), 8000).clip;
//! assert!((six_eight.beats[1] - six_eight.beats[0] - 60.0 / 80.0).abs() < 1e-12);
//! ```
//!
//! # Design
//!
//! The truth is exact because nothing is detected: beat and hit times are computed first, in `f64`,
//! and every sound is then written as a function of the time since its own start, sampled from the
//! first sample at or after that start. So a hit sits at its true time at every sample rate, even
//! between samples, and the same [`Song`] gives the same samples on every machine (the only
//! randomness is a seeded SplitMix64). There are no dependencies, no `unsafe`, and no panics:
//! input that makes no sense renders as [`Clip::empty`].

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod arrange;
mod clip;
mod demo;
mod drums;
pub mod groove_set;
mod grooves;
mod harmony;
mod render;
mod rng;
pub mod signals;
mod song;
mod tempo;
mod voice;

pub use arrange::{Feel, Form, GrooveClip, GrooveSong, render_groove};
pub use clip::Clip;
pub use demo::{DEMO_BARS, DEMO_BPM, demo_loop};
pub use grooves::Groove;
pub use render::{MAX_BPM, MAX_SAMPLE_RATE, MAX_SECONDS, render};
pub use song::{Song, Style};
pub use tempo::Tempo;
