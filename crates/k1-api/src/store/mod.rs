//! Persistence: the settings, presets, LED outputs and noise calibration, kept as JSON files in the config
//! directory and written behind a short debounce.
//!
//! ```text
//!  API change ─► Store::put(doc, json) ─► [dirty since t0] ─► writer thread, at t0 + DEBOUNCE:
//!                                                             temp file, fsync, rename, fsync dir
//! ```
//!
//! The store does not know what the documents mean (the API does): it keeps the newest JSON of
//! each [`Doc`] in memory, and a writer thread replaces its file atomically ([`k1_io::atomic`])
//! at most [`DEBOUNCE`] after the first change it has not saved yet, so a stream of changes
//! costs one write per window and a crash loses at most the last window. A file that does not
//! parse is moved aside (`settings.json.corrupt-<unix time>`) with a warning and the defaults are
//! used. Without a directory ([`Store::in_memory`]) nothing is written.

mod config_file;
mod dirs;
mod token;
mod writer;

pub use config_file::RunFile;
pub use dirs::default_dir;
pub use token::load_or_create_token;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The longest a change waits in memory before it is written.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// One persisted document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Doc {
    /// The pattern, parameters and input gain (`settings.json`).
    Settings,
    /// The named presets (`presets.json`).
    Presets,
    /// The noise floor from the last calibration (`calibration.json`, the `--noise-profile`
    /// format).
    Calibration,
    /// LED outputs set over the API or from a restored backup (`outputs.json`: `[[outputs]]`
    /// tables as JSON), used by a run that names none.
    Outputs,
}

impl Doc {
    /// Every document.
    pub const ALL: [Doc; 4] = [Doc::Settings, Doc::Presets, Doc::Calibration, Doc::Outputs];

    /// Its file name in the config directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Doc::Settings => "settings.json",
            Doc::Presets => "presets.json",
            Doc::Calibration => "calibration.json",
            Doc::Outputs => "outputs.json",
        }
    }
}

#[derive(Debug, Default)]
struct State {
    docs: BTreeMap<Doc, Value>,
    /// Changed since last written, and when the oldest unwritten change was made.
    dirty: BTreeMap<Doc, Instant>,
    /// Writes that failed since the start (reported by [`Store::write_errors`]).
    errors: u64,
    stopping: bool,
}

/// The persisted documents and their writer. See the module doc.
#[derive(Debug)]
pub struct Store {
    dir: Option<PathBuf>,
    debounce: Duration,
    state: Mutex<State>,
    wake: Condvar,
}

impl Store {
    /// A store that keeps everything in memory and writes nothing (`--no-persist`).
    pub fn in_memory() -> Store {
        Store {
            dir: None,
            debounce: DEBOUNCE,
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        }
    }

    /// Opens the store in `dir` (created if missing) and loads every document. Returns the store
    /// and the warnings to show (a corrupt file moved aside, leftovers of an interrupted write).
    pub fn open(dir: &Path, debounce: Duration) -> std::io::Result<(Store, Vec<String>)> {
        std::fs::create_dir_all(dir)?;
        let mut warnings = Vec::new();
        let mut docs = BTreeMap::new();
        for doc in Doc::ALL {
            remove_leftovers(dir, doc.file_name());
            let path = dir.join(doc.file_name());
            match std::fs::read(&path) {
                Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                    Ok(v) => {
                        docs.insert(doc, v);
                    }
                    Err(e) => warnings.push(quarantine(&path, &e.to_string())),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => warnings.push(format!("cannot read {}: {e}", path.display())),
            }
        }
        let store = Store {
            dir: Some(dir.to_path_buf()),
            debounce,
            state: Mutex::new(State {
                docs,
                ..State::default()
            }),
            wake: Condvar::new(),
        };
        Ok((store, warnings))
    }

    /// The directory the files are in (`None` for an in-memory store).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The newest JSON of `doc`, if there is any.
    pub fn get(&self, doc: Doc) -> Option<Value> {
        self.lock().docs.get(&doc).cloned()
    }

    /// Replaces `doc`; it is written within the debounce window.
    pub fn put(&self, doc: Doc, value: Value) {
        let mut state = self.lock();
        if state.docs.get(&doc) == Some(&value) {
            return;
        }
        state.docs.insert(doc, value);
        state.dirty.entry(doc).or_insert_with(Instant::now);
        drop(state);
        self.wake.notify_all();
    }

    /// Writes every changed document now (on shutdown). Returns the first error.
    pub fn flush(&self) -> std::io::Result<()> {
        writer::write_due(self, None)
    }

    /// How many writes have failed since the start.
    pub fn write_errors(&self) -> u64 {
        self.lock().errors
    }

    /// Whether changes are waiting to be written.
    #[cfg(test)]
    pub fn pending(&self) -> bool {
        !self.lock().dirty.is_empty()
    }
}

pub use writer::Writer;

/// Moves a corrupt file aside; returns the warning.
fn quarantine(path: &Path, why: &str) -> String {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".corrupt-{stamp}"));
    let aside = PathBuf::from(aside);
    match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "{} is corrupt ({why}); moved it to {} and started from the defaults",
            path.display(),
            aside.display()
        ),
        Err(e) => format!(
            "{} is corrupt ({why}) and cannot be moved aside ({e}); using the defaults",
            path.display()
        ),
    }
}

/// Removes temporary files that a write interrupted by a crash left (`.NAME.tmpPID`).
fn remove_leftovers(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests;
