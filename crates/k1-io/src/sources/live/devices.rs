//! The capture devices: what is plugged in ([`InputDevices::list`]) and opening one by name
//! ([`InputDevices::open`]). The source factory and the API reach the sound system only through
//! this trait, so tests replace it with a fixed list ([`FakeInputs`]) and need no sound card.
//!
//! A device is named as `mic:NAME` takes it: [`find`] picks the device whose name is `NAME`
//! (ignoring case), else the first whose name contains it, so the names this list reports always
//! choose their own device even when one name is part of another.

use std::sync::{Arc, Mutex};

use super::{HopRead, HopTiming, IDLE_MAX, LiveError, LiveSource, SourceCtx};
use crate::clock::{MonotonicClock, Nanos, samples_nanos, sleep_towards};

/// The sample rates a device is checked for (the usual ones; a device's range may hold others).
pub const COMMON_RATES: [u32; 9] = [
    8_000, 16_000, 22_050, 32_000, 44_100, 48_000, 88_200, 96_000, 192_000,
];

/// One capture device as the sound system describes it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InputDevice {
    /// Its name (what `mic:NAME` matches).
    pub name: String,
    /// True for the system's default input (what plain `mic` opens).
    pub is_default: bool,
    /// The [`COMMON_RATES`] it can capture at, Hz, ascending.
    pub rates: Vec<u32>,
    /// The rate it runs at unless asked otherwise, Hz (`None` where it does not say).
    pub default_rate: Option<u32>,
    /// The most channels it offers.
    pub channels: u16,
}

/// The sound system's capture devices. See the module doc.
pub trait InputDevices: Send + Sync + std::fmt::Debug {
    /// Whether this build can capture at all (false without the `audio` feature).
    fn available(&self) -> bool {
        true
    }

    /// The devices plugged in now. Blocks while the sound system probes them (tens of ms), so
    /// async callers run it on a blocking worker.
    fn list(&self) -> Result<Vec<InputDevice>, LiveError>;

    /// Opens the default device (`name` = `None`) or the one [`find`] picks, capturing at
    /// `rate` (resampled if the device cannot). A device that is not there is an error that
    /// says which ones are.
    fn open(
        &self,
        name: Option<&str>,
        rate: u32,
        clock: MonotonicClock,
    ) -> Result<OpenedInput, LiveError>;
}

/// A capture device, open and capturing.
pub struct OpenedInput {
    /// Its hops at the engine rate.
    pub source: Box<dyn LiveSource + Send>,
    /// The rate the device itself runs at, Hz (resampled when it is not the engine's).
    pub device_rate: u32,
}

/// The device `pattern` names in `devices`: the one called exactly that (ignoring case), else
/// the first whose name contains it; `None` if no name matches.
pub fn find<'a>(devices: &'a [InputDevice], pattern: &str) -> Option<&'a InputDevice> {
    let wanted = pattern.trim().to_lowercase();
    devices
        .iter()
        .find(|d| d.name.to_lowercase() == wanted)
        .or_else(|| {
            devices
                .iter()
                .find(|d| d.name.to_lowercase().contains(&wanted))
        })
}

/// The error for a device that is not plugged in, naming those that are.
pub fn not_found<'a>(pattern: &str, names: impl IntoIterator<Item = &'a str>) -> LiveError {
    let names: Vec<&str> = names.into_iter().collect();
    LiveError::Device(format!(
        "no input device matches \"{pattern}\" (found: {})",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    ))
}

/// The real devices, through cpal (feature `audio`).
#[cfg(feature = "audio")]
#[derive(Debug, Default)]
pub struct CpalInputs;

#[cfg(feature = "audio")]
impl InputDevices for CpalInputs {
    fn list(&self) -> Result<Vec<InputDevice>, LiveError> {
        super::mic::list_devices()
    }

    fn open(
        &self,
        name: Option<&str>,
        rate: u32,
        clock: MonotonicClock,
    ) -> Result<OpenedInput, LiveError> {
        let mic = super::mic::MicSource::open(name, rate, clock)?;
        Ok(OpenedInput {
            device_rate: mic.device_rate(),
            source: Box::new(mic),
        })
    }
}

/// No devices: a build without the `audio` feature.
#[derive(Debug, Default)]
pub struct NoInputs;

impl InputDevices for NoInputs {
    fn available(&self) -> bool {
        false
    }

    fn list(&self) -> Result<Vec<InputDevice>, LiveError> {
        Err(no_audio())
    }

    fn open(
        &self,
        _name: Option<&str>,
        _rate: u32,
        _clock: MonotonicClock,
    ) -> Result<OpenedInput, LiveError> {
        Err(no_audio())
    }
}

fn no_audio() -> LiveError {
    LiveError::Device(
        "this k1 was built without the `audio` feature, so it has no microphone input".into(),
    )
}

/// The devices of this build: cpal's with the `audio` feature, none without.
pub fn system() -> &'static dyn InputDevices {
    #[cfg(feature = "audio")]
    {
        static CPAL: CpalInputs = CpalInputs;
        &CPAL
    }
    #[cfg(not(feature = "audio"))]
    {
        static NONE: NoInputs = NoInputs;
        &NONE
    }
}

/// The environment variable that replaces the sound system's devices with a fixed list of fake
/// ones, for the browser tests (which run a real `k1` on machines without a sound card): device
/// names separated by `;`, the first one the default. Each captures silence.
pub const FAKE_ENV: &str = "K1_FAKE_INPUTS";

/// [`system`], unless [`FAKE_ENV`] names fake devices (then those, and a note saying so).
pub fn from_env() -> (&'static dyn InputDevices, Option<String>) {
    let Some(list) = std::env::var(FAKE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return (system(), None);
    };
    let devices: Vec<InputDevice> = list
        .split(';')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .enumerate()
        .map(|(i, name)| InputDevice {
            name: name.to_string(),
            is_default: i == 0,
            rates: vec![44_100, 48_000],
            default_rate: Some(48_000),
            channels: 2,
        })
        .collect();
    let note = format!(
        "{FAKE_ENV} is set: the input devices are fake ones that capture silence ({})",
        devices
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    (FakeInputs::leak(devices), Some(note))
}

/// A fixed, changeable list of devices for tests: opening one gives a source of silence paced
/// at the engine rate; unplugging one ([`FakeInputs::set`] without it) makes opening it fail and
/// its running sources fail on their next hop, as a real device does.
#[derive(Debug, Default)]
pub struct FakeInputs {
    devices: Arc<Mutex<Vec<InputDevice>>>,
}

impl FakeInputs {
    /// A fake system with `devices` plugged in.
    pub fn new(devices: Vec<InputDevice>) -> Self {
        Self {
            devices: Arc::new(Mutex::new(devices)),
        }
    }

    /// Leaked, for a [`crate::sources::SourceFactory`], which holds its devices for the whole run.
    pub fn leak(devices: Vec<InputDevice>) -> &'static FakeInputs {
        Box::leak(Box::new(Self::new(devices)))
    }

    /// Replaces the devices plugged in.
    pub fn set(&self, devices: Vec<InputDevice>) {
        *lock(&self.devices) = devices;
    }
}

fn lock(devices: &Mutex<Vec<InputDevice>>) -> std::sync::MutexGuard<'_, Vec<InputDevice>> {
    devices.lock().unwrap_or_else(|p| p.into_inner())
}

impl InputDevices for FakeInputs {
    fn list(&self) -> Result<Vec<InputDevice>, LiveError> {
        Ok(lock(&self.devices).clone())
    }

    fn open(
        &self,
        name: Option<&str>,
        rate: u32,
        _clock: MonotonicClock,
    ) -> Result<OpenedInput, LiveError> {
        let devices = lock(&self.devices).clone();
        let device = match name {
            None => devices.iter().find(|d| d.is_default),
            Some(pattern) => find(&devices, pattern),
        };
        let Some(device) = device else {
            return Err(match name {
                None => LiveError::Device("no default input device".into()),
                Some(pattern) => not_found(pattern, devices.iter().map(|d| d.name.as_str())),
            });
        };
        Ok(OpenedInput {
            source: Box::new(FakeMic {
                name: device.name.clone(),
                devices: Arc::clone(&self.devices),
                rate: rate.max(1),
                next: None,
            }),
            device_rate: rate,
        })
    }
}

/// A fake device's capture: silent hops at the engine's pace, until its device is unplugged.
struct FakeMic {
    name: String,
    devices: Arc<Mutex<Vec<InputDevice>>>,
    rate: u32,
    /// When the next hop is due, on the engine clock (set by the first call).
    next: Option<Nanos>,
}

impl LiveSource for FakeMic {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_hop(&mut self, hop: &mut [f32], ctx: &SourceCtx<'_>) -> Result<HopRead, LiveError> {
        if !lock(&self.devices).iter().any(|d| d.name == self.name) {
            return Err(LiveError::Device(format!(
                "\"{}\" was unplugged",
                self.name
            )));
        }
        let due = *self.next.get_or_insert_with(|| ctx.clock.now());
        if !sleep_towards(ctx.clock, due, IDLE_MAX) {
            return Ok(HopRead::Idle);
        }
        self.next = Some(due + samples_nanos(hop.len() as u64, self.rate));
        hop.fill(0.0);
        Ok(HopRead::Ready(HopTiming {
            captured: due,
            available: due,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, VirtualClock};
    use crate::sources::live::TestCtx;
    use crate::sources::{OpenError, SourceFactory, SourceSpec};

    fn device(name: &str, is_default: bool) -> InputDevice {
        InputDevice {
            name: name.into(),
            is_default,
            rates: vec![48_000],
            default_rate: Some(48_000),
            channels: 1,
        }
    }

    fn factory(inputs: &'static FakeInputs) -> SourceFactory {
        SourceFactory {
            rate: 12_800,
            hop: 64,
            lowest_note: 33,
            playback: false,
            clock: MonotonicClock::new(),
            inputs,
        }
    }

    #[test]
    fn a_name_picks_its_own_device_before_one_that_contains_it() {
        let list = [device("USB Mic Pro", false), device("usb mic", true)];
        assert_eq!(find(&list, "USB MIC").unwrap().name, "usb mic");
        assert_eq!(find(&list, "pro").unwrap().name, "USB Mic Pro");
        assert!(find(&list, "ghost").is_none());
        let e = not_found("ghost", list.iter().map(|d| d.name.as_str())).to_string();
        assert_eq!(
            e,
            "no input device matches \"ghost\" (found: USB Mic Pro, usb mic)"
        );
        assert!(not_found("x", []).to_string().ends_with("(found: none)"));
    }

    #[test]
    fn a_missing_device_is_not_found_and_a_build_without_audio_says_so() {
        let f = factory(FakeInputs::leak(vec![device("USB Mic", true)]));
        let e = f
            .open(&SourceSpec::Mic(Some("Ghost".into())))
            .err()
            .unwrap();
        assert!(e.is_not_found(), "{e}");
        assert!(e.to_string().contains("found: USB Mic"), "{e}");
        static NONE: NoInputs = NoInputs;
        let f = SourceFactory {
            inputs: &NONE,
            ..factory(FakeInputs::leak(Vec::new()))
        };
        assert!(matches!(
            f.open(&SourceSpec::Mic(None)),
            Err(OpenError::NoAudio)
        ));
    }

    /// A device unplugged while in use: the source warns, counts an error and goes on returning
    /// `Idle` within `IDLE_MAX` (the audio loop never stalls) while it retries; plugged back in,
    /// it delivers hops again after its backoff. All on virtual time.
    #[test]
    fn an_unplugged_device_is_retried_without_stalling_and_comes_back() {
        let inputs = FakeInputs::leak(vec![device("USB Mic", false), device("Built-in", true)]);
        let opened = factory(inputs)
            .open(&SourceSpec::Mic(Some("USB Mic".into())))
            .unwrap();
        assert_eq!(opened.name, "microphone \"USB Mic\"");
        let mut source = (opened.install)().unwrap();
        let t = TestCtx::new(VirtualClock::default());
        let mut hop = vec![1.0f32; 64];
        let ready = |r: HopRead| matches!(r, HopRead::Ready(_));
        // Hops at the engine's pace: 64 samples at 12.8 kHz, one per 5 ms.
        for _ in 0..20 {
            while !ready(source.next_hop(&mut hop, &t.ctx()).unwrap()) {}
        }
        assert_eq!(t.clock.now(), 95_000_000, "the 20th hop is due at 95 ms");
        assert!(hop.iter().all(|s| *s == 0.0));

        inputs.set(vec![device("Built-in", true)]);
        let unplugged_at = t.clock.now();
        for _ in 0..200 {
            let before = t.clock.now();
            let read = source.next_hop(&mut hop, &t.ctx()).unwrap();
            assert_eq!(read, HopRead::Idle);
            let waited = t.clock.now() - before;
            assert!(waited <= 20_000_000, "a call waited {waited} ns");
        }
        assert!(
            t.clock.now() - unplugged_at >= 1_000_000_000,
            "retried for a while"
        );
        assert!(t.counters.errors.load(std::sync::atomic::Ordering::Relaxed) >= 2);
        let warning = t.inbox.try_iter().find_map(|e| match e {
            crate::events::Event::Warning(m) => Some(m),
            _ => None,
        });
        assert!(
            warning
                .as_deref()
                .is_some_and(|m| m.contains("\"USB Mic\" was unplugged")),
            "{warning:?}"
        );

        inputs.set(vec![device("USB Mic", false)]);
        let mut back = false;
        for _ in 0..2000 {
            if ready(source.next_hop(&mut hop, &t.ctx()).unwrap()) {
                back = true;
                break;
            }
        }
        assert!(back, "hops again once plugged back in");
    }
}
