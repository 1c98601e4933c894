//! The human summary `k1 analyze` prints without `--json`.

use std::io::Write;

use super::Report;

/// Writes a few aligned lines: file, duration, engine rate, BPM, confidence, beats, onsets.
pub fn write<W: Write>(mut w: W, r: &Report) -> std::io::Result<()> {
    let hop_ms = 1000.0 * r.hop as f64 / f64::from(r.engine_rate.max(1));
    writeln!(w, "file:        {}", r.file)?;
    writeln!(
        w,
        "duration:    {:.3} s ({} Hz, {} ch)",
        r.duration, r.input_rate, r.channels
    )?;
    writeln!(
        w,
        "engine rate: {} Hz, hop {} ({:.1} ms), {} hops",
        r.engine_rate, r.hop, hop_ms, r.hops
    )?;
    match r.bpm {
        Some(bpm) => writeln!(w, "bpm:         {bpm:.1}")?,
        None => writeln!(
            w,
            "bpm:         none (no pulse: the tracker was sure of one in {:.0} % of the hops)",
            100.0 * r.pulse
        )?,
    }
    writeln!(w, "confidence:  {:.2}", r.confidence)?;
    writeln!(w, "beats:       {}", r.beats.len())?;
    writeln!(w, "onsets:      {}", r.onsets.len())?;
    w.flush()
}
