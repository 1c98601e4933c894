//! The light report's tables: every pattern on every clip, and one row per pattern.

use core::fmt::Write;

use k1_core::render::PatternId;

use super::{ClipLight, Envelope, FLOORS, Floors, MIN_MUSIC_S, PatternLight, misses};

/// One pattern over every clip held to the floors.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The pattern.
    pub pattern: PatternId,
    /// Clips counted (with at least [`MIN_MUSIC_S`] of music).
    pub clips: usize,
    /// Clips that meet every light floor that applies.
    pub passing: usize,
    /// Mean over the clips of the mean brightest channel.
    pub mean: f64,
    /// Mean over the clips of the 95th percentile.
    pub p95: f64,
    /// The worst clip's dark share.
    pub worst_dark: f64,
    /// Mean over the clips of the correlation with the music.
    pub follows: f64,
    /// The worst clip's correlation.
    pub worst_follows: f64,
}

impl Summary {
    /// Where the pattern falls short of `floors` over the clips: clips that miss a light floor,
    /// and the mean correlation with the music.
    pub fn misses(&self, floors: &Floors) -> Vec<String> {
        let mut out = Vec::new();
        if self.passing < self.clips {
            out.push(format!(
                "{} of {} clips short of the light floors",
                self.clips - self.passing,
                self.clips
            ));
        }
        if super::floors_apply(self.pattern).1 && self.follows < floors.follows {
            out.push(format!(
                "follows {:.2} < {:.2}",
                self.follows, floors.follows
            ));
        }
        out
    }
}

/// Every shortfall of `clips` against [`FLOORS`]: per pattern, its [`Summary::misses`], then
/// each clip's [`misses`], as `(pattern, what)`.
pub fn shortfalls(clips: &[ClipLight]) -> Vec<(PatternId, String)> {
    let mut out = Vec::new();
    for (k, s) in summarise(clips).iter().enumerate() {
        for miss in s.misses(&FLOORS) {
            out.push((s.pattern, miss));
        }
        for clip in clips {
            let Some(m) = clip.patterns.get(k) else {
                continue;
            };
            let miss = misses(m, &FLOORS);
            if !miss.is_empty() {
                out.push((s.pattern, format!("on {}: {}", clip.clip, miss.join(", "))));
            }
        }
    }
    out
}

/// One [`Summary`] per pattern, in the order of the first clip.
pub fn summarise(clips: &[ClipLight]) -> Vec<Summary> {
    let Some(first) = clips.first() else {
        return Vec::new();
    };
    first
        .patterns
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let held: Vec<&PatternLight> = clips
                .iter()
                .filter_map(|c| c.patterns.get(k))
                .filter(|m| m.music_s >= MIN_MUSIC_S)
                .collect();
            let n = held.len().max(1) as f64;
            let sum = |f: fn(&PatternLight) -> f64| held.iter().map(|m| f(m)).sum::<f64>() / n;
            Summary {
                pattern: p.pattern,
                clips: held.len(),
                passing: held
                    .iter()
                    .filter(|m| misses(m, &FLOORS).is_empty())
                    .count(),
                mean: sum(|m| m.mean),
                p95: sum(|m| m.p95),
                worst_dark: held.iter().map(|m| m.dark).fold(0.0, f64::max),
                follows: sum(|m| m.follows),
                worst_follows: held.iter().map(|m| m.follows).fold(1.0, f64::min),
            }
        })
        .collect()
}

/// Appends one Markdown table row of `cells`.
fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// The one-row-per-pattern table (Markdown), as the README shows it.
pub fn summary_table(summaries: &[Summary]) -> String {
    let f = FLOORS;
    let mut out = format!(
        "| pattern | mean | p95 | worst dark | follows (mean / worst) | clips passing |\n\
         |---|---|---|---|---|---|\n\
         | *floor* | *≥ {:.0}* | *≥ {:.0}* | *≤ {:.0} % each* | *mean ≥ {:.2}* | |\n",
        f.mean,
        f.p95,
        100.0 * f.dark,
        f.follows
    );
    for s in summaries {
        let (_, follows) = super::floors_apply(s.pattern);
        let follows_note = if follows { "" } else { " (not held)" };
        row(
            &mut out,
            &[
                s.pattern.info().id.to_string(),
                format!("{:.0}", s.mean),
                format!("{:.0}", s.p95),
                format!("{:.1} %", 100.0 * s.worst_dark),
                format!("{:.2} / {:.2}{follows_note}", s.follows, s.worst_follows),
                format!("{} / {}", s.passing, s.clips),
            ],
        );
    }
    out
}

/// Every pattern on every clip (Markdown), with what falls short of the floors.
pub fn clip_table(clips: &[ClipLight]) -> String {
    let mut out = String::from(
        "| pattern | clip | music s | mean | p95 | dark | follows | short of the floors |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let patterns = clips.first().map_or(0, |c| c.patterns.len());
    for k in 0..patterns {
        for clip in clips {
            let Some(m) = clip.patterns.get(k) else {
                continue;
            };
            let env = match m.envelope {
                Envelope::Vu => "VU",
                Envelope::Onset => "onsets",
            };
            let short = if m.music_s < MIN_MUSIC_S {
                "(too little music to judge)".to_string()
            } else {
                misses(m, &FLOORS).join(", ")
            };
            row(
                &mut out,
                &[
                    m.pattern.info().id.to_string(),
                    clip.clip.clone(),
                    format!("{:.1}", m.music_s),
                    format!("{:.0}", m.mean),
                    format!("{:.0}", m.p95),
                    format!("{:.1} %", 100.0 * m.dark),
                    format!("{:.2} ({env}, {:.0} ms)", m.follows, 1000.0 * m.lag_s),
                    short,
                ],
            );
        }
    }
    out
}
