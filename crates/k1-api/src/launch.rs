//! The control side of `k1 run`: opens the store, restores what it holds, and starts the API
//! server and the store's writer beside the engine; stops them after it.

use std::sync::Arc;

use anyhow::Context;
use axum::http::HeaderValue;
use k1_core::NoiseFloor;

use super::conn::HttpLimits;
use super::server::Server;
use super::source::SourceSwitch;
use super::state::{ApiState, DeviceInfo, Security};
use crate::store::{DEBOUNCE, Doc, Store, Writer};
use k1_engine::Shared;
use k1_io::messages::{note, warn};
use k1_io::outputs::{OutputConfig, OutputSpec};
use std::path::PathBuf;

/// The control side of `k1 run`, resolved (the command line and its `--config` file): where the API listens, who may call it, where
/// settings are kept.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiConfig {
    /// Where the API listens (`None`: `--no-http`).
    pub listen: Option<std::net::SocketAddr>,
    /// The address was asked for (`--listen` or the config file): failing to bind it is an
    /// error. The default address only gets a warning, so a second `k1 run` still runs.
    pub listen_explicit: bool,
    /// Web origins allowed to call the API (`--cors-origin`), checked.
    pub cors_origins: Vec<String>,
    /// The device name.
    pub name: String,
    /// Announce on mDNS.
    pub mdns: bool,
    /// Where settings are kept (`None`: in memory only).
    pub store_dir: Option<PathBuf>,
    /// The pattern or parameters were given on the command line: they win over the saved ones.
    pub look_from_cli: bool,
    /// `--input` or `--demo` was given on the command line: it wins over the saved source.
    pub input_from_cli: bool,
    /// Who may change settings when K1 listens beyond loopback (`--auth`).
    pub auth: Auth,
}

/// How requests from the network are authorised (`k1 run --auth`, the config file's `auth`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    /// Beyond loopback, changes and configuration reads need the bearer token (the default).
    #[default]
    Token,
    /// No token at all: anyone on the network may change settings. For a trusted LAN, and for
    /// the original device's client, which cannot send a token. K1 warns at the start and the
    /// UI shows a warning.
    None,
}

impl std::str::FromStr for Auth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "token" => Ok(Auth::Token),
            "none" => Ok(Auth::None),
            other => Err(format!("auth is 'token' or 'none', not '{other}'")),
        }
    }
}

/// Where `k1 run` serves its API unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The running control side; [`Control::stop`] ends it and saves what is pending.
pub struct Control {
    server: Option<Server>,
    writer: Writer,
}

impl Control {
    /// Opens the store and restores the saved settings into `shared` (unless the command line
    /// set the look) and the saved calibration into `noise_floor` (unless `--noise-profile`
    /// gave one); starts the store's writer and the server. `fps` is the engine's, for the
    /// device info.
    pub fn start(
        api: &ApiConfig,
        fps: u32,
        store: Arc<Store>,
        shared: &Arc<Shared>,
        source: Arc<SourceSwitch>,
        outputs: Vec<String>,
        noise_floor: &mut Option<NoiseFloor>,
    ) -> anyhow::Result<Control> {
        restore(&store, api, shared, noise_floor);
        let writer = Writer::start(Arc::clone(&store)).context("starting the settings writer")?;
        let Some(listen) = api.listen else {
            return Ok(Control {
                server: None,
                writer,
            });
        };
        let open_lan = !listen.ip().is_loopback() && api.auth == Auth::None;
        let token = if listen.ip().is_loopback() {
            None
        } else if open_lan {
            warn(format!(
                "--auth none: anyone who can reach {listen} may change K1's settings and read \
                 its configuration, with no token; use it only on a network you trust"
            ));
            None
        } else {
            let (token, new) =
                crate::store::load_or_create_token(store.dir()).context("making the API token")?;
            if new {
                note(format!(
                    "API token (send 'Authorization: Bearer <token>' to change settings; shown \
                     once, kept in {}): {token}",
                    store.dir().map_or("memory only".into(), |d| d
                        .join("token")
                        .display()
                        .to_string())
                ));
            }
            Some(token)
        };
        let security = Security {
            token,
            cors_origins: api
                .cors_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect(),
            loopback_only: listen.ip().is_loopback(),
            open_lan,
        };
        let device = DeviceInfo {
            name: api.name.clone(),
            outputs,
            fps,
        };
        let state = ApiState::new(Arc::clone(shared), store, device, source, security);
        #[cfg(feature = "audio")]
        let state = state.with_wizard(Arc::new(|mic: Option<String>| {
            k1_io::latency::devices::run(mic.as_deref())
        }));
        let mdns = api.mdns && !listen.ip().is_loopback();
        let server = match Server::start(state, listen, mdns, HttpLimits::default()) {
            Ok(server) => {
                note(format!("web UI and API at http://{}/", server.addr()));
                Some(server)
            }
            Err(e) if !api.listen_explicit => {
                warn(format!(
                    "cannot serve the API on {listen} ({e}); running without it (--listen \
                     picks another address)"
                ));
                None
            }
            Err(e) => return Err(e).with_context(|| format!("cannot serve the API on {listen}")),
        };
        Ok(Control { server, writer })
    }

    /// Stops the server and writes the pending settings.
    pub fn stop(self) {
        if let Some(server) = self.server {
            server.stop();
        }
        self.writer.stop();
    }
}

/// Opens the store of a run: its config directory, or memory only (`--no-persist`, or a
/// directory that cannot be used, with a warning). Also starts the log.
pub fn open_store(api: &ApiConfig) -> Arc<Store> {
    init_logging();
    let store = match &api.store_dir {
        Some(dir) => match Store::open(dir, DEBOUNCE) {
            Ok((store, warnings)) => {
                warnings.iter().for_each(warn);
                store
            }
            Err(e) => {
                warn(format!(
                    "cannot use {} for settings ({e}); API changes will not be saved",
                    dir.display()
                ));
                Store::in_memory()
            }
        },
        None => Store::in_memory(),
    };
    Arc::new(store)
}

/// The LED outputs to use: those named by `--out` or the config file (`given`, checked against
/// `leds`), else the ones saved in the store (`outputs.json`: the list as last changed over the
/// API, `/api/outputs` or a restored backup). A run writes that file only when its outputs are
/// changed over the API; outputs named for one run and never changed stay with that run, like
/// the other flags. A saved output that no longer resolves is skipped with a warning.
pub fn outputs_to_use(given: &[OutputSpec], leds: usize, store: &Store) -> Vec<OutputSpec> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let Some(doc) = store.get(Doc::Outputs) else {
        return Vec::new();
    };
    let tables: Vec<OutputConfig> = match serde_json::from_value(doc["outputs"].clone()) {
        Ok(t) => t,
        Err(e) => {
            warn(format!("saved LED outputs not used: {e}"));
            return Vec::new();
        }
    };
    let mut specs = Vec::new();
    for table in tables.iter().filter(|t| t.enabled) {
        match table.resolve().map_err(|e| e.to_string()).and_then(|spec| {
            if matches!(spec.target, k1_io::outputs::Target::WledSync { .. }) {
                return Ok(spec);
            }
            spec.range_for(leds).map(|_| spec)
        }) {
            Ok(spec) => specs.push(spec),
            Err(e) => warn(format!("saved LED output {} not used: {e}", table.url)),
        }
    }
    if !specs.is_empty() {
        let names: Vec<&str> = specs.iter().map(|s| s.url.as_str()).collect();
        note(format!(
            "sending to the saved LED outputs: {} (--out or [[outputs]] replace them)",
            names.join(", ")
        ));
    }
    specs
}

/// The source the saved settings name (chosen over the API in an earlier run), if any.
pub fn saved_source(store: &Store) -> Option<String> {
    store
        .get(Doc::Settings)
        .and_then(|doc| super::control::saved_source(&doc))
}

/// Puts the saved settings, gain and calibration back.
pub(crate) fn restore(
    store: &Store,
    api: &ApiConfig,
    shared: &Shared,
    noise_floor: &mut Option<NoiseFloor>,
) {
    if let Some(doc) = store.get(Doc::Settings) {
        match super::control::restore(&doc, shared.settings()) {
            Ok((settings, gain)) => {
                // The power switch is kept even when the command line names the look.
                let _ = shared.update(|s| -> Result<(), ()> {
                    if api.look_from_cli {
                        s.power = settings.power;
                    } else {
                        *s = settings;
                    }
                    Ok(())
                });
                if !settings.powered() {
                    note(
                        "the light is switched off (saved from an earlier run): switch it on in \
                         the web UI or with POST /api/power {\"on\": true}",
                    );
                }
                if let Some(g) = gain
                    && let Err(e) = shared.audio().set_gain(g)
                {
                    warn(format!("saved input gain not used: {e}"));
                }
            }
            Err(e) => warn(format!("saved settings not used: {e}")),
        }
        // Latency compensation: the saved audio offset, and the delays set over the API (an
        // output whose URL or table gives its own delay keeps that one).
        match super::latency::read_saved(&doc) {
            Ok((offset, delays)) => {
                super::latency::restore(shared, offset, &delays, false);
            }
            Err(e) => warn(format!(
                "saved latency settings not used: {}",
                e.body().message
            )),
        }
    }
    if noise_floor.is_none()
        && let Some(doc) = store.get(Doc::Calibration)
    {
        match k1_io::noise::parse(&doc.to_string()) {
            Ok(floor) => *noise_floor = Some(floor),
            Err(e) => warn(format!("saved noise calibration not used: {e}")),
        }
    }
}

/// Sends the server side's `tracing` events to stderr: `K1_LOG` (else `RUST_LOG`) filters them
/// (`debug`, `k1=trace`, ...), default `warn,k1=info`. A second call does nothing.
///
/// The decoders' own `log` lines (symphonia: `dropping fragment…`, `crc mismatch…`, one per
/// damaged frame) are left out unless the filter names `symphonia`: the file source sums the
/// damage up in one K1 warning per file instead.
pub fn init_logging() {
    let wanted = std::env::var("K1_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .filter(|f| !f.trim().is_empty());
    let directives = match wanted {
        Some(f) if f.contains("symphonia") => f,
        Some(f) => format!("{f},symphonia=off"),
        None => "warn,k1=info,symphonia=off".to_string(),
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,k1=info,symphonia=off"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
