//! Properties of the colour pipeline over arbitrary input (proptest): gamma is monotone, the
//! pipeline never panics and keeps black black, brightness only ever dims.

use k1_core::color::{GammaTable, Pipeline, PipelineConfig, Rgb8, tone_map};
use k1_core::params::Params;
use k1_core::render::Rgb;
use proptest::prelude::*;

proptest! {
    /// The gamma table never falls: a ≤ b gives map(a) ≤ map(b), for any gamma in range.
    #[test]
    fn gamma_is_monotone(gamma in 1.0f32..=3.0, a in -0.5f32..1.5, b in -0.5f32..1.5) {
        let t = GammaTable::new(gamma);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(t.map(lo) <= t.map(hi), "γ {} : map({}) = {} > map({}) = {}", gamma, lo, t.map(lo), hi, t.map(hi));
        prop_assert!((0.0..=1.0).contains(&t.map(a)));
    }

    /// The tone curve never falls and never reaches past 1.
    #[test]
    fn tone_curve_is_monotone(a in -1.0f32..50.0, b in -1.0f32..50.0, knee in 0.0f32..0.99) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(tone_map::curve(lo, knee) <= tone_map::curve(hi, knee));
        prop_assert!(tone_map::curve(hi, knee) <= 1.0);
    }

    /// Any frame, any parameter bytes, any frame period: the pipeline returns, and a black
    /// frame stays black.
    #[test]
    fn pipeline_is_total(
        levels in proptest::collection::vec(proptest::num::f32::ANY, 3..=30),
        brightness in proptest::num::f32::ANY,
        softness in proptest::num::f32::ANY,
        warmth in proptest::num::f32::ANY,
        dithering in any::<u8>(),
        dt in proptest::num::f32::ANY,
    ) {
        let params = Params { brightness, softness, warmth, dithering, ..Params::DEFAULT };
        let frame: Vec<Rgb> = levels.chunks(3).filter(|c| c.len() == 3).map(|c| Rgb { r: c[0], g: c[1], b: c[2] }).collect();
        let mut p = Pipeline::<16>::new(PipelineConfig::DEFAULT);
        let mut out = [Rgb8::BLACK; 16];
        let n = p.process(&frame, &params, dt, &mut out);
        prop_assert_eq!(n, frame.len().min(16));
        let mut black = Pipeline::<16>::new(PipelineConfig::DEFAULT);
        black.process(&[Rgb::BLACK; 16], &params, dt, &mut out);
        prop_assert!(out.iter().all(|&c| c == Rgb8::BLACK));
    }

    /// Lower brightness never gives a brighter byte (without dithering, which shifts by one).
    #[test]
    fn brightness_only_dims(level in 0.0f32..=1.0, b1 in 0.0f32..=1.0, b2 in 0.0f32..=1.0) {
        let (lo, hi) = if b1 <= b2 { (b1, b2) } else { (b2, b1) };
        let byte = |b: f32| {
            let mut p = Pipeline::<1>::new(PipelineConfig::DEFAULT);
            let mut out = [Rgb8::BLACK];
            let params = Params { brightness: b, dithering: 0, ..Params::DEFAULT };
            p.process(&[Rgb { r: level, g: level, b: level }], &params, 0.01, &mut out);
            out[0].r
        };
        prop_assert!(byte(lo) <= byte(hi));
    }
}
