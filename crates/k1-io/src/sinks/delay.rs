//! Latency compensation on the output side: a [`DelayLine`] holds an output's frames, stamped
//! with their render time, and gives each back once it is due, so controllers with different
//! latencies (and a speaker that plays late) all show the same musical moment.
//!
//! An output's total delay is its own `delay=` plus the input's audio offset ([`AudioOffset`]),
//! by the rule in [`effective_delay`]: a positive offset (the speaker is heard late) delays every
//! output by that much more; a negative one (the light is late) takes that much off each
//! output's own delay, down to zero. Light cannot be shown before it is drawn, so the part of a
//! negative offset that an output's delay cannot absorb is reported, not honoured.
//!
//! The line never blocks and its memory is bounded: delays are at most [`MAX_DELAY_MS`], it
//! holds at most [`CAPACITY`] frames (at high frame rates it keeps one frame per
//! `delay / (CAPACITY - 2)`, so it thins evenly rather than falling behind), and frame buffers
//! are recycled, so once it has filled it allocates nothing.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI32, Ordering};

use super::Frame;
use crate::clock::Nanos;

/// The longest delay an output (or the audio offset, either way) may ask for, ms.
pub const MAX_DELAY_MS: u32 = 1000;

/// Nanoseconds in a millisecond.
const MS: Nanos = 1_000_000;

/// The most frames a line holds (at 200 FPS a full second needs 200).
pub const CAPACITY: usize = 256;

/// A delay in ms that is out of range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value} ms is out of range: {range}")]
pub struct DelayError {
    /// What was set: `delay` or `audio offset`.
    pub what: &'static str,
    /// The value asked for, ms.
    pub value: i64,
    /// The range it must be in, as text.
    pub range: String,
}

/// Checks an output's delay: 0..=[`MAX_DELAY_MS`] ms.
pub fn check_delay(ms: i64) -> Result<u32, DelayError> {
    u32::try_from(ms)
        .ok()
        .filter(|ms| *ms <= MAX_DELAY_MS)
        .ok_or_else(|| DelayError {
            what: "delay",
            value: ms,
            range: format!("0 to {MAX_DELAY_MS} (the light waits this long for its output)"),
        })
}

/// Checks an audio offset: -[`MAX_DELAY_MS`]..=[`MAX_DELAY_MS`] ms.
pub fn check_offset(ms: i64) -> Result<i32, DelayError> {
    let max = i64::from(MAX_DELAY_MS);
    if (-max..=max).contains(&ms) {
        // In range, so it fits.
        Ok(ms as i32)
    } else {
        Err(DelayError {
            what: "audio offset",
            value: ms,
            range: format!(
                "-{MAX_DELAY_MS} to {MAX_DELAY_MS} (positive: the speaker is heard late)"
            ),
        })
    }
}

/// How long an output holds each frame, given its own delay and the audio offset (both ms):
/// `delay + offset`, at least 0 and at most [`MAX_DELAY_MS`]. See the module doc.
pub fn effective_delay_ms(delay_ms: u32, offset_ms: i32) -> u32 {
    let total = i64::from(delay_ms) + i64::from(offset_ms);
    total.clamp(0, i64::from(MAX_DELAY_MS)) as u32
}

/// [`effective_delay_ms`] in ns.
pub fn effective_delay(delay_ms: u32, offset_ms: i32) -> Nanos {
    Nanos::from(effective_delay_ms(delay_ms, offset_ms)) * MS
}

/// The input's audio offset in ms, shared by every output's sink thread (one relaxed atomic,
/// read once per frame) and the control side that sets it.
#[derive(Debug, Default)]
pub struct AudioOffset(AtomicI32);

impl AudioOffset {
    /// An offset of `ms` (checked by [`check_offset`] beforehand).
    pub fn new(ms: i32) -> Self {
        Self(AtomicI32::new(ms))
    }

    /// The offset now, ms.
    pub fn get(&self) -> i32 {
        self.0.load(Ordering::Relaxed)
    }

    /// Sets the offset (checked by [`check_offset`] beforehand).
    pub fn set(&self, ms: i32) {
        self.0.store(ms, Ordering::Relaxed);
    }
}

/// One queued frame and the slot version it had.
struct Held {
    version: u64,
    frame: Frame,
}

/// An output's frames waiting for their due time (render time + delay). See the module doc.
#[derive(Default)]
pub struct DelayLine {
    queue: VecDeque<Held>,
    /// Buffers to reuse.
    spare: Vec<Frame>,
    /// Frames not kept: thinned at a high frame rate, or pushed out of a full line.
    thinned: u64,
}

impl DelayLine {
    /// An empty line.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when no frame is waiting.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Frames waiting.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Frames not kept so far (thinned or pushed out); see the module doc.
    pub fn thinned(&self) -> u64 {
        self.thinned
    }

    /// Holds a copy of `frame` (slot version `version`) under the current `delay`. A frame
    /// closer than `delay / (CAPACITY - 2)` to the newest one held is not kept; when the line is
    /// full (the delay just grew), the oldest frame makes room.
    pub fn push(&mut self, version: u64, frame: &Frame, delay: Nanos) {
        let gap = delay / (CAPACITY as u64 - 2);
        if let Some(last) = self.queue.back()
            && frame.rendered_at < last.frame.rendered_at.saturating_add(gap)
        {
            self.thinned += 1;
            return;
        }
        if self.queue.len() >= CAPACITY
            && let Some(old) = self.queue.pop_front()
        {
            self.thinned += 1;
            self.spare.push(old.frame);
        }
        let mut copy = self
            .spare
            .pop()
            .unwrap_or_else(|| Frame::new(frame.leds.len()));
        copy.copy_from(frame);
        self.queue.push_back(Held {
            version,
            frame: copy,
        });
    }

    /// When the oldest frame held falls due under `delay`, if any is held.
    pub fn next_due(&self, delay: Nanos) -> Option<Nanos> {
        self.queue
            .front()
            .map(|h| h.frame.rendered_at.saturating_add(delay))
    }

    /// The newest frame that is due at `now` under `delay` and its slot version, with every
    /// older frame removed (the caller counts them from the versions); `None` if none is due.
    /// Hand the frame back with [`DelayLine::recycle`] to keep its buffer.
    pub fn take_due(&mut self, now: Nanos, delay: Nanos) -> Option<(u64, Frame)> {
        let mut due: Option<Held> = None;
        while let Some(front) = self.queue.front() {
            if front.frame.rendered_at.saturating_add(delay) > now {
                break;
            }
            let Some(next) = self.queue.pop_front() else {
                break;
            };
            if let Some(older) = due.replace(next) {
                self.spare.push(older.frame);
            }
        }
        due.map(|h| (h.version, h.frame))
    }

    /// Gives a frame from [`DelayLine::take_due`] back for reuse.
    pub fn recycle(&mut self, frame: Frame) {
        if self.spare.len() < CAPACITY {
            self.spare.push(frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(index: u64, at_ms: u64) -> Frame {
        let mut f = Frame::new(3);
        f.index = index;
        f.rendered_at = at_ms * MS;
        f
    }

    #[test]
    fn the_effective_delay_rule() {
        assert_eq!(effective_delay_ms(40, 0), 40);
        assert_eq!(effective_delay_ms(40, 150), 190, "a late speaker adds");
        assert_eq!(
            effective_delay_ms(40, -30),
            10,
            "a negative offset takes off"
        );
        assert_eq!(effective_delay_ms(40, -100), 0, "but never below zero");
        assert_eq!(effective_delay_ms(900, 300), MAX_DELAY_MS, "capped");
        assert_eq!(effective_delay(40, 0), 40 * MS);
    }

    #[test]
    fn out_of_range_values_are_errors_that_say_the_range() {
        assert_eq!(check_delay(0), Ok(0));
        assert_eq!(check_delay(1000), Ok(1000));
        let e = check_delay(1001).unwrap_err().to_string();
        assert_eq!(
            e,
            "delay 1001 ms is out of range: 0 to 1000 (the light waits this long for its output)"
        );
        assert!(check_delay(-1).is_err());
        assert_eq!(check_offset(-1000), Ok(-1000));
        assert_eq!(check_offset(250), Ok(250));
        assert!(
            check_offset(1001)
                .unwrap_err()
                .to_string()
                .contains("-1000 to 1000")
        );
        assert!(check_offset(i64::MIN).is_err());
    }

    /// Frames every 5 ms under a 40 ms delay: each comes out exactly when it is due, in order,
    /// and one that is not yet due stays.
    #[test]
    fn frames_come_out_at_their_due_time() {
        let mut line = DelayLine::new();
        let delay = 40 * MS;
        for i in 0..20 {
            line.push(i + 1, &frame(i, i * 5), delay);
        }
        assert_eq!(line.next_due(delay), Some(40 * MS));
        assert!(line.take_due(39 * MS, delay).is_none());
        let (version, f) = line.take_due(40 * MS, delay).unwrap();
        assert_eq!((version, f.index), (1, 0));
        line.recycle(f);
        // 12 ms later frames 1 and 2 are due: the newest comes out, the older is passed over.
        let (version, f) = line.take_due(52 * MS, delay).unwrap();
        assert_eq!((version, f.index), (3, 2));
        line.recycle(f);
        assert_eq!(line.next_due(delay), Some(55 * MS));
        assert_eq!(line.len(), 17);
        // A shorter delay (the offset changed) releases what is due under it at once.
        let (_, f) = line.take_due(52 * MS, 0).unwrap();
        assert_eq!(f.index, 10);
        assert_eq!(line.len(), 9);
    }

    /// At 1000 FPS under a full second's delay the line keeps at most CAPACITY frames, evenly
    /// spaced, and stops allocating once full.
    #[test]
    fn memory_is_bounded_and_thinning_is_even() {
        let mut line = DelayLine::new();
        let delay = Nanos::from(MAX_DELAY_MS) * MS;
        let mut f = Frame::new(1000);
        for i in 0..3000u64 {
            f.index = i;
            f.rendered_at = i * MS;
            line.push(i + 1, &f, delay);
            if let Some((_, out)) = line.take_due(i * MS, delay) {
                line.recycle(out);
            }
            assert!(line.len() <= CAPACITY);
        }
        assert!(line.len() >= CAPACITY - 10, "{}", line.len());
        // One kept per 4 ms (1000 ms / 254 rounds up to 4 whole frames).
        assert_eq!(line.thinned(), 3000 - 3000 / 4);
        let buffers = line.len() + line.spare.len();
        assert!(buffers <= CAPACITY + 2, "{buffers} buffers");
    }

    #[test]
    fn a_line_grown_past_capacity_drops_its_oldest() {
        let mut line = DelayLine::new();
        for i in 0..(CAPACITY as u64 + 5) {
            line.push(i + 1, &frame(i, i * 5), 0);
        }
        assert_eq!(line.len(), CAPACITY);
        assert_eq!(line.thinned(), 5);
        // Frames 0-4 made room: the oldest left is frame 5, due at 25 ms.
        assert!(line.take_due(0, 0).is_none());
        assert_eq!(line.next_due(0), Some(25 * MS));
    }
}
