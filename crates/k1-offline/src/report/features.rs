//! `--features-csv`: one row per hop with the core's per-hop features, written as it runs.
//!
//! Columns: `time, vu, novelty, bpm, confidence, beat_phase`, then `spec_0..spec_63` (one per
//! semitone bin, lowest note first), then `chroma_c, chroma_cs, … chroma_b` (pitch classes from C).
//! `time` is the end of the hop in seconds.

use std::io::Write;

use k1_core::{NUM_BINS, NUM_CHROMA, Snapshot};

/// Names of the twelve pitch-class columns, C first (`s` = sharp).
pub const CHROMA_NAMES: [&str; NUM_CHROMA] = [
    "c", "cs", "d", "ds", "e", "f", "fs", "g", "gs", "a", "as", "b",
];
/// Number of columns: 6 scalars, the spectrum, the chroma.
pub const COLUMNS: usize = 6 + NUM_BINS + NUM_CHROMA;

/// Streams the feature table to `W`, one row per hop.
pub struct FeatureWriter<W: Write> {
    out: W,
    line: String,
}

impl<W: Write> FeatureWriter<W> {
    /// Writes the header line and returns a writer for the rows.
    pub fn new(mut out: W) -> std::io::Result<Self> {
        let mut header = String::from("time,vu,novelty,bpm,confidence,beat_phase");
        for k in 0..NUM_BINS {
            header.push_str(&format!(",spec_{k}"));
        }
        for name in CHROMA_NAMES {
            header.push_str(&format!(",chroma_{name}"));
        }
        debug_assert_eq!(header.split(',').count(), COLUMNS);
        writeln!(out, "{header}")?;
        Ok(Self {
            out,
            line: String::new(),
        })
    }

    /// Writes the row for one hop ending at `time` seconds.
    pub fn row(&mut self, time: f64, s: &Snapshot) -> std::io::Result<()> {
        use std::fmt::Write as _;
        self.line.clear();
        // Writing into a String cannot fail.
        let _ = write!(
            self.line,
            "{time:.4},{:.5},{:.5},{:.2},{:.4},{:.4}",
            s.vu, s.novelty, s.bpm, s.confidence, s.beat_phase
        );
        for v in s.spectrum.iter().chain(s.chroma.iter()) {
            let _ = write!(self.line, ",{v:.5}");
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_rows_have_the_same_width() {
        let mut w = FeatureWriter::new(Vec::new()).unwrap();
        w.row(0.005, &Snapshot::EMPTY).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].split(',').count(), COLUMNS);
        assert_eq!(lines[1].split(',').count(), COLUMNS);
        assert!(lines[0].starts_with("time,vu,novelty,bpm,confidence,beat_phase,spec_0,"));
        assert!(lines[0].ends_with(",spec_63,chroma_c,chroma_cs,chroma_d,chroma_ds,chroma_e,chroma_f,chroma_fs,chroma_g,chroma_gs,chroma_a,chroma_as,chroma_b"));
        assert!(lines[1].starts_with("0.0050,"));
    }
}
