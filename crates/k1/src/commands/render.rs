//! `k1 render`: a whole song through the analyser, the renderer and the colour pipeline on a
//! virtual clock, into a picture.
//!
//! The analyser runs hop by hop as `k1 analyze` runs it; between hops, every frame whose time
//! `k / fps` has come is rendered from the newest snapshot before that time, with `dt = 1/fps`.
//! Nothing reads a clock, so the same input and options give the same frames and the same bytes.

use std::io::IsTerminal;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use k1_core::Snapshot;

use crate::cli::{Picture, RenderJob};
use k1_offline::analyze::{self, HopObserver};
use k1_offline::frames::FrameClock;
use k1_offline::picture::{StripGif, Timeline};

/// Songs shorter than this (seconds) get no progress bar.
const BAR_MIN_SECONDS: f64 = 10.0;
/// Timeline rows per LED when the strip is short, so small counts still make a visible picture.
const MIN_PICTURE_HEIGHT: usize = 160;
/// GIF band: pixels across per LED (for up to 640 LEDs; 1 beyond) and the band's height.
const GIF_PX_PER_LED: u32 = 2;
const GIF_HEIGHT: u32 = 24;

/// The show: the pattern on its virtual clock and the picture being built.
struct Show {
    clock: FrameClock,
    timeline: Option<Timeline>,
    gif: Option<StripGif>,
    bar: Option<ProgressBar>,
}

impl Show {
    fn new(job: &RenderJob, expected_seconds: Option<f64>) -> Show {
        let leds = job.layout.leds();
        Show {
            clock: FrameClock::new(job.layout, job.pattern, job.params, job.fps),
            timeline: (job.picture == Picture::Png).then(|| Timeline::new(leds, job.width)),
            gif: (job.picture == Picture::Gif).then(|| StripGif::new(leds, job.fps)),
            bar: progress_bar(expected_seconds),
        }
    }

    /// Renders every frame due before `time` from the newest snapshot.
    fn catch_up(&mut self, time: f64) {
        let (timeline, gif) = (&mut self.timeline, &mut self.gif);
        self.clock.catch_up(time, |t, bytes| {
            if let Some(timeline) = timeline {
                timeline.push(bytes);
            }
            if let Some(gif) = gif {
                gif.offer(t, bytes);
            }
        });
    }
}

impl HopObserver for Show {
    fn hop(&mut self, time: f64, snapshot: &Snapshot) -> std::io::Result<()> {
        // Frames before the end of this hop saw the previous snapshot.
        self.catch_up(time);
        self.clock.set_latest(snapshot);
        if let Some(bar) = &self.bar
            && snapshot.hop.is_multiple_of(256)
        {
            bar.set_position((time * 1000.0) as u64);
        }
        Ok(())
    }
}

fn progress_bar(expected_seconds: Option<f64>) -> Option<ProgressBar> {
    let total = expected_seconds?;
    if total < BAR_MIN_SECONDS || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar =
        ProgressBar::with_draw_target(Some((total * 1000.0) as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} rendering [{bar:40}] {percent:>3}%, eta {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Runs `k1 render`.
pub fn run(job: RenderJob) -> anyhow::Result<()> {
    let mut analyzer = super::new_analyzer(job.config)?;
    let mut source = super::open_source(&job.input, &job.config)?;
    let mut show = Show::new(&job, source.info().expected_seconds);
    let result = analyze::run(&mut *source, &mut analyzer, &mut show);
    if let Some(bar) = &show.bar {
        bar.finish_and_clear();
    }
    let analysis = result?;
    super::warn_about(&source.stats(), analysis.core_bad_samples);
    if show.clock.frames() == 0 {
        anyhow::bail!("the song is too short to render a single frame");
    }

    let bytes = match (&show.timeline, &show.gif) {
        (Some(timeline), _) => {
            let scale = MIN_PICTURE_HEIGHT.div_ceil(show.clock.leds()).max(1) as u32;
            timeline.png(scale)?
        }
        (None, Some(gif)) => {
            let px = if show.clock.leds() <= 640 {
                GIF_PX_PER_LED
            } else {
                1
            };
            gif.encode(px, GIF_HEIGHT)?
        }
        (None, None) => anyhow::bail!("no picture was set up"),
    };
    k1_io::atomic::write(&job.output, &bytes)
        .with_context(|| format!("cannot write {}", job.output.display()))?;
    let seconds = show.clock.frames() as f64 / show.clock.fps();
    let what = match (&show.timeline, &show.gif) {
        (Some(t), _) => format!(
            "timeline {} columns wide, {:.1} frames per column",
            t.width(),
            show.clock.frames() as f64 / t.width() as f64
        ),
        (None, Some(g)) => format!("{} GIF frames, {} ms each", g.len(), 10 * g.delay_cs()),
        _ => String::new(),
    };
    k1_io::messages::note(format!(
        "rendered {} frames ({seconds:.1} s at {} FPS, {} LEDs, {}) to {} ({what})",
        show.clock.frames(),
        show.clock.fps(),
        show.clock.leds(),
        job.pattern.info().id,
        job.output.display()
    ));
    Ok(())
}
