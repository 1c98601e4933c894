//! Compressed formats: MP3 and OGG Vorbis fixtures (made by `fixtures/make_clicks.py`) decode to
//! the right length, and their click stays at 1.000 s: the decoders' delay and padding are trimmed
//! and the resampler's delay is removed.
//!
//! The click time is read from the per-hop novelty in `--features-csv` (the first hop above 0.5),
//! so the check holds whatever the onset detector's thresholds are.

mod common;

use std::path::Path;

use common::{k1, s};

fn check_click(name: &str, rate: u64, channels: u64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("f.csv");
    let run = k1(&["analyze", s(&path), "--json", "--features-csv", s(&csv)]);
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    let v = run.json();
    assert_eq!(v["input_rate"], rate, "{name}");
    assert_eq!(v["channels"], channels, "{name}");
    let hop_s = 64.0 / 12_800.0;
    let duration = v["duration"].as_f64().unwrap();
    assert!(
        (duration - 1.5).abs() < hop_s,
        "{name}: duration {duration}"
    );

    let text = std::fs::read_to_string(&csv).unwrap();
    let first = text
        .lines()
        .skip(1)
        .map(|row| {
            let mut cells = row.split(',').map(|c| c.parse::<f64>().unwrap());
            let time = cells.next().unwrap();
            let novelty = cells.nth(1).unwrap();
            (time, novelty)
        })
        .find(|&(_, novelty)| novelty > 0.5)
        .unwrap_or_else(|| panic!("{name}: no novelty peak"));
    assert!(
        (first.0 - 1.0).abs() <= 0.010,
        "{name}: click heard at {} s",
        first.0
    );
}

#[test]
fn mp3_click_stays_at_one_second() {
    check_click("click_1s_44k_stereo.mp3", 44_100, 2);
}

#[test]
fn ogg_vorbis_click_stays_at_one_second() {
    check_click("click_1s_48k_mono.ogg", 48_000, 1);
}
