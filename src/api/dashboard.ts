// The dashboard: one self-contained page (inline CSS and vanilla JS, nothing fetched from elsewhere, no build
// step) that the watcher serves at `/`. It reads /api/status, follows /api/events for live progress and
// POSTs with the API token. The page never carries the token itself (anyone who can reach the port could
// read it): it comes in the link `cratesync watch` prints (`#token=…`, a fragment never sent to a server),
// is kept in sessionStorage and dropped from the address bar. The only value interpolated into the HTML is
// the CSP nonce, escaped; everything from the API (playlist names are the user's) reaches the page through textContent or
// attribute setters, never as markup. Elements carry data-testid attributes for browser tests.

export interface DashboardOptions {
  /** The CSP nonce that lets this page's own script and style run. */
  nonce: string;
}

export function dashboardHtml(opts: DashboardOptions): string {
  const nonce = escapeAttr(opts.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>cratesync</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>cratesync</h1>
  <div class="loop">
    <span class="badge" data-testid="loop-state">…</span>
    <span data-testid="loop-reason"></span>
    <span class="muted" data-testid="next-run"></span>
  </div>
  <div class="config" data-testid="config" hidden>
    <span class="muted">library.yaml</span> <code data-testid="config-source"></code>
    <span class="bad" data-testid="config-rejected"></span>
    <span class="bad" data-testid="config-error"></span>
  </div>
  <div class="actions">
    <button type="button" data-testid="reconcile-now">Reconcile now</button>
    <button type="button" data-testid="suspend">Suspend</button>
    <button type="button" data-testid="resume">Resume</button>
  </div>
  <form data-testid="suspend-form" hidden>
    <label>Why suspend? <input data-testid="suspend-reason" maxlength="1000" required autocomplete="off"></label>
    <button type="submit" data-testid="suspend-confirm">Suspend</button>
    <button type="button" data-testid="suspend-cancel">Cancel</button>
  </form>
  <p role="status" data-testid="action-result"></p>
</header>
<main>
  <section>
    <h2>Run in progress</h2>
    <p data-testid="run-idle">No run in progress.</p>
    <div data-testid="run-current" hidden>
      <div><span data-testid="run-title"></span> · <strong data-testid="run-phase"></strong>
        <span data-testid="run-count"></span></div>
      <progress data-testid="run-progress" max="1" value="0"></progress>
      <div class="muted" data-testid="run-message"></div>
    </div>
  </section>
  <section>
    <h2>Playlists</h2>
    <table>
      <thead><tr><th>Name</th><th>Kind</th><th>Sync</th><th>Health</th><th>Why</th><th>Tracks</th></tr></thead>
      <tbody data-testid="playlists"></tbody>
    </table>
    <p class="muted" data-testid="playlists-empty" hidden>No playlists yet.</p>
  </section>
  <section>
    <h2>Recent runs</h2>
    <table>
      <thead><tr><th>#</th><th>Status</th><th>Trigger</th><th>Commit</th><th>Started</th><th>Took</th>
        <th>Applied</th><th>Failed</th><th>Errors</th></tr></thead>
      <tbody data-testid="runs"></tbody>
    </table>
    <p class="muted" data-testid="runs-empty" hidden>No runs yet.</p>
  </section>
  <section>
    <h2>Deduplication</h2>
    <p data-testid="dedupe-savings">…</p>
  </section>
</main>
<footer class="muted"><span data-testid="stream-state">connecting…</span> · <span data-testid="last-updated"></span></footer>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

function escapeAttr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #6e7781; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.loop { display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
.actions, form { margin: .75rem 0; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
button { font: inherit; padding: .3rem .8rem; cursor: pointer; }
button:disabled { cursor: default; opacity: .5; }
input { font: inherit; padding: .25rem .4rem; min-width: 18rem; }
.badge { font-weight: 600; padding: .1rem .55rem; border-radius: 1rem; border: 1px solid currentColor; }
.muted { color: var(--muted); }
.state-idle, .health-healthy, .run-completed, .sync-in_sync { color: var(--ok); }
.state-reconciling, .state-debouncing, .health-progressing, .run-in_progress { color: var(--warn); }
.state-backoff, .state-invalid, .state-stopped, .health-degraded, .run-failed { color: var(--bad); }
.state-suspended { color: var(--muted); }
.config { margin-top: .35rem; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
.bad { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid rgba(127,127,127,.25); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.child td:first-child::before { content: "↳ "; color: var(--muted); }
td.errors ul { margin: 0; padding-left: 1.1rem; }
progress { width: 100%; max-width: 40rem; height: 1rem; }
[role=status].error { color: var(--bad); }
footer { margin-top: 2rem; font-size: .85rem; }
`;

// Plain ES2020 for any current browser; no innerHTML anywhere (a test checks).
const SCRIPT = `
(() => {
  'use strict';
  const TOKEN_KEY = 'cratesync-api-token';
  let token = '';
  const given = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (given) {
    token = decodeURIComponent(given[1]);
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode: kept for this page only */ }
    history.replaceState(null, '', location.pathname + location.search);
  } else {
    try { token = sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { token = ''; }
  }
  const $ = (id) => document.querySelector('[data-testid="' + id + '"]');
  let status = null;
  let live = null;
  let timer = 0;
  let loading = false;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') e.className = v;
      else e.setAttribute(k, String(v));
    }
    for (const c of children) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  // A nested machine state such as reconciling.running is styled as its top state.
  const cls = (prefix, v) => prefix + String(v || 'unknown').split(/[.,]/)[0].replace(/[^a-z0-9_-]/gi, '');
  // Times arrive as ISO strings; epoch milliseconds work too.
  const ms = (t) => (typeof t === 'number' ? t : Date.parse(t));

  function bytes(n) {
    if (!Number.isFinite(n)) return '?';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }
  function time(t) {
    if (t === undefined || t === null || t === '') return '';
    const d = new Date(ms(t));
    return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString();
  }
  function took(from, to) {
    const d = ms(to) - ms(from);
    if (!Number.isFinite(d) || d < 0) return '';
    if (d < 1000) return d + ' ms';
    if (d < 60000) return (d / 1000).toFixed(1) + ' s';
    return Math.floor(d / 60000) + ' min ' + Math.round((d % 60000) / 1000) + ' s';
  }

  function say(text, isError) {
    const p = $('action-result');
    p.textContent = text;
    p.classList.toggle('error', Boolean(isError));
  }

  function renderLoop(loop) {
    const badge = $('loop-state');
    badge.textContent = loop.state;
    badge.className = 'badge ' + cls('state-', loop.state);
    $('loop-reason').textContent = loop.reason || '';
    $('next-run').textContent = loop.nextRunAt ? 'next run ' + time(loop.nextRunAt) : '';
    const suspended = cls('', loop.state) === 'suspended';
    $('suspend').disabled = suspended;
    $('resume').disabled = !suspended;
  }

  // Where library.yaml comes from; from GitHub, the commit in force, a refused commit, and why GitHub
  // cannot be read (the library in force stays meanwhile).
  function renderConfig(c) {
    $('config').hidden = !c;
    if (!c) return;
    $('config-source').textContent = c.source + (c.commit ? ' at ' + c.commit.slice(0, 7) : '');
    $('config-rejected').textContent = c.rejected
      ? 'commit ' + c.rejected.commit.slice(0, 7) + ' not applied: ' + c.rejected.error : '';
    $('config-error').textContent = c.error
      ? c.error.message + ' (since ' + time(c.error.since) + ')' : '';
  }

  function renderRun(run) {
    // Live events are newer than a polled status, unless they belong to another run.
    const p = live && run && (live.eventId === undefined || live.eventId === run.eventId) ? live : run && run.progress;
    $('run-current').hidden = !run;
    $('run-idle').hidden = Boolean(run);
    if (!run) return;
    $('run-title').textContent =
      (run.eventId !== undefined ? 'run #' + run.eventId : 'run') + ' (' + run.trigger + ', started ' + time(run.startedAt) + ')';
    showProgress(p);
  }

  function showProgress(p) {
    const bar = $('run-progress');
    $('run-phase').textContent = p ? p.phase : 'starting';
    $('run-count').textContent = p && p.total ? p.done + ' / ' + p.total : '';
    $('run-message').textContent = (p && p.message) || '';
    if (p && p.total > 0) {
      bar.max = p.total;
      bar.value = Math.min(p.done, p.total);
    } else {
      bar.removeAttribute('value');
    }
  }

  function renderPlaylists(list) {
    const rows = list.map((pl) =>
      el('tr', { 'data-testid': 'playlist-row', 'data-name': pl.name, 'data-kind': pl.kind, class: pl.kind === 'child' ? 'child' : '' },
        el('td', { 'data-testid': 'playlist-name' }, pl.name),
        el('td', { 'data-testid': 'playlist-kind' }, pl.kind),
        el('td', { 'data-testid': 'playlist-sync', class: cls('sync-', pl.syncState) }, pl.syncState),
        el('td', { 'data-testid': 'playlist-health', class: cls('health-', pl.health) }, pl.health),
        el('td', { 'data-testid': 'playlist-reason' }, pl.reason || ''),
        el('td', { class: 'num' }, pl.tracks === undefined ? '' : pl.tracks)));
    $('playlists').replaceChildren(...rows);
    $('playlists-empty').hidden = rows.length > 0;
  }

  function renderRuns(runs) {
    const rows = runs.map((r) => {
      const errors = [r.error].concat(r.errors || []).filter(Boolean);
      return el('tr', { 'data-testid': 'run-row', 'data-run-id': r.id, 'data-status': r.status },
        el('td', { class: 'num' }, r.id),
        el('td', { 'data-testid': 'run-status', class: cls('run-', r.status) }, r.status),
        el('td', {}, r.trigger || ''),
        el('td', { 'data-testid': 'run-commit' }, r.commit ? String(r.commit).slice(0, 7) : ''),
        el('td', {}, time(r.startedAt)),
        el('td', {}, r.finishedAt ? took(r.startedAt, r.finishedAt) : ''),
        el('td', { class: 'num' }, r.actionsApplied === undefined ? '' : r.actionsApplied),
        el('td', { class: 'num' }, r.actionsFailed === undefined ? '' : r.actionsFailed),
        el('td', { 'data-testid': 'run-errors', class: 'errors' },
          errors.length ? el('ul', {}, ...errors.map((e) => el('li', {}, e))) : ''));
    });
    $('runs').replaceChildren(...rows);
    $('runs-empty').hidden = rows.length > 0;
  }

  function renderDedupe(d) {
    $('dedupe-savings').textContent = bytes(d.bytesSaved) + ' saved by ' + d.links + ' links across ' +
      d.sharedTracks + ' shared tracks' + (d.bytesOnDisk !== undefined ? ' (' + bytes(d.bytesOnDisk) + ' on disk)' : '');
  }

  function render(s) {
    renderLoop(s.loop);
    renderConfig(s.config);
    renderRun(s.run);
    renderPlaylists(s.playlists || []);
    renderRuns(s.recentRuns && s.recentRuns.length ? s.recentRuns : s.lastRun ? [s.lastRun] : []);
    renderDedupe(s.dedupe || { bytesSaved: 0, links: 0, sharedTracks: 0 });
    $('last-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  }

  async function refresh() {
    clearTimeout(timer);
    if (!loading) {
      loading = true;
      try {
        const res = await fetch('/api/status', { cache: 'no-store' });
        if (!res.ok) throw new Error((await res.json()).error || res.statusText);
        status = await res.json();
        if (!status.run) live = null;
        render(status);
      } catch (err) {
        $('last-updated').textContent = 'cannot reach the watcher: ' + err.message;
      } finally {
        loading = false;
      }
    }
    timer = setTimeout(refresh, status && status.run ? 1000 : 5000);
  }
  function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  async function post(path, body) {
    if (!token)
      throw new Error('no API token: open the dashboard link that cratesync watch printed, or add #token=… (from .cratesync/api-token) to this address');
    const res = await fetch(path, {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    const data = await res.json().catch(() => ({}));
    if (res.status === 403 && data.error === 'wrong API token') {
      try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing kept */ }
      token = '';
      throw new Error('the watcher has restarted with a new token: open the link it printed');
    }
    if (!res.ok) throw new Error(data.error || res.status + ' ' + res.statusText);
    return data;
  }
  async function act(button, fn) {
    button.disabled = true;
    try {
      say(await fn(), false);
    } catch (err) {
      say(err.message, true);
    } finally {
      button.disabled = false;
      refreshSoon();
    }
  }

  $('reconcile-now').addEventListener('click', (ev) =>
    act(ev.currentTarget, async () => 'run requested (sync event #' + (await post('/api/reconcile')).eventId + ')'));
  $('suspend').addEventListener('click', () => {
    $('suspend-form').hidden = false;
    $('suspend-reason').focus();
  });
  $('suspend-cancel').addEventListener('click', () => { $('suspend-form').hidden = true; });
  $('suspend-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const reason = $('suspend-reason').value.trim();
    if (!reason) return;
    act($('suspend-confirm'), async () => {
      await post('/api/suspend', { reason });
      $('suspend-form').hidden = true;
      $('suspend-reason').value = '';
      return 'suspended';
    });
  });
  $('resume').addEventListener('click', (ev) =>
    act(ev.currentTarget, async () => { await post('/api/resume'); return 'resumed'; }));

  const events = new EventSource('/api/events');
  events.addEventListener('open', () => { $('stream-state').textContent = 'live'; });
  events.addEventListener('error', () => { $('stream-state').textContent = 'reconnecting…'; });
  events.addEventListener('progress', (ev) => {
    let p;
    try { p = JSON.parse(ev.data); } catch { return; }
    live = p;
    const run = status && status.run;
    if (run && p.phase !== 'done' && (p.eventId === undefined || p.eventId === run.eventId)) showProgress(p);
    else refreshSoon();
  });

  refresh();
})();
`;
