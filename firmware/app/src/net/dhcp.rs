//! The setup network's DHCP server (edge-dhcp): a phone that joins `K1-Setup-XXXX` gets an
//! address in 192.168.4.0/24 with the device as its gateway, so `http://192.168.4.1/` opens the
//! setup page. It runs for as long as the device does; with the access point down it is idle.

use core::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use edge_dhcp::io::{DEFAULT_SERVER_PORT, server};
use edge_dhcp::server::{Server, ServerOptions};
use edge_nal::UdpBind;
use edge_nal_embassy::{Udp, UdpBuffers};
use embassy_net::Stack;
use embassy_time::{Duration, Timer};
use log::warn;
use static_cell::StaticCell;

use super::AP_ADDRESS;

/// Leases at once: a setup session is one phone, maybe two.
const LEASES: usize = 4;

#[embassy_executor::task]
pub async fn dhcp_server_task(ap: Stack<'static>) -> ! {
    static BUFFERS: StaticCell<UdpBuffers<1, 1024, 1024, 4>> = StaticCell::new();
    let udp = Udp::new(ap, BUFFERS.init(UdpBuffers::new()));
    let [a, b, c, d] = AP_ADDRESS;
    let ip = Ipv4Addr::new(a, b, c, d);
    let mut gateway = [ip];
    let options = ServerOptions::new(ip, Some(&mut gateway));
    let mut buf = [0u8; 1024];
    loop {
        let mut server = Server::<_, LEASES>::new_with_et(ip);
        match udp
            .bind(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::UNSPECIFIED,
                DEFAULT_SERVER_PORT,
            )))
            .await
        {
            Ok(mut socket) => {
                if let Err(e) = server::run(&mut server, &options, &mut socket, &mut buf).await {
                    warn!("setup DHCP server stopped: {e:?}");
                }
            }
            Err(e) => warn!("setup DHCP server: no socket: {e:?}"),
        }
        Timer::after(Duration::from_secs(1)).await;
    }
}
