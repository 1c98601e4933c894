// Messages to the user: errors stay until dismissed (or replaced by the same message), notices fade.

const box = () => document.getElementById('toasts');

/** Shows `text` as an error; the same text again bumps a counter instead of stacking. */
export function showError(text) {
  show(text, 'error', 0);
}

/** Shows `text` as a passing notice. */
export function showNotice(text) {
  show(text, 'notice', 3500);
}

function show(text, kind, ttl) {
  const host = box();
  if (!host) return;
  for (const el of host.children) {
    if (el.dataset.text === text) {
      const n = Number(el.dataset.count || 1) + 1;
      el.dataset.count = String(n);
      el.querySelector('.count').textContent = `×${n}`;
      host.appendChild(el);
      return;
    }
  }
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.dataset.text = text;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const msg = document.createElement('span');
  msg.className = 'msg';
  msg.textContent = text;
  const count = document.createElement('span');
  count.className = 'count';
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  close.addEventListener('click', () => el.remove());
  el.append(msg, count, close);
  host.appendChild(el);
  while (host.children.length > 5) host.firstElementChild.remove();
  if (ttl > 0) setTimeout(() => el.remove(), ttl);
}
