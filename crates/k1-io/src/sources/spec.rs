//! [`SourceSpec`]: the text that names a live audio source (`--input`, the API's `source` field,
//! the saved settings), parsed once and printed back the same way.
//!
//! | text | source |
//! |---|---|
//! | `demo` | the built-in demo loop |
//! | `mic`, `mic:NAME` | the default input device, or the first whose name contains NAME |
//! | `wled-sync`, `wled-sync:PORT` | WLED audio-sync packets on UDP 11988 or PORT |
//! | `-` | raw PCM on stdin (its layout comes from `--format`, `--input-rate`, `--channels`) |
//! | anything else | an audio file |

use std::fmt;
use std::path::PathBuf;

use super::live::{PcmFormat, PcmSpec};

/// Where live audio comes from, as named by the user.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceSpec {
    /// The demo loop, forever.
    Demo,
    /// An audio file, played in real time.
    File(PathBuf),
    /// Raw PCM on stdin, laid out as given.
    Stdin(PcmSpec),
    /// An input device: the default one, or the first whose name contains this.
    Mic(Option<String>),
    /// WLED audio-sync packets on this UDP port.
    WledSync(u16),
}

/// Why a source text does not name a source. The message names no flag, so the command line
/// and the API can both use it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

/// The layout `-` stands for until told otherwise: 16-bit stereo at 44.1 kHz (what `ffmpeg -f
/// s16le` and `arecord -f cd` write).
pub const DEFAULT_PCM: PcmSpec = PcmSpec {
    format: PcmFormat::S16le,
    rate: 44_100,
    channels: 2,
};

/// Every kind of source, as [`SourceSpec::kind`] names them.
pub const KINDS: [&str; 5] = ["demo", "mic", "file", "wled-sync", "stdin"];

impl SourceSpec {
    /// Parses a source text (see the module doc). Leading and trailing spaces are ignored.
    pub fn parse(text: &str) -> Result<Self, SpecError> {
        let text = text.trim();
        Ok(match text {
            "" => {
                return Err(SpecError(
                    "needs a value (demo, mic, mic:NAME, wled-sync[:PORT], -, or a file path)"
                        .into(),
                ));
            }
            "demo" => SourceSpec::Demo,
            "-" => SourceSpec::Stdin(DEFAULT_PCM),
            "mic" => SourceSpec::Mic(None),
            "wled-sync" => SourceSpec::WledSync(k1_core::proto::wled_sync::PORT),
            other => {
                if let Some(port) = other.strip_prefix("wled-sync:") {
                    let port = port.parse().ok().filter(|p| *p > 0).ok_or_else(|| {
                        SpecError(format!(
                            "wled-sync:PORT: \"{port}\" is not a UDP port (1-65535)"
                        ))
                    })?;
                    SourceSpec::WledSync(port)
                } else if let Some(name) = other.strip_prefix("mic:") {
                    let name = name.trim();
                    if name.is_empty() {
                        return Err(SpecError("mic:NAME needs a NAME".into()));
                    }
                    SourceSpec::Mic(Some(name.to_string()))
                } else if other.contains('\0') {
                    return Err(SpecError("a file path cannot contain a NUL byte".into()));
                } else {
                    SourceSpec::File(PathBuf::from(other))
                }
            }
        })
    }

    /// The kind of source: one of [`KINDS`].
    pub fn kind(&self) -> &'static str {
        match self {
            SourceSpec::Demo => "demo",
            SourceSpec::File(_) => "file",
            SourceSpec::Stdin(_) => "stdin",
            SourceSpec::Mic(_) => "mic",
            SourceSpec::WledSync(_) => "wled-sync",
        }
    }

    /// Whether the source can be opened again while K1 runs: all but stdin, which is read once.
    pub fn reopenable(&self) -> bool {
        !matches!(self, SourceSpec::Stdin(_))
    }
}

impl fmt::Display for SourceSpec {
    /// The text [`SourceSpec::parse`] reads back as the same source (stdin's layout aside).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceSpec::Demo => f.write_str("demo"),
            SourceSpec::File(path) => write!(f, "{}", path.display()),
            SourceSpec::Stdin(_) => f.write_str("-"),
            SourceSpec::Mic(None) => f.write_str("mic"),
            SourceSpec::Mic(Some(name)) => write!(f, "mic:{name}"),
            SourceSpec::WledSync(port) if *port == k1_core::proto::wled_sync::PORT => {
                f.write_str("wled-sync")
            }
            SourceSpec::WledSync(port) => write!(f, "wled-sync:{port}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_and_prints_back() {
        for text in [
            "demo",
            "mic",
            "mic:USB Audio",
            "wled-sync",
            "wled-sync:4000",
            "-",
            "song.flac",
            "/music/a b.flac",
        ] {
            let spec = SourceSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), text);
            assert_eq!(SourceSpec::parse(&spec.to_string()).unwrap(), spec);
            assert!(KINDS.contains(&spec.kind()));
        }
        assert_eq!(SourceSpec::parse(" demo ").unwrap(), SourceSpec::Demo);
        assert_eq!(
            SourceSpec::parse("wled-sync:11988").unwrap(),
            SourceSpec::WledSync(11988)
        );
        assert!(!SourceSpec::parse("-").unwrap().reopenable());
        assert!(SourceSpec::parse("mic").unwrap().reopenable());
    }

    #[test]
    fn malformed_texts_are_refused_with_a_reason() {
        for (text, says) in [
            ("", "needs a value"),
            ("   ", "needs a value"),
            ("mic:", "needs a NAME"),
            ("mic: ", "needs a NAME"),
            ("wled-sync:0", "not a UDP port"),
            ("wled-sync:70000", "not a UDP port"),
            ("wled-sync:x", "not a UDP port"),
            ("a\0b", "NUL"),
        ] {
            let err = SourceSpec::parse(text).unwrap_err();
            assert!(err.to_string().contains(says), "{text:?}: {err}");
        }
    }
}
