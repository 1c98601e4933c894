//! Onsets land in the hop that holds the attack, and only there.

mod common;

use common::analyse;
use k1_core::Config;

/// Random-gap clicks (0.2 to 1.1 s apart), like the corpus click train, at exact sample indices.
fn click_positions(rate: u32, seconds: f32, seed: u64) -> Vec<usize> {
    let mut s = seed | 1;
    let mut t = 0.5f32;
    let mut out = Vec::new();
    while t < seconds - 0.5 {
        out.push((t * rate as f32) as usize + (s % 17) as usize);
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        t += 0.2 + (s % 900) as f32 / 1000.0;
    }
    out
}

fn check_clicks(config: Config) {
    let rate = config.sample_rate;
    let clicks = click_positions(rate, 20.0, 11);
    let mut x = vec![0.0f32; rate as usize * 20];
    for &c in &clicks {
        x[c] = 0.9;
    }
    let snaps = analyse(config, &x);
    let onsets: Vec<u64> = snaps
        .iter()
        .filter(|s| s.onset)
        .map(|s| s.sample_index)
        .collect();
    assert_eq!(
        onsets.len(),
        clicks.len(),
        "{} clicks, {} onsets",
        clicks.len(),
        onsets.len()
    );
    for (&c, &o) in clicks.iter().zip(&onsets) {
        // The onset is reported at the end of a hop; it must be the hop holding the click.
        let late = o as i64 - c as i64;
        assert!(
            (0..config.hop as i64).contains(&late),
            "click at sample {c} reported at {o} ({late} samples late)"
        );
    }
}

#[test]
fn a_click_train_gives_onsets_within_one_hop() {
    check_clicks(Config::DEFAULT);
}

#[test]
fn a_click_train_at_16_khz() {
    check_clicks(Config::RATE_16K);
}

#[test]
fn steady_tone_gives_no_onsets_and_steady_noise_rare_ones() {
    let tone = common::sine(440.0, 0.5, 12_800, 12_800 * 5);
    let snaps = analyse(Config::DEFAULT, &tone);
    assert_eq!(snaps.iter().skip(20).filter(|s| s.onset).count(), 0);
    let noise = common::white_noise(0.2, 5, 12_800 * 5);
    let snaps = analyse(Config::DEFAULT, &noise);
    // Noise has random flux; an onset in it is a rare event, not a rhythm (at most one a second).
    let n = snaps.iter().skip(100).filter(|s| s.onset).count();
    assert!(n <= 4, "steady white noise gave {n} onsets in 4.5 s");
}
