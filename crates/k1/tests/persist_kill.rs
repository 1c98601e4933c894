//! Persistence survives SIGKILL: a real `k1 run --demo` gets a stream of parameter changes over
//! HTTP and is killed with SIGKILL in the middle of it. Meanwhile a reader parses the settings
//! file over and over. Checks: the file always parses (never half-written), the change it holds
//! was acknowledged and is no older than a change already seen on disk before the second burst
//! of changes (a save is never undone by a later kill), and a restart restores it. How much of
//! the last 200 ms a kill loses depends on the machine's load, so it is printed, not asserted.

mod api_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use api_support::{http, start_k1};

/// Changes sent before the test waits for one to be on disk, and again before the kill.
const BURST: u32 = 200;

#[test]
fn a_sigkill_leaves_a_whole_file_with_an_acknowledged_change() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    let mut k1 = start_k1(dir.path(), &[]);
    let addr = k1.addr;

    // A reader that parses the file whenever it can, as another program would.
    let stop = Arc::new(AtomicBool::new(false));
    let (reads, torn) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let reader = {
        let (stop, reads, torn, file) = (stop.clone(), reads.clone(), torn.clone(), file.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(bytes) = std::fs::read(&file) {
                    reads.fetch_add(1, Ordering::Relaxed);
                    if serde_json::from_slice::<serde_json::Value>(&bytes).is_err() {
                        torn.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        })
    };
    let saved_change = || -> Option<u32> {
        let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
        Some((saved["parameters"]["brightness"].as_f64()? * 1e6).round() as u32)
    };

    // Changes: brightness = i / 1e6 (the API keeps 6 decimals), each acknowledged at a known
    // time. A first burst, then a wait (a minute at most) until its last change is on disk.
    let start = Instant::now();
    let mut acks: Vec<(u32, Instant)> = Vec::new();
    let mut send = |i: u32| {
        let body = format!("{{\"brightness\": {}}}", f64::from(i) / 1e6);
        let r = http(addr, "POST", "/api/params", &body, &[]);
        assert_eq!(r.status, 200, "{r:?}");
        acks.push((i, Instant::now()));
    };
    for i in 1..=BURST {
        send(i);
    }
    while saved_change() != Some(BURST) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "change {BURST} never reached the file: {:?}",
            saved_change()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // A second burst, and the kill straight after its last acknowledgement.
    for i in BURST + 1..=2 * BURST {
        send(i);
    }
    let killed_at = Instant::now();
    k1.child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    let status = k1.child.wait().unwrap();
    assert!(!status.success(), "killed, not exited: {status:?}");
    std::thread::sleep(Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();

    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap())
        .expect("the settings file parses after the kill");
    let b = saved["parameters"]["brightness"].as_f64().unwrap();
    let kept = (b * 1e6).round() as u32;
    let kept_at = acks
        .iter()
        .find(|(n, _)| *n == kept)
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("the file holds brightness {b}, which was never acknowledged"));
    let lost: Vec<&(u32, Instant)> = acks.iter().filter(|(n, _)| *n > kept).collect();
    let oldest_lost = lost.first().map(|(_, t)| killed_at - *t);
    eprintln!(
        "persist_kill: {} changes in {:.2} s; killed {:.0} ms after the saved change; {} changes \
         lost, the oldest acknowledged {:?} before the kill; {} reads of the file, {} unparsable",
        acks.len(),
        (killed_at - start).as_secs_f64(),
        (killed_at - kept_at).as_secs_f64() * 1000.0,
        lost.len(),
        oldest_lost,
        reads.load(Ordering::Relaxed),
        torn.load(Ordering::Relaxed),
    );
    assert!(
        kept >= BURST,
        "change {kept} is older than {BURST}, which was on disk"
    );
    assert_eq!(
        torn.load(Ordering::Relaxed),
        0,
        "a reader saw a half-written file"
    );
    assert!(reads.load(Ordering::Relaxed) > 0);

    // A restart restores what was saved.
    let mut again = start_k1(dir.path(), &[]);
    let r = http(again.addr, "GET", "/api/params", "", &[]);
    again.child.kill().ok();
    again.child.wait().ok();
    assert_eq!(r.json()["brightness"].as_f64(), Some(b), "{r:?}");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_corrupt_settings_file_is_moved_aside_and_the_defaults_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.json"), "{\"pattern\": \"bloo").unwrap();
    let mut k1 = start_k1(dir.path(), &[]);
    let r = http(k1.addr, "GET", "/api/params", "", &[]);
    k1.child.kill().ok();
    k1.child.wait().ok();
    assert!(
        k1.early
            .iter()
            .any(|l| l.contains("settings.json is corrupt")),
        "no warning: {:?}",
        k1.early
    );
    assert_eq!(r.json()["brightness"], 1.0);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("settings.json.corrupt-")),
        "{names:?}"
    );
}

#[test]
fn outputs_of_a_restored_backup_are_used_by_the_next_run_and_those_of_a_run_are_not() {
    let dir = tempfile::tempdir().unwrap();
    // Outputs named for one run stay with it. (OPC to a closed port: its sends fail and are
    // retried, which is fine here.)
    let mut first = start_k1(dir.path(), &["--out", "opc://127.0.0.1:9?name=strip"]);
    let info = http(first.addr, "GET", "/api/device/info", "", &[]).json();
    assert_eq!(info["outputs"][0]["name"], "strip", "{info}");
    let backup = http(first.addr, "GET", "/api/config/backup", "", &[]).json();
    assert_eq!(
        backup["outputs"][0]["url"], "opc://127.0.0.1:9?name=strip",
        "{backup}"
    );
    first.child.kill().ok();
    first.child.wait().ok();
    assert!(!dir.path().join("outputs.json").exists());

    let mut second = start_k1(dir.path(), &[]);
    let info = http(second.addr, "GET", "/api/device/info", "", &[]).json();
    assert_eq!(info["outputs"], serde_json::json!([]), "{info}");
    // Restoring the backup keeps its outputs for the next start.
    let r = http(
        second.addr,
        "POST",
        "/api/config/restore",
        &backup.to_string(),
        &[],
    );
    assert_eq!(r.json()["outputs_restored"], true, "{r:?}");
    // Wait (a minute at most) for the restored outputs to be saved, then stop.
    let saved = dir.path().join("outputs.json");
    let t = Instant::now();
    while !std::fs::read_to_string(&saved).is_ok_and(|s| s.contains("strip"))
        && t.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    second.child.kill().ok();
    second.child.wait().ok();

    let mut third = start_k1(dir.path(), &[]);
    let info = http(third.addr, "GET", "/api/device/info", "", &[]).json();
    third.child.kill().ok();
    third.child.wait().ok();
    assert_eq!(info["outputs"][0]["name"], "strip", "{info}");
    assert!(
        third.early.iter().any(|l| l.contains("saved LED outputs")),
        "{:?}",
        third.early
    );
}
