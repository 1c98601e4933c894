//! Latin grooves: son and rumba clave, bossa nova and samba.

use super::{Pattern, lane};
use crate::drums::Drum::{Clave, ClosedHat, HighTom, Kick, LowTom, Rim, Shaker};

/// Son clave 3-2 with conga tumbao, shaker and the anticipated bass.
pub(crate) const SON_CLAVE: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 2,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Clave, 1.0, "X...|..X.|....|X... ....|X...|X...|...."),
        lane(HighTom, 0.8, "....|o...|..x.|X.X. ....|o...|..x.|X.X."),
        lane(Kick, 0.7, "X...|....|....|.... X...|....|....|...."),
        lane(Shaker, 0.6, "x.o.|x.o.|x.o.|x.o. x.o.|x.o.|x.o.|x.o."),
    ],
    bass: "....|..R-|----|5--- ....|..R-|----|5---",
    keys: "",
    pads: true,
};

/// Rumba clave 3-2 with two congas and shaker.
pub(crate) const RUMBA_CLAVE: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 2,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Clave, 1.0, "X...|...X|....|X... ....|X...|X...|...."),
        lane(HighTom, 0.8, "..o.|o...|..x.|..X. ..o.|o...|..x.|..X."),
        lane(LowTom, 0.8, "....|....|....|X.x. ....|....|....|X.x."),
        lane(Shaker, 0.6, "x.o.|x.o.|x.o.|x.o. x.o.|x.o.|x.o.|x.o."),
    ],
    bass: "R---|--5-|----|.... R---|--5-|----|8...",
    keys: "",
    pads: true,
};

/// Bossa nova: cross-stick in the bossa clave, dotted kick figure, soft 8th hats.
pub(crate) const BOSSA_NOVA: Pattern = Pattern {
    beats_per_bar: 4,
    bars: 2,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(Rim, 1.0, "X...|..X.|....|X... ....|X...|..X.|...."),
        lane(Kick, 0.8, "X..o|X..o|X..o|X..o X..o|X..o|X..o|X..o"),
        lane(ClosedHat, 0.5, "x.o.|x.o.|x.o.|x.o. x.o.|x.o.|x.o.|x.o."),
    ],
    bass: "R---|--.5|5---|--.R R---|--.5|5---|--.8",
    keys: "",
    pads: true,
};

/// Samba in 2/4: surdo soft on 1 and loud on 2, ganzá 16ths accented on the last, tamborim
/// teleco-teco.
pub(crate) const SAMBA: Pattern = Pattern {
    beats_per_bar: 2,
    bars: 2,
    swing_grid: 0,
    swing: 0.5,
    drums: &[
        lane(LowTom, 1.0, "o...|X... o...|X..."),
        lane(Shaker, 0.7, "ggox|ggox ggox|ggox"),
        lane(Rim, 0.8, "X.X.|.X.X ..X.|.X.."),
    ],
    bass: "R--.|5--. R--.|5--.",
    keys: "",
    pads: true,
};
