import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { freePort, get, Home, isAlive, waitGone, writeEcosystem } from '../helpers/harness.js';

/** The unit's `Key=value` lines (the last value of each key). */
function keys(unit: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) map.set(m[1]!, m[2]!);
  }
  return map;
}

/** Splits a command line as systemd does for the quoting `hotctl startup` writes: "…" with \ escapes, %% for %. */
function splitSystemd(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const word = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
    words.push(word.replace(/%%/g, '%'));
  }
  return words;
}

t.test('the unit `hotctl startup` prints runs the apps, reloads them on ExecReload and drains on KillSignal', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port }, kill_timeout: 3000 }], 'eco system.json');
  const printed = await home.run(['startup', file]);
  t.equal(printed.code, 0, printed.stderr);
  const unit = keys(printed.stdout);
  const [command, ...args] = splitSystemd(unit.get('ExecStart')!);
  t.same(args.slice(1), ['run', file], 'a path with a space survives the quoting');
  const environment = Object.fromEntries(splitSystemd(unit.get('Environment')!).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

  // As systemd starts it: a clean environment (PATH, HOME and the unit's Environment=), in
  // WorkingDirectory. The HTTP listener is off only so that tests never fight over port 9716.
  const service = spawn(command!, args, {
    cwd: unit.get('WorkingDirectory')!,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...environment, HOTCTL_HTTP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  service.stdout!.on('data', (d) => (output += d));
  service.stderr!.on('data', (d) => (output += d));
  t.teardown(() => void (isAlive(service.pid!) && service.kill('SIGKILL')));
  const exited = new Promise<number | null>((resolve) => service.on('exit', (code) => resolve(code)));

  // Parked workers (the previous generation, for the rollback window) are alive but do not serve.
  const serving = (s: Awaited<ReturnType<Home['status']>>) => s.apps[0]?.workers.filter((w) => w.state !== 'parked') ?? [];
  const ready = (revision: number) => (s: Awaited<ReturnType<Home['status']>>) =>
    s.apps[0]?.revision === revision && serving(s).length === 2 && serving(s).every((w) => w.state === 'ready' && w.revision === revision);
  const first = await home.waitForRunStatus(ready(1)).catch((err: Error) => {
    throw new Error(`${err.message}\nservice output:\n${output}`);
  });
  const workers = first.apps[0]!.workers.map((w) => w.pid!);
  t.teardown(() => workers.forEach((pid) => isAlive(pid) && process.kill(pid, 'SIGKILL')));
  t.equal(first.daemon.pid, service.pid, 'the main process is the supervisor itself (Type=simple, $MAINPID)');
  t.equal(first.daemon.mode, 'run');
  t.equal((await get(port)).status, 200, 'serving');

  // systemctl reload: ExecReload with $MAINPID.
  const [reload, ...reloadArgs] = unit.get('ExecReload')!.replace('$MAINPID', String(service.pid)).split(' ');
  execFileSync(reload!, reloadArgs);
  const second = await home.waitForRunStatus(ready(2));
  const fresh = serving(second).map((w) => w.pid!);
  t.same(fresh.filter((pid) => workers.includes(pid)), [], 'reloaded: new workers (the old ones parked, drained at the stop)');
  t.teardown(() => fresh.forEach((pid) => isAlive(pid) && process.kill(pid, 'SIGKILL')));

  // systemctl stop: KillSignal to the main process only (KillMode=mixed); it must be gone well
  // before TimeoutStopSec, when systemd would SIGKILL what is left.
  t.equal(unit.get('KillMode'), 'mixed');
  service.kill(unit.get('KillSignal') as NodeJS.Signals);
  const deadline = Number(unit.get('TimeoutStopSec')) * 1000;
  const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), deadline).unref())]);
  t.equal(code, 0, 'exit 0 (Restart=on-failure leaves it stopped)');
  t.ok(await waitGone([...workers, ...fresh], 5000), 'no worker left');
});
