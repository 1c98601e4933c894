//! [`Layout`]: how many LEDs there are, where the centre is, and which ranges go to which output.
//!
//! A frame is one line of LEDs, index 0 at one end. The reference device has two strips of 160
//! that both start at the centre and run outwards: frame LEDs 0..160 are strip A read backwards
//! (its first LED is frame LED 159, next to the centre) and 160..320 are strip B forwards. A
//! [`Segment`] says that: a range of the frame and whether its output runs the other way.

/// The most LEDs a layout can have.
pub const MAX_LEDS: usize = 4096;
/// The most segments (outputs) a layout can have.
pub const MAX_SEGMENTS: usize = 8;
/// The reference device's LED count: two strips of 160.
pub const DEFAULT_LEDS: usize = 320;

/// A range of the frame that goes to one output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// First frame LED.
    pub start: u16,
    /// Number of LEDs.
    pub len: u16,
    /// The output's first LED is the range's last (a strip that starts at the centre of the left
    /// half).
    pub reversed: bool,
}

impl Segment {
    const EMPTY: Segment = Segment {
        start: 0,
        len: 0,
        reversed: false,
    };
}

/// What is wrong with a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// The LED count is outside 1..=4096.
    #[error("the LED count must be 1..={MAX_LEDS}, got {0}")]
    LedCount(usize),
    /// More than [`MAX_SEGMENTS`] segments, or none.
    #[error("a layout needs 1..={MAX_SEGMENTS} segments, got {0}")]
    SegmentCount(usize),
    /// A segment reaches past the last LED or is empty.
    #[error("segment {index} ({start}..{end}) must be non-empty and within the {leds} LEDs")]
    SegmentRange {
        /// The segment's index.
        index: usize,
        /// Its first LED.
        start: usize,
        /// One past its last LED.
        end: usize,
        /// The LED count.
        leds: usize,
    },
}

/// The LED count and the segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    leds: u16,
    count: u8,
    segments: [Segment; MAX_SEGMENTS],
}

impl Layout {
    /// The reference device: 320 LEDs as two strips of 160 from the centre out.
    pub const DEFAULT: Layout = match Layout::centre_out(DEFAULT_LEDS / 2) {
        Ok(layout) => layout,
        Err(_) => panic!("the default layout is valid"),
    };

    /// One strip of `leds` LEDs, one segment, index 0 first.
    pub const fn single(leds: usize) -> Result<Layout, LayoutError> {
        if leds == 0 || leds > MAX_LEDS {
            return Err(LayoutError::LedCount(leds));
        }
        let mut segments = [Segment::EMPTY; MAX_SEGMENTS];
        segments[0] = Segment {
            start: 0,
            len: leds as u16,
            reversed: false,
        };
        Ok(Layout {
            leds: leds as u16,
            count: 1,
            segments,
        })
    }

    /// Two strips of `per_strip` LEDs that both start at the centre: the first half is reversed.
    pub const fn centre_out(per_strip: usize) -> Result<Layout, LayoutError> {
        let leds = per_strip * 2;
        if per_strip == 0 || leds > MAX_LEDS {
            return Err(LayoutError::LedCount(leds));
        }
        let mut segments = [Segment::EMPTY; MAX_SEGMENTS];
        segments[0] = Segment {
            start: 0,
            len: per_strip as u16,
            reversed: true,
        };
        segments[1] = Segment {
            start: per_strip as u16,
            len: per_strip as u16,
            reversed: false,
        };
        Ok(Layout {
            leds: leds as u16,
            count: 2,
            segments,
        })
    }

    /// `leds` LEDs split into the given segments (each non-empty and inside the strip; they may
    /// overlap, when two outputs show the same LEDs).
    pub fn with_segments(leds: usize, segments: &[Segment]) -> Result<Layout, LayoutError> {
        let mut layout = Layout::single(leds)?;
        if segments.is_empty() || segments.len() > MAX_SEGMENTS {
            return Err(LayoutError::SegmentCount(segments.len()));
        }
        for (index, s) in segments.iter().enumerate() {
            let (start, end) = (s.start as usize, s.start as usize + s.len as usize);
            if s.len == 0 || end > leds {
                return Err(LayoutError::SegmentRange {
                    index,
                    start,
                    end,
                    leds,
                });
            }
            if let Some(slot) = layout.segments.get_mut(index) {
                *slot = *s;
            }
        }
        layout.count = segments.len() as u8;
        Ok(layout)
    }

    /// The number of LEDs.
    pub const fn leds(&self) -> usize {
        self.leds as usize
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        self.segments.get(..self.count as usize).unwrap_or(&[])
    }

    /// Copies segment `index` of `frame` into `out` in the output's order; returns the number of
    /// LEDs copied (0 for a segment that does not exist; short buffers copy what fits).
    pub fn copy_segment<T: Copy>(&self, frame: &[T], index: usize, out: &mut [T]) -> usize {
        let Some(s) = self.segments().get(index) else {
            return 0;
        };
        let start = s.start as usize;
        let end = (start + s.len as usize).min(frame.len());
        let Some(range) = frame.get(start.min(end)..end) else {
            return 0;
        };
        let n = range.len().min(out.len());
        if s.reversed {
            for (o, v) in out.iter_mut().zip(range.iter().rev()) {
                *o = *v;
            }
        } else {
            for (o, v) in out.iter_mut().zip(range.iter()) {
                *o = *v;
            }
        }
        n
    }
}

impl Default for Layout {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The length of the line a pattern draws for `leds` LEDs: half the strip (rounded up) when
/// mirrored, since both halves show it; the whole strip otherwise.
pub const fn line_len(leds: usize, mirror: bool) -> usize {
    if mirror { leds.div_ceil(2) } else { leds }
}

/// Spreads `line` (index 0 = the centre when mirrored) over `frame`.
///
/// Mirrored, LED `j` shows line entry `d(j)`, its distance from the centre in LEDs: with an even
/// count the two middle LEDs are both at distance 0; with an odd count the middle LED is. Not
/// mirrored, the line is the frame. Missing line entries show black.
pub fn expand<T: Copy + Default>(line: &[T], mirror: bool, frame: &mut [T]) {
    let n = frame.len();
    if !mirror {
        copy_or_default(line, frame.iter_mut());
        return;
    }
    // Mirrored, LED `n/2 + k` is at distance `k`, and LED `n/2 − 1 − k` (walking out to the
    // left) at distance `k` for an even count, `k + 1` for an odd one (whose middle LED, `n/2`,
    // is the right half's first).
    let (left, right) = frame.split_at_mut(n / 2);
    copy_or_default(line, right.iter_mut());
    copy_or_default(line.get(n % 2..).unwrap_or(&[]), left.iter_mut().rev());
}

/// Writes `line` into the slots `out` yields, in order, and the default into any slots past its
/// end.
fn copy_or_default<'a, T: Copy + Default + 'a>(line: &[T], out: impl Iterator<Item = &'a mut T>) {
    let mut values = line.iter();
    for slot in out {
        *slot = values.next().copied().unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_two_strips_from_the_centre() {
        let l = Layout::DEFAULT;
        assert_eq!(l.leds(), 320);
        assert_eq!(l.segments().len(), 2);
        let frame: [u16; 320] = core::array::from_fn(|i| i as u16);
        let mut a = [0u16; 160];
        let mut b = [0u16; 160];
        assert_eq!(l.copy_segment(&frame, 0, &mut a), 160);
        assert_eq!(l.copy_segment(&frame, 1, &mut b), 160);
        // Both strips' first LEDs are the two at the centre.
        assert_eq!((a[0], b[0]), (159, 160));
        assert_eq!((a[159], b[159]), (0, 319));
        assert_eq!(l.copy_segment(&frame, 2, &mut b), 0);
    }

    #[test]
    fn counts_are_checked() {
        assert!(Layout::single(1).is_ok());
        assert!(Layout::single(4096).is_ok());
        assert_eq!(Layout::single(0), Err(LayoutError::LedCount(0)));
        assert_eq!(Layout::single(4097), Err(LayoutError::LedCount(4097)));
        assert!(Layout::centre_out(2048).is_ok());
        assert!(Layout::centre_out(2049).is_err());
        let seg = |start, len| Segment {
            start,
            len,
            reversed: false,
        };
        assert!(Layout::with_segments(100, &[seg(0, 50), seg(50, 50)]).is_ok());
        assert!(matches!(
            Layout::with_segments(100, &[seg(0, 50), seg(60, 50)]),
            Err(LayoutError::SegmentRange { index: 1, .. })
        ));
        assert_eq!(
            Layout::with_segments(100, &[]),
            Err(LayoutError::SegmentCount(0))
        );
        assert_eq!(
            Layout::with_segments(10, &[seg(0, 1); 9]),
            Err(LayoutError::SegmentCount(9))
        );
    }

    /// `expand` against the formula it implements, LED by LED, for every strip length, line
    /// length (short lines leave black) and both modes.
    #[test]
    fn expand_follows_the_distance_formula() {
        for n in 0..40usize {
            for len in 0..25usize {
                let line: [u8; 25] = core::array::from_fn(|i| i as u8 + 1);
                let line = &line[..len];
                for mirror in [false, true] {
                    let mut frame = [0xffu8; 40];
                    expand(line, mirror, &mut frame[..n]);
                    for (j, &got) in frame[..n].iter().enumerate() {
                        let d = if !mirror {
                            j
                        } else if j >= n / 2 {
                            j - n / 2
                        } else {
                            (n - 1) / 2 - j
                        };
                        let want = line.get(d).copied().unwrap_or(0);
                        assert_eq!(got, want, "n {n}, len {len}, mirror {mirror}, led {j}");
                    }
                    assert!(frame[n..].iter().all(|&v| v == 0xff));
                }
            }
        }
    }

    #[test]
    fn mirror_maps_distance_from_the_centre() {
        let line = [10u8, 11, 12];
        let mut even = [0u8; 6];
        expand(&line, true, &mut even);
        assert_eq!(even, [12, 11, 10, 10, 11, 12]);
        let mut odd = [0u8; 5];
        expand(&line, true, &mut odd);
        assert_eq!(odd, [12, 11, 10, 11, 12]);
        let mut one = [0u8; 1];
        expand(&line, true, &mut one);
        assert_eq!(one, [10]);
        let mut flat = [0u8; 4];
        expand(&line, false, &mut flat);
        assert_eq!(flat, [10, 11, 12, 0]);
        for n in 1..40 {
            assert_eq!(line_len(n, true), n.div_ceil(2));
            let line: [u8; 20] = core::array::from_fn(|i| i as u8 + 1);
            let mut f = [0u8; 40];
            expand(&line[..line_len(n, true)], true, &mut f[..n]);
            assert!(f[..n].iter().all(|&v| v != 0), "n {n}");
        }
    }
}
