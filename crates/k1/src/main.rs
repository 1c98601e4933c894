//! `k1`: K1's host engine and command-line tools.
fn main() {}
