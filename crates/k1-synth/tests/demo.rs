//! The demo loop: exactly 8 bars at 120 BPM, a continuing beat grid, and no click at the join.

use k1_synth::{DEMO_BARS, DEMO_BPM, demo_loop};

#[test]
fn the_demo_is_eight_bars_with_the_grid() {
    for rate in [8000, 44_100, 48_000] {
        let clip = demo_loop(rate);
        let beat = 60.0 / f64::from(DEMO_BPM);
        let beats = 4 * DEMO_BARS as usize;
        assert_eq!(
            clip.samples.len() as f64,
            beats as f64 * beat * f64::from(rate)
        );
        assert_eq!(clip.samples.len(), 16 * rate as usize);
        assert_eq!(clip.bpm, DEMO_BPM);
        assert_eq!(clip.beats.len(), beats);
        for (k, &t) in clip.beats.iter().enumerate() {
            assert!((t - k as f64 * beat).abs() < 1e-12);
        }
        // Four on the floor: a kick on every beat.
        assert!(clip.beats.iter().all(|b| clip.onsets.contains(b)));
        let peak = clip.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak <= 0.9 && peak > 0.45);
    }
    assert_eq!(demo_loop(44_100), demo_loop(44_100));
    assert!(demo_loop(0).is_empty());
}

#[test]
fn the_demo_loops_without_a_click() {
    for rate in [8000, 44_100, 48_000, 192_000] {
        let x = demo_loop(rate).samples;
        let steps: Vec<f32> = x.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let mean = steps.iter().sum::<f32>() / steps.len() as f32;
        let join = (x[0] - x[x.len() - 1]).abs();
        assert!(
            join < 2.0 * mean,
            "{rate} Hz: join {join}, mean step {mean}"
        );
    }
}
