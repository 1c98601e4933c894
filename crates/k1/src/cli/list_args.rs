//! `k1 patterns`, `k1 palettes` and `k1 params [PATTERN]`: what exists to choose from, as typed
//! and as resolved.

use clap::ValueEnum;
use k1_core::render::PatternId;

use super::UsageError;

/// When `k1 palettes` draws its colour swatches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless the NO_COLOR environment variable is set (to anything but "").
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never: the preview colours as hex codes instead.
    Never,
}

/// `k1 palettes`.
#[derive(Debug, clap::Args)]
pub struct PalettesArgs {
    /// Draw each palette as a true-colour swatch (auto: only on a terminal and without NO_COLOR).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

/// `k1 params`.
#[derive(Debug, clap::Args)]
pub struct ParamsArgs {
    /// Also list this pattern's own parameters (by id, name or index).
    pub pattern: Option<String>,
}

/// Whether to draw colour: `when`, for a stdout that is a terminal (`tty`) or not, with the
/// NO_COLOR variable's value `no_color` (<https://no-color.org>: set and not empty means no
/// colour, unless asked for with `always`).
pub fn use_color(when: ColorWhen, tty: bool, no_color: Option<&str>) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => tty && no_color.is_none_or(str::is_empty),
    }
}

/// [`use_color`] for this process's stdout and environment.
pub fn color_for_stdout(when: ColorWhen) -> bool {
    use std::io::IsTerminal;
    let no_color = std::env::var("NO_COLOR").ok();
    use_color(when, std::io::stdout().is_terminal(), no_color.as_deref())
}

/// The pattern `k1 params PATTERN` names, or a usage error listing them all.
pub fn params_pattern(a: &ParamsArgs) -> Result<Option<PatternId>, UsageError> {
    a.pattern
        .as_deref()
        .map(super::look::find_pattern)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color_unless_forced() {
        assert!(use_color(ColorWhen::Auto, true, None));
        assert!(use_color(ColorWhen::Auto, true, Some("")), "empty NO_COLOR");
        assert!(!use_color(ColorWhen::Auto, true, Some("1")));
        assert!(!use_color(ColorWhen::Auto, false, None), "a pipe");
        assert!(use_color(ColorWhen::Always, false, Some("1")));
        assert!(!use_color(ColorWhen::Never, true, None));
    }

    #[test]
    fn a_pattern_by_id_name_or_index_or_an_error_listing_them() {
        let args = |p: Option<&str>| ParamsArgs {
            pattern: p.map(str::to_string),
        };
        assert_eq!(params_pattern(&args(None)).unwrap(), None);
        assert_eq!(
            params_pattern(&args(Some("bloom"))).unwrap(),
            Some(PatternId::Bloom)
        );
        assert_eq!(
            params_pattern(&args(Some("Void Trail"))).unwrap(),
            Some(PatternId::VoidTrail)
        );
        assert_eq!(
            params_pattern(&args(Some("5"))).unwrap(),
            Some(PatternId::Bloom)
        );
        let e = params_pattern(&args(Some("nope"))).unwrap_err().0;
        assert!(e.contains("'nope'") && e.contains("void_trail"), "{e}");
    }
}
