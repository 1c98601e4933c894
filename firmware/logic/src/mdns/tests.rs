//! The records checked as a peer sees them: edge-mdns's handler (the one the device runs)
//! writes the announcement and the answer to a query, and the `domain` crate parses them back.

extern crate std;

use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use edge_mdns::domain::base::iana::Rtype;
use edge_mdns::domain::base::{Message, ParsedName, RecordData};
use edge_mdns::domain::rdata::AllRecordData;
use edge_mdns::{HostAnswersMdnsHandler, MdnsHandler, MdnsRequest, MdnsResponse};

use super::*;

const MAC: [u8; 6] = [0x24, 0x0a, 0xc4, 0x12, 0xab, 0x0f];
const IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 57);

/// The records of the answer section (and, with `additional`, of the additional section too),
/// each as text: `name TYPE data`.
fn records(packet: &[u8], additional: bool) -> Vec<String> {
    let msg = Message::from_octets(packet).expect("a DNS message");
    let mut out = Vec::new();
    let extra = msg.additional().expect("additional").filter(|_| additional);
    for rr in msg.answer().expect("answers").chain(extra) {
        let rr = rr.expect("a record");
        let rec = rr
            .to_record::<AllRecordData<_, ParsedName<_>>>()
            .expect("parses")
            .expect("a known type");
        let name = rec.owner().to_string();
        let data = match rec.data() {
            AllRecordData::A(a) => format!("A {}", a.addr()),
            AllRecordData::Ptr(p) => format!("PTR {}", p.ptrdname()),
            AllRecordData::Srv(s) => format!(
                "SRV {} {} {} {}",
                s.priority(),
                s.weight(),
                s.port(),
                s.target()
            ),
            AllRecordData::Txt(t) => {
                let kv: Vec<String> = t
                    .iter()
                    .map(|c| String::from_utf8(c.to_vec()).unwrap())
                    .collect();
                format!("TXT {}", kv.join(" "))
            }
            other => format!("{} ?", other.rtype()),
        };
        out.push(format!("{name} {data}"));
    }
    out
}

fn respond(request: MdnsRequest<'_>, additional: bool) -> Vec<String> {
    let id = Identity::new(&MAC, 320, "0.1.0");
    let txt = id.k1_txt();
    let responder = Responder::new(&id, &txt, IP);
    let mut handler = HostAnswersMdnsHandler::new(responder.answers());
    let mut buf = [0u8; 1500];
    match handler.handle(request, &mut buf).expect("handled") {
        MdnsResponse::Reply { data, .. } => records(data, additional),
        MdnsResponse::None => Vec::new(),
    }
}

/// An mDNS query (id 0, one question, class IN) for `name` (dot-separated, no trailing dot).
fn query(name: &str, rtype: Rtype) -> Vec<u8> {
    let mut q = Vec::from(&[0u8, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0][..]);
    for label in name.split('.') {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.push(0);
    q.extend_from_slice(&rtype.to_int().to_be_bytes());
    q.extend_from_slice(&1u16.to_be_bytes());
    q
}

#[test]
fn the_host_name_comes_from_the_mac() {
    assert_eq!(hostname(&MAC).as_str(), "k1-ab0f");
    assert_eq!(hostname(&[0, 0, 0, 0, 0, 0]).as_str(), "k1-0000");
    assert_eq!(hostname(&[0xff; 6]).as_str(), "k1-ffff");
    // Two devices that differ in the last two bytes get two names.
    assert_ne!(hostname(&[1, 2, 3, 4, 5, 6]), hostname(&[1, 2, 3, 4, 5, 7]));
    let id = Identity::new(&MAC, 320, "0.1.0");
    assert_eq!(id.hostname(), "k1-ab0f");
    assert_eq!(
        id.k1_txt(),
        [("leds", "320"), ("version", "0.1.0"), ("api", "/api")]
    );
}

#[test]
fn the_announcement_has_the_address_and_both_services() {
    let got = respond(MdnsRequest::None, true);
    let want = [
        "k1-ab0f.local A 192.168.1.57",
        "k1-ab0f._http._tcp.local SRV 0 0 80 k1-ab0f.local",
        "k1-ab0f._http._tcp.local TXT path=/",
        "_services._dns-sd._udp.local PTR _http._tcp.local",
        "_http._tcp.local PTR k1-ab0f._http._tcp.local",
        "k1-ab0f._k1._tcp.local SRV 0 0 80 k1-ab0f.local",
        "k1-ab0f._k1._tcp.local TXT leds=320 version=0.1.0 api=/api",
        "_services._dns-sd._udp.local PTR _k1._tcp.local",
        "_k1._tcp.local PTR k1-ab0f._k1._tcp.local",
    ];
    for w in want {
        assert!(got.iter().any(|g| g == w), "missing `{w}` in {got:#?}");
    }
    // The address once, not once per service.
    assert_eq!(
        got.iter().filter(|g| g.contains(" A ")).count(),
        1,
        "{got:#?}"
    );
    assert_eq!(got.len(), want.len(), "{got:#?}");
}

#[test]
fn queries_are_answered_by_name() {
    let ask = |name: &str, rtype, additional| {
        let q = query(name, rtype);
        respond(
            MdnsRequest::Request {
                legacy: false,
                multicast: true,
                data: &q,
            },
            additional,
        )
    };
    assert_eq!(
        ask("k1-ab0f.local", Rtype::A, false),
        ["k1-ab0f.local A 192.168.1.57"]
    );
    assert_eq!(
        ask("_k1._tcp.local", Rtype::PTR, false),
        ["_k1._tcp.local PTR k1-ab0f._k1._tcp.local"]
    );
    assert_eq!(
        ask("_http._tcp.local", Rtype::PTR, false),
        ["_http._tcp.local PTR k1-ab0f._http._tcp.local"]
    );
    // The rest of what a browser needs to connect comes along as additional records.
    let k1 = ask("_k1._tcp.local", Rtype::PTR, true);
    for w in [
        "k1-ab0f._k1._tcp.local SRV 0 0 80 k1-ab0f.local",
        "k1-ab0f._k1._tcp.local TXT leds=320 version=0.1.0 api=/api",
        "k1-ab0f.local A 192.168.1.57",
    ] {
        assert!(k1.iter().any(|g| g == w), "missing `{w}` in {k1:#?}");
    }
    // Another device's name is not ours to answer.
    assert!(ask("k1-0001.local", Rtype::A, true).is_empty());
    assert!(ask("_ipp._tcp.local", Rtype::PTR, true).is_empty());
}
