//! `k1 patterns`, `k1 palettes` and `k1 params [PATTERN]` from the built binary: every pattern,
//! palette and parameter of the core's tables is listed, values read in their units, swatches are
//! drawn only when asked for (or on a terminal without NO_COLOR: a test's stdout is a pipe), and
//! a wrong pattern is a usage error that lists the right ones.

mod common;

use common::{k1, k1_command};
use k1_core::palettes::PALETTES;
use k1_core::params::GLOBAL;
use k1_core::render::PATTERNS;

#[test]
fn patterns_lists_every_pattern_with_its_meaning_and_own_parameters() {
    let run = k1(&["patterns"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (i, p) in PATTERNS.iter().enumerate() {
        let line = run
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{i} ")))
            .unwrap_or_else(|| panic!("no line for pattern {i}:\n{}", run.stdout));
        assert!(line.contains(p.id) && line.contains(p.name), "{line}");
        for c in p.custom {
            assert!(line.contains(c.name), "{line} lacks {}", c.name);
        }
        assert!(run.stdout.contains(p.description), "{}", p.id);
    }
}

#[test]
fn palettes_are_plain_into_a_pipe_and_drawn_when_asked() {
    let plain = k1(&["palettes"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stdout.contains('\x1b'), "escapes into a pipe");
    for (i, p) in PALETTES.iter().enumerate() {
        let c = p.preview()[0];
        let hex = format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
        let line = plain
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{i} ")))
            .unwrap_or_else(|| panic!("no line for palette {i}"));
        assert!(line.contains(p.id) && line.contains(&hex), "{line}");
    }
    let drawn = k1(&["palettes", "--color", "always"]);
    assert_eq!(drawn.code, 0);
    let lines: Vec<&str> = drawn.stdout.lines().take(PALETTES.len()).collect();
    for line in &lines {
        assert!(line.contains("\x1b[48;2;"), "no true-colour cell: {line:?}");
        assert!(line.ends_with("\x1b[0m"), "colour not reset: {line:?}");
    }
    // NO_COLOR wins over auto (here a pipe says no colour anyway) but not over `always`.
    let out = k1_command()
        .args(["palettes", "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b[48;2;"));
    let never = k1(&["palettes", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
    let bad = k1(&["palettes", "--color", "sometimes"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn params_lists_ranges_units_defaults_and_meanings() {
    let run = k1(&["params"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = |name: &str| {
        run.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no line for {name}:\n{}", run.stdout))
            .to_string()
    };
    for p in GLOBAL
        .iter()
        .filter(|p| !p.name.starts_with("custom_param"))
    {
        assert!(line(p.name).contains(p.description), "{}", p.name);
    }
    assert!(line("brightness").contains("0 % – 100 %"));
    assert!(line("color").contains("0° – 360°"));
    assert!(line("speed").contains("0.25× – 4.00×"));
    assert!(line("softness").contains(" s – "));
    assert!(run.stdout.contains("custom_param_1..3"));

    let bloom = k1(&["params", "bloom"]);
    assert_eq!(bloom.code, 0, "{}", bloom.stderr);
    let decay = bloom
        .stdout
        .lines()
        .find(|l| l.starts_with("decay "))
        .unwrap_or_else(|| panic!("no decay line:\n{}", bloom.stdout));
    assert!(decay.contains("0.02..0.5 (2 % – 50 %)"), "{decay}");
    let trail = k1(&["params", "void trail"]);
    assert!(trail.stdout.contains("trail | ripples | stream"));
}

#[test]
fn params_of_an_unknown_pattern_is_a_usage_error_listing_them() {
    let run = k1(&["params", "nope"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.starts_with("k1: error: unknown pattern 'nope'"));
    for p in PATTERNS.iter() {
        assert!(run.stderr.contains(p.id), "{}", p.id);
    }
}
