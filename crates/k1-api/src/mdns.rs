//! Announces the web UI on the local network: `_http._tcp` as `k1-<name>.local` (and
//! `_ws._tcp` for the WebSocket, as the original did), with mdns-sd. A machine without
//! multicast gets a warning, and the run goes on without it.

use mdns_sd::{ServiceDaemon, ServiceInfo};

/// A running announcement; dropping it withdraws it.
pub struct Announcement {
    daemon: ServiceDaemon,
}

/// The host label for device `name`: `k1-<name>`, lower case letters, digits and `-` only.
pub fn host_label(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('-');
    let clean = if clean.is_empty() { "k1" } else { clean };
    let label = if clean.starts_with("k1") {
        clean.to_string()
    } else {
        format!("k1-{clean}")
    };
    label.chars().take(63).collect()
}

/// Announces port `port` as device `name`.
pub fn announce(name: &str, port: u16) -> Result<Announcement, mdns_sd::Error> {
    let daemon = ServiceDaemon::new()?;
    let label = host_label(name);
    let host = format!("{label}.local.");
    let version = env!("CARGO_PKG_VERSION");
    let http = ServiceInfo::new(
        "_http._tcp.local.",
        &label,
        &host,
        "",
        port,
        &[("device", "K1"), ("version", version), ("api", "/api")][..],
    )?
    .enable_addr_auto();
    let ws = ServiceInfo::new(
        "_ws._tcp.local.",
        &label,
        &host,
        "",
        port,
        &[("device", "K1"), ("path", "/ws")][..],
    )?
    .enable_addr_auto();
    daemon.register(http)?;
    daemon.register(ws)?;
    Ok(Announcement { daemon })
}

impl Drop for Announcement {
    fn drop(&mut self) {
        let _ = self.daemon.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::{announce, host_label};
    use mdns_sd::{ServiceDaemon, ServiceEvent};

    /// The announcement is seen by a browser on the same machine (over the network interfaces'
    /// multicast, looped back).
    #[test]
    fn a_browser_finds_the_announcement() {
        let name = format!("mdns-test-{}", std::process::id());
        let _announced = announce(&name, 18080).expect("announce");
        let browser = ServiceDaemon::new().expect("browser");
        let events = browser.browse("_http._tcp.local.").expect("browse");
        // A generous wait for what must happen; on a quiet machine it takes well under a second.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let want = format!("{}.local.", host_label(&name));
        let mut found = None;
        while let Ok(event) = events.recv_deadline(deadline) {
            if let ServiceEvent::ServiceResolved(info) = event
                && info.get_hostname() == want
            {
                found = Some((
                    info.get_port(),
                    info.get_property_val_str("api").map(String::from),
                ));
                break;
            }
        }
        let _ = browser.shutdown();
        assert_eq!(
            found,
            Some((18080, Some("/api".to_string()))),
            "{want} not found"
        );
    }

    #[test]
    fn labels() {
        assert_eq!(host_label("Living Room"), "k1-living-room");
        assert_eq!(host_label("k1-studio"), "k1-studio");
        assert_eq!(host_label("--"), "k1");
        assert_eq!(host_label(&"x".repeat(100)).len(), 63);
    }
}
