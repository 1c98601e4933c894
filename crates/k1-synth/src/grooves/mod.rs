//! Groove families for tuning and validating a beat tracker ([`Groove`]), each written as a
//! drum-machine pattern ([`Pattern`]) in one file per family.
//!
//! A pattern is one or more bars of lanes. A lane is a string of steps spread evenly over the
//! pattern: `X` (1.0), `x` (0.7), `o` (0.45) and `g` (0.25, a ghost note) are hits at that
//! velocity, `.` is a rest, `-` holds the previous note (for bass and keys), and `|` and spaces are
//! ignored (they mark beats for the reader). Each lane has its own step count, so 16ths, triplets
//! and 32nd rolls mix freely. Bass lanes use `R` (root), `5`, `6`, `7` (minor 7th) and `8`
//! (octave) instead of velocities. A pattern may swing one subdivision: every odd step of that
//! grid moves to `swing` of the way through its pair (0.5 is straight, 2/3 a triplet feel).

mod breaks;
mod compound;
mod dance;
mod latin;
mod swing;

use crate::drums::Drum;

/// A groove family: meter, drum pattern, bass line and keys. Every groove renders at any tempo
/// (see [`GrooveSong`](crate::GrooveSong)); [`Groove::tempo_range`] is where the style usually
/// sits.
///
/// **The beat** (what [`Clip::beats`](crate::Clip::beats) marks and what the tempo counts) is the
/// quarter note, except in compound meter ([`Groove::SixEight`], [`Groove::TwelveEight`]) where it
/// is the dotted quarter: three 8th notes. Half-time grooves ([`Groove::HalfTime`],
/// [`Groove::Trap`], [`Groove::OneDrop`]) count the written quarter, so their snare lands on beat
/// 3 of 4, once per bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Groove {
    /// House: kick on every beat, clap on 2 and 4, open hats on the off-beats that peak louder
    /// than the kick, off-beat bass. 4/4.
    House,
    /// UK garage 2-step: swung 16ths, kick on 1 and the "and" of 3 (with a pickup in the second
    /// bar; never on 2 or 4), clap on 2 and 4, shuffled hats. 4/4, two-bar pattern.
    TwoStep,
    /// Trap: 808 sub kick, clap and snare on 3 (half-time feel at the written tempo), 8th hats with
    /// 16th, 32nd and 16th-triplet rolls. 4/4.
    Trap,
    /// Half-time rock: kick on 1 (and two syncopated pickups), snare on 3 only, 8th hats, at the
    /// written tempo. 4/4.
    HalfTime,
    /// Reggae one-drop: kick and cross-stick together on 3 only, lightly swung 8th hats, a keys
    /// skank on 2 and 4. 4/4.
    OneDrop,
    /// Amen-like breakbeat: the four-bar break (syncopated kicks, snares on 2 and 4 with
    /// off-beat snares and ghosts, a crash in bar 4), 8th hats. 4/4.
    Amen,
    /// Drum and bass two-step: kick on 1 and the "and" of 3, snare on 2 and 4, busy hats. 4/4.
    DrumAndBass,
    /// Son clave 3-2 with conga tumbao, shaker and an anticipated bass. 4/4, two-bar pattern.
    SonClave,
    /// Rumba clave 3-2 (the third stroke of the 3-side one 16th late) with congas and shaker.
    /// 4/4, two-bar pattern.
    RumbaClave,
    /// Bossa nova: cross-stick in the bossa clave, dotted kick figure, soft 8th hats. 4/4,
    /// two-bar pattern.
    BossaNova,
    /// Samba: surdo on 1 (soft) and 2 (loud), ganzá 16ths accented on the last, syncopated
    /// tamborim. 2/4 (two beats a bar), two-bar pattern.
    Samba,
    /// Shuffle: swung 8ths (triplet feel) on the hats, kick on 1 and 3, snare on 2 and 4,
    /// boogie bass. 4/4.
    Shuffle,
    /// Triplet shuffle: every 8th-note triplet on the hats, accented on the beat, ghost snares on
    /// the last triplet. 4/4.
    TripletShuffle,
    /// Jazz swing: ride "ding, ding-a-ding" with swung 8ths, hi-hat foot on 2 and 4, feathered
    /// kick, walking bass. 4/4.
    JazzSwing,
    /// 6/8: two dotted-quarter beats a bar, hats on every 8th, kick on 1, snare on 2.
    SixEight,
    /// 12/8 slow blues: four dotted-quarter beats a bar, every 8th on the ride, kick on 1 and 3,
    /// snare on 2 and 4.
    TwelveEight,
    /// Ballad without drums: piano chords struck on every beat (the chord changes each bar), bass
    /// on 1, soft pads. Its onsets are the piano's note starts. 4/4.
    Ballad,
}

impl Groove {
    /// Every groove, for sweeps and for the sets.
    pub const ALL: [Self; 17] = [
        Self::House,
        Self::TwoStep,
        Self::Trap,
        Self::HalfTime,
        Self::OneDrop,
        Self::Amen,
        Self::DrumAndBass,
        Self::SonClave,
        Self::RumbaClave,
        Self::BossaNova,
        Self::Samba,
        Self::Shuffle,
        Self::TripletShuffle,
        Self::JazzSwing,
        Self::SixEight,
        Self::TwelveEight,
        Self::Ballad,
    ];

    /// A short lower-case name (`"two_step"`), for case names and reports.
    pub const fn name(self) -> &'static str {
        match self {
            Self::House => "house",
            Self::TwoStep => "two_step",
            Self::Trap => "trap",
            Self::HalfTime => "half_time",
            Self::OneDrop => "one_drop",
            Self::Amen => "amen",
            Self::DrumAndBass => "drum_and_bass",
            Self::SonClave => "son_clave",
            Self::RumbaClave => "rumba_clave",
            Self::BossaNova => "bossa_nova",
            Self::Samba => "samba",
            Self::Shuffle => "shuffle",
            Self::TripletShuffle => "triplet_shuffle",
            Self::JazzSwing => "jazz_swing",
            Self::SixEight => "six_eight",
            Self::TwelveEight => "twelve_eight",
            Self::Ballad => "ballad",
        }
    }

    /// The usual tempo range of the style, in beats (as defined on [`Groove`]) per minute.
    pub const fn tempo_range(self) -> (f32, f32) {
        match self {
            Self::House => (118.0, 130.0),
            Self::TwoStep => (128.0, 138.0),
            Self::Trap => (130.0, 150.0),
            Self::HalfTime => (120.0, 160.0),
            Self::OneDrop => (66.0, 90.0),
            Self::Amen => (150.0, 172.0),
            Self::DrumAndBass => (168.0, 176.0),
            Self::SonClave => (88.0, 120.0),
            Self::RumbaClave => (95.0, 125.0),
            Self::BossaNova => (118.0, 145.0),
            Self::Samba => (92.0, 120.0),
            Self::Shuffle => (80.0, 124.0),
            Self::TripletShuffle => (64.0, 96.0),
            Self::JazzSwing => (120.0, 200.0),
            Self::SixEight => (60.0, 100.0),
            Self::TwelveEight => (52.0, 80.0),
            Self::Ballad => (60.0, 84.0),
        }
    }

    /// Beats per bar: 4, except 2 for [`Groove::Samba`] (2/4) and [`Groove::SixEight`].
    pub const fn beats_per_bar(self) -> u32 {
        self.pattern().beats_per_bar
    }

    /// True if the groove has drums ([`Groove::Ballad`] has none).
    pub const fn has_drums(self) -> bool {
        !self.pattern().drums.is_empty()
    }

    /// The pattern that plays this groove.
    pub(crate) const fn pattern(self) -> &'static Pattern {
        match self {
            Self::House => &dance::HOUSE,
            Self::TwoStep => &dance::TWO_STEP,
            Self::Trap => &dance::TRAP,
            Self::HalfTime => &dance::HALF_TIME,
            Self::OneDrop => &dance::ONE_DROP,
            Self::Amen => &breaks::AMEN,
            Self::DrumAndBass => &breaks::DRUM_AND_BASS,
            Self::SonClave => &latin::SON_CLAVE,
            Self::RumbaClave => &latin::RUMBA_CLAVE,
            Self::BossaNova => &latin::BOSSA_NOVA,
            Self::Samba => &latin::SAMBA,
            Self::Shuffle => &swing::SHUFFLE,
            Self::TripletShuffle => &swing::TRIPLET_SHUFFLE,
            Self::JazzSwing => &swing::JAZZ_SWING,
            Self::SixEight => &compound::SIX_EIGHT,
            Self::TwelveEight => &compound::TWELVE_EIGHT,
            Self::Ballad => &compound::BALLAD,
        }
    }
}

/// One lane of drum hits: which drum, a gain on top of the step velocities, and the steps.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lane {
    /// The drum struck.
    pub(crate) drum: Drum,
    /// Multiplies every velocity of the lane (may exceed 1 to make a drum louder than the kick).
    pub(crate) gain: f64,
    /// The steps (see the module doc).
    pub(crate) steps: &'static str,
}

/// A lane of `drum` at `gain`.
pub(crate) const fn lane(drum: Drum, gain: f64, steps: &'static str) -> Lane {
    Lane { drum, gain, steps }
}

/// A repeating pattern of one or more bars.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pattern {
    /// Beats per bar (see [`Groove`] for what a beat is).
    pub(crate) beats_per_bar: u32,
    /// Bars before the pattern repeats.
    pub(crate) bars: u32,
    /// Steps per beat of the swung grid (2 = 8ths, 4 = 16ths); 0 for no swing.
    pub(crate) swing_grid: u32,
    /// Where each swung off-step falls within its pair: 0.5 straight, 2/3 triplet.
    pub(crate) swing: f64,
    /// The drums.
    pub(crate) drums: &'static [Lane],
    /// Bass notes (`R`, `5`, `6`, `7`, `8`; `-` holds), or empty.
    pub(crate) bass: &'static str,
    /// Struck keyboard chords (velocities; `-` holds), or empty. Their starts are onsets.
    pub(crate) keys: &'static str,
    /// Sustained pad chords, one per bar.
    pub(crate) pads: bool,
}

/// A note or hit of a lane: its position in beats from the pattern's start, its length in beats
/// (up to the next step that does not hold it), and its symbol.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Event {
    /// Beats from the start of the pattern (swing applied).
    pub(crate) beat: f64,
    /// Beats until the next step that is not `-` (or the pattern's end).
    pub(crate) beats: f64,
    /// The step's symbol (`X`, `x`, `o`, `g`, or a bass degree).
    pub(crate) symbol: char,
    /// The step's index in its lane (for seeding).
    pub(crate) index: usize,
}

impl Pattern {
    /// Beats in the whole pattern.
    pub(crate) const fn beats(&self) -> u32 {
        self.beats_per_bar * self.bars
    }

    /// The notes of `steps`, in order (swing applied to their starts).
    pub(crate) fn events(&self, steps: &str) -> Vec<Event> {
        let symbols: Vec<char> = steps.chars().filter(|c| !matches!(c, '|' | ' ')).collect();
        let n = symbols.len() as u64;
        let mut out = Vec::new();
        for (i, &symbol) in symbols.iter().enumerate() {
            if matches!(symbol, '.' | '-') {
                continue;
            }
            let held = symbols
                .get(i + 1..)
                .map_or(0, |rest| rest.iter().take_while(|&&c| c == '-').count());
            let at = |step: u64| self.swung(step, n);
            let start = at(i as u64);
            out.push(Event {
                beat: start,
                beats: at((i + 1 + held) as u64) - start,
                symbol,
                index: i,
            });
        }
        out
    }

    /// Beats from the pattern's start to step `step` of `n`, with swing applied.
    fn swung(&self, step: u64, n: u64) -> f64 {
        let total = u64::from(self.beats());
        let straight = (step * total) as f64 / n as f64;
        if self.swing_grid == 0 || n == 0 {
            return straight;
        }
        // The step's place on the swung grid, if it falls exactly on it.
        let on_grid = step * total * u64::from(self.swing_grid);
        if !on_grid.is_multiple_of(n) || (on_grid / n).is_multiple_of(2) {
            return straight;
        }
        let grid = f64::from(self.swing_grid);
        ((on_grid / n - 1) as f64 + 2.0 * self.swing) / grid
    }
}

/// Velocity of a drum or keys symbol; 0 for anything else.
pub(crate) const fn velocity(symbol: char) -> f64 {
    match symbol {
        'X' => 1.0,
        'x' => 0.7,
        'o' => 0.45,
        'g' => 0.25,
        _ => 0.0,
    }
}

/// Semitones above the root of a bass symbol, or `None` if it is not one.
pub(crate) const fn interval(symbol: char) -> Option<u8> {
    match symbol {
        'R' => Some(0),
        '5' => Some(7),
        '6' => Some(9),
        '7' => Some(10),
        '8' => Some(12),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Symbols of a lane, without separators.
    fn symbols(steps: &str) -> Vec<char> {
        steps.chars().filter(|c| !matches!(c, '|' | ' ')).collect()
    }

    #[test]
    fn every_lane_fits_its_pattern_and_uses_known_symbols() {
        for groove in Groove::ALL {
            let p = groove.pattern();
            let (lo, hi) = groove.tempo_range();
            assert!(lo < hi && p.bars > 0 && p.beats_per_bar > 0, "{groove:?}");
            for lane in p.drums {
                let s = symbols(lane.steps);
                assert!(
                    (s.len() as u32).is_multiple_of(p.beats()),
                    "{groove:?} {:?}",
                    lane.drum
                );
                assert!(s.iter().all(|&c| velocity(c) > 0.0 || c == '.'));
                assert!(!p.events(lane.steps).is_empty());
            }
            let bass = symbols(p.bass);
            assert!((bass.len() as u32).is_multiple_of(p.beats()));
            assert!(
                bass.iter()
                    .all(|&c| interval(c).is_some() || "-.".contains(c))
            );
            let keys = symbols(p.keys);
            assert!((keys.len() as u32).is_multiple_of(p.beats()));
            assert!(keys.iter().all(|&c| velocity(c) > 0.0 || "-.".contains(c)));
        }
    }

    #[test]
    fn steps_hold_and_swing() {
        let p = Pattern {
            beats_per_bar: 2,
            bars: 1,
            swing_grid: 2,
            swing: 2.0 / 3.0,
            drums: &[],
            bass: "",
            keys: "",
            pads: false,
        };
        let e = p.events("R-.5|x.x.");
        let at: Vec<(f64, f64)> = e.iter().map(|e| (e.beat, e.beats)).collect();
        // 8 steps over 2 beats: R held up to the swung "and" of beat 1 (a rest), 5 on the 4th
        // 16th (not on the 8th grid, so straight), then x on beat 2 and x on its swung "and".
        assert_eq!(at[0].0, 0.0);
        assert!((at[0].1 - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(at[1], (0.75, 0.25));
        assert_eq!(at[2].0, 1.0);
        assert!((at[3].0 - (1.0 + 2.0 / 3.0)).abs() < 1e-15);
        assert_eq!(e[1].symbol, '5');
    }

    #[test]
    fn grooves_keep_their_defining_hits() {
        let beats_of = |g: Groove, drum: Drum| -> Vec<f64> {
            let p = g.pattern();
            p.drums
                .iter()
                .filter(|l| l.drum == drum)
                .flat_map(|l| p.events(l.steps))
                .map(|e| e.beat)
                .collect()
        };
        assert_eq!(beats_of(Groove::House, Drum::Kick), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(beats_of(Groove::OneDrop, Drum::Kick), [2.0]);
        assert_eq!(beats_of(Groove::HalfTime, Drum::Snare), [2.0]);
        assert!(
            beats_of(Groove::TwoStep, Drum::Kick)
                .iter()
                .all(|b| b % 2.0 != 1.0)
        );
        assert_eq!(
            beats_of(Groove::SonClave, Drum::Clave),
            [0.0, 1.5, 3.0, 5.0, 6.0]
        );
        assert_eq!(
            beats_of(Groove::RumbaClave, Drum::Clave),
            [0.0, 1.75, 3.0, 5.0, 6.0]
        );
        assert!(!Groove::Ballad.has_drums() && Groove::House.has_drums());
        assert_eq!(Groove::SixEight.beats_per_bar(), 2);
    }
}
