//! `k1 run` on a damaged file: the decoder's own log lines (symphonia logs every dropped FLAC
//! fragment and lost sync through the `log` crate, which `k1 run`'s log forwards) stay out of
//! the output, and one K1 warning per file sums the damage up.

mod common;

use std::path::{Path, PathBuf};

use common::{k1, s};

fn corpus() -> PathBuf {
    std::env::var_os("K1_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    )
}

#[test]
fn a_damaged_flac_warns_once_in_k1s_words() {
    let path = corpus().join("real/etr_race1.flac");
    let clean = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // The first 3 % (about 1.4 s: `k1 run` plays in real time), with 32 bad bytes in the middle
    // of it and the rest cut off.
    let mut damaged = clean[..clean.len() * 3 / 100].to_vec();
    let middle = damaged.len() / 2;
    for b in &mut damaged[middle..middle + 32] {
        *b = !*b;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("damaged.flac");
    std::fs::write(&file, &damaged).unwrap();
    let run = k1(&["run", "--input", s(&file), "--no-playback", "--no-preview"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for leak in [
        "dropping fragment",
        "synchronization lost",
        "expected",
        "WARN",
        "ERROR",
    ] {
        assert!(
            !run.stderr.contains(leak),
            "{leak:?} leaked:\n{}",
            run.stderr
        );
    }
    assert_eq!(
        run.stderr.matches("damaged audio").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("ended early"), "{}", run.stderr);
}
