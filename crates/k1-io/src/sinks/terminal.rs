//! The terminal preview: the strip as the device shows it, in truecolor half-blocks, with the
//! tempo, the frame rate and the latency, redrawn in place.
//!
//! Each character cell shows two LEDs side by side (`▌`: the left one as the foreground colour,
//! the right one as the background), so a 320-LED strip takes 160 columns; a narrower terminal
//! gets each cell's LEDs averaged. Colours are the bytes sent to the LEDs (after the colour
//! pipeline's gamma), which look on screen roughly as they do on a strip. When stdout is not a terminal, the preview is
//! one text line a second instead.

use std::io::{IsTerminal, Write};

use k1_core::color::Rgb8;

use super::{Frame, Sink, SinkError, per_second};
use crate::clock::{Nanos, SECOND};

/// The most frames per second drawn to a terminal.
pub const TERMINAL_FPS: f64 = 30.0;

/// The preview sink. See the module docs.
pub struct TerminalSink {
    out: Box<dyn Write + Send>,
    tty: bool,
    /// Columns to draw in (None: ask the terminal each time).
    columns: Option<usize>,
    started: bool,
    text: String,
    /// The frame (index, time) the FPS is measured from.
    fps_from: Option<(u64, Nanos)>,
    fps: f64,
    latency_ms: f64,
    last_text_line: Option<Nanos>,
}

impl TerminalSink {
    /// A preview on stdout, redrawn in place if stdout is a terminal.
    pub fn stdout() -> Self {
        let tty = std::io::stdout().is_terminal();
        Self::new(Box::new(std::io::stdout()), tty, None)
    }

    /// A preview written to `out`; `tty` chooses the in-place drawing, `columns` fixes the width.
    pub fn new(out: Box<dyn Write + Send>, tty: bool, columns: Option<usize>) -> Self {
        Self {
            out,
            tty,
            columns,
            started: false,
            text: String::new(),
            fps_from: None,
            fps: 0.0,
            latency_ms: 0.0,
            last_text_line: None,
        }
    }

    fn columns(&self) -> usize {
        self.columns
            .unwrap_or_else(|| terminal_size::terminal_size().map_or(80, |(w, _)| usize::from(w.0)))
    }

    /// Updates the measured frame rate (over about a second) and the smoothed latency.
    fn measure(&mut self, frame: &Frame) {
        match self.fps_from {
            Some((index, at)) if frame.rendered_at.saturating_sub(at) >= SECOND => {
                self.fps = per_second(frame.index - index, frame.rendered_at - at);
                self.fps_from = Some((frame.index, frame.rendered_at));
            }
            Some(_) => {}
            None => self.fps_from = Some((frame.index, frame.rendered_at)),
        }
        let ms = frame.latency as f64 / 1e6;
        self.latency_ms = if self.latency_ms == 0.0 {
            ms
        } else {
            self.latency_ms + (ms - self.latency_ms) * 0.1
        };
    }

    fn status(&self, frame: &Frame) -> String {
        let bpm = if frame.bpm > 0.0 {
            format!("{:5.1} BPM ({:.2})", frame.bpm, frame.confidence)
        } else {
            "  --- BPM       ".to_string()
        };
        format!(
            "k1  {bpm}  {:6.1} FPS  latency {:5.1} ms  {} LEDs",
            self.fps,
            self.latency_ms,
            frame.leds.len()
        )
    }
}

/// The average of `leds` in `[from, to)` (clamped; black if empty).
fn average(leds: &[Rgb8], from: usize, to: usize) -> Rgb8 {
    let part = leds.get(from..to.min(leds.len())).unwrap_or(&[]);
    if part.is_empty() {
        return Rgb8::BLACK;
    }
    let n = part.len() as u32;
    let (r, g, b) = part.iter().fold((0u32, 0u32, 0u32), |(r, g, b), c| {
        (r + u32::from(c.r), g + u32::from(c.g), b + u32::from(c.b))
    });
    // Rounded means of bytes are bytes.
    let mean = |sum: u32| ((sum + n / 2) / n) as u8;
    Rgb8 {
        r: mean(r),
        g: mean(g),
        b: mean(b),
    }
}

/// Appends the strip as half-block cells, at most `columns` wide, to `out`. The LED bytes are
/// shown as terminal colours as they are: both are roughly perceptual encodings.
pub fn draw_strip(leds: &[Rgb8], columns: usize, out: &mut String) {
    use std::fmt::Write as _;
    let n = leds.len();
    let cells = n.div_ceil(2).min(columns.max(1));
    let pixels = 2 * cells;
    for cell in 0..cells {
        let px = |p: usize| {
            average(
                leds,
                p * n / pixels,
                ((p + 1) * n / pixels).max(p * n / pixels + 1),
            )
        };
        let (l, r) = (px(2 * cell), px(2 * cell + 1));
        let _ = write!(
            out,
            "\x1b[38;2;{};{};{}m\x1b[48;2;{};{};{}m▌",
            l.r, l.g, l.b, r.r, r.g, r.b
        );
    }
    out.push_str("\x1b[0m");
}

impl Sink for TerminalSink {
    fn name(&self) -> &str {
        "terminal"
    }

    fn max_fps(&self) -> Option<f64> {
        Some(TERMINAL_FPS)
    }

    fn write(&mut self, frame: &Frame) -> Result<(), SinkError> {
        self.measure(frame);
        if !self.tty {
            // Not a terminal: one text line a second.
            let due = self
                .last_text_line
                .is_none_or(|t| frame.rendered_at.saturating_sub(t) >= SECOND);
            if due {
                self.last_text_line = Some(frame.rendered_at);
                let level = average(&frame.leds, 0, frame.leds.len());
                let line = format!(
                    "{}  mean level {:.2}\n",
                    self.status(frame),
                    (f32::from(level.r) + f32::from(level.g) + f32::from(level.b)) / 765.0
                );
                self.out.write_all(line.as_bytes())?;
                self.out.flush()?;
            }
            return Ok(());
        }
        let columns = self.columns().saturating_sub(1).max(1);
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        if !self.started {
            text.push_str("\x1b[?25l"); // hide the cursor
            self.started = true;
        }
        text.push_str("\r\x1b[2K");
        draw_strip(&frame.leds, columns, &mut text);
        text.push_str("\n\x1b[2K");
        let mut status = self.status(frame);
        status.truncate(columns);
        text.push_str(&status);
        text.push_str("\x1b[1A\r"); // back to the start of the strip line
        let result = self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush());
        self.text = text;
        result.map_err(SinkError::from)
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        if self.tty && self.started {
            // Leave the last picture on screen, put the cursor below it and show it again.
            self.out.write_all(b"\x1b[0m\n\n\x1b[?25h")?;
            self.out.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn frame(leds: Vec<Rgb8>) -> Frame {
        Frame {
            index: 10,
            rendered_at: 5 * SECOND,
            latency: 7_000_000,
            bpm: 120.0,
            confidence: 0.8,
            leds,
        }
    }

    #[test]
    fn two_leds_per_cell_left_in_the_foreground() {
        let red = Rgb8 { r: 255, g: 0, b: 0 };
        let blue = Rgb8 { r: 0, g: 0, b: 255 };
        let mut s = String::new();
        draw_strip(&[red, blue, Rgb8::BLACK, red], 80, &mut s);
        assert_eq!(s.matches('▌').count(), 2);
        assert!(
            s.starts_with("\x1b[38;2;255;0;0m\x1b[48;2;0;0;255m▌"),
            "{s:?}"
        );
        assert!(s.contains("\x1b[38;2;0;0;0m\x1b[48;2;255;0;0m▌"), "{s:?}");
    }

    #[test]
    fn a_narrow_terminal_averages() {
        let mut s = String::new();
        draw_strip(&[Rgb8 { r: 255, g: 0, b: 0 }; 320], 40, &mut s);
        assert_eq!(s.matches('▌').count(), 40);
    }

    #[test]
    fn redraws_in_place_and_restores_the_cursor() {
        let buf = Shared::default();
        let mut sink = TerminalSink::new(Box::new(buf.clone()), true, Some(100));
        sink.write(&frame(vec![Rgb8::BLACK; 20])).unwrap();
        sink.write(&frame(vec![Rgb8::BLACK; 20])).unwrap();
        sink.finish().unwrap();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.matches("\x1b[?25l").count(), 1);
        assert_eq!(text.matches("\x1b[1A\r").count(), 2);
        assert!(text.contains("120.0 BPM"));
        assert!(text.contains("latency   7.0 ms"));
        assert!(text.ends_with("\x1b[?25h"));
    }

    #[test]
    fn not_a_terminal_prints_a_line_a_second() {
        let buf = Shared::default();
        let mut sink = TerminalSink::new(Box::new(buf.clone()), false, None);
        let mut f = frame(vec![Rgb8::BLACK; 8]);
        for i in 0..100 {
            f.index = i;
            f.rendered_at = SECOND + i * SECOND / 50; // two seconds of frames
            sink.write(&f).unwrap();
        }
        sink.finish().unwrap();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text.contains('\x1b'));
        assert!(text.contains("50.0 FPS"), "{text}");
    }
}
