import t from 'tap';
import { app, Harness } from './harness-client.js';

// The runtime makes the worker's stdout and stderr pipes blocking when each is first used
// (src/runtime/blocking-stdio.ts), not before the app's first line: still before the first byte.
t.test("an app that writes ~400 KB to stdout and stderr, then exits at once: every line reaches the primary", async (t) => {
  const h = await Harness.start(t);
  await h.fork('w1', app('writes-then-exits.cjs'), { env: { LINES: '2000' } });
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = h.events.flatMap((e) => (e.ev === stream && e.id === 'w1' && e.line.startsWith('line ') ? [e.line] : []));
    t.equal(lines.length, 2000, `${stream}: every line`);
    t.match(lines.at(-1), /^line 2000 x+$/, `${stream}: the last one whole`);
  }
});
