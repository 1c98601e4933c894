//! Tempo and beats on generated drum patterns with exact truth: the tempo within ±1 BPM (or an exact
//! double or half) after 8 s, and every beat event within ±30 ms of a true beat.

mod common;

use common::analyse;
use k1_core::Config;
use k1_synth::{Song, Style, render};

struct Outcome {
    bpm_errors: usize,
    hops_checked: usize,
    level: f32,
    beats: usize,
    expected: usize,
    worst_ms: f64,
    mean_ms: f64,
}

/// Runs a song and scores tempo (every hop from 8 s) and beats (from 8 s) against the truth.
fn run(bpm: f32, style: Style, config: Config) -> Outcome {
    let mut song = Song::new(bpm, style);
    song.seconds = 24.0;
    let clip = render(&song, config.sample_rate);
    let snaps = analyse(config, &clip.samples);
    let rate = config.sample_rate as f64;
    let from = 8.0;
    // The metrical level the tracker settled on, judged from the final estimate.
    let last = snaps.last().unwrap().bpm;
    let level = [1.0f32, 2.0, 0.5]
        .into_iter()
        .min_by(|a, b| (last - bpm * a).abs().total_cmp(&(last - bpm * b).abs()))
        .unwrap();
    let mut bpm_errors = 0;
    let mut hops_checked = 0;
    let mut beat_times = Vec::new();
    for s in &snaps {
        let t = (s.sample_index + 1) as f64 / rate;
        if t < from {
            continue;
        }
        hops_checked += 1;
        let ok = [1.0f32, 2.0, 0.5]
            .iter()
            .any(|m| (s.bpm - bpm * m).abs() <= 1.0);
        if !ok {
            bpm_errors += 1;
        }
        if s.beat {
            beat_times.push(t);
        }
    }
    // True beats at the tracked level: every beat, every half beat, or every other beat.
    let period = 60.0 / (bpm * level) as f64;
    let first = clip.beats[0];
    let grid: Vec<f64> = (0..)
        .map(|k| first + k as f64 * period)
        .take_while(|&t| t < song.seconds as f64)
        .collect();
    let mut worst = 0.0f64;
    let mut sum = 0.0;
    for &t in &beat_times {
        // At half tempo either parity of the true beats is a right answer; nearest grid point.
        let d = grid
            .iter()
            .map(|g| t - g)
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap();
        let d = if level == 0.5 {
            d.abs().min((d.abs() - period / 2.0).abs())
        } else {
            d.abs()
        };
        worst = worst.max(d);

        sum += d;
    }
    let expected = grid
        .iter()
        .filter(|&&g| g >= from && g < song.seconds as f64 - 0.1)
        .count();
    Outcome {
        bpm_errors,
        hops_checked,
        level,
        beats: beat_times.len(),
        expected,
        worst_ms: worst * 1000.0,
        mean_ms: sum / beat_times.len().max(1) as f64 * 1000.0,
    }
}

fn check(bpm: f32, style: Style) {
    for config in [Config::DEFAULT, Config::RATE_16K] {
        let o = run(bpm, style, config);
        println!(
            "{bpm} BPM {style:?} @ {} Hz: level x{}, tempo wrong in {}/{} hops, beats {}/{}, \
             error mean {:.1} ms, worst {:.1} ms",
            config.sample_rate,
            o.level,
            o.bpm_errors,
            o.hops_checked,
            o.beats,
            o.expected,
            o.mean_ms,
            o.worst_ms
        );
        assert_eq!(
            o.bpm_errors, 0,
            "{bpm} BPM: tempo off in {} hops after 8 s",
            o.bpm_errors
        );
        assert!(
            o.worst_ms <= 30.0,
            "{bpm} BPM: a beat was {:.1} ms off",
            o.worst_ms
        );
        // `o.expected` already counts the grid at the tracked level.
        let expected = o.expected;
        assert!(
            o.beats + 1 >= expected && o.beats <= expected + 1,
            "{bpm} BPM: {} beats reported, {} expected",
            o.beats,
            expected
        );
    }
}

#[test]
fn half_time_70() {
    check(70.0, Style::HalfTime);
}

#[test]
fn rock_90() {
    check(90.0, Style::Rock);
}

#[test]
fn rock_120() {
    check(120.0, Style::Rock);
}

#[test]
fn four_on_the_floor_128() {
    check(128.0, Style::FourOnFloor);
}

#[test]
fn four_on_the_floor_140() {
    check(140.0, Style::FourOnFloor);
}

#[test]
fn breakbeat_174() {
    check(174.0, Style::Breakbeat);
}
