//! Low-level arguments of `k1 render` (clap; syntax only, checked in [`super::render_job`]).

use std::path::PathBuf;

use super::common::EngineArgs;

/// How `k1 render` works (shown by `k1 render --help`).
pub const RENDER_AFTER_HELP: &str = "\
The song runs through the analyser and the renderer with a virtual clock: frame k is drawn at
k/FPS seconds from the newest analysis at that time, exactly as the live engine would, but as
fast as the machine can. The colour pipeline runs too (softness, tone map, gamma, dithering), so
the picture shows what the LEDs would show; pixels are the LEDs' light encoded in sRGB.

OUT.png is a timeline: x is time (long songs are averaged down to at most --width columns), y is
the LED (LED 0 at the top; with the default mirror the centre of the strip is the middle row).
A timeline holds at most 8 M pixels (--width x --leds); a larger one is refused.
OUT.gif is the strip animated at 25 frames a second (or --fps if lower), looping.

With --report there is no picture: every pattern runs over FILE (a file, or a folder searched
for audio), over the demo with --demo, or with neither over every clip of the shared corpus
(K1_CORPUS, else shared/corpus beside the checkout) and the demo, and k1 prints the light
quality report: per pattern and clip the mean and 95th percentile of the brightest LED (on the
picture's scale), the share of dark frames while music plays, and how well the light follows
the music (the correlation of the total light with the VU or the onsets, at the best lag up to
100 ms), against the floors `cargo test` holds the patterns to.

The same input and options give the same bytes. Exit codes: 0 ok, 1 runtime error, 2 usage error
(an unknown pattern or parameter, or a value out of range; the message lists the valid choices).";

/// `k1 render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The song (WAV, FLAC, MP3, OGG Vorbis); with --report, a file or a folder of them.
    #[arg(required_unless_present_any = ["demo", "report"], conflicts_with = "demo")]
    pub file: Option<PathBuf>,
    /// Render the built-in synthetic demo loop instead of a file.
    #[arg(long)]
    pub demo: bool,
    /// Where to write the picture: a .png timeline or a .gif animation.
    #[arg(
        short,
        long,
        value_name = "OUT.png|OUT.gif",
        required_unless_present = "report"
    )]
    pub output: Option<PathBuf>,
    /// Print the light quality report of every pattern instead of a picture (see below).
    #[arg(long, conflicts_with = "output")]
    pub report: bool,
    #[command(flatten)]
    pub look: super::look::LookArgs,
    /// LEDs on the strip, 1..=4096: an even count is two strips from the centre.
    #[arg(long, default_value_t = 320, value_name = "N",
          value_parser = clap::builder::RangedI64ValueParser::<usize>::new().range(1..=4096))]
    pub leds: usize,
    /// Frames rendered per second of the virtual clock, 1..=1000.
    #[arg(long, default_value_t = 100, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub fps: u32,
    /// Widest timeline picture, in columns, 16..=20000.
    #[arg(long, default_value_t = 1600, value_name = "N",
          value_parser = clap::builder::RangedI64ValueParser::<usize>::new().range(16..=20_000))]
    pub width: usize,
    #[command(flatten)]
    pub engine: EngineArgs,
}
