import t from 'tap';
import { createColours } from '../../../src/cli/render/colour.js';
import { ProgressRenderer } from '../../../src/cli/render/progress.js';
import { failedReload, operation, reloadSteps, step, workerEvent } from './fixtures/samples.js';

function renderer(showApp = false) {
  const lines: string[] = [];
  const r = new ProgressRenderer((l) => lines.push(l), { colours: createColours(false), showApp });
  return { r, lines };
}

t.test('each step is printed once, in order, then one summary', async (t) => {
  const { r, lines } = renderer();
  const snaps = reloadSteps();
  for (const s of snaps) r.update(s);
  r.update(snaps[snaps.length - 1]!); // a repeated terminal snapshot adds nothing
  const stepLines = lines.filter((l) => l.startsWith('  ['));
  t.equal(stepLines.length, 4, 'four distinct steps');
  t.match(stepLines[0], /^ {2}\[\+0\.01s\] /);
  t.match(stepLines[3], /^ {2}\[\+1\.42s\] /);
  const summaries = lines.filter((l) => l.startsWith('✓') || l.startsWith('✗'));
  t.equal(summaries.length, 1);
  t.match(summaries[0], /^✓ reload api: revision 2 → 3 in 1\.42s/);
  t.equal(lines[0]!.includes('reload-api-0001'), true, 'a header names the operation');
});

t.test('worker transitions print as progress lines and feed the summary counts', async (t) => {
  const { r, lines } = renderer();
  const [first, , , last] = reloadSteps();
  r.update(first!);
  r.worker(workerEvent(120, 3, 'forking', { pid: null }), first!);
  r.worker(workerEvent(300, 3, 'ready'), first!);
  r.worker(workerEvent(310, 4, 'ready'), first!);
  r.worker(workerEvent(900, 1, 'draining', { revision: 2 }), first!);
  r.worker(workerEvent(901, 2, 'draining', { revision: 2 }), first!);
  r.update(last!);
  t.ok(lines.includes('  [+0.12s] worker 3 (r3) forking: because'));
  t.ok(lines.includes('  [+0.30s] worker 3 (pid 1003, r3) ready: because'));
  t.equal(lines[lines.length - 1], '✓ reload api: revision 2 → 3 in 1.42s (2 new workers ready, 2 old drained)');
});

t.test('steps with a worker are labelled with it; app names when several apps move', async (t) => {
  const { r, lines } = renderer(true);
  r.update(operation({ state: 'starting', steps: [step(120, 'forking', { worker_id: 3, pid: 1234, state: 'forking' })] }));
  t.equal(lines[1], '  [+0.12s] api: worker 3 (pid 1234) forking');
});

t.test('a failed reload names the code, the cause and the revision that keeps serving', async (t) => {
  const { r, lines } = renderer();
  r.update(failedReload());
  const last = lines[lines.length - 1]!;
  t.match(last, /^✗ reload api failed after 8\.05s/);
  t.match(last, /E_RELOAD_FAILED/);
  t.match(last, /E_READY_TIMEOUT/);
  t.match(last, /revision 2 keeps serving/);
});

t.test('a failed first start does not claim a revision keeps serving', async (t) => {
  const { r, lines } = renderer();
  r.update(operation({ kind: 'start', from_revision: null, to_revision: 1, state: 'failed', error: { code: 'E_START_FAILED', message: 'm', hint: 'h' } }));
  t.notMatch(lines[lines.length - 1]!, /keeps serving/);
});

t.test('steps are keyed by content, so a truncated step list prints nothing twice', async (t) => {
  const { r, lines } = renderer();
  const steps = Array.from({ length: 5 }, (_, i) => step(i * 10, `s${i}`));
  r.update(operation({ state: 'starting', steps }));
  r.update(operation({ state: 'starting', steps: [steps[0]!, ...steps.slice(3), step(60, 's6')] }));
  t.equal(lines.filter((l) => l.startsWith('  [')).length, 6);
});
