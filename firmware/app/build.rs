//! Links esp-hal's `linkall.x` is passed in `.cargo/config.toml`; this only makes the build
//! rerun when the partition table changes, since the image is checked against it.
fn main() {
    println!("cargo:rerun-if-changed=partitions.csv");
}
