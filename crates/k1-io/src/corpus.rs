//! Where the shared audio corpus lives: `$K1_CORPUS`, else `shared/corpus` beside the checkout.

use std::path::PathBuf;

/// The corpus folder if it exists, else the list of places that were tried.
pub fn locate() -> Result<PathBuf, Vec<PathBuf>> {
    let mut tried = Vec::new();
    if let Some(dir) = std::env::var_os("K1_CORPUS") {
        let dir = PathBuf::from(dir);
        if dir.is_dir() {
            return Ok(dir);
        }
        tried.push(dir);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if beside.is_dir() {
        return Ok(std::fs::canonicalize(&beside).unwrap_or(beside));
    }
    tried.push(beside);
    Err(tried)
}
