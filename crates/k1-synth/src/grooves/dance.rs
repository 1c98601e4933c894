//! Dance-floor grooves in 4/4: house, UK garage 2-step, trap, half-time and reggae one-drop.

use super::{Pattern, lane};
use crate::drums::Drum::{Clap, ClosedHat, Kick, OpenHat, Rim, Shaker, Snare, Sub};

/// House: four on the floor, clap on 2 and 4, open hats on the off-beats louder than the kick,
/// off-beat bass.
pub(crate) const HOUSE: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 1,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Kick, 1.0, "X...|X...|X...|X..."),
        lane(Clap, 0.8, "....|X...|....|X..."),
        lane(OpenHat, 4.0, "..X.|..X.|..X.|..X."),
        lane(Shaker, 0.5, "..o.|o.o.|o.o.|o.oo"),
    ],
    bass: "..R-|..R-|..R-|..8-",
    keys: "",
    pads: true,
};

/// UK garage 2-step: swung 16ths, kick on 1 and the "and" of 3 (never on 2 or 4).
pub(crate) const TWO_STEP: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 2,
    swing_grid: 4,
    swing: 0.6,
    drums: &[
        lane(Kick, 1.0, "X...|....|..X.|.... X...|...x|..X.|...."),
        lane(Clap, 0.9, "....|X...|....|X... ....|X...|....|X..."),
        lane(ClosedHat, 1.0, "..Xo|..Xo|..Xo|..Xx ..Xo|..Xo|..Xo|.xXo"),
        lane(Rim, 0.6, "....|..o.|....|.... ...o|....|..o.|...."),
    ],
    bass: "R--.|....|5-..|.... R--.|...R|--..|8-..",
    keys: "",
    pads: true,
};

/// Trap: 808 and kick, clap and snare on 3, hats in 8ths with 16th, 32nd and triplet rolls.
pub(crate) const TRAP: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 2,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Sub, 1.0, "X...|....|..X.|.... X...|..X.|..X.|.x.."),
        lane(Kick, 0.6, "X...|....|..X.|.... X...|..X.|..X.|.x.."),
        lane(Clap, 0.9, "....|....|X...|.... ....|....|X...|...."),
        lane(Snare, 0.5, "....|....|X...|.... ....|....|X...|...."),
        // 32nds: a roll at the end of bar 1; bar 2's last beat is in the triplet lane.
        lane(
            ClosedHat,
            0.9,
            "x...x...|x...x.x.|x...x...|x.o.xoxo x...x...|x...x...|x.x.x.x.|........",
        ),
        // 16th triplets.
        lane(
            ClosedHat,
            0.9,
            "......|......|......|...... ......|......|......|oxoxox",
        ),
    ],
    bass: "",
    keys: "",
    pads: true,
};

/// Half-time: kick on 1, snare on 3 only, 8th hats, at the written tempo.
pub(crate) const HALF_TIME: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 1,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Kick, 1.0, "X...|...x|....|..x."),
        lane(Snare, 1.0, "....|....|X...|...."),
        lane(ClosedHat, 1.0, "X.x.|x.x.|X.x.|x.x."),
    ],
    bass: "R---|---5|----|--8-",
    keys: "",
    pads: true,
};

/// Reggae one-drop: kick and cross-stick together on 3 only, swung 8th hats, keys skank on 2 and
/// 4.
pub(crate) const ONE_DROP: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 1,
    swing_grid: 2,
    swing: 0.6,
    drums: &[
        lane(Kick, 1.0, "....|....|X...|...."),
        lane(Rim, 1.0, "....|....|X...|...."),
        lane(ClosedHat, 0.8, "x.o.|x.o.|x.o.|x.o."),
    ],
    bass: "..R-|R-..|..5-|--..",
    keys: "....|X-..|....|X-..",
    pads: false,
};
