//! `--out` URLs: `SCHEME://HOST[:PORT][/PATH]?KEY=VALUE&…` into an [`OutputSpec`].
//!
//! Every mistake is an [`OutputError`] that names the part at fault (the scheme, the host, the
//! port or the query key) so the user can fix exactly that. Keys every output takes: `leds=A-B`
//! (inclusive LED indices of the frame, e.g. `0-319`), `fps=N|max`, `delay=MS` (0-1000: hold
//! each frame this long, to line this controller up with slower ones) and `name=TEXT`; the kinds'
//! own keys are listed in `docs/outputs.md` and in [`parse`]'s code below.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use k1_core::proto::{artnet, ddp, e131, opc, wled_realtime, wled_sync};

use super::cid::parse_uuid;
use super::spec::{E131Dest, LedRange, OutputSpec, Target};
use crate::sinks::delay::{MAX_DELAY_MS, check_delay};

/// Frames per second a network output sends unless `fps=` says otherwise.
pub const DEFAULT_FPS: f64 = 60.0;
/// Most packets per second of the audio-sync sender unless `fps=` says otherwise: one per
/// 20 ms, as WLED's own sender.
pub const SYNC_FPS: f64 = 50.0;
/// The fastest audio-sync rate `fps=` may ask for (one packet per 10 ms).
pub const SYNC_FPS_MAX: f64 = 100.0;
/// Adalight's default baud rate.
pub const DEFAULT_BAUD: u32 = 115_200;
/// Seconds WLED stays in realtime mode after the last packet, by default.
pub const DEFAULT_WLED_TIMEOUT: u8 = 2;

/// An output URL that cannot be used, and which part of it is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("output \"{url}\": {part}: {message}")]
pub struct OutputError {
    /// The URL as given.
    pub url: String,
    /// The part at fault: `scheme`, `host`, `port`, `path` or a query key.
    pub part: String,
    /// What is wrong with it.
    pub message: String,
}

/// The schemes, for messages.
pub const SCHEMES: &str = "ddp, e131 (or sacn), artnet, wled, opc, serial, wled-sync";

/// Parses one output URL.
pub fn parse(text: &str) -> Result<OutputSpec, OutputError> {
    let err = |part: &str, message: String| OutputError {
        url: text.to_string(),
        part: part.to_string(),
        message,
    };
    let url = ::url::Url::parse(text.trim()).map_err(|e| {
        let part = if text.contains("://") {
            "url"
        } else {
            "scheme"
        };
        err(
            part,
            format!("{e} (expected SCHEME://HOST…, with SCHEME one of {SCHEMES})"),
        )
    })?;
    let mut query: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in url.query_pairs() {
        if query.insert(k.to_string(), v.to_string()).is_some() {
            return Err(err(&k, "given twice".into()));
        }
    }
    let mut q = Query {
        pairs: query,
        err: &err,
    };
    let host = url
        .host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string())
        .filter(|h| !h.is_empty());
    let need_host = |host: Option<String>| {
        host.ok_or_else(|| err("host", "missing (e.g. ddp://192.168.1.50)".into()))
    };
    let port = |default: u16| -> Result<u16, OutputError> {
        match url.port() {
            Some(0) => Err(err("port", "0 is not a port".into())),
            Some(p) => Ok(p),
            None => Ok(default),
        }
    };
    let network_path = || -> Result<(), OutputError> {
        match url.path() {
            "" | "/" => Ok(()),
            p => Err(err(
                "path",
                format!("\"{p}\" is not used by this kind of output"),
            )),
        }
    };
    let scheme = url.scheme().to_ascii_lowercase();
    let mut default_fps = Some(DEFAULT_FPS);
    let target = match scheme.as_str() {
        "ddp" => {
            network_path()?;
            Target::Ddp {
                host: need_host(host)?,
                port: port(ddp::PORT)?,
            }
        }
        "e131" | "sacn" => {
            network_path()?;
            let universe = q.number("universe", 1u16..=63999)?.unwrap_or(1);
            let multicast = match &host {
                None => true,
                Some(h) => h
                    .parse::<Ipv4Addr>()
                    .is_ok_and(|ip| ip.octets()[..2] == [239, 255]),
            };
            let port = port(e131::PORT)?;
            let dest = match host {
                Some(h) if !multicast => E131Dest::Unicast(h, port),
                _ => E131Dest::Multicast(port),
            };
            let source = q.take("source").unwrap_or_else(|| "K1".into());
            if source.len() >= e131::SOURCE_NAME_LEN {
                return Err(err("source", "at most 63 bytes".into()));
            }
            let cid = match q.take("cid") {
                Some(text) => Some(
                    parse_uuid(&text)
                        .ok_or_else(|| err("cid", format!("\"{text}\" is not a UUID")))?,
                ),
                None => None,
            };
            Target::E131 {
                dest,
                universe,
                priority: q
                    .number("priority", 0u8..=e131::MAX_PRIORITY)?
                    .unwrap_or(e131::DEFAULT_PRIORITY),
                source,
                sync: q.number("sync", 1u16..=63999)?,
                cid,
            }
        }
        "artnet" => {
            network_path()?;
            let net = q.number("net", 0u8..=127)?;
            let subnet = q.number("subnet", 0u8..=15)?;
            let address = if net.is_some() || subnet.is_some() {
                let uni = q.number("universe", 0u8..=15)?.unwrap_or(0);
                artnet::PortAddress::new(net.unwrap_or(0), subnet.unwrap_or(0), uni)
                    .map_err(|e| err("universe", e.to_string()))?
                    .raw()
            } else {
                q.number("universe", 0u16..=0x7FFF)?.unwrap_or(0)
            };
            Target::ArtNet {
                host: need_host(host)?,
                port: port(artnet::PORT)?,
                address,
                sync: q.flag("sync")?,
            }
        }
        "wled" => {
            network_path()?;
            Target::Wled {
                host: need_host(host)?,
                port: port(wled_realtime::PORT)?,
                timeout: q
                    .number("timeout", 1u8..=255)?
                    .unwrap_or(DEFAULT_WLED_TIMEOUT),
            }
        }
        "opc" => {
            network_path()?;
            Target::Opc {
                host: need_host(host)?,
                port: port(opc::PORT)?,
                channel: q.number("channel", 0u8..=255)?.unwrap_or(0),
            }
        }
        "serial" => {
            let path = match (host, url.path()) {
                (None, p) if p.len() > 1 => p.to_string(),
                (Some(h), p) => format!("/{h}{p}"),
                _ => return Err(err("path", "missing (e.g. serial:///dev/ttyUSB0)".into())),
            };
            let baud = q
                .number("baud", 300u32..=12_000_000)?
                .unwrap_or(DEFAULT_BAUD);
            Target::Serial { path, baud }
        }
        "wled-sync" => {
            network_path()?;
            default_fps = Some(SYNC_FPS);
            Target::WledSync {
                host: host.unwrap_or_else(|| Ipv4Addr::from(wled_sync::MULTICAST).to_string()),
                port: port(wled_sync::PORT)?,
            }
        }
        other => {
            return Err(err(
                "scheme",
                format!("unknown output \"{other}\" (one of {SCHEMES})"),
            ));
        }
    };
    let leds = match q.take("leds") {
        None => None,
        Some(text) => Some(parse_range(&text).ok_or_else(|| {
            err(
                "leds",
                format!("\"{text}\" is not a range FIRST-LAST of LED indices, e.g. 0-319"),
            )
        })?),
    };
    if leds.is_some() && matches!(target, Target::WledSync { .. }) {
        return Err(err("leds", "the audio-sync sender sends no LEDs".into()));
    }
    let fps = match q.take("fps") {
        None => default_fps,
        Some(t) if matches!(target, Target::WledSync { .. }) => match t.parse::<f64>() {
            Ok(f) if (1.0..=SYNC_FPS_MAX).contains(&f) => Some(f),
            _ => {
                return Err(err(
                    "fps",
                    format!("\"{t}\": audio-sync packets a second are a number 1-100 (default 50)"),
                ));
            }
        },
        Some(t) if t == "max" => None,
        Some(t) => match t.parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 && f <= 1000.0 => Some(f),
            _ => {
                return Err(err(
                    "fps",
                    format!("\"{t}\" is not `max` or a number 0-1000"),
                ));
            }
        },
    };
    let delay_ms = match q.take("delay") {
        None => None,
        Some(_) if matches!(target, Target::WledSync { .. }) => {
            return Err(err(
                "delay",
                "the audio-sync sender sends the analysis, not frames: set the delay on the \
                 receiving WLED output"
                    .into(),
            ));
        }
        Some(t) => Some(parse_delay(&t).map_err(|message| err("delay", message))?),
    };
    let name = q.take("name").unwrap_or_else(|| default_name(&target));
    if let Some(key) = q.pairs.keys().next() {
        return Err(err(
            key,
            format!("unknown option for a {} output", target.kind()),
        ));
    }
    Ok(OutputSpec {
        url: text.to_string(),
        name,
        target,
        leds,
        fps,
        delay_ms,
    })
}

/// A `delay=` value: whole milliseconds, 0 to [`MAX_DELAY_MS`] (`ms` after the number is
/// allowed).
pub fn parse_delay(text: &str) -> Result<u32, String> {
    let digits = text.trim().trim_end_matches("ms").trim();
    let ms: i64 = digits.parse().map_err(|_| {
        format!(
            "\"{text}\" is not a delay in whole milliseconds, 0 to {MAX_DELAY_MS} (e.g. delay=40)"
        )
    })?;
    check_delay(ms).map_err(|e| e.to_string())
}

/// `scheme:host:port` (an IPv6 address in brackets, as in a URL), `e131:multicast/UNIVERSE` or
/// `serial:path`.
fn default_name(target: &Target) -> String {
    let kind = target.kind();
    let at = |host: &str, port: &u16| {
        if host.contains(':') {
            format!("{kind}:[{host}]:{port}")
        } else {
            format!("{kind}:{host}:{port}")
        }
    };
    match target {
        Target::Ddp { host, port }
        | Target::ArtNet { host, port, .. }
        | Target::Wled { host, port, .. }
        | Target::Opc { host, port, .. }
        | Target::WledSync { host, port } => at(host, port),
        Target::E131 {
            dest: E131Dest::Unicast(host, port),
            ..
        } => at(host, port),
        Target::E131 { universe, .. } => format!("{kind}:multicast/{universe}"),
        Target::Serial { path, .. } => format!("{kind}:{path}"),
    }
}

/// `A-B` (inclusive, A <= B) or a single index.
fn parse_range(text: &str) -> Option<LedRange> {
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let start: usize = a.trim().parse().ok()?;
    let last: usize = b.trim().parse().ok()?;
    (start <= last && last < 65536).then_some(LedRange {
        start,
        end: last + 1,
    })
}

/// The query pairs not yet used, and how to report a bad one.
struct Query<'a, E: Fn(&str, String) -> OutputError> {
    pairs: BTreeMap<String, String>,
    err: &'a E,
}

impl<E: Fn(&str, String) -> OutputError> Query<'_, E> {
    fn take(&mut self, key: &str) -> Option<String> {
        self.pairs.remove(key)
    }

    fn number<T>(
        &mut self,
        key: &str,
        range: std::ops::RangeInclusive<T>,
    ) -> Result<Option<T>, OutputError>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display,
    {
        let Some(text) = self.take(key) else {
            return Ok(None);
        };
        match text.parse::<T>() {
            Ok(v) if range.contains(&v) => Ok(Some(v)),
            _ => Err((self.err)(
                key,
                format!(
                    "\"{text}\" is not a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }

    fn flag(&mut self, key: &str) -> Result<bool, OutputError> {
        match self.take(key).as_deref() {
            None | Some("0" | "false" | "no" | "off") => Ok(false),
            Some("" | "1" | "true" | "yes" | "on") => Ok(true),
            Some(other) => Err((self.err)(key, format!("\"{other}\" is not true or false"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str) -> String {
        parse(text).unwrap_err().part
    }

    #[test]
    fn the_issue_examples() {
        let d = parse("ddp://192.168.1.50").unwrap();
        assert_eq!(
            d.target,
            Target::Ddp {
                host: "192.168.1.50".into(),
                port: 4048
            }
        );
        assert_eq!(
            (d.leds, d.fps, d.name.as_str(), d.delay_ms),
            (None, Some(60.0), "ddp:192.168.1.50:4048", None)
        );
        let e = parse("e131://239.255.0.1?universe=1&leds=0-319").unwrap();
        assert_eq!(e.leds, Some(LedRange { start: 0, end: 320 }));
        match e.target {
            Target::E131 {
                dest,
                universe,
                priority,
                ref source,
                sync,
                cid,
            } => {
                assert_eq!(dest, E131Dest::Multicast(5568));
                assert_eq!(
                    (universe, priority, source.as_str(), sync, cid),
                    (1, 100, "K1", None, None)
                );
            }
            other => panic!("{other:?}"),
        }
        let s = parse("serial:///dev/ttyUSB0?baud=500000").unwrap();
        assert_eq!(
            s.target,
            Target::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 500_000
            }
        );
        assert_eq!(s.fps, Some(60.0));
    }

    #[test]
    fn every_kind_and_its_options() {
        let a = parse("artnet://10.0.0.2:6455?net=1&subnet=2&universe=3&sync=1&fps=max").unwrap();
        assert_eq!(
            (a.target, a.fps),
            (
                Target::ArtNet {
                    host: "10.0.0.2".into(),
                    port: 6455,
                    address: 0x123,
                    sync: true
                },
                None
            )
        );
        assert!(matches!(
            parse("artnet://h?universe=300").unwrap().target,
            Target::ArtNet {
                address: 300,
                sync: false,
                ..
            }
        ));
        assert_eq!(
            parse("wled://kitchen.local?timeout=255&fps=30")
                .unwrap()
                .target,
            Target::Wled {
                host: "kitchen.local".into(),
                port: 21324,
                timeout: 255
            }
        );
        assert_eq!(
            parse("opc://[::1]:7000?channel=2").unwrap().target,
            Target::Opc {
                host: "::1".into(),
                port: 7000,
                channel: 2
            }
        );
        let sync = parse("wled-sync://").unwrap();
        assert_eq!(
            (sync.target, sync.fps),
            (
                Target::WledSync {
                    host: "239.0.0.1".into(),
                    port: 11988
                },
                Some(50.0)
            )
        );
        assert_eq!(parse("wled-sync://?fps=25").unwrap().fps, Some(25.0));
        match parse("sacn://10.0.0.9?universe=7&priority=150&source=Bar&sync=7&cid=0123456789abcdef0123456789ABCDEF")
            .unwrap()
            .target
        {
            Target::E131 { dest, universe, priority, source, sync, cid } => {
                assert_eq!(dest, E131Dest::Unicast("10.0.0.9".into(), 5568));
                assert_eq!((universe, priority, source.as_str(), sync), (7, 150, "Bar", Some(7)));
                assert_eq!(cid.unwrap()[0..2], [0x01, 0x23]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse("ddp://h?name=porch").unwrap().name, "porch");
    }

    #[test]
    fn default_names_carry_the_port_and_bracket_ipv6() {
        let name = |url: &str| parse(url).unwrap().name;
        assert_eq!(name("ddp://[::1]"), "ddp:[::1]:4048");
        assert_eq!(name("opc://127.0.0.1"), "opc:127.0.0.1:7890");
        assert_eq!(name("opc://127.0.0.1:7891"), "opc:127.0.0.1:7891");
        assert_eq!(name("artnet://[fe80::2]:6455"), "artnet:[fe80::2]:6455");
        assert_eq!(name("e131://10.0.0.9"), "e131:10.0.0.9:5568");
        assert_eq!(name("wled://lamp.local"), "wled:lamp.local:21324");
        assert_eq!(
            parse("ddp://h?leds=5").unwrap().leds,
            Some(LedRange { start: 5, end: 6 })
        );
    }

    #[test]
    fn mistakes_name_their_part() {
        assert_eq!(part("dmx://h"), "scheme");
        assert_eq!(part("192.168.1.50"), "scheme");
        assert_eq!(part("ddp://"), "host");
        assert_eq!(part("ddp://h:0"), "port");
        assert_eq!(part("ddp://h:99999"), "url");
        assert_eq!(part("ddp://h/x"), "path");
        assert_eq!(part("ddp://h?leds=9-3"), "leds");
        assert_eq!(part("ddp://h?leds=a-b"), "leds");
        assert_eq!(part("ddp://h?fps=0"), "fps");
        assert_eq!(part("ddp://h?fps=NaN"), "fps");
        assert_eq!(part("ddp://h?colour=red"), "colour");
        assert_eq!(part("ddp://h?fps=1&fps=2"), "fps");
        assert_eq!(part("e131://h?universe=0"), "universe");
        assert_eq!(part("e131://h?priority=201"), "priority");
        assert_eq!(part("e131://h?cid=xyz"), "cid");
        assert_eq!(part("artnet://h?universe=40000"), "universe");
        assert_eq!(part("artnet://h?net=1&universe=16"), "universe");
        assert_eq!(part("artnet://h?sync=maybe"), "sync");
        assert_eq!(part("wled://h?timeout=0"), "timeout");
        assert_eq!(part("serial://"), "path");
        assert_eq!(part("serial:///dev/x?baud=fast"), "baud");
        assert_eq!(part("wled-sync://?fps=max"), "fps");
        assert_eq!(part("wled-sync://?fps=0.5"), "fps");
        assert_eq!(part("wled-sync://?fps=101"), "fps");
        assert_eq!(part("wled-sync://?leds=0-1"), "leds");
        assert_eq!(part("ddp://h?delay=1001"), "delay");
        assert_eq!(part("ddp://h?delay=-5"), "delay");
        assert_eq!(part("ddp://h?delay=4.5"), "delay");
        assert_eq!(part("ddp://h?delay="), "delay");
        assert_eq!(part("wled-sync://?delay=40"), "delay");
        let e = parse("ddp://h?fps=zero").unwrap_err().to_string();
        assert_eq!(
            e,
            "output \"ddp://h?fps=zero\": fps: \"zero\" is not `max` or a number 0-1000"
        );
    }

    #[test]
    fn the_delay_option() {
        assert_eq!(parse("ddp://h").unwrap().delay_ms, None);
        assert_eq!(parse("ddp://h?delay=40").unwrap().delay_ms, Some(40));
        assert_eq!(
            parse("wled://h?delay=40ms&fps=30").unwrap().delay_ms,
            Some(40)
        );
        assert_eq!(parse("e131://h?delay=1000").unwrap().delay_ms, Some(1000));
        assert_eq!(parse("serial:///dev/x?delay=0").unwrap().delay_ms, Some(0));
        assert_eq!(
            parse("ddp://h?delay=2000").unwrap_err().to_string(),
            "output \"ddp://h?delay=2000\": delay: delay 2000 ms is out of range: 0 to 1000 \
             (the light waits this long for its output)"
        );
        assert_eq!(
            parse("ddp://h?delay=soon").unwrap_err().message,
            "\"soon\" is not a delay in whole milliseconds, 0 to 1000 (e.g. delay=40)"
        );
    }

    #[test]
    fn ranges_are_checked_against_the_frame() {
        let s = parse("ddp://h?leds=0-319").unwrap();
        assert_eq!(s.range_for(320), Ok(LedRange { start: 0, end: 320 }));
        assert!(s.range_for(300).unwrap_err().contains("0-299"));
        assert_eq!(parse("ddp://h").unwrap().range_for(10).unwrap().len(), 10);
    }
}
