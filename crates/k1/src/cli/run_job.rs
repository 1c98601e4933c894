//! `k1 run` resolved: the arguments merged with a `--config` file (the command line wins), the
//! live input, the sinks and LED outputs, and the settings the HTTP API starts with.

use std::path::PathBuf;

use anyhow::Context;
use k1_core::{Config, NoiseFloor};

use super::UsageError;
use super::args::{FormatArg, RunArgs, SinkArg};
use super::common::engine_config;
use k1_api::{ApiConfig, Auth, DEFAULT_LISTEN};
use k1_io::sources::live::{PcmFormat, PcmSpec};
use k1_io::sources::{DEFAULT_PCM, SourceSpec};

/// Where `k1 run` gets its audio.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveInput {
    /// The microphone if one can be opened, else the demo.
    Auto,
    /// The demo loop, forever.
    Demo,
    /// An audio file, played in real time.
    File(PathBuf),
    /// Raw PCM on stdin.
    Stdin(PcmSpec),
    /// An input device: the default one, or the first whose name contains this.
    Mic(Option<String>),
    /// WLED audio-sync packets on this UDP port (`wled-sync[:PORT]`).
    WledSync(u16),
}

impl LiveInput {
    /// The source this input names; `None` for [`LiveInput::Auto`] (decided at the start).
    pub fn spec(&self) -> Option<SourceSpec> {
        Some(match self {
            LiveInput::Auto => return None,
            LiveInput::Demo => SourceSpec::Demo,
            LiveInput::File(path) => SourceSpec::File(path.clone()),
            LiveInput::Stdin(layout) => SourceSpec::Stdin(*layout),
            LiveInput::Mic(device) => SourceSpec::Mic(device.clone()),
            LiveInput::WledSync(port) => SourceSpec::WledSync(*port),
        })
    }
}

impl From<SourceSpec> for LiveInput {
    fn from(spec: SourceSpec) -> Self {
        match spec {
            SourceSpec::Demo => LiveInput::Demo,
            SourceSpec::File(path) => LiveInput::File(path),
            SourceSpec::Stdin(layout) => LiveInput::Stdin(layout),
            SourceSpec::Mic(device) => LiveInput::Mic(device),
            SourceSpec::WledSync(port) => LiveInput::WledSync(port),
        }
    }
}

/// A frame sink to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    /// The terminal preview.
    Terminal,
    /// Nowhere.
    Null,
}

/// `k1 run`, resolved.
#[derive(Debug)]
pub struct RunJob {
    /// The audio.
    pub input: LiveInput,
    /// The checked engine configuration.
    pub config: Config,
    /// A noise floor to install before the first hop.
    pub noise_floor: Option<NoiseFloor>,
    /// Target frames per second.
    pub fps: u32,
    /// LEDs on the strip.
    pub leds: usize,
    /// The pattern to start with.
    pub pattern: k1_core::render::PatternId,
    /// The parameters to start with (`--param`, `--brightness`), checked.
    pub params: k1_core::params::Params,
    /// Play files and the demo through the speakers.
    pub playback: bool,
    /// Print metrics once a second.
    pub stats: bool,
    /// Run this long, then check the success criteria.
    pub check: Option<std::time::Duration>,
    /// Run this long, then stop.
    pub duration: Option<std::time::Duration>,
    /// The sinks, in order.
    pub sinks: Vec<SinkKind>,
    /// LED outputs (`--out`, then the config file's `[[outputs]]`), checked against `leds`.
    pub outputs: Vec<k1_io::outputs::OutputSpec>,
    /// Pin the audio and render threads to cores.
    pub pin: bool,
    /// Real-time priority for the audio and render threads.
    pub realtime: bool,
    /// The HTTP API, persistence and mDNS.
    pub api: k1_api::ApiConfig,
}

/// Resolves `k1 run`: its `--config` file under the command line, then the live input, the
/// sinks and outputs, and the API settings.
pub(super) fn run(mut r: RunArgs) -> anyhow::Result<RunJob> {
    let file = match &r.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading --config {}", path.display()))?;
            let file = k1_api::store::RunFile::parse(&text)
                .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
            for key in file.unknown_keys() {
                k1_io::messages::warn(format!(
                    "--config {}: unknown key '{key}' ignored",
                    path.display()
                ));
            }
            file
        }
        None => k1_api::store::RunFile::default(),
    };
    apply_file(&mut r, &file)?;
    let api = api_job(&r, &file)?;
    let config = engine_config(&r.engine)?;
    let usage = |m: String| anyhow::Error::new(UsageError(m));
    let input = match (r.input.as_deref(), r.demo) {
        (_, true) => LiveInput::Demo,
        (None, false) => LiveInput::Auto,
        (Some(text), false) => {
            match SourceSpec::parse(text).map_err(|e| usage(format!("--input {e}")))? {
                SourceSpec::Stdin(_) => LiveInput::Stdin(PcmSpec {
                    format: match r.format.unwrap_or(FormatArg::S16le) {
                        FormatArg::S16le => PcmFormat::S16le,
                        FormatArg::F32le => PcmFormat::F32le,
                    },
                    rate: r.input_rate.unwrap_or(DEFAULT_PCM.rate),
                    channels: usize::from(r.channels.unwrap_or(DEFAULT_PCM.channels as u16)),
                }),
                spec => LiveInput::from(spec),
            }
        }
    };
    let stdin = matches!(input, LiveInput::Stdin(_));
    if !stdin && (r.format.is_some() || r.input_rate.is_some() || r.channels.is_some()) {
        return Err(usage(
            "--format, --input-rate and --channels describe raw PCM on stdin: use them with --input -"
                .into(),
        ));
    }
    if matches!(input, LiveInput::Mic(_)) && !cfg!(feature = "audio") {
        return Err(usage(
            "this k1 was built without the `audio` feature, so it has no microphone input".into(),
        ));
    }
    let (pattern, mut params) = match &r.preset {
        Some(name) => preset_look(name, api.store_dir.as_deref(), &r.look.params)?,
        None => super::look::resolve_look(&r.look)?,
    };
    if let Some(b) = r.brightness {
        if !(0.0..=1.0).contains(&b) {
            return Err(usage(format!(
                "--brightness must be between 0 and 1, got {b}"
            )));
        }
        params.brightness = b;
    }
    let mut sinks: Vec<SinkKind> = r
        .sink
        .iter()
        .map(|s| match s {
            SinkArg::Terminal => SinkKind::Terminal,
            SinkArg::Null => SinkKind::Null,
        })
        .collect();
    sinks.dedup();
    if r.no_preview {
        if sinks.contains(&SinkKind::Terminal) {
            return Err(usage("--no-preview contradicts --sink terminal".into()));
        }
        if sinks.is_empty() {
            sinks.push(SinkKind::Null);
        }
    } else if sinks.is_empty() {
        sinks.push(SinkKind::Terminal);
    }
    let noise_floor = match &r.noise_profile {
        Some(path) => Some(k1_io::noise::load(path).context("loading --noise-profile")?),
        None => None,
    };
    let outputs = run_outputs(&r.outputs, r.config.as_deref(), r.leds as usize)?;
    Ok(RunJob {
        input,
        config,
        noise_floor,
        fps: r.fps,
        leds: r.leds as usize,
        pattern,
        params,
        playback: !r.no_playback,
        stats: r.stats,
        check: r.check,
        duration: r.duration,
        sinks,
        outputs,
        pin: !r.no_pin,
        realtime: !r.no_realtime,
        api,
    })
}

/// Fills the `k1 run` settings not given on the command line from the config file.
fn apply_file(r: &mut RunArgs, f: &k1_api::store::RunFile) -> Result<(), UsageError> {
    let given: Vec<String> = r.explicit.clone();
    let given = |id: &str| given.iter().any(|g| g == id);
    let range = |what: &str, v: u32, max: u32| {
        if (1..=max).contains(&v) {
            Ok(v)
        } else {
            Err(UsageError(format!(
                "--config: {what} must be 1..={max}, got {v}"
            )))
        }
    };
    if let (false, Some(v)) = (given("fps"), f.fps) {
        r.fps = range("fps", v, 1000)?;
    }
    if let (false, Some(v)) = (given("leds"), f.leds) {
        r.leds = range("leds", v, 4096)?;
    }
    if !given("input") && !given("demo") {
        if f.demo == Some(true) {
            (r.demo, r.input) = (true, None);
        } else if let Some(input) = &f.input {
            (r.demo, r.input) = (false, Some(input.clone()));
        }
    }
    // A preset on the command line replaces the file's look as a whole.
    if r.preset.is_none() {
        if let (false, Some(p)) = (given("pattern"), &f.pattern) {
            r.look.pattern = p.clone();
        }
        let mut params = f.param_args();
        params.append(&mut r.look.params);
        r.look.params = params;
    }
    if !given("no_playback") && f.playback == Some(false) {
        r.no_playback = true;
    }
    if !given("no_preview") && !given("sink") && f.preview == Some(false) {
        r.no_preview = true;
    }
    Ok(())
}

/// Resolves the API, persistence and mDNS settings (command line, then the config file).
fn api_job(r: &RunArgs, f: &k1_api::store::RunFile) -> Result<ApiConfig, UsageError> {
    let given = |id: &str| r.explicit.iter().any(|g| g == id);
    let http = !r.no_http && f.http != Some(false);
    let listen_explicit = r.listen.is_some() || f.listen.is_some();
    let listen = r.listen.or(f.listen).unwrap_or_else(|| {
        DEFAULT_LISTEN
            .parse()
            .unwrap_or(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)))
    });
    let mut cors_origins = r.cors_origin.clone();
    if cors_origins.is_empty() {
        cors_origins = f.cors_origins.clone().unwrap_or_default();
    }
    for origin in &cors_origins {
        let ok = url::Url::parse(origin).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.path() == "/"
                && u.query().is_none()
                && !origin.ends_with('/')
        });
        if !ok {
            return Err(UsageError(format!(
                "--cors-origin wants an origin such as http://192.168.1.20:5173 (scheme, host, \
                 optional port, no path), got '{origin}'"
            )));
        }
    }
    let auth = r
        .auth
        .as_deref()
        .or(f.auth.as_deref())
        .map_or(Ok(Auth::Token), str::parse)
        .map_err(UsageError)?;
    let persist = !r.no_persist && f.persist != Some(false);
    let store_dir = if persist {
        r.config_dir
            .clone()
            .or_else(|| f.config_dir.clone())
            .or_else(k1_api::store::default_dir)
    } else {
        None
    };
    let name = r
        .name
        .clone()
        .or_else(|| f.name.clone())
        .unwrap_or_else(host_name);
    Ok(ApiConfig {
        listen: http.then_some(listen),
        listen_explicit,
        cors_origins,
        name,
        mdns: !r.no_mdns && f.mdns != Some(false),
        store_dir,
        look_from_cli: given("pattern")
            || given("preset")
            || given("params")
            || given("brightness"),
        input_from_cli: given("input") || given("demo"),
        auth,
    })
}

/// The look of `--preset NAME`, saved in the config directory `dir`, with the `--param`
/// settings of `items` on top. A preset that does not exist is a usage error naming the saved
/// ones.
fn preset_look(
    name: &str,
    dir: Option<&std::path::Path>,
    items: &[String],
) -> Result<(k1_core::render::PatternId, k1_core::params::Params), UsageError> {
    let Some(dir) = dir else {
        return Err(UsageError(
            "--preset reads the presets saved in the config directory, and --no-persist (or \
             persist = false) reads none"
                .into(),
        ));
    };
    let saved = k1_api::saved_look(dir, name).map_err(|e| UsageError(format!("--preset: {e}")))?;
    super::look::look_on(saved.pattern_id(), saved.params, items)
}

/// This machine's host name, or `k1`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "k1".to_string())
}

/// The outputs of `--out` and of the config file's `[[outputs]]`, each checked (its LED range
/// against `leds`). A bad URL or table is a usage error naming the part at fault; a config file
/// that cannot be read is a runtime error.
fn run_outputs(
    urls: &[String],
    config: Option<&std::path::Path>,
    leds: usize,
) -> anyhow::Result<Vec<k1_io::outputs::OutputSpec>> {
    use k1_io::outputs::{OutputConfig, outputs_from_toml};
    let mut tables: Vec<(String, OutputConfig)> = urls
        .iter()
        .map(|u| ("--out".to_string(), OutputConfig::new(u.clone())))
        .collect();
    if let Some(path) = config {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading --config {}", path.display()))?;
        let from_file = outputs_from_toml(&text)
            .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
        for (i, table) in from_file.into_iter().enumerate() {
            tables.push((format!("{} outputs[{i}]", path.display()), table));
        }
    }
    let mut specs = Vec::new();
    for (origin, table) in tables.iter().filter(|(_, t)| t.enabled) {
        let spec = table
            .resolve()
            .map_err(|e| UsageError(format!("{origin}: {e}")))?;
        if !matches!(spec.target, k1_io::outputs::Target::WledSync { .. }) {
            spec.range_for(leds)
                .map_err(|e| UsageError(format!("{origin}: output \"{}\": leds: {e}", spec.url)))?;
        }
        specs.push(spec);
    }
    Ok(specs)
}

#[cfg(test)]
mod config_file_tests {
    use super::*;
    use crate::cli::resolve::{Command, resolve};
    use std::path::PathBuf;

    fn job(args: &[&str]) -> anyhow::Result<RunJob> {
        let words = ["k1", "run"].into_iter().chain(args.iter().copied());
        match resolve(super::super::parse_from(words).unwrap())? {
            Command::Run(job) => Ok(*job),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_input_on_the_command_line_beats_the_saved_source() {
        assert!(job(&["-i", "demo"]).unwrap().api.input_from_cli);
        assert!(job(&["--demo"]).unwrap().api.input_from_cli);
        assert!(!job(&["--fps", "100"]).unwrap().api.input_from_cli);
    }

    #[test]
    fn a_config_file_fills_what_the_command_line_leaves_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k1.toml");
        std::fs::write(
            &path,
            "name = \"den\"\nlisten = \"0.0.0.0:9090\"\ndemo = true\nfps = 120\nleds = 144\n\
             pattern = \"bloom\"\npreview = false\ncors_origins = [\"http://10.0.0.2:5173\"]\n\
             config_dir = \"/tmp/k1-x\"\n[params]\nbrightness = 0.5\npalette = \"lava\"\n\
             [[outputs]]\nurl = \"opc://127.0.0.1\"\n",
        )
        .unwrap();
        let p = path.to_str().unwrap();
        let j = job(&["--config", p, "--fps", "150", "--param", "brightness=0.25"]).unwrap();
        assert_eq!((j.fps, j.leds), (150, 144), "the command line wins");
        assert_eq!(j.input, LiveInput::Demo);
        assert_eq!(j.pattern, k1_core::render::PatternId::Bloom);
        assert_eq!(j.params.brightness, 0.25, "--param after the file's");
        assert_eq!(j.params.palette_index(), k1_core::palettes::find("lava"));
        assert_eq!(j.sinks, [SinkKind::Null]);
        assert_eq!(j.outputs.len(), 1);
        let api = &j.api;
        assert_eq!(api.listen, Some("0.0.0.0:9090".parse().unwrap()));
        assert!(api.listen_explicit && api.mdns);
        assert_eq!(api.name, "den");
        assert_eq!(api.cors_origins, ["http://10.0.0.2:5173"]);
        assert_eq!(api.store_dir, Some(PathBuf::from("/tmp/k1-x")));
        assert!(api.look_from_cli, "--param was given");

        let j = job(&["--config", p, "--no-http", "--no-persist"]).unwrap();
        assert_eq!((j.api.listen, j.api.store_dir.clone()), (None, None));
        assert!(!j.api.look_from_cli);
    }

    #[test]
    fn bad_values_in_the_file_or_flags_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k1.toml");
        for text in [
            "fps = 0",
            "leds = 99999",
            "listen = \"x\"",
            "fps = \"fast\"",
            "auth = \"maybe\"",
        ] {
            std::fs::write(&path, text).unwrap();
            let err = job(&["--config", path.to_str().unwrap()]).unwrap_err();
            assert!(
                err.downcast_ref::<UsageError>().is_some(),
                "{text}: {err:#}"
            );
        }
        for origin in ["*", "http://x/path", "ftp://x", "http://x/"] {
            let err = job(&["--demo", "--cors-origin", origin]).unwrap_err();
            assert!(
                err.downcast_ref::<UsageError>().is_some(),
                "{origin}: {err:#}"
            );
        }
        let j = job(&["--demo"]).unwrap();
        assert_eq!(j.api.listen, Some(DEFAULT_LISTEN.parse().unwrap()));
        assert!(!j.api.listen_explicit);
        assert_eq!(j.api.auth, Auth::Token, "a token unless asked otherwise");
    }

    #[test]
    fn auth_none_from_the_flag_or_the_file() {
        let j = job(&["--demo", "--auth", "none"]).unwrap();
        assert_eq!(j.api.auth, Auth::None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k1.toml");
        std::fs::write(&path, "auth = \"none\"").unwrap();
        let p = path.to_str().unwrap();
        assert_eq!(job(&["--config", p]).unwrap().api.auth, Auth::None);
        // The flag wins over the file.
        let j = job(&["--config", p, "--auth", "token"]).unwrap();
        assert_eq!(j.api.auth, Auth::Token);
    }

    #[test]
    fn a_preset_starts_the_run_and_a_wrong_name_lists_the_saved_ones() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        std::fs::write(
            dir.path().join("presets.json"),
            r#"{"version": 1, "presets": {"party": {"pattern": "bloom",
                "parameters": {"brightness": 0.4, "palette_id": 3}}, "calm": {"pattern": "lava"}}}"#,
        )
        .unwrap();
        let toml = dir.path().join("k1.toml");
        std::fs::write(&toml, "pattern = \"octave\"\n[params]\nwarmth = 0.9\n").unwrap();
        let t = toml.to_str().unwrap();
        let j = job(&[
            "--preset",
            "party",
            "--config-dir",
            d,
            "--config",
            t,
            "--param",
            "speed=1",
        ])
        .unwrap();
        assert_eq!(j.pattern, k1_core::render::PatternId::Bloom);
        assert_eq!((j.params.brightness, j.params.palette), (0.4, 3));
        assert_eq!(j.params.speed, 1.0, "--param on top of the preset");
        assert_eq!(
            j.params.warmth, 0.0,
            "the file's look gives way to the preset"
        );
        assert!(j.api.look_from_cli, "the saved look must not replace it");

        let e = job(&["--preset", "nope", "--config-dir", d]).unwrap_err();
        let text = format!("{e:#}");
        assert!(e.downcast_ref::<UsageError>().is_some(), "{text}");
        assert!(
            text.contains("'nope'") && text.contains("calm, party"),
            "{text}"
        );
        let e = job(&["--preset", "party", "--no-persist"]).unwrap_err();
        assert!(format!("{e:#}").contains("--no-persist"), "{e:#}");
        let words = ["k1", "run", "--preset", "party", "--pattern", "lava"];
        assert!(
            super::super::parse_from(words).is_err(),
            "--preset or --pattern"
        );
    }
}
