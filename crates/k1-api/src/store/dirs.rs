//! Where the store lives: `--config-dir`, else `$K1_CONFIG_DIR`, else the XDG config directory
//! (`~/.config/k1` on Linux).

use std::path::PathBuf;

/// The environment variable that overrides the config directory (tests, services).
pub const CONFIG_DIR_ENV: &str = "K1_CONFIG_DIR";

/// The default config directory: `$K1_CONFIG_DIR`, else the platform's (XDG on Linux); `None`
/// if there is no home directory to put it in.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "k1").map(|d| d.config_dir().to_path_buf())
}
