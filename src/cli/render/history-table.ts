/**
 * `hotctl history <name>` as a table, oldest first, the active revision marked:
 *
 * ```
 * api: 4 revisions; revision 4 is active
 *      REV  CREATED              USER   OUTCOME                CAUSE          VERSION  COMMIT   SHA256        SCRIPT
 *      1    2025-01-01 12:00:00  alice  superseded             start          1.2.0    a1b2c3d  9f86d081884c  /srv/api/releases/1.2.0/server.js
 *      2    2025-01-01 12:05:00  alice  failed (E_READY_TIMEOUT) reload       1.3.0    e4f5a6b  2c26b46b68ff  /srv/api/releases/1.3.0/server.js
 *   *  4    2025-01-01 12:07:00  alice  active                 rollback of 1  1.2.0    a1b2c3d  9f86d081884c  /srv/api/releases/1.2.0/server.js
 * ```
 */
import type { Result, RevisionInfo } from '../../protocol/index.js';
import { formatLocalTime } from '../../format/index.js';
import { stateColour, type Colours } from './colour.js';
import { renderTable, type Row } from './table.js';

/** The marker of the active revision. */
export const ACTIVE_MARK = '*';

/** `rollback of 1` for a rollback, else the cause as recorded. */
export function revisionCause(r: RevisionInfo): string {
  return r.rollback_of === null ? r.cause : `${r.cause} of ${r.rollback_of}`;
}

/** The outcome, with the cause of a failure (`failed (E_READY_TIMEOUT)`). */
export function revisionOutcome(r: RevisionInfo): string {
  if (!r.error) return r.outcome;
  const cause = r.error.details?.cause;
  return `${r.outcome} (${typeof cause === 'string' ? cause : r.error.code})`;
}

function short(value: string | null, length: number): string {
  return value === null || value === '' ? '-' : value.slice(0, length);
}

export function renderHistory(history: Result<'history'>, colours: Colours): string[] {
  const { app, active, revisions } = history;
  if (revisions.length === 0) return [`${app} has no revisions.`];
  const count = `${revisions.length} revision${revisions.length === 1 ? '' : 's'}`;
  const head = active > 0 ? `${count}; revision ${active} is active` : `${count}; none is active`;
  const header = ['', 'REV', 'CREATED', 'USER', 'OUTCOME', 'CAUSE', 'VERSION', 'COMMIT', 'SHA256', 'SCRIPT'].map((text) => ({ text, paint: colours.bold }));
  const rows: Row[] = [header];
  for (const r of revisions) {
    const isActive = r.number === active;
    rows.push([
      isActive ? { text: ACTIVE_MARK, paint: colours.green } : '',
      { text: String(r.number), paint: isActive ? colours.bold : undefined },
      formatLocalTime(r.created_at),
      r.user || '-',
      { text: revisionOutcome(r), paint: stateColour(colours, r.outcome) },
      revisionCause(r),
      r.app_version ?? '-',
      short(r.git_commit, 7),
      short(r.script_sha256, 12),
      r.script,
    ]);
  }
  return [
    `${colours.bold(app)}: ${head}`,
    ...renderTable(rows).map((line) => `  ${line}`),
    colours.dim(`${ACTIVE_MARK} active. \`hotctl rollback ${app} --to N\` deploys revision N's spec and files again.`),
  ];
}
