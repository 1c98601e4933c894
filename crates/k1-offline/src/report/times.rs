//! `--beats` and `--onsets`: one time in seconds per line, four decimals.

use std::io::Write;

/// Writes each time on its own line as seconds with four decimals.
pub fn write<W: Write>(mut w: W, times: &[f64]) -> std::io::Result<()> {
    for t in times {
        writeln!(w, "{t:.4}")?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_per_line() {
        let mut out = Vec::new();
        super::write(&mut out, &[0.5, 1.23456]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "0.5000\n1.2346\n");
    }
}
