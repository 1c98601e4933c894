//! What the device announces over mDNS / DNS-SD, built with edge-mdns's record types.
//!
//! - The host name is `k1-xxxx` (the last two bytes of the station MAC, lower-case hex, the
//!   same digits as the `K1-Setup-XXXX` network), so two devices on one network do not collide;
//!   it answers A queries for `k1-xxxx.local`.
//! - `k1-xxxx._http._tcp.local` (port 80, TXT `path=/`): browsers and service browsers find the
//!   device's web page.
//! - `k1-xxxx._k1._tcp.local` (port 80, TXT `leds`, `version`, `api`): K1 clients find K1
//!   devices and how many LEDs each drives without probing every web server.
//!
//! [`Identity`] owns the strings; [`Responder`] borrows them with the current address and gives
//! the chained answers that `edge_mdns::HostAnswersMdnsHandler` serves. The A record is given
//! once: the second service is built on a copy of the host with no address.

use core::fmt::Write;
use core::net::{Ipv4Addr, Ipv6Addr};

use edge_mdns::ChainedHostAnswers;
use edge_mdns::domain::base::Ttl;
use edge_mdns::host::{Host, Service, ServiceAnswers};
use heapless::String;

/// The port the HTTP API and the web page listen on.
pub const HTTP_PORT: u16 = 80;
/// Time-to-live of the answers.
pub const TTL_SECS: u32 = 120;
/// The K1 service type (`_k1._tcp`).
pub const K1_SERVICE: &str = "_k1";
/// TXT of the `_http._tcp` service: the page is at the root.
pub const HTTP_TXT: [(&str, &str); 1] = [("path", "/")];

/// `k1-xxxx` from the station MAC.
pub fn hostname(mac: &[u8; 6]) -> String<16> {
    let mut name = String::new();
    // Seven characters always fit in sixteen.
    let _ = write!(name, "k1-{:02x}{:02x}", mac[4], mac[5]);
    name
}

/// The device's names and TXT values, owned, for [`Responder`] to borrow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    hostname: String<16>,
    leds: String<10>,
    version: &'static str,
}

impl Identity {
    /// The identity of the device with station MAC `mac` driving `leds` LEDs, running firmware
    /// `version`.
    pub fn new(mac: &[u8; 6], leds: usize, version: &'static str) -> Self {
        let mut count = String::new();
        let _ = write!(count, "{leds}");
        Identity {
            hostname: hostname(mac),
            leds: count,
            version,
        }
    }

    /// `k1-xxxx`, also the DHCP host name.
    pub fn hostname(&self) -> &str {
        &self.hostname
    }

    /// The `_k1._tcp` TXT pairs: `leds`, `version`, `api`.
    pub fn k1_txt(&self) -> [(&str, &str); 3] {
        [
            ("leds", &self.leds),
            ("version", self.version),
            ("api", "/api"),
        ]
    }
}

/// The answers for one address: what `edge_mdns::HostAnswersMdnsHandler` takes.
pub type Answers<'r> = ChainedHostAnswers<ServiceAnswers<'r>, ServiceAnswers<'r>>;

/// The host and its two services at one address.
pub struct Responder<'a> {
    host: Host<'a>,
    bare: Host<'a>,
    http: Service<'a>,
    k1: Service<'a>,
}

impl<'a> Responder<'a> {
    /// `id` at `ipv4`, with `k1_txt` from [`Identity::k1_txt`] (kept by the caller, since the
    /// service borrows it).
    pub fn new(id: &'a Identity, k1_txt: &'a [(&'a str, &'a str)], ipv4: Ipv4Addr) -> Self {
        let host = Host {
            hostname: id.hostname(),
            ipv4,
            ipv6: Ipv6Addr::UNSPECIFIED,
            ttl: Ttl::from_secs(TTL_SECS),
        };
        let bare = Host {
            ipv4: Ipv4Addr::UNSPECIFIED,
            ..host.clone()
        };
        let service = |service, txt_kvs| Service {
            name: id.hostname(),
            priority: 0,
            weight: 0,
            service,
            protocol: "_tcp",
            port: HTTP_PORT,
            service_subtypes: &[],
            txt_kvs,
        };
        Responder {
            host,
            bare,
            http: service("_http", &HTTP_TXT),
            k1: service(K1_SERVICE, k1_txt),
        }
    }

    /// The answers: the A record, then SRV, TXT and PTR records of `_http._tcp` and `_k1._tcp`.
    pub fn answers(&self) -> Answers<'_> {
        ChainedHostAnswers::new(
            ServiceAnswers::new(&self.host, &self.http),
            ServiceAnswers::new(&self.bare, &self.k1),
        )
    }
}

#[cfg(test)]
mod tests;
