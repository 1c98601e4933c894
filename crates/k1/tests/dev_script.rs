//! `./dev` (the README's two commands) on a fake machine: a PATH holding only stand-ins for the
//! tools it looks for, so each test decides what is installed and sees what the script would
//! install and run.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The script at the repository's root.
fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dev")
}

/// The real bash, found before the PATH is replaced.
fn bash() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("bash"))
        .find(|p| p.is_file())
        .expect("bash on PATH")
}

/// A directory to serve as the whole PATH, with the given tools as shell scripts.
fn fake_path(tools: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in tools {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!{}\n{body}\n", bash().display())).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

fn run(path: &Path, args: &[&str]) -> Output {
    Command::new(bash())
        .arg(script())
        .args(args)
        .env_clear()
        .env("PATH", path)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const CARGO: (&str, &str) = ("cargo", r#"echo "cargo-ran $*""#);
const RUSTC: (&str, &str) = ("rustc", "echo 'rustc 1.91.0 (f8297e351 2025-10-28)'");

#[test]
fn print_lists_every_missing_package_for_the_tests_and_the_cargo_command() {
    // No cc, no pkg-config, no tshark.
    let path = fake_path(&[CARGO, RUSTC]);
    let out = run(path.path(), &["--print", "test", "-p", "k1"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("missing system packages: build-essential pkg-config libasound2-dev tshark"),
        "{t}"
    );
    assert!(t.contains("would run: apt-get update"), "{t}");
    assert!(
        t.contains("apt-get install -y --no-install-recommends build-essential pkg-config libasound2-dev tshark"),
        "{t}"
    );
    assert!(t.contains("would run: cargo test --workspace -p k1"), "{t}");
    assert!(!t.contains("cargo-ran"), "--print ran cargo: {t}");
}

#[test]
fn the_demo_needs_no_tshark_and_alsa_is_checked_through_pkg_config() {
    let path = fake_path(&[
        CARGO,
        RUSTC,
        ("cc", "exit 0"),
        // pkg-config is there, the ALSA headers are not.
        (
            "pkg-config",
            r#"[ "$*" = "--exists alsa" ] && exit 1; exit 0"#,
        ),
    ]);
    let out = run(path.path(), &["--print", "run-demo"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("missing system packages: libasound2-dev\n"),
        "{t}"
    );
    assert!(
        t.contains("would run: cargo run --release -p k1 -- run --demo"),
        "{t}"
    );
}

#[test]
fn with_everything_present_it_installs_nothing_and_runs_cargo() {
    let path = fake_path(&[
        CARGO,
        RUSTC,
        ("cc", "exit 0"),
        ("pkg-config", "exit 0"),
        ("tshark", "exit 0"),
        ("apt-get", "echo apt-get-ran; exit 1"),
    ]);
    let out = run(path.path(), &["test"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("system packages: all present"), "{t}");
    assert!(!t.contains("apt-get-ran"), "{t}");
    assert!(t.contains("cargo-ran test --workspace"), "{t}");
}

#[test]
fn missing_packages_are_installed_with_apt_before_cargo_runs() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let apt = format!(r#"echo "apt-get $*" >> {}"#, log.path().display());
    let path = fake_path(&[
        CARGO,
        RUSTC,
        ("cc", "exit 0"),
        ("pkg-config", "exit 0"),
        ("apt-get", &apt),
        // The test may run as root or not; either way the install goes through.
        ("sudo", r#""$@""#),
        ("env", r#"shift; "$@""#),
    ]);
    let out = run(path.path(), &["test"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let apt_calls = std::fs::read_to_string(log.path()).unwrap();
    assert_eq!(
        apt_calls, "apt-get update\napt-get install -y --no-install-recommends tshark\n",
        "{t}"
    );
    assert!(t.contains("cargo-ran test --workspace"), "{t}");
}

#[test]
fn without_apt_it_prints_the_command_and_stops() {
    let path = fake_path(&[CARGO, RUSTC, ("cc", "exit 0"), ("pkg-config", "exit 0")]);
    let out = run(path.path(), &["test"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("apt-get update && apt-get install -y --no-install-recommends tshark"),
        "{t}"
    );
    assert!(!t.contains("cargo-ran"), "{t}");
}

#[test]
fn rust_missing_or_too_old_is_explained_not_installed() {
    let path = fake_path(&[("cc", "exit 0"), ("pkg-config", "exit 0")]);
    let t = text(&run(path.path(), &["run-demo"]));
    assert!(
        t.contains("cargo is missing") && t.contains("sh.rustup.rs"),
        "{t}"
    );

    let old = fake_path(&[
        CARGO,
        ("rustc", "echo 'rustc 1.85.1 (4eb161250 2025-03-15)'"),
        ("cc", "exit 0"),
        ("pkg-config", "exit 0"),
    ]);
    let out = run(old.path(), &["run-demo"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("rustc 1.85.1 is older than 1.90"), "{t}");
    assert!(!t.contains("cargo-ran"), "{t}");
}

#[test]
fn an_unknown_verb_is_refused() {
    let path = fake_path(&[CARGO, RUSTC]);
    let out = run(path.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("unknown verb 'build'"));
}
