/** src/cli/quiet-deadline.ts: a deadline fires once, never once cancelled, and keeps no process alive. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { afterQuietly } from '../../../src/cli/quiet-deadline.js';

t.test('fires once; a cancelled one never fires (cancelling twice is harmless)', async (t) => {
  const fired: string[] = [];
  const done = new Promise<void>((resolve) => afterQuietly(40, () => (fired.push('a'), resolve())));
  const cancel = afterQuietly(20, () => fired.push('b'));
  cancel();
  cancel();
  // A deadline keeps nothing alive: the pending promise below does not either, so a Node timer
  // (longer than both deadlines) holds the test process meanwhile.
  const hold = setTimeout(() => {}, 60_000);
  await done;
  await new Promise((resolve) => setImmediate(resolve));
  clearTimeout(hold);
  t.same(fired, ['a']);
});

t.test('a pending deadline does not keep a process alive', async (t) => {
  const module = fileURLToPath(new URL('../../../src/cli/quiet-deadline.js', import.meta.url));
  // The process arms a 60 s deadline and has nothing else to do: it exits now, without firing it.
  const program = `import(${JSON.stringify(module)}).then(({ afterQuietly }) => { afterQuietly(60_000, () => console.log('fired')); console.log('armed'); })`;
  const out = execFileSync(process.execPath, ['-e', program], { encoding: 'utf8', timeout: 30_000 });
  t.equal(out, 'armed\n');
});
