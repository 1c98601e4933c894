//! Grooves as pieces ([`GrooveSong`]): a [`Groove`] under a [`Tempo`] map, arranged by a [`Form`]
//! (quiet or drumless intro, breakdown and drop), played with a [`Feel`], and rendered with
//! [`render_groove`] to a [`GrooveClip`] with the exact truth.
//!
//! Every note is placed at a beat position (a fraction of a beat from beat 1) and timed through
//! the tempo map, so beats, hits and notes follow tempo jumps and ramps exactly. Humanised timing
//! moves the played notes (and so the onsets) but never the beats.

use core::f64::consts::TAU;

use crate::drums::{self, Drum};
use crate::grooves::{self, Pattern};
use crate::harmony;
use crate::render::{MAX_SAMPLE_RATE, MAX_SAMPLES, MAX_SECONDS, merge_onsets, normalise};
use crate::rng::Rng;
use crate::signals::zeros;
use crate::tempo::TempoMap;
use crate::voice::midi_hz;
use crate::{Clip, Groove, Tempo};

/// The shape of a piece over time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Form {
    /// The groove from start to end.
    #[default]
    Full,
    /// Every note that starts in the first `seconds` is `db` decibels quieter (e.g. −30), then
    /// full level.
    QuietIntro {
        /// Length of the quiet part, seconds.
        seconds: f32,
        /// Level of the quiet part relative to the rest, dB (clamped to `[-120, 0]`).
        db: f32,
    },
    /// No drums for the first `seconds` (bass, keys and pads play), then the full groove.
    DrumsOutIntro {
        /// Length of the drumless part, seconds.
        seconds: f32,
    },
    /// `groove_bars` of the groove, `breakdown_bars` of pads only (no drums, bass or keys), then
    /// the drop: the groove again to the end, with a crash on its first downbeat.
    Drop {
        /// Bars of groove before the breakdown.
        groove_bars: u32,
        /// Bars of the breakdown.
        breakdown_bars: u32,
    },
}

/// How the notes are played: timing jitter and velocity variation, both seeded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feel {
    /// Standard deviation of each note's Gaussian timing shift, ms (clamped to `[0, 30]`, the
    /// shift itself to ±3.5 σ).
    pub timing_ms: f32,
    /// Standard deviation of each note's relative velocity change (clamped to `[0, 1]`; the
    /// factor stays in `[0.2, 1.6]`).
    pub velocity: f32,
}

impl Feel {
    /// Quantised: notes exactly on the grid, velocities within a few percent.
    pub const TIGHT: Self = Self {
        timing_ms: 0.0,
        velocity: 0.05,
    };
    /// A human player: σ = 5 ms timing, σ = 15 % velocity.
    pub const HUMAN: Self = Self {
        timing_ms: 5.0,
        velocity: 0.15,
    };
}

impl Default for Feel {
    /// [`Feel::TIGHT`].
    fn default() -> Self {
        Self::TIGHT
    }
}

/// A groove to [`render_groove`]: what, how fast, how long, how loud, and in what form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GrooveSong {
    /// The groove (meter, drums, bass, keys, pads).
    pub groove: Groove,
    /// The tempo map, in beats of the groove per minute.
    pub tempo: Tempo,
    /// Clip length in seconds, in `[0, MAX_SECONDS]`.
    pub seconds: f32,
    /// Fixes every random choice: key, velocities, timing, noise.
    pub seed: u64,
    /// Peak level of the clip in dBFS (clamped to at most 0; NaN gives an empty clip).
    pub peak_dbfs: f32,
    /// Time of beat 1 in seconds (negative is treated as 0; NaN gives an empty clip).
    pub first_beat: f32,
    /// Intro, breakdown and drop.
    pub form: Form,
    /// Timing and velocity variation.
    pub feel: Feel,
}

impl GrooveSong {
    /// 30 s of `groove` at a constant `bpm`: seed 1, peak −6 dBFS, beat 1 at 0.25 s, full form,
    /// tight feel.
    pub const fn new(groove: Groove, bpm: f32) -> Self {
        Self {
            groove,
            tempo: Tempo::Constant(bpm),
            seconds: 30.0,
            seed: 1,
            peak_dbfs: -6.0,
            first_beat: 0.25,
            form: Form::Full,
            feel: Feel::TIGHT,
        }
    }
}

/// A rendered [`GrooveSong`]: the clip (samples, beats, onsets; `clip.bpm` is the tempo at beat
/// 1) and the tempo at every beat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GrooveClip {
    /// Samples and truth. `beats` are the groove's beats (dotted quarters in compound meter);
    /// `onsets` every drum hit and keys note as played, merged within 5 ms.
    pub clip: Clip,
    /// The instantaneous tempo at each of `clip.beats`, beats per minute.
    pub beat_bpm: Vec<f64>,
}

/// Renders `song` at `sample_rate`, peak-normalised to `song.peak_dbfs`, with exact beats and
/// onsets. The same song and rate always give the same samples.
///
/// Never panics: an empty clip comes back when a tempo is not in `(0, MAX_BPM]`, `seconds` not in
/// `[0, MAX_SECONDS]`, `sample_rate` not in `1..=MAX_SAMPLE_RATE`, `peak_dbfs` or `first_beat` is
/// NaN, or the clip would pass 2^28 samples.
pub fn render_groove(song: &GrooveSong, sample_rate: u32) -> GrooveClip {
    let empty = GrooveClip {
        clip: Clip::empty(sample_rate, song.tempo.start_bpm()),
        beat_bpm: Vec::new(),
    };
    let Some(mut player) = Player::new(song, sample_rate) else {
        return empty;
    };
    if matches!(song.form, Form::QuietIntro { .. }) {
        let Some(intro) = zeros(player.main.len()) else {
            return empty;
        };
        player.intro = intro;
    }
    player.play_all();
    let timing = player.timing;
    let Player {
        mut main,
        intro,
        onsets,
        ..
    } = player;
    if let Form::QuietIntro { db, .. } = song.form {
        let factor = 10f32.powf(db.clamp(-120.0, 0.0) / 20.0);
        for (m, i) in main.iter_mut().zip(&intro) {
            *m += factor * i;
        }
    }
    normalise(&mut main, 10f32.powf(song.peak_dbfs.min(0.0) / 20.0));
    let beats = beat_times(&timing);
    let beat_bpm = beats
        .iter()
        .map(|&t| timing.map.bpm_at(t - timing.first_s))
        .collect();
    GrooveClip {
        clip: Clip {
            sample_rate,
            samples: main,
            beats,
            onsets: merge_onsets(onsets),
            bpm: song.tempo.start_bpm(),
        },
        beat_bpm,
    }
}

/// Beat positions to clip times.
#[derive(Clone, Copy, Debug)]
struct Timing {
    map: TempoMap,
    first_s: f64,
    duration_s: f64,
}

impl Timing {
    /// Clip time of beat position `beat`.
    fn at(&self, beat: f64) -> f64 {
        self.first_s + self.map.time_of(beat)
    }
}

/// Every beat inside the clip.
fn beat_times(timing: &Timing) -> Vec<f64> {
    (0u64..)
        .map(|k| timing.at(k as f64))
        .take_while(|&t| t < timing.duration_s)
        .collect()
}

/// What a note is, for the form to decide whether and how loud it plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Drums,
    Keys,
    Bass,
    Pads,
}

/// The render in progress: the checked song, the output buffers and the onsets so far.
struct Player<'a> {
    song: &'a GrooveSong,
    pattern: &'static Pattern,
    rate: u32,
    timing: Timing,
    key: u8,
    timing_sd_s: f64,
    velocity_sd: f64,
    /// Full-level output.
    main: Vec<f32>,
    /// Notes of a quiet intro, mixed in at their level at the end.
    intro: Vec<f32>,
    onsets: Vec<f64>,
}

impl<'a> Player<'a> {
    fn new(song: &'a GrooveSong, rate: u32) -> Option<Self> {
        let map = song.tempo.map()?;
        let seconds_ok = (0.0..=MAX_SECONDS).contains(&song.seconds);
        let rate_ok = (1..=MAX_SAMPLE_RATE).contains(&rate);
        if !seconds_ok || !rate_ok || song.peak_dbfs.is_nan() || song.first_beat.is_nan() {
            return None;
        }
        let len = (f64::from(song.seconds) * f64::from(rate)).round();
        if len > MAX_SAMPLES {
            return None;
        }
        let len = len as usize;
        let finite = |x: f32, max: f32| if x.is_nan() { 0.0 } else { x.clamp(0.0, max) };
        Some(Self {
            song,
            pattern: song.groove.pattern(),
            rate,
            timing: Timing {
                map,
                first_s: f64::from(song.first_beat.max(0.0)),
                duration_s: len as f64 / f64::from(rate),
            },
            key: harmony::key_for_seed(song.seed),
            timing_sd_s: f64::from(finite(song.feel.timing_ms, 30.0)) / 1000.0,
            velocity_sd: f64::from(finite(song.feel.velocity, 1.0)),
            main: zeros(len)?,
            intro: Vec::new(),
            onsets: Vec::new(),
        })
    }

    /// Plays every repeat of the pattern that starts inside the clip.
    fn play_all(&mut self) {
        let pattern = self.pattern;
        let per_bar = u64::from(pattern.beats_per_bar);
        for rep in 0u64.. {
            let rep_beat = (rep * u64::from(pattern.beats())) as f64;
            if self.timing.at(rep_beat) >= self.timing.duration_s {
                break;
            }
            for bar in 0..u64::from(pattern.bars) {
                let index = rep * u64::from(pattern.bars) + bar;
                self.pads(index, per_bar);
            }
            for (n, lane) in pattern.drums.iter().enumerate() {
                for e in pattern.events(lane.steps) {
                    let velocity = grooves::velocity(e.symbol) * lane.gain;
                    let stream = (rep << 24) | ((n as u64) << 16) | e.index as u64;
                    self.drum(lane.drum, rep_beat + e.beat, velocity, stream);
                }
            }
            for e in pattern.events(pattern.keys) {
                let stream = (rep << 24) | (0xFE << 16) | e.index as u64;
                let velocity = grooves::velocity(e.symbol);
                self.keys(rep_beat + e.beat, e.beats, velocity, stream);
            }
            for e in pattern.events(pattern.bass) {
                let stream = (rep << 24) | (0xFD << 16) | e.index as u64;
                if let Some(interval) = grooves::interval(e.symbol) {
                    self.bass(rep_beat + e.beat, e.beats, interval, stream);
                }
            }
        }
        self.crash_on_the_drop(per_bar);
    }

    /// The bar that beat position `beat` falls in.
    fn bar_of(&self, beat: f64) -> u64 {
        // Beat positions are exact multiples of small fractions; the floor is exact.
        (beat / f64::from(self.pattern.beats_per_bar))
            .floor()
            .max(0.0) as u64
    }

    /// Whether `part` plays in bar `bar` at clip time `time_s`.
    fn plays(&self, part: Part, bar: u64, time_s: f64) -> bool {
        let (drums_out, breakdown) = match self.song.form {
            Form::DrumsOutIntro { seconds } => (time_s < f64::from(seconds), false),
            Form::Drop {
                groove_bars,
                breakdown_bars,
            } => {
                let first = u64::from(groove_bars);
                (
                    false,
                    (first..first + u64::from(breakdown_bars)).contains(&bar),
                )
            }
            Form::Full | Form::QuietIntro { .. } => (false, false),
        };
        match part {
            Part::Pads => self.pattern.pads || breakdown,
            Part::Drums => !drums_out && !breakdown,
            Part::Keys | Part::Bass => !breakdown,
        }
    }

    /// The buffer a note starting at `time_s` goes to (the intro's, in a quiet intro).
    fn out(&mut self, time_s: f64) -> &mut Vec<f32> {
        match self.song.form {
            Form::QuietIntro { seconds, .. }
                if time_s < f64::from(seconds) && !self.intro.is_empty() =>
            {
                &mut self.intro
            }
            _ => &mut self.main,
        }
    }

    /// A seeded timing shift and velocity factor for one note.
    fn humanise(&self, rng: &mut Rng) -> (f64, f64) {
        let shift = self.timing_sd_s * gaussian(rng);
        let factor = (1.0 + self.velocity_sd * gaussian(rng)).clamp(0.2, 1.6);
        (shift, factor)
    }

    fn drum(&mut self, drum: Drum, beat: f64, velocity: f64, stream: u64) {
        let nominal = self.timing.at(beat);
        if !self.plays(Part::Drums, self.bar_of(beat), nominal) {
            return;
        }
        let mut rng = Rng::derive(self.song.seed, stream);
        let (shift, factor) = self.humanise(&mut rng);
        let time_s = (nominal + shift).max(0.0);
        if time_s < self.timing.duration_s {
            let (rate, seed) = (self.rate, rng.next_u64());
            let out = self.out(nominal);
            drums::play(out, rate, drum, time_s, velocity * factor, seed, false);
            self.onsets.push(time_s);
        }
    }

    fn keys(&mut self, beat: f64, beats: f64, velocity: f64, stream: u64) {
        let nominal = self.timing.at(beat);
        let bar = self.bar_of(beat);
        if !self.plays(Part::Keys, bar, nominal) {
            return;
        }
        let mut rng = Rng::derive(self.song.seed, stream);
        let (shift, factor) = self.humanise(&mut rng);
        let time_s = (nominal + shift).max(0.0);
        if time_s < self.timing.duration_s {
            let hold_s = 0.85 * (self.timing.at(beat + beats) - nominal);
            let (_, notes) = harmony::bar_chord(bar, self.key);
            let rate = self.rate;
            let out = self.out(nominal);
            harmony::keys(out, rate, time_s, hold_s, notes, velocity * factor, false);
            self.onsets.push(time_s);
        }
    }

    fn bass(&mut self, beat: f64, beats: f64, interval: u8, stream: u64) {
        let nominal = self.timing.at(beat);
        let bar = self.bar_of(beat);
        if !self.plays(Part::Bass, bar, nominal) {
            return;
        }
        let mut rng = Rng::derive(self.song.seed, stream);
        let (shift, factor) = self.humanise(&mut rng);
        let time_s = (nominal + shift).max(0.0);
        let hold_s = 0.9 * (self.timing.at(beat + beats) - nominal);
        let (root, _) = harmony::bar_chord(bar, self.key);
        let hz = midi_hz(harmony::bass_note(root, interval));
        let rate = self.rate;
        let out = self.out(nominal);
        harmony::bass(out, rate, time_s, hold_s, hz, factor, false);
    }

    /// The pad chord of bar `bar`, if the pattern or the form has one there.
    fn pads(&mut self, bar: u64, per_bar: u64) {
        let start = (bar * per_bar) as f64;
        let start_s = self.timing.at(start);
        if start_s >= self.timing.duration_s {
            return;
        }
        if !self.plays(Part::Pads, bar, start_s) {
            return;
        }
        let hold_s = self.timing.at(start + per_bar as f64) - start_s;
        let (_, notes) = harmony::bar_chord(bar, self.key);
        let rate = self.rate;
        let out = self.out(start_s);
        harmony::chord(out, rate, start_s, hold_s, notes, false);
    }

    /// The crash that marks the drop's first downbeat.
    fn crash_on_the_drop(&mut self, per_bar: u64) {
        if let Form::Drop {
            groove_bars,
            breakdown_bars,
        } = self.song.form
            && !self.pattern.drums.is_empty()
        {
            let bar = u64::from(groove_bars) + u64::from(breakdown_bars);
            self.drum(Drum::Crash, (bar * per_bar) as f64, 1.0, u64::MAX);
        }
    }
}

/// A standard normal value (Box–Muller), clamped to ±3.5.
fn gaussian(rng: &mut Rng) -> f64 {
    let radius = (-2.0 * (1.0 - rng.unit()).ln()).sqrt();
    (radius * (TAU * rng.unit()).cos()).clamp(-3.5, 3.5)
}
