//! Usage errors and help, the same in every command: one error style (`k1: error:`), exit code 2,
//! a range in the message (negative numbers included), the same value names in every help, and
//! nothing that starts work it cannot finish.

mod common;

use common::{k1, s, tone, write_wav_i16};

/// Every command that runs the engine, with what it needs to get past its own arguments.
const ENGINE_COMMANDS: [&[&str]; 9] = [
    &["analyze", "--demo"],
    &[
        "run",
        "--demo",
        "--duration",
        "1s",
        "--no-preview",
        "--no-http",
    ],
    &["render", "--demo", "-o", "x.png"],
    &["calibrate", "room.wav", "-o", "n.json"],
    &["eval", "clips"],
    &["bench", "analyze"],
    &["bench", "cpu", "--seconds", "1"],
    &["latency", "--clicks", "1"],
    &["soak", "--frames", "1", "--hops", "1"],
];

/// Asserts a usage error: exit 2, and every line of stderr that says "error" in K1's style.
fn usage_error(args: &[&str], wanted: &str) -> String {
    let run = k1(args);
    assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    assert!(
        run.stderr.starts_with("k1: error: "),
        "{args:?}: {}",
        run.stderr
    );
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("error:")),
        "{args:?}: {}",
        run.stderr
    );
    assert!(run.stderr.contains(wanted), "{args:?}: {}", run.stderr);
    run.stderr
}

#[test]
fn a_lowest_note_too_high_for_the_rate_names_the_range_in_every_command() {
    for command in ENGINE_COMMANDS {
        let mut args = command.to_vec();
        args.extend(["--lowest-note", "127"]);
        usage_error(&args, "--lowest-note 127 is out of range at --rate 12800");
        usage_error(&args, "the valid range is 21..=43");
        args.extend(["--rate", "16000"]);
        usage_error(&args, "the valid range is 21..=47");
    }
}

#[test]
fn durations_that_overflow_are_refused() {
    for flag in ["--duration", "--check"] {
        usage_error(
            &["run", "--demo", flag, "1000y"],
            "'1000y' is too long: at most 10 years",
        );
    }
    usage_error(
        &["discover", "--wait", "99999999999s"],
        "too long: at most 10 years",
    );
}

#[test]
fn negative_numbers_meet_the_range_check() {
    usage_error(&["run", "--fps", "-5"], "-5 is not in 1..=1000");
    usage_error(&["run", "--leds", "-1"], "-1 is not in 1..=4096");
    usage_error(
        &["render", "--demo", "-o", "x.png", "--fps", "-5"],
        "-5 is not in 1..=1000",
    );
    usage_error(&["soak", "--hops", "-3"], "-3 is not in 1..");
    usage_error(&["bench", "cpu", "--fps", "-5"], "-5 is not in 1..=1000");
}

#[test]
fn clap_errors_and_k1_errors_look_the_same() {
    // Found by clap: an unknown flag, a missing argument.
    usage_error(
        &["run", "--frobnicate"],
        "unexpected argument '--frobnicate'",
    );
    usage_error(&["calibrate", "room.wav"], "--output");
    // Found by K1: a bad pattern.
    usage_error(&["run", "--pattern", "plaid"], "unknown pattern 'plaid'");
    // A runtime error has the same prefix (exit 1).
    let run = k1(&["analyze", "/nonexistent/song.flac"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("k1: error: "), "{}", run.stderr);
}

#[test]
fn fps_and_leds_read_the_same_in_every_help_with_their_ranges() {
    for command in [
        &["run"][..],
        &["render"],
        &["bench", "cpu"],
        &["bench", "outputs"],
        &["latency"],
        &["soak"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let run = k1(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        for flag in ["--fps <N>", "--leds <N>"] {
            let at = run
                .stdout
                .find(flag)
                .unwrap_or_else(|| panic!("{args:?}: no '{flag}' in\n{}", run.stdout));
            // The flag's help text (up to the next option) states its range.
            let rest = &run.stdout[at + flag.len()..];
            let text = &rest[..rest.find("\n  -").unwrap_or(rest.len())];
            assert!(text.contains("1..="), "{args:?} {flag}: {text}");
        }
    }
}

#[test]
fn a_pattern_is_taken_by_its_api_index() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("t.wav");
    write_wav_i16(&wav, 44_100, 1, 22_050, |i, c| tone(i, c, 44_100));
    let out = dir.path().join("x.gif");
    // Index 16 is the last pattern; the API's /api/select takes the same numbers.
    let run = k1(&["render", s(&wav), "--pattern", "16", "-o", s(&out)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.is_file());
    usage_error(
        &["render", s(&wav), "--pattern", "17", "-o", s(&out)],
        "or an index 0..=16",
    );
}

#[test]
fn a_timeline_too_large_for_memory_is_refused_before_any_work() {
    usage_error(
        &[
            "render", "--demo", "--width", "20000", "--leds", "4096", "--fps", "1000", "-o",
            "x.png",
        ],
        "over the limit of 8 M",
    );
}
