//! `--pattern` and `--param`, shared by `k1 run` and `k1 render`: which pattern to draw and with
//! which parameters.

use k1_core::params::Params;
use k1_core::render::{PATTERNS, PatternId};

use super::UsageError;

/// The pattern and parameter flags, as typed.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct LookArgs {
    /// The pattern, by id, name or index (the API's `current_pattern`, 0..=16); a wrong one
    /// lists them all.
    #[arg(long, default_value = "spectrum")]
    pub pattern: String,
    /// Set a parameter (repeatable): a global one (brightness=0.8, palette=lava, mirror=off) or
    /// one of the pattern's own (style=ripples).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

/// The pattern `text` names (its id, name or index), or a usage error that lists them all.
pub fn find_pattern(text: &str) -> Result<PatternId, UsageError> {
    let by_index = || {
        text.trim()
            .parse::<usize>()
            .ok()
            .and_then(PatternId::from_index)
    };
    PatternId::find(text).or_else(by_index).ok_or_else(|| {
        let names: Vec<&str> = PATTERNS.iter().map(|p| p.id).collect();
        UsageError(format!(
            "unknown pattern '{text}'; valid: {}, or an index 0..={}",
            names.join(", "),
            PATTERNS.len() - 1
        ))
    })
}

/// Resolves the flags into a pattern and a checked parameter set; an error names the flag and
/// the value at fault.
pub fn resolve_look(a: &LookArgs) -> Result<(PatternId, Params), UsageError> {
    let pattern = find_pattern(&a.pattern)?;
    look_on(pattern, Params::DEFAULT, &a.params)
}

/// `base` with the `--param NAME=VALUE` settings of `items` on top, for `pattern`.
pub fn look_on(
    pattern: PatternId,
    base: Params,
    items: &[String],
) -> Result<(PatternId, Params), UsageError> {
    let mut params = base;
    for item in items {
        let Some((name, value)) = item.split_once('=') else {
            return Err(UsageError(format!(
                "--param wants NAME=VALUE, got '{item}'"
            )));
        };
        params
            .set(name.trim(), value, pattern.info().custom)
            .map_err(|e| UsageError(format!("--param {item}: {e}")))?;
    }
    Ok((pattern, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(pattern: &str, params: &[&str]) -> Result<(PatternId, Params), UsageError> {
        resolve_look(&LookArgs {
            pattern: pattern.into(),
            params: params.iter().map(|s| s.to_string()).collect(),
        })
    }

    #[test]
    fn defaults_and_names() {
        assert_eq!(
            look("spectrum", &[]).unwrap(),
            (PatternId::Spectrum, Params::DEFAULT)
        );
        let (_, p) = look("spectrum", &["brightness=0.5", "mirror=off"]).unwrap();
        assert_eq!(p.brightness, 0.5);
        assert!(!p.mirror());
    }

    #[test]
    fn the_api_index_picks_the_same_pattern() {
        for (index, info) in PATTERNS.iter().enumerate() {
            let (by_index, _) = look(&index.to_string(), &[]).unwrap();
            assert_eq!(by_index.index(), index);
            assert_eq!(by_index, look(info.id, &[]).unwrap().0);
        }
        let last = PATTERNS.len() - 1;
        for bad in [PATTERNS.len().to_string(), "-1".into(), "1.5".into()] {
            let e = look(&bad, &[]).unwrap_err().0;
            assert!(e.contains(&format!("an index 0..={last}")), "{bad}: {e}");
        }
    }

    #[test]
    fn errors_name_the_part_at_fault() {
        let e = look("nope", &[]).unwrap_err().0;
        assert!(
            e.contains("unknown pattern 'nope'") && e.contains("spectrum"),
            "{e}"
        );
        let e = look("spectrum", &["brightness"]).unwrap_err().0;
        assert!(e.contains("NAME=VALUE"), "{e}");
        let e = look("spectrum", &["brightness=7"]).unwrap_err().0;
        assert!(e.contains("brightness"), "{e}");
    }
}
