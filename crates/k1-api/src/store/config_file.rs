//! The run settings of a `k1 run --config PATH` file (TOML), for running headless on a Pi.
//!
//! ```toml
//! name = "living-room"          # mDNS: k1-living-room.local
//! listen = "0.0.0.0:8080"       # the API and UI on the network (a token is then required)
//! cors_origins = ["http://192.168.1.20:5173"]
//! auth = "token"                # or "none": no token on a trusted LAN (K1 warns)
//! mdns = true
//! http = true
//! config_dir = "/var/lib/k1"    # settings, presets, calibration, token
//! persist = true
//! input = "mic"                 # as --input; or demo = true
//! fps = 200
//! leds = 320
//! pattern = "bloom"
//! playback = false
//! preview = false
//!
//! [params]                      # as --param
//! brightness = 0.8
//! palette = "lava"
//!
//! [[outputs]]                   # LED outputs: read by k1_io::outputs
//! url = "ddp://192.168.1.50"
//! ```
//!
//! Every key is optional; a flag given on the command line wins over the file. Keys this file
//! does not know are reported as warnings (the `outputs` tables belong to `k1_io::outputs`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// The run settings of a config file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct RunFile {
    /// The device name.
    pub name: Option<String>,
    /// Where the API listens.
    pub listen: Option<SocketAddr>,
    /// Serve the API at all.
    pub http: Option<bool>,
    /// Announce on mDNS.
    pub mdns: Option<bool>,
    /// Web origins allowed to call the API.
    pub cors_origins: Option<Vec<String>>,
    /// `token` or `none`, as `--auth`.
    pub auth: Option<String>,
    /// Where settings are kept.
    pub config_dir: Option<PathBuf>,
    /// Keep API changes across restarts.
    pub persist: Option<bool>,
    /// The audio input, as `--input`.
    pub input: Option<String>,
    /// Play the demo.
    pub demo: Option<bool>,
    /// Frames per second.
    pub fps: Option<u32>,
    /// LEDs on the strip.
    pub leds: Option<u32>,
    /// The starting pattern.
    pub pattern: Option<String>,
    /// Play files and the demo through the speakers.
    pub playback: Option<bool>,
    /// The terminal preview.
    pub preview: Option<bool>,
    /// Parameters, as `--param NAME=VALUE`.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// Everything else (the `outputs` tables, and mistakes).
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

impl RunFile {
    /// Parses the file's text; an error says where it is wrong.
    pub fn parse(text: &str) -> Result<RunFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Keys that nothing reads (`outputs` is read elsewhere), to warn about.
    pub fn unknown_keys(&self) -> Vec<&str> {
        self.other
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "outputs")
            .collect()
    }

    /// The `[params]` table as `NAME=VALUE` texts, in the form `--param` takes.
    pub fn param_args(&self) -> Vec<String> {
        self.params
            .iter()
            .map(|(k, v)| match v {
                toml::Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_and_an_outputs_table() {
        let f = RunFile::parse(
            "name = \"den\"\nlisten = \"0.0.0.0:8080\"\nfps = 120\n[params]\nbrightness = 0.5\n\
             mirror = false\npalette = \"lava\"\n[[outputs]]\nurl = \"ddp://x\"\n",
        )
        .unwrap();
        assert_eq!(f.name.as_deref(), Some("den"));
        assert_eq!(f.listen, Some("0.0.0.0:8080".parse().unwrap()));
        assert_eq!(f.fps, Some(120));
        assert_eq!(
            f.param_args(),
            ["brightness=0.5", "mirror=false", "palette=lava"]
        );
        assert!(f.unknown_keys().is_empty());
    }

    #[test]
    fn mistakes_are_errors_or_warnings() {
        assert!(RunFile::parse("fps = \"fast\"").is_err());
        assert!(RunFile::parse("listen = \"nowhere\"").is_err());
        let f = RunFile::parse("lisen = \"0.0.0.0:1\"\n[server]\nport = 1\n").unwrap();
        assert_eq!(f.unknown_keys(), ["lisen", "server"]);
    }
}
