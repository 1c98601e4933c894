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
    if r.bpm > 0.0 {
        writeln!(w, "bpm:         {:.1}", r.bpm)?;
    } else {
        writeln!(w, "bpm:         none (the tracker never settled)")?;
    }
    writeln!(w, "confidence:  {:.2}", r.confidence)?;
    writeln!(w, "beats:       {}", r.beats.len())?;
    writeln!(w, "onsets:      {}", r.onsets.len())?;
    w.flush()
}
