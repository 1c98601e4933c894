//! Non-fatal messages: warnings go to stderr, the run goes on.

/// Prints `k1: warning: {message}` on stderr.
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("k1: warning: {message}");
}

/// Prints `k1: {message}` on stderr (notes that are not problems).
pub fn note(message: impl std::fmt::Display) {
    eprintln!("k1: {message}");
}
