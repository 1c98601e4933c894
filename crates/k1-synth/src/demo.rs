//! K1's built-in demo source: an 8-bar house loop at [`DEMO_BPM`] that repeats seamlessly.

use crate::render::{Options, render_with};
use crate::{Clip, Song, Style};

/// Tempo of [`demo_loop`].
pub const DEMO_BPM: f32 = 120.0;
/// Length of [`demo_loop`] in bars of 4 beats.
pub const DEMO_BARS: u32 = 8;
/// Seed of the demo: picks its key (F major) and velocities.
const DEMO_SEED: u64 = 1;

/// The built-in demo: 8 bars of four-on-the-floor drums, off-beat bass and I–V–vi–IV chords at
/// 120 BPM (16 s), with a snare fill in the last bar, peak 0.9.
///
/// Beat 1 is sample 0, and tails that run past the end are folded back onto the start, so the clip
/// played over and over is one continuous piece: no click at the join, and the beat grid continues
/// (`beats` are 0, 0.5, … 15.5 s; the next loop's beat 1 is at 16 s). Empty if `sample_rate` is
/// 0 or above [`MAX_SAMPLE_RATE`](crate::MAX_SAMPLE_RATE).
pub fn demo_loop(sample_rate: u32) -> Clip {
    let song = Song {
        seconds: DEMO_BARS as f32 * 4.0 * 60.0 / DEMO_BPM,
        seed: DEMO_SEED,
        first_beat: 0.0,
        ..Song::new(DEMO_BPM, Style::FourOnFloor)
    };
    render_with(
        &song,
        sample_rate,
        Options {
            wrap: true,
            fills: true,
            repeat_bars: DEMO_BARS as u64,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loop equals the second half of the same music rendered twice as long without wrapping:
    /// what wraps round is exactly what the previous loop would have left ringing.
    #[test]
    fn the_loop_is_one_period_of_the_endless_piece() {
        let rate = 8000;
        let clip = demo_loop(rate);
        let song = Song {
            seconds: 2.0 * DEMO_BARS as f32 * 4.0 * 60.0 / DEMO_BPM,
            seed: DEMO_SEED,
            first_beat: 0.0,
            ..Song::new(DEMO_BPM, Style::FourOnFloor)
        };
        let twice = render_with(
            &song,
            rate,
            Options {
                wrap: false,
                fills: true,
                repeat_bars: DEMO_BARS as u64,
            },
        );
        let n = clip.samples.len();
        assert_eq!(twice.samples.len(), 2 * n);
        // Each is normalised on its own peak; compare after matching the scales.
        let peak = |x: &[f32]| x.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        let second = twice.samples.get(n..).unwrap_or_default();
        let scale = peak(&clip.samples) / peak(second);
        for (i, (&a, &b)) in clip.samples.iter().zip(second).enumerate() {
            assert!(
                (a - b * scale).abs() < 1e-5,
                "sample {i}: loop {a}, endless {}",
                b * scale
            );
        }
    }
}
