//! The first boots of a new image: it marks itself valid only after its health held for a set
//! time, and rolls back to the previous image otherwise.
//!
//! The ESP-IDF bootloader keeps a state per OTA slot. A freshly written slot is `New`; the
//! bootloader (with rollback enabled) turns it into `PendingVerify` when it boots it, and if it
//! finds `PendingVerify` again at the next boot (the image crashed or reset before deciding), it
//! marks it `Aborted` and boots the previous slot. The app must therefore decide within one
//! boot: [`Trial`] watches [`Health`] and returns [`Verdict::Valid`] or [`Verdict::Rollback`].
//!
//! Not every bootloader is built with rollback enabled, so [`on_boot`] also counts boots in
//! trial (kept in the settings store) and rolls back itself after [`MAX_TRIAL_BOOTS`].

/// The bootloader's state of the running slot (ESP-IDF `esp_ota_img_states_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageState {
    /// Written, never booted.
    New,
    /// Booted once, not yet confirmed.
    PendingVerify,
    /// Confirmed by the app.
    Valid,
    /// Refused by the app.
    Invalid,
    /// Did not confirm in time; the bootloader gave up on it.
    Aborted,
    /// No state recorded (a slot flashed by cable): treated as valid.
    Undefined,
}

/// Boots allowed in trial before the app rolls back on its own.
pub const MAX_TRIAL_BOOTS: u8 = 3;

/// What to do at boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootDecision {
    /// The image is confirmed: run normally.
    Normal,
    /// Run, watch health with a [`Trial`]; store the new trial boot count first.
    Trial {
        /// Boots in trial so far, this one included.
        boots: u8,
    },
    /// Too many boots without confirming: roll back now.
    Rollback,
}

/// Decides at boot from the slot's state and the stored count of trial boots.
pub fn on_boot(state: ImageState, trial_boots: u8) -> BootDecision {
    match state {
        ImageState::New | ImageState::PendingVerify => {
            let boots = trial_boots.saturating_add(1);
            if boots > MAX_TRIAL_BOOTS {
                BootDecision::Rollback
            } else {
                BootDecision::Trial { boots }
            }
        }
        ImageState::Valid | ImageState::Undefined | ImageState::Invalid | ImageState::Aborted => {
            BootDecision::Normal
        }
    }
}

/// A health sample, taken about once a second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Health {
    /// Frames shown in the last second.
    pub fps: f32,
    /// Hops analysed in the last second (audio running).
    pub hops_per_s: f32,
    /// Frames or hops that missed their deadline since the previous sample.
    pub deadline_misses: u32,
}

/// What health must show, and for how long.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrialConfig {
    /// Health must hold without a break for this long (ms).
    pub hold_ms: u64,
    /// If it has not by then (ms after boot), roll back.
    pub give_up_ms: u64,
    /// Lowest acceptable frame rate.
    pub min_fps: f32,
    /// Lowest acceptable hop rate.
    pub min_hops_per_s: f32,
}

impl TrialConfig {
    /// 60 s of health within 3 minutes; at least 100 FPS and 150 hops/s (the device runs 200 of
    /// each); no deadline misses.
    pub const DEFAULT: TrialConfig = TrialConfig {
        hold_ms: 60_000,
        give_up_ms: 180_000,
        min_fps: k1_core::criteria::MIN_FPS,
        min_hops_per_s: 150.0,
    };
}

/// Why a trial failed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Failure {
    /// Health never held for the whole hold time before the deadline.
    Timeout,
}

/// The trial's answer after a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// Keep watching.
    Pending,
    /// Mark the image valid (once).
    Valid,
    /// Roll back to the previous image.
    Rollback(Failure),
}

/// Watches health after the boot of a new image.
#[derive(Clone, Copy, Debug)]
pub struct Trial {
    config: TrialConfig,
    started_ms: u64,
    healthy_since: Option<u64>,
    done: bool,
    /// The last unhealthy sample, for the log.
    last_bad: Option<Health>,
}

impl Trial {
    /// Starts watching at `now_ms`.
    pub fn new(config: TrialConfig, now_ms: u64) -> Trial {
        Trial {
            config,
            started_ms: now_ms,
            healthy_since: None,
            done: false,
            last_bad: None,
        }
    }

    /// Whether `h` counts as healthy.
    pub fn healthy(&self, h: &Health) -> bool {
        h.fps >= self.config.min_fps
            && h.hops_per_s >= self.config.min_hops_per_s
            && h.deadline_misses == 0
    }

    /// The most recent unhealthy sample.
    pub fn last_bad(&self) -> Option<Health> {
        self.last_bad
    }

    /// Feeds a sample taken at `now_ms`. Returns [`Verdict::Valid`] or [`Verdict::Rollback`]
    /// once, then [`Verdict::Pending`].
    pub fn sample(&mut self, health: Health, now_ms: u64) -> Verdict {
        if self.done {
            return Verdict::Pending;
        }
        if self.healthy(&health) {
            let since = *self.healthy_since.get_or_insert(now_ms);
            if now_ms.saturating_sub(since) >= self.config.hold_ms {
                self.done = true;
                return Verdict::Valid;
            }
        } else {
            self.healthy_since = None;
            self.last_bad = Some(health);
        }
        // Give up only when the hold can no longer complete in time.
        let deadline = self.started_ms.saturating_add(self.config.give_up_ms);
        let could_finish = self
            .healthy_since
            .map(|s| s.saturating_add(self.config.hold_ms))
            .unwrap_or(now_ms.saturating_add(self.config.hold_ms));
        if could_finish > deadline {
            self.done = true;
            return Verdict::Rollback(Failure::Timeout);
        }
        Verdict::Pending
    }
}
