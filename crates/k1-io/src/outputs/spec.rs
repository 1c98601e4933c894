//! A checked output: where it sends, what part of the frame, how often.

use serde::Serialize;

/// A span of LEDs of the frame, `start..end` (LED 0 is the frame's first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LedRange {
    /// First LED sent.
    pub start: usize,
    /// One past the last LED sent.
    pub end: usize,
}

impl LedRange {
    /// LEDs in the span.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True if the span has no LEDs (the audio-sync sender's, which sends no frame).
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// How E1.31 reaches its receivers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum E131Dest {
    /// One receiver, by host name or address.
    Unicast(String, u16),
    /// Each universe to its multicast group 239.255.hi.lo, on this port.
    Multicast(u16),
}

/// The protocol and its own options.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// DDP to a host.
    Ddp {
        /// Host name or address.
        host: String,
        /// UDP port.
        port: u16,
    },
    /// E1.31 / sACN.
    E131 {
        /// Unicast or multicast.
        dest: E131Dest,
        /// First universe (1–63999); 170 pixels each, consecutive.
        universe: u16,
        /// 0–200.
        priority: u8,
        /// The source name receivers show.
        source: String,
        /// Synchronisation universe, if any.
        sync: Option<u16>,
        /// A fixed CID; `None` derives one from the machine and the URL, stable across restarts.
        cid: Option<[u8; 16]>,
    },
    /// Art-Net ArtDmx.
    ArtNet {
        /// Host name or address.
        host: String,
        /// UDP port.
        port: u16,
        /// First 15-bit port address; consecutive for more than 170 pixels.
        address: u16,
        /// Send ArtSync after each frame.
        sync: bool,
    },
    /// WLED realtime UDP (DRGB, DNRGB).
    Wled {
        /// Host name or address.
        host: String,
        /// UDP port.
        port: u16,
        /// Seconds WLED keeps realtime mode after the last packet (255 = forever).
        timeout: u8,
    },
    /// Open Pixel Control over TCP.
    Opc {
        /// Host name or address.
        host: String,
        /// TCP port.
        port: u16,
        /// OPC channel (0 = all).
        channel: u8,
    },
    /// Adalight over a serial port.
    Serial {
        /// Device path.
        path: String,
        /// Baud rate.
        baud: u32,
    },
    /// WLED audio sync (the analysis, not the frame).
    WledSync {
        /// Host or multicast group.
        host: String,
        /// UDP port.
        port: u16,
    },
}

impl Target {
    /// The URL scheme, which is also the kind's name in the status.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Ddp { .. } => "ddp",
            Target::E131 { .. } => "e131",
            Target::ArtNet { .. } => "artnet",
            Target::Wled { .. } => "wled",
            Target::Opc { .. } => "opc",
            Target::Serial { .. } => "serial",
            Target::WledSync { .. } => "wled-sync",
        }
    }
}

/// Makes the outputs' names unique, in order: a name an earlier output already has gets the
/// first free ` #2`, ` #3`, … after it (two outputs to one receiver, or one `name=` given twice).
pub fn unique_names(specs: &mut [OutputSpec]) {
    let mut taken = std::collections::HashSet::new();
    for spec in specs {
        if !taken.insert(spec.name.clone()) {
            let free = (2..)
                .map(|n| format!("{} #{n}", spec.name))
                .find(|candidate| !taken.contains(candidate))
                .unwrap_or_default();
            taken.insert(free.clone());
            spec.name = free;
        }
    }
}

/// One output, checked and ready to build.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputSpec {
    /// The URL as given.
    pub url: String,
    /// A name for messages and the status.
    pub name: String,
    /// Where and how.
    pub target: Target,
    /// The LEDs sent (`None`: the whole frame).
    pub leds: Option<LedRange>,
    /// Most frames per second (`None`: every frame).
    pub fps: Option<f64>,
    /// How long each frame is held before it is sent, ms (`delay=`, 0..=1000): latency
    /// compensation for a controller that shows frames sooner than the others. `None` when the
    /// URL gives none (no delay, or the one saved over the API).
    pub delay_ms: Option<u32>,
}

impl OutputSpec {
    /// The LED span for a frame of `total` LEDs, or a message if it does not fit.
    pub fn range_for(&self, total: usize) -> Result<LedRange, String> {
        match self.leds {
            None => Ok(LedRange {
                start: 0,
                end: total,
            }),
            Some(r) if r.end <= total => Ok(r),
            Some(r) => Err(format!(
                "leds={}-{} reaches past the frame's {total} LEDs (0-{})",
                r.start,
                r.end - 1,
                total.saturating_sub(1)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_get_a_number() {
        let mut specs: Vec<OutputSpec> = [
            "opc://127.0.0.1",
            "opc://127.0.0.1?leds=0-9",
            "opc://127.0.0.1:7891",
            "ddp://a?name=porch",
            "ddp://b?name=porch",
            "ddp://c",
        ]
        .iter()
        .map(|u| super::super::parse(u).unwrap())
        .collect();
        // A name that looks like a numbered one is taken too.
        specs[5].name = "porch #2".into();
        unique_names(&mut specs);
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "opc:127.0.0.1:7890",
                "opc:127.0.0.1:7890 #2",
                "opc:127.0.0.1:7891",
                "porch",
                "porch #2",
                "porch #2 #2",
            ]
        );
    }
}
