//! [`SourceFactory`]: the one place that turns a [`SourceSpec`] into a running live source,
//! shared by `k1 run`'s start and the API's source switch, so both validate the same way and say
//! the same thing.
//!
//! Everything that can block (a file's decoder start, a device or port open, the speakers'
//! stream) happens in [`SourceFactory::open`], on the caller's thread. What it returns,
//! [`Opened::install`], only wraps the already open source, so the audio thread can call it
//! between two hops without waiting.

use std::sync::Arc;

use super::live::devices::InputDevices;
use super::live::{
    LiveError, LiveSource, Paced, PcmSource, Reconnecting, SOURCE_BACKOFF, SharedStart,
    WledSyncSource,
};
use super::spec::SourceSpec;
use super::{ClipSource, FileSource, SourceError};
use crate::clock::{MonotonicClock, Nanos};

/// How long a paced stream waits before its first hop when playback is on, so the speakers'
/// buffer is full and the first sound and the first light coincide.
pub const PLAYBACK_LEAD_NS: Nanos = 250_000_000;

/// Turns an opened source into the boxed live source the audio loop reads. Called on the audio
/// thread (the source need not be `Send` once installed); it never blocks.
pub type Install = Box<dyn FnOnce() -> Result<Box<dyn LiveSource>, LiveError> + Send>;

/// The speakers' stream that plays a file or the demo in step with the light; dropping it stops
/// playback.
#[cfg(feature = "audio")]
pub type Playback = super::live::playback::Playback;

/// Without the `audio` feature there is no playback: this type has no values.
#[cfg(not(feature = "audio"))]
#[derive(Debug)]
pub enum Playback {}

#[cfg(not(feature = "audio"))]
impl Playback {
    /// Output frames that had no audio ready (never called: there is no value).
    pub fn underruns(&self) -> u64 {
        match *self {}
    }
}

/// What the factory needs to know about the engine.
#[derive(Clone, Copy, Debug)]
pub struct SourceFactory {
    /// The engine's sample rate, Hz.
    pub rate: u32,
    /// Samples per hop.
    pub hop: usize,
    /// The MIDI note of the analyser's lowest bin (WLED sync resynthesises onto the bins).
    pub lowest_note: u8,
    /// Play files and the demo through the speakers.
    pub playback: bool,
    /// The engine clock (capture and playback timestamps).
    pub clock: MonotonicClock,
    /// The capture devices (`super::live::devices::system()`; tests give a fake list).
    pub inputs: &'static dyn InputDevices,
}

/// An open source, ready to hand to the audio thread.
pub struct Opened {
    /// Wraps the open source for the audio loop; see [`Install`].
    pub install: Install,
    /// A name for humans: `demo loop (120 BPM)`, a file path, `microphone "USB Audio"`.
    pub name: String,
    /// What was opened.
    pub spec: SourceSpec,
    /// The playback stream, when one was started (files and the demo, playback on, an output
    /// device present).
    pub playback: Option<Playback>,
    /// Things worth telling the user (the output device used, or why there is none; a
    /// microphone's rate).
    pub notes: Vec<String>,
}

/// Why a source could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file does not exist, or no input device matches (the API answers 404).
    #[error("{0}")]
    NotFound(String),
    /// Stdin is read once, at the start.
    #[error("stdin (-) cannot be opened again while K1 runs; restart it with --input -")]
    Stdin,
    /// Built without the `audio` feature (only made in such a build).
    #[cfg_attr(feature = "audio", allow(dead_code))]
    #[error("this k1 was built without the `audio` feature, so it has no microphone input")]
    NoAudio,
    /// The file is not audio that can be decoded.
    #[error(transparent)]
    File(#[from] SourceError),
    /// The source could not start (a port in use, a device that refused).
    #[error(transparent)]
    Live(#[from] LiveError),
}

impl OpenError {
    /// True when what was named does not exist (a missing file or device).
    pub fn is_not_found(&self) -> bool {
        match self {
            OpenError::NotFound(_) => true,
            OpenError::File(SourceError::Open { err, .. }) => {
                err.kind() == std::io::ErrorKind::NotFound
            }
            _ => false,
        }
    }
}

/// Makes the playback's copy of a file or the demo at the output device's rate.
type MakeAtRate = Box<dyn FnOnce(u32) -> Result<Box<dyn super::Source + Send>, SourceError>>;

impl SourceFactory {
    /// Opens `spec`: decodes a file's start, opens a device or a port, reads stdin, and starts
    /// playback for a file or the demo (unless turned off; no output device is a note, not an
    /// error).
    pub fn open(&self, spec: &SourceSpec) -> Result<Opened, OpenError> {
        let mut notes = Vec::new();
        let mut playback = None;
        let (install, name) = match spec {
            SourceSpec::Demo => {
                let name = format!("demo loop ({} BPM)", k1_synth::DEMO_BPM);
                let clip = ClipSource::demo(self.rate, u32::MAX)?;
                let make: MakeAtRate =
                    Box::new(|r| Ok(Box::new(ClipSource::demo(r, u32::MAX)?) as _));
                let install;
                (install, playback) = self.paced(Box::new(clip), &name, make, &mut notes);
                (install, name)
            }
            SourceSpec::File(path) => {
                let name = path.display().to_string();
                let file = FileSource::open(path, self.rate).map_err(|e| match e {
                    SourceError::Open { err, .. } if err.kind() == std::io::ErrorKind::NotFound => {
                        OpenError::NotFound(format!("{}: no such file", path.display()))
                    }
                    other => OpenError::File(other),
                })?;
                let again = path.clone();
                let make: MakeAtRate =
                    Box::new(move |r| Ok(Box::new(FileSource::open(&again, r)?) as _));
                let install;
                (install, playback) = self.paced(Box::new(file), &name, make, &mut notes);
                (install, name)
            }
            SourceSpec::Stdin(layout) => {
                let name = "stdin".to_string();
                let pcm = PcmSource::spawn(std::io::stdin(), *layout, name.clone(), self.rate)?;
                let install: Install = Box::new(move || Ok(Box::new(pcm) as Box<dyn LiveSource>));
                (install, name)
            }
            SourceSpec::Mic(device) => self.open_mic(device.clone(), &mut notes)?,
            SourceSpec::WledSync(port) => {
                let source = WledSyncSource::open(*port, self.rate, self.lowest_note)?;
                let name = source.name().to_string();
                let install: Install =
                    Box::new(move || Ok(Box::new(source) as Box<dyn LiveSource>));
                (install, name)
            }
        };
        Ok(Opened {
            install,
            name,
            spec: spec.clone(),
            playback,
            notes,
        })
    }

    /// Paces an offline source at real time and starts its playback (`make` decodes it again at
    /// the device's rate). With playback, the stream begins [`PLAYBACK_LEAD_NS`] after its first
    /// hop is asked for and shares that moment with the speakers, which play silence until then.
    fn paced(
        &self,
        source: Box<dyn super::Source + Send>,
        name: &str,
        make: MakeAtRate,
        notes: &mut Vec<String>,
    ) -> (Install, Option<Playback>) {
        let start = Arc::new(SharedStart::default());
        let playback = self.start_playback(make, &start, notes);
        let mut paced = Paced::new(source, name.to_string(), self.rate, self.hop);
        if playback.is_some() {
            paced = paced.with_shared_start(start, PLAYBACK_LEAD_NS);
        }
        let install: Install = Box::new(move || Ok(Box::new(paced) as Box<dyn LiveSource>));
        (install, playback)
    }

    /// Starts playing `make`'s audio on the default output device in step with `start`, unless
    /// playback is off; a missing device is a note and no playback.
    #[cfg(feature = "audio")]
    fn start_playback(
        &self,
        make: MakeAtRate,
        start: &Arc<SharedStart>,
        notes: &mut Vec<String>,
    ) -> Option<Playback> {
        if !self.playback {
            return None;
        }
        let make: super::live::playback::MakeSource =
            Box::new(move |rate| make(rate).map_err(LiveError::from));
        match Playback::start(make, Arc::clone(start), self.clock) {
            Ok(p) => {
                notes.push(format!(
                    "playing through \"{}\" (--no-playback turns it off)",
                    p.name()
                ));
                Some(p)
            }
            Err(e) => {
                notes.push(format!(
                    "no audio output ({e}); continuing without playback"
                ));
                None
            }
        }
    }

    /// Without the `audio` feature there is no playback.
    #[cfg(not(feature = "audio"))]
    fn start_playback(
        &self,
        _make: MakeAtRate,
        _start: &Arc<SharedStart>,
        notes: &mut Vec<String>,
    ) -> Option<Playback> {
        if self.playback {
            notes.push("built without the `audio` feature: no playback".into());
        }
        None
    }

    /// Opens an input device now (so a missing one is reported at once) and wraps it so that it
    /// is reopened with backoff if it fails later (unplugged: the audio loop goes on with no
    /// hops, and the device is back as soon as it is plugged in again).
    fn open_mic(
        &self,
        device: Option<String>,
        notes: &mut Vec<String>,
    ) -> Result<(Install, String), OpenError> {
        let inputs = self.inputs;
        if !inputs.available() {
            return Err(OpenError::NoAudio);
        }
        let (rate, clock) = (self.rate, self.clock);
        let opened = inputs
            .open(device.as_deref(), rate, clock)
            .map_err(|e| OpenError::NotFound(format!("cannot open the microphone: {e}")))?;
        if opened.device_rate != rate {
            notes.push(format!(
                "the microphone runs at {} Hz: resampling to {rate} Hz adds latency",
                opened.device_rate
            ));
        }
        let mic = opened.source;
        let name = format!("microphone \"{}\"", mic.name());
        let label = name.clone();
        let install: Install = Box::new(move || {
            let reopen = move || {
                inputs
                    .open(device.as_deref(), rate, clock)
                    .map(|m| m.source as Box<dyn LiveSource>)
            };
            let first = Some(mic as Box<dyn LiveSource>);
            Ok(
                Box::new(Reconnecting::new(label, first, reopen, SOURCE_BACKOFF))
                    as Box<dyn LiveSource>,
            )
        });
        Ok((install, name))
    }
}
