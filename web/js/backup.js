// Backup and restore: download GET /api/config/backup as a file; upload one to
// POST /api/config/restore.

import { get, post } from './api.js';
import { showError, showNotice } from './toast.js';

export function initBackup({ button, file, state }, onRestored) {
  button.addEventListener('click', async () => {
    try {
      const backup = await get('/api/config/backup');
      const text = typeof backup === 'string' ? backup : JSON.stringify(backup, null, 2);
      const blob = new Blob([text], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `k1-backup-${stamp()}.json`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      state.textContent = `Downloaded ${a.download} (${blob.size} bytes).`;
    } catch (e) {
      showError(e.message);
    }
  });

  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    file.value = '';
    if (!f) return;
    let body;
    try {
      body = JSON.parse(await f.text());
    } catch (e) {
      showError(`${f.name} is not a K1 backup: it is not JSON (${e.message})`);
      return;
    }
    try {
      const reply = await post('/api/config/restore', body);
      const warn = reply && reply.warning ? ` ${reply.warning}` : '';
      state.textContent = `Restored from ${f.name}.${warn}`;
      showNotice('Backup restored');
      onRestored();
    } catch (e) {
      showError(e.message);
    }
  });
}

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
