//! Turning a [`Song`] into a [`Clip`]: check the input, lay out the beat grid and the drum hits,
//! synthesise drums and harmony, then peak-normalise.

use crate::drums::{self, Drum};
use crate::harmony::{self, Bar, Parts};
use crate::rng::Rng;
use crate::signals::zeros;
use crate::{Clip, Song};

/// Highest accepted tempo; faster songs render as an empty clip.
pub const MAX_BPM: f32 = 1000.0;
/// Longest accepted song, in seconds; longer songs render as an empty clip.
pub const MAX_SECONDS: f32 = 3600.0;
/// Highest accepted sample rate; above it (or at 0) the clip is empty. Sound is designed for
/// 8 kHz to 192 kHz.
pub const MAX_SAMPLE_RATE: u32 = 768_000;

/// Most samples a clip may have (2^28, 1 GiB of `f32`); longer clips come back empty rather than
/// exhausting memory.
pub(crate) const MAX_SAMPLES: f64 = (1u64 << 28) as f64;

/// Hits closer than this to the first of a group are one onset.
const MERGE_S: f64 = 0.005;

/// How to render, beyond what the [`Song`] says.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Options {
    /// Add tails that run past the end at the start, so the clip loops seamlessly.
    pub(crate) wrap: bool,
    /// Add a snare fill to the last bar of every 8.
    pub(crate) fills: bool,
    /// Repeat every random choice (velocities, noise) after this many bars, so a loop of that
    /// length is exactly one period of the endless piece; 0 never repeats.
    pub(crate) repeat_bars: u64,
}

/// Renders `song` at `sample_rate`: sample-accurate drums (every hit starts at its exact time,
/// even between samples), bass and chords, peak-normalised to `song.gain`, with the exact beat
/// grid and drum onsets.
///
/// Never panics. An empty clip comes back when `bpm` is not in `(0, MAX_BPM]`, `seconds` not in
/// `[0, MAX_SECONDS]`, `sample_rate` not in `1..=MAX_SAMPLE_RATE`, `gain` or `first_beat` is NaN,
/// the clip would pass 2^28 samples (about 23 minutes at 192 kHz), or the memory cannot be had. The same song and rate always give the same samples.
pub fn render(song: &Song, sample_rate: u32) -> Clip {
    render_with(song, sample_rate, Options::default())
}

/// [`render`] with extra [`Options`].
pub(crate) fn render_with(song: &Song, sample_rate: u32, options: Options) -> Clip {
    let empty = Clip::empty(sample_rate, song.bpm);
    let Some(plan) = Plan::new(song, sample_rate) else {
        return empty;
    };
    let Some(mut samples) = zeros(plan.len) else {
        return empty;
    };
    let hits = plan.hits(song, options);
    for hit in &hits {
        drums::play(
            &mut samples,
            sample_rate,
            hit.drum,
            hit.time_s,
            hit.velocity,
            hit.seed,
            options.wrap,
        );
    }
    if song.bass || song.chords {
        let parts = Parts {
            bass: song.bass,
            chords: song.chords,
            style: song.style,
            key: harmony::key_for_seed(song.seed),
            seed: song.seed,
        };
        for bar in 0..plan.bars() {
            let start_s = plan.first_beat_s + (4 * bar) as f64 * plan.beat_s;
            let bar = Bar {
                index: bar,
                random_index: options.random_bar(bar),
                start_s,
                beat_s: plan.beat_s,
            };
            harmony::play_bar(&mut samples, sample_rate, bar, parts, options.wrap);
        }
    }
    normalise(&mut samples, plan.gain);
    Clip {
        sample_rate,
        samples,
        beats: plan.beats(),
        onsets: onsets(&hits),
        bpm: song.bpm,
    }
}

impl Options {
    /// The bar number that seeds the random choices of bar `bar`.
    const fn random_bar(self, bar: u64) -> u64 {
        if self.repeat_bars == 0 {
            bar
        } else {
            bar % self.repeat_bars
        }
    }
}

/// A checked song: every value finite and in range.
#[derive(Clone, Copy, Debug)]
struct Plan {
    len: usize,
    duration_s: f64,
    beat_s: f64,
    first_beat_s: f64,
    gain: f32,
    humanize_s: f64,
}

/// One drum hit of the rendered clip.
#[derive(Clone, Copy, Debug)]
struct Hit {
    time_s: f64,
    drum: Drum,
    velocity: f64,
    seed: u64,
}

impl Plan {
    fn new(song: &Song, sample_rate: u32) -> Option<Self> {
        let bpm_ok = song.bpm > 0.0 && song.bpm <= MAX_BPM;
        let seconds_ok = (0.0..=MAX_SECONDS).contains(&song.seconds);
        let rate_ok = (1..=MAX_SAMPLE_RATE).contains(&sample_rate);
        if !bpm_ok || !seconds_ok || !rate_ok || song.gain.is_nan() || song.first_beat.is_nan() {
            return None;
        }
        let rate = f64::from(sample_rate);
        let len = (f64::from(song.seconds) * rate).round();
        if len > MAX_SAMPLES {
            return None;
        }
        // Below 2^28, so exact and within `usize`.
        let len = len as usize;
        let humanize_ms = if song.humanize_ms.is_nan() {
            0.0
        } else {
            song.humanize_ms.clamp(0.0, 50.0)
        };
        Some(Self {
            len,
            duration_s: len as f64 / rate,
            beat_s: 60.0 / f64::from(song.bpm),
            // +inf is fine: it just puts every beat after the end.
            first_beat_s: f64::from(song.first_beat.max(0.0)),
            gain: song.gain.clamp(0.0, 1.0),
            humanize_s: f64::from(humanize_ms) / 1000.0,
        })
    }

    /// Number of whole or partial beats, counted from beat 1, that start inside the clip.
    fn beat_count(&self) -> u64 {
        if self.first_beat_s >= self.duration_s {
            return 0;
        }
        // The quotient is below MAX_SECONDS · MAX_BPM / 60 = 60 000; the loop below fixes rounding.
        let mut count = ((self.duration_s - self.first_beat_s) / self.beat_s).ceil() as u64;
        while count > 0 && self.beat_time(count - 1) >= self.duration_s {
            count -= 1;
        }
        while self.beat_time(count) < self.duration_s {
            count += 1;
        }
        count
    }

    /// Time of beat `k` (0 = beat 1).
    fn beat_time(&self, k: u64) -> f64 {
        self.first_beat_s + k as f64 * self.beat_s
    }

    fn beats(&self) -> Vec<f64> {
        (0..self.beat_count()).map(|k| self.beat_time(k)).collect()
    }

    /// Bars with at least their downbeat inside the clip.
    fn bars(&self) -> u64 {
        self.beat_count().div_ceil(4)
    }

    /// Every drum hit whose (humanised) time falls inside the clip, in bar order.
    fn hits(&self, song: &Song, options: Options) -> Vec<Hit> {
        let sixteenth_s = self.beat_s / 4.0;
        let mut hits = Vec::new();
        for bar in 0..self.bars() {
            let fill: &[drums::Step] = if options.fills && bar % 8 == 7 {
                &drums::FILL
            } else {
                &[]
            };
            for step in drums::pattern(song.style).iter().chain(fill) {
                // 16ths counted from beat 1: on-beat hits land exactly on `beat_time(k)`, because
                // dividing by 4 is exact in binary floating point.
                let sixteenths = 16 * bar + u64::from(step.sixteenth);
                let stream = 16 * options.random_bar(bar) + u64::from(step.sixteenth);
                let mut rng = Rng::derive(song.seed, (stream << 3) | step.drum as u64);
                let velocity = step.velocity * (0.88 + 0.12 * rng.unit());
                let shift = self.humanize_s * rng.bipolar();
                let time_s = (self.first_beat_s + sixteenths as f64 * sixteenth_s + shift).max(0.0);
                if time_s < self.duration_s {
                    hits.push(Hit {
                        time_s,
                        drum: step.drum,
                        velocity,
                        seed: rng.next_u64(),
                    });
                }
            }
        }
        hits
    }
}

/// Sorted hit times, each group within [`MERGE_S`] of its first hit counted once.
fn onsets(hits: &[Hit]) -> Vec<f64> {
    merge_onsets(hits.iter().map(|h| h.time_s).collect())
}

/// `times` sorted, each group within [`MERGE_S`] (5 ms) of its first time counted once.
pub(crate) fn merge_onsets(mut times: Vec<f64>) -> Vec<f64> {
    times.sort_by(f64::total_cmp);
    let mut onsets: Vec<f64> = Vec::with_capacity(times.len());
    for t in times {
        if onsets.last().is_none_or(|&first| t - first >= MERGE_S) {
            onsets.push(t);
        }
    }
    onsets
}

/// Scales so the largest magnitude is `gain` exactly (never above; silence stays silent).
pub(crate) fn normalise(samples: &mut [f32], gain: f32) {
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if peak > 0.0 && peak.is_finite() {
        let scale = gain / peak;
        for sample in samples {
            *sample = (*sample * scale).clamp(-gain, gain);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onsets_merge_within_5_ms_of_the_first() {
        let hit = |time_s| Hit {
            time_s,
            drum: Drum::Kick,
            velocity: 1.0,
            seed: 0,
        };
        let hits = [
            hit(1.0),
            hit(0.0),
            hit(0.003),
            hit(0.0049),
            hit(0.0051),
            hit(0.0052),
            hit(1.0),
        ];
        assert_eq!(onsets(&hits), [0.0, 0.0051, 1.0]);
    }

    #[test]
    fn beat_count_is_right_at_the_edges() {
        let song = Song {
            seconds: 2.0,
            first_beat: 0.0,
            ..Song::new(120.0, crate::Style::Rock)
        };
        // Beats at 0, 0.5, 1.0, 1.5; 2.0 is the end, so not inside.
        let plan = Plan::new(&song, 1000).map(|p| p.beat_count());
        assert_eq!(plan, Some(4));
        let late = Song {
            first_beat: 5.0,
            ..song
        };
        assert_eq!(Plan::new(&late, 1000).map(|p| p.beat_count()), Some(0));
    }
}
