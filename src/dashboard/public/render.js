// The dashboard's views, rendered from `state` (see app.js) on every message. Numbers, durations
// and tones come from the same modules as the CLI's (src/format/, served at /lib/format/), and
// what counts as a ready worker from the worker-state table (src/protocol/states.ts).

import { formatBytes, formatClock, formatCount, formatOutcomes, formatPercent, formatRate, formatSeconds, formatUptime, MISSING, toneOf, WORKER_STATE_RANK } from '/lib/format/index.js';
import { isServingWorker } from '/lib/protocol/states.js';
import { appSeries, chart } from './charts.js';
import { badge, h } from './dom.js';

const WORKER_COLUMNS = ['worker', 'pid', 'state', 'CPU', 'memory', 'req/s', 'served', 'restarts', 'uptime'];

export function render(state) {
  renderDaemon(state);
  renderApps(state);
  renderEvents(state);
}

function renderDaemon(state) {
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

function renderApps(state) {
  const container = document.getElementById('apps');
  const apps = state.status?.apps ?? [];
  if (apps.length === 0) {
    container.replaceChildren(h('p', { class: 'empty', id: 'empty' }, state.status ? 'No apps. Start one with `hotctl start ecosystem.json`.' : 'Waiting for the daemon…'));
    return;
  }
  container.replaceChildren(...apps.map((app) => renderApp(state, app)));
}

function renderApp(state, app) {
  const metrics = state.appMetrics.get(app.name);
  const ready = app.workers.filter((w) => isServingWorker(w.state)).length;
  const series = appSeries(state.history.get(app.name) ?? []);
  const last = (arr) => (arr.length ? arr[arr.length - 1].v : null);
  const reloads = metrics ? `${metrics.reloads.succeeded} ok · ${metrics.reloads.failed} failed` : MISSING;
  const appUptime = metrics ? formatUptime(metrics.uptime_ms) : MISSING;

  return h(
    'section',
    { class: 'app', 'data-app': app.name, 'data-status': app.status, 'data-tone': toneOf(app.status), 'data-revision': app.revision },
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
    renderAnalysis(app),
    h(
      'div',
      { class: 'charts' },
      chart({ label: 'CPU', kind: 'cpu', points: series.cpu, value: metrics?.cpu_percent ?? last(series.cpu), format: formatPercent, floor: 5 }),
      chart({ label: 'Memory', kind: 'mem', points: series.mem, value: metrics?.rss_bytes ?? last(series.mem), format: formatBytes, floor: 16 * 1024 * 1024 }),
      chart({ label: 'Requests', kind: 'rps', points: series.rps, value: metrics?.requests_per_sec ?? last(series.rps), format: formatRate, floor: 1 }),
    ),
    renderWorkers(state, app),
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
      { class: 'last-op', 'data-last-operation': lastOp.kind, 'data-operation-state': lastOp.state, 'data-tone': toneOf(lastOp.state) },
      'last ',
      h('strong', {}, lastOp.kind),
      ' ',
      badge(lastOp.state),
      lastOp.to_revision !== null ? ` ${revisionMove(lastOp)}` : '',
      ` in ${formatSeconds(lastOp.duration_ms)}`,
      lastOp.ended_at ? h('span', { class: 'muted' }, ` · ${formatClock(lastOp.ended_at)}`) : '',
      lastOp.error ? h('div', { class: 'op-error' }, `${lastOp.error.code}: ${lastOp.error.message}`) : '',
    );
  }
  const step = op.steps[op.steps.length - 1];
  const elapsed = Date.now() - Date.parse(op.started_at);
  return h(
    'div',
    { class: 'operation', 'data-operation': op.kind, 'data-operation-state': op.state, 'data-tone': toneOf(op.state) },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h('strong', {}, op.kind),
    badge(op.state),
    op.to_revision !== null ? h('span', { class: 'op-revs' }, revisionMove(op)) : null,
    h('span', { class: 'muted' }, formatSeconds(elapsed)),
    step ? h('span', { class: 'op-step' }, step.message) : null,
  );
}

/** `reload --auto` running: its step and share, and the last step's canary figures against the stable revision's. */
function renderAnalysis(app) {
  const a = app.analysis;
  if (!a) return null;
  return h(
    'div',
    { class: 'analysis', 'data-analysis-step': a.step, 'data-analysis-phase': a.phase },
    h('strong', {}, 'canary analysis'),
    ` step ${a.step}/${a.steps} · ${a.share}% of new connections to r${a.revision} · ${formatSeconds(a.step_elapsed_ms)} into the step`,
    a.last ? h('div', { class: 'muted' }, `last step ${a.last.step} ${a.last.verdict}: canary ${formatOutcomes(a.last.figures.canary)} | stable r${a.stable_revision} ${formatOutcomes(a.last.figures.stable)}`) : null,
  );
}

/** `r1 → r2`, or `r1` for a first start. */
function revisionMove(op) {
  return op.from_revision === null || op.from_revision === op.to_revision ? `r${op.to_revision}` : `r${op.from_revision} → r${op.to_revision}`;
}

function renderWorkers(state, app) {
  const byRevision = new Map();
  for (const w of app.workers) {
    if (!byRevision.has(w.revision)) byRevision.set(w.revision, []);
    byRevision.get(w.revision).push(w);
  }
  const revisions = [...byRevision.keys()].sort((a, b) => b - a);
  const head = h('thead', {}, h('tr', {}, ...WORKER_COLUMNS.map((c, i) => h('th', { class: i >= 3 ? 'num' : '' }, c))));
  const rank = (w) => WORKER_STATE_RANK[w.state] ?? Number.MAX_SAFE_INTEGER;
  const bodies = revisions.map((rev) => {
    const workers = byRevision.get(rev).slice().sort((a, b) => rank(a) - rank(b) || a.id - b.id);
    const role = rev === app.revision ? 'active' : rev > app.revision ? 'new' : 'old';
    const readyCount = workers.filter((w) => isServingWorker(w.state)).length;
    // What the primary's router handed this revision, and the share asked for it (`reload --canary 10%`).
    const traffic = app.traffic?.revisions.find((r) => r.revision === rev);
    const trafficText = traffic ? `${traffic.share === null ? '' : `${traffic.share}% of new connections · `}${traffic.routed} routed` : null;
    // What became of the revision's requests (issue 12): requests, error rate, p99.
    const outcomes = app.outcomes?.find((o) => o.revision === rev);
    return h(
      'tbody',
      { class: `rev-group rev-${role}`, 'data-revision-group': rev, 'data-role': role },
      h(
        'tr',
        { class: 'rev-head' },
        h('th', { colSpan: WORKER_COLUMNS.length }, h('span', { class: 'rev-pill' }, `r${rev}`), h('span', { class: 'role', 'data-role': role }, role), h('span', { class: 'muted' }, `${readyCount}/${workers.length} ready`), trafficText ? h('span', { class: 'muted traffic', 'data-share': traffic.share ?? '' }, ` · ${trafficText}`) : null, outcomes ? h('span', { class: 'muted outcomes', 'data-error-rate': outcomes.error_rate }, ` · ${formatOutcomes(outcomes)}`) : null),
      ),
      ...workers.map((w) => renderWorker(state, app, w)),
    );
  });
  if (app.workers.length === 0) bodies.push(h('tbody', {}, h('tr', {}, h('td', { colSpan: WORKER_COLUMNS.length, class: 'muted none' }, 'no workers'))));
  return h('table', { class: 'workers' }, head, ...bodies);
}

function renderWorker(state, app, w) {
  const m = state.workerMetrics.get(`${app.name}/${w.id}`);
  const cpu = m?.cpu_percent ?? w.metrics?.cpu_percent;
  const rss = m?.rss_bytes ?? w.metrics?.rss_bytes;
  const rps = m?.requests_per_sec ?? w.metrics?.requests_per_sec;
  const served = m?.requests_total ?? w.metrics?.requests_total;
  const uptime = w.pid === null ? MISSING : formatUptime(w.uptime_ms + (Date.now() - state.statusAtMs));
  return h(
    'tr',
    { class: 'worker', 'data-app': app.name, 'data-worker-id': w.id, 'data-revision': w.revision, 'data-state': w.state, 'data-tone': toneOf(w.state), 'data-pid': w.pid ?? '' },
    h('td', {}, `#${w.id}`, h('span', { class: 'muted inst' }, ` · ${w.instance}`)),
    h('td', { class: 'mono' }, w.pid ?? MISSING),
    h('td', {}, badge(w.state)),
    h('td', { class: 'num' }, formatPercent(cpu)),
    h('td', { class: 'num' }, formatBytes(rss)),
    h('td', { class: 'num' }, formatRate(rps)),
    h('td', { class: 'num' }, formatCount(served)),
    h('td', { class: 'num' }, w.restarts),
    h('td', { class: 'num' }, uptime),
  );
}

function renderEvents(state) {
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
      { class: 'event event-worker', 'data-event': 'worker', 'data-tone': toneOf(e.to) },
      h('time', {}, formatClock(e.at)),
      h('span', { class: 'ev-main' }, h('strong', {}, `${e.app}#${e.worker_id}`), h('span', { class: 'muted' }, ` r${e.revision} `), `${e.from ?? 'new'} → `, badge(e.to)),
      h('span', { class: 'ev-reason' }, e.reason),
    );
  }
  const op = e.operation;
  return h(
    'li',
    { class: 'event event-operation', 'data-event': 'operation', 'data-tone': toneOf(op.state) },
    h('time', {}, formatClock(e.at)),
    h('span', { class: 'ev-main' }, h('strong', {}, e.app), ` ${op.kind} `, badge(op.state)),
    e.message ? h('span', { class: 'ev-reason' }, e.message) : null,
  );
}
