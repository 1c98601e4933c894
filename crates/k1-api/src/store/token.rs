//! The bearer token that guards state-changing requests when K1 listens beyond this machine:
//! 32 random bytes as hex, generated once and kept in the config directory (mode 0600).

use std::path::Path;

/// The token file's name.
pub const TOKEN_FILE: &str = "token";

/// Reads the token from `dir`, or makes one and saves it. Returns the token and whether it is
/// new (so the caller prints it once).
pub fn load_or_create_token(dir: Option<&Path>) -> std::io::Result<(String, bool)> {
    if let Some(dir) = dir {
        let path = dir.join(TOKEN_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let t = text.trim();
                if t.len() >= 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Ok((t.to_string(), false));
                }
                tracing::warn!("{} is not a valid token; making a new one", path.display());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let token = generate()?;
        k1_io::atomic::write(&path, format!("{token}\n").as_bytes())?;
        restrict(&path)?;
        return Ok((token, true));
    }
    Ok((generate()?, true))
}

fn generate() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let (a, new_a) = load_or_create_token(Some(dir.path())).unwrap();
        let (b, new_b) = load_or_create_token(Some(dir.path())).unwrap();
        assert!(new_a && !new_b);
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        std::fs::write(dir.path().join(TOKEN_FILE), "short").unwrap();
        let (c, new_c) = load_or_create_token(Some(dir.path())).unwrap();
        assert!(new_c && c != a);
    }
}
