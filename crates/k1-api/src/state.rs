//! [`ApiState`]: what every handler can reach: the engine's shared state, the store, the
//! device's description and the security settings.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::time::Instant;

use axum::http::HeaderValue;

use super::conn::Connections;
use super::source::SourceSwitch;
use crate::store::Store;
use k1_engine::Shared;

/// What the device is and how it runs (for `/api/device/info`).
#[derive(Clone, Debug)]
pub struct DeviceInfo {
    /// The device's name (`k1-<name>.local` on mDNS).
    pub name: String,
    /// Where frames go, one line each.
    pub outputs: Vec<String>,
    /// The render rate the engine aims for, FPS.
    pub fps: u32,
}

/// Who may change state.
#[derive(Clone, Debug, Default)]
pub struct Security {
    /// If set, every state-changing request needs `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Web origins allowed to call the API from another site (`--cors-origin`).
    pub cors_origins: Vec<HeaderValue>,
    /// Listening on loopback only: requests must name a loopback host (stops DNS rebinding).
    pub loopback_only: bool,
    /// Listening beyond loopback with no token on purpose (`--auth none`, a trusted LAN): the
    /// UI shows a warning.
    pub open_lan: bool,
}

impl Security {
    /// How requests are authorised, as `/api/device/info` reports it: `loopback` (this machine
    /// only), `token`, or `none` (`--auth none` on a network).
    pub fn auth_mode(&self) -> &'static str {
        if self.token.is_some() {
            "token"
        } else if self.open_lan {
            "none"
        } else {
            "loopback"
        }
    }
}

/// Counters of the WebSocket side (for `/metrics`).
#[derive(Debug, Default)]
pub struct WsCounters {
    /// Clients connected now.
    pub clients: AtomicUsize,
    /// Client ids handed out.
    pub next_id: AtomicU64,
    /// LED frames sent to clients.
    pub frames_sent: AtomicU64,
    /// Frames a client was too slow to take (skipped).
    pub frames_skipped: AtomicU64,
    /// Clients dropped for being too slow.
    pub dropped: AtomicU64,
}

/// The handlers' state (cheap to clone).
#[derive(Clone)]
pub struct ApiState(pub Arc<Inner>);

/// See [`ApiState`].
pub struct Inner {
    /// The engine's state.
    pub shared: Arc<Shared>,
    /// The persisted documents.
    pub store: Arc<Store>,
    /// The device.
    pub device: DeviceInfo,
    /// The audio source in use, and how to change it.
    pub source: Arc<SourceSwitch>,
    /// The security settings.
    pub security: Security,
    /// When the server started.
    pub started: Instant,
    /// The address the server listens on, once bound.
    pub listen: Option<SocketAddr>,
    /// WebSocket counters.
    pub ws: WsCounters,
    /// The open HTTP connections by client, and those turned away.
    pub connections: Arc<Connections>,
    /// The latency wizard, where this build has audio devices.
    pub wizard: Option<super::latency::Wizard>,
    /// Set while the wizard runs.
    pub wizard_busy: super::latency::WizardBusy,
    /// How `POST /api/outputs/discover` finds WLED devices (mDNS; a fake in tests).
    pub discovery: super::outputs::Discovery,
}

impl ApiState {
    /// State for an API over `shared`, persisting into `store`, switching sources with `source`.
    pub fn new(
        shared: Arc<Shared>,
        store: Arc<Store>,
        device: DeviceInfo,
        source: Arc<SourceSwitch>,
        security: Security,
    ) -> Self {
        ApiState(Arc::new(Inner {
            shared,
            store,
            device,
            source,
            security,
            started: Instant::now(),
            listen: None,
            ws: WsCounters::default(),
            connections: Arc::default(),
            wizard: None,
            wizard_busy: super::latency::WizardBusy::default(),
            discovery: Arc::new(super::discover::find),
        }))
    }

    /// The same state finding WLED devices with `discovery` (before the server starts).
    pub fn with_discovery(self, discovery: super::outputs::Discovery) -> Self {
        match Arc::try_unwrap(self.0) {
            Ok(mut inner) => {
                inner.discovery = discovery;
                ApiState(Arc::new(inner))
            }
            Err(shared) => ApiState(shared),
        }
    }

    /// The same state with the latency wizard `wizard` (before the server starts).
    pub fn with_wizard(self, wizard: super::latency::Wizard) -> Self {
        match Arc::try_unwrap(self.0) {
            Ok(mut inner) => {
                inner.wizard = Some(wizard);
                ApiState(Arc::new(inner))
            }
            Err(shared) => ApiState(shared),
        }
    }

    /// The same state, noting the address it listens on.
    pub fn with_listen(self, addr: SocketAddr) -> Self {
        match Arc::try_unwrap(self.0) {
            Ok(mut inner) => {
                inner.listen = Some(addr);
                ApiState(Arc::new(inner))
            }
            Err(shared) => ApiState(shared),
        }
    }
}

impl std::ops::Deref for ApiState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
