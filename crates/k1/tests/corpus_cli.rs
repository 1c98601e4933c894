//! `k1 analyze` on the shared corpus (`$K1_CORPUS` or `../../../shared/corpus`).

mod common;

use common::{corpus, k1, s};

#[test]
fn disco_124_analyses_to_json() {
    let path = corpus().join("synth/disco_124.flac");
    assert!(path.is_file(), "missing corpus file {}", path.display());
    let run = k1(&["analyze", s(&path), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert!((v["duration"].as_f64().unwrap() - 30.0).abs() < 1e-3, "{v}");
    assert_eq!(v["input_rate"], 44_100);
    for key in ["bpm", "confidence", "beats", "onsets"] {
        assert!(!v[key].is_null(), "{key}");
    }
}
