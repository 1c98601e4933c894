//! `k1 analyze` end to end: the built binary on WAV fixtures written at test time.
//!
//! Strategy: every input the issue lists (channel counts, sample rates, empty, corrupt, missing,
//! non-finite samples) gets a fixture, and each run is checked for its exit code, a one-line
//! message, and the shape of every output (JSON fields, time lists, feature CSV).

mod common;

use common::{k1, s, tone, write_wav_f32, write_wav_i16};

/// 6 scalar columns + 64 spectrum + 12 chroma.
const CSV_COLUMNS: usize = 6 + 64 + 12;

fn f64_of(v: &serde_json::Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[test]
fn every_channel_count_and_rate_decodes_with_the_right_duration() {
    let dir = tempfile::tempdir().unwrap();
    for &rate in &[8000u32, 11_025, 22_050, 44_100, 48_000, 96_000, 192_000] {
        for channels in 1..=8u16 {
            // A length that is not a whole number of hops at either engine rate.
            let frames = (f64::from(rate) * 0.7313) as usize;
            let path = dir.path().join(format!("t_{rate}_{channels}.wav"));
            write_wav_i16(&path, rate, channels, frames, |i, c| tone(i, c, rate));
            let run = k1(&["analyze", s(&path), "--json"]);
            assert_eq!(run.code, 0, "{rate} Hz {channels} ch: {}", run.stderr);
            let v = run.json();
            let expected = frames as f64 / f64::from(rate);
            assert!(
                (f64_of(&v, "duration") - expected).abs() < 1e-6,
                "{rate}/{channels}: {v}"
            );
            assert_eq!(v["channels"], u64::from(channels));
            assert_eq!(v["input_rate"], u64::from(rate));
            // The analysed span covers the file to within one hop.
            let hop_s = f64_of(&v, "hop") / f64_of(&v, "engine_rate");
            let analysed = f64_of(&v, "hops") * hop_s;
            assert!(
                analysed >= expected - 1e-9 && analysed - expected < hop_s,
                "{rate} Hz {channels} ch: analysed {analysed} s of {expected} s"
            );
        }
    }
}

#[test]
fn rate_16000_uses_hop_128() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.wav");
    write_wav_i16(&path, 44_100, 2, 44_100, |i, c| tone(i, c, 44_100));
    let v = k1(&["analyze", s(&path), "--json", "--rate", "16000"]).json();
    assert_eq!(v["engine_rate"], 16_000);
    assert_eq!(v["hop"], 128);
    assert_eq!(v["hops"], 125);
}

#[test]
fn json_has_the_promised_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.wav");
    write_wav_i16(&path, 22_050, 1, 22_050 * 2, |i, c| tone(i, c, 22_050));
    let run = k1(&["analyze", s(&path), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    // A steady tone has no pulse: no BPM (see the test below).
    assert!(v["bpm"].is_null(), "{v}");
    assert!(v["confidence"].is_number());
    assert!(v["pulse"].is_number());
    assert!(v["beats"].is_array());
    assert!(v["onsets"].is_array());
    assert!(v["duration"].is_number());
    assert_eq!(v["engine_rate"], 12_800);
    // Only the JSON goes to stdout.
    assert!(run.stdout.trim_start().starts_with('{') && run.stdout.trim_end().ends_with('}'));
}

#[test]
fn summary_names_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.wav");
    write_wav_i16(&path, 44_100, 1, 44_100, |i, c| tone(i, c, 44_100));
    let run = k1(&["analyze", s(&path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for label in [
        "file:",
        "duration:",
        "engine rate:",
        "bpm:",
        "confidence:",
        "beats:",
        "onsets:",
    ] {
        assert!(
            run.stdout.contains(label),
            "{label} missing:\n{}",
            run.stdout
        );
    }
}

#[test]
fn output_files_have_the_right_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("clicks.wav");
    // A click every half second for 4 s: something for the beat and onset flags to find.
    let rate = 44_100;
    write_wav_i16(&wav, rate, 1, rate as usize * 4, |i, c| {
        let k = i % (rate as usize / 2);
        let click = if k < 200 {
            0.8 * (-(k as f32) / 40.0).exp()
        } else {
            0.0
        };
        click * if (i / 7) % 2 == 0 { 1.0 } else { -1.0 } + 0.1 * tone(i, c, rate)
    });
    let beats = dir.path().join("beats.txt");
    let onsets = dir.path().join("onsets.txt");
    let csv = dir.path().join("features.csv");
    let run = k1(&[
        "analyze",
        s(&wav),
        "--json",
        "--beats",
        s(&beats),
        "--onsets",
        s(&onsets),
        "--features-csv",
        s(&csv),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();

    for (path, key) in [(&beats, "beats"), (&onsets, "onsets")] {
        let text = std::fs::read_to_string(path).unwrap();
        let times: Vec<f64> = text
            .lines()
            .map(|l| {
                l.parse()
                    .unwrap_or_else(|_| panic!("{key}: bad line {l:?}"))
            })
            .collect();
        let json: Vec<f64> = v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        assert_eq!(times.len(), json.len(), "{key}");
        for (a, b) in times.iter().zip(&json) {
            assert!((a - b).abs() < 1e-4, "{key}: {a} vs {b}");
        }
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{key} ascending");
        assert!(
            text.lines()
                .all(|l| l.split('.').nth(1).is_some_and(|d| d.len() == 4))
        );
    }

    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(header.len(), CSV_COLUMNS);
    assert_eq!(
        &header[..6],
        ["time", "vu", "novelty", "bpm", "confidence", "beat_phase"]
    );
    assert_eq!(header[6], "spec_0");
    assert_eq!(header[69], "spec_63");
    assert_eq!(header[70], "chroma_c");
    assert_eq!(header[71], "chroma_cs");
    assert_eq!(header[81], "chroma_b");
    let rows = &lines[1..];
    assert_eq!(
        rows.len() as u64,
        v["hops"].as_u64().unwrap(),
        "one row per hop"
    );
    let mut last_time = 0.0;
    for row in rows {
        let cells: Vec<f64> = row.split(',').map(|c| c.parse().unwrap()).collect();
        assert_eq!(cells.len(), CSV_COLUMNS);
        assert!(cells.iter().all(|c| c.is_finite()));
        assert!(cells[0] > last_time);
        last_time = cells[0];
    }
    // The first row ends at the first hop: 64 samples at 12.8 kHz.
    assert!(rows[0].starts_with("0.0050,"), "{}", rows[0]);
}

#[test]
fn zero_length_wav_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.wav");
    write_wav_i16(&path, 44_100, 2, 0, |_, _| 0.0);
    let run = k1(&["analyze", s(&path)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("no audio"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn garbage_with_an_audio_extension_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    // Deterministic junk bytes.
    let junk: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for name in ["junk.wav", "junk.mp3", "junk.flac", "junk.ogg"] {
        let path = dir.path().join(name);
        std::fs::write(&path, &junk).unwrap();
        let run = k1(&["analyze", s(&path)]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(name), "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    // A valid header followed by garbage: still no panic.
    let wav = dir.path().join("cut.wav");
    write_wav_i16(&wav, 44_100, 2, 44_100, |i, c| tone(i, c, 44_100));
    let mut bytes = std::fs::read(&wav).unwrap();
    bytes.truncate(100);
    bytes.extend_from_slice(&junk[..50]);
    std::fs::write(&wav, &bytes).unwrap();
    let run = k1(&["analyze", s(&wav)]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn missing_file_is_exit_1() {
    let run = k1(&["analyze", "/definitely/not/here.wav"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("/definitely/not/here.wav"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_flags_are_exit_2() {
    assert_eq!(k1(&["analyze", "--no-such-flag", "x.wav"]).code, 2);
    assert_eq!(k1(&["analyze"]).code, 2);
    assert_eq!(k1(&["analyze", "--demo", "--rate", "44100"]).code, 2);
    assert_eq!(k1(&["analyze", "x.wav", "--demo"]).code, 2);
    assert_eq!(k1(&["no-such-command"]).code, 2);
    // Valid syntax, but the core rejects the note range at this rate.
    let run = k1(&["analyze", "--demo", "--lowest-note", "110"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("lowest note"), "{}", run.stderr);
    assert_eq!(k1(&["--help"]).code, 0);
}

#[test]
fn rates_outside_8_to_192_khz_are_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [4000u32, 7999, 192_001, 384_000] {
        let path = dir.path().join(format!("r{rate}.wav"));
        write_wav_i16(&path, rate, 1, rate as usize / 4, |i, c| tone(i, c, rate));
        let run = k1(&["analyze", s(&path)]);
        assert_eq!(run.code, 1, "{rate}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{rate} Hz")),
            "{rate}: {}",
            run.stderr
        );
    }
}

#[test]
fn more_than_8_channels_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nine.wav");
    write_wav_i16(&path, 44_100, 9, 4410, |i, c| tone(i, c, 44_100));
    let run = k1(&["analyze", s(&path)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn non_finite_samples_are_replaced_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nan.wav");
    let rate = 48_000;
    let mut samples: Vec<f32> = (0..rate as usize * 2)
        .map(|i| tone(i / 2, (i % 2) as u16, rate))
        .collect();
    for (k, i) in (1000..samples.len()).step_by(9973).enumerate() {
        samples[i] = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY][k % 3];
    }
    let bad = (1000..samples.len()).step_by(9973).count();
    write_wav_f32(&path, rate, 2, &samples);
    let run = k1(&["analyze", s(&path), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("non-finite"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(warnings[0].contains(&bad.to_string()), "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["non_finite_samples"], bad as u64);
    // The figures stay finite (a tone has no pulse, so no BPM).
    assert!(f64_of(&v, "confidence").is_finite() && f64_of(&v, "pulse").is_finite());
    assert!(v["bpm"].is_null(), "{v}");
}

#[test]
fn demo_runs_without_files() {
    let run = k1(&["analyze", "--demo", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert!(f64_of(&v, "duration") > 10.0);
    assert!(v["file"].as_str().unwrap().contains("demo"));
}

/// The resampler's delay is compensated: a click at exactly 1.000 s in a 44.1 kHz file is
/// reported within 10 ms of 1.000 s (at the end of the hop the core flags).
#[test]
fn click_onset_lands_on_the_file_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("click.wav");
    let rate = 44_100usize;
    write_wav_i16(&path, rate as u32, 1, rate * 3, |i, _| {
        if i < rate {
            return 0.0;
        }
        // A short broadband click: alternating-sign samples under a 1 ms decay.
        let k = (i - rate) as f32;
        let sign = if (i - rate).is_multiple_of(2) {
            1.0
        } else {
            -1.0
        };
        0.9 * sign * (-k / 44.1).exp()
    });
    let run = k1(&["analyze", s(&path), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let onsets: Vec<f64> = v["onsets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    let nearest = onsets
        .iter()
        .copied()
        .min_by(|a, b| (a - 1.0).abs().total_cmp(&(b - 1.0).abs()))
        .unwrap_or_else(|| panic!("no onset detected: {v}"));
    assert!(
        (nearest - 1.0).abs() <= 0.010,
        "onset at {nearest}, onsets {onsets:?}"
    );
}

/// 20 s of `sample(i)` at 44.1 kHz, mono.
fn twenty_seconds(path: &std::path::Path, sample: impl Fn(usize) -> f32) {
    write_wav_i16(path, 44_100, 1, 20 * 44_100, |i, _| sample(i));
}

#[test]
fn a_steady_tone_and_noise_have_no_bpm() {
    let dir = tempfile::tempdir().unwrap();
    let a440 = dir.path().join("a440.wav");
    twenty_seconds(&a440, |i| {
        0.5 * (2.0 * std::f32::consts::PI * 440.0 * i as f32 / 44_100.0).sin()
    });
    // Pink noise: white noise (an LCG) through Paul Kellet's three-pole filter.
    let noise = dir.path().join("pink.wav");
    let pink = std::cell::RefCell::new(([0.0f32; 3], 12_345u32));
    twenty_seconds(&noise, |_| {
        let (b, seed) = &mut *pink.borrow_mut();
        *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let white = (*seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
        b[0] = 0.99765 * b[0] + white * 0.0990460;
        b[1] = 0.96300 * b[1] + white * 0.2965164;
        b[2] = 0.57000 * b[2] + white * 1.0526913;
        0.25 * (b[0] + b[1] + b[2] + white * 0.1848)
    });
    for path in [&a440, &noise] {
        let run = k1(&["analyze", s(path), "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v = run.json();
        assert!(v["bpm"].is_null(), "{}: {v}", path.display());
        assert!(f64_of(&v, "pulse") < 0.5, "{}: {v}", path.display());
        let text = k1(&["analyze", s(path)]);
        assert!(
            text.stdout.contains("bpm:         none (no pulse"),
            "{}",
            text.stdout
        );
    }
}
