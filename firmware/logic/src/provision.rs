//! Wi-Fi provisioning: when to join the stored network, when to open the `K1-Setup-XXXX`
//! access point, and how long to wait between attempts. Pure logic; the chip glue feeds it
//! [`Event`]s with the time and does what [`Provisioner::poll`] and [`Provisioner::mode`] say.
//!
//! - With no stored network the setup AP is up and the station idle.
//! - With one, the station joins; after [`AP_AFTER_FAILURES`] failures in a row the setup AP comes
//!   up *beside* the station, which keeps retrying with [`Backoff`], so a router that was down
//!   overnight is rejoined when it returns, and the setup page stays reachable meanwhile.
//! - Once online the AP stays [`AP_LINGER_MS`] more (the setup page can say where the device
//!   went), then goes down. A lost link retries at once, then backs off.
//! - New credentials from the page are tried at once.
//! - Changing the radio's mode restarts it, which drops the station's link: the glue reports that
//!   with [`Provisioner::radio_restarted`], and the station rejoins at once.

use core::fmt::Write;

use heapless::String;

use crate::backoff::Backoff;

/// Failed attempts in a row after which the setup access point comes up.
pub const AP_AFTER_FAILURES: u32 = 3;
/// How long the setup access point stays up after the station joined, ms.
pub const AP_LINGER_MS: u64 = 30_000;

/// What the radio should run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Station only: the normal case.
    Station,
    /// The setup access point beside the station, which keeps retrying.
    StationAndSetupAp,
    /// The setup access point only: there is no network to join.
    SetupAp,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The station joined and has an address.
    Online,
    /// An attempt to join failed (not found, wrong password, no DHCP lease).
    Failed,
    /// The link was lost after being online.
    Lost,
    /// New credentials were saved from the setup page.
    NewCredentials,
}

/// What to do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Start an attempt to join now.
    Connect,
    /// Nothing until this time (ms) or an event.
    WaitUntil(u64),
    /// Nothing until an event: online, or no network stored.
    Idle,
}

/// The provisioning state machine. `now_ms` is any monotonic millisecond clock.
#[derive(Clone, Debug)]
pub struct Provisioner {
    has_credentials: bool,
    online: bool,
    /// An attempt was started and has not reported back.
    attempting: bool,
    next_attempt_ms: u64,
    backoff: Backoff,
    ap: bool,
    /// While online with the AP still up: when it goes down.
    ap_until: Option<u64>,
}

impl Provisioner {
    /// The machine at boot. `seed` varies the backoff jitter (use the MAC address).
    pub fn new(has_credentials: bool, seed: u32) -> Provisioner {
        Provisioner {
            has_credentials,
            online: false,
            attempting: false,
            next_attempt_ms: 0,
            backoff: Backoff::new(seed),
            ap: !has_credentials,
            ap_until: None,
        }
    }

    /// The radio mode wanted now.
    pub fn mode(&self) -> Mode {
        match (self.has_credentials, self.ap) {
            (false, _) => Mode::SetupAp,
            (true, true) => Mode::StationAndSetupAp,
            (true, false) => Mode::Station,
        }
    }

    /// Whether the station is online.
    pub fn online(&self) -> bool {
        self.online
    }

    /// Failed attempts since the station was last online.
    pub fn failures(&self) -> u32 {
        self.backoff.failures()
    }

    /// What to do at `now_ms`. Returns [`Step::Connect`] once per attempt; while online with
    /// the setup AP lingering, [`Step::WaitUntil`] its end, after which [`Self::mode`] drops it.
    pub fn poll(&mut self, now_ms: u64) -> Step {
        if let (true, Some(until)) = (self.online, self.ap_until) {
            if now_ms < until {
                return Step::WaitUntil(until);
            }
            self.ap = false;
            self.ap_until = None;
        }
        if !self.has_credentials || self.online || self.attempting {
            return Step::Idle;
        }
        if now_ms >= self.next_attempt_ms {
            self.attempting = true;
            Step::Connect
        } else {
            Step::WaitUntil(self.next_attempt_ms)
        }
    }

    /// Feeds an event in.
    pub fn event(&mut self, event: Event, now_ms: u64) {
        match event {
            Event::Online => {
                self.online = true;
                self.attempting = false;
                if self.ap {
                    self.ap_until = Some(now_ms.saturating_add(AP_LINGER_MS));
                }
                self.backoff.succeed();
            }
            Event::Failed => {
                self.attempting = false;
                self.online = false;
                let wait = self.backoff.fail();
                self.next_attempt_ms = now_ms.saturating_add(wait as u64);
                if self.backoff.failures() >= AP_AFTER_FAILURES {
                    self.ap = true;
                }
            }
            Event::Lost => {
                self.online = false;
                self.attempting = false;
                self.next_attempt_ms = now_ms;
                if self.ap_until.take().is_some() {
                    // Lost while the AP lingered: keep the AP until the station is back for good.
                    self.ap = true;
                }
            }
            Event::NewCredentials => {
                self.has_credentials = true;
                self.online = false;
                self.attempting = false;
                self.backoff.succeed();
                self.next_attempt_ms = now_ms;
            }
        }
    }
}

impl Provisioner {
    /// The radio was restarted to change mode, which dropped the station's link if it had one.
    pub fn radio_restarted(&mut self, now_ms: u64) {
        if self.online {
            self.online = false;
            self.attempting = false;
            self.next_attempt_ms = now_ms;
        }
    }
}

/// The setup network's name: `K1-Setup-` and the last two bytes of the MAC in hex, so two
/// devices in one room can be told apart.
pub fn setup_ssid(mac: &[u8; 6]) -> String<16> {
    let mut s = String::new();
    // 9 + 4 characters always fit in 16.
    let _ = write!(s, "K1-Setup-{:02X}{:02X}", mac[4], mac[5]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_network_means_setup_ap_only() {
        let mut p = Provisioner::new(false, 1);
        assert_eq!(p.mode(), Mode::SetupAp);
        assert_eq!(p.poll(0), Step::Idle);
        p.event(Event::NewCredentials, 5_000);
        assert_eq!(
            p.mode(),
            Mode::StationAndSetupAp,
            "the page stays up while it joins"
        );
        assert_eq!(p.poll(5_000), Step::Connect);
        assert_eq!(p.poll(5_001), Step::Idle, "one attempt at a time");
        p.event(Event::Online, 8_000);
        assert!(p.online());
        assert_eq!(
            p.mode(),
            Mode::StationAndSetupAp,
            "the page can still say where it went"
        );
        assert_eq!(p.poll(9_000), Step::WaitUntil(8_000 + AP_LINGER_MS));
        assert_eq!(p.poll(8_000 + AP_LINGER_MS), Step::Idle);
        assert_eq!(p.mode(), Mode::Station);
        // Dropping the AP restarts the radio: the station rejoins at once, without the AP.
        p.radio_restarted(40_000);
        assert!(!p.online());
        assert_eq!(p.poll(40_000), Step::Connect);
        p.event(Event::Online, 41_000);
        assert_eq!((p.mode(), p.poll(41_000)), (Mode::Station, Step::Idle));
    }

    #[test]
    fn a_link_lost_while_the_ap_lingers_keeps_the_ap() {
        let mut p = Provisioner::new(false, 5);
        p.event(Event::NewCredentials, 0);
        assert_eq!(p.poll(0), Step::Connect);
        p.event(Event::Online, 1_000);
        p.event(Event::Lost, 2_000);
        assert_eq!(p.mode(), Mode::StationAndSetupAp);
        assert_eq!(p.poll(2_000), Step::Connect);
        p.radio_restarted(2_100);
        assert_eq!(
            p.poll(2_100),
            Step::Idle,
            "restart while offline changes nothing"
        );
    }

    #[test]
    fn failures_bring_up_the_ap_and_retries_never_stop() {
        let mut p = Provisioner::new(true, 7);
        assert_eq!(p.mode(), Mode::Station);
        let mut now = 0u64;
        for attempt in 0..2000u32 {
            assert_eq!(p.poll(now), Step::Connect, "attempt {attempt}");
            p.event(Event::Failed, now);
            let Step::WaitUntil(t) = p.poll(now) else {
                panic!("a failure must schedule a retry");
            };
            assert!(
                t > now && t - now <= 60_000,
                "attempt {attempt}: wait {}",
                t - now
            );
            let expect = if attempt + 1 >= AP_AFTER_FAILURES {
                Mode::StationAndSetupAp
            } else {
                Mode::Station
            };
            assert_eq!(p.mode(), expect, "attempt {attempt}");
            assert_eq!(p.poll(t - 1), Step::WaitUntil(t));
            now = t;
        }
        // About a day and a half of retries: the router comes back and the station rejoins.
        assert!(now > 24 * 3_600_000, "{now}");
        assert_eq!(p.poll(now), Step::Connect);
        p.event(Event::Online, now);
        assert_eq!(p.failures(), 0);
        assert_eq!(
            p.poll(now),
            Step::WaitUntil(now + AP_LINGER_MS),
            "the AP lingers"
        );
        let later = now + AP_LINGER_MS;
        assert_eq!((p.poll(later), p.mode()), (Step::Idle, Mode::Station));
    }

    #[test]
    fn a_lost_link_retries_at_once_then_backs_off() {
        let mut p = Provisioner::new(true, 3);
        assert_eq!(p.poll(0), Step::Connect);
        p.event(Event::Online, 100);
        p.event(Event::Lost, 50_000);
        assert_eq!(p.poll(50_000), Step::Connect);
        p.event(Event::Failed, 50_500);
        assert!(matches!(p.poll(50_500), Step::WaitUntil(t) if t > 50_500 && t <= 51_500));
        assert_eq!(p.mode(), Mode::Station, "one failure keeps the AP down");
    }

    #[test]
    fn new_credentials_are_tried_at_once() {
        let mut p = Provisioner::new(true, 9);
        for _ in 0..5 {
            assert_eq!(p.poll(u64::MAX / 2), Step::Connect);
            p.event(Event::Failed, 0);
        }
        assert!(matches!(p.poll(1), Step::WaitUntil(_)));
        p.event(Event::NewCredentials, 2);
        assert_eq!(p.poll(2), Step::Connect);
    }

    #[test]
    fn setup_ssid_names_the_device() {
        assert_eq!(
            setup_ssid(&[0x24, 0x0a, 0xc4, 0x12, 0xab, 0x0f]).as_str(),
            "K1-Setup-AB0F"
        );
    }
}
