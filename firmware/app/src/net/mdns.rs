//! The mDNS responder (edge-mdns) on the station: `k1-xxxx.local` (A, the address DHCP gave)
//! and the `_http._tcp` and `_k1._tcp` services with their TXT records, as
//! `k1_fw_logic::mdns` builds them (tested on the host). It waits for an address, and starts
//! again with the new one whenever the address changes or the link drops.

use core::net::Ipv4Addr;

use edge_mdns::HostAnswersMdnsHandler;
use edge_mdns::buf::VecBufAccess;
use edge_mdns::io::{self, IPV4_DEFAULT_SOCKET};
use edge_nal::UdpSplit;
use edge_nal_embassy::{Udp, UdpBuffers};
use embassy_futures::select::{Either, select};
use embassy_net::Stack;
use embassy_sync::blocking_mutex::raw::NoopRawMutex;
use embassy_sync::signal::Signal;
use embassy_time::{Duration, Timer};
use k1_fw_logic::mdns::{Identity, Responder};
use log::{info, warn};
use static_cell::StaticCell;

#[embassy_executor::task]
pub async fn mdns_task(sta: Stack<'static>, id: &'static Identity) -> ! {
    static BUFFERS: StaticCell<UdpBuffers<1, 1500, 1500, 4>> = StaticCell::new();
    static RECV: StaticCell<VecBufAccess<NoopRawMutex, 1500>> = StaticCell::new();
    static SEND: StaticCell<VecBufAccess<NoopRawMutex, 1500>> = StaticCell::new();
    let udp = Udp::new(sta, BUFFERS.init(UdpBuffers::new()));
    let (recv_buf, send_buf) = (
        &*RECV.init(VecBufAccess::new()),
        &*SEND.init(VecBufAccess::new()),
    );
    loop {
        sta.wait_config_up().await;
        let Some(config) = sta.config_v4() else {
            continue;
        };
        let ip = config.address.address();
        let txt = id.k1_txt();
        let responder = Responder::new(id, &txt, Ipv4Addr::from(ip.octets()));
        info!(
            "mDNS: {}.local is {ip}, with _http._tcp and _k1._tcp",
            id.hostname()
        );
        let run =
            async {
                let mut socket =
                    match io::bind(&udp, IPV4_DEFAULT_SOCKET, Some(Ipv4Addr::UNSPECIFIED), None)
                        .await
                    {
                        Ok(s) => s,
                        Err(e) => {
                            warn!("mDNS: no socket: {e:?}");
                            return;
                        }
                    };
                let (recv, send) = socket.split();
                let signal = Signal::<NoopRawMutex, ()>::new();
                let mdns = io::Mdns::<_, _, _, _, _, NoopRawMutex>::new(
                    Some(Ipv4Addr::UNSPECIFIED),
                    None,
                    recv,
                    send,
                    recv_buf,
                    send_buf,
                    // Random delays before answers (RFC 6762); esp-hal's RNG is seeded by the radio.
                    esp_hal::rng::Rng::new(),
                    &signal,
                );
                if let Err(e) = mdns
                    .run(HostAnswersMdnsHandler::new(responder.answers()))
                    .await
                {
                    warn!("mDNS stopped: {e:?}");
                }
            };
        match select(run, sta.wait_config_down()).await {
            Either::First(()) => Timer::after(Duration::from_secs(2)).await,
            Either::Second(()) => info!("mDNS: station address lost"),
        }
    }
}
