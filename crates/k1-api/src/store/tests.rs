//! The store's own tests: round trip, debounce, corrupt files.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::*;

#[test]
fn changes_are_written_after_the_window_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    // A window long enough that no scheduling delay between the puts and the first look can
    // pass it; then a wait (a minute at most) for the one write.
    let (store, warnings) = Store::open(dir.path(), Duration::from_secs(1)).unwrap();
    assert!(warnings.is_empty());
    let store = Arc::new(store);
    let writer = Writer::start(Arc::clone(&store)).unwrap();
    store.put(Doc::Settings, json!({"a": 1}));
    store.put(Doc::Settings, json!({"a": 2}));
    let file = dir.path().join("settings.json");
    assert!(!file.exists(), "written before the window passed");
    let t = std::time::Instant::now();
    while !file.exists() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let on_disk: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(on_disk, json!({"a": 2}), "the last change, in one write");
    store.put(Doc::Presets, json!({"p": {}}));
    writer.stop(); // flushes
    let (again, _) = Store::open(dir.path(), DEBOUNCE).unwrap();
    assert_eq!(again.get(Doc::Settings), Some(json!({"a": 2})));
    assert_eq!(again.get(Doc::Presets), Some(json!({"p": {}})));
    assert_eq!(again.get(Doc::Calibration), None);
}

#[test]
fn a_corrupt_file_is_moved_aside_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("presets.json"), "{\"half\": [1, 2").unwrap();
    std::fs::write(dir.path().join(".settings.json.tmp999"), "junk").unwrap();
    let (store, warnings) = Store::open(dir.path(), DEBOUNCE).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("presets.json is corrupt"),
        "{warnings:?}"
    );
    assert_eq!(store.get(Doc::Presets), None);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("presets.json.corrupt-")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
}

#[test]
fn a_failed_write_is_counted_and_kept_for_later() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("sub"), DEBOUNCE).unwrap();
    std::fs::remove_dir(dir.path().join("sub")).unwrap();
    store.put(Doc::Settings, json!(1));
    assert!(store.flush().is_err());
    assert_eq!(store.write_errors(), 1);
    assert!(store.pending());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    store.flush().unwrap();
    assert!(!store.pending());
}

#[test]
fn in_memory_writes_nothing() {
    let store = Store::in_memory();
    store.put(Doc::Settings, json!(1));
    store.flush().unwrap();
    assert_eq!(store.get(Doc::Settings), Some(json!(1)));
    assert!(store.dir().is_none());
}
