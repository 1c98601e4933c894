//! `k1 eval`'s scores: one [`ClipResult`] per clip from its analysis and truth, the [`Summary`]
//! over them, and the two ways to print them (an aligned table, or one JSON object).

use std::io::Write;

use k1_eval::{
    BeatScores, F_MEASURE_WINDOW, ONSET_WINDOW, OnsetScores, TEMPO_TOLERANCE, clean_times,
    f_measure, onset_scores, score_beats, tempo_accuracy,
};
use k1_offline::report::Report;
use serde::Serialize;

use super::eval::{Clip, Truth};

/// How many consecutive estimated beats must each be near a reference beat for the tracker to
/// count as locked.
pub const LOCK_BEATS: usize = 4;

/// Shown where a score does not apply.
const NONE: &str = "–";

/// One clip's scores (the `clips` entries of `k1 eval --json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClipResult {
    /// The clip's name: its path below the PATH argument, without the extension.
    pub name: String,
    /// The audio file.
    pub path: String,
    /// Length of the audio in seconds.
    pub duration_s: f64,
    /// K1's global tempo (as `k1 analyze` reports it), `None` when it found no pulse.
    pub bpm: Option<f64>,
    /// The reference tempo: the `.bpm` file, else 60 / the median reference beat interval.
    pub ref_bpm: f64,
    /// Tempo Accuracy 1 (within 4 %); `None` when the reference tempo is 0.
    pub acc1: Option<bool>,
    /// Tempo Accuracy 2 (also at ×2, ×½, ×3, ×⅓); `None` when the reference tempo is 0.
    pub acc2: Option<bool>,
    /// False when the clip has no pulse: an empty `.beats` (or, with no `.beats`, a `.bpm` of 0).
    pub pulse: bool,
    /// Every beat metric with the first `--skip` seconds trimmed; `None` without reference beats.
    pub beats: Option<BeatScores>,
    /// Beat F-measure with nothing trimmed; `None` without reference beats.
    pub f_measure_all: Option<f64>,
    /// When the tracker locked (see [`lock_time`]), in seconds; `None` if it never did.
    pub lock_s: Option<f64>,
    /// Beats K1 reported over the whole clip.
    pub beats_reported: usize,
    /// `beats_reported` per minute of audio.
    pub beats_per_minute: f64,
    /// Onset scores at ±50 ms; `None` without a `.onsets` file.
    pub onsets: Option<OnsetScores>,
}

/// The scores over all clips (the `summary` of `k1 eval --json`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Clips evaluated.
    pub clips: usize,
    /// Clips with a pulse.
    pub pulse_clips: usize,
    /// Mean beat F (first `--skip` seconds trimmed) over the clips with a pulse and beats.
    pub mean_f: Option<f64>,
    /// Mean beat F with nothing trimmed, over the same clips.
    pub mean_f_all: Option<f64>,
    /// The lowest beat F (trimmed) over the same clips.
    pub min_f: Option<f64>,
    /// Clips with a pulse and Accuracy 1 right.
    pub acc1: usize,
    /// Clips with a pulse and Accuracy 2 right.
    pub acc2: usize,
    /// Clips with a pulse and a reference tempo above 0: what `acc1` and `acc2` count out of.
    pub tempo_clips: usize,
    /// Clips with a `.onsets` file, pulse or not.
    pub onset_clips: usize,
    /// Mean onset F over the clips with a `.onsets` file.
    pub mean_onset_f: Option<f64>,
    /// Mean onset recall over the same clips.
    pub mean_onset_recall: Option<f64>,
    /// The median of the clips' median signed onset errors, in seconds (positive: late).
    pub median_onset_error_s: Option<f64>,
    /// The most beats per minute K1 reported on a clip with no pulse.
    pub no_pulse_max_beats_per_minute: Option<f64>,
}

/// Scores one analysed clip against its truth, trimming beats before `skip` seconds for the
/// beat metrics (not for `f_measure_all` and the lock time).
pub fn score(clip: &Clip, report: &Report, truth: &Truth, skip: f64) -> ClipResult {
    let ref_bpm = truth
        .bpm
        .or_else(|| truth.beats.as_deref().and_then(bpm_of_beats))
        .unwrap_or(0.0);
    let pulse = match &truth.beats {
        Some(beats) => !beats.is_empty(),
        None => ref_bpm > 0.0,
    };
    let (acc1, acc2) = if ref_bpm > 0.0 {
        let (acc1, acc2) = tempo_accuracy(ref_bpm, report.bpm.unwrap_or(0.0), TEMPO_TOLERANCE);
        (Some(acc1), Some(acc2))
    } else {
        (None, None)
    };
    let reference = truth.beats.as_deref().filter(|b| !b.is_empty());
    let estimated = &report.beats;
    let minutes = report.duration / 60.0;
    ClipResult {
        name: clip.name.clone(),
        path: clip.path.display().to_string(),
        duration_s: report.duration,
        bpm: report.bpm,
        ref_bpm,
        acc1,
        acc2,
        pulse,
        beats: reference.map(|r| score_beats(r, estimated, skip)),
        f_measure_all: reference.map(|r| f_measure(r, estimated, F_MEASURE_WINDOW)),
        lock_s: reference.and_then(|r| lock_time(r, estimated, F_MEASURE_WINDOW)),
        beats_reported: estimated.len(),
        beats_per_minute: if minutes > 0.0 {
            estimated.len() as f64 / minutes
        } else {
            0.0
        },
        onsets: truth
            .onsets
            .as_deref()
            .map(|o| onset_scores(o, &report.onsets, ONSET_WINDOW)),
    }
}

/// 60 / the median interval of `beats`, or `None` with fewer than two distinct beats.
fn bpm_of_beats(beats: &[f64]) -> Option<f64> {
    let beats = clean_times(beats);
    let intervals: Vec<f64> = beats.windows(2).map(|w| w[1] - w[0]).collect();
    median(intervals).filter(|&i| i > 0.0).map(|i| 60.0 / i)
}

/// The time of the first estimated beat from which [`LOCK_BEATS`] consecutive estimated beats
/// each lie within ±`window` of some reference beat (the window test as mir_eval's: `e - window
/// <= r <= e + window`), or `None` if that never happens.
pub fn lock_time(reference: &[f64], estimated: &[f64], window: f64) -> Option<f64> {
    let reference = clean_times(reference);
    let estimated = clean_times(estimated);
    let near = |e: f64| {
        let first = reference.partition_point(|&r| r < e - window);
        reference.get(first).is_some_and(|&r| r <= e + window)
    };
    let mut run = 0;
    for (i, &e) in estimated.iter().enumerate() {
        run = if near(e) { run + 1 } else { 0 };
        if run == LOCK_BEATS {
            return estimated.get(i + 1 - LOCK_BEATS).copied();
        }
    }
    None
}

/// The median of `values` (the mean of the middle two for an even count), `None` for none.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The mean of `values`, `None` for none.
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

impl Summary {
    /// The summary over `clips`.
    pub fn of(clips: &[ClipResult]) -> Self {
        let pulse: Vec<&ClipResult> = clips.iter().filter(|c| c.pulse).collect();
        let scored: Vec<&ClipResult> = pulse
            .iter()
            .copied()
            .filter(|c| c.beats.is_some())
            .collect();
        let f: Vec<f64> = scored
            .iter()
            .filter_map(|c| c.beats.map(|b| b.f_measure))
            .collect();
        let f_all: Vec<f64> = scored.iter().filter_map(|c| c.f_measure_all).collect();
        let onsets: Vec<OnsetScores> = clips.iter().filter_map(|c| c.onsets).collect();
        let onset_f: Vec<f64> = onsets.iter().map(|o| o.f_measure).collect();
        let onset_r: Vec<f64> = onsets.iter().map(|o| o.recall).collect();
        let errors = onsets
            .iter()
            .filter_map(|o| o.median_signed_error)
            .collect();
        Self {
            clips: clips.len(),
            pulse_clips: pulse.len(),
            mean_f: mean(&f),
            mean_f_all: mean(&f_all),
            min_f: f.iter().copied().min_by(f64::total_cmp),
            acc1: pulse.iter().filter(|c| c.acc1 == Some(true)).count(),
            acc2: pulse.iter().filter(|c| c.acc2 == Some(true)).count(),
            tempo_clips: pulse.iter().filter(|c| c.acc1.is_some()).count(),
            onset_clips: onsets.len(),
            mean_onset_f: mean(&onset_f),
            mean_onset_recall: mean(&onset_r),
            median_onset_error_s: median(errors),
            no_pulse_max_beats_per_minute: clips
                .iter()
                .filter(|c| !c.pulse)
                .map(|c| c.beats_per_minute)
                .max_by(f64::total_cmp),
        }
    }
}

/// Writes `{"clips": [...], "summary": {...}}` and a newline.
pub fn write_json<W: Write>(
    mut w: W,
    clips: &[ClipResult],
    summary: &Summary,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Output<'a> {
        clips: &'a [ClipResult],
        summary: &'a Summary,
    }
    serde_json::to_writer_pretty(&mut w, &Output { clips, summary })?;
    writeln!(w)?;
    w.flush()
}

/// The table's columns: header, and whether it is left-aligned.
const COLUMNS: [(&str, bool); 14] = [
    ("clip", true),
    ("ref BPM", false),
    ("K1 BPM", false),
    ("Acc1", false),
    ("Acc2", false),
    ("F", false),
    ("F all", false),
    ("CMLt", false),
    ("AMLt", false),
    ("lock s", false),
    ("beats/min", false),
    ("onset F", false),
    ("onset R", false),
    ("onset ms", false),
];

/// `value` formatted by `f`, or [`NONE`].
fn or_none<T>(value: Option<T>, f: impl Fn(T) -> String) -> String {
    value.map(f).unwrap_or_else(|| NONE.to_string())
}

fn yes_no(b: bool) -> String {
    (if b { "yes" } else { "no" }).to_string()
}

fn score3(x: f64) -> String {
    format!("{x:.3}")
}

/// A signed time in seconds as milliseconds with one decimal and a sign.
fn signed_ms(seconds: f64) -> String {
    format!("{:+.1}", seconds * 1000.0)
}

/// One table row of `c`.
fn row(c: &ClipResult) -> [String; 14] {
    [
        c.name.clone(),
        if c.ref_bpm > 0.0 {
            format!("{:.1}", c.ref_bpm)
        } else {
            "0".to_string()
        },
        or_none(c.bpm, |bpm| format!("{bpm:.1}")),
        or_none(c.acc1, yes_no),
        or_none(c.acc2, yes_no),
        or_none(c.beats.map(|b| b.f_measure), score3),
        or_none(c.f_measure_all, score3),
        or_none(c.beats.map(|b| b.cmlt), score3),
        or_none(c.beats.map(|b| b.amlt), score3),
        or_none(c.lock_s, |t| format!("{t:.2}")),
        format!("{:.1}", c.beats_per_minute),
        or_none(c.onsets.map(|o| o.f_measure), score3),
        or_none(c.onsets.map(|o| o.recall), score3),
        or_none(c.onsets.and_then(|o| o.median_signed_error), signed_ms),
    ]
}

/// Writes the aligned per-clip table and the summary beneath it.
pub fn write_table<W: Write>(
    mut w: W,
    clips: &[ClipResult],
    summary: &Summary,
    skip: f64,
) -> std::io::Result<()> {
    let header: [String; 14] = COLUMNS.map(|(h, _)| h.to_string());
    let rows: Vec<[String; 14]> = clips.iter().map(row).collect();
    let mut widths = [0usize; 14];
    for r in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(r) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for r in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = r
            .iter()
            .zip(widths)
            .zip(COLUMNS)
            .map(|((cell, width), (_, left))| {
                if left {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        writeln!(w, "{}", cells.join("  ").trim_end())?;
    }
    writeln!(w)?;
    write_summary(&mut w, clips, summary, skip)?;
    w.flush()
}

/// The summary lines under the table.
fn write_summary<W: Write>(
    w: &mut W,
    clips: &[ClipResult],
    s: &Summary,
    skip: f64,
) -> std::io::Result<()> {
    let f3 = |x: Option<f64>| or_none(x, score3);
    writeln!(w, "clips: {}, {} with a pulse", s.clips, s.pulse_clips)?;
    if s.mean_f.is_some() {
        let weakest = clips
            .iter()
            .filter(|c| c.pulse)
            .filter_map(|c| c.beats.map(|b| (b.f_measure, c.name.as_str())))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| format!(" ({name})"))
            .unwrap_or_default();
        writeln!(
            w,
            "beat F (first {skip} s skipped): mean {}, min {}{weakest}; nothing skipped: mean {}",
            f3(s.mean_f),
            f3(s.min_f),
            f3(s.mean_f_all),
        )?;
    }
    if s.tempo_clips > 0 {
        writeln!(
            w,
            "tempo: Acc1 {}/{}, Acc2 {}/{}",
            s.acc1, s.tempo_clips, s.acc2, s.tempo_clips
        )?;
    }
    if s.onset_clips > 0 {
        writeln!(
            w,
            "onsets ({} clip{}): mean F {}, mean recall {}, median error {} ms",
            s.onset_clips,
            if s.onset_clips == 1 { "" } else { "s" },
            f3(s.mean_onset_f),
            f3(s.mean_onset_recall),
            or_none(s.median_onset_error_s, signed_ms),
        )?;
    }
    let no_pulse: Vec<String> = clips
        .iter()
        .filter(|c| !c.pulse)
        .map(|c| {
            format!(
                "{} {} beats ({:.1}/min)",
                c.name, c.beats_reported, c.beats_per_minute
            )
        })
        .collect();
    if !no_pulse.is_empty() {
        writeln!(w, "no pulse (every beat is false): {}", no_pulse.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_needs_four_beats_in_a_row() {
        let reference: Vec<f64> = (0..20).map(|i| f64::from(i) * 0.5).collect();
        // Off by 0.2 s for the first three beats, then on (within 70 ms) from 1.5 s.
        let mut estimated: Vec<f64> = reference.iter().map(|t| t + 0.03).collect();
        for e in &mut estimated[..3] {
            *e += 0.2;
        }
        estimated[5] += 0.1; // 2.5 s is off, so the run starting at 1.5 s breaks.
        let lock = lock_time(&reference, &estimated, 0.07).unwrap();
        assert!((lock - 3.03).abs() < 1e-9, "{lock}");
        assert_eq!(lock_time(&reference, &reference, 0.07), Some(0.0));
        assert_eq!(lock_time(&reference, &estimated[..5], 0.07), None);
        assert_eq!(lock_time(&[], &reference, 0.07), None);
    }

    #[test]
    fn a_reference_tempo_from_the_beats() {
        assert_eq!(bpm_of_beats(&[0.0, 0.5, 1.0, 1.6]), Some(120.0));
        assert_eq!(bpm_of_beats(&[1.0]), None);
        assert_eq!(median(vec![3.0, 1.0]), Some(2.0));
    }

    fn clip(name: &str, pulse: bool, f: Option<f64>, bpm_ok: Option<bool>) -> ClipResult {
        let beats = f.map(|f| {
            let mut b = score_beats(&[6.0, 7.0], &[6.0, 7.0], 5.0);
            b.f_measure = f;
            b
        });
        ClipResult {
            name: name.into(),
            path: format!("{name}.wav"),
            duration_s: 60.0,
            bpm: Some(120.0),
            ref_bpm: if pulse { 120.0 } else { 0.0 },
            acc1: bpm_ok,
            acc2: bpm_ok,
            pulse,
            beats,
            f_measure_all: f,
            lock_s: None,
            beats_reported: 30,
            beats_per_minute: 30.0,
            onsets: None,
        }
    }

    #[test]
    fn the_summary_counts_pulse_clips_only() {
        let clips = [
            clip("a", true, Some(1.0), Some(true)),
            clip("b", true, Some(0.5), Some(false)),
            clip("n", false, None, None),
        ];
        let s = Summary::of(&clips);
        assert_eq!((s.clips, s.pulse_clips, s.tempo_clips), (3, 2, 2));
        assert_eq!((s.mean_f, s.min_f), (Some(0.75), Some(0.5)));
        assert_eq!((s.acc1, s.acc2), (1, 1));
        assert_eq!(s.no_pulse_max_beats_per_minute, Some(30.0));
        assert_eq!((s.onset_clips, s.mean_onset_f), (0, None));
        let mut out = Vec::new();
        write_table(&mut out, &clips, &s, 5.0).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("min 0.500 (b)"), "{text}");
        assert!(text.contains("Acc1 1/2"), "{text}");
        assert!(text.contains("n 30 beats (30.0/min)"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("clip") && lines[3].starts_with("n "),
            "{text}"
        );
    }
}
