//! The Wi-Fi connection task: does what `k1_fw_logic::provision::Provisioner` says, for as
//! long as the device runs. It joins the stored network; after repeated failures it brings the
//! `K1-Setup-XXXX` access point up beside the station (which keeps retrying with backoff, never
//! giving up); new credentials from the setup page are tried at once. A lost link is retried at
//! once, then with backoff.
//!
//! After the station joins with the setup AP up, the AP stays for
//! `k1_fw_logic::provision::AP_LINGER_MS`, then goes down; changing the radio's mode restarts
//! it, which drops the station's link, and the station rejoins at once.

use embassy_futures::select::{Either, Either3, select, select3};
use embassy_net::Stack;
use embassy_time::{Duration, Instant, Timer, with_timeout};
use esp_radio::wifi::ap::AccessPointConfig;
use esp_radio::wifi::sta::StationConfig;
use esp_radio::wifi::{AuthenticationMethodConfig, Config, WifiController, WifiError};
use heapless::String;
use k1_fw_logic::credentials::Credentials;
use k1_fw_logic::provision::{Event, Mode, Provisioner, Step};
use log::{info, warn};

use crate::state::{NEW_CREDENTIALS, device};

/// How long an attempt may take to associate.
const ASSOCIATE_TIMEOUT: Duration = Duration::from_secs(20);
/// How long DHCP may take after association.
const DHCP_TIMEOUT: Duration = Duration::from_secs(15);

fn now_ms() -> u64 {
    Instant::now().as_millis()
}

/// The radio configuration for `mode`.
fn radio_config(
    mode: Mode,
    creds: Option<&Credentials>,
    ap_ssid: &str,
) -> Result<Config, WifiError> {
    let ap = || -> Result<AccessPointConfig, WifiError> {
        Ok(AccessPointConfig::default()
            .with_ssid(
                ap_ssid
                    .try_into()
                    .map_err(|_| WifiError::InvalidArguments)?,
            )
            .with_authentication(AuthenticationMethodConfig::Open))
    };
    let sta = || -> Result<StationConfig, WifiError> {
        let Some(c) = creds else {
            return Ok(StationConfig::default());
        };
        let auth = if c.password.is_empty() {
            AuthenticationMethodConfig::Open
        } else {
            AuthenticationMethodConfig::Wpa2Personal(
                c.password
                    .as_str()
                    .try_into()
                    .map_err(|_| WifiError::InvalidArguments)?,
            )
        };
        Ok(StationConfig::default()
            .with_ssid(
                c.ssid
                    .as_str()
                    .try_into()
                    .map_err(|_| WifiError::InvalidArguments)?,
            )
            .with_authentication(auth))
    };
    Ok(match mode {
        Mode::Station => Config::Station(sta()?),
        Mode::StationAndSetupAp => Config::AccessPointStation(sta()?, ap()?),
        Mode::SetupAp => Config::AccessPoint(ap()?),
    })
}

/// One attempt to join: associate, then wait for a DHCP lease. On failure the station is
/// disconnected, so the next attempt starts clean.
async fn attempt(wifi: &mut WifiController<'static>, sta: Stack<'static>, hostname: &str) -> bool {
    match with_timeout(ASSOCIATE_TIMEOUT, wifi.connect_async()).await {
        Ok(Ok(info)) => info!(
            "Wi-Fi: associated with {:?} on channel {}",
            info.ssid, info.channel
        ),
        Ok(Err(e)) => {
            warn!("Wi-Fi: could not join: {e:?}");
            return false;
        }
        Err(_) => {
            warn!(
                "Wi-Fi: no association after {} s",
                ASSOCIATE_TIMEOUT.as_secs()
            );
            let _ = wifi.disconnect_async().await;
            return false;
        }
    }
    match with_timeout(DHCP_TIMEOUT, sta.wait_config_up()).await {
        Ok(()) => {
            if let Some(ip) = super::station_address(sta) {
                info!("Wi-Fi: online at {ip} (http://{ip}/, http://{hostname}.local/)");
            }
            true
        }
        Err(_) => {
            warn!("Wi-Fi: no DHCP lease after {} s", DHCP_TIMEOUT.as_secs());
            let _ = wifi.disconnect_async().await;
            false
        }
    }
}

/// Runs the radio for ever.
#[embassy_executor::task]
pub async fn wifi_task(
    mut wifi: WifiController<'static>,
    sta: Stack<'static>,
    ap_ssid: String<16>,
    mac: [u8; 6],
    hostname: &'static str,
) -> ! {
    let mut creds = device()
        .await
        .as_ref()
        .and_then(|d| d.settings.wifi.clone());
    let seed = u32::from_le_bytes([mac[2], mac[3], mac[4], mac[5]]);
    let mut prov = Provisioner::new(creds.is_some(), seed);
    let mut applied: Option<Mode> = None;
    match &creds {
        Some(c) => info!("Wi-Fi: joining '{}'", c.ssid),
        None => info!("Wi-Fi: no network stored; join '{ap_ssid}' and open http://192.168.4.1/"),
    }
    loop {
        let mode = prov.mode();
        if applied != Some(mode) {
            match radio_config(mode, creds.as_ref(), &ap_ssid).and_then(|c| wifi.set_config(&c)) {
                Ok(()) => {
                    info!("Wi-Fi: mode {mode:?}");
                    applied = Some(mode);
                    prov.radio_restarted(now_ms());
                }
                Err(e) => {
                    warn!("Wi-Fi: mode {mode:?} not applied: {e:?}; retrying");
                    Timer::after(Duration::from_secs(1)).await;
                    continue;
                }
            }
        }
        match prov.poll(now_ms()) {
            Step::Connect => {
                let ok = attempt(&mut wifi, sta, hostname).await;
                prov.event(if ok { Event::Online } else { Event::Failed }, now_ms());
                if !ok && prov.failures() > 0 {
                    info!(
                        "Wi-Fi: attempt {} failed; mode {:?}",
                        prov.failures(),
                        prov.mode()
                    );
                }
            }
            Step::WaitUntil(t) => {
                let until = Instant::from_millis(t);
                // Online (the setup AP lingering) the link can drop meanwhile; offline there is
                // no link to watch.
                let link = async {
                    if prov.online() {
                        wifi.wait_for_disconnect_async().await
                    } else {
                        core::future::pending().await
                    }
                };
                match select3(Timer::at(until), NEW_CREDENTIALS.wait(), link).await {
                    Either3::First(()) => {}
                    Either3::Second(c) => {
                        if prov.online() {
                            let _ = wifi.disconnect_async().await;
                        }
                        creds = Some(c);
                        applied = None;
                        prov.event(Event::NewCredentials, now_ms());
                    }
                    Either3::Third(r) => {
                        warn!("Wi-Fi: link lost ({r:?}); rejoining");
                        prov.event(Event::Lost, now_ms());
                    }
                }
            }
            Step::Idle if prov.online() => {
                match select(wifi.wait_for_disconnect_async(), NEW_CREDENTIALS.wait()).await {
                    Either::First(r) => {
                        warn!("Wi-Fi: link lost ({r:?}); rejoining");
                        prov.event(Event::Lost, now_ms());
                    }
                    Either::Second(c) => {
                        let _ = wifi.disconnect_async().await;
                        creds = Some(c);
                        applied = None;
                        prov.event(Event::NewCredentials, now_ms());
                    }
                }
            }
            Step::Idle => {
                let c = NEW_CREDENTIALS.wait().await;
                creds = Some(c);
                applied = None;
                prov.event(Event::NewCredentials, now_ms());
            }
        }
    }
}
