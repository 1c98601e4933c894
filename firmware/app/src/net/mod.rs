//! The network side of the device: the Wi-Fi radio in station mode (and the `K1-Setup-XXXX`
//! access point when there is no network to join), one embassy-net stack per interface, the
//! setup network's DHCP server, the `k1-xxxx.local` mDNS responder (with the `_http._tcp` and
//! `_k1._tcp` services) and the HTTP servers.
//!
//! | Task | Interface | What |
//! |---|---|---|
//! | [`wifi::wifi_task`] | radio | joins the stored network, with `k1_fw_logic::provision` deciding when to retry and when the setup AP is up |
//! | `net_task` × 2 | both | embassy-net's runners |
//! | [`dhcp::dhcp_server_task`] | AP | leases 192.168.4.2.. to phones on the setup network |
//! | [`mdns::mdns_task`] | station | answers `k1-xxxx.local`, `_http._tcp`, `_k1._tcp` |
//! | `http_task` × 3 | 2 on the station, 1 on the AP | the HTTP API and the setup page ([`crate::http`]) |

pub mod dhcp;
pub mod mdns;
pub mod wifi;

use embassy_executor::Spawner;
use embassy_net::{Config, DhcpConfig, Ipv4Cidr, Runner, Stack, StackResources, StaticConfigV4};
use esp_hal::peripherals::WIFI;
use esp_radio::wifi::{ControllerConfig, Interface, PowerSaveMode, WifiController};
use k1_fw_logic::mdns::Identity;
use k1_fw_logic::provision::setup_ssid;
use log::{error, info};
use static_cell::StaticCell;

use crate::config::{LEDS, WIFI_RX_BUFFERS, WIFI_TX_BUFFERS};
use crate::http;

/// The setup network's address of the device (the page is at `http://192.168.4.1/`).
pub const AP_ADDRESS: [u8; 4] = [192, 168, 4, 1];

/// embassy-net's sockets: 2 HTTP + mDNS + DHCP client on the station, 1 HTTP + DHCP server on
/// the access point, with room to spare.
const STA_SOCKETS: usize = 6;
const AP_SOCKETS: usize = 4;

#[embassy_executor::task(pool_size = 2)]
async fn net_task(mut runner: Runner<'static, Interface>) -> ! {
    runner.run().await
}

/// Brings up the radio, both stacks and every network task. Failing to start the radio is
/// logged and leaves the device running without a network (lights keep working).
pub fn start(spawner: &Spawner, wifi: WIFI<'static>, seed: u64) {
    let (static_rx, dynamic_rx) = WIFI_RX_BUFFERS;
    let config = ControllerConfig::default()
        .with_static_rx_buf_num(static_rx)
        .with_dynamic_rx_buf_num(dynamic_rx)
        .with_dynamic_tx_buf_num(WIFI_TX_BUFFERS);
    let controller = match WifiController::new(wifi, config) {
        Ok(c) => c,
        Err(e) => {
            error!("Wi-Fi did not start ({e:?}): running without a network");
            return;
        }
    };
    let mut controller: WifiController<'static> = controller;
    // Power save delays every packet by up to a beacon interval and is behind many overnight
    // drop-outs on similar devices: off.
    if let Err(e) = controller.set_power_saving(PowerSaveMode::None) {
        error!("Wi-Fi power save could not be turned off: {e:?}");
    }
    let sta_iface = Interface::station();
    let ap_iface = Interface::access_point();
    let mac = sta_iface.mac_address();
    let ssid = setup_ssid(&mac);
    info!("Wi-Fi MAC {mac:02x?}; setup network {ssid}");

    // `k1-xxxx` from the MAC, so two devices on one network do not collide (DHCP and mDNS).
    static IDENTITY: StaticCell<Identity> = StaticCell::new();
    let id: &'static Identity = IDENTITY.init(Identity::new(&mac, LEDS, env!("CARGO_PKG_VERSION")));
    info!("host name {}.local", id.hostname());
    let mut dhcp = DhcpConfig::default();
    dhcp.hostname = heapless::String::try_from(id.hostname()).ok();
    static STA_RES: StaticCell<StackResources<STA_SOCKETS>> = StaticCell::new();
    static AP_RES: StaticCell<StackResources<AP_SOCKETS>> = StaticCell::new();
    let (sta, sta_runner) = embassy_net::new(
        sta_iface,
        Config::dhcpv4(dhcp),
        STA_RES.init(StackResources::new()),
        seed,
    );
    let [a, b, c, d] = AP_ADDRESS;
    let ap_ip = embassy_net::Ipv4Address::new(a, b, c, d);
    let (ap, ap_runner) = embassy_net::new(
        ap_iface,
        Config::ipv4_static(StaticConfigV4 {
            address: Ipv4Cidr::new(ap_ip, 24),
            gateway: Some(ap_ip),
            dns_servers: heapless::Vec::new(),
        }),
        AP_RES.init(StackResources::new()),
        seed.rotate_left(17) ^ 0x5eed,
    );

    spawner.spawn(net_task(sta_runner).expect("net task"));
    spawner.spawn(net_task(ap_runner).expect("net task"));
    spawner.spawn(wifi::wifi_task(controller, sta, ssid, mac, id.hostname()).expect("wifi task"));
    spawner.spawn(dhcp::dhcp_server_task(ap).expect("dhcp task"));
    spawner.spawn(mdns::mdns_task(sta, id).expect("mdns task"));
    http::start(spawner, sta, ap);
}

/// The station's address, once DHCP gave one.
pub fn station_address(sta: Stack<'_>) -> Option<embassy_net::Ipv4Address> {
    sta.config_v4().map(|c| c.address.address())
}
