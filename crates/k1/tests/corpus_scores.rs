//! Beat and tempo scores on the shared music corpus (`../shared/corpus/`), as the live engine would
//! report them: `k1 analyze --json` per clip, scored like `mir_eval` (beat F-measure with ±70 ms,
//! beats in the first 5 s ignored on both sides; tempo Acc1 within 4 %, Acc2 also at ×2, ×½, ×3,
//! ×⅓). Prints the table that the README quotes and asserts floors set from what was measured;
//! raise them as the tracker improves.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (clip, floor for its beat F-measure). Measured values are in the README.
const FLOORS: [(&str, f64); 13] = [
    ("synth/disco_124", 0.79),
    ("synth/electro_115", 0.17),
    ("synth/funk_94", 0.25),
    ("synth/latin_105", 0.95),
    ("synth/rockshuffle_160", 0.00),
    ("synth/tempo_change_126_138", 0.09),
    ("synth/ukgarage_134", 0.35),
    ("synth/waltz_84", 0.61),
    ("signals/metronome_120_gap", 0.95),
    ("real/xmoto_speeditup", 0.17),
    ("real/lincity_pronobozo", 0.93),
    ("real/etr_race1", 0.89),
    ("real/rili_jeu1_xm", 0.63),
];
/// Floor for the mean beat F over the 13 clips with a pulse.
const MEAN_F_FLOOR: f64 = 0.55;
/// Floors for how many of the 13 clips get the tempo right (Acc1) or right up to a metrical level (Acc2).
const ACC1_FLOOR: usize = 10;
const ACC2_FLOOR: usize = 11;
/// Ceiling on beats reported on the two clips with no pulse (the peers report 0 to 65).
const NO_PULSE: [(&str, usize); 2] = [
    ("signals/click_train_20s", 45),
    ("signals/note_ladder_A1_C7", 60),
];

fn corpus() -> PathBuf {
    let dir = std::env::var_os("K1_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    assert!(
        dir.join("MANIFEST.tsv").is_file(),
        "the music corpus is not at {} (set K1_CORPUS to its folder)",
        dir.display()
    );
    dir
}

fn read_times(path: &Path) -> Vec<f64> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .split_whitespace()
        .map(|t| t.parse().expect("a time in seconds"))
        .collect()
}

/// Beat F-measure: each reference beat matched at most once within ±`tol`.
fn f_measure(estimated: &[f64], reference: &[f64], tol: f64, skip: f64) -> f64 {
    let est: Vec<f64> = estimated.iter().copied().filter(|&t| t >= skip).collect();
    let reference: Vec<f64> = reference.iter().copied().filter(|&t| t >= skip).collect();
    let mut used = vec![false; reference.len()];
    let mut hits = 0;
    for t in &est {
        let best = reference
            .iter()
            .enumerate()
            .filter(|(i, r)| !used[*i] && (t - *r).abs() <= tol)
            .min_by(|a, b| (t - a.1).abs().total_cmp(&(t - b.1).abs()));
        if let Some((i, _)) = best {
            used[i] = true;
            hits += 1;
        }
    }
    if hits == 0 {
        return 0.0;
    }
    let p = hits as f64 / est.len() as f64;
    let r = hits as f64 / reference.len() as f64;
    2.0 * p * r / (p + r)
}

struct Result {
    bpm: f64,
    beats: Vec<f64>,
}

fn analyze(path: &Path) -> Result {
    let out = Command::new(env!("CARGO_BIN_EXE_k1"))
        .arg("analyze")
        .arg(path)
        .arg("--json")
        .output()
        .expect("run k1");
    assert!(
        out.status.success(),
        "k1 analyze {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    Result {
        bpm: v["bpm"].as_f64().expect("bpm"),
        beats: v["beats"]
            .as_array()
            .expect("beats")
            .iter()
            .map(|b| b.as_f64().expect("time"))
            .collect(),
    }
}

#[test]
fn beat_and_tempo_scores_on_the_corpus() {
    let dir = corpus();
    let mut sum_f = 0.0;
    let (mut acc1, mut acc2) = (0, 0);
    let mut failures = Vec::new();
    println!(
        "| clip | ref BPM | K1 BPM | Acc1 | Acc2 | beats | F (5 s skipped) | F (all) | floor |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (clip, floor) in FLOORS {
        let base = dir.join(clip);
        let reference = read_times(&base.with_extension("beats"));
        let ref_bpm = read_times(&base.with_extension("bpm"))[0];
        let r = analyze(&base.with_extension("flac"));
        let f = f_measure(&r.beats, &reference, 0.07, 5.0);
        let f_all = f_measure(&r.beats, &reference, 0.07, 0.0);
        let a1 = (r.bpm - ref_bpm).abs() <= 0.04 * ref_bpm;
        let a2 = [1.0, 2.0, 0.5, 3.0, 1.0 / 3.0]
            .iter()
            .any(|m| (r.bpm - ref_bpm * m).abs() <= 0.04 * ref_bpm * m);
        println!(
            "| {clip} | {ref_bpm:.1} | {:.1} | {} | {} | {} | {f:.3} | {f_all:.3} | {floor:.2} |",
            r.bpm,
            if a1 { "yes" } else { "no" },
            if a2 { "yes" } else { "no" },
            r.beats.len()
        );
        sum_f += f;
        acc1 += a1 as usize;
        acc2 += a2 as usize;
        if f < floor {
            failures.push(format!("{clip}: F {f:.3} < floor {floor}"));
        }
    }
    for (clip, ceiling) in NO_PULSE {
        let r = analyze(&dir.join(clip).with_extension("flac"));
        println!(
            "| {clip} | none | {:.1} | – | – | {} | – | – | ≤ {ceiling} beats |",
            r.bpm,
            r.beats.len()
        );
        if r.beats.len() > ceiling {
            failures.push(format!(
                "{clip}: {} beats on a clip with no pulse (ceiling {ceiling})",
                r.beats.len()
            ));
        }
    }
    let mean_f = sum_f / FLOORS.len() as f64;
    println!("mean F {mean_f:.3}; Acc1 {acc1}/13; Acc2 {acc2}/13");
    if mean_f < MEAN_F_FLOOR {
        failures.push(format!("mean F {mean_f:.3} < {MEAN_F_FLOOR}"));
    }
    if acc1 < ACC1_FLOOR || acc2 < ACC2_FLOOR {
        failures.push(format!(
            "tempo Acc1 {acc1}/13, Acc2 {acc2}/13 below floors {ACC1_FLOOR}, {ACC2_FLOOR}"
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_scorer_is_right() {
    let reference = [6.0, 7.0, 8.0, 9.0];
    assert_eq!(f_measure(&reference, &reference, 0.07, 5.0), 1.0);
    assert_eq!(f_measure(&[6.5, 7.5], &reference, 0.07, 5.0), 0.0);
    // Two of four found, no false ones: P = 1, R = 0.5.
    let f = f_measure(&[6.05, 8.0, 1.0], &reference, 0.07, 5.0);
    assert!((f - 2.0 / 3.0).abs() < 1e-9);
}
