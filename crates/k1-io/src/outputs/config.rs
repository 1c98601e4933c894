//! The `[[outputs]]` tables of the config file.
//!
//! Each table names one output by its URL, the same text `--out` takes, so one syntax (documented
//! in `docs/outputs.md`) serves the command line, the file and the HTTP API:
//!
//! ```toml
//! [[outputs]]
//! url = "ddp://192.168.1.50?leds=0-159"
//!
//! [[outputs]]
//! url = "e131://239.255.0.1?universe=1&leds=160-319&fps=40"
//! name = "stage left"     # optional: shown in messages and the status
//! delay_ms = 40           # optional: hold each frame 40 ms (as `delay=` in the URL)
//! enabled = false         # optional: keep the entry, send nothing
//! ```
//!
//! Other keys of the document are someone else's business and are ignored here; unknown keys
//! inside an `[[outputs]]` table are errors, so a typo is never silently dropped.

use serde::{Deserialize, Serialize};

use super::spec::OutputSpec;
use super::url::{OutputError, parse};
use crate::sinks::delay::check_delay;

/// One `[[outputs]]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// The output as a URL, e.g. `ddp://192.168.1.50?leds=0-159` (see `docs/outputs.md`).
    pub url: String,
    /// A name for messages and the status [default: the URL's scheme, host and port].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Hold each frame this long, ms (0..=1000; overrides the URL's `delay=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u32>,
    /// `false` keeps the entry but sends nothing.
    #[serde(default = "enabled_default", skip_serializing_if = "is_true")]
    pub enabled: bool,
}

fn enabled_default() -> bool {
    true
}

fn is_true(v: &bool) -> bool {
    *v
}

impl OutputConfig {
    /// An enabled output with no name of its own.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            name: None,
            delay_ms: None,
            enabled: true,
        }
    }

    /// The checked output; `name` and `delay_ms` (if set) override the URL's `name=` and
    /// `delay=`.
    pub fn resolve(&self) -> Result<OutputSpec, OutputError> {
        let mut spec = parse(&self.url)?;
        if let Some(name) = &self.name {
            spec.name = name.clone();
        }
        if let Some(ms) = self.delay_ms {
            if matches!(spec.target, super::spec::Target::WledSync { .. }) {
                return Err(OutputError {
                    url: self.url.clone(),
                    part: "delay_ms".into(),
                    message: "the audio-sync sender sends the analysis, not frames".into(),
                });
            }
            spec.delay_ms = Some(check_delay(i64::from(ms)).map_err(|e| OutputError {
                url: self.url.clone(),
                part: "delay_ms".into(),
                message: e.to_string(),
            })?);
        }
        Ok(spec)
    }
}

/// Why the `outputs` part of a config file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The document is not TOML.
    #[error("not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    /// `outputs` is not an array of tables, or a table has a wrong or unknown key.
    #[error("outputs[{index}]: {message}")]
    Table {
        /// Which table (0-based).
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// `outputs` is there but is not an array of tables.
    #[error("`outputs` must be an array of tables ([[outputs]])")]
    NotAnArray,
}

/// The `outputs` array of a TOML document (empty when it has none); other keys are ignored.
pub fn outputs_from_toml(document: &str) -> Result<Vec<OutputConfig>, ConfigError> {
    let table: toml::Table = document.parse()?;
    outputs_from_table(&table)
}

/// The `outputs` array of an already parsed TOML table.
pub fn outputs_from_table(table: &toml::Table) -> Result<Vec<OutputConfig>, ConfigError> {
    let Some(value) = table.get("outputs") else {
        return Ok(Vec::new());
    };
    let array = value.as_array().ok_or(ConfigError::NotAnArray)?;
    array
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.clone()
                .try_into::<OutputConfig>()
                .map_err(|e| ConfigError::Table {
                    index,
                    message: e.message().to_string(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_outputs_and_ignores_the_rest() {
        let doc = r#"
            fps = 120
            [server]
            port = 8080
            [[outputs]]
            url = "ddp://192.168.1.50?leds=0-159"
            [[outputs]]
            url = "opc://127.0.0.1"
            name = "bench"
            enabled = false
        "#;
        let outs = outputs_from_toml(doc).unwrap();
        assert_eq!(outs.len(), 2);
        assert_eq!(outs[0], OutputConfig::new("ddp://192.168.1.50?leds=0-159"));
        assert_eq!(outs[1].name.as_deref(), Some("bench"));
        assert!(!outs[1].enabled);
        assert_eq!(outs[1].resolve().unwrap().name, "bench");
        assert!(outputs_from_toml("fps = 1").unwrap().is_empty());
    }

    #[test]
    fn a_table_delay_overrides_the_url_and_is_checked() {
        let outs = outputs_from_toml(
            "[[outputs]]\nurl = \"ddp://a?delay=10\"\ndelay_ms = 40\n\
             [[outputs]]\nurl = \"ddp://b?delay=10\"\n\
             [[outputs]]\nurl = \"ddp://c\"\ndelay_ms = 1500\n",
        )
        .unwrap();
        assert_eq!(outs[0].resolve().unwrap().delay_ms, Some(40));
        assert_eq!(outs[1].resolve().unwrap().delay_ms, Some(10));
        let e = outs[2].resolve().unwrap_err();
        assert_eq!(e.part, "delay_ms");
        assert!(e.message.contains("1500 ms is out of range"), "{e}");
        let sync = OutputConfig {
            delay_ms: Some(5),
            ..OutputConfig::new("wled-sync://")
        };
        assert_eq!(sync.resolve().unwrap_err().part, "delay_ms");
        assert!(outputs_from_toml("[[outputs]]\nurl = \"ddp://a\"\ndelay_ms = -1\n").is_err());
    }

    #[test]
    fn mistakes_name_the_table() {
        let typo = "[[outputs]]\nurl = \"ddp://a\"\n[[outputs]]\nurll = \"ddp://b\"\n";
        let err = outputs_from_toml(typo).unwrap_err().to_string();
        assert!(err.starts_with("outputs[1]:"), "{err}");
        assert!(err.contains("urll"), "{err}");
        assert!(matches!(
            outputs_from_toml("outputs = 3"),
            Err(ConfigError::NotAnArray)
        ));
        assert!(matches!(
            outputs_from_toml("[[outputs]"),
            Err(ConfigError::Toml(_))
        ));
    }

    #[test]
    fn serialises_back_to_the_same_tables() {
        let outs = vec![OutputConfig::new("ddp://h"), {
            let mut o = OutputConfig::new("wled://h?timeout=5");
            o.name = Some("n".into());
            o.delay_ms = Some(40);
            o.enabled = false;
            o
        }];
        #[derive(Serialize)]
        struct Doc<'a> {
            outputs: &'a [OutputConfig],
        }
        let text = toml::to_string(&Doc { outputs: &outs }).unwrap();
        assert_eq!(outputs_from_toml(&text).unwrap(), outs);
        assert!(!text.contains("enabled = true"), "{text}");
    }
}
