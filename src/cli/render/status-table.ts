/**
 * `hotctl status` as a table: one row per app (its status and the operation in progress), then
 * one indented row per worker (pid, state, revision, uptime, restarts). A canary's note gives its
 * share of new connections (`--canary 10%`), the connections routed to each revision, and each
 * revision's request outcomes (requests, error rate, p99) side by side; a running analysis
 * (`reload --auto`) a row of its own: its step, share and last figures; a parked generation's
 * note, its revision and the end of its rollback window.
 */
import type { AppStatusInfo, CanaryAnalysisInfo, DaemonInfo, OperationSnapshot, StatusSnapshot } from '../../protocol/index.js';
import { isServingWorker } from '../../protocol/states.js';
import { stateColour, type Colours } from './colour.js';
import { formatBytes, formatOutcomes, formatPercent, formatSeconds, formatUptime, MISSING } from '../../format/index.js';
import { renderTable, type Row } from './table.js';

export function describeDaemon(daemon: DaemonInfo): string {
  const parts = [`daemon pid ${daemon.pid}`, `hotctl ${daemon.version}`];
  if (daemon.mode === 'run') parts.push('foreground (hotctl run)');
  parts.push(`up ${formatUptime(daemon.uptime_ms)}`, `HOTCTL_HOME=${daemon.home}`);
  if (daemon.http) parts.push(`dashboard ${daemon.http}`);
  return parts.join(' · ');
}

function revisionMove(op: OperationSnapshot): string {
  if (op.to_revision === null || op.to_revision === op.from_revision) return op.from_revision === null ? '' : ` r${op.from_revision}`;
  return op.from_revision === null ? ` → r${op.to_revision}` : ` r${op.from_revision} → r${op.to_revision}`;
}

function appNote(app: AppStatusInfo, colours: Colours): string {
  const ready = app.workers.filter((w) => isServingWorker(w.state) && w.revision === app.revision).length;
  const parts = [`${ready}/${app.instances} ready`];
  if (app.canary) {
    const { revision, workers, share } = app.canary;
    const shareText = share === null || share === undefined ? '' : `, ${share}% of new connections`;
    parts.push(colours.cyan(`canary: revision ${revision}, ${workers} worker${workers === 1 ? '' : 's'}${shareText} (promote or rollback)`));
    // What the router handed each revision so far (connections), beside the shares asked.
    const routed = app.traffic?.revisions.filter((r) => r.routed > 0 || r.share !== null) ?? [];
    if (routed.length > 0) parts.push(`routed ${routed.map((r) => `r${r.revision} ${r.routed}`).join(', ')}`);
    // The canary's request outcomes against the active revision's (issue 12).
    const compared = [revision, app.revision].flatMap((n) => app.outcomes?.filter((o) => o.revision === n) ?? []);
    if (compared.length > 0) parts.push(compared.map((o) => `r${o.revision} ${formatOutcomes(o)}`).join(' vs '));
  }
  if (app.parked) {
    // The previous generation, alive and unrouted until the rollback window ends.
    const { revision, workers, until } = app.parked;
    parts.push(colours.dim(`parked: revision ${revision}, ${workers} worker${workers === 1 ? '' : 's'} until ${until.slice(11, 19)} UTC (rollback brings them back)`));
  }
  if (app.operation) {
    const op = app.operation;
    parts.push(colours.yellow(`${op.kind}${revisionMove(op)}: ${op.state} ${formatSeconds(op.duration_ms)}`));
  } else if (app.last_operation?.state === 'failed') {
    const op = app.last_operation;
    parts.push(colours.red(`last ${op.kind} failed${op.error ? ` (${op.error.code})` : ''}`));
  }
  return parts.join(' · ');
}

/** `reload --auto` running: the step, its share, and the last step's figures against the stable revision's. */
export function analysisNote(a: CanaryAnalysisInfo): string {
  const head = `step ${a.step}/${a.steps}: ${a.share}% of new connections to r${a.revision} (stable r${a.stable_revision})`;
  if (!a.last) return head;
  return `${head} · last step ${a.last.step} ${a.last.verdict}: canary ${formatOutcomes(a.last.figures.canary)} vs stable ${formatOutcomes(a.last.figures.stable)}`;
}

/** The status table, as lines. */
export function renderStatus(snapshot: StatusSnapshot, colours: Colours): string[] {
  const lines = [colours.dim(describeDaemon(snapshot.daemon))];
  for (const notice of snapshot.daemon.notices) lines.push(colours.yellow(`notice: ${notice}`));
  if (snapshot.apps.length === 0) {
    lines.push('No apps. Start one with `hotctl start <ecosystem file | script>`.');
    return lines;
  }
  const header = ['APP / WORKER', 'PID', 'STATE', 'REV', 'UPTIME', 'RESTARTS', 'CPU', 'MEM', 'NOTE'].map((text) => ({ text, paint: colours.bold }));
  const rows: Row[] = [header];
  for (const app of snapshot.apps) {
    rows.push([
      { text: app.name, paint: colours.bold },
      '',
      { text: app.status, paint: stateColour(colours, app.status) },
      String(app.revision),
      '',
      String(app.restarts),
      '',
      '',
      appNote(app, colours),
    ]);
    if (app.analysis) rows.push(['  canary analysis', '', { text: app.analysis.phase, paint: colours.cyan }, String(app.analysis.revision), formatSeconds(app.analysis.step_elapsed_ms), '', '', '', analysisNote(app.analysis)]);
    const workers = [...app.workers].sort((a, b) => a.revision - b.revision || a.instance - b.instance || a.id - b.id);
    for (const w of workers) {
      rows.push([
        `  worker ${w.id}`,
        w.pid === null ? '-' : String(w.pid),
        { text: w.state, paint: stateColour(colours, w.state) },
        { text: String(w.revision), paint: w.revision === app.revision ? undefined : colours.cyan },
        w.pid === null ? '-' : formatUptime(w.uptime_ms),
        String(w.restarts),
        w.metrics ? formatPercent(w.metrics.cpu_percent) : MISSING,
        w.metrics ? formatBytes(w.metrics.rss_bytes) : MISSING,
        '',
      ]);
    }
  }
  lines.push(...renderTable(rows));
  return lines;
}
