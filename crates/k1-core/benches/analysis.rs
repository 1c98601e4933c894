//! Analysis speed (being written).
fn main() {}
