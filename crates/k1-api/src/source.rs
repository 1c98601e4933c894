//! [`SourceSwitch`]: changes the audio source while K1 runs (`POST /api/audio-config
//! {"source": …}`), and knows which source is in use.
//!
//! ```text
//!  request ─► parse (400) ─► SourceFactory::open on a blocking worker (404 / 400; playback starts,
//!             silent until the new stream's start) ─► SourceMailbox ─► audio loop swaps between hops
//!             ─► reply: the old playback is stopped, the choice is kept for persistence ─► 200
//! ```
//!
//! Switches are serialised (one at a time). The audio thread never opens anything: it only
//! installs what the worker opened. On any failure the old source and its playback go on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use super::error::ApiError;
use k1_engine::{Handover, Shared};
use k1_io::sources::{KINDS, Opened, Playback, SourceFactory, SourceSpec};

/// How long a switch waits for the audio loop to take the new source: it looks between hops
/// (every few ms, at most every `IDLE_MAX`), so only a stopped engine takes longer.
pub const SWAP_WAIT: Duration = Duration::from_secs(3);

/// How long opening a source may take (a file's decoder start, a device open) before the switch
/// gives up; the old source plays on.
pub const OPEN_WAIT: Duration = Duration::from_secs(10);

/// The source in use, as the API reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentSource {
    /// Its spec, as `--input` or `POST {"source"}` takes it (`demo`, `mic`, a path, ...).
    pub spec: String,
    /// Its kind: one of [`KINDS`].
    pub kind: &'static str,
    /// A name for humans.
    pub name: String,
    /// The spec to save with the settings: the last one chosen over the API (or restored), never
    /// one given on the command line.
    pub saved: Option<String>,
}

/// See the module doc.
pub struct SourceSwitch {
    factory: SourceFactory,
    shared: Arc<Shared>,
    /// Serialises switches; holds the playback of the source in use.
    playback: tokio::sync::Mutex<Option<Playback>>,
    current: Mutex<CurrentSource>,
    swaps: AtomicU64,
}

impl SourceSwitch {
    /// A switch for an engine whose first source is `current`, playing through `playback`.
    pub fn new(
        factory: SourceFactory,
        shared: Arc<Shared>,
        current: CurrentSource,
        playback: Option<Playback>,
    ) -> Self {
        Self {
            factory,
            shared,
            playback: tokio::sync::Mutex::new(playback),
            current: Mutex::new(current),
            swaps: AtomicU64::new(0),
        }
    }

    /// The source in use.
    pub fn current(&self) -> CurrentSource {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The capture devices the switch opens microphones from.
    pub fn inputs(&self) -> &'static dyn k1_io::sources::live::devices::InputDevices {
        self.factory.inputs
    }

    /// Sources switched to (and taken by the audio loop) since the start.
    pub fn swaps(&self) -> u64 {
        self.swaps.load(Ordering::Relaxed)
    }

    /// The source as JSON: `source` (its spec), `source_name`, `source_kind`, `source_state`
    /// (`running`, or `ended` once a source chosen while running has ended) and
    /// `source_kinds` (what this build can open).
    pub fn json(&self) -> Value {
        let c = self.current();
        let state = if self.shared.sources().ended() {
            "ended"
        } else {
            "running"
        };
        json!({
            "source": c.spec,
            "source_name": c.name,
            "source_kind": c.kind,
            "source_state": state,
            "source_kinds": available_kinds(self.factory.inputs.available()),
        })
    }

    /// Takes the playback stream out at the end of a run (to report its gaps and stop it).
    /// `None` if there is none, or if a switch is still running.
    pub fn take_playback(&self) -> Option<Playback> {
        self.playback.try_lock().ok().and_then(|mut p| p.take())
    }

    /// Switches to the source `text` names and returns it once the audio loop uses it. The same
    /// source as now (its spec or its name) changes nothing. Errors: 400 `invalid_value` (a
    /// malformed spec, stdin, a file that is not audio, a port in use), 404 `source_not_found`
    /// (no such file or input device), 503 `engine_not_running`. On error nothing changes.
    pub async fn switch(&self, text: &str) -> Result<CurrentSource, ApiError> {
        let invalid = |m: String| ApiError::value("source", m);
        let spec = SourceSpec::parse(text).map_err(|e| invalid(format!("source {e}")))?;
        let mut playback = self.playback.lock().await;
        let now = self.current();
        if (spec.to_string() == now.spec || text == now.name) && !self.shared.sources().ended() {
            return Ok(now);
        }
        if !spec.reopenable() {
            return Err(invalid(k1_io::sources::OpenError::Stdin.to_string()));
        }
        if let SourceSpec::File(path) = &spec {
            check_regular_file(path)?;
        }
        let factory = self.factory;
        let open_spec = spec.clone();
        let opening = tokio::task::spawn_blocking(move || factory.open(&open_spec));
        let opened = tokio::time::timeout(OPEN_WAIT, opening)
            .await
            .map_err(|_| {
                invalid(format!(
                    "opening {spec} took longer than {} s",
                    OPEN_WAIT.as_secs()
                ))
            })?
            .map_err(|e| ApiError::Unavailable {
                code: "engine_not_running",
                message: format!("opening the source stopped: {e}"),
            })?
            .map_err(|e| {
                if e.is_not_found() {
                    ApiError::FieldNotFound {
                        code: "source_not_found",
                        field: "source",
                        message: e.to_string(),
                    }
                } else {
                    invalid(e.to_string())
                }
            })?;
        let Opened {
            install,
            name,
            playback: new_playback,
            notes,
            ..
        } = opened;
        for n in notes {
            tracing::info!("{n}");
        }
        let (done, mut reply) = tokio::sync::oneshot::channel();
        let mailbox = self.shared.sources();
        mailbox.offer(Handover {
            install,
            name: name.clone(),
            ends_run: false,
            done,
        });
        let answer = match tokio::time::timeout(SWAP_WAIT, &mut reply).await {
            Ok(answer) => answer.ok(),
            Err(_) => match mailbox.withdraw() {
                // Not taken: the engine is not running.
                Some(_) => None,
                // Taken just now: the answer is on its way.
                None => tokio::time::timeout(SWAP_WAIT, reply)
                    .await
                    .ok()
                    .and_then(Result::ok),
            },
        };
        match answer {
            Some(Ok(())) => {
                self.swaps.fetch_add(1, Ordering::Relaxed);
                let old = std::mem::replace(&mut *playback, new_playback);
                drop_off_thread(old);
                let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
                *current = CurrentSource {
                    spec: spec.to_string(),
                    kind: spec.kind(),
                    name,
                    saved: Some(spec.to_string()),
                };
                Ok(current.clone())
            }
            Some(Err(why)) => {
                drop_off_thread(new_playback);
                Err(invalid(format!("the source could not start: {why}")))
            }
            None => {
                drop_off_thread(new_playback);
                Err(ApiError::Unavailable {
                    code: "engine_not_running",
                    message: "the audio engine did not take the new source (is it stopping?)"
                        .into(),
                })
            }
        }
    }
}

/// A file to switch to must be a regular file: a FIFO or a device would block the opening (a
/// FIFO until a writer comes) or never end. 404 if it does not exist.
fn check_regular_file(path: &std::path::Path) -> Result<(), ApiError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(ApiError::value(
            "source",
            format!("{} is not a regular file", path.display()),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ApiError::FieldNotFound {
            code: "source_not_found",
            field: "source",
            message: format!("{}: no such file", path.display()),
        }),
        Err(e) => Err(ApiError::value(
            "source",
            format!("cannot open {}: {e}", path.display()),
        )),
    }
}

/// The kinds of source this build can switch to (stdin only at the start; the microphone only
/// where there are capture devices: `mics`, the `audio` feature).
pub fn available_kinds(mics: bool) -> Vec<&'static str> {
    KINDS
        .into_iter()
        .filter(|k| *k != "stdin" && (mics || *k != "mic"))
        .collect()
}

/// Stops a playback stream without holding up an async worker (stopping joins its feeder).
fn drop_off_thread(playback: Option<Playback>) {
    if let Some(p) = playback {
        tokio::task::spawn_blocking(move || {
            // Dropped here, on a blocking worker.
            let _stopped = p;
        });
    }
}
