import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { FdStdout } from '../../../src/cli/fd-stdout.js';

/**
 * The write end of a real pipe that is not read for now: a `cat` whose output this process does
 * not read until `drain` (its pipes fill, then it blocks), so the write end (non-blocking, as
 * Node opens a child's stdin) takes a few dozen KiB and then would block.
 */
async function stalledPipe(t: { teardown(fn: () => void): void }): Promise<{ fd: number; child: ChildProcess; drain: () => Promise<string> }> {
  const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'] });
  t.teardown(() => void child.kill('SIGKILL'));
  await once(child, 'spawn');
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  return {
    fd,
    child,
    drain: async () => {
      const chunks: Buffer[] = [];
      child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stdin!.end();
      await once(child.stdout!, 'end');
      return Buffer.concat(chunks).toString();
    },
  };
}

t.test('writes go straight to the fd; once it would block, they go through the fallback stream, in order', async (t) => {
  const { fd, drain } = await stalledPipe(t);
  const fallback = new PassThrough();
  let made = 0;
  const out = new FdStdout(
    () => {
      made++;
      return fallback;
    },
    (err) => t.fail(`no write fails here: ${err.message}`),
    fd,
  );
  const chunk = `${'x'.repeat(1023)}\n`;
  let written = 0;
  while (made === 0 && written < 1024) {
    out.write(chunk);
    written++;
  }
  t.equal(made, 1, 'the fallback was made once, when the pipe was full');
  t.ok(written > 16 && written < 1024, `the pipe took ${written - 1} KiB before it would block`);
  out.write('last\n');
  fallback.end();
  const viaFallback = Buffer.concat(await fallback.toArray()).toString();
  const viaFd = await drain();
  t.ok(viaFd.length > 0 && viaFallback.endsWith('last\n'), 'the first writes went to the fd, the later ones to the fallback');
  t.equal(viaFd + viaFallback, chunk.repeat(written) + 'last\n', 'in order, nothing lost or written twice');
});

t.test('a write error is reported, not thrown', async (t) => {
  const { fd, child } = await stalledPipe(t);
  const failures: string[] = [];
  const out = new FdStdout(
    () => {
      throw new Error('no fallback for an error');
    },
    (err) => failures.push(err.code ?? ''),
    fd,
  );
  // The reader goes away; until this process's loop sees the child's exit (which closes the
  // write end), writes reach a pipe nobody reads: EPIPE. Waited for synchronously, bounded.
  child.kill('SIGKILL');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10_000;
  let result = true;
  while (failures.length === 0 && Date.now() < deadline) {
    result = out.write('x\n');
    if (failures.length === 0) Atomics.wait(pause, 0, 0, 20);
  }
  t.equal(result, false, 'the failed write returns false');
  t.same(failures, ['EPIPE']);
});
