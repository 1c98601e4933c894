//! `k1 patterns`, `k1 palettes` and `k1 params [PATTERN]`: what there is to choose from, read
//! from the core's own tables (`k1_core::render::PATTERNS`, `k1_core::palettes::PALETTES`,
//! `k1_core::params::GLOBAL` and each pattern's `CustomParam`s), so the lists, the API and the
//! web UI say the same.

use std::fmt::Write as _;
use std::io::Write as _;

use k1_core::palettes::{PALETTES, Palette};
use k1_core::params::{CustomParam, Display, GLOBAL, ParamInfo, ParamKind, Params};
use k1_core::render::{PATTERNS, PatternId};

/// Cells in a palette's swatch.
const SWATCH: usize = 32;

/// `k1 patterns`.
pub fn patterns() -> anyhow::Result<()> {
    print(&patterns_text())
}

/// `k1 palettes`; `color` draws each palette as a true-colour swatch.
pub fn palettes(color: bool) -> anyhow::Result<()> {
    print(&palettes_text(color))
}

/// `k1 params [PATTERN]`.
pub fn params(pattern: Option<PatternId>) -> anyhow::Result<()> {
    print(&params_text(pattern))
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Every pattern: index, id and name, whether it follows the music, its own parameters, and
/// what it shows.
pub fn patterns_text() -> String {
    let id_width = PATTERNS.iter().map(|p| p.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for (i, p) in PATTERNS.iter().enumerate() {
        let mut notes = vec![
            if p.audio_reactive {
                "follows the music"
            } else {
                "not audio-reactive"
            }
            .to_string(),
        ];
        if !p.custom.is_empty() {
            let names: Vec<&str> = p.custom.iter().map(|c| c.name).collect();
            notes.push(format!("own parameters: {}", names.join(", ")));
        }
        let _ = writeln!(
            s,
            "{i:>2}  {:<id_width$}  {} ({})",
            p.id,
            p.name,
            notes.join("; ")
        );
        let _ = writeln!(s, "    {:<id_width$}  {}", "", p.description);
    }
    let _ = writeln!(
        s,
        "\nStart one with `k1 run --pattern ID` (or its index); `k1 params ID` lists its own \
         parameters."
    );
    s
}

/// Every palette: index, id and name, then a swatch of true-colour cells (`color`) or its five
/// preview colours as hex codes.
pub fn palettes_text(color: bool) -> String {
    let id_width = PALETTES.iter().map(|p| p.id.len()).max().unwrap_or(0);
    let name_width = PALETTES.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let mut s = String::new();
    for (i, p) in PALETTES.iter().enumerate() {
        let _ = write!(s, "{i:>2}  {:<id_width$}  {:<name_width$}  ", p.id, p.name);
        if color {
            swatch(&mut s, p);
        } else {
            let hex: Vec<String> = p
                .preview()
                .iter()
                .map(|c| format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b))
                .collect();
            s.push_str(&hex.join(" "));
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "\nUse one with `--param palette=ID` (or its index), or `palette=none` for plain hues \
         from `color`."
    );
    s
}

/// `p` sampled along its length as background-coloured cells (24-bit ANSI), then a reset.
fn swatch(s: &mut String, p: &Palette) {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    for i in 0..SWATCH {
        let c = p.sample(i as f32 / (SWATCH - 1) as f32);
        let _ = write!(s, "\x1b[48;2;{};{};{}m ", byte(c.r), byte(c.g), byte(c.b));
    }
    s.push_str("\x1b[0m");
}

/// The global parameters and, with a pattern, its own: name, range (and what it reads as),
/// default, meaning.
pub fn params_text(pattern: Option<PatternId>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Global parameters (`k1 run --param NAME=VALUE`, the API's POST /api/params):\n"
    );
    let rows: Vec<[String; 4]> = GLOBAL.iter().filter_map(global_row).collect();
    table(&mut s, &rows);
    let _ = writeln!(
        s,
        "\ncustom_param_1..3 are three shared slots (0..1, default 0.5) that each pattern gives \
         a meaning of its own."
    );
    match pattern {
        None => {
            let _ = writeln!(
                s,
                "`k1 params PATTERN` lists a pattern's own parameters (set them by name: \
                 --param decay=0.1)."
            );
        }
        Some(id) => {
            let info = id.info();
            if info.custom.is_empty() {
                let _ = writeln!(s, "\n{} has no parameters of its own.", info.name);
            } else {
                let _ = writeln!(
                    s,
                    "\n{}'s own parameters (`k1 run --pattern {} --param NAME=VALUE`):\n",
                    info.name, info.id
                );
                let rows: Vec<[String; 4]> = info.custom.iter().map(custom_row).collect();
                table(&mut s, &rows);
            }
        }
    }
    s
}

/// A global parameter's row; `None` for the custom slots (explained below the table).
fn global_row(p: &ParamInfo) -> Option<[String; 4]> {
    let (range, default) = match p.kind {
        ParamKind::Float { min, max, default } => (
            range_text(min, max, p.display),
            value_text(default, p.display),
        ),
        ParamKind::Bool { default } => ("on | off".into(), on_off(default).into()),
        ParamKind::Palette => {
            let default = Params::DEFAULT
                .palette_index()
                .and_then(|i| PALETTES.get(i).map(|p| format!("{i} ({})", p.id)))
                .unwrap_or_else(|| "none".into());
            (
                format!("0..{}, a palette id, or none", PALETTES.len() - 1),
                default,
            )
        }
        ParamKind::Custom(_) => return None,
    };
    Some([p.name.into(), range, default, p.description.into()])
}

/// A pattern parameter's row: a choice lists its labels; a value its range in its own units.
fn custom_row(c: &CustomParam) -> [String; 4] {
    let mid = c.min + (c.max - c.min) * 0.5;
    if c.labels.is_empty() {
        return [
            c.name.into(),
            range_text(c.min, c.max, Some(c.display)),
            value_text(mid, Some(c.display)),
            c.description.into(),
        ];
    }
    let chosen = c
        .labels
        .get(((0.5 * c.labels.len() as f32) as usize).min(c.labels.len() - 1))
        .copied()
        .unwrap_or_default();
    [
        c.name.into(),
        c.labels.join(" | "),
        chosen.into(),
        c.description.into(),
    ]
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// `v` to 6 decimals, so `0.1 + 0.8 / 2` prints as 0.5 rather than 0.49999997 (the API's rule
/// for computed values, `k1_core::params::api::rounded_number`).
fn round6(v: f32) -> f32 {
    k1_core::params::api::rounded_number(v) as f32
}

/// `0..1 (0 – 100 %)`: the stored range, and what it reads as where that differs.
fn range_text(min: f32, max: f32, display: Option<Display>) -> String {
    let (min, max) = (round6(min), round6(max));
    match display {
        Some(d) if d != Display::NUMBER => {
            format!("{min}..{max} ({} – {})", d.show(min), d.show(max))
        }
        _ => format!("{min}..{max}"),
    }
}

/// `0.25 (0.02 s)`: a stored value, and what it reads as where that differs.
fn value_text(v: f32, display: Option<Display>) -> String {
    let v = round6(v);
    match display {
        Some(d) if d != Display::NUMBER => format!("{v} ({})", d.show(v)),
        _ => format!("{v}"),
    }
}

/// Rows under a header, columns padded to their widest cell (the last is not padded).
fn table(s: &mut String, rows: &[[String; 4]]) {
    let header = [
        "NAME".to_string(),
        "RANGE".to_string(),
        "DEFAULT".to_string(),
        "MEANING".to_string(),
    ];
    let all: Vec<&[String; 4]> = std::iter::once(&header).chain(rows).collect();
    let width = |col: usize| {
        all.iter()
            .map(|r| r[col].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for r in all {
        let _ = writeln!(s, "{:<w0$}  {:<w1$}  {:<w2$}  {}", r[0], r[1], r[2], r[3]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_palette_and_parameter_is_listed() {
        let text = patterns_text();
        for p in PATTERNS.iter() {
            assert!(
                text.contains(p.id) && text.contains(p.description),
                "{}",
                p.id
            );
        }
        let plain = palettes_text(false);
        assert!(!plain.contains('\x1b'), "plain text has no escapes");
        let swatches = palettes_text(true);
        for p in PALETTES.iter() {
            assert!(
                plain.contains(p.id) && swatches.contains(p.name),
                "{}",
                p.id
            );
        }
        assert_eq!(
            swatches.matches("\x1b[48;2;").count(),
            SWATCH * PALETTES.len()
        );
        let params = params_text(None);
        for p in GLOBAL
            .iter()
            .filter(|p| !matches!(p.kind, ParamKind::Custom(_)))
        {
            assert!(params.contains(p.name), "{}", p.name);
        }
        assert!(
            params.contains("custom_param_1..3"),
            "the slots are explained"
        );
    }

    #[test]
    fn values_read_in_their_units() {
        let text = params_text(Some(PatternId::VoidTrail));
        let line = |name: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("{name} ")))
                .unwrap_or_else(|| panic!("no line for {name} in\n{text}"))
                .to_string()
        };
        assert!(line("brightness").contains("0..1 (0 % – 100 %)"));
        assert!(line("brightness").contains("1 (100 %)"));
        assert!(line("color").contains("(0° – 360°)"), "{}", line("color"));
        assert!(line("speed").contains("(0.25× – 4.00×)"));
        assert!(line("softness").contains("(0.01 s – 0.32 s)"));
        assert!(line("mirror").contains("on | off") && line("mirror").contains(" on "));
        assert!(line("palette").contains("0 (sunset_real)"));
        assert!(line("style").contains("trail | ripples | stream"));
        assert!(line("style").contains(" ripples "), "the middle choice");
        assert!(line("fade").contains("0.2..3 (0.2 s – 3.0 s)"));
        assert!(
            line("threshold").contains(" 0.5 (50 %) "),
            "{}",
            line("threshold")
        );
        assert!(params_text(Some(PatternId::Lava)).contains("Lava has no parameters"));
    }
}
