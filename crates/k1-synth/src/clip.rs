//! A rendered piece of audio with its exact truth ([`Clip`]).

/// Mono samples and the truth they were built from. Times are seconds from the first sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clip {
    /// Samples per second of `samples`.
    pub sample_rate: u32,
    /// Mono audio, peak-normalised to the song's gain.
    pub samples: Vec<f32>,
    /// Every quarter-note beat inside the clip: `first_beat + k · 60 / bpm` for k = 0, 1, …,
    /// computed in `f64`.
    pub beats: Vec<f64>,
    /// Every drum hit inside the clip, sorted; hits within 5 ms of the first of a group count once.
    pub onsets: Vec<f64>,
    /// The tempo the beats were laid out at.
    pub bpm: f32,
}

impl Clip {
    /// No samples and no truth, at `sample_rate` and `bpm`: what invalid input renders to.
    pub const fn empty(sample_rate: u32, bpm: f32) -> Self {
        Self {
            sample_rate,
            samples: Vec::new(),
            beats: Vec::new(),
            onsets: Vec::new(),
            bpm,
        }
    }

    /// True if there are no samples.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Length in seconds (0 if the sample rate is 0).
    pub fn duration_s(&self) -> f64 {
        if self.sample_rate == 0 {
            0.0
        } else {
            self.samples.len() as f64 / f64::from(self.sample_rate)
        }
    }
}
