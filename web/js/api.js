// HTTP to the K1 API: JSON in and out, the bearer token in LAN mode, and errors as ApiError.
//
// Every route is same-origin (the UI is served by the k1 binary it controls). When the server
// answers 401, the user is asked for the token once; it is kept in localStorage and the request
// is retried with it. Several requests that hit 401 together share one prompt.

const TOKEN_KEY = 'k1.token';

/** An error reply from the API (or a failed fetch), with the server's `{error, field, message}`. */
export class ApiError extends Error {
  constructor(method, path, status, body) {
    const detail = describe(body) || (status ? `HTTP ${status} (not a K1 API reply)` : 'no reply');
    super(`${method} ${path}: ${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.field = body && typeof body === 'object' ? body.field : undefined;
  }
}

function describe(body) {
  if (!body) return '';
  if (typeof body === 'string') {
    // A proxy's or another server's HTML page says nothing useful here: the status does.
    if (/^\s*</.test(body)) return '';
    return body.slice(0, 300);
  }
  const parts = [];
  if (body.field) parts.push(body.field);
  if (body.message) parts.push(body.message);
  else if (body.error) parts.push(body.error);
  return parts.join(': ');
}

/** The token: the stored one, or one given in this page if storage is unavailable; else null. */
export function token() {
  try {
    return localStorage.getItem(TOKEN_KEY) || memoryToken;
  } catch {
    return memoryToken;
  }
}

function storeToken(value) {
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode without storage: the token lives for this page only.
  }
  memoryToken = value;
  if (value) window.dispatchEvent(new CustomEvent('k1-token'));
}

let memoryToken = null;
let asking = null;

/** Asks the user for the token (one dialog however many requests wait); resolves to it or null. */
function askToken(rejected) {
  if (asking) return asking;
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  const error = document.getElementById('token-error');
  if (!dialog || typeof dialog.showModal !== 'function') return Promise.resolve(null);
  error.hidden = !rejected;
  error.textContent = rejected ? 'That token was not accepted.' : '';
  input.value = '';
  asking = new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        asking = null;
        const value = dialog.returnValue === 'ok' ? input.value.trim() : '';
        if (value) storeToken(value);
        resolve(value || null);
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
  return asking;
}

/**
 * Sends one request and returns the parsed reply (JSON, or text for non-JSON replies).
 * @param {string} method
 * @param {string} path
 * @param {any} [body] sent as JSON when given.
 * @param {{signal?: AbortSignal}} [opts]
 */
export async function request(method, path, body, opts = {}) {
  let prompted = false;
  for (;;) {
    const headers = { Accept: 'application/json' };
    const t = token();
    if (t) headers.Authorization = `Bearer ${t}`;
    const init = { method, headers, signal: opts.signal, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new ApiError(method, path, 0, { message: `cannot reach K1 (${e && e.message ? e.message : e})` });
    }
    const reply = await parse(res);
    if (res.status === 401 && !prompted) {
      prompted = true;
      if (t) storeToken(null);
      const fresh = await askToken(Boolean(t));
      if (fresh) continue;
    }
    if (!res.ok) throw new ApiError(method, path, res.status, reply);
    return reply;
  }
}

async function parse(res) {
  const text = await res.text();
  if (!text) return null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body = {}) => request('POST', path, body);
export const del = (path) => request('DELETE', path);
