//! Synthetic music (placeholder, being written).
