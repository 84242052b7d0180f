/** `hotctl history` as a table: columns, the active mark, causes, failures, short hashes. */
import t from 'tap';
import { createColours, stripColour } from '../../../src/cli/render/colour.js';
import { renderHistory, revisionCause, revisionOutcome } from '../../../src/cli/render/history-table.js';
import { formatLocalTime } from '../../../src/format/index.js';
import { revision, sampleHistory } from './fixtures/samples.js';

// Local time is shown; the test pins the zone (Node reads TZ again when it is set).
process.env.TZ = 'UTC';

const cols = (line: string) => line.trim().split(/\s{2,}/);

t.test('one row per revision, oldest first, the active one marked', async (t) => {
  const history = sampleHistory();
  const lines = renderHistory(history, createColours(false));
  t.equal(lines[0], 'api: 4 revisions; revision 4 is active');
  const header = lines.findIndex((l) => /\bREV\b/.test(l));
  t.equal(header, 1);
  t.same(cols(lines[header]!), ['REV', 'CREATED', 'USER', 'OUTCOME', 'CAUSE', 'VERSION', 'COMMIT', 'SHA256', 'SCRIPT']);
  const rows = lines.slice(header + 1, header + 1 + history.revisions.length);
  t.same(
    rows.map((r) => cols(r)[0]),
    ['1', '2', '3', '*'],
    'only the active revision carries the mark',
  );
  const active = cols(rows[3]!);
  t.same(active.slice(0, 6), ['*', '4', '2025-01-01 12:04:00', 'alice', 'active', 'rollback of 1']);
  t.equal(active[6], '1.4.0');
  t.equal(active[7], 'a1b2c3d', 'commit: 7 characters');
  t.equal(active[8], history.revisions[0]!.script_sha256.slice(0, 12), 'sha256: 12 characters, the files of revision 1');
  t.equal(active[9], '/srv/api/releases/1.1.0/server.js');
  t.match(lines[lines.length - 1], /rollback api --to N/, 'a closing hint');
});

t.test('failures name their cause; missing version and commit show as -', async (t) => {
  const lines = renderHistory(sampleHistory(), createColours(false));
  const failed = lines.find((l) => cols(l)[0] === '2')!;
  t.equal(cols(failed)[3], 'failed (E_READY_TIMEOUT)');
  const rolledBack = cols(lines.find((l) => cols(l)[0] === '3')!);
  t.equal(rolledBack[3], 'rolled_back');
  t.equal(rolledBack[5], '-');
  t.equal(rolledBack[6], '-');
  t.equal(revisionOutcome(revision(9, { outcome: 'failed', error: { code: 'E_PORT_IN_USE', message: 'm', hint: 'h' } })), 'failed (E_PORT_IN_USE)');
  t.equal(revisionCause(revision(9, { cause: 'rollback', rollback_of: 7 })), 'rollback of 7');
  t.equal(revisionCause(revision(9)), 'reload');
});

t.test('columns line up and colour changes no text', async (t) => {
  const plain = renderHistory(sampleHistory(), createColours(false));
  const coloured = renderHistory(sampleHistory(), createColours(true));
  t.ok(coloured.some((l) => l.includes('\u001b[')));
  t.same(coloured.map(stripColour), plain);
  const at = plain[1]!.indexOf('OUTCOME');
  for (const row of plain.slice(2, 6)) t.equal(row.slice(at).search(/\S/), 0, `aligned: ${row}`);
});

t.test('no revisions, no active revision', async (t) => {
  t.same(renderHistory({ app: 'api', active: 0, revisions: [] }, createColours(false)), ['api has no revisions.']);
  const lines = renderHistory({ app: 'api', active: 0, revisions: [revision(1, { outcome: 'failed' })] }, createColours(false));
  t.equal(lines[0], 'api: 1 revision; none is active');
  t.notOk(lines.slice(2, 3).some((l) => l.trim().startsWith('*')));
});

t.test('times are local, to the second; a bad time is shown as it came', async (t) => {
  t.equal(formatLocalTime('2025-03-04T05:06:07.890Z'), '2025-03-04 05:06:07');
  t.equal(formatLocalTime('yesterday'), 'yesterday');
});
