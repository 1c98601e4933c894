//! The progress bar for long files: on stderr, and only when stderr is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files shorter than this (in seconds) get no bar: they finish before it would be read.
pub const MIN_SECONDS: f64 = 20.0;

/// A progress bar in seconds of audio, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total_seconds` if that is known, long, and stderr is a terminal.
    pub fn new(total_seconds: Option<f64>) -> Self {
        let bar = match total_seconds {
            Some(total) if total >= MIN_SECONDS && std::io::stderr().is_terminal() => {
                let bar = ProgressBar::with_draw_target(
                    Some((total * 1000.0) as u64),
                    ProgressDrawTarget::stderr(),
                );
                if let Ok(style) = ProgressStyle::with_template(
                    "{spinner} analysing [{bar:40}] {percent:>3}%, eta {eta}",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                Some(bar)
            }
            _ => None,
        };
        Self { bar }
    }

    /// Moves the bar to `seconds` of audio done.
    pub fn set(&self, seconds: f64) {
        if let Some(bar) = &self.bar {
            bar.set_position((seconds * 1000.0) as u64);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
