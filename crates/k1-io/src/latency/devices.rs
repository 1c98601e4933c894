//! The wizard on real devices (feature `audio`): the default output device through
//! [`Playback`] (timed by cpal's playback timestamps, as `--playback` is) and a microphone
//! through [`MicSource`] (stamped with cpal's capture timestamps).

use std::sync::Arc;

use super::{Measurement, RATE, Speaker, WizardError, clicks, measure};
use crate::clock::{MonotonicClock, Nanos};
use crate::events::Events;
use crate::sources::live::mic::MicSource;
use crate::sources::live::playback::{MakeSource, Playback};
use crate::sources::live::{LiveError, SharedStart, SourceCounters, SourceCtx};
use crate::sources::{ClipSource, Source};

/// The default output device, playing the click train once.
pub struct CpalSpeaker {
    clock: MonotonicClock,
    playback: Option<Playback>,
}

impl CpalSpeaker {
    /// A speaker on `clock` (the one the microphone stamps with); nothing opens until
    /// [`Speaker::play`].
    pub fn new(clock: MonotonicClock) -> Self {
        Self {
            clock,
            playback: None,
        }
    }
}

impl Speaker for CpalSpeaker {
    fn name(&self) -> String {
        self.playback
            .as_ref()
            .map_or_else(|| "default output".into(), |p| p.name().to_string())
    }

    fn play(&mut self, at: Nanos) -> Result<(), WizardError> {
        let make: MakeSource = Box::new(|rate| {
            let train = clicks::train(rate);
            let clip = ClipSource::new("click train".into(), &train, rate, 1, rate)?;
            Ok(Box::new(clip) as Box<dyn Source + Send>)
        });
        let start = Arc::new(SharedStart::default());
        start.set(at);
        let playback = Playback::start(make, start, self.clock).map_err(|e| match e {
            LiveError::Device(m) if m.starts_with("no audio output") => {
                WizardError::NoDevice(format!("{m}: the wizard plays clicks through a speaker"))
            }
            other => WizardError::Device(other),
        })?;
        self.playback = Some(playback);
        Ok(())
    }
}

/// Runs the wizard on the default speaker and the microphone whose name contains `mic` (the
/// default input device if `None`).
pub fn run(mic: Option<&str>) -> Result<Measurement, WizardError> {
    let clock = MonotonicClock::new();
    let mut source = MicSource::open(mic, RATE, clock).map_err(|e| match e {
        LiveError::Device(m) if m.starts_with("no ") => WizardError::NoDevice(format!(
            "{m}: the wizard listens to its clicks through a microphone"
        )),
        other => WizardError::Device(other),
    })?;
    let mut speaker = CpalSpeaker::new(clock);
    let (events, _inbox) = Events::channel();
    let counters = SourceCounters::default();
    let ctx = SourceCtx {
        clock: &clock,
        events: &events,
        counters: &counters,
    };
    measure(&mut speaker, &mut source, &ctx)
}
