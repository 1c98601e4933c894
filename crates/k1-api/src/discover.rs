//! Finding WLED devices on the LAN: mDNS `_wled._tcp`, then each device's LED count from its
//! JSON API (`GET /json/info`). `k1 discover` prints what [`find`] returns; the web UI's "Find
//! WLED devices" gets it through `POST /api/outputs/discover` and adds a device as a DDP output
//! with [`Device::ddp_url`].

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// The mDNS service type WLED announces.
pub const SERVICE: &str = "_wled._tcp.local.";
/// The longest each device's JSON API may take (connect, then the whole answer).
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(2);
/// The largest JSON answer read.
const MAX_ANSWER: u64 = 256 * 1024;

/// One device found.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    /// The mDNS instance name.
    pub instance: String,
    /// Its address and HTTP port.
    pub addr: SocketAddr,
    /// What `/json/info` said, or why it could not be read.
    pub info: Result<Info, String>,
}

/// The parts of WLED's `/json/info` that matter here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    /// The device's name.
    pub name: String,
    /// Its LED count.
    pub leds: u64,
    /// Its WLED version.
    pub version: String,
}

impl Device {
    /// The `--out` URL that drives this device over DDP on a frame of `frame_leds` LEDs: its
    /// own LED count from the frame's first LED (no more than the frame has), and its name.
    /// Without an LED count, the whole frame.
    pub fn ddp_url(&self, frame_leds: usize) -> String {
        let ip = self.addr.ip();
        let host = match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        match &self.info {
            Ok(info) => {
                let leds = usize::try_from(info.leds)
                    .unwrap_or(usize::MAX)
                    .clamp(1, frame_leds.max(1));
                let name: String =
                    url::form_urlencoded::byte_serialize(info.name.as_bytes()).collect();
                format!("ddp://{host}?leds=0-{}&name={name}", leds - 1)
            }
            Err(_) => format!("ddp://{host}"),
        }
    }
}

/// Browses mDNS for `wait`, then asks each device found for its info.
pub fn find(wait: Duration) -> Result<Vec<Device>, String> {
    let daemon = mdns_sd::ServiceDaemon::new().map_err(|e| format!("cannot start mDNS: {e}"))?;
    let events = daemon
        .browse(SERVICE)
        .map_err(|e| format!("cannot browse for WLED devices: {e}"))?;
    let mut found: BTreeMap<String, SocketAddr> = BTreeMap::new();
    let end = Instant::now() + wait;
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match events.recv_timeout(left) {
            Ok(mdns_sd::ServiceEvent::ServiceResolved(s)) => {
                let ip = s
                    .addresses
                    .iter()
                    .map(|a| a.to_ip_addr())
                    .find(IpAddr::is_ipv4)
                    .or_else(|| s.addresses.iter().next().map(|a| a.to_ip_addr()));
                if let Some(ip) = ip.filter(|ip| lan_address(*ip))
                    && found.len() < MAX_DEVICES
                {
                    let instance = s.fullname.trim_end_matches(SERVICE).trim_end_matches('.');
                    found.insert(instance.to_string(), SocketAddr::new(ip, s.port));
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let _ = daemon.shutdown();
    // Asked side by side, so the answer takes one HTTP timeout, not one per device.
    Ok(std::thread::scope(|scope| {
        let asks: Vec<_> = found
            .into_iter()
            .map(|(instance, addr)| (instance, addr, scope.spawn(move || fetch_info(addr))))
            .collect();
        asks.into_iter()
            .map(|(instance, addr, ask)| Device {
                instance,
                addr,
                info: ask
                    .join()
                    .unwrap_or_else(|_| Err("the request failed".to_string())),
            })
            .collect()
    }))
}

/// The most devices one search reports (and asks for their info).
pub const MAX_DEVICES: usize = 64;

/// Whether `ip` is an address a device on the LAN has: private or link-local (IPv4), unique
/// local or link-local (IPv6). Anything else that answers the mDNS query (this machine's
/// loopback, a public address) is left out, so an answer cannot point K1's requests at a
/// service that is not a LAN device.
pub fn lan_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// `GET /json/info` from `addr` (plain HTTP, with `ureq`, never through a proxy: the device is
/// on the LAN), bounded by [`HTTP_TIMEOUT`] and [`MAX_ANSWER`].
pub fn fetch_info(addr: SocketAddr) -> Result<Info, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(HTTP_TIMEOUT))
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .into();
    let mut answer = agent
        .get(format!("http://{addr}/json/info"))
        .header("Accept", "application/json")
        .call()
        .map_err(|e| e.to_string())?;
    let status = answer.status();
    if status != ureq::http::StatusCode::OK {
        return Err(format!("the JSON API answered \"{status}\""));
    }
    let body = answer
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .lossy_utf8(true)
        .read_to_string()
        .map_err(|e| e.to_string())?;
    parse_info(&body)
}

/// The info in the body of WLED's `/json/info`.
pub fn parse_info(body: &str) -> Result<Info, String> {
    let json: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let leds = json
        .pointer("/leds/count")
        .and_then(serde_json::Value::as_u64)
        .ok_or("no leds.count in /json/info")?;
    let text_at = |p: &str| {
        json.pointer(p)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("?")
            .to_string()
    };
    Ok(Info {
        name: text_at("/name"),
        leds,
        version: text_at("/ver"),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn only_lan_addresses_are_asked() {
        for ok in [
            "192.168.1.20",
            "10.1.2.3",
            "172.16.0.9",
            "169.254.3.4",
            "fd12::1",
            "fe80::1",
        ] {
            assert!(lan_address(ok.parse().unwrap()), "{ok}");
        }
        for bad in [
            "127.0.0.1",
            "0.0.0.0",
            "8.8.8.8",
            "224.0.0.251",
            "::1",
            "2001:db8::1",
        ] {
            assert!(!lan_address(bad.parse().unwrap()), "{bad}");
        }
    }

    /// A one-shot server on localhost: takes one request, writes `answer` and closes. Joined,
    /// the handle gives the request's head. (A fake WLED's JSON API.)
    pub(crate) fn serve_once(
        answer: &'static [u8],
    ) -> (SocketAddr, std::thread::JoinHandle<String>) {
        let server = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        let serve = std::thread::spawn(move || {
            let (mut conn, _) = server.accept().unwrap();
            // The whole request, up to its blank line.
            let mut req = Vec::new();
            let mut byte = [0u8; 1];
            while !req.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap() == 1 {
                req.push(byte[0]);
            }
            let _ = conn.write_all(answer); // fails when the client stops reading a huge answer
            String::from_utf8(req).unwrap()
        });
        (addr, serve)
    }

    #[test]
    fn reads_the_led_count_from_a_json_api() {
        // No Content-Length: the body ends when the device closes the connection, as WLED's
        // answers may.
        let (addr, serve) = serve_once(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n\
              {\"ver\":\"0.15.0\",\"name\":\"Porch\",\"leds\":{\"count\":144,\"rgbw\":false}}",
        );
        let info = fetch_info(addr).unwrap();
        let req = serve.join().unwrap().to_ascii_lowercase();
        assert!(req.starts_with("get /json/info http/1.1\r\n"), "{req}");
        assert!(req.contains(&format!("\r\nhost: {addr}\r\n")), "{req}");
        assert!(req.contains("\r\naccept: application/json\r\n"), "{req}");
        assert_eq!(
            info,
            Info {
                name: "Porch".into(),
                leds: 144,
                version: "0.15.0".into()
            }
        );
    }

    #[test]
    fn the_ddp_url_takes_the_led_count_within_the_frame() {
        let device = |info| Device {
            instance: "wled-porch".into(),
            addr: "10.0.0.7:80".parse().unwrap(),
            info,
        };
        let info = |leds| {
            Ok(Info {
                name: "Front porch".into(),
                leds,
                version: "0.15.0".into(),
            })
        };
        assert_eq!(
            device(info(144)).ddp_url(320),
            "ddp://10.0.0.7?leds=0-143&name=Front+porch"
        );
        assert_eq!(
            device(info(600)).ddp_url(320),
            "ddp://10.0.0.7?leds=0-319&name=Front+porch"
        );
        assert_eq!(
            device(info(0)).ddp_url(320),
            "ddp://10.0.0.7?leds=0-0&name=Front+porch"
        );
        assert_eq!(device(Err("no".into())).ddp_url(320), "ddp://10.0.0.7");
        // Every URL it makes is one `--out` takes.
        for url in [
            device(info(144)).ddp_url(320),
            device(info(600)).ddp_url(320),
        ] {
            let spec = k1_io::outputs::parse(&url).unwrap();
            assert_eq!(spec.name, "Front porch");
            assert!(spec.range_for(320).is_ok());
        }
    }

    #[test]
    fn bad_answers_are_reasons_not_panics() {
        let fetch = |answer: &'static [u8]| {
            let (addr, serve) = serve_once(answer);
            let got = fetch_info(addr);
            serve.join().unwrap();
            got
        };
        assert!(fetch(b"garbage\r\n\r\n").is_err());
        let not_found = fetch(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        assert!(not_found.unwrap_err().contains("404"));
        let cut = fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{");
        assert!(cut.unwrap_err().contains("JSON"));
        let no_leds = fetch(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"leds\":{}}");
        assert!(no_leds.unwrap_err().contains("leds.count"));
        assert!(parse_info("{").unwrap_err().contains("JSON"));
        let closed = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        assert!(fetch_info(closed).is_err());
    }

    /// An answer past [`MAX_ANSWER`] is refused, not read into memory.
    #[test]
    fn a_huge_answer_is_an_error() {
        static HUGE: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
            let mut a = b"HTTP/1.1 200 OK\r\n\r\n{\"pad\":\"".to_vec();
            a.resize(a.len() + MAX_ANSWER as usize + 1, b'x');
            a.extend_from_slice(b"\",\"leds\":{\"count\":1}}");
            a
        });
        let (addr, serve) = serve_once(HUGE.as_slice());
        assert!(fetch_info(addr).is_err());
        let _ = serve.join();
    }
}
