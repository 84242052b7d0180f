// The hotctl dashboard: plain browser JavaScript, no framework, no build step, no CDN.
//
// Data flow: /api/history seeds the charts; /ws streams `status` snapshots, `metrics` ticks and
// `events` (worker transitions, operation progress). Every message re-renders from `state`.
// When the socket closes (the daemon restarts), a banner shows and it reconnects with backoff.

const CHART_WINDOW_MS = 5 * 60_000;
const HISTORY_KEEP_MS = 10 * 60_000;
const MAX_EVENTS = 80;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

const state = {
  /** The last StatusSnapshot, and when it arrived (for live uptimes). */
  status: null,
  statusAtMs: 0,
  /** "app/workerId" → the last WorkerMetrics. */
  workerMetrics: new Map(),
  /** app → the last AppMetrics. */
  appMetrics: new Map(),
  /** app → [{at_ms, cpu_percent, rss_bytes, requests_per_sec}], oldest first. */
  history: new Map(),
  /** Newest first. */
  events: [],
  connection: 'connecting',
};

// ── formatting ──────────────────────────────────────────────────────────────────────────────

function formatBytes(bytes) {
  if (bytes == null || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : v < 10 ? 2 : 1)} ${units[i]}`;
}

function formatPercent(p) {
  if (p == null || !Number.isFinite(p)) return '–';
  if (p === 0) return '0%';
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

function formatRate(r) {
  if (r == null || !Number.isFinite(r)) return '–';
  if (r === 0) return '0/s';
  if (r < 100) return `${Number(r.toFixed(1))}/s`;
  if (r < 10_000) return `${Math.round(r)}/s`;
  return `${(r / 1000).toFixed(1)}k/s`;
}

function formatUptime(ms) {
  if (!(ms > 0)) return '–';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

const COUNT = new Intl.NumberFormat('en-US');

function formatClock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour12: false });
}

// ── DOM helpers ─────────────────────────────────────────────────────────────────────────────

/** Builds an element; text is always set as text, never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('data-') || k === 'title' || k === 'role' || k.startsWith('aria-')) el.setAttribute(k, String(v));
    else el[k] = v;
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function badge(kind, text) {
  return h('span', { class: `badge badge-${kind}`, 'data-badge': kind }, text ?? kind.replace(/_/g, ' '));
}

// ── charts ──────────────────────────────────────────────────────────────────────────────────

/** A small time-series chart: the last CHART_WINDOW_MS of one value, drawn as inline SVG. */
function chart({ label, points, value, format, kind, floor }) {
  const W = 240;
  const H = 56;
  const nowMs = Date.now();
  const from = nowMs - CHART_WINDOW_MS;
  const shown = points.filter((p) => p.t >= from - 2000);
  const max = Math.max(floor, ...shown.map((p) => p.v)) * 1.15;
  const x = (t) => (((t - from) / CHART_WINDOW_MS) * W).toFixed(1);
  const y = (v) => (H - 2 - (v / max) * (H - 6)).toFixed(1);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: `chart chart-${kind}`, role: 'img', 'aria-label': `${label} over the last 5 minutes` });
  for (const f of [0.25, 0.5, 0.75]) svg.append(s('line', { x1: 0, x2: W, y1: (H * f).toFixed(1), y2: (H * f).toFixed(1), class: 'grid' }));
  if (shown.length > 1) {
    const line = shown.map((p) => `${x(p.t)},${y(p.v)}`).join(' ');
    svg.append(s('polygon', { points: `${x(shown[0].t)},${H} ${line} ${x(shown[shown.length - 1].t)},${H}`, class: 'area' }));
    svg.append(s('polyline', { points: line, class: 'line', 'vector-effect': 'non-scaling-stroke' }));
  }
  return h(
    'figure',
    { class: `metric metric-${kind}`, 'data-chart': kind, 'data-points': shown.length },
    h('figcaption', {}, h('span', { class: 'metric-label' }, label), h('span', { class: 'metric-value' }, format(value)), h('span', { class: 'metric-max', title: 'scale' }, `max ${format(max / 1.15)}`)),
    svg,
  );
}

function appSeries(app) {
  const points = state.history.get(app) ?? [];
  return {
    cpu: points.map((p) => ({ t: p.at_ms, v: p.cpu_percent })),
    mem: points.map((p) => ({ t: p.at_ms, v: p.rss_bytes })),
    rps: points.map((p) => ({ t: p.at_ms, v: p.requests_per_sec })),
  };
}

// ── rendering ───────────────────────────────────────────────────────────────────────────────

const WORKER_ORDER = ['ready', 'starting', 'forking', 'draining', 'backoff', 'crashed', 'errored', 'exited'];

function render() {
  renderDaemon();
  renderApps();
  renderEvents();
}

function renderDaemon() {
  const el = document.getElementById('daemon');
  const d = state.status?.daemon;
  if (!d) return el.replaceChildren();
  const uptime = d.uptime_ms + (Date.now() - state.statusAtMs);
  el.replaceChildren(
    h('span', { class: 'kv' }, h('span', { class: 'k' }, 'version'), d.version),
    h('span', { class: 'kv' }, h('span', { class: 'k' }, 'pid'), d.pid),
    h('span', { class: 'kv' }, h('span', { class: 'k' }, 'up'), formatUptime(uptime)),
    h('span', { class: 'kv' }, h('span', { class: 'k' }, 'mode'), d.mode),
  );
}

function renderApps() {
  const container = document.getElementById('apps');
  const apps = state.status?.apps ?? [];
  if (apps.length === 0) {
    container.replaceChildren(h('p', { class: 'empty', id: 'empty' }, state.status ? 'No apps. Start one with `hotctl start ecosystem.json`.' : 'Waiting for the daemon…'));
    return;
  }
  container.replaceChildren(...apps.map(renderApp));
}

function renderApp(app) {
  const metrics = state.appMetrics.get(app.name);
  const ready = app.workers.filter((w) => w.state === 'ready').length;
  const series = appSeries(app.name);
  const last = (arr) => (arr.length ? arr[arr.length - 1].v : null);
  const reloads = metrics ? `${metrics.reloads.succeeded} ok · ${metrics.reloads.failed} failed` : '–';
  const appUptime = metrics ? formatUptime(metrics.uptime_ms) : '–';

  return h(
    'section',
    { class: `app status-${app.status}`, 'data-app': app.name, 'data-status': app.status, 'data-revision': app.revision },
    h(
      'header',
      { class: 'app-head' },
      h('h2', {}, app.name),
      badge(app.status),
      h('span', { class: 'rev-pill', title: 'active revision' }, `r${app.revision}`),
      h(
        'dl',
        { class: 'facts' },
        fact('ready', `${ready}/${app.instances}`),
        fact('restarts', app.restarts),
        fact('reloads', reloads),
        fact('uptime', appUptime),
      ),
    ),
    renderOperation(app),
    h(
      'div',
      { class: 'charts' },
      chart({ label: 'CPU', kind: 'cpu', points: series.cpu, value: metrics?.cpu_percent ?? last(series.cpu), format: formatPercent, floor: 5 }),
      chart({ label: 'Memory', kind: 'mem', points: series.mem, value: metrics?.rss_bytes ?? last(series.mem), format: formatBytes, floor: 16 * 1024 * 1024 }),
      chart({ label: 'Requests', kind: 'rps', points: series.rps, value: metrics?.requests_per_sec ?? last(series.rps), format: formatRate, floor: 1 }),
    ),
    renderWorkers(app),
    h('p', { class: 'script', title: app.cwd }, app.script),
  );
}

function fact(k, v) {
  return h('div', { class: 'fact' }, h('dt', {}, k), h('dd', {}, String(v)));
}

function renderOperation(app) {
  const op = app.operation;
  if (!op) {
    const lastOp = app.last_operation;
    if (!lastOp) return null;
    return h(
      'div',
      { class: `last-op op-${lastOp.state}`, 'data-last-operation': lastOp.kind, 'data-operation-state': lastOp.state },
      'last ',
      h('strong', {}, lastOp.kind),
      ' ',
      badge(lastOp.state),
      lastOp.to_revision !== null ? ` ${revisionMove(lastOp)}` : '',
      ` in ${(lastOp.duration_ms / 1000).toFixed(2)}s`,
      lastOp.ended_at ? h('span', { class: 'muted' }, ` · ${formatClock(lastOp.ended_at)}`) : '',
      lastOp.error ? h('div', { class: 'op-error' }, `${lastOp.error.code}: ${lastOp.error.message}`) : '',
    );
  }
  const step = op.steps[op.steps.length - 1];
  const elapsed = Date.now() - Date.parse(op.started_at);
  return h(
    'div',
    { class: 'operation', 'data-operation': op.kind, 'data-operation-state': op.state },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h('strong', {}, op.kind),
    badge(op.state),
    op.to_revision !== null ? h('span', { class: 'op-revs' }, revisionMove(op)) : null,
    h('span', { class: 'muted' }, `${(Math.max(0, elapsed) / 1000).toFixed(1)}s`),
    step ? h('span', { class: 'op-step' }, step.message) : null,
  );
}

/** `r1 → r2`, or `r1` for a first start. */
function revisionMove(op) {
  return op.from_revision === null || op.from_revision === op.to_revision ? `r${op.to_revision}` : `r${op.from_revision} → r${op.to_revision}`;
}

function renderWorkers(app) {
  const byRevision = new Map();
  for (const w of app.workers) {
    if (!byRevision.has(w.revision)) byRevision.set(w.revision, []);
    byRevision.get(w.revision).push(w);
  }
  const revisions = [...byRevision.keys()].sort((a, b) => b - a);
  const head = h(
    'thead',
    {},
    h('tr', {}, ...['worker', 'pid', 'state', 'CPU', 'memory', 'req/s', 'served', 'restarts', 'uptime'].map((c, i) => h('th', { class: i >= 3 ? 'num' : '' }, c))),
  );
  const bodies = revisions.map((rev) => {
    const workers = byRevision.get(rev).slice().sort((a, b) => WORKER_ORDER.indexOf(a.state) - WORKER_ORDER.indexOf(b.state) || a.id - b.id);
    const role = rev === app.revision ? 'active' : rev > app.revision ? 'new' : 'old';
    const readyCount = workers.filter((w) => w.state === 'ready').length;
    return h(
      'tbody',
      { class: `rev-group rev-${role}`, 'data-revision-group': rev, 'data-role': role },
      h(
        'tr',
        { class: 'rev-head' },
        h('th', { colSpan: 9 }, h('span', { class: 'rev-pill' }, `r${rev}`), h('span', { class: `role role-${role}` }, role), h('span', { class: 'muted' }, `${readyCount}/${workers.length} ready`)),
      ),
      ...workers.map((w) => renderWorker(app, w)),
    );
  });
  if (app.workers.length === 0) bodies.push(h('tbody', {}, h('tr', {}, h('td', { colSpan: 9, class: 'muted none' }, 'no workers'))));
  return h('table', { class: 'workers' }, head, ...bodies);
}

function renderWorker(app, w) {
  const m = state.workerMetrics.get(`${app.name}/${w.id}`);
  const cpu = m?.cpu_percent ?? w.metrics?.cpu_percent;
  const rss = m?.rss_bytes ?? w.metrics?.rss_bytes;
  const rps = m?.requests_per_sec ?? w.metrics?.requests_per_sec;
  const served = m?.requests_total ?? w.metrics?.requests_total;
  const uptime = w.pid === null ? 0 : w.uptime_ms + (Date.now() - state.statusAtMs);
  return h(
    'tr',
    { class: `worker state-${w.state}`, 'data-app': app.name, 'data-worker-id': w.id, 'data-revision': w.revision, 'data-state': w.state, 'data-pid': w.pid ?? '' },
    h('td', {}, `#${w.id}`, h('span', { class: 'muted inst' }, ` · ${w.instance}`)),
    h('td', { class: 'mono' }, w.pid ?? '–'),
    h('td', {}, badge(w.state)),
    h('td', { class: 'num' }, formatPercent(cpu)),
    h('td', { class: 'num' }, formatBytes(rss)),
    h('td', { class: 'num' }, formatRate(rps)),
    h('td', { class: 'num' }, served == null ? '–' : COUNT.format(served)),
    h('td', { class: 'num' }, w.restarts),
    h('td', { class: 'num' }, formatUptime(uptime)),
  );
}

function renderEvents() {
  const list = document.getElementById('events');
  if (state.events.length === 0) {
    list.replaceChildren(h('li', { class: 'muted none' }, 'Nothing yet.'));
    return;
  }
  list.replaceChildren(...state.events.map(renderEvent));
}

function renderEvent(e) {
  if (e.kind === 'worker') {
    return h(
      'li',
      { class: `event event-worker to-${e.to}`, 'data-event': 'worker' },
      h('time', {}, formatClock(e.at)),
      h('span', { class: 'ev-main' }, h('strong', {}, `${e.app}#${e.worker_id}`), h('span', { class: 'muted' }, ` r${e.revision} `), `${e.from ?? 'new'} → `, badge(e.to)),
      h('span', { class: 'ev-reason' }, e.reason),
    );
  }
  const op = e.operation;
  return h(
    'li',
    { class: `event event-operation op-${op.state}`, 'data-event': 'operation' },
    h('time', {}, formatClock(e.at)),
    h('span', { class: 'ev-main' }, h('strong', {}, e.app), ` ${op.kind} `, badge(op.state)),
    e.message ? h('span', { class: 'ev-reason' }, e.message) : null,
  );
}

// ── data ────────────────────────────────────────────────────────────────────────────────────

function onEvent(msg) {
  const e = msg.data;
  if (!e || typeof e !== 'object') return;
  switch (e.kind) {
    case 'status':
      state.status = e.status;
      state.statusAtMs = Date.now();
      break;
    case 'metrics': {
      state.workerMetrics = new Map(e.workers.map((w) => [`${w.app}/${w.worker_id}`, w]));
      state.appMetrics = new Map(e.apps.map((a) => [a.app, a]));
      const at = Date.parse(e.at);
      for (const a of e.apps) {
        const points = state.history.get(a.app) ?? [];
        points.push({ at_ms: at, cpu_percent: a.cpu_percent, rss_bytes: a.rss_bytes, requests_per_sec: a.requests_per_sec });
        while (points.length && points[0].at_ms < at - HISTORY_KEEP_MS) points.shift();
        state.history.set(a.app, points);
      }
      break;
    }
    case 'worker':
    case 'operation':
      // An operation's pure state changes come without a message; its steps carry one.
      if (e.kind === 'operation' && !e.message && !['succeeded', 'failed'].includes(e.operation.state)) break;
      state.events.unshift(e);
      if (state.events.length > MAX_EVENTS) state.events.length = MAX_EVENTS;
      break;
    default:
      return;
  }
  scheduleRender();
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

async function loadHistory() {
  try {
    const res = await fetch('/api/history', { cache: 'no-store' });
    if (!res.ok) return;
    const fetched = await res.json();
    for (const [app, points] of Object.entries(fetched)) {
      const lastFetched = points.length ? points[points.length - 1].at_ms : 0;
      const live = (state.history.get(app) ?? []).filter((p) => p.at_ms > lastFetched);
      state.history.set(app, [...points, ...live]);
    }
    scheduleRender();
  } catch {
    // The socket's reconnect loop reports the daemon being away.
  }
}

// ── connection ──────────────────────────────────────────────────────────────────────────────

let backoffMs = RECONNECT_MIN_MS;
let countdown = null;

function setConnection(connection, text) {
  state.connection = connection;
  document.body.dataset.connection = connection;
  document.querySelector('#conn .conn-text').textContent = connection === 'open' ? 'live' : connection;
  const banner = document.getElementById('banner');
  banner.hidden = connection === 'open' || connection === 'connecting';
  if (text) banner.textContent = text;
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.addEventListener('open', () => {
    backoffMs = RECONNECT_MIN_MS;
    // The listener subscribes a new socket to status, metrics and events: all this page shows.
    setConnection('open');
    void loadHistory();
  });
  ws.addEventListener('message', (m) => {
    try {
      onEvent(JSON.parse(m.data));
    } catch (err) {
      console.error('hotctl dashboard: bad message', err);
    }
  });
  // 'close' follows 'error' too: one place to retry from.
  ws.addEventListener('close', () => reconnectLater());
}

function reconnectLater() {
  const delay = Math.round(backoffMs * (0.8 + Math.random() * 0.4));
  backoffMs = Math.min(backoffMs * 2, RECONNECT_MAX_MS);
  const until = Date.now() + delay;
  clearInterval(countdown);
  const tick = () => {
    const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    setConnection('disconnected', `Disconnected from the hotctl daemon — reconnecting${left > 0 ? ` in ${left}s` : ''}…`);
  };
  tick();
  countdown = setInterval(tick, 250);
  setTimeout(() => {
    clearInterval(countdown);
    setConnection('disconnected', 'Disconnected from the hotctl daemon — reconnecting…');
    connect();
  }, delay);
}

// Uptimes and the operation's elapsed time move between messages too.
setInterval(() => {
  if (state.status) scheduleRender();
}, 1000);

void loadHistory();
connect();
render();
