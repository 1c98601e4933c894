//! `k1 eval` end to end: the built binary on click tracks written at test time, with
//! hand-written truth files beside them (or in a `--truth` folder).
//!
//! Strategy: a 120 BPM click track with its exact beats must score perfectly; every error the
//! command promises (missing truth, corrupt audio, a malformed truth line) exits 1 and names the
//! file; the JSON carries every field; folders are walked and clips named relatively.

mod common;

use std::path::{Path, PathBuf};

use common::{k1, s, write_wav_i16};

const RATE: u32 = 44_100;

/// Beat times of a click every `period` seconds from `first`, up to `seconds`.
fn grid(first: f64, period: f64, seconds: f64) -> Vec<f64> {
    (0..)
        .map(|i| first + f64::from(i) * period)
        .take_while(|&t| t < seconds)
        .collect()
}

/// Writes a mono WAV of `seconds` with a 20 ms decaying 1.5 kHz blip at each of `clicks`.
fn write_clicks(path: &Path, clicks: &[f64], seconds: f64) {
    let starts: Vec<usize> = clicks
        .iter()
        .map(|t| (t * f64::from(RATE)).round() as usize)
        .collect();
    let blip = (0.02 * f64::from(RATE)) as usize;
    write_wav_i16(
        path,
        RATE,
        1,
        (seconds * f64::from(RATE)) as usize,
        |i, _| {
            // The latest click at or before sample i.
            let k = starts.partition_point(|&s| s <= i);
            match k.checked_sub(1).map(|k| i - starts[k]) {
                Some(d) if d < blip => {
                    let t = d as f32 / RATE as f32;
                    0.8 * (-t / 0.005).exp() * (2.0 * std::f32::consts::PI * 1500.0 * t).sin()
                }
                _ => 0.0,
            }
        },
    );
}

/// One time per line.
fn lines(times: &[f64]) -> String {
    times.iter().map(|t| format!("{t:.6}\n")).collect()
}

/// A 20 s click track at 120 BPM (first beat 0.5 s) named `stem`.wav in `dir`, with its
/// exact `.beats`, `.bpm` and `.onsets` written into `truth` (`dir` itself if `None`).
fn click_clip(dir: &Path, stem: &str, truth: Option<&Path>) -> PathBuf {
    let beats = grid(0.5, 0.5, 20.0);
    let wav = dir.join(format!("{stem}.wav"));
    write_clicks(&wav, &beats, 20.0);
    let truth = truth.unwrap_or(dir);
    std::fs::write(truth.join(format!("{stem}.beats")), lines(&beats)).unwrap();
    std::fs::write(truth.join(format!("{stem}.bpm")), "120\n").unwrap();
    std::fs::write(truth.join(format!("{stem}.onsets")), lines(&beats)).unwrap();
    wav
}

fn clip<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["clips"]
        .as_array()
        .expect("clips")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no clip {name} in {v}"))
}

#[test]
fn a_click_track_with_its_exact_beats_scores_perfectly() {
    let dir = tempfile::tempdir().unwrap();
    let wav = click_clip(dir.path(), "click.120", None);
    let run = k1(&["eval", s(&wav), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let c = clip(&v, "click.120");
    assert_eq!(c["ref_bpm"], 120.0);
    assert_eq!(c["acc1"], true, "{c}");
    assert_eq!(c["acc2"], true, "{c}");
    assert_eq!(c["pulse"], true);
    assert_eq!(c["beats"]["f_measure"], 1.0, "{c}");
    assert_eq!(c["beats"]["cmlt"], 1.0, "{c}");
    assert!(c["f_measure_all"].as_f64().unwrap() > 0.8, "{c}");
    let lock = c["lock_s"].as_f64().expect("locked");
    assert!(lock < 5.0, "{c}");
    assert_eq!(c["onsets"]["recall"], 1.0, "{c}");
    assert_eq!(v["summary"]["acc1"], 1);
    assert_eq!(v["summary"]["mean_f"], 1.0);

    // The text table: a header, the clip's row and the summary.
    let run = k1(&["eval", s(&wav)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let header = run.stdout.lines().next().unwrap();
    for column in [
        "clip", "ref BPM", "K1 BPM", "Acc1", "Acc2", "F all", "CMLt", "lock s",
    ] {
        assert!(header.contains(column), "{}", run.stdout);
    }
    let row = run.stdout.lines().nth(1).unwrap();
    assert!(
        row.starts_with("click.120 ") && row.contains("1.000"),
        "{row}"
    );
    assert!(run.stdout.contains("Acc1 1/1, Acc2 1/1"), "{}", run.stdout);
}

#[test]
fn the_beats_and_tempo_are_those_of_k1_analyze() {
    let dir = tempfile::tempdir().unwrap();
    let wav = click_clip(dir.path(), "c", None);
    let analyze = k1(&["analyze", s(&wav), "--json"]).json();
    let eval = k1(&["eval", s(&wav), "--json"]).json();
    let c = clip(&eval, "c");
    assert_eq!(c["bpm"], analyze["bpm"]);
    assert_eq!(c["duration_s"], analyze["duration"]);
    let beats = analyze["beats"].as_array().unwrap().len();
    assert_eq!(c["beats_reported"], beats);
    assert_eq!(
        c["onsets"]["n_estimated"],
        analyze["onsets"].as_array().unwrap().len()
    );
}

#[test]
fn the_json_has_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let wav = click_clip(dir.path(), "c", None);
    let run = k1(&["eval", s(&wav), "--json", "--skip", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let c = clip(&v, "c");
    assert_eq!(c["path"], s(&wav));
    for key in [
        "name",
        "path",
        "duration_s",
        "bpm",
        "ref_bpm",
        "acc1",
        "acc2",
        "pulse",
        "beats",
        "f_measure_all",
        "lock_s",
        "beats_reported",
        "beats_per_minute",
        "onsets",
    ] {
        assert!(c.get(key).is_some(), "{key} missing: {c}");
    }
    for key in [
        "n_reference",
        "n_estimated",
        "f_measure",
        "cemgil",
        "cemgil_best",
        "p_score",
        "cmlc",
        "cmlt",
        "amlc",
        "amlt",
    ] {
        assert!(c["beats"][key].is_number(), "beats.{key}: {c}");
    }
    // --skip 2 trims the beats before 2 s: 0.5 .. 19.5 s in steps of 0.5 leaves 36.
    assert_eq!(c["beats"]["n_reference"], 36);
    for key in [
        "n_reference",
        "n_estimated",
        "hits",
        "precision",
        "recall",
        "f_measure",
        "median_abs_error",
        "median_signed_error",
    ] {
        assert!(c["onsets"][key].is_number(), "onsets.{key}: {c}");
    }
    let summary = &v["summary"];
    for key in [
        "clips",
        "pulse_clips",
        "mean_f",
        "mean_f_all",
        "min_f",
        "acc1",
        "acc2",
        "mean_onset_f",
        "mean_onset_recall",
        "median_onset_error_s",
        "no_pulse_max_beats_per_minute",
    ] {
        assert!(summary.get(key).is_some(), "summary.{key} missing: {v}");
    }
    assert!(run.stdout.trim_start().starts_with('{') && run.stdout.trim_end().ends_with('}'));
}

#[test]
fn a_missing_truth_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("lonely.wav");
    write_clicks(&wav, &grid(0.5, 0.5, 3.0), 3.0);
    let run = k1(&["eval", s(&wav)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("lonely.beats"), "{}", run.stderr);
    assert!(run.stderr.contains("lonely.bpm"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_corrupt_audio_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.wav");
    std::fs::write(&bad, b"RIFF\x10\0\0\0WAVEjunkjunkjunk").unwrap();
    std::fs::write(dir.path().join("broken.bpm"), "120\n").unwrap();
    let run = k1(&["eval", s(&bad)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("broken.wav"), "{}", run.stderr);

    // A file cut short decodes in part; scored against its whole truth it would mislead.
    let wav = click_clip(dir.path(), "cut", None);
    let bytes = std::fs::read(&wav).unwrap();
    std::fs::write(&wav, &bytes[..bytes.len() / 2]).unwrap();
    let run = k1(&["eval", s(&wav)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cut.wav"), "{}", run.stderr);
}

#[test]
fn a_malformed_truth_line_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let wav = click_clip(dir.path(), "c", None);
    std::fs::write(
        dir.path().join("c.beats"),
        "0.5\n1.0\none and a half\n2.0\n",
    )
    .unwrap();
    let run = k1(&["eval", s(&wav)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("c.beats:3"), "{}", run.stderr);
}

#[test]
fn an_empty_beats_file_means_no_pulse() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("clicks.wav");
    write_clicks(&wav, &grid(0.5, 0.5, 12.0), 12.0);
    std::fs::write(dir.path().join("clicks.beats"), "").unwrap();
    std::fs::write(dir.path().join("clicks.bpm"), "0\n").unwrap();
    let run = k1(&["eval", s(&wav), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let c = clip(&v, "clicks");
    assert_eq!(c["pulse"], false);
    assert!(c["beats"].is_null() && c["f_measure_all"].is_null() && c["lock_s"].is_null());
    assert!(c["acc1"].is_null() && c["onsets"].is_null(), "{c}");
    let n = c["beats_reported"].as_u64().unwrap() as f64;
    let per_minute = c["beats_per_minute"].as_f64().unwrap();
    assert!((per_minute - n * 60.0 / 12.0).abs() < 1e-9, "{c}");
    assert_eq!(v["summary"]["pulse_clips"], 0);
    assert!(v["summary"]["mean_f"].is_null());
    assert_eq!(v["summary"]["no_pulse_max_beats_per_minute"], per_minute);

    let run = k1(&["eval", s(&wav)]);
    assert!(run.stdout.contains("no pulse"), "{}", run.stdout);
    assert!(run.stdout.contains("/min)"), "{}", run.stdout);
}

#[test]
fn truth_can_come_from_another_folder() {
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path().join("audio");
    let truth = dir.path().join("truth");
    std::fs::create_dir_all(&audio).unwrap();
    std::fs::create_dir_all(&truth).unwrap();
    let wav = click_clip(&audio, "c", Some(&truth));
    // Without --truth there is nothing beside the audio.
    let run = k1(&["eval", s(&wav)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = k1(&["eval", s(&wav), "--truth", s(&truth), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(clip(&run.json(), "c")["beats"]["f_measure"], 1.0);
}

#[test]
fn folders_are_searched_recursively_and_clips_named_relatively() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("set");
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    click_clip(&root.join("sub/deeper"), "b.x", None);
    click_clip(&root, "a", None);
    // Not audio: ignored.
    std::fs::write(root.join("sub/notes.txt"), "hello").unwrap();
    let run = k1(&["eval", s(&root), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let names: Vec<&str> = v["clips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "sub/deeper/b.x"]);
    assert_eq!(v["summary"]["clips"], 2);
}

#[test]
fn a_negative_skip_is_a_usage_error() {
    let run = k1(&["eval", "x.wav", "--skip=-1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
