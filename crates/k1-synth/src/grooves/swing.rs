//! Swung grooves in 4/4: the shuffle, the triplet shuffle and jazz swing.

use super::{Pattern, lane};
use crate::drums::Drum::{ClosedHat, Kick, Ride, Snare};

/// Shuffle: swung 8ths (triplet feel) on the hats, kick on 1 and 3, snare on 2 and 4.
pub(crate) const SHUFFLE: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 1,
    swing_grid: 2,
    swing: 2.0 / 3.0,
    drums: &[
        lane(Kick, 1.0, "X.|.x|X.|.."),
        lane(Snare, 1.0, "..|X.|..|X."),
        lane(ClosedHat, 1.0, "Xo|xo|Xo|xo"),
    ],
    bass: "R5|R6|R7|R6",
    keys: "",
    pads: false,
};

/// Triplet shuffle: every 8th-note triplet on the hats, ghost snares on the last triplet.
pub(crate) const TRIPLET_SHUFFLE: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 1,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Kick, 1.0, "X..|..x|X..|..."),
        lane(Snare, 1.0, "..g|X.g|..g|X.g"),
        lane(ClosedHat, 0.9, "Xox|Xox|Xox|Xox"),
    ],
    bass: "R-5|R-6|R-5|R-6",
    keys: "",
    pads: true,
};

/// Jazz swing: ride "ding, ding-a" on swung 8ths, hi-hat foot on 2 and 4, feathered kick, walking
/// bass.
pub(crate) const JAZZ_SWING: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 2,
    swing_grid: 2,
    swing: 0.64,
    drums: &[
        lane(Ride, 1.0, "X.|Xx|X.|Xx X.|Xx|X.|Xx"),
        lane(ClosedHat, 0.6, "..|x.|..|x. ..|x.|..|x."),
        lane(Kick, 0.35, "o.|o.|o.|o. o.|o.|o.|o."),
        lane(Snare, 0.4, "..|..|.g|.. ..|.o|..|.g"),
    ],
    bass: "R-|5-|6-|5- R-|8-|7-|5-",
    keys: "",
    pads: true,
};
