//! `k1 run --preset NAME` and the power switch on a real `k1 run --demo`: a preset saved over
//! the API starts the next run, the light switched off over the API stays off after a restart
//! (even when the command line names the look), and a preset that does not exist stops the start
//! with a usage error that names the saved ones.

mod api_support;
mod common;

use std::time::{Duration, Instant};

use api_support::{Running, http, start_k1};

fn stop(mut k1: Running) {
    k1.child.kill().ok();
    k1.child.wait().ok();
}

/// Runs `check` on a started k1 and stops it whatever happens.
fn with_k1(dir: &std::path::Path, extra: &[&str], check: impl FnOnce(&Running)) {
    let k1 = start_k1(dir, extra);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&k1)));
    stop(k1);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// Waits (up to 60 s: the machine may be busy) until the saved settings say `needle`.
fn saved(dir: &std::path::Path, file: &str, needle: &str) {
    let path = dir.join(file);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.replace(' ', "").contains(needle) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} never said {needle}: {text}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_saved_preset_starts_the_run_and_the_light_stays_off_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    with_k1(dir.path(), &[], |k1| {
        let r = http(k1.addr, "GET", "/api/power", "", &[]);
        assert_eq!((r.status, r.json()["on"].clone()), (200, true.into()));
        let body = r#"{"name": "party", "pattern": "bloom", "parameters": {"brightness": 0.4}}"#;
        let r = http(k1.addr, "POST", "/api/presets", body, &[]);
        assert_eq!(r.status, 201, "{}", r.body);
        let r = http(k1.addr, "POST", "/api/power", r#"{"on": false}"#, &[]);
        assert_eq!((r.status, r.json()["on"].clone()), (200, false.into()));
        saved(dir.path(), "presets.json", "\"party\"");
        saved(dir.path(), "settings.json", "\"power\":false");
    });
    with_k1(dir.path(), &["--preset", "party"], |k1| {
        let patterns = http(k1.addr, "GET", "/api/patterns", "", &[]).json();
        assert_eq!(patterns["current_pattern"], 5, "bloom, from the preset");
        let params = http(k1.addr, "GET", "/api/params", "", &[]).json();
        assert_eq!(params["brightness"], 0.4);
        let power = http(k1.addr, "GET", "/api/power", "", &[]).json();
        assert_eq!(power["on"], false, "switched off in the last run");
        assert!(
            k1.early
                .iter()
                .any(|l| l.contains("the light is switched off")),
            "{:?}",
            k1.early
        );
        let r = http(k1.addr, "POST", "/api/power", r#"{"on": true}"#, &[]);
        assert_eq!(r.json()["on"], true);
    });
}

#[test]
fn a_preset_that_does_not_exist_is_a_usage_error_naming_the_saved_ones() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let base = [
        "run",
        "--demo",
        "--no-http",
        "--no-preview",
        "--config-dir",
        d,
    ];
    let run = common::k1(&[&base[..], &["--preset", "party"]].concat());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no presets are saved in"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.path().join("presets.json"),
        r#"{"version": 1, "presets": {"calm": {"pattern": "lava"}, "loud": {"pattern": "hype"}}}"#,
    )
    .unwrap();
    let run = common::k1(&[&base[..], &["--preset", "party"]].concat());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "k1: error: --preset: no preset called 'party'; saved presets: calm, loud"
        ),
        "{}",
        run.stderr
    );
}
