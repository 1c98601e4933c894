//! `--json`: the whole [`Report`] as one JSON object.

use std::io::Write;

use super::Report;

/// Writes `report` as one JSON object followed by a newline.
pub fn write<W: Write>(mut w: W, report: &Report) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut w, report)?;
    writeln!(w)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_promised_fields() {
        let report = Report {
            file: "x.wav".into(),
            duration: 1.5,
            decoded_seconds: 1.5,
            input_rate: 44_100,
            channels: 2,
            engine_rate: 12_800,
            hop: 64,
            hops: 300,
            bpm: Some(120.0),
            confidence: 0.5,
            pulse: 0.9,
            beats: vec![0.5, 1.0],
            onsets: vec![0.25],
            non_finite_samples: 0,
            skipped_packets: 0,
            damaged_pages: 0,
            truncated: false,
        };
        let mut out = Vec::new();
        write(&mut out, &report).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for key in [
            "bpm",
            "confidence",
            "beats",
            "onsets",
            "duration",
            "engine_rate",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["beats"][1], 1.0);
        let none = Report {
            bpm: None,
            ..report
        };
        let mut out = Vec::new();
        write(&mut out, &none).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(v["bpm"].is_null(), "{v}");
    }
}
