//! `k1 bench analyze` prints its figures (speed, the source's split, ns per hop, hops).

mod common;

use common::{k1, s, tone, write_wav_i16};

#[test]
fn bench_reports_speed_and_cost_per_hop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.wav");
    write_wav_i16(&path, 48_000, 2, 48_000 * 2, |i, c| tone(i, c, 48_000));
    let run = k1(&["bench", "analyze", s(&path), "--repeat", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("x real time"), "{}", run.stdout);
    assert!(run.stdout.contains("ns per hop"), "{}", run.stdout);
    assert!(run.stdout.contains("400 hops"), "{}", run.stdout);
    // The split of the source's time: a file shows decoding apart from mixing + resampling.
    let source = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("source:"))
        .unwrap_or_else(|| panic!("no source line in {}", run.stdout));
    assert!(source.contains("decode "), "{source}");
    assert!(source.contains("mix + resample "), "{source}");
}
