//! `k1 calibrate` end to end, and its profile read back by `k1 analyze --noise-profile`.

mod common;

use common::{corpus, k1, s, tone, write_wav_i16};

#[test]
fn writes_a_profile_that_analyze_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let room = dir.path().join("room.wav");
    write_wav_i16(&room, 44_100, 2, 44_100 * 3, |i, c| {
        0.02 * tone(i, c, 44_100)
    });
    let profile = dir.path().join("noise.json");
    let run = k1(&["calibrate", s(&room), "--seconds", "2", "-o", s(&profile)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&profile).unwrap()).unwrap();
    assert_eq!(v["bins"].as_array().unwrap().len(), 64);
    assert!(v["rms"].is_number());
    assert!(v["calibrated"].is_boolean());
    // Only the profile is left in the folder: the temporary file was renamed over it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

    let run = k1(&[
        "analyze",
        s(&room),
        "--noise-profile",
        s(&profile),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_file_shorter_than_asked_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let room = dir.path().join("room.wav");
    write_wav_i16(&room, 16_000, 1, 16_000, |i, c| 0.02 * tone(i, c, 16_000));
    let profile = dir.path().join("noise.json");
    let run = k1(&["calibrate", s(&room), "--seconds", "5", "-o", s(&profile)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--seconds"), "{}", run.stderr);
    assert!(!profile.exists());
}

#[test]
fn a_broken_profile_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("noise.json");
    std::fs::write(&profile, r#"{"bins":[1,2,3],"rms":0.1,"calibrated":true}"#).unwrap();
    let run = k1(&["analyze", "--demo", "--noise-profile", s(&profile)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("64"), "{}", run.stderr);
}

#[test]
fn bad_seconds_is_exit_2() {
    assert_eq!(
        k1(&["calibrate", "room.wav", "-o", "n.json", "--seconds", "0"]).code,
        2
    );
    assert_eq!(k1(&["calibrate", "room.wav"]).code, 2);
}

#[test]
fn music_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("noise.json");
    // Drums (a wide level swing) and a dense real mix (a steady level, but a beat).
    for clip in ["synth/disco_124.flac", "real/etr_race1.flac"] {
        let music = corpus().join(clip);
        let run = k1(&["calibrate", s(&music), "-o", s(&profile)]);
        assert_eq!(run.code, 1, "{clip}: {}", run.stderr);
        assert!(
            run.stderr.contains("sounds like music") && run.stderr.contains("--force"),
            "{clip}: {}",
            run.stderr
        );
        assert!(!profile.exists(), "{clip}");
    }
    let music = corpus().join("synth/disco_124.flac");
    let run = k1(&["calibrate", s(&music), "-o", s(&profile), "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("anyway (--force)"), "{}", run.stderr);
    assert!(profile.is_file());
}
