//! `POST /api/audio-config {"source": …}`: switching the audio source, with good and bad input.
//! A stand-in for the audio loop takes the handed-over source from the mailbox exactly as the
//! real loop does (`SourceMailbox::take`, then the install closure), so the replies, the state
//! the API reports and what is saved are all checked without running the engine.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::store::Doc;
use k1_engine::Shared;

/// Takes handed-over sources like the audio loop until dropped; counts the installs.
pub(super) struct FakeAudioLoop {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Vec<String>>>,
}

impl FakeAudioLoop {
    pub(super) fn start(shared: Arc<Shared>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut installed = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                if let Some(h) = shared.sources().take() {
                    match (h.install)() {
                        Ok(source) => {
                            installed.push(source.name().to_string());
                            let _ = h.done.send(Ok(()));
                        }
                        Err(e) => {
                            let _ = h.done.send(Err(e.to_string()));
                        }
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            installed
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops it and returns the names of the sources it installed.
    pub(super) fn finish(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

/// Writes one second of a 440 Hz tone as a 16-bit WAV file.
fn tone(dir: &Path) -> PathBuf {
    let path = dir.join("tone.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..44_100 {
        let v = (i as f32 * 440.0 * std::f32::consts::TAU / 44_100.0).sin() * 8000.0;
        w.write_sample(v as i16).unwrap();
    }
    w.finalize().unwrap();
    path
}

fn body(source: &str) -> String {
    serde_json::json!({ "source": source }).to_string()
}

#[tokio::test]
async fn malformed_sources_are_400_and_change_nothing() {
    let s = state();
    for bad in [
        r#"{"source": 5}"#,
        r#"{"source": null}"#,
        r#"{"source": ["demo"]}"#,
        r#"{"source": ""}"#,
        r#"{"source": "mic:"}"#,
        r#"{"source": "wled-sync:0"}"#,
        r#"{"source": "wled-sync:99999"}"#,
    ] {
        assert_error(
            &post(&s, "/api/audio-config", bad).await,
            400,
            "invalid_value",
            Some("source"),
        );
    }
    let j = get(&s, "/api/audio-config").await.json();
    assert_eq!(j["source"], "demo");
    assert_eq!(j["source_kind"], "demo");
    assert_eq!(j["source_state"], "running");
    assert!(
        j["source_kinds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "file")
    );
    assert!(
        !j["source_kinds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "stdin")
    );
}

#[tokio::test]
async fn stdin_missing_files_and_non_audio_are_refused_and_the_old_source_stays() {
    let s = state();
    let r = post(&s, "/api/audio-config", &body("-")).await;
    assert_error(&r, 400, "invalid_value", Some("source"));
    assert!(r.json()["message"].as_str().unwrap().contains("stdin"));

    let r = post(&s, "/api/audio-config", &body("/nonexistent/k1/song.flac")).await;
    assert_error(&r, 404, "source_not_found", Some("source"));
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("no such file")
    );

    let dir = tempfile::tempdir().unwrap();
    // Not regular files: a FIFO would block the opening until a writer came.
    for odd in [dir.path().to_str().unwrap(), "/dev/null"] {
        let r = post(&s, "/api/audio-config", &body(odd)).await;
        assert_error(&r, 400, "invalid_value", Some("source"));
        assert!(
            r.json()["message"]
                .as_str()
                .unwrap()
                .contains("not a regular file")
        );
    }
    let text = dir.path().join("notes.flac");
    std::fs::write(&text, "not audio at all").unwrap();
    let r = post(&s, "/api/audio-config", &body(text.to_str().unwrap())).await;
    assert_error(&r, 400, "invalid_value", Some("source"));
    // A good source with a bad gain: all or nothing.
    let wav = tone(dir.path());
    let both = serde_json::json!({"source": wav, "microphone_gain": 9}).to_string();
    assert_error(
        &post(&s, "/api/audio-config", &both).await,
        400,
        "invalid_value",
        Some("microphone_gain"),
    );

    assert_eq!(get(&s, "/api/audio-config").await.json()["source"], "demo");
    assert_eq!(s.source.swaps(), 0);
    assert!(s.store.get(Doc::Settings).is_none(), "nothing to save");
}

#[tokio::test]
async fn a_file_then_the_demo_are_switched_to_reported_and_saved() {
    let s = state();
    let audio = FakeAudioLoop::start(Arc::clone(&s.shared));
    let dir = tempfile::tempdir().unwrap();
    let wav = tone(dir.path());
    let path = wav.to_str().unwrap();

    let r = post(&s, "/api/audio-config", &body(path)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let j = r.json();
    assert_eq!(j["source"], path);
    assert_eq!(j["source_kind"], "file");
    assert_eq!(j["source_name"], path);
    assert_eq!(
        j["microphone_gain"], 1.0,
        "the other fields are still there"
    );
    let info = get(&s, "/api/device/info").await.json();
    assert_eq!(info["source"], path);
    assert_eq!(info["source_kind"], "file");
    let perf = get(&s, "/api/device/performance").await.json();
    assert_eq!(perf["source"], path);
    assert_eq!(perf["source_swaps"], 1);
    let metrics = String::from_utf8(get(&s, "/metrics").await.body).unwrap();
    assert!(
        metrics.contains(&format!(
            "k1_source_info{{kind=\"file\",name=\"{path}\"}} 1"
        )),
        "{metrics}"
    );
    assert_eq!(s.store.get(Doc::Settings).unwrap()["source"], path);

    // The same source again changes nothing; the demo by name or spec switches back.
    let r = post(&s, "/api/audio-config", &body(path)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(s.source.swaps(), 1);
    let both = serde_json::json!({"source": "demo", "microphone_gain": 1.25}).to_string();
    let j = post(&s, "/api/audio-config", &both).await.json();
    assert_eq!(j["source"], "demo");
    assert_eq!(j["source_name"], "demo loop (120 BPM)");
    assert_eq!(j["microphone_gain"], 1.25);
    let saved = s.store.get(Doc::Settings).unwrap();
    assert_eq!(saved["source"], "demo");
    assert_eq!(saved["microphone_gain"], 1.25);

    let installed = audio.finish();
    assert_eq!(installed, [path.to_string(), "demo loop (120 BPM)".into()]);
    assert_eq!(s.source.swaps(), 2);
}

#[tokio::test]
async fn without_a_running_engine_the_switch_is_503_and_nothing_changes() {
    let s = state();
    let dir = tempfile::tempdir().unwrap();
    let wav = tone(dir.path());
    let r = post(&s, "/api/audio-config", &body(wav.to_str().unwrap())).await;
    assert_error(&r, 503, "engine_not_running", None);
    assert_eq!(get(&s, "/api/audio-config").await.json()["source"], "demo");
    assert!(
        s.shared.sources().take().is_none(),
        "the handover was withdrawn"
    );
}
