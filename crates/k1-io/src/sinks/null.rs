//! A sink that drops every frame: for benchmarks and `--sink null`.

use super::{Frame, Sink, SinkError};

/// Takes every frame and does nothing with it (it still counts as written).
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn name(&self) -> &str {
        "null"
    }

    fn write(&mut self, _frame: &Frame) -> Result<(), SinkError> {
        Ok(())
    }
}
