//! `k1 render`, resolved: the pattern, parameters, LED count and output checked and ready.

use std::path::PathBuf;

use k1_core::Config;
use k1_core::params::Params;
use k1_core::render::{Layout, PatternId};

use super::UsageError;
use super::common::{DEMO_LOOPS, Input, engine_config};
use super::render_args::RenderArgs;
use k1_offline::picture::MAX_PIXELS;

/// The picture kinds `k1 render` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    /// A timeline PNG.
    Png,
    /// An animated GIF of the strip.
    Gif,
}

/// `k1 render`, resolved.
#[derive(Debug)]
pub struct RenderJob {
    /// The song.
    pub input: Input,
    /// The checked engine configuration.
    pub config: Config,
    /// Where to write.
    pub output: PathBuf,
    /// What to write.
    pub picture: Picture,
    /// The pattern.
    pub pattern: PatternId,
    /// The checked parameters.
    pub params: Params,
    /// The layout (its LED count is `--leds`).
    pub layout: Layout,
    /// Frames per second of the virtual clock.
    pub fps: f64,
    /// Widest timeline, in columns.
    pub width: usize,
}

/// What `k1 render --report` measures.
#[derive(Clone, Debug, PartialEq)]
pub enum ReportClips {
    /// Every clip of the shared corpus, and the demo.
    Corpus,
    /// A file, or the audio files in a folder.
    Path(PathBuf),
    /// The demo loop.
    Demo,
}

/// `k1 render --report`, resolved.
#[derive(Debug)]
pub struct ReportJob {
    /// What to measure.
    pub clips: ReportClips,
    /// The checked engine configuration.
    pub config: Config,
    /// The parameters every pattern runs with (the defaults unless `--param` says otherwise).
    pub params: Params,
    /// The layout.
    pub layout: Layout,
    /// Frames per second of the virtual clock.
    pub fps: f64,
}

/// Checks `k1 render --report`'s arguments.
pub fn resolve_report(a: RenderArgs) -> anyhow::Result<ReportJob> {
    let config = engine_config(&a.engine)?;
    let clips = match (a.file, a.demo) {
        (Some(path), _) => ReportClips::Path(path),
        (None, true) => ReportClips::Demo,
        (None, false) => ReportClips::Corpus,
    };
    let (_, params) = super::look::resolve_look(&a.look)?;
    Ok(ReportJob {
        clips,
        config,
        params,
        layout: layout(a.leds)?,
        fps: f64::from(a.fps),
    })
}

/// The layout of `leds` LEDs: two strips from the centre when even, one strip when odd.
fn layout(leds: usize) -> Result<Layout, UsageError> {
    if leds.is_multiple_of(2) {
        Layout::centre_out(leds / 2)
    } else {
        Layout::single(leds)
    }
    .map_err(|e| UsageError(format!("--leds: {e}")))
}

/// Checks `k1 render`'s arguments.
pub fn resolve(a: RenderArgs) -> anyhow::Result<RenderJob> {
    let config = engine_config(&a.engine)?;
    let input = match (a.file, a.demo) {
        (Some(file), false) => Input::File(file),
        (None, true) => Input::Demo { loops: DEMO_LOOPS },
        _ => return Err(UsageError("give either FILE or --demo".into()).into()),
    };
    let Some(output) = a.output else {
        return Err(UsageError("give --output OUT.png or OUT.gif, or --report".into()).into());
    };
    let picture = match output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => Picture::Png,
        Some("gif") => Picture::Gif,
        _ => {
            return Err(UsageError(format!(
                "--output must end in .png (timeline) or .gif (animation): {}",
                output.display()
            ))
            .into());
        }
    };
    let (pattern, params) = super::look::resolve_look(&a.look)?;
    let layout = layout(a.leds)?;
    let pixels = a.width.saturating_mul(a.leds);
    if picture == Picture::Png && pixels > MAX_PIXELS {
        return Err(UsageError(format!(
            "a timeline of --width {} x --leds {} is {:.1} M pixels, over the limit of {} M \
             (about 220 MB of memory); lower --width or --leds",
            a.width,
            a.leds,
            pixels as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        ))
        .into());
    }
    Ok(RenderJob {
        input,
        config,
        output,
        picture,
        pattern,
        params,
        layout,
        fps: f64::from(a.fps),
        width: a.width,
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Args, Command, resolve as resolve_all};

    fn job(args: &[&str]) -> anyhow::Result<RenderJob> {
        let parsed = Args::try_parse_from(std::iter::once("k1").chain(args.iter().copied()))?;
        match resolve_all(parsed)? {
            Command::Render(job) => Ok(*job),
            other => panic!("{other:?}"),
        }
    }

    fn usage(args: &[&str]) -> String {
        let err = job(args).unwrap_err();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err:#}");
        format!("{err:#}")
    }

    #[test]
    fn defaults() {
        let j = job(&["render", "song.flac", "-o", "out.png"]).unwrap();
        assert_eq!(j.input, Input::File("song.flac".into()));
        assert_eq!(j.picture, Picture::Png);
        assert_eq!(j.pattern, PatternId::Spectrum);
        assert_eq!(j.params, Params::DEFAULT);
        assert_eq!(j.layout, Layout::DEFAULT);
        assert_eq!(j.fps, 100.0);
        let j = job(&["render", "--demo", "-o", "x.GIF", "--leds", "7"]).unwrap();
        assert_eq!(j.picture, Picture::Gif);
        assert_eq!(j.layout.leds(), 7);
    }

    #[test]
    fn pattern_and_params() {
        let j = job(&[
            "render",
            "s.wav",
            "-o",
            "o.png",
            "--pattern",
            "Void Trail",
            "--param",
            "style=ripples",
            "--param",
            "palette=lava",
            "--param",
            "mirror=off",
            "--param",
            "brightness=0.5",
        ])
        .unwrap();
        assert_eq!(j.pattern, PatternId::VoidTrail);
        assert_eq!(j.params.palette_index(), Some(23));
        assert!(!j.params.mirror());
        assert_eq!(j.params.brightness, 0.5);
    }

    #[test]
    fn clear_errors_that_list_the_choices() {
        let msg = usage(&["render", "s.wav", "-o", "o.png", "--pattern", "sparkle"]);
        assert!(
            msg.contains("'sparkle'") && msg.contains("bloom") && msg.contains("self_test"),
            "{msg}"
        );
        let msg = usage(&["render", "s.wav", "-o", "o.png", "--param", "glitter=1"]);
        assert!(
            msg.contains("'glitter'") && msg.contains("brightness"),
            "{msg}"
        );
        let msg = usage(&["render", "s.wav", "-o", "o.png", "--param", "brightness=2"]);
        assert!(msg.contains("between 0 and 1"), "{msg}");
        let msg = usage(&[
            "render",
            "s.wav",
            "-o",
            "o.png",
            "--pattern",
            "void_trail",
            "--param",
            "style=x",
        ]);
        assert!(msg.contains("trail, ripples, stream"), "{msg}");
        let msg = usage(&["render", "s.wav", "-o", "o.png", "--param", "palette=plaid"]);
        assert!(msg.contains("sunset_real"), "{msg}");
        usage(&["render", "s.wav", "-o", "o.png", "--param", "brightness"]);
        usage(&["render", "s.wav", "-o", "o.jpg"]);
        for (flag, bad) in [
            ("--leds", "0"),
            ("--leds", "4097"),
            ("--fps", "0"),
            ("--fps", "NaN"),
            ("--width", "3"),
        ] {
            let err = job(&["render", "s.wav", "-o", "o.png", flag, bad]).unwrap_err();
            let clap = err.downcast_ref::<clap::Error>().expect("a clap error");
            assert_eq!(
                clap.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{err}"
            );
        }
        assert!(job(&["render", "-o", "o.png"]).is_err());
    }

    #[test]
    fn a_timeline_too_big_for_memory_is_refused_up_front() {
        let big = [
            "render", "s.wav", "-o", "o.png", "--width", "20000", "--leds", "4096",
        ];
        let msg = usage(&big);
        assert!(
            msg.contains("81.9 M pixels") && msg.contains("limit of 8 M"),
            "{msg}"
        );
        // The largest sizes of each kind that fit: the defaults' width at every LED count, and
        // the widest picture of the reference strip; a GIF has no timeline.
        job(&[
            "render", "s.wav", "-o", "o.png", "--width", "1600", "--leds", "4096",
        ])
        .unwrap();
        job(&[
            "render", "s.wav", "-o", "o.png", "--width", "20000", "--leds", "320",
        ])
        .unwrap();
        job(&[
            "render", "s.wav", "-o", "o.gif", "--width", "20000", "--leds", "4096",
        ])
        .unwrap();
    }
}
