//! The light quality report: every pattern over a recording, on the virtual clock, measured for
//! whether a person would call it visibly alive and musical.
//!
//! One analysis feeds every pattern's [`FrameClock`] (the renderer and the colour pipeline, as
//! `k1 render` runs them). Per pattern it measures, over the frames while music plays (the
//! snapshot is not silent):
//!
//! - the **mean** and the **95th percentile** of the brightest channel of the strip, as the
//!   `k1 render` picture shows it (0..=255, the LED's duty through the sRGB curve, which is
//!   close to how bright the eye finds it; duty 1 % reads 25, 18 % reads 118);
//! - the share of **dark** frames: no channel of any LED above [`DARK_LEVEL`] on that scale;
//! - how strongly the light **follows** the music: the correlation of the frame's total light
//!   with the snapshot's VU, or with its onset envelope (the novelty, held with a
//!   [`ONSET_RELEASE_S`] release), whichever is higher, at the best lag of 0 to
//!   [`MAX_LAG_S`] (the light may trail the music, never lead it).
//!
//! [`FLOORS`] are what a person would call visibly alive and musical; [`misses`] lists where a
//! pattern falls short. `k1 render --report` prints [`table`]; `k1-offline`'s `light_quality`
//! test asserts the floors on the corpus and the demo.

pub mod stats;
mod table;

use k1_core::render::{Layout, PatternId};
use k1_core::{Analyzer, Snapshot, params::Params};
use k1_io::sources::Source;

use crate::analyze::{self, AnalyzeError, HopObserver};
use crate::frames::FrameClock;
pub use table::{Summary, clip_table, shortfalls, summarise, summary_table};

/// A frame is dark when no channel of any LED is above this (sRGB, 0..=255; LED duty 0.5 %,
/// which reads as off beside any lit pattern).
pub const DARK_LEVEL: u8 = 16;
/// The onset envelope's release, in seconds.
pub const ONSET_RELEASE_S: f64 = 0.15;
/// The latest the light may follow the music, in seconds.
pub const MAX_LAG_S: f64 = 0.1;
/// Clips with less music than this (seconds of frames that are not silent) are reported but not
/// held to the floors.
pub const MIN_MUSIC_S: f64 = 5.0;

/// What "visibly alive and musical" means, per pattern and clip.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Floors {
    /// Least mean of the brightest channel (duty byte).
    pub mean: f64,
    /// Least 95th percentile of the brightest channel: the peaks must be bright.
    pub p95: f64,
    /// Largest share of dark frames while music plays.
    pub dark: f64,
    /// Least correlation of the light with the music, the mean over the clips judged
    /// (audio-reactive patterns only; one clip alone is too noisy to judge).
    pub follows: f64,
}

/// The floors, on every clip with music: the brightest LED averages at least 64 on the picture's
/// scale (a quarter of the way up, LED duty 5 %: plainly lit, not a glimmer) and its peaks reach
/// 128 (duty 21 %: a bright flash); at most 5 % of the frames with music are dark (a pattern
/// that blacks out mid-song looks broken). Over the clips, the light moves with the VU or the
/// onsets at r ≥ 0.2 on average: still gradients score 0.01 to 0.02 and the self test 0.08, so
/// 0.2 is well clear of "unrelated to the music".
pub const FLOORS: Floors = Floors {
    mean: 64.0,
    p95: 128.0,
    dark: 0.05,
    follows: 0.2,
};

/// The music the light is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    /// The snapshot's VU.
    Vu,
    /// The onset envelope.
    Onset,
}

/// One pattern over one clip.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternLight {
    /// The pattern.
    pub pattern: PatternId,
    /// Seconds of frames with music.
    pub music_s: f64,
    /// Mean of the brightest channel (0..=255).
    pub mean: f64,
    /// 95th percentile of the brightest channel (0..=255).
    pub p95: f64,
    /// Share of the frames with music that are dark.
    pub dark: f64,
    /// Correlation of the total light with the music at the best lag.
    pub follows: f64,
    /// Which envelope it follows best.
    pub envelope: Envelope,
    /// The best lag, in seconds.
    pub lag_s: f64,
}

/// Every pattern over one clip.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipLight {
    /// The clip's name.
    pub clip: String,
    /// One entry per pattern measured.
    pub patterns: Vec<PatternLight>,
}

/// Whether the floors apply to `pattern`: all of them to the audio-reactive patterns; the light
/// floors, not `follows`, to the still ones; none to the self test (black a fifth of the time by
/// design).
pub fn floors_apply(pattern: PatternId) -> (bool, bool) {
    match pattern {
        PatternId::SelfTest => (false, false),
        p => (true, p.info().audio_reactive),
    }
}

/// Where `m` falls short of the light floors of `floors` on its clip (empty when it meets them,
/// or is not held to them); `follows` is judged over the clips, in [`Summary::misses`].
pub fn misses(m: &PatternLight, floors: &Floors) -> Vec<String> {
    let (light, _) = floors_apply(m.pattern);
    let mut out = Vec::new();
    if m.music_s < MIN_MUSIC_S || !light {
        return out;
    }
    if m.mean < floors.mean {
        out.push(format!("mean {:.0} < {:.0}", m.mean, floors.mean));
    }
    if m.p95 < floors.p95 {
        out.push(format!("p95 {:.0} < {:.0}", m.p95, floors.p95));
    }
    if m.dark > floors.dark {
        out.push(format!(
            "dark {:.0} % > {:.0} %",
            100.0 * m.dark,
            100.0 * floors.dark
        ));
    }
    out
}

/// What the music was at one frame: playing (not silent), VU, onset envelope.
#[derive(Clone, Copy, Debug, Default)]
struct Music {
    playing: bool,
    vu: f64,
    onset: f64,
}

/// Per frame: what the music was and what each pattern showed.
struct Meter {
    clocks: Vec<FrameClock>,
    /// Seconds per hop.
    hop_s: f64,
    /// The music as the newest snapshot has it.
    current: Music,
    music: Vec<Music>,
    brightest: Vec<Vec<f64>>,
    total: Vec<Vec<f64>>,
}

impl HopObserver for Meter {
    fn hop(&mut self, time: f64, snapshot: &Snapshot) -> std::io::Result<()> {
        // Frames before the end of this hop saw the previous snapshot.
        for ((clock, brightest), total) in self
            .clocks
            .iter_mut()
            .zip(self.brightest.iter_mut())
            .zip(self.total.iter_mut())
        {
            clock.catch_up(time, |_, bytes| {
                let top = bytes.iter().map(|b| b.r.max(b.g).max(b.b)).max();
                let duty = f64::from(top.unwrap_or(0)) / 255.0;
                brightest.push(f64::from(crate::picture::srgb(duty)));
                let sum: u64 = bytes
                    .iter()
                    .map(|b| u64::from(b.r) + u64::from(b.g) + u64::from(b.b))
                    .sum();
                total.push(sum as f64);
            });
            clock.set_latest(snapshot);
        }
        let due = self.brightest.first().map_or(0, Vec::len);
        self.music.resize(due, self.current);
        let finite = |v: f32| if v.is_finite() { f64::from(v) } else { 0.0 };
        let release = (-self.hop_s / ONSET_RELEASE_S).exp();
        self.current = Music {
            playing: !snapshot.silent,
            vu: finite(snapshot.vu),
            onset: finite(snapshot.novelty).max(self.current.onset * release),
        };
        Ok(())
    }
}

impl Meter {
    /// The measures of pattern `k`.
    fn score(&self, k: usize, pattern: PatternId, fps: f64) -> PatternLight {
        let playing: Vec<bool> = self.music.iter().map(|m| m.playing).collect();
        let lit: Vec<f64> = self.brightest[k]
            .iter()
            .zip(&playing)
            .filter(|p| *p.1)
            .map(|p| *p.0)
            .collect();
        let dark = lit.iter().filter(|&&v| v <= f64::from(DARK_LEVEL)).count();
        let max_lag = (MAX_LAG_S * fps).round() as usize;
        let light = &self.total[k];
        let vu: Vec<f64> = self.music.iter().map(|m| m.vu).collect();
        let onset: Vec<f64> = self.music.iter().map(|m| m.onset).collect();
        let by_vu = stats::best_lag(light, &vu, &playing, max_lag);
        let by_onset = stats::best_lag(light, &onset, &playing, max_lag);
        let (envelope, (follows, lag)) = if by_onset.0 > by_vu.0 {
            (Envelope::Onset, by_onset)
        } else {
            (Envelope::Vu, by_vu)
        };
        PatternLight {
            pattern,
            music_s: lit.len() as f64 / fps,
            mean: stats::mean(&lit),
            p95: stats::percentile(&lit, 95.0),
            dark: dark as f64 / lit.len().max(1) as f64,
            follows,
            envelope,
            lag_s: lag as f64 / fps,
        }
    }
}

/// Runs all of `source` through `analyzer` once and every one of `patterns` over it, on
/// `layout` with `params` at `fps` frames a second; one entry per pattern, in order.
pub fn measure<S: Source + Send + ?Sized>(
    source: &mut S,
    analyzer: &mut Analyzer,
    patterns: &[PatternId],
    layout: Layout,
    params: Params,
    fps: f64,
) -> Result<Vec<PatternLight>, AnalyzeError> {
    let config = analyzer.config();
    let mut meter = Meter {
        clocks: patterns
            .iter()
            .map(|&p| FrameClock::new(layout, p, params, fps))
            .collect(),
        hop_s: config.hop as f64 / f64::from(config.sample_rate.max(1)),
        current: Music::default(),
        music: Vec::new(),
        brightest: vec![Vec::new(); patterns.len()],
        total: vec![Vec::new(); patterns.len()],
    };
    analyze::run(source, analyzer, &mut meter)?;
    Ok(patterns
        .iter()
        .enumerate()
        .map(|(k, &p)| meter.score(k, p, fps))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn light(pattern: PatternId, mean: f64, p95: f64, dark: f64, follows: f64) -> PatternLight {
        PatternLight {
            pattern,
            music_s: 30.0,
            mean,
            p95,
            dark,
            follows,
            envelope: Envelope::Vu,
            lag_s: 0.0,
        }
    }

    #[test]
    fn the_floors_catch_a_dark_pattern_and_pass_a_lit_one() {
        // Tempiscope as it was: black after a moment.
        let dark = light(PatternId::Tempiscope, 17.0, 21.0, 0.96, 0.10);
        assert_eq!(
            misses(&dark, &FLOORS).len(),
            3,
            "{:?}",
            misses(&dark, &FLOORS)
        );
        let lit = light(PatternId::Tempiscope, 120.0, 190.0, 0.0, 0.3);
        assert!(misses(&lit, &FLOORS).is_empty());
        // Too little music to judge, and the self test is never held.
        let short = PatternLight {
            music_s: 3.0,
            ..dark.clone()
        };
        assert!(misses(&short, &FLOORS).is_empty());
        assert!(misses(&light(PatternId::SelfTest, 0.0, 0.0, 1.0, 0.0), &FLOORS).is_empty());
        // Over the clips: one dark clip and a weak correlation are both reported.
        let clips = [
            ClipLight {
                clip: "a".into(),
                patterns: vec![lit.clone()],
            },
            ClipLight {
                clip: "b".into(),
                patterns: vec![PatternLight {
                    follows: 0.0,
                    ..dark
                }],
            },
        ];
        let short = shortfalls(&clips);
        assert!(
            short.iter().any(|s| s.1.contains("1 of 2 clips"))
                && short.iter().any(|s| s.1.starts_with("follows 0.15"))
                && short.iter().any(|s| s.1.starts_with("on b: mean 17")),
            "{short:?}"
        );
        // A still pattern is not held to follow the music.
        let still = light(PatternId::Lava, 237.0, 237.0, 0.0, 0.01);
        let clips = [ClipLight {
            clip: "a".into(),
            patterns: vec![still],
        }];
        assert!(shortfalls(&clips).is_empty());
    }
}
