//! The keyframes of the 33 gradient palettes, as published.
//!
//! These are public cpt-city gradients (<http://soliton.vm.bytemark.co.uk/pub/cpt-city/>) in the
//! form Mark Kriegsman's "ColorWavesWithPalettes" gist
//! (<https://gist.github.com/kriegsman/8281905786e8b2632aeb>) published them for FastLED, which is
//! the set Emotiscope and K1.reinvented shipped: each row is `[position 0..=255, r, g, b]`, the
//! colours already converted for LEDs with per-channel gammas (2.6, 2.2, 2.5). Only the numbers
//! are taken; [`super::Palette`] decodes them. The order is the original's palette index.

/// Sunset Real (cpt-city nd/atmospheric).
pub(super) const SUNSET_REAL: &[[u8; 4]] = &[
    [0, 120, 0, 0],
    [22, 179, 22, 0],
    [51, 255, 104, 0],
    [85, 167, 22, 18],
    [135, 100, 0, 103],
    [198, 16, 0, 130],
    [255, 0, 0, 160],
];

/// Rivendell (cpt-city es/rivendell, es_rivendell_15).
pub(super) const RIVENDELL: &[[u8; 4]] = &[
    [0, 1, 14, 5],
    [101, 16, 36, 14],
    [165, 56, 68, 30],
    [242, 150, 156, 99],
    [255, 150, 156, 99],
];

/// Ocean Breeze 036 (cpt-city es/ocean_breeze).
pub(super) const OCEAN_BREEZE_036: &[[u8; 4]] = &[
    [0, 1, 6, 7],
    [89, 1, 99, 111],
    [153, 144, 209, 255],
    [255, 0, 73, 82],
];

/// RGI 15 (cpt-city ds/rgi).
pub(super) const RGI_15: &[[u8; 4]] = &[
    [0, 4, 1, 31],
    [31, 55, 1, 16],
    [63, 197, 3, 7],
    [95, 59, 2, 17],
    [127, 6, 2, 34],
    [159, 39, 6, 33],
    [191, 112, 13, 32],
    [223, 56, 9, 35],
    [255, 22, 6, 38],
];

/// Retro 2 (cpt-city ma/retro2, retro2_16).
pub(super) const RETRO_2: &[[u8; 4]] = &[[0, 188, 135, 1], [255, 46, 7, 1]];

/// Analogous 1 (cpt-city nd/red).
pub(super) const ANALOGOUS_1: &[[u8; 4]] = &[
    [0, 3, 0, 255],
    [63, 23, 0, 255],
    [127, 67, 0, 255],
    [191, 142, 0, 45],
    [255, 255, 0, 0],
];

/// Pink Splash 08 (cpt-city es/pink_splash).
pub(super) const PINK_SPLASH_08: &[[u8; 4]] = &[
    [0, 126, 11, 255],
    [127, 197, 1, 22],
    [175, 210, 157, 172],
    [221, 157, 3, 112],
    [255, 157, 3, 112],
];

/// Coral Reef (cpt-city nd/other). Two keyframes at 96: a hard edge.
pub(super) const CORAL_REEF: &[[u8; 4]] = &[
    [0, 40, 199, 197],
    [50, 10, 152, 155],
    [96, 1, 111, 120],
    [96, 43, 127, 162],
    [139, 10, 73, 111],
    [255, 1, 34, 71],
];

/// Ocean Breeze 068 (cpt-city es/ocean_breeze).
pub(super) const OCEAN_BREEZE_068: &[[u8; 4]] = &[
    [0, 100, 156, 153],
    [51, 1, 99, 137],
    [101, 1, 68, 84],
    [104, 35, 142, 168],
    [178, 0, 63, 117],
    [255, 1, 10, 10],
];

/// Pink Splash 07 (cpt-city es/pink_splash).
pub(super) const PINK_SPLASH_07: &[[u8; 4]] = &[
    [0, 229, 1, 1],
    [61, 242, 4, 63],
    [101, 255, 12, 255],
    [127, 249, 81, 252],
    [153, 255, 11, 235],
    [193, 244, 5, 68],
    [255, 232, 1, 5],
];

/// Vintage 01 (cpt-city es/vintage).
pub(super) const VINTAGE_01: &[[u8; 4]] = &[
    [0, 4, 1, 1],
    [51, 16, 0, 1],
    [76, 97, 104, 3],
    [101, 255, 131, 19],
    [127, 67, 9, 4],
    [153, 16, 0, 1],
    [229, 4, 1, 1],
    [255, 4, 1, 1],
];

/// Departure (cpt-city mjf).
pub(super) const DEPARTURE: &[[u8; 4]] = &[
    [0, 8, 3, 0],
    [42, 23, 7, 0],
    [63, 75, 38, 6],
    [84, 169, 99, 38],
    [106, 213, 169, 119],
    [116, 255, 255, 255],
    [138, 135, 255, 138],
    [148, 22, 255, 24],
    [170, 0, 255, 0],
    [191, 0, 136, 0],
    [212, 0, 55, 0],
    [255, 0, 55, 0],
];

/// Landscape 64 (cpt-city es/landscape).
pub(super) const LANDSCAPE_64: &[[u8; 4]] = &[
    [0, 0, 0, 0],
    [37, 2, 25, 1],
    [76, 15, 115, 5],
    [127, 79, 213, 1],
    [128, 126, 211, 47],
    [130, 188, 209, 247],
    [153, 144, 182, 205],
    [204, 59, 117, 250],
    [255, 1, 37, 192],
];

/// Landscape 33 (cpt-city es/landscape).
pub(super) const LANDSCAPE_33: &[[u8; 4]] = &[
    [0, 1, 5, 0],
    [19, 32, 23, 1],
    [38, 161, 55, 1],
    [63, 229, 144, 1],
    [66, 39, 142, 74],
    [255, 1, 4, 1],
];

/// Rainbow Sherbet (cpt-city ma/icecream).
pub(super) const RAINBOW_SHERBET: &[[u8; 4]] = &[
    [0, 255, 33, 4],
    [43, 255, 68, 25],
    [86, 255, 7, 25],
    [127, 255, 82, 103],
    [170, 255, 255, 242],
    [209, 42, 255, 22],
    [255, 87, 255, 65],
];

/// GR65 Hult (cpt-city hult).
pub(super) const GR65_HULT: &[[u8; 4]] = &[
    [0, 247, 176, 247],
    [48, 255, 136, 255],
    [89, 220, 29, 226],
    [160, 7, 82, 178],
    [216, 1, 124, 109],
    [255, 1, 124, 109],
];

/// GR64 Hult (cpt-city hult).
pub(super) const GR64_HULT: &[[u8; 4]] = &[
    [0, 1, 124, 109],
    [66, 1, 93, 79],
    [104, 52, 65, 1],
    [130, 115, 127, 1],
    [150, 52, 65, 1],
    [201, 1, 86, 72],
    [239, 0, 55, 45],
    [255, 0, 55, 45],
];

/// GMT Dry Wet (cpt-city gmt).
pub(super) const GMT_DRY_WET: &[[u8; 4]] = &[
    [0, 47, 30, 2],
    [42, 213, 147, 24],
    [84, 103, 219, 52],
    [127, 3, 219, 207],
    [170, 1, 48, 214],
    [212, 1, 1, 111],
    [255, 1, 7, 33],
];

/// IB Jul01 (cpt-city ing/xmas).
pub(super) const IB_JUL01: &[[u8; 4]] = &[
    [0, 194, 1, 1],
    [94, 1, 29, 18],
    [132, 57, 131, 28],
    [255, 113, 1, 1],
];

/// Vintage 57 (cpt-city es/vintage).
pub(super) const VINTAGE_57: &[[u8; 4]] = &[
    [0, 2, 1, 1],
    [53, 18, 1, 0],
    [104, 69, 29, 1],
    [153, 167, 135, 10],
    [255, 46, 56, 4],
];

/// IB15 (cpt-city ing/general).
pub(super) const IB15: &[[u8; 4]] = &[
    [0, 113, 91, 147],
    [72, 157, 88, 78],
    [89, 208, 85, 33],
    [107, 255, 29, 11],
    [141, 137, 31, 39],
    [255, 59, 33, 89],
];

/// Fuschia 7 (cpt-city ds/fuschia).
pub(super) const FUSCHIA_7: &[[u8; 4]] = &[
    [0, 43, 3, 153],
    [63, 100, 4, 103],
    [127, 188, 5, 66],
    [191, 161, 11, 115],
    [255, 135, 20, 182],
];

/// Emerald Dragon (cpt-city es/emerald_dragon, es_emerald_dragon_08).
pub(super) const EMERALD_DRAGON: &[[u8; 4]] = &[
    [0, 97, 255, 1],
    [101, 47, 133, 1],
    [178, 13, 43, 1],
    [255, 2, 10, 1],
];

/// Lava (cpt-city neota/elem).
pub(super) const LAVA: &[[u8; 4]] = &[
    [0, 0, 0, 0],
    [46, 18, 0, 0],
    [96, 113, 0, 0],
    [108, 142, 3, 1],
    [119, 175, 17, 1],
    [146, 213, 44, 2],
    [174, 255, 82, 4],
    [188, 255, 115, 4],
    [202, 255, 156, 4],
    [218, 255, 203, 4],
    [234, 255, 255, 4],
    [244, 255, 255, 71],
    [255, 255, 255, 255],
];

/// Fire (cpt-city neota/elem).
pub(super) const FIRE: &[[u8; 4]] = &[
    [0, 1, 1, 0],
    [76, 32, 5, 0],
    [146, 192, 24, 0],
    [197, 220, 105, 5],
    [240, 252, 255, 31],
    [250, 252, 255, 111],
    [255, 255, 255, 255],
];

/// Colorful (cpt-city nd/atmospheric, "Colorfull").
pub(super) const COLORFUL: &[[u8; 4]] = &[
    [0, 10, 85, 5],
    [25, 29, 109, 18],
    [60, 59, 138, 42],
    [93, 83, 99, 52],
    [106, 110, 66, 64],
    [109, 123, 49, 65],
    [113, 139, 35, 66],
    [116, 192, 117, 98],
    [124, 255, 255, 137],
    [168, 100, 180, 155],
    [255, 22, 121, 174],
];

/// Magenta Evening (cpt-city nd/atmospheric).
pub(super) const MAGENTA_EVENING: &[[u8; 4]] = &[
    [0, 71, 27, 39],
    [31, 130, 11, 51],
    [63, 213, 2, 64],
    [70, 232, 1, 66],
    [76, 252, 1, 69],
    [108, 123, 2, 51],
    [255, 46, 9, 35],
];

/// Pink Purple (cpt-city nd/atmospheric).
pub(super) const PINK_PURPLE: &[[u8; 4]] = &[
    [0, 19, 2, 39],
    [25, 26, 4, 45],
    [51, 33, 6, 52],
    [76, 68, 62, 125],
    [102, 118, 187, 240],
    [109, 163, 215, 247],
    [114, 217, 244, 255],
    [122, 159, 149, 221],
    [149, 113, 78, 188],
    [183, 128, 57, 155],
    [255, 146, 40, 123],
];

/// Autumn 19 (cpt-city es/autumn).
pub(super) const AUTUMN_19: &[[u8; 4]] = &[
    [0, 26, 1, 1],
    [51, 67, 4, 1],
    [84, 118, 14, 1],
    [104, 137, 152, 52],
    [112, 113, 65, 1],
    [122, 133, 149, 59],
    [124, 137, 152, 52],
    [135, 113, 65, 1],
    [142, 139, 154, 46],
    [163, 113, 13, 1],
    [204, 55, 3, 1],
    [249, 17, 1, 1],
    [255, 17, 1, 1],
];

/// Blue Magenta White (cpt-city nd/basic, "BlacK_Blue_Magenta_White").
pub(super) const BLUE_MAGENTA_WHITE: &[[u8; 4]] = &[
    [0, 0, 0, 0],
    [42, 0, 0, 45],
    [84, 0, 0, 255],
    [127, 42, 0, 255],
    [170, 255, 0, 255],
    [212, 255, 55, 255],
    [255, 255, 255, 255],
];

/// Black Magenta Red (cpt-city nd/basic).
pub(super) const BLACK_MAGENTA_RED: &[[u8; 4]] = &[
    [0, 0, 0, 0],
    [63, 42, 0, 45],
    [127, 255, 0, 255],
    [191, 255, 0, 45],
    [255, 255, 0, 0],
];

/// Red Magenta Yellow (cpt-city nd/basic, "BlacK_Red_Magenta_Yellow").
pub(super) const RED_MAGENTA_YELLOW: &[[u8; 4]] = &[
    [0, 0, 0, 0],
    [42, 42, 0, 0],
    [84, 255, 0, 0],
    [127, 255, 0, 45],
    [170, 255, 0, 255],
    [212, 255, 55, 45],
    [255, 255, 255, 0],
];

/// Blue Cyan Yellow (cpt-city nd/basic).
pub(super) const BLUE_CYAN_YELLOW: &[[u8; 4]] = &[
    [0, 0, 0, 255],
    [63, 0, 55, 255],
    [127, 0, 255, 255],
    [191, 42, 255, 45],
    [255, 255, 255, 0],
];
