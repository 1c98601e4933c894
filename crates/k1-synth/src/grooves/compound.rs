//! Compound meter (6/8 and 12/8, the beat a dotted quarter) and the drumless ballad.

use super::{Pattern, lane};
use crate::drums::Drum::{ClosedHat, Kick, Ride, Snare};

/// 6/8: two dotted-quarter beats a bar, hats on every 8th, kick on 1, snare on 2.
pub(crate) const SIX_EIGHT: Pattern = Pattern {
    beats_per_bar: 2,
    bars: 2,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Kick, 1.0, "X..|... X.x|..."),
        lane(Snare, 1.0, "...|X.. ...|X.o"),
        lane(ClosedHat, 0.9, "Xxx|Xxx Xxx|Xxx"),
    ],
    bass: "R--|5-- R--|8--",
    keys: "",
    pads: true,
};

/// 12/8 slow blues: every 8th on the ride, kick on 1 and 3, snare on 2 and 4.
pub(crate) const TWELVE_EIGHT: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 1,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Kick, 1.0, "X..|..x|X..|..."),
        lane(Snare, 1.0, "...|X..|...|X.."),
        lane(Ride, 0.9, "Xxx|Xxx|Xxx|Xxx"),
        lane(ClosedHat, 0.4, "...|x..|...|x.."),
    ],
    bass: "R.5|6.5|R.5|6.5",
    keys: "",
    pads: false,
};

/// Ballad: no drums; piano chords on every beat, bass on 1, soft pads.
pub(crate) const BALLAD: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 1,
    swing_grid: 0,
    swing: 0.5,
    drums: &[],
    bass: "R---",
    keys: "Xxox",
    pads: true,
};
