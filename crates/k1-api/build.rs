//! Rebuilds `k1-api` (and so `k1`) when anything in `web/` changes: the web UI is embedded in the
//! crate (`src/web.rs`), and a file added there must be picked up without a `cargo clean`.

fn main() {
    println!("cargo:rerun-if-changed=../../web");
    println!("cargo:rerun-if-changed=build.rs");
}
