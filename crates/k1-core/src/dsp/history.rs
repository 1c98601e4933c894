//! A fixed-capacity sample history whose newest `n` samples are always one contiguous slice, in
//! time order and in reverse.

/// Sample history of capacity `CAP`, written twice forwards and twice backwards, so that any
/// window of the newest `n ≤ CAP` samples is a contiguous slice in either direction: the symmetric
/// windowed DFTs then walk both halves of a window forwards, which vectorises.
#[derive(Clone)]
pub struct History<const CAP: usize> {
    // Sample `t` lives at `buf[t % CAP]` and at `buf[t % CAP + CAP]`.
    buf: [[f32; CAP]; 2],
    // ... and at `rev[CAP - 1 - t % CAP]` and `rev[2·CAP - 1 - t % CAP]`.
    rev: [[f32; CAP]; 2],
    pos: usize,
}

impl<const CAP: usize> History<CAP> {
    /// An all-zero history.
    pub const fn new() -> Self {
        Self {
            buf: [[0.0; CAP]; 2],
            rev: [[0.0; CAP]; 2],
            pos: 0,
        }
    }

    /// Appends one sample, dropping the oldest.
    #[inline]
    pub fn push(&mut self, x: f32) {
        self.extend(core::slice::from_ref(&x));
    }

    /// Appends a block of samples, oldest first: the same as pushing each in turn, with whole-slice
    /// copies instead of four scattered stores per sample.
    pub fn extend(&mut self, xs: &[f32]) {
        let mut rest = xs;
        while !rest.is_empty() {
            let p = self.pos;
            let n = rest.len().min(CAP - p);
            let (head, tail) = rest.split_at(n);
            self.buf[0][p..p + n].copy_from_slice(head);
            self.buf[1][p..p + n].copy_from_slice(head);
            // Sample p + i goes to rev[CAP - 1 - p - i]: the block, reversed, ends at CAP - p.
            for rev in &mut self.rev {
                for (d, &x) in rev[CAP - p - n..CAP - p].iter_mut().rev().zip(head) {
                    *d = x;
                }
            }
            self.pos = (p + n) % CAP;
            rest = tail;
        }
    }

    /// The newest `n` samples, oldest first. `n` is clamped to `CAP`.
    #[inline]
    pub fn latest(&self, n: usize) -> &[f32] {
        let n = n.min(CAP);
        let flat = self.buf.as_flattened();
        // The newest sample is at `pos - 1 + CAP` in the flat view; the window ends just after it.
        let end = self.pos + CAP;
        &flat[end - n..end]
    }
}

impl<const CAP: usize> History<CAP> {
    /// The newest `n` samples, newest first. `n` is clamped to `CAP`.
    #[inline]
    pub fn latest_reversed(&self, n: usize) -> &[f32] {
        let n = n.min(CAP);
        let flat = self.rev.as_flattened();
        // The newest sample was written at `CAP - pos` (mod CAP); older ones follow it upwards.
        let start = CAP - self.pos;
        &flat[start..start + n]
    }
}

impl<const CAP: usize> Default for History<CAP> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_is_contiguous_across_wrap() {
        let mut h = History::<4>::new();
        for x in 1..=6 {
            h.push(x as f32);
        }
        assert_eq!(h.latest(4), &[3.0, 4.0, 5.0, 6.0]);
        assert_eq!(h.latest(2), &[5.0, 6.0]);
        assert_eq!(h.latest(9), &[3.0, 4.0, 5.0, 6.0]);
        assert_eq!(h.latest(0), &[] as &[f32]);
        assert_eq!(h.latest_reversed(4), &[6.0, 5.0, 4.0, 3.0]);
        assert_eq!(h.latest_reversed(1), &[6.0]);
        h.push(7.0);
        h.push(8.0);
        assert_eq!(h.latest_reversed(4), &[8.0, 7.0, 6.0, 5.0]);
        assert_eq!(h.latest(3), &[6.0, 7.0, 8.0]);
    }

    #[test]
    fn extend_equals_pushing_each_sample() {
        let mut a = History::<8>::new();
        let mut b = History::<8>::new();
        let mut next = 0.0f32;
        for len in [0usize, 1, 3, 7, 8, 9, 2, 5, 17, 4] {
            let mut storage = [0.0f32; 17];
            let block = &mut storage[..len];
            for x in block.iter_mut() {
                next += 1.0;
                *x = next;
            }
            for &x in block.iter() {
                a.push(x);
            }
            b.extend(block);
            for n in 0..=8 {
                assert_eq!(a.latest(n), b.latest(n), "after a block of {len}");
                assert_eq!(a.latest_reversed(n), b.latest_reversed(n), "after {len}");
            }
        }
    }
}
