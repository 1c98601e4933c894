//! A value and the 32-bit words that carry its bytes through the exchange, in one buffer.

use bytemuck::NoUninit;

/// Number of 32-bit words that carry a `T`: `size_of::<T>()` rounded up to whole words.
///
/// This is the second parameter of [`SeqLock`](super::SeqLock): stable Rust cannot size an array
/// by an expression of a generic type, so the caller spells it out, as
/// `SeqLock<T, { word_count::<T>() }>`, and the lock checks it at compile time.
pub const fn word_count<T>() -> usize {
    size_of::<T>().div_ceil(4)
}

/// Checks at compile time that `W` words carry exactly a `T` (no word short, none spare).
pub(crate) const fn assert_word_count<T, const W: usize>() {
    assert!(
        W == word_count::<T>(),
        "SeqLock<T, W>: W must be word_count::<T>() (size_of::<T>() rounded up to 4-byte words)"
    );
}

/// One buffer seen either as a `T` or as its words, so a reader can assemble a copy word by word
/// and then lend it out as a `T` without copying it again.
///
/// The words start at the first byte of the `T` (`repr(C)`: every field at offset 0), in native
/// byte order; the bytes past `size_of::<T>()` in the last word are unused.
///
/// Invariant (what makes [`Words::value`] sound): the first `size_of::<T>()` bytes always hold the
/// bytes of a valid `T`, except while a reader is filling them (`Reader::read` restores it before
/// it lends the buffer out; see there).
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) union Words<T: Copy, const W: usize> {
    value: T,
    words: [u32; W],
}

impl<T: NoUninit, const W: usize> Words<T, W> {
    /// The words of `value`, the bytes past its end zero.
    pub(crate) const fn new(value: T) -> Self {
        const { assert_word_count::<T, W>() };
        // Zero every word first, so the tail of the last word is initialised too, then overwrite
        // the front with the value. Writing a union field is safe; it only sets that field's bytes.
        let mut this = Words { words: [0; W] };
        this.value = value;
        this
    }

    /// Word `i` (panics if `i >= W`).
    pub(crate) const fn word(&self, i: usize) -> u32 {
        // SAFETY: every byte of the buffer is initialised: `new` zeroed all `4 * W` bytes before
        // writing the value, whose bytes are all initialised because `T: NoUninit` has no padding,
        // and `set_word` writes whole words. Any initialised bytes are a valid `u32`.
        unsafe { self.words[i] }
    }

    /// Overwrites word `i` (panics if `i >= W`). Until the caller has filled every word from one
    /// consistent source, the buffer may not be a valid `T`: see the invariant on [`Words`].
    pub(crate) fn set_word(&mut self, i: usize, word: u32) {
        // SAFETY: this only stores 4 bytes inside the buffer (the index is bounds-checked) and
        // reads nothing; the `[u32; W]` view it goes through is valid anyway, since every byte of
        // the buffer is initialised (see `word`).
        unsafe { self.words[i] = word };
    }

    /// The buffer as a `T`.
    ///
    /// # Safety
    ///
    /// The first `size_of::<T>()` bytes must be the bytes of a valid `T`: either untouched since
    /// [`Words::new`] or a word-for-word copy of a `Words::new(v)` for some `v: T` (the seqlock's
    /// sequence check is what guarantees that for a copy read from shared memory).
    pub(crate) unsafe fn value(&self) -> &T {
        // SAFETY: the union is `repr(C)`, so `value` starts at offset 0 and is suitably aligned;
        // the caller guarantees its bytes form a valid `T`.
        unsafe { &self.value }
    }
}
