//! Breakbeats: the amen-like four-bar break and drum and bass.

use super::{Pattern, lane};
use crate::drums::Drum::{ClosedHat, Crash, Kick, Ride, Shaker, Snare};

/// The amen-like break: four bars of syncopated kicks, snares on 2 and 4 with off-beat snares and
/// ghosts, a crash in bar 4.
pub(crate) const AMEN: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 4,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(
            Kick,
            1.0,
            "X.X.|....|..XX|.... X.X.|....|..XX|.... X.X.|....|..X.|.... ..XX|....|..X.|....",
        ),
        lane(
            Snare,
            1.0,
            "....|X..o|.o..|X..o ....|X..o|.o..|X..o ....|X..o|.o..|..o. .o..|X..o|.o..|..o.",
        ),
        lane(
            Ride,
            0.7,
            "x.x.|x.x.|x.x.|x.x. x.x.|x.x.|x.x.|x.x. x.x.|x.x.|x.x.|x.x. x.x.|x.x.|....|x.x.",
        ),
        lane(
            Crash,
            0.8,
            "....|....|....|.... ....|....|....|.... ....|....|....|.... ....|....|X...|....",
        ),
    ],
    bass: "R---|----|..5-|---- R---|----|..5-|---- R---|----|..6-|---- R---|----|..8-|----",
    keys: "",
    pads: true,
};

/// Drum and bass: kick on 1 and the "and" of 3, snare on 2 and 4, busy hats, long bass.
pub(crate) const DRUM_AND_BASS: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 2,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Kick, 1.0, "X...|....|..X.|.... X.X.|....|..X.|...."),
        lane(Snare, 1.0, "....|X...|....|X..o ....|X...|....|X..."),
        lane(ClosedHat, 0.8, "x.x.|x.xo|x.x.|x.xo x.x.|x.xo|x.x.|xox."),
        lane(Shaker, 0.4, "oooo|oooo|oooo|oooo oooo|oooo|oooo|oooo"),
    ],
    bass: "R---|----|..5-|---- R---|----|..7-|--8-",
    keys: "",
    pads: true,
};
