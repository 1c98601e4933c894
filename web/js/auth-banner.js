// The warning banner for `k1 run --auth none`: K1 is on the network with no access token, so
// anyone who can reach it may change its settings. Shown at the top of the page when
// GET /api/device/info says `"auth": "none"`; nothing otherwise. Self-contained: index.html
// loads it as a module of its own.

/** Asks the server how it authorises requests and shows the banner if it does not. */
export async function showAuthWarning(root = document.body) {
  let info;
  try {
    const r = await fetch('/api/device/info', { cache: 'no-store' });
    if (!r.ok) return false;
    info = await r.json();
  } catch {
    return false;
  }
  if (!info || info.auth !== 'none' || document.getElementById('auth-warning')) return false;
  const banner = document.createElement('p');
  banner.id = 'auth-warning';
  banner.className = 'auth-warning';
  banner.setAttribute('role', 'alert');
  const strong = document.createElement('strong');
  strong.textContent = 'No access token. ';
  banner.append(
    strong,
    `Anyone who can reach ${location.host} can change this K1's settings (it was started with --auth none). ` +
      'Use this only on a network you trust.',
  );
  root.prepend(banner);
  return true;
}

showAuthWarning();
