//! `k1 render` end to end: a PNG timeline and a GIF from the demo loop and a real corpus song,
//! the same bytes for the same input, and clear usage errors.

mod common;

use common::k1;

fn tmp(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    (dir, path)
}

#[test]
fn demo_png_is_deterministic() {
    let (_d, a) = tmp("a.png");
    let (_e, b) = tmp("b.png");
    for path in [&a, &b] {
        let run = k1(&[
            "render",
            "--demo",
            "-o",
            path.to_str().unwrap(),
            "--pattern",
            "pulse",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let (x, y) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(x == y, "same input, same bytes");
    let img = image::load_from_memory(&x).unwrap();
    // 2 x 16 s of demo at 100 FPS = 3200 frames, downsampled to at most 1600 columns; 320 rows.
    assert_eq!((img.width(), img.height()), (1600, 320));
}

#[test]
fn options_change_the_picture() {
    let (_d, dir_path) = tmp("x");
    std::fs::create_dir_all(&dir_path).unwrap();
    let render = |name: &str, extra: &[&str]| {
        let path = dir_path.join(name);
        let mut args = vec!["render", "--demo", "-o", path.to_str().unwrap()];
        args.extend_from_slice(extra);
        let run = k1(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        std::fs::read(path).unwrap()
    };
    let base = render("base.png", &["--fps", "30"]);
    let lava = render("lava.png", &["--fps", "30", "--param", "palette=lava"]);
    assert!(base != lava);
    let small = render(
        "small.png",
        &["--fps", "30", "--leds", "16", "--width", "100"],
    );
    let img = image::load_from_memory(&small).unwrap();
    assert!(
        img.width() <= 100 && img.height() == 160,
        "{}x{}",
        img.width(),
        img.height()
    );
    let gif = render(
        "strip.gif",
        &["--fps", "25", "--pattern", "bloom", "--leds", "40"],
    );
    assert!(gif.starts_with(b"GIF89a"));
}

#[test]
fn a_real_song() {
    let song = common::corpus().join("real/lincity_pronobozo.flac");
    let (_d, out) = tmp("lincity.png");
    let run = k1(&[
        "render",
        song.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let img = image::load_from_memory(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(img.height(), 320);
    assert!(img.width() > 800);
}

/// `docs/render-lincity_pronobozo.png`, the README's picture, is what `scripts/render-docs-picture.sh`
/// draws today: the script is run with this build of k1 and the bytes' hashes compared.
#[test]
fn the_readme_picture_is_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (_d, out) = tmp("readme.png");
    let run = std::process::Command::new("bash")
        .arg(root.join("scripts/render-docs-picture.sh"))
        .arg(&out)
        .env("K1_BIN", env!("CARGO_BIN_EXE_k1"))
        .env("K1_CORPUS", common::corpus())
        .output()
        .expect("run bash");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let hash = |path: &std::path::Path| {
        k1_core::hash::fnv1a(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
    };
    let (today, committed) = (
        hash(&out),
        hash(&root.join("docs/render-lincity_pronobozo.png")),
    );
    assert_eq!(
        today, committed,
        "docs/render-lincity_pronobozo.png is stale (hash {committed:016x}, the renderer draws \
         {today:016x}): run scripts/render-docs-picture.sh and commit the picture"
    );
}

#[test]
fn usage_errors_list_the_choices() {
    let (_d, out) = tmp("o.png");
    let o = out.to_str().unwrap();
    let run = k1(&["render", "--demo", "-o", o, "--pattern", "sparkle"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("valid:") && run.stderr.contains("beat_tunnel"),
        "{}",
        run.stderr
    );
    let run = k1(&["render", "--demo", "-o", o, "--param", "shine=1"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("saturation"), "{}", run.stderr);
    let run = k1(&["render", "--demo", "-o", o, "--param", "speed=7"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("speed must be between 0 and 1"),
        "{}",
        run.stderr
    );
    let run = k1(&["render", "/nonexistent.flac", "-o", o]);
    assert_eq!(run.code, 1);
    assert!(!out.exists());
}

/// `k1 render --report --demo`: the light report, one summary row per pattern with the floors,
/// and no picture; `--report` with `--output` is a usage error.
#[test]
fn the_light_report_has_a_row_per_pattern() {
    let run = k1(&["render", "--report", "--demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("| *floor* | *≥ 64*"), "{}", run.stdout);
    for p in &k1_core::render::PATTERNS {
        let row = format!("\n| {} | demo |", p.id);
        assert!(run.stdout.contains(&row), "no {row:?} in {}", run.stdout);
        let summary = format!("\n| {} | ", p.id);
        assert_eq!(
            run.stdout.matches(&summary).count(),
            2,
            "{} rows of {}",
            p.id,
            run.stdout
        );
    }
    let (_d, out) = tmp("o.png");
    let run = k1(&["render", "--report", "--demo", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!out.exists());
}
