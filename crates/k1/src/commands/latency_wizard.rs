//! `k1 latency-wizard`: plays a click train through the default speaker, hears it through the
//! microphone, and prints the audio offset to set (`k1_io::latency`). Without the `audio`
//! feature, or without a speaker or a microphone, it says so and fails.

use std::io::Write;

use anyhow::Context;

/// Runs the wizard with the microphone whose name contains `mic` (the default one if `None`).
pub fn run(mic: Option<&str>) -> anyhow::Result<()> {
    let m = measure(mic)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "speaker {}, microphone {}: the clicks were heard {:.1} ms after they were due \
         (confidence {:.0})",
        m.speaker, m.microphone, m.measured_ms, m.confidence
    )?;
    writeln!(out, "proposed audio offset: {} ms", m.offset_ms)?;
    writeln!(
        out,
        "set it while K1 runs: POST /api/latency {{\"audio_offset_ms\": {}}} (or the web UI's \
         latency section); it is saved with the settings",
        m.offset_ms
    )?;
    Ok(())
}

#[cfg(feature = "audio")]
fn measure(mic: Option<&str>) -> anyhow::Result<k1_io::latency::Measurement> {
    k1_io::messages::note("playing a click train for about 3 s: keep the room quiet");
    k1_io::latency::devices::run(mic).context("the latency wizard")
}

#[cfg(not(feature = "audio"))]
fn measure(_mic: Option<&str>) -> anyhow::Result<k1_io::latency::Measurement> {
    Err(anyhow::anyhow!(
        "this k1 is built without audio devices (the `audio` feature): the wizard needs a \
         speaker and a microphone"
    ))
    .context("the latency wizard")
}
