//! Mixing a decoded packet to mono, plane by plane, straight from the decoder's buffer.
//!
//! symphonia hands out planar buffers (one slice per channel) in the codec's own sample format.
//! Interleaving them first (`copy_to_vec_interleaved`) and then averaging each frame costs a
//! copy plus a short, unvectorisable inner loop per frame. Here each plane is converted and added
//! in one pass over contiguous memory, which the compiler vectorises; a mono packet is a single
//! conversion. The arithmetic is that of the frame-by-frame mean (the sum in channel order, then
//! one multiplication by `1 / channels`), so the result is the same to the last bit (a negative
//! zero may keep its sign).

use symphonia::core::audio::conv::FromSample;
use symphonia::core::audio::sample::Sample;
use symphonia::core::audio::{Audio, AudioBuffer, GenericAudioBufferRef};

/// Mixes `buf` to the mean of its channels in `mono` (resized to the packet's frames). NaN and
/// infinite samples count as 0; returns how many there were. Integer formats cannot hold them,
/// so only float packets pay for the check.
pub(super) fn mix_to_mono(buf: &GenericAudioBufferRef<'_>, mono: &mut Vec<f32>) -> u64 {
    match buf {
        GenericAudioBufferRef::U8(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::U16(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::U24(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::U32(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::S8(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::S16(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::S24(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::S32(b) => mix_buffer::<_, false>(b, mono),
        GenericAudioBufferRef::F32(b) => mix_buffer::<_, true>(b, mono),
        GenericAudioBufferRef::F64(b) => mix_buffer::<_, true>(b, mono),
    }
}

fn mix_buffer<S, const FLOAT: bool>(buf: &AudioBuffer<S>, mono: &mut Vec<f32>) -> u64
where
    S: Sample,
    f32: FromSample<S>,
{
    mix_planes::<S, FLOAT>(buf.iter_planes(), buf.num_planes(), buf.frames(), mono)
}

/// Mixes the `channels` `planes` (each at least `frames` long) into `mono`; see
/// [`mix_to_mono`]. With `FLOAT == false` the samples are taken to be finite (true of every
/// integer format).
fn mix_planes<'a, S, const FLOAT: bool>(
    planes: impl Iterator<Item = &'a [S]>,
    channels: usize,
    frames: usize,
    mono: &mut Vec<f32>,
) -> u64
where
    S: Sample + 'a,
    f32: FromSample<S>,
{
    mono.clear();
    let mut non_finite = 0u64;
    for (index, plane) in planes.enumerate() {
        let plane = plane.get(..frames).unwrap_or(plane);
        non_finite += if index == 0 {
            convert_plane::<S, FLOAT>(plane, mono)
        } else {
            add_plane::<S, FLOAT>(plane, mono)
        };
    }
    if channels > 1 {
        let scale = 1.0 / channels as f32;
        for m in mono.iter_mut() {
            *m *= scale;
        }
    }
    non_finite
}

/// Appends `plane` as f32 (0 where not finite) to the empty `mono`; returns the non-finite
/// count. (Appending, not zero-filling and then overwriting: one pass over the memory.)
fn convert_plane<S, const FLOAT: bool>(plane: &[S], mono: &mut Vec<f32>) -> u64
where
    S: Sample,
    f32: FromSample<S>,
{
    if !FLOAT {
        mono.extend(plane.iter().map(|&s| f32::from_sample(s)));
        return 0;
    }
    mono.extend(plane.iter().map(|&s| {
        let x = f32::from_sample(s);
        if x.is_finite() { x } else { 0.0 }
    }));
    plane
        .iter()
        .filter(|&&s| !f32::from_sample(s).is_finite())
        .count() as u64
}

/// `mono[i] += plane[i]` as f32 (0 where not finite); returns the non-finite count.
fn add_plane<S, const FLOAT: bool>(plane: &[S], mono: &mut [f32]) -> u64
where
    S: Sample,
    f32: FromSample<S>,
{
    if !FLOAT {
        for (m, &s) in mono.iter_mut().zip(plane) {
            *m += f32::from_sample(s);
        }
        return 0;
    }
    let mut bad = 0u32;
    for (m, &s) in mono.iter_mut().zip(plane) {
        let x = f32::from_sample(s);
        let finite = x.is_finite();
        bad += u32::from(!finite);
        *m += if finite { x } else { 0.0 };
    }
    u64::from(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plainly right mix this file must equal: interleave, then the mean of each frame.
    fn reference(planes: &[Vec<f32>]) -> (Vec<f32>, u64) {
        let frames = planes.first().map_or(0, Vec::len);
        let scale = 1.0 / planes.len() as f32;
        let mut bad = 0;
        let mono = (0..frames)
            .map(|i| {
                let mut sum = 0.0f32;
                for plane in planes {
                    let s = plane[i];
                    if s.is_finite() {
                        sum += s;
                    } else {
                        bad += 1;
                    }
                }
                sum * scale
            })
            .collect();
        (mono, bad)
    }

    /// Seeded pseudo-random samples in [-1, 1), with a NaN or an infinity every so often.
    fn planes(channels: usize, frames: usize, seed: u32, specials: bool) -> Vec<Vec<f32>> {
        let mut x = seed.max(1);
        (0..channels)
            .map(|_| {
                (0..frames)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        match x % 97 {
                            0 if specials => f32::NAN,
                            1 if specials => f32::INFINITY,
                            2 if specials => f32::NEG_INFINITY,
                            _ => (x >> 8) as f32 / 8_388_608.0 - 1.0,
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn equals_the_frame_by_frame_mean_exactly() {
        for channels in 1..=8 {
            for frames in [0, 1, 7, 1152, 4096] {
                for specials in [false, true] {
                    let input = planes(channels, frames, 7 + channels as u32, specials);
                    let (want, want_bad) = reference(&input);
                    let mut mono = vec![9.0; 3];
                    let bad = mix_planes::<f32, true>(
                        input.iter().map(Vec::as_slice),
                        channels,
                        frames,
                        &mut mono,
                    );
                    assert_eq!(bad, want_bad, "{channels} ch, {frames} frames");
                    assert_eq!(mono.len(), frames);
                    // `==`, not the bits: a leading -0.0 stays -0.0 here where the reference adds it to +0.0.
                    let same = mono.iter().zip(&want).all(|(a, b)| a == b);
                    assert!(same, "{channels} ch, {frames} frames, specials {specials}");
                    if specials && frames > 1000 {
                        assert!(bad > 0, "the test input must hold non-finite samples");
                    }
                }
            }
        }
    }

    #[test]
    fn integer_samples_convert_as_symphonia_converts_them() {
        let left: Vec<i16> = vec![i16::MIN, -1, 0, 1, i16::MAX];
        let right: Vec<i16> = vec![0, 16_384, -16_384, 3, -7];
        let mut mono = Vec::new();
        let bad = mix_planes::<i16, false>(
            [left.as_slice(), right.as_slice()].into_iter(),
            2,
            5,
            &mut mono,
        );
        assert_eq!(bad, 0);
        for i in 0..5 {
            let want = (f32::from_sample(left[i]) + f32::from_sample(right[i])) * 0.5;
            assert_eq!(mono[i].to_bits(), want.to_bits(), "frame {i}");
        }
        assert_eq!(mono[0], -0.5);
    }
}
