//! `k1 discover`: lists the WLED devices on the LAN (mDNS `_wled._tcp`), with their LED counts
//! from each one's JSON API, and the `--out` URL to drive each. The finding is
//! `k1_api::discover`'s, which the web UI's "Find WLED devices" uses too.

use std::time::Duration;

use k1_api::discover::{Device, SERVICE};

/// Browses for `wait`, then asks each device for its info; prints a table.
pub fn run(wait: Duration) -> anyhow::Result<()> {
    k1_io::messages::note(format!(
        "looking for WLED devices (mDNS {SERVICE}) for {:.1} s",
        wait.as_secs_f64()
    ));
    let devices = k1_api::discover::find(wait).map_err(anyhow::Error::msg)?;
    print!("{}", table(&devices));
    Ok(())
}

/// The table `k1 discover` prints.
pub fn table(devices: &[Device]) -> String {
    if devices.is_empty() {
        return "no WLED devices answered (is this machine on the same LAN, with multicast allowed?)\n"
            .to_string();
    }
    let mut out = String::new();
    for d in devices {
        let ip = d.addr.ip();
        // The same URL the web UI's "Find WLED devices" adds (IPv6 in brackets, the device's
        // name); no frame is known here, so over the device's own LED count.
        let url = d.ddp_url(usize::MAX);
        match &d.info {
            Ok(i) => out.push_str(&format!(
                "{:<24} {:<16} {:>5} LEDs  WLED {:<10} --out {url}\n",
                i.name, ip, i.leds, i.version,
            )),
            Err(e) => out.push_str(&format!(
                "{:<24} {:<16}     ? LEDs  ({e})  --out {url}\n",
                d.instance, ip
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k1_api::discover::Info;

    #[test]
    fn a_line_per_device_with_its_url() {
        let addr = "10.0.0.7:80".parse().unwrap();
        let found = Device {
            instance: "wled-porch".into(),
            addr,
            info: Ok(Info {
                name: "Porch".into(),
                leds: 144,
                version: "0.15.0".into(),
            }),
        };
        let silent = Device {
            instance: "wled-attic".into(),
            addr,
            info: Err("timed out".into()),
        };
        let text = table(&[found, silent]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].contains("144 LEDs")
                && lines[0].contains("--out ddp://10.0.0.7?leds=0-143&name=Porch")
        );
        assert!(lines[1].contains("wled-attic") && lines[1].contains("(timed out)"));
        assert!(table(&[]).starts_with("no WLED devices"));
    }
}
