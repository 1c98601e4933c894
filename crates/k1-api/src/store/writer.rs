//! The store's writer thread: waits for a change, lets the debounce window pass, then writes
//! every changed document atomically.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use super::{Doc, Store};

/// The running writer thread; [`Writer::stop`] writes what is pending and joins it.
#[derive(Debug)]
pub struct Writer {
    store: Arc<Store>,
    handle: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer for `store` (nothing to do for an in-memory store, but it runs anyway so
    /// callers need not care).
    pub fn start(store: Arc<Store>) -> std::io::Result<Writer> {
        let s = Arc::clone(&store);
        let handle = std::thread::Builder::new()
            .name("k1-store".into())
            .spawn(move || run(&s))?;
        Ok(Writer {
            store,
            handle: Some(handle),
        })
    }

    /// Writes what is pending and stops the thread.
    pub fn stop(mut self) {
        self.finish();
    }

    fn finish(&mut self) {
        self.store.lock().stopping = true;
        self.store.wake.notify_all();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        if let Err(e) = self.store.flush() {
            tracing::warn!("cannot save the settings: {e}");
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.finish();
    }
}

fn run(store: &Store) {
    loop {
        let mut state = store.lock();
        loop {
            if state.stopping {
                return;
            }
            let now = Instant::now();
            match state.dirty.values().min() {
                Some(&oldest) if now >= oldest + store.debounce => break,
                Some(&oldest) => {
                    let wait = oldest + store.debounce - now;
                    state = store
                        .wake
                        .wait_timeout(state, wait)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                None => {
                    state = store.wake.wait(state).unwrap_or_else(|p| p.into_inner());
                }
            }
        }
        drop(state);
        if let Err(e) = write_due(store, Some(Instant::now())) {
            tracing::warn!("cannot save the settings (will retry): {e}");
        }
    }
}

/// Writes the documents that changed before `due` (all of them for `None`). A document that
/// fails stays dirty, marked as changed now, so it is tried again one window later.
pub(super) fn write_due(store: &Store, due: Option<Instant>) -> std::io::Result<()> {
    let Some(dir) = store.dir.as_deref() else {
        store.lock().dirty.clear();
        return Ok(());
    };
    let todo: Vec<(Doc, serde_json::Value)> = {
        let mut state = store.lock();
        let docs: Vec<Doc> = state
            .dirty
            .iter()
            .filter(|(_, t)| due.is_none_or(|d| **t <= d))
            .map(|(d, _)| *d)
            .collect();
        docs.iter()
            .filter_map(|d| {
                state.dirty.remove(d);
                state.docs.get(d).map(|v| (*d, v.clone()))
            })
            .collect()
    };
    let mut first_error = None;
    for (doc, value) in todo {
        let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
        bytes.push(b'\n');
        if let Err(e) = k1_io::atomic::write(&dir.join(doc.file_name()), &bytes) {
            let mut state = store.lock();
            state.errors += 1;
            state.dirty.entry(doc).or_insert_with(Instant::now);
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}
