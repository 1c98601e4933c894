//! The fixed sets of grooves for tuning and validating K1's beat tracker: [`groove_set`].
//!
//! **Tune only on [`Part::Tuning`]; report [`Part::Validation`].**
//!
//! Both parts hold every [`Groove`]: two steady cases each (30 s), plus 11 arranged cases (40 s):
//! two abrupt tempo jumps, three tempo ramps, two quiet intros (−30 dB for the first seconds), two
//! drumless intros and two drops after a 4-bar breakdown. Roughly one case in three is played
//! with [`Feel::HUMAN`] timing and velocities.
//!
//! The split is fixed in code, with nothing random at call time, and the parts share nothing but
//! the grooves:
//!
//! - tempos are taken at fixed fractions of each groove's [`Groove::tempo_range`] (rounded to
//!   0.1 BPM): the steady cases at 0.10 and 0.70 for tuning, 0.35 and 0.90 for validation; the
//!   arranged cases start at 0.40 for tuning and 0.60 for validation, and jumps and ramps end
//!   elsewhere in the range; so no groove starts at the same tempo in both parts;
//! - peaks are −6, −20 and −35 dBFS for tuning, −9, −24 and −38 dBFS for validation;
//! - seeds are 1000 + case number for tuning, 5000 + case number for validation;
//! - the arranged cases use different grooves in each part where there are enough.

use crate::{Feel, Form, Groove, GrooveClip, GrooveSong, Tempo, render_groove};

/// Which half of the groove set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The cases to tune on.
    Tuning,
    /// The held-out cases to report; never tune on them.
    Validation,
}

/// What a case tests beyond its groove.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseKind {
    /// One tempo, the groove throughout.
    Steady,
    /// An abrupt tempo change at a bar line.
    TempoJump,
    /// A gradual tempo change (linear in time); the beats integrate it.
    TempoRamp,
    /// The first seconds 30 dB quieter.
    QuietIntro,
    /// The first seconds without drums.
    DrumsOutIntro,
    /// Groove, a breakdown of pads only, then the drop.
    Drop,
}

/// One case of the set: a name, the song that renders it, and what it tests.
#[derive(Clone, Debug, PartialEq)]
pub struct GrooveCase {
    /// Unique and descriptive, e.g. `tuning_03_trap_steady_132.0bpm_-35dB_s1003`.
    pub name: String,
    /// The piece.
    pub song: GrooveSong,
    /// What it tests.
    pub kind: CaseKind,
}

impl GrooveCase {
    /// Renders the case at `sample_rate`: samples with their beats, onsets and tempo per beat.
    pub fn render(&self, sample_rate: u32) -> GrooveClip {
        render_groove(&self.song, sample_rate)
    }

    /// The tempo at beat 1, beats per minute.
    pub const fn bpm(&self) -> f32 {
        self.song.tempo.start_bpm()
    }
}

/// The settings that tell the parts apart.
struct Split {
    label: &'static str,
    /// Fractions of the tempo range: two steady cases, then the arranged cases.
    tempo_at: [f32; 3],
    peaks_dbfs: [f32; 3],
    seed_base: u64,
    /// Arranged cases: groove, kind, and for jumps and ramps the fraction of the tempo range
    /// they end at.
    arranged: [(Groove, CaseKind, f32); 11],
    /// Length of the quiet or drumless intro, seconds.
    intro_s: f32,
}

const TUNING: Split = Split {
    label: "tuning",
    tempo_at: [0.10, 0.70, 0.40],
    peaks_dbfs: [-6.0, -20.0, -35.0],
    seed_base: 1000,
    arranged: [
        (Groove::House, CaseKind::TempoJump, 0.95),
        (Groove::Shuffle, CaseKind::TempoJump, 0.05),
        (Groove::House, CaseKind::TempoRamp, 1.0),
        (Groove::JazzSwing, CaseKind::TempoRamp, 0.15),
        (Groove::Ballad, CaseKind::TempoRamp, 0.0),
        (Groove::DrumAndBass, CaseKind::QuietIntro, 1.0),
        (Groove::BossaNova, CaseKind::QuietIntro, 1.0),
        (Groove::TwelveEight, CaseKind::DrumsOutIntro, 1.0),
        (Groove::Trap, CaseKind::DrumsOutIntro, 1.0),
        (Groove::House, CaseKind::Drop, 1.0),
        (Groove::Trap, CaseKind::Drop, 1.0),
    ],
    intro_s: 6.0,
};

const VALIDATION: Split = Split {
    label: "validation",
    tempo_at: [0.35, 0.90, 0.60],
    peaks_dbfs: [-9.0, -24.0, -38.0],
    seed_base: 5000,
    arranged: [
        (Groove::TwoStep, CaseKind::TempoJump, 0.05),
        (Groove::OneDrop, CaseKind::TempoJump, 0.15),
        (Groove::SonClave, CaseKind::TempoRamp, 1.0),
        (Groove::Shuffle, CaseKind::TempoRamp, 0.0),
        (Groove::Ballad, CaseKind::TempoRamp, 0.95),
        (Groove::Samba, CaseKind::QuietIntro, 1.0),
        (Groove::HalfTime, CaseKind::QuietIntro, 1.0),
        (Groove::SixEight, CaseKind::DrumsOutIntro, 1.0),
        (Groove::Amen, CaseKind::DrumsOutIntro, 1.0),
        (Groove::DrumAndBass, CaseKind::Drop, 1.0),
        (Groove::TwoStep, CaseKind::Drop, 1.0),
    ],
    intro_s: 5.0,
};

/// Length of a steady case, seconds.
const STEADY_S: f32 = 30.0;
/// Length of an arranged case, seconds.
const ARRANGED_S: f32 = 40.0;

/// The cases of `part`, in a fixed order: the steady cases groove by groove, then the arranged
/// ones. The same call always gives the same list.
pub fn groove_set(part: Part) -> Vec<GrooveCase> {
    let split = match part {
        Part::Tuning => &TUNING,
        Part::Validation => &VALIDATION,
    };
    let mut cases = Vec::new();
    for (g, groove) in Groove::ALL.into_iter().enumerate() {
        for (k, &at) in split.tempo_at[..2].iter().enumerate() {
            let human = (g + k) % 3 == 0;
            let song = GrooveSong {
                tempo: Tempo::Constant(tempo_at(groove, at)),
                seconds: STEADY_S,
                ..base(split, cases.len(), groove, human)
            };
            cases.push(case(split, cases.len(), song, CaseKind::Steady));
        }
    }
    for (a, &(groove, kind, end_at)) in split.arranged.iter().enumerate() {
        let from = tempo_at(groove, split.tempo_at[2]);
        let to = tempo_at(groove, end_at);
        let song = GrooveSong {
            tempo: arranged_tempo(groove, kind, from, to),
            seconds: ARRANGED_S,
            form: form(kind, split.intro_s),
            ..base(split, cases.len(), groove, a % 3 == 1)
        };
        cases.push(case(split, cases.len(), song, kind));
    }
    cases
}

/// Tempo at fraction `at` of the groove's range, rounded to 0.1 BPM.
fn tempo_at(groove: Groove, at: f32) -> f32 {
    let (lo, hi) = groove.tempo_range();
    ((lo + at * (hi - lo)) * 10.0).round() / 10.0
}

/// Case `index`'s seed, level, beat 1 and feel (a steady 30 s song at 120 BPM until changed).
fn base(split: &Split, index: usize, groove: Groove, human: bool) -> GrooveSong {
    let peaks = split.peaks_dbfs;
    GrooveSong {
        seed: split.seed_base + index as u64,
        peak_dbfs: peaks[index % peaks.len()],
        // 0.1 to 0.91 s, in a fixed scrambled order.
        first_beat: 0.1 + 0.09 * ((index * 7) % 10) as f32,
        feel: if human { Feel::HUMAN } else { Feel::TIGHT },
        ..GrooveSong::new(groove, 120.0)
    }
}

/// A jump from `from` to `to` about 45 % into the clip, or a ramp from about 25 % of the way
/// lasting about 40 % of the clip (counted at `from`), at bar lines; `from` throughout otherwise.
fn arranged_tempo(groove: Groove, kind: CaseKind, from: f32, to: f32) -> Tempo {
    let per_bar = groove.beats_per_bar();
    let bar_s = per_bar as f32 * 60.0 / from;
    let bars_in = |fraction: f32| ((fraction * ARRANGED_S / bar_s) as u32).max(1);
    match kind {
        CaseKind::TempoJump => Tempo::Jump {
            from,
            to,
            at_beat: bars_in(0.45) * per_bar,
        },
        CaseKind::TempoRamp => Tempo::Ramp {
            from,
            to,
            start_beat: bars_in(0.25) * per_bar,
            beats: bars_in(0.4) * per_bar,
        },
        _ => Tempo::Constant(from),
    }
}

/// The form of an arranged case.
fn form(kind: CaseKind, intro_s: f32) -> Form {
    match kind {
        CaseKind::QuietIntro => Form::QuietIntro {
            seconds: intro_s,
            db: -30.0,
        },
        CaseKind::DrumsOutIntro => Form::DrumsOutIntro {
            seconds: intro_s + 2.0,
        },
        CaseKind::Drop => Form::Drop {
            groove_bars: 8,
            breakdown_bars: 4,
        },
        _ => Form::Full,
    }
}

/// The case, named from its settings.
fn case(split: &Split, index: usize, song: GrooveSong, kind: CaseKind) -> GrooveCase {
    let kind_name = match kind {
        CaseKind::Steady => "steady",
        CaseKind::TempoJump => "jump",
        CaseKind::TempoRamp => "ramp",
        CaseKind::QuietIntro => "quiet_intro",
        CaseKind::DrumsOutIntro => "drums_out_intro",
        CaseKind::Drop => "drop",
    };
    let human = if song.feel == Feel::HUMAN {
        "_human"
    } else {
        ""
    };
    let name = format!(
        "{}_{index:02}_{}_{kind_name}_{:.1}bpm_{}dB_s{}{human}",
        split.label,
        song.groove.name(),
        song.tempo.start_bpm(),
        song.peak_dbfs,
        song.seed,
    );
    GrooveCase { name, song, kind }
}
