//! Damaged files decode as far as the damage allows, keep their timeline, and say what was lost.
//!
//! Every damaged file is made here, deterministically, from a clean one: the corpus clip
//! `real/etr_race1.flac` (`$K1_CORPUS` or `../shared/corpus` from the repository) and the
//! fixture `tests/fixtures/tones_10s.ogg` (10 s of 220 Hz plus a 2,093 Hz beep each second, made
//! with `ffmpeg -f lavfi -i sine=frequency=220:sample_rate=44100:duration=10 -f lavfi -i
//! sine=frequency=2093:sample_rate=44100:duration=10:beep_factor=4 -filter_complex amix=inputs=2
//! -c:a libvorbis -q:a 3 tones_10s.ogg`). The damage: a truncated file, corrupt bytes at 1 %,
//! 50 % and 99 % of the audio, a bad CRC, and randomly placed bad bytes.

use std::path::{Path, PathBuf};

use k1_io::sources::{FileSource, Source, SourceStats};

const ENGINE_RATE: u32 = 12_800;

fn corpus_flac() -> Vec<u8> {
    let root = std::env::var_os("K1_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    let path = root.join("real/etr_race1.flac");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (set K1_CORPUS)", path.display()))
}

fn ogg_fixture() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tones_10s.ogg"))
        .unwrap()
}

/// What decoding `bytes` (written to a file named `name`) gave.
struct Decoded {
    stats: SourceStats,
    rate: u32,
    /// Seconds delivered at the engine rate.
    seconds: f64,
}

fn decode(name: &str, bytes: &[u8]) -> Decoded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut source = FileSource::open(&path, ENGINE_RATE).unwrap();
    let mut buf = vec![0.0f32; 65_536];
    let mut samples = 0u64;
    loop {
        let n = source.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        samples += n as u64;
    }
    Decoded {
        stats: source.stats(),
        rate: source.info().input_rate,
        seconds: samples as f64 / f64::from(ENGINE_RATE),
    }
}

/// `bytes` with `len` bytes at `fraction` of the way through inverted.
fn corrupt_at(bytes: &[u8], fraction: f64, len: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = ((bytes.len() as f64 * fraction) as usize).min(bytes.len() - len);
    for b in &mut out[at..at + len] {
        *b = !*b;
    }
    out
}

/// `bytes` with `count` bytes past the first 1 % set to pseudo-random values (seeded).
fn scatter(bytes: &[u8], count: usize, seed: u64) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut x = seed;
    let start = bytes.len() / 100;
    for _ in 0..count {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let at = start + (x % (bytes.len() - start) as u64) as usize;
        out[at] = (x >> 32) as u8;
    }
    out
}

/// The clean decode, the reference for every damaged one.
fn clean(name: &str, bytes: &[u8]) -> Decoded {
    let d = decode(name, bytes);
    assert_eq!(d.stats.damage_summary(d.rate), None, "{name}: clean file");
    d
}

/// The damaged file kept its whole timeline (less its last packet if that was lost: 0.1 s of
/// FLAC, 1 s of the OGG fixture) and reports the loss.
fn assert_whole_and_reported(what: &str, damaged: &Decoded, reference: &Decoded) {
    let slack = if damaged.stats.truncated { 1.0 } else { 0.01 };
    assert!(
        (damaged.seconds - reference.seconds).abs() < slack,
        "{what}: {:.3} s delivered, {:.3} s clean ({:?})",
        damaged.seconds,
        reference.seconds,
        damaged.stats
    );
    assert!(
        damaged.stats.skipped_packets > 0,
        "{what}: {:?}",
        damaged.stats
    );
    assert!(
        damaged.stats.damage_summary(damaged.rate).is_some(),
        "{what}: no warning"
    );
}

#[test]
fn flac_corrupt_bytes_at_1_50_and_99_percent_keep_the_timeline() {
    let bytes = corpus_flac();
    let reference = clean("clean.flac", &bytes);
    for fraction in [0.01, 0.5, 0.99] {
        let d = decode("bad.flac", &corrupt_at(&bytes, fraction, 64));
        assert_whole_and_reported(&format!("{fraction}"), &d, &reference);
        assert!(
            d.stats.filled_frames > 0 && !d.stats.truncated,
            "{:?}",
            d.stats
        );
    }
}

#[test]
fn flac_frame_with_a_bad_crc_is_one_frame_of_silence() {
    let bytes = corpus_flac();
    let reference = clean("clean.flac", &bytes);
    // The first frame's first four bytes (sync, blocking, block size and rate, channels and
    // depth) recur at every frame of a fixed-block-size stream: the two bytes before such a
    // header past the middle are the previous frame's CRC-16.
    let mut first = 4;
    loop {
        let header = &bytes[first..first + 4];
        first += 4
            + (usize::from(header[1]) << 16 | usize::from(header[2]) << 8 | usize::from(header[3]));
        if header[0] & 0x80 != 0 {
            break;
        }
    }
    let pattern = &bytes[first..first + 4];
    let next = bytes[bytes.len() / 2..]
        .windows(4)
        .position(|w| w == pattern)
        .unwrap()
        + bytes.len() / 2;
    let mut damaged = bytes.clone();
    damaged[next - 1] ^= 0xFF;
    let d = decode("crc.flac", &damaged);
    assert_whole_and_reported("bad CRC", &d, &reference);
    assert_eq!(d.stats.skipped_packets, 1, "{:?}", d.stats);
    assert_eq!(d.stats.filled_frames, 4096, "one block of the stream");
}

#[test]
fn flac_with_400_scattered_bad_bytes_keeps_the_timeline() {
    let bytes = corpus_flac();
    let reference = clean("clean.flac", &bytes);
    let d = decode(
        "scattered.flac",
        &scatter(&bytes, 400, 0x9E37_79B9_7F4A_7C15),
    );
    assert_whole_and_reported("400 bytes", &d, &reference);
    // Every frame holding a bad byte is lost; the others (about half) decode.
    let decoded = d.stats.decoded_seconds(d.rate);
    assert!(
        decoded > 10.0 && decoded < reference.seconds,
        "{decoded} s decoded"
    );
}

#[test]
fn truncated_flac_and_ogg_say_where_they_ended() {
    for (name, bytes) in [("cut.flac", corpus_flac()), ("cut.ogg", ogg_fixture())] {
        let reference = clean(name, &bytes);
        let d = decode(name, &bytes[..bytes.len() / 2]);
        let share = d.seconds / reference.seconds;
        assert!((0.4..0.6).contains(&share), "{name}: {share}");
        assert!(d.stats.truncated, "{name}");
        let summary = d.stats.damage_summary(d.rate).unwrap();
        assert!(summary.contains("ended early after"), "{name}: {summary}");
    }
}

/// Offsets of the OGG pages in `bytes` (every capture pattern: the fixture has no false ones).
fn ogg_pages(bytes: &[u8]) -> Vec<usize> {
    (0..bytes.len() - 4)
        .filter(|&i| &bytes[i..i + 4] == b"OggS")
        .collect()
}

#[test]
fn ogg_damaged_first_audio_page_is_skipped_not_fatal() {
    let bytes = ogg_fixture();
    let reference = clean("clean.ogg", &bytes);
    // Pages 0 and 1 hold the Vorbis headers; page 2 is the first audio page.
    let page = ogg_pages(&bytes)[2];
    let mut damaged = bytes.clone();
    damaged[page + 100] ^= 0xFF;
    let d = decode("first.ogg", &damaged);
    assert_eq!(d.stats.damaged_pages, 1, "{:?}", d.stats);
    assert!(d.stats.damage_summary(d.rate).is_some());
    // symphonia takes the next page for the stream's start (its timestamps come from the page
    // before), so the lost second is not a hole in the timeline: the rest is there, 1 s early.
    assert!(d.seconds > reference.seconds - 1.5, "{} s", d.seconds);
}

#[test]
fn ogg_corrupt_bytes_and_bad_crc_drop_one_page_each() {
    let bytes = ogg_fixture();
    let reference = clean("clean.ogg", &bytes);
    let pages = ogg_pages(&bytes);
    let middle = pages
        .iter()
        .copied()
        .find(|&p| p >= bytes.len() / 2)
        .unwrap();
    let mut bad_crc = bytes.clone();
    bad_crc[middle + 22] ^= 0xFF;
    for (what, damaged) in [("50 %", corrupt_at(&bytes, 0.5, 16)), ("bad CRC", bad_crc)] {
        let d = decode("mid.ogg", &damaged);
        assert_eq!(d.stats.damaged_pages, 1, "{what}: {:?}", d.stats);
        assert_whole_and_reported(what, &d, &reference);
    }
    // At 99 % the last page is lost: the stream ends early, and says so.
    let d = decode("end.ogg", &corrupt_at(&bytes, 0.99, 16));
    assert_eq!(d.stats.damaged_pages, 1, "99 %: {:?}", d.stats);
    assert!(d.seconds > reference.seconds - 1.5, "99 %: {} s", d.seconds);
    assert!(d.stats.damage_summary(d.rate).is_some(), "99 %");
}

#[test]
fn ogg_corrupt_headers_are_a_clear_error_not_a_panic() {
    let bytes = ogg_fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("head.ogg");
    std::fs::write(&path, corrupt_at(&bytes, 0.01, 16)).unwrap();
    let err = FileSource::open(&path, ENGINE_RATE)
        .err()
        .expect("no audio without headers");
    assert!(err.to_string().contains("head.ogg"), "{err}");
}
