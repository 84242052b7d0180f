// The hotctl dashboard: plain browser JavaScript as ES modules, no framework, no build step, no CDN.
// This module holds the page's state, the data it receives and the connection; render.js draws,
// charts.js and dom.js help it. The formatters and tones are the CLI's own (src/format/, compiled,
// served by the daemon at /lib/format/), and so is the worker-state table (/lib/protocol/states.js).
//
// Data flow: /api/history seeds the charts; /ws streams `status` snapshots, `metrics` ticks and
// `events` (worker transitions, operation progress). Every message re-renders from `state`.
// When the socket closes (the daemon restarts), a banner shows and it reconnects with backoff.

import { isTerminalOperationState } from '/lib/protocol/states.js';
import { render } from './render.js';

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
      if (e.kind === 'operation' && !e.message && !isTerminalOperationState(e.operation.state)) break;
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
    render(state);
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
render(state);
