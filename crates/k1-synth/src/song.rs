//! What to render: tempo, groove, length and mix ([`Song`], [`Style`]).

/// Drum groove families. Each is one bar of 16th-note steps, repeated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Style {
    /// Kick on 1 and 3, snare on 2 and 4, closed hat on 8ths.
    #[default]
    Rock,
    /// Kick on every beat, clap on 2 and 4, open hat on the off-beats (house, techno).
    FourOnFloor,
    /// Drum & bass two-step: kick on 1 and the "and" of 3, snare on 2 and 4, 8th hats with two
    /// 16ths. Meant for ~174 BPM.
    Breakbeat,
    /// Kick on 1, snare on 3, hats on 8ths (hip-hop at 70–90 BPM).
    HalfTime,
}

impl Style {
    /// Every style, for tests that sweep them all.
    pub const ALL: [Style; 4] = [
        Style::Rock,
        Style::FourOnFloor,
        Style::Breakbeat,
        Style::HalfTime,
    ];
}

/// A piece of music to [`render`](crate::render): drums in `style` at `bpm`, with optional bass
/// and chords.
///
/// Values outside the documented ranges never panic: they give an empty [`Clip`](crate::Clip)
/// (see [`render`](crate::render)) or are clamped, as each field says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Song {
    /// Tempo in quarter notes per minute; must be in `(0, MAX_BPM]`.
    pub bpm: f32,
    /// The drum groove.
    pub style: Style,
    /// Clip length in seconds; must be in `[0, MAX_SECONDS]`.
    pub seconds: f32,
    /// Fixes every random choice: key, velocities, noise, humanising.
    pub seed: u64,
    /// Play a bass line.
    pub bass: bool,
    /// Play sustained chords.
    pub chords: bool,
    /// Linear peak of the output; clamped to `[0, 1]`, and NaN gives an empty clip.
    pub gain: f32,
    /// Time of beat 1 in seconds (silence before it); negative is treated as 0, NaN gives an empty
    /// clip.
    pub first_beat: f32,
    /// Largest random shift of each drum hit, in milliseconds (uniform, ±); 0 keeps the timing
    /// exact. Clamped to `[0, 50]`; the beat grid never moves, the onset truth moves with the hits.
    pub humanize_ms: f32,
}

impl Song {
    /// 20 s of `style` at `bpm`: seed 1, bass and chords on, gain 0.9, beat 1 at 0.25 s, no humanising.
    pub const fn new(bpm: f32, style: Style) -> Self {
        Self {
            bpm,
            style,
            seconds: 20.0,
            seed: 1,
            bass: true,
            chords: true,
            gain: 0.9,
            first_beat: 0.25,
            humanize_ms: 0.0,
        }
    }
}

impl Default for Song {
    /// [`Song::new`] at 120 BPM, [`Style::Rock`].
    fn default() -> Self {
        Self::new(120.0, Style::Rock)
    }
}
