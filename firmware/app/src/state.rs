//! What the tasks share besides the two seqlocks: the flash with the settings as last saved
//! ([`DEVICE`]), and the signals that wake the settings writer and the Wi-Fi task.
//!
//! The HTTP handlers change the look through [`Device::set_params`] and
//! [`Device::set_pattern`]; those publish to the render task at once and ask the
//! [`persist_task`] to save, which waits until the changes stop for [`SAVE_AFTER`] so that a
//! dragged slider costs one flash record, not hundreds.

use core::sync::atomic::Ordering;

use embassy_sync::blocking_mutex::raw::CriticalSectionRawMutex;
use embassy_sync::mutex::{Mutex, MutexGuard};
use embassy_sync::signal::Signal;
use embassy_time::{Duration, with_timeout};
use k1_core::ParamsWriter;
use k1_core::params::Params;
use k1_core::render::PatternId;
use k1_fw_logic::credentials::Credentials;
use k1_fw_logic::mic::MicFormat;
use k1_fw_logic::settings::Settings;

use crate::render::PATTERN;
use crate::settings::SettingsFlash;

/// The flash, the settings and the only writer of the parameters seqlock.
pub struct Device {
    /// Settings partition and OTA slots.
    pub flash: SettingsFlash,
    /// The settings as the device runs them (saved by [`persist_task`]).
    pub settings: Settings,
    params: ParamsWriter<'static>,
}

/// Set once in `main`, before any task that uses it starts.
pub static DEVICE: Mutex<CriticalSectionRawMutex, Option<Device>> = Mutex::new(None);
/// Raised when the settings changed and should be saved.
pub static SAVE: Signal<CriticalSectionRawMutex, ()> = Signal::new();
/// Raised when the setup page stored new Wi-Fi credentials.
pub static NEW_CREDENTIALS: Signal<CriticalSectionRawMutex, Credentials> = Signal::new();
/// Quiet time after the last change before the settings are written.
pub const SAVE_AFTER: Duration = Duration::from_secs(2);

impl Device {
    /// Wraps the flash, the loaded settings and the parameters writer, publishing the settings.
    pub fn new(
        flash: SettingsFlash,
        settings: Settings,
        mut params: ParamsWriter<'static>,
    ) -> Self {
        params.write(&settings.params);
        PATTERN.store(settings.pattern as u32, Ordering::Relaxed);
        crate::audio::set_format(settings.mic);
        Device {
            flash,
            settings,
            params,
        }
    }

    /// New parameters: shown from the next frame, saved soon.
    pub fn set_params(&mut self, params: Params) {
        self.settings.params = params;
        self.params.write(&params);
        SAVE.signal(());
    }

    /// A new pattern: shown from the next frame, saved soon.
    pub fn set_pattern(&mut self, pattern: PatternId) {
        self.settings.pattern = pattern;
        PATTERN.store(pattern as u32, Ordering::Relaxed);
        SAVE.signal(());
    }

    /// A new microphone format: read from the next DMA chunk, saved soon.
    pub fn set_mic(&mut self, mic: MicFormat) {
        self.settings.mic = mic;
        crate::audio::set_format(mic);
        SAVE.signal(());
    }

    /// Stores Wi-Fi credentials now (the device is about to switch networks).
    pub fn set_wifi(&mut self, credentials: Credentials) -> bool {
        self.settings.wifi = Some(credentials);
        let settings = self.settings.clone();
        self.flash.save(&settings)
    }
}

/// Locks the device. Panics only if called before `main` installed it, which is a bug.
pub async fn device() -> MutexGuard<'static, CriticalSectionRawMutex, Option<Device>> {
    DEVICE.lock().await
}

/// Saves the settings after each burst of changes.
#[embassy_executor::task]
pub async fn persist_task() {
    loop {
        SAVE.wait().await;
        // Restart the quiet period on every new change.
        while with_timeout(SAVE_AFTER, SAVE.wait()).await.is_ok() {}
        let mut guard = device().await;
        if let Some(d) = guard.as_mut() {
            let settings = d.settings.clone();
            d.flash.save(&settings);
        }
    }
}
