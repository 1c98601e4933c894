//! The hardware watchdogs, fed only while every loop that must run keeps running.
//!
//! `esp_hal::init` turns every watchdog off. [`Watchdogs::start`] turns two back on, both
//! resetting the whole system on timeout: timer group 0's MWDT ([`MWDT_TIMEOUT_MS`]) and the
//! RTC watchdog ([`RWDT_TIMEOUT_MS`], a backstop on another clock). The audio loop (the S3's
//! second core) and the render loop (the first core) beat [`AUDIO`] and [`RENDER`]; the main
//! loop calls [`Watchdogs::review`] once a second, which feeds both watchdogs only if both loops
//! beat since the last review (`k1_fw_logic::watchdog`, tested on the host). A stuck core, a
//! stuck loop or a stuck main loop therefore resets the chip within the timeout, and the OTA
//! boot trial can roll back an image that hangs.

use esp_hal::peripherals::{RTC_TIMER, TIMG0};
use esp_hal::rtc_cntl::{Rtc, RwdtStage};
use esp_hal::time::Duration;
use esp_hal::timer::timg::{MwdtStage, Wdt};
use k1_fw_logic::watchdog::{Decision, Heartbeat, Supervisor, timeout_is_safe};
use log::{info, warn};

use crate::config::{FEEDER_LATE_MS, MWDT_TIMEOUT_MS, RWDT_TIMEOUT_MS, WATCHDOG_REVIEW_MS};

/// Beaten by the audio loop for every DMA chunk it waits for.
pub static AUDIO: Heartbeat = Heartbeat::new();
/// Beaten by the render loop every frame.
pub static RENDER: Heartbeat = Heartbeat::new();
/// The loops' names, in the order [`Watchdogs::review`] passes them.
const NAMES: [&str; 2] = ["audio", "render"];

const _: () = assert!(timeout_is_safe(
    MWDT_TIMEOUT_MS,
    WATCHDOG_REVIEW_MS,
    FEEDER_LATE_MS
));
const _: () = assert!(timeout_is_safe(
    RWDT_TIMEOUT_MS,
    WATCHDOG_REVIEW_MS,
    FEEDER_LATE_MS
));

/// The two watchdogs and the policy that decides when to feed them.
pub struct Watchdogs {
    mwdt: Wdt<TIMG0<'static>>,
    rtc: Rtc<'static>,
    supervisor: Supervisor<2>,
}

impl Watchdogs {
    /// Arms both watchdogs (each resets the system when it runs out) and feeds them once.
    pub fn start(mut mwdt: Wdt<TIMG0<'static>>, rtc_timer: RTC_TIMER<'static>) -> Self {
        mwdt.set_timeout(
            MwdtStage::Stage0,
            Duration::from_millis(MWDT_TIMEOUT_MS as u64),
        );
        mwdt.enable();
        let mut rtc = Rtc::new(rtc_timer);
        rtc.rwdt.set_timeout(
            RwdtStage::Stage0,
            Duration::from_millis(RWDT_TIMEOUT_MS as u64),
        );
        rtc.rwdt.enable();
        let mut dogs = Watchdogs {
            mwdt,
            rtc,
            supervisor: Supervisor::new(),
        };
        dogs.feed();
        info!(
            "watchdogs on: MWDT {MWDT_TIMEOUT_MS} ms, RWDT {RWDT_TIMEOUT_MS} ms; last reset: {:?}",
            esp_hal::system::reset_reason()
        );
        dogs
    }

    /// Feeds both, unconditionally: for the stretch of boot before the loops run.
    pub fn feed(&mut self) {
        self.mwdt.feed();
        self.rtc.rwdt.feed();
    }

    /// Once per [`WATCHDOG_REVIEW_MS`]: feeds the watchdogs if every live loop beat since the
    /// last review, and otherwise says which one is silent and lets the timeout run.
    pub fn review(&mut self) {
        match self.supervisor.review([AUDIO.read(), RENDER.read()]) {
            Decision::Feed => self.feed(),
            Decision::Withhold { index, reviews } => warn!(
                "watchdog: the {} loop has not run for {} review(s); not fed, the chip resets \
                 {} ms after the last feed",
                NAMES[index], reviews, MWDT_TIMEOUT_MS
            ),
        }
    }
}

/// esp-backtrace's `custom-halt` hook, called after the panic message and backtrace are
/// printed: wait for the serial FIFO to drain, then reset the chip (both cores), instead of
/// esp-backtrace's default endless loop, so a panic reboots the device.
#[unsafe(no_mangle)]
fn custom_halt() -> ! {
    esp_hal::delay::Delay::new().delay_millis(50);
    esp_hal::system::software_reset()
}
