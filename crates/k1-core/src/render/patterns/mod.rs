//! The patterns and their registry: [`PATTERNS`] lists what each is, [`PatternId`] names one, and
//! [`AnyPattern`] holds the state of whichever is running.
//!
//! The order is the original firmware's (its pattern index in the HTTP API), with Spectronome,
//! Neutral and Self test after it.

pub mod analog;
pub mod beat_tunnel;
pub mod bloom;
pub mod hype;
pub mod metronome;
pub mod octave;
pub mod perlin;
pub mod pulse;
pub mod self_test;
pub mod spectronome;
pub mod spectrum;
pub mod still;
pub mod tempiscope;
pub mod void_trail;

use super::Rgb;
use super::pattern::{Context, Pattern, PatternInfo};
use crate::palettes::PALETTES;
use crate::params::slots_are_valid;

/// Which pattern. The discriminant is the pattern's index in [`PATTERNS`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PatternId {
    /// Still gradient, earth → gold → white → green.
    Departure = 0,
    /// Still gradient, black → red → orange → white.
    Lava,
    /// Still gradient, amber → purple → navy.
    Twilight,
    /// The smoothed spectrum (the default).
    #[default]
    Spectrum,
    /// The pitch classes.
    Octave,
    /// Loudness blooming out from the centre.
    Bloom,
    /// Waves on the beat.
    Pulse,
    /// The tempo bank.
    Tempiscope,
    /// Tempo hypotheses flashing on their beats.
    BeatTunnel,
    /// Flowing noise.
    Perlin,
    /// Trail, ripples or stream.
    VoidTrail,
    /// A VU needle.
    Analog,
    /// Dots swinging with the strong tempi.
    Metronome,
    /// Two dots on the odd and even tempi's beat energy.
    Hype,
    /// Spectrum with the metronome on top.
    Spectronome,
    /// Gradient from the colour parameters.
    Neutral,
    /// Black, red, green, blue, then white at a quarter.
    SelfTest,
}

/// The number of patterns.
pub const PATTERN_COUNT: usize = 17;

const fn info(
    id: &'static str,
    name: &'static str,
    audio_reactive: bool,
    description: &'static str,
    custom: &'static [crate::params::CustomParam],
) -> PatternInfo {
    assert!(slots_are_valid(custom));
    PatternInfo {
        id,
        name,
        description,
        audio_reactive,
        custom,
    }
}

/// Every pattern, in [`PatternId`] order.
pub static PATTERNS: [PatternInfo; PATTERN_COUNT] = [
    info(
        "departure",
        "Departure",
        false,
        "Still gradient, earth to gold to white to green, from the centre to the edges.",
        &[],
    ),
    info(
        "lava",
        "Lava",
        false,
        "Still gradient, black to red to orange to white.",
        &[],
    ),
    info(
        "twilight",
        "Twilight",
        false,
        "Still gradient, amber to purple to navy.",
        &[],
    ),
    info(
        "spectrum",
        "Spectrum",
        true,
        "The smoothed 64-note spectrum, low notes at the centre; brightness is the magnitude, colour the palette position.",
        &[],
    ),
    info(
        "octave",
        "Octave",
        true,
        "The 12 pitch classes laid from the centre, lifted by tempo confidence.",
        &[],
    ),
    info(
        "bloom",
        "Bloom",
        true,
        "Loudness injected at the centre drifts outwards with decay and a light blur, so rings bloom out; speed sets the drift.",
        &bloom::CUSTOM,
    ),
    info(
        "pulse",
        "Pulse",
        true,
        "On each confident beat a soft wave leaves the centre, widening and fading; hue from the strongest pitch class; up to 6 at once.",
        &pulse::CUSTOM,
    ),
    info(
        "tempiscope",
        "Tempiscope",
        true,
        "The tempo bank: one region per tempo hypothesis, brightness from its strength, pulsing with its phase.",
        &[],
    ),
    info(
        "beat_tunnel",
        "Beat Tunnel",
        true,
        "A persistent image into which tempo hypotheses light as their beat passes; mirrored, like a tunnel on the beat.",
        &[],
    ),
    info(
        "perlin",
        "Perlin",
        false,
        "Two octaves of flowing noise through the palette; speed sets the flow, loudness can lift it.",
        &perlin::CUSTOM,
    ),
    info(
        "void_trail",
        "Void Trail",
        true,
        "A fading trail, ripples from the centre when loudness crosses a threshold (up to 8), or a flowing sine stream.",
        &void_trail::CUSTOM,
    ),
    info(
        "analog",
        "Analog",
        true,
        "A VU needle: a soft dot whose distance from the centre is the level.",
        &[],
    ),
    info(
        "metronome",
        "Metronome",
        true,
        "One dot per strong tempo hypothesis, swinging with its phase, sized by its share.",
        &[],
    ),
    info(
        "hype",
        "Hype",
        true,
        "Two dots driven by the beat energy of the odd and even tempo hypotheses.",
        &[],
    ),
    info(
        "spectronome",
        "Spectronome",
        true,
        "Spectrum dimmed by tempo confidence, with Metronome on top.",
        &[],
    ),
    info(
        "neutral",
        "Neutral",
        false,
        "Still gradient from the colour and colour-range parameters.",
        &[],
    ),
    info(
        "self_test",
        "Self test",
        false,
        "One second each of black, red, green, blue, then white at a quarter, for checking the wiring.",
        &[],
    ),
];

impl PatternId {
    /// Every pattern, in order.
    pub const ALL: [PatternId; PATTERN_COUNT] = [
        PatternId::Departure,
        PatternId::Lava,
        PatternId::Twilight,
        PatternId::Spectrum,
        PatternId::Octave,
        PatternId::Bloom,
        PatternId::Pulse,
        PatternId::Tempiscope,
        PatternId::BeatTunnel,
        PatternId::Perlin,
        PatternId::VoidTrail,
        PatternId::Analog,
        PatternId::Metronome,
        PatternId::Hype,
        PatternId::Spectronome,
        PatternId::Neutral,
        PatternId::SelfTest,
    ];

    /// The pattern with index `index`.
    pub fn from_index(index: usize) -> Option<PatternId> {
        Self::ALL.get(index).copied()
    }

    /// The pattern whose id or name is `name` (ASCII case, spaces, `-` and `_` ignored).
    pub fn find(name: &str) -> Option<PatternId> {
        let norm = |c: u8| match c {
            b' ' | b'-' => b'_',
            c => c.to_ascii_lowercase(),
        };
        let same = |a: &str| {
            a.len() == name.len() && a.bytes().zip(name.bytes()).all(|(x, y)| norm(x) == norm(y))
        };
        Self::ALL
            .iter()
            .zip(PATTERNS.iter())
            .find(|(_, info)| same(info.id) || same(info.name))
            .map(|(&id, _)| id)
    }

    /// Its index in [`PATTERNS`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// What it is.
    pub fn info(self) -> &'static PatternInfo {
        // `ALL` and `PATTERNS` have the same length and order (tested), so this always finds it.
        PATTERNS.get(self.index()).unwrap_or(&PATTERNS[3])
    }
}

/// The state of one running pattern, whichever it is. Sized by the largest (an image of `N`
/// LEDs), so switching never allocates.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // One lives per renderer slot; boxing needs an allocator.
pub enum AnyPattern<const N: usize> {
    /// Departure, Lava or Twilight.
    Still(still::Still),
    /// Spectrum.
    Spectrum(spectrum::Spectrum),
    /// Octave.
    Octave(octave::Octave),
    /// Bloom.
    Bloom(bloom::Bloom<N>),
    /// Pulse.
    Pulse(pulse::Pulse),
    /// Tempiscope.
    Tempiscope(tempiscope::Tempiscope),
    /// Beat Tunnel.
    BeatTunnel(beat_tunnel::BeatTunnel<N>),
    /// Perlin.
    Perlin(perlin::Perlin),
    /// Void Trail.
    VoidTrail(void_trail::VoidTrail<N>),
    /// Analog.
    Analog(analog::Analog),
    /// Metronome.
    Metronome(metronome::Metronome),
    /// Hype.
    Hype(hype::Hype),
    /// Spectronome.
    Spectronome(spectronome::Spectronome),
    /// Neutral.
    Neutral(still::Neutral),
    /// Self test.
    SelfTest(self_test::SelfTest),
}

impl<const N: usize> AnyPattern<N> {
    /// A fresh `id`, with empty state.
    pub fn new(id: PatternId) -> Self {
        match id {
            PatternId::Departure => AnyPattern::Still(still::Still::new(&PALETTES[11])),
            PatternId::Lava => AnyPattern::Still(still::Still::new(&PALETTES[23])),
            PatternId::Twilight => AnyPattern::Still(still::Still::new(&still::TWILIGHT)),
            PatternId::Spectrum => AnyPattern::Spectrum(spectrum::Spectrum),
            PatternId::Octave => AnyPattern::Octave(octave::Octave),
            PatternId::Bloom => AnyPattern::Bloom(bloom::Bloom::new()),
            PatternId::Pulse => AnyPattern::Pulse(pulse::Pulse::new()),
            PatternId::Tempiscope => AnyPattern::Tempiscope(tempiscope::Tempiscope),
            PatternId::BeatTunnel => AnyPattern::BeatTunnel(beat_tunnel::BeatTunnel::new()),
            PatternId::Perlin => AnyPattern::Perlin(perlin::Perlin::default()),
            PatternId::VoidTrail => AnyPattern::VoidTrail(void_trail::VoidTrail::new()),
            PatternId::Analog => AnyPattern::Analog(analog::Analog::default()),
            PatternId::Metronome => AnyPattern::Metronome(metronome::Metronome),
            PatternId::Hype => AnyPattern::Hype(hype::Hype),
            PatternId::Spectronome => AnyPattern::Spectronome(spectronome::Spectronome),
            PatternId::Neutral => AnyPattern::Neutral(still::Neutral),
            PatternId::SelfTest => AnyPattern::SelfTest(self_test::SelfTest::default()),
        }
    }
}

impl<const N: usize> Pattern for AnyPattern<N> {
    fn render(&mut self, ctx: &Context<'_>, line: &mut [Rgb]) {
        match self {
            AnyPattern::Still(p) => p.render(ctx, line),
            AnyPattern::Spectrum(p) => p.render(ctx, line),
            AnyPattern::Octave(p) => p.render(ctx, line),
            AnyPattern::Bloom(p) => p.render(ctx, line),
            AnyPattern::Pulse(p) => p.render(ctx, line),
            AnyPattern::Tempiscope(p) => p.render(ctx, line),
            AnyPattern::BeatTunnel(p) => p.render(ctx, line),
            AnyPattern::Perlin(p) => p.render(ctx, line),
            AnyPattern::VoidTrail(p) => p.render(ctx, line),
            AnyPattern::Analog(p) => p.render(ctx, line),
            AnyPattern::Metronome(p) => p.render(ctx, line),
            AnyPattern::Hype(p) => p.render(ctx, line),
            AnyPattern::Spectronome(p) => p.render(ctx, line),
            AnyPattern::Neutral(p) => p.render(ctx, line),
            AnyPattern::SelfTest(p) => p.render(ctx, line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_consistent() {
        assert_eq!(PatternId::ALL.len(), PATTERNS.len());
        for (i, id) in PatternId::ALL.iter().enumerate() {
            assert_eq!(id.index(), i);
            assert_eq!(PatternId::from_index(i), Some(*id));
            assert_eq!(PatternId::find(id.info().id), Some(*id));
            assert_eq!(PatternId::find(id.info().name), Some(*id));
        }
        assert_eq!(PatternId::default(), PatternId::Spectrum);
        assert_eq!(PatternId::find("Beat Tunnel"), Some(PatternId::BeatTunnel));
        assert_eq!(PatternId::find("beat-tunnel"), Some(PatternId::BeatTunnel));
        assert_eq!(PatternId::find("sparkle"), None);
        // The original's indices.
        assert_eq!(
            PatternId::find("void_trail").map(PatternId::index),
            Some(10)
        );
        assert_eq!(PatternId::find("hype").map(PatternId::index), Some(13));
    }
}
