//! The device's persistent state: the settings log in the `settings` data partition
//! (`k1_fw_logic::settings::Store`) and the OTA slot states in `otadata`, through one flash
//! driver. Every failure is logged and degrades to defaults; nothing here panics.

use esp_bootloader_esp_idf::ota::OtaImageState;
use esp_bootloader_esp_idf::ota_updater::OtaUpdater;
use esp_bootloader_esp_idf::partitions::{
    PARTITION_TABLE_MAX_LEN, PartitionType, read_partition_table,
};
use esp_hal::peripherals::FLASH;
use esp_storage::FlashStorage;
use k1_fw_logic::ota::trial::{BootDecision, ImageState, on_boot};
use k1_fw_logic::settings::{Settings, Store};
use log::{error, info, warn};

use crate::config::SETTINGS_PARTITION;
use crate::flash::Partition;

/// The flash, with the settings partition's place found once at boot.
pub struct SettingsFlash {
    flash: FlashStorage<'static>,
    /// Offset and length of the settings partition, if the table has one.
    region: Option<(u32, u32)>,
}

fn image_state(s: OtaImageState) -> ImageState {
    match s {
        OtaImageState::New => ImageState::New,
        OtaImageState::PendingVerify => ImageState::PendingVerify,
        OtaImageState::Valid => ImageState::Valid,
        OtaImageState::Invalid => ImageState::Invalid,
        OtaImageState::Aborted => ImageState::Aborted,
        _ => ImageState::Undefined,
    }
}

impl SettingsFlash {
    /// Opens the flash and finds the settings partition.
    pub fn new(flash: FLASH<'static>) -> Self {
        let flash = FlashStorage::new(flash);
        // Dual-core chips (the S3): esp-storage 0.10 defaults to `MultiCoreStrategy::Error`,
        // which fails every erase and write with `OtherCoreRunning` once the second core runs
        // (it runs the audio task from boot), so settings, Wi-Fi credentials, OTA and
        // mark-valid would all fail. While the flash is erased or written its cache is off, so
        // no core may fetch code or data from it; the second core runs from flash, so it must be
        // stopped. `multicore_auto_park` parks it (RTC_CNTL stall) for each erase or write call
        // and unparks it after. `multicore_ignore` would be unsound here. The parked core holds
        // no lock the write needs: esp-storage takes only its own lock, which the audio core
        // never touches. Cost: the audio core stops for the length of each call (a 4 KB sector
        // erase is tens of ms; the DMA ring holds 40 ms), so an OTA upload may drop audio.
        #[cfg(feature = "esp32s3")]
        let flash = flash.multicore_auto_park();
        let mut flash = flash;
        let mut buf = [0u8; PARTITION_TABLE_MAX_LEN];
        let region = match read_partition_table(&mut flash, &mut buf) {
            Ok(table) => table
                .iter()
                .find(|p| p.label_as_str() == SETTINGS_PARTITION)
                .map(|p| (p.offset(), p.len())),
            Err(e) => {
                error!("partition table unreadable: {e:?}");
                None
            }
        };
        if region.is_none() {
            error!("no '{SETTINGS_PARTITION}' partition: settings will not persist");
        }
        SettingsFlash { flash, region }
    }

    fn store(&mut self) -> Option<Store<Partition<'_, 'static>>> {
        let (base, len) = self.region?;
        match Store::open(Partition::new(&mut self.flash, base, len)) {
            Ok(s) => Some(s),
            Err(e) => {
                error!("settings store: {e:?}");
                None
            }
        }
    }

    /// The saved settings, or the defaults.
    pub fn load(&mut self) -> Settings {
        match self.store().map(|mut s| s.load()) {
            Some(Ok(Some(s))) => {
                info!("settings loaded (pattern {})", s.pattern.info().id);
                s
            }
            Some(Ok(None)) => {
                info!("no saved settings: defaults");
                Settings::default()
            }
            Some(Err(e)) => {
                error!("settings unreadable ({e:?}): defaults");
                Settings::default()
            }
            None => Settings::default(),
        }
    }

    /// Saves `settings` (appends a record; see the store's doc).
    pub fn save(&mut self, settings: &Settings) -> bool {
        match self.store().map(|mut s| s.save(settings)) {
            Some(Ok(())) => true,
            Some(Err(e)) => {
                error!("settings not saved: {e:?}");
                false
            }
            None => false,
        }
    }

    fn ota<R>(&mut self, f: impl FnOnce(&mut OtaUpdater<'_, 'static>) -> R) -> Option<R> {
        let mut buf = [0u8; PARTITION_TABLE_MAX_LEN];
        match OtaUpdater::new(&mut self.flash, &mut buf) {
            Ok(mut u) => Some(f(&mut u)),
            Err(e) => {
                warn!("no OTA partitions ({e:?}): updates are off");
                None
            }
        }
    }

    /// Decides at boot whether this image is on trial, and records the trial boot.
    pub fn boot_decision(&mut self, settings: &mut Settings) -> BootDecision {
        let state = self
            .ota(|u| {
                u.current_ota_state()
                    .map(image_state)
                    .unwrap_or(ImageState::Undefined)
            })
            .unwrap_or(ImageState::Undefined);
        let decision = on_boot(state, settings.trial_boots);
        if let BootDecision::Trial { boots } = decision {
            settings.trial_boots = boots;
            self.save(settings);
        }
        decision
    }

    /// Marks the running image valid and clears the trial count in `settings`.
    pub fn mark_valid(&mut self, settings: &mut Settings) {
        let ok = self.ota(|u| u.set_current_ota_state(OtaImageState::Valid));
        if !matches!(ok, Some(Ok(()))) {
            error!("could not mark the image valid: {ok:?}");
        }
        settings.trial_boots = 0;
        self.save(settings);
    }

    /// Marks the running image invalid, selects the other slot, clears the trial count in
    /// `settings` and restarts.
    pub fn rollback(&mut self, settings: &mut Settings) -> ! {
        let r = self.ota(|u| {
            u.set_current_ota_state(OtaImageState::Invalid)?;
            u.activate_next_partition()?;
            u.set_current_ota_state(OtaImageState::Valid)
        });
        if !matches!(r, Some(Ok(()))) {
            error!("rollback failed: {r:?}");
        }
        settings.trial_boots = 0;
        self.save(settings);
        esp_hal::system::software_reset()
    }

    /// The app slot an update would be written to: its flash offset and length (the slot the
    /// bootloader would select next, never the one running).
    pub fn update_slot(&mut self) -> Option<(u32, u32)> {
        let mut buf = [0u8; PARTITION_TABLE_MAX_LEN];
        let next = match OtaUpdater::new(&mut self.flash, &mut buf) {
            Ok(mut u) => u.next_partition().map(|(_, sub)| sub),
            Err(e) => Err(e),
        };
        let next = match next {
            Ok(n) => n,
            Err(e) => {
                warn!("no slot for an update: {e:?}");
                return None;
            }
        };
        let mut buf = [0u8; PARTITION_TABLE_MAX_LEN];
        let table = read_partition_table(&mut self.flash, &mut buf).ok()?;
        let entry = table.find_partition(PartitionType::App(next)).ok()??;
        Some((entry.offset(), entry.len()))
    }

    /// Selects the slot [`Self::update_slot`] named as the next boot's, in state `New`, so the
    /// bootloader tries it once and the boot trial decides (`k1_fw_logic::ota::trial`).
    pub fn activate_update(&mut self) -> bool {
        let r = self.ota(|u| {
            u.activate_next_partition()?;
            u.set_current_ota_state(OtaImageState::New)
        });
        match r {
            Some(Ok(())) => true,
            other => {
                error!("could not select the new image: {other:?}");
                false
            }
        }
    }

    /// The whole flash, for the update writer.
    pub fn storage(&mut self) -> &mut FlashStorage<'static> {
        &mut self.flash
    }
}
